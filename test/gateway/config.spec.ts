import { buildGatewayConfig, GATEWAY_PORTS } from '../../charts/gateway/config';
import { block, comment, directive, entry, findNodes, NginxBlock, NginxNode, quoteArg, renderNginx } from '../../charts/gateway/nginx';
import { GatewayProps } from '../../charts/gateway/props';
import { resolveGatewaySettings } from '../../charts/gateway/settings';

const TEMPO = { otlpGrpc: 'tempo.tempo.svc.cluster.local:4317', otlpHttp: 'tempo.tempo.svc.cluster.local:4318',
  query: 'tempo.tempo.svc.cluster.local:3200' };
const settings = (props: Partial<GatewayProps> = {}) => resolveGatewaySettings({
  namespace: 'tempo', tempo: TEMPO, auth: { type: 'basic', secretName: 'otlp-htpasswd' }, ...props,
});

describe('the nginx renderer', () => {
  test('quotes exactly the arguments nginx would split or misread', () => {
    expect(quoteArg('$gateway_tenant')).toBe('$gateway_tenant');
    expect(quoteArg('')).toBe('""');
    expect(quoteArg('OTLP gateway')).toBe('"OTLP gateway"');
    expect(quoteArg('a;b')).toBe('"a;b"');
    expect(quoteArg('{"k":"$v"}')).toBe('"{\\"k\\":\\"$v\\"}"');
    expect(quoteArg('^bearer\\s+')).toBe('"^bearer\\\\s+"');
    expect(() => quoteArg('a\nserver { }')).toThrow('line break');
  });

  test('nests blocks four spaces a level, wraps if conditions in parentheses and writes map entries as data', () => {
    const text = renderNginx([
      comment('why'),
      block('http', [], [
        block('map', ['$a', '$b'], [directive('default', ''), entry('~^x y$', '1')]),
        block('server', [], [block('if', ['$b', '=', ''], [directive('return', 401)])]),
      ]),
    ]);
    expect(text).toBe([
      '# why', 'http {', '    map $a $b {', '        default "";', '        "~^x y$" 1;', '    }',
      '    server {', '        if ($b = "") {', '            return 401;', '        }', '    }', '}', '',
    ].join('\n'));
  });

  test('refuses a directive name nginx would not parse', () => {
    expect(() => renderNginx([directive('listen 80; include /etc/passwd')])).toThrow('is not a directive name');
  });
});

describe('the gateway config builder', () => {
  const find = (nodes: readonly NginxNode[], name: string, args?: string[]) => findNodes(nodes, (n) => n.name === name
    && (args === undefined || JSON.stringify(n.args) === JSON.stringify(args)));
  const server = (nodes: readonly NginxNode[], port: number) => find(nodes, 'server')
    .find((s) => s.kind === 'block' && s.children.some((c) => c.kind === 'directive' && c.name === 'listen'
      && c.args[0] === String(port))) as NginxBlock;

  test('proxies OTLP/gRPC with grpc_pass on an HTTP/2 listener and OTLP/HTTP on /v1/traces, to Tempo\'s receivers', () => {
    const conf = buildGatewayConfig(settings());
    expect(find(server(conf, GATEWAY_PORTS.otlpGrpc).children, 'listen')[0].args).toEqual(['4317', 'http2']);
    expect(find(conf, 'grpc_pass')[0].args).toEqual(['grpc://tempo_otlp_grpc']);
    expect(find(conf, 'upstream', ['tempo_otlp_grpc'])[0]).toMatchObject({ children: [directive('server', TEMPO.otlpGrpc)] });
    expect(find(server(conf, GATEWAY_PORTS.otlpHttp).children, 'location', ['=', '/v1/traces'])).toHaveLength(1);
    expect((find(conf, 'upstream', ['tempo_otlp_http'])[0] as NginxBlock).children[0]).toEqual(directive('server', TEMPO.otlpHttp));
  });

  test('every proxying location authenticates and replaces X-Scope-OrgID and Authorization', () => {
    const conf = buildGatewayConfig(settings({ exposeQuery: true }));
    const proxying = findNodes(conf, (n) => n.kind === 'block' && n.name === 'location'
      && n.children.some((c) => c.kind === 'directive' && (c.name === 'proxy_pass' || c.name === 'grpc_pass'))) as NginxBlock[];
    expect(proxying.map((l) => l.args.join(' '))).toEqual(['= /v1/traces', '/opentelemetry.proto.collector.trace.v1.TraceService/', '/api/']);
    for (const location of proxying) {
      expect(find(location.children, 'auth_basic_user_file')[0].args).toEqual(['/etc/nginx/secrets/auth/htpasswd']);
      const set = find(location.children,
        location.args[0] === '/opentelemetry.proto.collector.trace.v1.TraceService/' ? 'grpc_set_header' : 'proxy_set_header');
      expect(set.map((d) => d.args)).toEqual(expect.arrayContaining([['X-Scope-OrgID', '$gateway_tenant'], ['Authorization', '']]));
    }
  });

  test('the query API is routed only when asked for', () => {
    expect(server(buildGatewayConfig(settings()), GATEWAY_PORTS.query)).toBeUndefined();
    expect(find(buildGatewayConfig(settings({ exposeQuery: true })), 'upstream', ['tempo_query'])).toHaveLength(1);
  });

  test('basic-auth users map to their tenants; bearer senders map through the Secret\'s token file', () => {
    const basic = buildGatewayConfig(settings({ auth: { type: 'basic', secretName: 'h', tenants: { alice: 'team-a', bob: 'team-b' } } }));
    expect((find(basic, 'map', ['$remote_user', '$gateway_tenant'])[0] as NginxBlock).children).toEqual([
      directive('default', ''), entry('alice', 'team-a'), entry('bob', 'team-b')]);
    const bearer = buildGatewayConfig(settings({ auth: { type: 'bearer', secretName: 't', senders: { ci: 'team-a', vm: '' } } }));
    expect(find(bearer, 'include')[0].args).toEqual(['/etc/nginx/secrets/auth/tokens.map']);
    expect((find(bearer, 'map', ['$gateway_credential', '$gateway_sender_known'])[0] as NginxBlock).children).toEqual([
      directive('default', ''), entry('ci', '1'), entry('vm', '1')]);
    expect((find(bearer, 'map', ['$gateway_credential', '$gateway_tenant'])[0] as NginxBlock).children).toEqual([directive('default', ''),
      entry('ci', 'team-a')]);
    expect(find(bearer, 'auth_basic')).toHaveLength(0);
  });

  test('the body limit is Tempo\'s largest admissible request, and TLS adds ssl to every listener but the status port', () => {
    const conf = buildGatewayConfig(settings({ tempo: { ...TEMPO, maxRequestBytes: 20_000_000 }, tls: { secretName: 'otlp-tls' },
      exposeQuery: true }));
    expect(find(conf, 'client_max_body_size')[0].args).toEqual(['20000000']);
    expect(find(conf, 'listen').map((l) => l.args)).toEqual([['4318', 'ssl', 'http2'], ['4317', 'ssl', 'http2'], ['3200', 'ssl'], ['8080']]);
    expect(find(conf, 'ssl_certificate')[0].args).toEqual(['/etc/nginx/secrets/tls/tls.crt']);
  });

  test('the access log format carries no header that may hold a credential', () => {
    const format = find(buildGatewayConfig(settings()), 'log_format')[0].args.join(' ');
    expect(format).not.toMatch(/http_authorization|\$request\b|\$args|\$query_string|\$request_uri/);
    expect(format).toContain('$gateway_credential');
  });
});
