// `tempo-stack validate [--config <file>]`: everything synth checks (the YAML, the schema, every
// component's rules, by building and rendering each environment in memory), without writing.
import * as path from 'path';
import { renderConfig } from '../app';
import { DEFAULT_CONFIG_FILE, loadStackConfig } from '../config/load';
import { ConfigError } from '../shared/validate';
import { CliIO, commandOptions } from './io';

/** The usage text printed with --help and after an option error. */
export const VALIDATE_USAGE = `usage: tempo-stack validate [--config <file>] [--quiet]

  --config <file>   the config file to check (default ./tempo-stack.yaml); nothing is written
  --quiet           print nothing when the file is valid
  --help            print this text
`;

/** Runs `tempo-stack validate`: 0 when the file is valid, 1 with the one-line error, 2 on bad options. */
export function runValidate(argv: readonly string[], io: CliIO): number {
  const options = commandOptions('validate', argv, { quiet: { type: 'boolean' }, config: { type: 'string' } }, VALIDATE_USAGE, io);
  if (typeof options === 'number') return options;
  const configFile = path.resolve(io.cwd, options.config ?? DEFAULT_CONFIG_FILE);
  const name = path.relative(io.cwd, configFile) || configFile;
  let output: ReturnType<typeof renderConfig>;
  try {
    output = renderConfig(loadStackConfig(configFile), name);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${error.message}\n`);
    return 1;
  }
  for (const warning of output.warnings) io.err(`warning: ${warning}\n`);
  if (!options.quiet) {
    const folders = [...output.folders.keys()];
    io.out(`${name} is valid: ${folders.length} folder${folders.length === 1 ? '' : 's'} (${folders.join(', ')})\n`);
  }
  return 0;
}
