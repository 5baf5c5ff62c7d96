import * as http from 'http';
import { AddressInfo } from 'net';
import { processDeployIO } from '../../charts/cli/deploy/io';

// The real world the deploy talks to (the in-process tests replace it): child processes, stdin,
// a background command that must end, and HTTP through Node's own fetch.

const io = processDeployIO(__dirname);

test('run() captures output and the exit code, and hands `input` on stdin (values never on argv)', async () => {
  const result = await io.run(process.execPath, ['-e',
    'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{console.log(s.toUpperCase());console.error("e");process.exit(3)})'],
    { input: 'secret manifest' });
  expect(result).toEqual({ code: 3, stdout: 'SECRET MANIFEST\n', stderr: 'e\n' });
  expect((await io.run('no-such-command-here', [])).code).toBe(127);
});

test('start() keeps a command running, collects what it prints, and stop() ends it', async () => {
  const command = io.start(process.execPath, ['-e', 'console.log("Forwarding from 127.0.0.1:41234 -> 3200"); setInterval(() => {}, 1000)']);
  for (let i = 0; i < 200 && !command.output().includes('Forwarding'); i++) await io.sleep(10);
  expect(command.output()).toBe('Forwarding from 127.0.0.1:41234 -> 3200\n');
  expect(command.running()).toBe(true);
  await command.stop();
  expect(command.running()).toBe(false);
});

test('http() returns status and body, and status 0 with the reason when nothing answers', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; }).on('end', () => {
      res.writeHead(req.url === '/ready' ? 200 : 503);
      res.end(`${req.method} ${req.url} ${req.headers.authorization ?? '-'} ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    expect(await io.http({ method: 'GET', url: `http://127.0.0.1:${port}/ready`, headers: { Authorization: 'Basic eA==' } }))
      .toEqual({ status: 200, body: 'GET /ready Basic eA== ' });
    expect(await io.http({ method: 'POST', url: `http://127.0.0.1:${port}/v1/traces`, body: '{}' })).toEqual({ status: 503,
      body: 'POST /v1/traces - {}' });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const refused = await io.http({ method: 'GET', url: `http://127.0.0.1:${port}/ready` });
  expect(refused.status).toBe(0);
  expect(refused.body).toMatch(/^fetch failed/);
});

test('hasCommand() finds executables on the PATH only', () => {
  expect(io.hasCommand('node')).toBe(true);
  expect(io.hasCommand('no-such-command-here')).toBe(false);
});
