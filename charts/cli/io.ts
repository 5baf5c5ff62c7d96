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
