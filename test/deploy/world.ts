import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');
const FAKE = path.join(__dirname, 'fixtures', 'fake.sh');
/** The tools fixtures/fake.sh stands in for. */
const FAKED = ['kubectl', 'curl', 'openssl', 'npm', 'sleep'] as const;
type Tool = (typeof FAKED)[number];

/** A canned answer of a fake tool (see fixtures/fake.sh). */
export interface Answer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit?: number;
  /** curl only: the HTTP status code it reports. */
  readonly status?: number;
  /** Answer one call only. */
  readonly once?: boolean;
}

/** What one run of deploy.sh did. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** kubectl's argv, one string per call, with the temp folders replaced by $ROOT and $WORK. */
  readonly kubectl: string[];
  readonly curl: string[];
  readonly sleep: string[];
}

/**
 * A throwaway checkout: a copy of deploy.sh next to a fixture dist/, and fake kubectl, curl,
 * openssl, npm and sleep first on the PATH, answering with the rules a test registers.
 */
export class World {
  public readonly root: string;
  public readonly fakeDir: string;
  private readonly bin: string;
  private rules = 0;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
    this.fakeDir = path.join(this.root, 'fake');
    this.bin = path.join(this.root, 'bin');
    fs.mkdirSync(this.fakeDir);
    fs.mkdirSync(this.bin);
    fs.mkdirSync(path.join(this.root, 'tmp'));
    fs.copyFileSync(path.join(REPO, 'deploy.sh'), path.join(this.root, 'deploy.sh'));
    fs.chmodSync(path.join(this.root, 'deploy.sh'), 0o755);
    for (const tool of FAKED) fs.symlinkSync(FAKE, path.join(this.bin, tool));
  }

  /** Writes dist/<env>/ with the given files. */
  dist(env: string, files: Record<string, string>): this {
    const dir = path.join(this.root, 'dist', env);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return this;
  }

  /** Answers calls of `tool` whose arguments, joined by spaces, match the glob; first rule wins. */
  on(tool: Tool, glob: string, answer: Answer = {}): this {
    return this.rule(tool, String(this.rules++).padStart(4, '0'), glob, answer);
  }

  /** Like on(), but ahead of every rule registered so far (the fakes run in the C locale: '-' sorts first). */
  override(tool: Tool, glob: string, answer: Answer = {}): this {
    return this.rule(tool, `-${String(9999 - this.rules++).padStart(4, '0')}`, glob, answer);
  }

  private rule(tool: Tool, name: string, glob: string, answer: Answer): this {
    const dir = path.join(this.fakeDir, 'rules', tool, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'match'), glob);
    if (answer.stdout !== undefined) fs.writeFileSync(path.join(dir, 'stdout'), answer.stdout);
    if (answer.stderr !== undefined) fs.writeFileSync(path.join(dir, 'stderr'), answer.stderr);
    if (answer.exit !== undefined) fs.writeFileSync(path.join(dir, 'exit'), String(answer.exit));
    if (answer.status !== undefined) fs.writeFileSync(path.join(dir, 'status'), String(answer.status));
    if (answer.once) fs.writeFileSync(path.join(dir, 'once'), '');
    return this;
  }

  /** Runs deploy.sh with the arguments, the fakes first on the PATH. */
  run(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Run {
    const result = spawnSync(path.join(this.root, 'deploy.sh'), args, {
      encoding: 'utf8',
      input: options.input ?? '',
      timeout: 20_000,
      env: {
        PATH: `${this.bin}:${process.env.PATH}`,
        HOME: this.root,
        TMPDIR: path.join(this.root, 'tmp'),
        FAKE_DIR: this.fakeDir,
        LC_ALL: 'C',
        ...options.env,
      },
    });
    if (result.error) throw result.error;
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      kubectl: this.calls('kubectl'),
      curl: this.calls('curl'),
      sleep: this.calls('sleep'),
    };
  }

  /** The files deploy.sh handed to fakes (created-N.yaml, posted-N.json, curl-config-N). */
  evidence(prefix: string): string[] {
    return fs.readdirSync(this.fakeDir).filter((f) => f.startsWith(prefix)).sort()
      .map((f) => fs.readFileSync(path.join(this.fakeDir, f), 'utf8'));
  }

  /** Whatever deploy.sh left in its temp folder (nothing, if it cleaned up). */
  leftovers(): string[] {
    return fs.readdirSync(path.join(this.root, 'tmp'));
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Replaces the temp folders in a text with $ROOT and $WORK. */
  normalize(text: string): string {
    return text.split(this.root).join('$ROOT').replace(/\$ROOT\/tmp\/deploy-sh\.[A-Za-z0-9]+/g, '$WORK');
  }

  private calls(tool: Tool): string[] {
    const log = path.join(this.fakeDir, `${tool}.log`);
    if (!fs.existsSync(log)) return [];
    const calls = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '')
      .map((l) => this.normalize(l));
    return sortParallelPortForwards(calls);
  }
}

/** deploy.sh starts its port-forwards together, so they reach the log in any order: sort each run of them. */
function sortParallelPortForwards(calls: string[]): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  for (const call of [...calls, '']) {
    if (call.includes(' port-forward ')) {
      batch.push(call);
      continue;
    }
    out.push(...batch.sort());
    batch = [];
    if (call !== '') out.push(call);
  }
  return out;
}
