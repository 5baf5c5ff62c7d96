// The generated gateway config run by the real nginx, on loopback, in front of two small upstreams
// of the test's own standing in for Tempo: an HTTP/1.1 server for OTLP/HTTP and an h2c server that
// answers like a gRPC service for OTLP/gRPC. What the upstreams record is what Tempo would see.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as http2 from 'http2';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { buildGatewayConfig, GatewayRuntime, OTLP_GRPC_SERVICE } from '../../charts/gateway/config';
import { renderNginx } from '../../charts/gateway/nginx';
import { GatewayProps } from '../../charts/gateway/props';
import { resolveGatewaySettings } from '../../charts/gateway/settings';
import { freePorts, itWithNginx, nginxTest, RunningNginx, startNginx } from '../support/nginx';

jest.setTimeout(20_000);

const LIMIT = 64 * 1024;
const EXPORT_PATH = `/${OTLP_GRPC_SERVICE}/Export`;

interface Seen { readonly path: string; readonly headers: Record<string, string | string[] | undefined>; readonly bytes: number }

/** The stand-ins for Tempo's 4318 and 4317, recording every request that reaches them. */
class Upstreams {
  readonly http: Seen[] = [];
  readonly grpc: Seen[] = [];
  /** gRPC streams nginx opened and reset before their end (`Seen.bytes` is what arrived). */
  readonly grpcAborted: Seen[] = [];
  private httpServer!: http.Server;
  private grpcServer!: http2.Http2Server;
  httpPort = 0;
  grpcPort = 0;

  async start(): Promise<void> {
    this.httpServer = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      req.on('end', () => {
        this.http.push({ path: req.url ?? '', headers: req.headers, bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
      });
    });
    this.grpcServer = http2.createServer();
    this.grpcServer.on('sessionError', () => undefined);
    this.grpcServer.on('stream', (stream, headers) => {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      stream.on('error', () => undefined);
      stream.on('aborted', () => this.grpcAborted.push({ path: String(headers[':path']), headers: { ...headers }, bytes }));
      stream.on('end', () => {
        if (stream.destroyed) return;
        this.grpc.push({ path: String(headers[':path']), headers: { ...headers }, bytes });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        // One empty ExportTraceServiceResponse: no compression flag, zero length.
        stream.end(Buffer.alloc(5));
      });
    });
    const listen = (server: net.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1',
      () => resolve((server.address() as net.AddressInfo).port)));
    this.httpPort = await listen(this.httpServer);
    this.grpcPort = await listen(this.grpcServer);
  }

  async stop(): Promise<void> {
    this.httpServer.closeAllConnections();
    await new Promise((resolve) => this.httpServer.close(resolve));
    await new Promise((resolve) => this.grpcServer.close(resolve));
  }
}

/** One nginx running a generated config in a folder of its own. */
class Gateway {
  dir = '';
  runtime!: GatewayRuntime;
  nginx?: RunningNginx;
  confFile = '';

  async write(props: Omit<GatewayProps, 'tempo'>, upstreams: Upstreams, files: Record<string, string>): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-nginx-'));
    const [otlpGrpc, otlpHttp, query, status] = await freePorts(4);
    this.runtime = {
      paths: {
        temp: path.join(this.dir, 'tmp'), authSecret: path.join(this.dir, 'auth'), tls: path.join(this.dir, 'tls'),
        accessLog: path.join(this.dir, 'access.log'), errorLog: path.join(this.dir, 'error.log'),
      },
      ports: { otlpGrpc, otlpHttp, query, status },
    };
    for (const dir of ['tmp', 'auth', 'tls']) fs.mkdirSync(path.join(this.dir, dir));
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(this.dir, file), content);
    const settings = resolveGatewaySettings({
      namespace: 'test', ...props,
      tempo: {
        otlpGrpc: `127.0.0.1:${upstreams.grpcPort}`, otlpHttp: `127.0.0.1:${upstreams.httpPort}`, query: `127.0.0.1:${upstreams.httpPort}`,
        maxRequestBytes: LIMIT,
      },
    });
    this.confFile = path.join(this.dir, 'nginx.conf');
    fs.writeFileSync(this.confFile, renderNginx(buildGatewayConfig(settings, this.runtime)));
  }

  async start(): Promise<void> {
    this.nginx = await startNginx(this.confFile, this.dir, this.runtime.ports.status);
  }

  async stop(): Promise<void> {
    await this.nginx?.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  accessLog(): string {
    return fs.readFileSync(this.runtime.paths.accessLog, 'utf8');
  }
}

/** POST an OTLP/HTTP body to the gateway. */
function postTraces(port: number, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/v1/traces', method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length), ...headers },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(body);
  });
}

