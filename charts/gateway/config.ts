import { block, comment, directive, entry, NginxBlock, NginxNode } from './nginx';
import { GatewaySettings } from './settings';

/** The gateway's container ports: the OTLP ports senders already know, Tempo's API port, and a status port for probes. */
export const GATEWAY_PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  query: 3200,
  status: 8080,
} as const;

/** Where the config finds its files: inside the container, or a test's own folder. */
export interface GatewayPaths {
  /** Writable: nginx's temporary files (request bodies larger than the buffer) and the pid file. */
  readonly temp: string;
  /** The mounted auth Secret (the htpasswd file or the token file). */
  readonly authSecret: string;
  /** The mounted TLS Secret (`tls.crt`, `tls.key`). */
  readonly tls: string;
  /** Where access logs go (the container's stdout). */
  readonly accessLog: string;
  /** Where errors go (the container's stderr). */
  readonly errorLog: string;
}

/** Where nginx runs: its files and its ports (the container's, or a test's own). */
export interface GatewayRuntime {
  readonly paths: GatewayPaths;
  readonly ports: { readonly [K in keyof typeof GATEWAY_PORTS]: number };
}

/** The paths inside the nginx-unprivileged container; `/tmp` is an emptyDir. */
export const CONTAINER_PATHS: GatewayPaths = {
  temp: '/tmp',
  authSecret: '/etc/nginx/secrets/auth',
  tls: '/etc/nginx/secrets/tls',
  accessLog: '/dev/stdout',
  errorLog: '/dev/stderr',
};

/** The container's runtime: its paths and the fixed ports. */
export const CONTAINER_RUNTIME: GatewayRuntime = { paths: CONTAINER_PATHS, ports: GATEWAY_PORTS };

/** The gRPC service OTLP trace exporters call. */
export const OTLP_GRPC_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';

/** gRPC status codes the gateway answers itself (grpc/grpc `doc/statuscodes.md`). */
const GRPC_STATUS = { permissionDenied: 7, resourceExhausted: 8, unimplemented: 12, unavailable: 14, unauthenticated: 16 } as const;

// The access log: what a request was and who sent it, never the Authorization header or a query
// string ($uri, not $request). escape=json makes every field safe to embed.
const LOG_FIELDS: ReadonlyArray<[string, string]> = [
  ['time', '$time_iso8601'], ['remote_addr', '$remote_addr'], ['credential', '$gateway_credential'], ['tenant', '$gateway_tenant'],
  ['method', '$request_method'], ['uri', '$uri'], ['protocol', '$server_protocol'], ['status', '$status'],
  ['grpc_status', '$sent_http_grpc_status$sent_trailer_grpc_status'], ['request_bytes', '$request_length'],
  ['response_bytes', '$bytes_sent'], ['request_time', '$request_time'], ['upstream_time', '$upstream_response_time'],
];

/** `map $source $target { default <fallback>; key value; ... }` */
function map(source: string, target: string, entries: ReadonlyArray<[string, string]>, extra: readonly NginxNode[] = [], fallback = ''): NginxBlock {
  return block('map', [source, target], [directive('default', fallback), ...entries.map(([k, v]) => entry(k, v)), ...extra]);
}

/**
 * The maps that turn a request's credential into `$gateway_credential` (the user or sender, for the
 * log), `$gateway_tenant` (X-Scope-OrgID) and, for tokens, `$gateway_sender_known`.
 */
function authMaps(s: GatewaySettings, paths: GatewayPaths): NginxNode[] {
  const tenants = s.auth.credentials.filter((c) => c.tenant).map((c): [string, string] => [c.name, c.tenant!]);
  if (s.auth.type === 'basic') {
    return [
      map('$remote_user', '$gateway_credential', [], [], '$remote_user'),
      comment('Users not listed reach Tempo without a tenant.'),
      map('$remote_user', '$gateway_tenant', tenants),
    ];
  }
  return [
    comment('The token from "Authorization: Bearer <token>" (the scheme is case-insensitive, RFC 9110).'),
    map('$http_authorization', '$gateway_bearer_token', [['~*^bearer\\s+(?<token>[A-Za-z0-9._~+/=-]+)$', '$token']]),
    comment('Token -> sender, from the Secret: one line "<token> <sender>;" per sender.'),
    map('$gateway_bearer_token', '$gateway_credential', [], [directive('include', `${paths.authSecret}/${s.auth.key}`)]),
    map('$gateway_credential', '$gateway_sender_known', s.auth.credentials.map((c): [string, string] => [c.name, '1'])),
    map('$gateway_credential', '$gateway_tenant', tenants),
  ];
}

