// `tempo-stack synth [--quiet] [--config <file>] [--outdir <dir>]`: reads the config file, builds
// every environment in memory, and only then replaces the output folder (a bad config leaves it as
// it was). Paths are relative to the working folder: in a GitOps repository holding only a
// tempo-stack.yaml, `npx tempo-stack synth` writes ./dist/ there.
import * as fs from 'fs';
import * as path from 'path';
import { synthesizeAll } from '../app';
import { DEFAULT_CONFIG_FILE, loadStackConfig } from '../config/load';
import { ConfigError } from '../shared/validate';
import { CliIO, commandOptions } from './io';

/** The usage text printed with --help and after an option error. */
export const SYNTH_USAGE = `usage: tempo-stack synth [--quiet] [--config <file>] [--outdir <dir>]

  --config <file>   the config file to read (default ./tempo-stack.yaml)
  --outdir <dir>    the folder to write, replaced as a whole (default ./dist)
  --quiet           print no summary (warnings and errors still go to stderr)
  --help            print this text
`;

/** Runs `tempo-stack synth`: 0 when written, 1 on a config error (nothing written), 2 on bad options. */
export function runSynth(argv: readonly string[], io: CliIO): number {
  const started = process.hrtime.bigint();
  const flags = { quiet: { type: 'boolean' }, config: { type: 'string' }, outdir: { type: 'string' } } as const;
  const options = commandOptions('synth', argv, flags, SYNTH_USAGE, io);
  if (typeof options === 'number') return options;
  const configFile = path.resolve(io.cwd, options.config ?? DEFAULT_CONFIG_FILE);
  const outdir = path.resolve(io.cwd, options.outdir ?? 'dist');
  const relOut = path.relative(io.cwd, outdir) || '.';
  let output: ReturnType<typeof synthesizeAll>;
  try {
    output = synthesizeAll(loadStackConfig(configFile), outdir, path.relative(io.cwd, configFile) || configFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A settings mistake: the message names the file, the path, the value and the fix; no stack trace.
    io.err(`synth failed, ${relOut}/ left as it was:\n  ${error.message}\n`);
    return 1;
  }
  // synthesizeAll's warnings (settings that work but are likely mistakes) never fail a synth.
  for (const warning of output.warnings) io.err(`warning: ${warning}\n`);
  // `cdk8s synth` empties its own output folder (cdk8s.yaml's `output`) before running the app and
  // reads it afterwards: mirror what was written there.
  const cliOutdir = io.env.CDK8S_OUTDIR;
  if (cliOutdir && path.resolve(io.cwd, cliOutdir) !== outdir) {
    fs.rmSync(path.resolve(io.cwd, cliOutdir), { recursive: true, force: true });
    fs.cpSync(outdir, path.resolve(io.cwd, cliOutdir), { recursive: true });
  }
  if (options.quiet) return 0;
  for (const [folder, kinds] of output.kinds) {
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    io.out(`${`${relOut}/${folder}/`.padEnd(24)} ${String(total).padStart(3)} objects: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
  }
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  io.out(`synthesized ${output.folders.size} folder${output.folders.size === 1 ? '' : 's'} in ${ms} ms\n`);
  return 0;
}
