/**
 * Runs the real amtool and alertmanager 0.28.1 (Debian trixie's build, installed by
 * .ci/install-alertmanager.sh into .tools/alertmanager-0.28.1/, or named by the AMTOOL /
 * ALERTMANAGER environment variables) on generated configs.
 *
 * Without the binaries, tests that need them are skipped on a workstation; under CI they run and
 * fail, so a missing tool never passes as a skipped check (itWith, from ./promtool).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { toYaml } from '../../charts/shared/render';
import { freePort } from './promtool';

/** The Alertmanager release the checks run. */
export const ALERTMANAGER_VERSION = '0.28.1';
const TOOLS = path.join(__dirname, '..', '..', '.tools', `alertmanager-${ALERTMANAGER_VERSION}`);
const INSTALL_HINT = 'run .ci/install-alertmanager.sh (or set AMTOOL / ALERTMANAGER)';
/** Where Debian's alertmanager reads its built-in templates from (compiled in); the install script puts them there. */
export const DEBIAN_TEMPLATE_DIR = '/usr/share/prometheus/alertmanager';

function locate(tool: 'amtool' | 'alertmanager'): string | undefined {
  const candidate = process.env[tool.toUpperCase()] || path.join(TOOLS, tool);
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Path of amtool, or undefined when it is not installed. */
export const AMTOOL = locate('amtool');
/** Path of alertmanager, or undefined when it (or the templates it needs) is not installed. */
export const ALERTMANAGER = fs.existsSync(path.join(DEBIAN_TEMPLATE_DIR, 'default.tmpl')) ? locate('alertmanager') : undefined;

const versionChecked = new Set<string>();

function required(tool: string | undefined, name: string): string {
  if (!tool) throw new Error(`${name} ${ALERTMANAGER_VERSION} is not installed (or ${DEBIAN_TEMPLATE_DIR}/default.tmpl is missing): ${INSTALL_HINT}`);
  if (!versionChecked.has(tool)) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const version = /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
    if (!version.startsWith(ALERTMANAGER_VERSION)) throw new Error(`${tool} is version ${version}, not ${ALERTMANAGER_VERSION}: ${INSTALL_HINT}`);
    versionChecked.add(tool);
  }
  return tool;
}

/** The outcome of one amtool run. */
export interface AmtoolResult {
  readonly status: number | null;
  /** stdout and stderr. */
  readonly output: string;
  readonly stdout: string;
}

/**
 * Writes an alertmanager.yml into a fresh temporary directory with every `*_file` path it names
 * (the files the pod reads from mounted Secrets) pointed at a file there: its content from
 * `fileContents` (keyed by the original path), else a placeholder. Returns the directory and the
 * config's path.
 */
export function stageAlertmanagerConfig(configYaml: string, fileContents: Record<string, string> = {}): { dir: string; config: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-am-'));
  const files = path.join(dir, 'files');
  fs.mkdirSync(files);
  const stage = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => stage(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stage(v, k)]));
    if (typeof value === 'string' && key.endsWith('_file')) {
      const file = path.join(files, value.replace(/[^A-Za-z0-9._-]/g, '_'));
      fs.writeFileSync(file, fileContents[value] ?? 'placeholder');
      return file;
    }
    return value;
  };
  const config = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(config, toYaml(stage(yaml.load(configYaml))));
  return { dir, config };
}

/** Runs amtool with arguments on a staged copy of the config (its path is appended by `args`). */
export function amtool(configYaml: string, args: (config: string) => string[]): AmtoolResult {
  const binary = required(AMTOOL, 'amtool');
  const { dir, config } = stageAlertmanagerConfig(configYaml);
  try {
    const r = spawnSync(binary, args(config), { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `amtool check-config` on a generated alertmanager.yml. */
export function checkAlertmanagerConfig(configYaml: string): AmtoolResult {
  return amtool(configYaml, (config) => ['check-config', config]);
}

/** The receivers amtool's `config routes test` resolves for a label set (`alertname=TempoDown severity=critical`). */
export function routedReceivers(configYaml: string, labels: Record<string, string>): string[] {
  const r = amtool(configYaml, (config) => ['config', 'routes', 'test', `--config.file=${config}`, ...Object.entries(labels).map(([k,
    v]) => `${k}=${v}`)]);
  if (r.status !== 0) throw new Error(`amtool config routes test failed (${r.status}):\n${r.output}`);
  return r.stdout.trim().split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** A running Alertmanager on loopback. */
export interface RunningAlertmanager {
  readonly url: string;
  log(): string;
}

/** A started Alertmanager, stopped (and its directory removed) by `stop`. */
export interface StartedAlertmanager extends RunningAlertmanager {
  stop(): Promise<void>;
}

/**
 * Starts the real alertmanager on 127.0.0.1 (a free web port, storage in a temporary directory)
 * with a config whose `*_file` paths read `fileContents`, and `clusterArgs` (the default turns the
 * mesh off), and waits until `/-/ready` answers and the config is applied.
 */
export async function startAlertmanager(configYaml: string, fileContents: Record<string, string>,
  clusterArgs: readonly string[] = ['--cluster.listen-address='], readyTimeoutMs = 15_000): Promise<StartedAlertmanager> {
  const binary = required(ALERTMANAGER, 'alertmanager');
  const { dir, config } = stageAlertmanagerConfig(configYaml, fileContents);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(binary, [
    `--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...clusterArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => { output += d; });
  child.stderr?.on('data', (d) => { output += d; });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const stopped = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await stopped;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`alertmanager exited with ${code}:\n${output}`))));
    exited.catch(() => undefined);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const ready = await Promise.race([fetch(`${url}/-/ready`).then((r) => r.ok, () => false), exited]);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`alertmanager not ready after ${readyTimeoutMs} ms:\n${output}`);
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
    // The Debian build loads its config before its templates: a missing template shows only in the log.
    if (/failed to parse templates|one or more config change subscribers failed/.test(output)) {
      throw new Error(`alertmanager did not apply its config:\n${output}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, log: () => output, stop };
}

/** startAlertmanager without the mesh, runs `body`, and always stops it. */
export async function withAlertmanager<T>(configYaml: string, fileContents: Record<string, string>,
  body: (am: RunningAlertmanager) => Promise<T>): Promise<T> {
  const am = await startAlertmanager(configYaml, fileContents);
  try {
    return await body(am);
  } finally {
    await am.stop();
  }
}

/** Polls `check` every 200 ms until it returns a value, or fails after `ms` naming `what`. */
export async function until<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
