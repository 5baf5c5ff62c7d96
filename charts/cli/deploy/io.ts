import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** What a finished command printed and returned. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command left running in the background (a port-forward). */
export interface BackgroundCommand {
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** False once it exited. */
  running(): boolean;
  /** Ends it and waits until it is gone. */
  stop(): Promise<void>;
}

/** An HTTP request of the verification (always to a local port-forward). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An HTTP answer; status 0 when nothing answered, with the error as the body. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Everything the deploy does to the world, so that tests replace it: commands (kubectl), HTTP,
 * time, randomness, the terminal, and a fresh synth to compare dist/ with.
 */
export interface DeployIO {
  /** The folder holding dist/ (and tempo-stack.yaml, for the fresh-synth check). */
  readonly root: string;
  /** Environment variables (TEMPO_STACK_COMMAND names the wrapper calling us). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when `name` is an executable on the PATH. */
  hasCommand(name: string): boolean;
  /**
   * Runs a command to its end. With `passthrough`, its output goes straight to the terminal (logs,
   * tables) instead of being captured; `input` is written to its stdin (a Secret manifest, so that
   * values never reach argv or a file).
   */
  run(command: string, args: readonly string[], options?: { readonly passthrough?: boolean; readonly input?: string }): Promise<CommandResult>;
  /** Starts a command that keeps running (kubectl port-forward). */
  start(command: string, args: readonly string[]): BackgroundCommand;
  http(request: HttpRequest): Promise<HttpResponse>;
  sleep(ms: number): Promise<void>;
  randomBytes(size: number): Buffer;
  /** Nanoseconds since the epoch. */
  nowNanos(): bigint;
  out(text: string): void;
  err(text: string): void;
  /** One line typed by the user (without its newline); undefined at end of input. */
  readLine(): Promise<string | undefined>;
  /** The environment's files as a fresh synth of `<root>/tempo-stack.yaml` writes them (see FreshSynth). */
  freshSynth(env: string): Promise<FreshSynth>;
}

/** What a fresh synth gave: the environment's files, a failure, no such environment, or no config file to synth from. */
export type FreshSynth =
  | { readonly kind: 'files'; readonly files: ReadonlyMap<string, string> }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'no-environment' }
  | { readonly kind: 'no-config'; readonly file: string };

/**
 * The real world: this process's terminal, child processes, Node's fetch and crypto. Background
 * commands are ended when the process exits, also on SIGINT (exit 130) and SIGTERM (143), as
 * deploy.sh's traps did.
 */
export function processDeployIO(root = process.cwd()): DeployIO {
  const background = new Set<ChildProcess>();
  process.once('exit', () => background.forEach((child) => child.kill()));
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  return {
    root,
    env: process.env,
    hasCommand: (name) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
      try {
        fs.accessSync(path.join(dir || '.', name), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
    run: (command, args, options = {}) => new Promise((resolve) => {
      const output = options.passthrough ? 'inherit' : 'pipe';
      const child = spawn(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', output, output] });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}\n` }));
      child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr }));
      if (options.input !== undefined) child.stdin?.end(options.input);
    }),
    start: (command, args) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      let exited = false;
      background.add(child);
      const done = new Promise<void>((resolve) => child.on('close', () => { exited = true; background.delete(child); resolve(); }));
      child.on('error', (error) => { output += `${error.message}\n`; exited = true; });
      child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
      return {
        output: () => output,
        running: () => !exited,
        stop: async () => {
          if (!exited) child.kill();
          await done;
        },
      };
    },
    http: async (request) => {
      try {
        const response = await fetch(request.url, {
          method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000),
        });
        return { status: response.status, body: await response.text() };
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        return { status: 0, body: cause ? `${(error as Error).message}: ${cause}` : (error as Error).message };
      }
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    randomBytes: (size) => crypto.randomBytes(size),
    nowNanos: () => BigInt(Date.now()) * 1_000_000n,
    // Synchronous on Linux for files, pipes and terminals, so our lines and a child's inherited output keep their order.
    out: (text) => { process.stdout.write(text); },
    err: (text) => { process.stderr.write(text); },
    readLine: async () => {
      // Closed after the one line, so that an open terminal does not keep the process alive.
      const rl = (await import('readline')).createInterface({ input: process.stdin, terminal: false });
      try {
        const next = await rl[Symbol.asyncIterator]().next();
        return next.done ? undefined : next.value;
      } finally {
        rl.close();
      }
    },
    freshSynth: async (env) => {
      const file = path.join(root, 'tempo-stack.yaml');
      if (!fs.existsSync(file)) return { kind: 'no-config', file };
      // Loaded only here: the charts are most of the program, and only this check needs them.
      const [{ loadStackConfig }, { renderConfig }, { ConfigError }] = await Promise.all([
        import('../../config/load'), import('../../app'), import('../../shared/validate'),
      ]);
      try {
        const folder = renderConfig(loadStackConfig(file), path.relative(process.cwd(), file) || file).folders.get(env);
        return folder ? { kind: 'files', files: folder } : { kind: 'no-environment' };
      } catch (error) {
        if (error instanceof ConfigError) return { kind: 'failed', message: error.message };
        throw error;
      }
    },
  };
}