/** One unary gRPC call to the gateway's OTLP/gRPC port; resolves with the grpc-status it ends with. */
function exportGrpc(url: string, message: Buffer, headers: Record<string, string> = {}, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(url, ca ? { ca, servername: 'localhost' } : {});
    client.on('error', reject);
    const req = client.request({
      ':method': 'POST', ':path': EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers', ...headers,
    });
    let status: string | undefined;
    req.on('response', (h) => { if (h['grpc-status'] !== undefined) status = String(h['grpc-status']); });
    req.on('trailers', (t) => { if (t['grpc-status'] !== undefined) status = String(t['grpc-status']); });
    req.on('data', () => undefined);
    req.on('close', () => { client.close(); resolve(status ?? `none (HTTP ${req.rstCode})`); });
    req.on('error', reject);
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    req.end(frame);
  });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const htpasswdLine = (user: string,
  password: string) => `${user}:${execFileSync('openssl', ['passwd', '-5', password], { encoding: 'utf8' }).trim()}\n`;
const SMALL = Buffer.alloc(200, 1);

describe('the gateway config on real nginx: basic auth mapped to tenants', () => {
  const upstreams = new Upstreams();
  const gateway = new Gateway();
  beforeAll(async () => {
    await upstreams.start();
    await gateway.write({ auth: { type: 'basic', secretName: 'otlp-htpasswd', tenants: { alice: 'team-a' } }, exposeQuery: true }, upstreams, {
      'auth/htpasswd': htpasswdLine('alice', 'alice-secret') + htpasswdLine('bob', 'bob-secret'),
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await upstreams.stop();
  });

  itWithNginx('nginx -t accepts the generated config', async () => {
    const result = nginxTest(gateway.confFile, gateway.dir);
    expect(result.output).toContain('test is successful');
    expect(result.status).toBe(0);
    await gateway.start();
  });

  itWithNginx('without credentials OTLP/HTTP gets 401 and OTLP/gRPC UNAUTHENTICATED (16), and nothing reaches Tempo', async () => {
    expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL)).toBe(401);
    expect(await exportGrpc(`http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`, SMALL)).toBe('16');
    expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL, basic('alice', 'wrong'))).toBe(401);
    expect(await exportGrpc(`http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`, SMALL, basic('alice', 'wrong'))).toBe('16');
    expect(upstreams.http).toHaveLength(0);
    expect(upstreams.grpc).toHaveLength(0);
  });

  itWithNginx('with credentials both protocols reach Tempo with the mapped tenant, the sender\'s own X-Scope-OrgID replaced', async () => {
    const spoof = { 'x-scope-orgid': 'someone-else', ...basic('alice', 'alice-secret') };
    expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL, spoof)).toBe(200);
    expect(await exportGrpc(`http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`, SMALL, spoof)).toBe('0');
    expect(upstreams.http).toHaveLength(1);
    expect(upstreams.grpc).toHaveLength(1);
    for (const seen of [upstreams.http[0], upstreams.grpc[0]]) {
      expect(seen.headers['x-scope-orgid']).toBe('team-a');
      expect(seen.headers.authorization).toBeUndefined();
    }
    expect(upstreams.http[0]).toMatchObject({ path: '/v1/traces', bytes: SMALL.length });
    expect(upstreams.grpc[0]).toMatchObject({ path: EXPORT_PATH, bytes: SMALL.length + 5 });
  });

  itWithNginx('a user without a tenant reaches Tempo with no X-Scope-OrgID at all, whatever it sent', async () => {
    const before = upstreams.http.length;
    expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL, { 'x-scope-orgid': 'team-a', ...basic('bob', 'bob-secret') })).toBe(200);
    expect(upstreams.http[before].headers['x-scope-orgid']).toBeUndefined();
  });

  itWithNginx('a body over the limit gets 413 before Tempo sees it; over gRPC RESOURCE_EXHAUSTED, the stream reset before its message is whole',
    async () => {
    const before = { http: upstreams.http.length, grpc: upstreams.grpc.length };
    const big = Buffer.alloc(LIMIT + 1, 1);
    expect(await postTraces(gateway.runtime.ports.otlpHttp, big, basic('alice', 'alice-secret'))).toBe(413);
    expect(await exportGrpc(`http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`, big, basic('alice', 'alice-secret'))).toBe('8');
    // nginx streams gRPC bodies (no request buffering): the upstream gets the first flow-control
    // window and then a reset, so Tempo never reads a complete message. Wait for that reset.
    for (let i = 0; i < 40 && upstreams.grpcAborted.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(upstreams.http.length).toBe(before.http);
    expect(upstreams.grpc.length).toBe(before.grpc);
    expect(upstreams.grpcAborted.every((a) => a.bytes < big.length + 5)).toBe(true);
  });

  itWithNginx('Tempo\'s query API on its own port: authenticated, with the tenant of the credential', async () => {
    const get = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: gateway.runtime.ports.query, path: '/api/search?tags=service.name%3Dshop', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject);
    });
    const before = upstreams.http.length;
    expect(await get({})).toBe(401);
    expect(upstreams.http.length).toBe(before);
    expect(await get({ 'x-scope-orgid': 'team-b', ...basic('alice', 'alice-secret') })).toBe(200);
    expect(upstreams.http[before]).toMatchObject({ path: '/api/search?tags=service.name%3Dshop' });
    expect(upstreams.http[before].headers['x-scope-orgid']).toBe('team-a');
  });

  itWithNginx('the access log names the user and tenant and holds no credential', () => {
    const log = gateway.accessLog();
    const lines = log.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.some((l) => l.credential === 'alice' && l.tenant === 'team-a' && l.status === '200')).toBe(true);
    expect(lines.some((l) => l.uri === EXPORT_PATH && l.grpc_status === '0')).toBe(true);
    for (const secret of ['alice-secret', Buffer.from('alice:alice-secret').toString('base64'), 'Basic ']) expect(log).not.toContain(secret);
  });
});

