import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BackgroundCommand, DeployIO, FreshSynth, HttpRequest, deployMain } from '../../charts/cli/deploy';

const REPO = path.join(__dirname, '..', '..');

/** A canned answer: kubectl's output and exit code, or an HTTP status and body. */
export interface Answer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit?: number;
  /** HTTP only: the status (default 200); the body is `stdout`. */
  readonly status?: number;
  /** Answer one call only. */
  readonly once?: boolean;
}

interface Rule {
  readonly pattern: RegExp;
  readonly answer: Answer;
  used: boolean;
}

/** What one run did. */
export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** kubectl's arguments, one string per call, joined by spaces, the temp folder replaced by $ROOT. */
  readonly kubectl: string[];
  /** `<METHOD> <url>` of each HTTP request, the query decoded. */
  readonly http: string[];
  readonly requests: HttpRequest[];
  /** What the deploy wrote to kubectl's stdin (Secret manifests). */
  readonly stdin: string[];
  /** Poll intervals slept, in seconds (the port-forward's 20 ms waits left out). */
  readonly sleep: number[];
  /** Port-forwards still running after the run: none, when it cleaned up. */
  readonly leftRunning: number;
}

function globRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

const repoFolders = new Map<string, Record<string, string>>();

/** A repository's own environment folder, file by file (read once). */
export function repoDist(env: string): Record<string, string> {
  const dir = path.join(REPO, 'dist', env);
  if (!repoFolders.has(env)) {
    repoFolders.set(env, Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')])));
  }
  return { ...repoFolders.get(env)! };
}

/**
 * A throwaway root with a dist/ of its own, and a fake world for the deploy: kubectl and HTTP
 * answer with the rules a test registers (first match wins; `override` puts a rule first), and
 * every call is recorded. The deploy runs in this process, with its real argument lists.
 */
export class World {
  public readonly root: string;
  public fresh: FreshSynth = { kind: 'no-config', file: 'tempo-stack.yaml' };
  public kubectlOnPath = true;
  private readonly rules = { kubectl: [] as Rule[], http: [] as Rule[] };

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
  }

  /** Writes dist/<env>/ with the given files (added to what is there). */
  dist(env: string, files: Record<string, string>): this {
    const dir = path.join(this.root, 'dist', env);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return this;
  }

  /** Answers calls whose arguments (kubectl) or `<METHOD> <url>` (http), joined by spaces, match the glob. */
  on(tool: 'kubectl' | 'http', glob: string, answer: Answer = {}): this {
    this.rules[tool].push({ pattern: globRegExp(glob), answer, used: false });
    return this;
  }

  /** Like on(), ahead of every rule registered so far. */
  override(tool: 'kubectl' | 'http', glob: string, answer: Answer = {}): this {
    this.rules[tool].unshift({ pattern: globRegExp(glob), answer, used: false });
    return this;
  }

  private answer(tool: 'kubectl' | 'http', call: string): Answer | undefined {
    const rule = this.rules[tool].find((r) => !r.used && r.pattern.test(call));
    if (rule?.answer.once) rule.used = true;
    return rule?.answer;
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Runs the deploy with these arguments; `env` may name the wrapper (TEMPO_STACK_COMMAND). */
  async run(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
    const kubectl: string[] = [];
    const http: string[] = [];
    const requests: HttpRequest[] = [];
    const stdin: string[] = [];
    const sleep: number[] = [];
    let stdout = '';
    let stderr = '';
    const inputLines = (options.input ?? '').split('\n');
    if (options.input === undefined || options.input === '') inputLines.length = 0;
    const running = new Set<BackgroundCommand>();
    const norm = (s: string) => s.split(this.root).join('$ROOT');
    const io: DeployIO = {
      root: this.root,
      env: { TEMPO_STACK_COMMAND: './deploy.sh', ...options.env },
      hasCommand: (name) => name === 'kubectl' && this.kubectlOnPath,
      run: async (_command, argv, opts = {}) => {
        const call = norm(argv.join(' '));
        kubectl.push(call);
        if (opts.input !== undefined) stdin.push(opts.input);
        const a = this.answer('kubectl', call) ?? {};
        if (opts.passthrough) {
          stdout += a.stdout ?? '';
          stderr += a.stderr ?? '';
          return { code: a.exit ?? 0, stdout: '', stderr: '' };
        }
        return { code: a.exit ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
      },
      start: (_command, argv) => {
        const call = norm(argv.join(' '));
        kubectl.push(call);
        const a = this.answer('kubectl', call);
        let alive = a?.exit === undefined;
        // Local ports are the remote ones plus 40000, printed as kubectl prints a free port it picked.
        const forwarded = argv.filter((x) => x.startsWith(':')).map((p) => p.slice(1));
        const output = alive ? forwarded.map((p) => `Forwarding from 127.0.0.1:${Number(p) + 40000} -> ${p}\n`).join('')
          : `${a?.stdout ?? ''}${a?.stderr ?? ''}`;
        const command: BackgroundCommand = {
          output: () => output,
          running: () => alive,
          stop: async () => { alive = false; running.delete(command); },
        };
        if (alive) running.add(command);
        return command;
      },
      http: async (request) => {
        const call = `${request.method} ${decodeURIComponent(request.url.replace(/\+/g, ' '))}`;
        http.push(call);
        requests.push(request);
        const a = this.answer('http', call);
        if (!a) return { status: 0, body: `fetch failed: connect ECONNREFUSED (no rule for ${call})` };
        return { status: a.status ?? 200, body: a.stdout ?? '' };
      },
      sleep: async (ms) => { if (ms >= 1000) sleep.push(ms / 1000); },
      // The bytes whose hex is the ids the tests expect; anything else (Secret values) from the real CSPRNG.
      randomBytes: (size) => (size === 16 ? Buffer.from(TRACE_ID, 'hex') : size === 8 ? Buffer.from(SPAN_ID, 'hex') : crypto.randomBytes(size)),
      nowNanos: () => BigInt(Date.now()) * 1_000_000n,
      out: (text) => { stdout += text; },
      err: (text) => { stderr += text; },
      readLine: async () => inputLines.shift(),
      freshSynth: async () => this.fresh,
    };
    const status = await deployMain(args, io);
    return { status, stdout, stderr, kubectl, http, requests, stdin, sleep, leftRunning: running.size };
  }
}

/** The trace id the fake randomness gives. */
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
/** The span id the fake randomness gives. */
export const SPAN_ID = 'b7ad6b7169203331';
