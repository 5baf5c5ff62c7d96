/**
 * Runs the real promtool and prometheus 2.53.3 (installed by .ci/install-prometheus.sh into
 * .tools/prometheus-2.53.3/, or named by the PROMTOOL / PROMETHEUS environment variables) on
 * generated rule files and configs.
 *
 * Without the binaries, tests that need them are skipped on a workstation; under CI (CI set) they
 * run and fail, so a missing tool never passes as a skipped check.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { toYaml } from '../../charts/shared/render';

/** The Prometheus release the checks run. */
export const PROMETHEUS_VERSION = '2.53.3';
const TOOLS = path.join(__dirname, '..', '..', '.tools', `prometheus-${PROMETHEUS_VERSION}`);
const INSTALL_HINT = 'run .ci/install-prometheus.sh (or set PROMTOOL / PROMETHEUS)';

/** True under CI, where a missing tool is a failure rather than a skip. */
export const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

function locate(tool: 'promtool' | 'prometheus'): string | undefined {
  const fromEnv = process.env[tool.toUpperCase()];
  const candidate = fromEnv || path.join(TOOLS, tool);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Path of promtool, or undefined when it is not installed. */
export const PROMTOOL = locate('promtool');
/** Path of prometheus, or undefined when it is not installed. */
export const PROMETHEUS = locate('prometheus');

/**
 * `it` when the tool is there or under CI (where the test then fails on the missing tool),
 * `it.skip` on a workstation without it.
 */
export function itWith(tool: string | undefined): jest.It {
  return tool || IN_CI ? it : it.skip;
}

const versionChecked = new Set<string>();

/** The tool's path; throws when it is missing or another version (Debian bookworm's 2.42 lacks Kubernetes discovery). */
function required(tool: string | undefined, name: string): string {
  if (!tool) throw new Error(`${name} ${PROMETHEUS_VERSION} is not installed: ${INSTALL_HINT}`);
  if (!versionChecked.has(tool)) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const version = /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
    if (!version.startsWith(`${PROMETHEUS_VERSION}`)) throw new Error(`${tool} is version ${version}, not ${PROMETHEUS_VERSION}: ${INSTALL_HINT}`);
    versionChecked.add(tool);
  }
  return tool;
}

/** The outcome of one promtool run. */
export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs promtool with arguments in a directory. */
export function promtool(args: string[], cwd: string): ToolResult {
  const r = spawnSync(required(PROMTOOL, 'promtool'), args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A fresh temporary directory holding the given files (name -> content). */
export function tempDirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-prom-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** `promtool check rules` on rule files (name -> YAML). */
export function checkRules(ruleFiles: Record<string, string>): ToolResult {
  const dir = tempDirWith(ruleFiles);
  try {
    return promtool(['check', 'rules', ...Object.keys(ruleFiles)], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `promtool test rules` on unit-test files (name -> content as data) whose `rule_files` name files
 * of `ruleFiles`; one promtool per test file, run concurrently. Fails (status 1) if any fails.
 */
export async function testRules(testFiles: Record<string, unknown>, ruleFiles: Record<string, string>): Promise<ToolResult> {
  const binary = required(PROMTOOL, 'promtool');
  const dir = tempDirWith({ ...ruleFiles, ...Object.fromEntries(Object.entries(testFiles).map(([name, test]) => [name, toYaml(test)])) });
  try {
    const results = await Promise.all(Object.keys(testFiles).map((name) => new Promise<ToolResult>((resolve, reject) => {
      const child = spawn(binary, ['test', 'rules', name], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      let output = '';
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
      child.once('error', reject);
      child.once('close', (status) => resolve({ status, output }));
    })));
    return { status: results.every((r) => r.status === 0) ? 0 : 1, output: results.map((r) => r.output).join('\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes a Prometheus config and its rule files into a temporary directory, points the config's
 * `rule_files` at them (an entry matches the rule file of the same base name), and returns the
 * directory and the config's path there.
 */
export function stageConfig(configYaml: string, ruleFiles: Record<string, string>): { dir: string; config: string } {
  const config = yaml.load(configYaml) as Record<string, unknown> | null;
  if (!config || typeof config !== 'object') throw new Error('the Prometheus config is not a YAML mapping');
  const dir = tempDirWith(Object.fromEntries(Object.entries(ruleFiles).map(([name, content]) => [path.join('rules', path.basename(name)), content])));
  const entries = (config.rule_files as string[] | undefined) ?? [];
  const rewritten = entries.map((entry) => {
    const base = path.basename(entry);
    if (base.includes('*')) return path.join(dir, 'rules', base);
    if (!Object.keys(ruleFiles).some((name) => path.basename(name) === base)) {
      throw new Error(`rule_files names '${entry}', but no rule file '${base}' was given (given: ${Object.keys(ruleFiles).join(', ')})`);
    }
    return path.join(dir, 'rules', base);
  });
  const file = path.join(dir, 'prometheus.yml');
  const staged = stageSecretFiles({ ...config, ...(entries.length ? { rule_files: rewritten } : {}) }, path.join(dir, 'files'));
  fs.writeFileSync(file, toYaml(staged));
  return { dir, config: file };
}

/**
 * Points every `*_file` setting (credentials_file, password_file, ca_file, ...: files the pod gets
 * from mounted Secrets) at a placeholder file in `into`, because `promtool check config` checks they
 * exist. Returns a copy of the config.
 */
function stageSecretFiles(value: unknown, into: string, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => stageSecretFiles(v, into));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stageSecretFiles(v, into, k)]));
  }
  if (typeof value === 'string' && key.endsWith('_file') && value !== '') {
    const placeholder = path.join(into, value.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_'));
    fs.mkdirSync(into, { recursive: true });
    fs.writeFileSync(placeholder, 'placeholder\n');
    return placeholder;
  }
  return value;
}

/** `promtool check config` on a config and the rule files it names (rewritten to temporary paths). */
export function checkPrometheusConfig(configYaml: string, ruleFiles: Record<string, string>): ToolResult {
  const { dir, config } = stageConfig(configYaml, ruleFiles);
  try {
    return promtool(['check', 'config', config], dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A running Prometheus on loopback. */
export interface RunningPrometheus {
  readonly url: string;
  /** What it printed so far (for failure messages). */
  log(): string;
}

/**
 * Starts the real prometheus on 127.0.0.1 (a free port, TSDB in a temporary directory) with a
 * config and its rule files (and `extraArgs`, flags a test needs), waits until `/-/ready` answers,
 * runs `body`, and always stops it and removes the directory. Fails when it is not ready within
 * `readyTimeoutMs`.
 */
export async function withPrometheus<T>(configYaml: string, ruleFiles: Record<string, string>,
  body: (p: RunningPrometheus) => Promise<T>, readyTimeoutMs = 15_000, extraArgs: readonly string[] = []): Promise<T> {
  const binary = required(PROMETHEUS, 'prometheus');
  const { dir, config } = stageConfig(configYaml, ruleFiles);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | undefined;
  try {
    child = spawn(binary, [
      `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extraArgs,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d) => { output += d; });
    child.stderr?.on('data', (d) => { output += d; });
    const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`prometheus exited with ${code}:\n${output}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const ready = await Promise.race([fetch(`${url}/-/ready`).then((r) => r.ok, () => false), exited]);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`prometheus not ready after ${readyTimeoutMs} ms:\n${output}`);
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
    return await body({ url, log: () => output });
  } finally {
    if (child && child.exitCode === null) {
      const stopped = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 5_000);
      await stopped;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
