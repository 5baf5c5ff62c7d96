/**
 * Runs the real nginx (Debian's `nginx` package, `/usr/sbin/nginx`, or the binary NGINX names) on a
 * generated config, in a prefix folder of the test's own: no root, no system paths, ports from the
 * OS. Without the binary a test is skipped on a workstation and fails under CI (see promtool.ts).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { IN_CI } from './promtool';

function locate(): string | undefined {
  const candidate = process.env.NGINX || '/usr/sbin/nginx';
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** Path of nginx, or undefined when it is not installed. */
export const NGINX = locate();

/** `it` when nginx is there or under CI (where a missing nginx then fails), `it.skip` otherwise. */
export const itWithNginx: jest.It = NGINX || IN_CI ? it : it.skip;

// Run as root (CI), nginx would switch its workers to `nobody`, who cannot read the test's files.
const globals = (): string => `daemon off; ${process.getuid?.() === 0 ? 'user root;' : ''}`;

/** `nginx -t` on a config file; returns its exit status and output. */
export function nginxTest(conf: string, prefix: string): { status: number | null; output: string } {
  if (!NGINX) throw new Error('nginx is not installed: apt-get install -y nginx (or set NGINX)');
  const result = spawnSync(NGINX, ['-t', '-c', conf, '-p', prefix, '-g', globals()], { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `count` TCP ports the OS hands out now (closed again, for nginx to listen on). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A running nginx. */
export interface RunningNginx {
  readonly process: ChildProcess;
  /** What nginx wrote to stderr (startup errors). */
  readonly stderr: () => string;
  /** Stops nginx and waits for it to exit. */
  readonly stop: () => Promise<void>;
}

/** Starts nginx on `conf` and waits until `http://127.0.0.1:<readyPort>/ready` answers 200 (at most 5 s). */
export async function startNginx(conf: string, prefix: string, readyPort: number): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed: apt-get install -y nginx (or set NGINX)');
  const child = spawn(NGINX, ['-c', conf, '-p', prefix, '-g', globals()], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
    const status = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: readyPort, path: '/ready', timeout: 500 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); })
        .on('error', () => resolve(0));
    });
    if (status === 200) return { process: child, stderr: () => stderr, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer /ready within 5 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
