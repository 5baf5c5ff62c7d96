// `tempo-stack init`: a starter tempo-stack.yaml and the JSON Schema editors check it against, in
// the working folder. Never overwrites: an existing file of either name stops it before it writes.
import * as fs from 'fs';
import * as path from 'path';
import { StackConfigFile } from '../config/file';
import { DEFAULT_CONFIG_FILE } from '../config/load';
import { toYaml } from '../shared/render';
import { CliIO, commandOptions } from './io';

/** The schema file init writes beside the config (the name the config's `$schema` line points at). */
export const SCHEMA_FILE = 'tempo-stack.schema.json';

/** The usage text printed with --help and after an option error. */
export const INIT_USAGE = `usage: tempo-stack init

  Writes ${DEFAULT_CONFIG_FILE} (one environment to edit) and ${SCHEMA_FILE} (for editor completion
  and checks) into the current folder; refuses when either exists.
  --help            print this text
`;

/** The starter's one environment: the smallest stack that runs, with every component. */
export const STARTER_CONFIG: StackConfigFile = {
  environments: [{
    name: 'dev',
    description: 'Single-node Tempo on local storage, Prometheus with the Tempo alerts, Grafana.',
    namespace: 'tempo',
    tempo: { mode: 'single-node', preset: 'basic' },
    prometheus: {},
    grafana: {},
  }],
};

/** The starter config file's text: the `$schema` line, what to do next, the environments. */
export function starterConfigText(): string {
  return [
    `# yaml-language-server: $schema=./${SCHEMA_FILE}`,
    '#',
    '# The environments `tempo-stack synth` writes into dist/<name>/. Every key is a prop of the',
    `# TypeScript API; ${SCHEMA_FILE} describes them all. Check with \`tempo-stack validate\`.`,
    '',
    toYaml(STARTER_CONFIG),
  ].join('\n');
}

/** Runs `tempo-stack init`: 0 when both files are written, 1 when one exists (nothing written), 2 on bad options. */
export function runInit(argv: readonly string[], io: CliIO): number {
  const options = commandOptions('init', argv, {}, INIT_USAGE, io);
  if (typeof options === 'number') return options;
  // The schema generated with this version of the package: lib/tempo-stack.schema.json when
  // compiled, the repository's own beside charts/ when run from the sources.
  const schema = fs.readFileSync(path.join(__dirname, '..', '..', SCHEMA_FILE), 'utf8');
  const files: Array<[string, string]> = [[DEFAULT_CONFIG_FILE, starterConfigText()], [SCHEMA_FILE, schema]];
  const existing = files.map(([name]) => name).filter((name) => fs.existsSync(path.join(io.cwd, name)));
  if (existing.length > 0) {
    io.err(`init: ${existing.join(' and ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${io.cwd}, nothing written; `
      + `remove ${existing.length === 1 ? 'it' : 'them'} or run init in another folder\n`);
    return 1;
  }
  for (const [name, content] of files) fs.writeFileSync(path.join(io.cwd, name), content, { flag: 'wx' });
  io.out(`wrote ${DEFAULT_CONFIG_FILE} and ${SCHEMA_FILE}; edit the environments, then run tempo-stack synth\n`);
  return 0;
}