describe('the gateway config on real nginx: bearer tokens, one per sender', () => {
  const upstreams = new Upstreams();
  const gateway = new Gateway();
  const tokens = { ci: 'c1'.repeat(32), vm: 'f0'.repeat(32), retired: 'ab'.repeat(32) };
  beforeAll(async () => {
    await upstreams.start();
    await gateway.write({ auth: { type: 'bearer', secretName: 'otlp-tokens', senders: { ci: 'team-a', vm: '' } } }, upstreams, {
      // The retired sender's line is still in the Secret, but the config no longer lists it.
      'auth/tokens.map': Object.entries(tokens).map(([sender, token]) => `${token} ${sender};\n`).join(''),
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await upstreams.stop();
  });

  itWithNginx('nginx -t accepts the config with the token file included', async () => {
    expect(nginxTest(gateway.confFile, gateway.dir).status).toBe(0);
    await gateway.start();
  });

  itWithNginx('no token, an unknown token and a retired sender\'s token are refused on both protocols', async () => {
    const grpcUrl = `http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`;
    const refused: Array<Record<string, string>> = [{}, { authorization: `Bearer ${'0'.repeat(64)}` },
      { authorization: `Bearer ${tokens.retired}` }, { authorization: tokens.ci }];
    for (const headers of refused) {
      expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL, headers)).toBe(401);
      expect(await exportGrpc(grpcUrl, SMALL, headers)).toBe('16');
    }
    expect(upstreams.http).toHaveLength(0);
    expect(upstreams.grpc).toHaveLength(0);
  });

  itWithNginx('each sender\'s token reaches Tempo with its own tenant (or none), the scheme in any case', async () => {
    const spoof = { 'x-scope-orgid': 'team-b' };
    expect(await postTraces(gateway.runtime.ports.otlpHttp, SMALL, { ...spoof, authorization: `Bearer ${tokens.ci}` })).toBe(200);
    expect(await exportGrpc(`http://127.0.0.1:${gateway.runtime.ports.otlpGrpc}`, SMALL, { ...spoof,
      authorization: `bearer ${tokens.vm}` })).toBe('0');
    expect(upstreams.http[0].headers['x-scope-orgid']).toBe('team-a');
    expect(upstreams.grpc[0].headers['x-scope-orgid']).toBeUndefined();
    expect(upstreams.http[0].headers.authorization).toBeUndefined();
    expect(upstreams.grpc[0].headers.authorization).toBeUndefined();
    const log = gateway.accessLog();
    expect(log).toContain('"credential":"ci"');
    for (const token of Object.values(tokens)) expect(log).not.toContain(token);
  });
});

describe('the gateway config on real nginx: TLS termination', () => {
  const upstreams = new Upstreams();
  const gateway = new Gateway();
  let cert = '';
  beforeAll(async () => {
    await upstreams.start();
    await gateway.write({
      auth: { type: 'basic', secretName: 'otlp-htpasswd', tenants: { alice: 'team-a' } },
      tls: { secretName: 'otlp-tls' },
    }, upstreams, { 'auth/htpasswd': htpasswdLine('alice', 'alice-secret') });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', path.join(gateway.dir, 'tls', 'tls.key'), '-out', path.join(gateway.dir, 'tls', 'tls.crt')], { stdio: 'ignore' });
    cert = fs.readFileSync(path.join(gateway.dir, 'tls', 'tls.crt'), 'utf8');
  });
  afterAll(async () => {
    await gateway.stop();
    await upstreams.stop();
  });

  itWithNginx('OTLP/gRPC over TLS (h2 by ALPN) is authenticated and reaches Tempo in clear text with the tenant', async () => {
    expect(nginxTest(gateway.confFile, gateway.dir).status).toBe(0);
    await gateway.start();
    const url = `https://localhost:${gateway.runtime.ports.otlpGrpc}`;
    expect(await exportGrpc(url, SMALL, {}, cert)).toBe('16');
    expect(await exportGrpc(url, SMALL, basic('alice', 'alice-secret'), cert)).toBe('0');
    expect(upstreams.grpc).toHaveLength(1);
    expect(upstreams.grpc[0].headers['x-scope-orgid']).toBe('team-a');
  });
});
