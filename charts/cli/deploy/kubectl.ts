import { BackgroundCommand, CommandResult, DeployIO } from './io';

/** Stops the run with an exit code (after the message, if any, was printed). */
export class Exit extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A failure: `error: <message>` and each further line indented on stderr, exit code 1. */
export class Failure extends Error {
  constructor(message: string, public readonly lines: readonly string[] = []) {
    super(message);
  }
}

/** A word as a shell reads it back: bare when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[-A-Za-z0-9_.,:/=@%+]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Every kubectl call goes through here: it adds `--context` (when one was given) and, with
 * --verbose, prints the command on stderr before it runs.
 */
export class Kubectl {
  /** The namespace `ns()` calls run in, once known. */
  public namespace = '';

  constructor(private readonly io: DeployIO, private readonly context: string, private readonly verbose: boolean) {}

  private argv(args: readonly string[]): string[] {
    const full = [...(this.context ? ['--context', this.context] : []), ...args];
    if (this.verbose) this.io.err(`+ ${['kubectl', ...full].map(shellQuote).join(' ')}\n`);
    return full;
  }

  /** Runs kubectl; the result whatever it is. */
  public try(args: readonly string[], options: { passthrough?: boolean; input?: string } = {}): Promise<CommandResult> {
    return this.io.run('kubectl', this.argv(args), options);
  }

  /** Runs kubectl and returns its stdout; on failure its stderr is shown and the run ends with its exit code. */
  public async must(args: readonly string[], options: { passthrough?: boolean; input?: string } = {}): Promise<string> {
    const result = await this.try(args, options);
    if (result.code !== 0) {
      this.io.err(result.stderr);
      throw new Exit(result.code);
    }
    if (result.stderr) this.io.err(result.stderr);
    return result.stdout;
  }

  /** Like try(), but its stderr is shown as kubectl's own would be. */
  public async tryShown(args: readonly string[], options: { input?: string } = {}): Promise<CommandResult> {
    const result = await this.try(args, options);
    if (result.stderr) this.io.err(result.stderr);
    return result;
  }

  /** `--namespace <ns>` then the arguments. */
  public ns(...args: string[]): string[] {
    return ['--namespace', this.namespace, ...args];
  }

  /** Starts kubectl in the background (port-forward). */
  public start(args: readonly string[]): BackgroundCommand {
    return this.io.start('kubectl', this.argv(args));
  }
}