/** The directives that admit only authenticated requests, inside a proxying location. */
function authCheck(s: GatewaySettings, paths: GatewayPaths): NginxNode[] {
  if (s.auth.type === 'basic') {
    return [directive('auth_basic', 'OTLP gateway'), directive('auth_basic_user_file', `${paths.authSecret}/${s.auth.key}`)];
  }
  // Unknown tokens, and tokens of senders this config does not list, are refused before anything is proxied.
  return [block('if', ['$gateway_sender_known', '=', ''], [directive('return', 401)])];
}

function listen(port: number, s: GatewaySettings, http2: boolean): NginxNode[] {
  // `listen ... http2` is what nginx 1.22 (Debian bookworm, the tests) understands; 1.25.1+ (the
  // image) still accepts it, with a deprecation notice for the newer `http2 on;`.
  const flags = [...(s.tls ? ['ssl'] : []), ...(http2 ? ['http2'] : [])];
  return [directive('listen', port, ...flags)];
}

function tlsDirectives(s: GatewaySettings, paths: GatewayPaths): NginxNode[] {
  if (!s.tls) return [];
  return [
    directive('ssl_certificate', `${paths.tls}/tls.crt`),
    directive('ssl_certificate_key', `${paths.tls}/tls.key`),
    directive('ssl_protocols', 'TLSv1.2', 'TLSv1.3'),
    directive('ssl_session_cache', 'shared:otlp_tls:10m'),
  ];
}

/** A named location that answers a gRPC call with a status of its own, as a trailers-only response. */
function grpcError(name: string, status: number, message: string): NginxBlock {
  return block('location', [`@${name}`], [
    directive('default_type', 'application/grpc'),
    directive('add_header', 'grpc-status', status, 'always'),
    directive('add_header', 'grpc-message', message, 'always'),
    // An empty 200: nginx sends it as one HEADERS frame with END_STREAM, what gRPC calls trailers-only.
    directive('return', 200),
  ]);
}

