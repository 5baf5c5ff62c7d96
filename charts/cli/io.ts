import { parseArgs, ParseArgsConfig } from 'util';
/** Where a command writes and which folder it works in; the process's own in `tempo-stack`, captured in tests. */
export interface CliIO {
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
  /** The folder relative paths (and the defaults `./tempo-stack.yaml`, `./dist`) are taken from. */
  readonly cwd: string;
  /** The environment variables (synth reads `CDK8S_OUTDIR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The running process's streams, folder and environment. */
export function processIO(): CliIO {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * A command's options parsed with `--help`/`-h` added: the values, or the exit code when the
 * command must stop (0 after printing its usage for --help; 2 after a usage error, printed as
 * `<command>: <problem>` and the usage).
 */
export function commandOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string, argv: readonly string[], options: T, usage: string, io: CliIO,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: false }>>['values'] | number {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: false }).values;
  } catch (error) {
    io.err(`${command}: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.out(usage);
    return 0;
  }
  return values as ReturnType<typeof parseArgs<{ options: T; allowPositionals: false }>>['values'];
}
