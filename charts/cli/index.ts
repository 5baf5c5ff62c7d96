// The `tempo-stack` command line (bin/tempo-stack.js runs it): one dispatcher over the commands.
// Each command's module loads only when it runs, so `plan` or `init` do not pay for the charts.
import { CliIO, processIO } from './io';

/** The usage text printed by `tempo-stack --help`, and after an unknown command. */
export const USAGE = `usage: tempo-stack <command> [options]

commands:
  synth      write every environment of ./tempo-stack.yaml into ./dist/ (atomically)
  validate   check a config file as synth would, writing nothing
  init       write a starter tempo-stack.yaml and its JSON Schema into the current folder
  plan       print the Tempo deployment that carries a given load
  deploy     apply one environment of dist/ to a cluster with kubectl, and the other verbs of deploy.sh

Run tempo-stack <command> --help for a command's options.
`;

/** Runs `tempo-stack <argv>` and returns the exit code: 0 done, 1 a config or plan error, 2 a usage error. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'synth':
      return (await import('./synth')).runSynth(rest, io);
    case 'validate':
      return (await import('./validate')).runValidate(rest, io);
    case 'init':
      return (await import('./init')).runInit(rest, io);
    case 'plan':
      return (await import('./plan')).runPlan(rest, io.out, io.err);
    case 'deploy':
      return (await import('./deploy')).deployMain(rest);
    case '--help':
    case '-h':
    case 'help':
      io.out(USAGE);
      return 0;
    case undefined:
      io.err(USAGE);
      return 2;
    default:
      io.err(`tempo-stack: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}