function forwardedHeaders(set: 'proxy_set_header' | 'grpc_set_header'): NginxNode[] {
  return [
    comment('The tenant is the credential\'s, never the sender\'s own header; an empty value sends none.'),
    directive(set, 'X-Scope-OrgID', '$gateway_tenant'),
    directive(set, 'Authorization', ''),
    directive(set, 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
  ];
}

/**
 * nginx.conf as data, from the resolved settings:
 * - OTLP/gRPC on 4317 (HTTP/2; `grpc_pass` to Tempo's 4317), OTLP/HTTP on 4318 (`/v1/traces` to
 *   Tempo's 4318), TLS on both when `tls` is set; optionally Tempo's `/api/` on 3200;
 * - every proxied request authenticated (basic or bearer), `X-Scope-OrgID` set from the credential's
 *   tenant and the sender's own dropped, the Authorization header not passed on;
 * - gRPC errors answered as gRPC statuses (16 UNAUTHENTICATED, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE);
 * - bodies above `maxRequestBytes` refused with 413, timeouts, a JSON access log without credentials;
 * - `/ready` on the status port 8080, for probes.
 */
export function buildGatewayConfig(s: GatewaySettings, runtime: GatewayRuntime = CONTAINER_RUNTIME): NginxNode[] {
  const { paths, ports } = runtime;
  const timeout = `${s.timeoutSeconds}s`;
  const upstream = (name: string, server: string, keepalive: boolean) => block('upstream', [name], [
    directive('server', server),
    // gRPC connections are multiplexed already; HTTP/1.1 ones are kept alive to save handshakes.
    ...(keepalive ? [directive('keepalive', 16)] : []),
  ]);
  const httpProxy = (pass: string): NginxNode[] => [
    directive('proxy_pass', pass),
    directive('proxy_http_version', '1.1'),
    directive('proxy_set_header', 'Connection', ''),
    ...forwardedHeaders('proxy_set_header'),
  ];
  const notFound = block('location', ['/'], [directive('return', 404)]);

  const otlpHttp = block('server', [], [
    ...listen(ports.otlpHttp, s, s.tls !== undefined),
    ...tlsDirectives(s, paths),
    block('location', ['=', '/v1/traces'], [...authCheck(s, paths), ...httpProxy('http://tempo_otlp_http')]),
    notFound,
  ]);

  const otlpGrpc = block('server', [], [
    ...listen(ports.otlpGrpc, s, true),
    ...tlsDirectives(s, paths),
    directive('error_page', 401, '=', '@grpc_unauthenticated'),
    directive('error_page', 403, '=', '@grpc_permission_denied'),
    directive('error_page', 404, '=', '@grpc_unimplemented'),
    directive('error_page', 413, '=', '@grpc_resource_exhausted'),
    directive('error_page', 502, 503, 504, '=', '@grpc_unavailable'),
    block('location', [`/${OTLP_GRPC_SERVICE}/`], [
      ...authCheck(s, paths),
      directive('grpc_pass', 'grpc://tempo_otlp_grpc'),
      ...forwardedHeaders('grpc_set_header'),
    ]),
    notFound,
    grpcError('grpc_unauthenticated', GRPC_STATUS.unauthenticated, 'unauthenticated'),
    grpcError('grpc_permission_denied', GRPC_STATUS.permissionDenied, 'permission denied'),
    grpcError('grpc_unimplemented', GRPC_STATUS.unimplemented, 'unimplemented'),
    grpcError('grpc_resource_exhausted', GRPC_STATUS.resourceExhausted, `request larger than ${s.maxRequestBytes} bytes`),
    grpcError('grpc_unavailable', GRPC_STATUS.unavailable, 'tempo unavailable'),
  ]);

  const query = s.exposeQuery ? [block('server', [], [
    ...listen(ports.query, s, false),
    ...tlsDirectives(s, paths),
    block('location', ['/api/'], [...authCheck(s, paths), ...httpProxy('http://tempo_query')]),
    notFound,
  ])] : [];

  const status = block('server', [], [
    directive('listen', ports.status),
    block('location', ['=', '/ready'], [
      directive('access_log', 'off'),
      directive('default_type', 'text/plain'),
      directive('return', 200, 'ready'),
    ]),
    notFound,
  ]);

  return [
    directive('worker_processes', s.workerProcesses),
    directive('pid', `${paths.temp}/nginx.pid`),
    directive('error_log', paths.errorLog, 'notice'),
    block('events', [], [directive('worker_connections', 4096)]),
    block('http', [], [
      directive('server_tokens', 'off'),
      // A read-only root filesystem: every temporary file under the writable temp folder.
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => directive(`${kind}_temp_path`, `${paths.temp}/${kind}`)),
      directive('log_format', 'otlp_gateway', 'escape=json', `{${LOG_FIELDS.map(([k, v]) => `"${k}":"${v}"`).join(',')}}`),
      directive('access_log', paths.accessLog, 'otlp_gateway'),
      comment('The largest request Tempo admits (its gRPC message limit, its distributor\'s burst); OTLP exporters do not retry a 413.'),
      directive('client_max_body_size', s.maxRequestBytes),
      directive('client_body_buffer_size', '1m'),
      directive('client_header_timeout', timeout),
      directive('client_body_timeout', timeout),
      directive('send_timeout', timeout),
      directive('keepalive_timeout', '75s'),
      directive('proxy_connect_timeout', '5s'),
      directive('proxy_send_timeout', timeout),
      directive('proxy_read_timeout', timeout),
      directive('grpc_connect_timeout', '5s'),
      directive('grpc_send_timeout', timeout),
      directive('grpc_read_timeout', timeout),
      // Map keys are user names and tokens (up to ~200 characters).
      directive('map_hash_bucket_size', 256),
      ...authMaps(s, paths),
      upstream('tempo_otlp_http', s.upstreams.otlpHttp, true),
      upstream('tempo_otlp_grpc', s.upstreams.otlpGrpc, false),
      ...(s.exposeQuery && s.upstreams.query ? [upstream('tempo_query', s.upstreams.query, true)] : []),
      otlpHttp,
      otlpGrpc,
      ...query,
      status,
    ]),
  ];
}
