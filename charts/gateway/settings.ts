import { IMAGES, ImageRef } from '../shared/images';
import { resolveResources, ResourceOverrides } from '../shared/merge';
import { checkNamespaceSelection, NamespaceSelection } from '../shared/network';
import { ContainerResources } from '../shared/workload';
import { checkDnsLabel, checkImageTag, checkInteger, fail } from '../shared/validate';
import { CertManagerIssuer, GatewayExpose, GatewayParentRef, GatewayProps } from './props';

const C = 'gateway';

/** Tempo's gRPC server takes messages up to 16 MiB (`server.grpc_server_max_recv_msg_size`). */
export const TEMPO_GRPC_MAX_RECV_BYTES = 16_777_216;

/** Enough nginx for a few thousand OTLP requests per second; nginx streams bodies through small buffers. */
export const GATEWAY_DEFAULT_RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '1', memory: '256Mi' },
};

/** A credential's place in the config: a basic-auth user or a bearer-token sender, and its tenant. */
export interface GatewayCredential {
  /** The user name (basic) or sender name (bearer). */
  readonly name: string;
  /** `X-Scope-OrgID` for its requests; `undefined` sends none. */
  readonly tenant?: string;
}

/** Resolved authentication. */
export interface GatewayAuthSettings {
  readonly type: 'basic' | 'bearer';
  readonly secretName: string;
  readonly key: string;
  /** Basic: the users mapped to tenants. Bearer: every sender the token file may name. */
  readonly credentials: readonly GatewayCredential[];
}

/** Resolved TLS: the Secret nginx reads, and the Certificate to create when cert-manager issues it. */
export interface GatewayTlsSettings {
  readonly secretName: string;
  readonly certificate?: { readonly issuer: Required<CertManagerIssuer>; readonly dnsNames: readonly string[] };
}

/** Every gateway setting with defaults applied and validated. */
export interface GatewaySettings {
  readonly name: string;
  readonly namespace: string;
  readonly image: ImageRef;
  readonly replicas: number;
  readonly resources: ContainerResources;
  /** nginx worker processes: the CPU limit, rounded up. */
  readonly workerProcesses: number;
  readonly upstreams: { readonly otlpGrpc: string; readonly otlpHttp: string; readonly query?: string };
  /** `client_max_body_size` in bytes. */
  readonly maxRequestBytes: number;
  readonly auth: GatewayAuthSettings;
  readonly tls?: GatewayTlsSettings;
  readonly expose: Required<Pick<GatewayExpose, 'serviceType'>> & Omit<GatewayExpose, 'serviceType'>;
  readonly exposeQuery: boolean;
  readonly timeoutSeconds: number;
  readonly fromNamespaces: NamespaceSelection;
}

const HOST_PORT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$/;
/** RFC 1123 subdomain (what Kubernetes and certificates take as host names). */
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Gateway API hostname or a certificate name: a DNS name, optionally with a leading `*.` wildcard. */
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Tempo's tenant ids: alphanumerics and `!-_.*'()`, at most 150 characters, not `.`, `..` or `*` (reserved for all tenants). */
const TENANT = /^[A-Za-z0-9!_.*'()-]{1,150}$/;
/** Names that become nginx map keys or log fields: user and sender names. */
const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

/** Checks a host name of an Ingress, a route or a certificate (a DNS name; `*.` allowed where `wildcard`). */
export function checkHostname(component: string, prop: string, value: string, wildcard: boolean): string {
  const ok = typeof value === 'string' && value.length <= 253 && (wildcard ? HOSTNAME : DNS_NAME).test(value);
  if (!ok) {
    fail(component, prop, `must be a DNS name (lower-case letters, digits, '-' and '.'${wildcard ? ', optionally starting with \'*.\'' : ''})`, value,
      'write the host name only, without scheme, port or path, e.g. \'otlp.example.com\'');
  }
  return value;
}

/** Checks a tenant id Tempo accepts and, with `known`, that Tempo has it. */
export function checkTenant(component: string, prop: string, value: string, known: readonly string[] | undefined): string {
  if (typeof value !== 'string' || !TENANT.test(value) || value === '.' || value === '..' || value === '*') {
    fail(component, prop, 'must be a Tempo tenant id (letters, digits and !-_.*\'(), at most 150 characters, not \'.\', \'..\' or \'*\')', value,
      'write the tenant id, e.g. \'team-a\'');
  }
  if (known && !known.includes(value)) {
    fail(component, prop, `names a tenant Tempo does not know (known: ${known.length ? known.join(', ') : 'none'})`, value,
      'add the tenant to tempo.tenants, or map the credential to a known tenant');
  }
  return value;
}

function checkUpstream(prop: string, value: string | undefined, example: string): string {
  if (typeof value !== 'string' || !HOST_PORT.test(value)) fail(C, prop, 'must be host:port', value, `write e.g. '${example}'`);
  return value;
}

function checkSecretKey(prop: string, value: string): string {
  if (typeof value !== 'string' || !SECRET_KEY.test(value)) {
    fail(C, prop, 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', value, 'name the key inside the Secret');
  }
  return value;
}

function checkCredentials(prop: string, map: unknown, known: readonly string[] | undefined, allowNoTenant: boolean): GatewayCredential[] {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) fail(C, prop, 'must map names to tenants', map, 'write e.g. { ci: \'team-a\' }');
  return Object.entries(map as Record<string, string>).map(([name, tenant]) => {
    if (!CREDENTIAL_NAME.test(name)) {
      fail(C, `${prop}.${name}`, 'is not a user or sender name (letters, digits, \'_\', \'.\', \'@\', \'-\', at most 63 characters)', name,
        'rename it, e.g. \'ci\'');
    }
    if (allowNoTenant && tenant === '') return { name };
    return { name, tenant: checkTenant(C, `${prop}.${name}`, tenant, known) };
  });
}

function resolveAuth(props: GatewayProps): GatewayAuthSettings {
  const auth = props.auth;
  if (!auth || (auth.type !== 'basic' && auth.type !== 'bearer')) {
    fail(C, 'auth.type', 'must be \'basic\' or \'bearer\' (the gateway never admits unauthenticated senders)',
      (auth as { type?: unknown } | undefined)?.type,
      'set auth: { type: \'basic\', secretName: \'otlp-htpasswd\' } or { type: \'bearer\', secretName: \'otlp-tokens\', senders: { ci: \'\' } }');
  }
  const secretName = checkDnsLabel(C, 'auth.secretName', auth.secretName, 253, auth.type === 'basic' ? 'otlp-htpasswd' : 'otlp-tokens');
  const known = props.knownTenants;
  if (auth.type === 'basic') {
    return {
      type: 'basic', secretName, key: checkSecretKey('auth.key', auth.key ?? 'htpasswd'),
      credentials: checkCredentials('auth.tenants', auth.tenants ?? {}, known, false),
    };
  }
  const senders = auth.senders as unknown;
  if (senders === undefined || (typeof senders === 'object' && senders !== null && Object.keys(senders).length === 0)) {
    fail(C, 'auth.senders', 'must list every sender whose token the Secret holds', senders,
      'name each sender and its tenant (\'\' for none), e.g. { ci: \'team-a\' }, one line \'<token> ci;\' per sender in the Secret');
  }
  return {
    type: 'bearer', secretName, key: checkSecretKey('auth.key', auth.key ?? 'tokens.map'),
    credentials: checkCredentials('auth.senders', senders, known, true),
  };
}

function resolveTls(props: GatewayProps, name: string): GatewayTlsSettings | undefined {
  const tls = props.tls;
  if (tls === undefined) return undefined;
  if (tls.secretName !== undefined && tls.issuer !== undefined) {
    fail(C, 'tls', 'takes secretName or issuer, not both', Object.keys(tls),
      'name an existing TLS Secret, or an issuer for cert-manager to fill one');
  }
  if (tls.secretName !== undefined) {
    if (tls.dnsNames !== undefined) fail(C, 'tls.dnsNames', 'applies with issuer only', tls.dnsNames,
      'remove dnsNames: the Secret\'s certificate names its hosts');
    return { secretName: checkDnsLabel(C, 'tls.secretName', tls.secretName, 253, 'otlp-tls') };
  }
  if (tls.issuer === undefined) {
    fail(C, 'tls', 'needs a secretName or an issuer', tls, 'name an existing kubernetes.io/tls Secret, or a cert-manager issuer and dnsNames');
  }
  const issuer = checkIssuer(C, 'tls.issuer', tls.issuer);
  const dnsNames = tls.dnsNames ?? [];
  if (!Array.isArray(dnsNames) || dnsNames.length === 0) {
    fail(C, 'tls.dnsNames', 'must list the names the certificate covers', tls.dnsNames, 'write e.g. [\'otlp.example.com\']');
  }
  dnsNames.forEach((d, i) => checkHostname(C, `tls.dnsNames[${i}]`, d, true));
  return { secretName: `${name}-tls`, certificate: { issuer, dnsNames } };
}

/** Checks a cert-manager issuer reference and applies the default kind. */
export function checkIssuer(component: string, prop: string, issuer: CertManagerIssuer): Required<CertManagerIssuer> {
  const kind = issuer?.kind ?? 'ClusterIssuer';
  if (kind !== 'Issuer' && kind !== 'ClusterIssuer') fail(component, `${prop}.kind`, 'must be \'Issuer\' or \'ClusterIssuer\'', kind,
    'pick one of them');
  return { kind, name: checkDnsLabel(component, `${prop}.name`, issuer?.name, 253, 'letsencrypt-prod') };
}

/** Checks Gateway API parent references. */
export function checkParentRefs(component: string, prop: string, refs: readonly GatewayParentRef[] | undefined): readonly GatewayParentRef[] {
  if (!Array.isArray(refs) || refs.length === 0) {
    fail(component, prop, 'must name at least one Gateway', refs, 'write e.g. [{ name: \'public\', namespace: \'gateway-system\' }]');
  }
  refs.forEach((ref, i) => {
    checkDnsLabel(component, `${prop}[${i}].name`, ref?.name, 253, 'public');
    if (ref.namespace !== undefined) checkDnsLabel(component, `${prop}[${i}].namespace`, ref.namespace, 63, 'gateway-system');
    if (ref.sectionName !== undefined) checkDnsLabel(component, `${prop}[${i}].sectionName`, ref.sectionName, 253, 'https');
  });
  return refs;
}

function resolveExpose(expose: GatewayExpose | undefined, tls: GatewayTlsSettings | undefined): GatewaySettings['expose'] {
  const serviceType = expose?.serviceType ?? 'ClusterIP';
  if (serviceType !== 'ClusterIP' && serviceType !== 'LoadBalancer') {
    fail(C, 'expose.serviceType', 'must be \'ClusterIP\' or \'LoadBalancer\'', serviceType, 'pick one of them');
  }
  if (serviceType === 'LoadBalancer' && !tls) {
    fail(C, 'expose.serviceType', 'LoadBalancer needs tls (credentials would cross the network in clear text)', serviceType,
      'set tls.secretName or tls.issuer, or expose the gateway through an Ingress or Gateway that terminates TLS');
  }
  if (tls && (expose?.ingress || expose?.routes)) {
    fail(C, 'tls', 'is for a LoadBalancer: an Ingress or Gateway terminates TLS itself and would need to re-encrypt to the gateway', Object.keys(tls),
      'remove tls and terminate TLS at the Ingress (tlsSecretName) or the Gateway listener, or expose the gateway as a LoadBalancer');
  }
  (expose?.loadBalancerSourceRanges ?? []).forEach((range, i) => {
    if (!CIDR.test(range)) fail(C, `expose.loadBalancerSourceRanges[${i}]`, 'must be a CIDR', range, 'write e.g. \'203.0.113.0/24\'');
  });
  if (expose?.ingress) {
    checkHostname(C, 'expose.ingress.host', expose.ingress.host, false);
    if (expose.ingress.className !== undefined) checkDnsLabel(C, 'expose.ingress.className', expose.ingress.className, 253, 'nginx');
    if (expose.ingress.tlsSecretName !== undefined) checkDnsLabel(C, 'expose.ingress.tlsSecretName', expose.ingress.tlsSecretName, 253, 'otlp-tls');
    const grpc = expose.ingress.grpc;
    if (grpc) {
      checkHostname(C, 'expose.ingress.grpc.host', grpc.host, false);
      if (grpc.host === expose.ingress.host) {
        fail(C, 'expose.ingress.grpc.host', 'must differ from expose.ingress.host (the controller speaks gRPC to every path of the gRPC host)',
          grpc.host,
          'use a host of its own, e.g. \'otlp-grpc.example.com\'');
      }
      if (grpc.tlsSecretName === undefined) {
        fail(C, 'expose.ingress.grpc.tlsSecretName', 'is required (gRPC clients negotiate HTTP/2 through TLS)', grpc.tlsSecretName,
          'name the TLS Secret of the gRPC host (cert-manager fills it when its annotation is set)');
      }
      checkDnsLabel(C, 'expose.ingress.grpc.tlsSecretName', grpc.tlsSecretName, 253, 'otlp-grpc-tls');
    }
  }
  if (expose?.routes) {
    checkParentRefs(C, 'expose.routes.parentRefs', expose.routes.parentRefs);
    (expose.routes.hostnames ?? []).forEach((h, i) => checkHostname(C, `expose.routes.hostnames[${i}]`, h, true));
  }
  return { ...expose, serviceType };
}

/** Resolves and validates GatewayProps. Throws a ConfigError naming the prop on bad input. */
export function resolveGatewaySettings(props: GatewayProps): GatewaySettings {
  const name = checkDnsLabel(C, 'name', props.name ?? 'otlp-gateway', 50, 'otlp-gateway');
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default');
  const image = props.image ?? IMAGES.gateway;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, `use e.g. '${IMAGES.gateway.repository}'`);
  checkImageTag(C, 'image.tag', image.tag, IMAGES.gateway.tag);
  const replicas = checkInteger(C, 'replicas', props.replicas ?? 2, 1, 50);
  const { resources, parsed } = resolveResources(C, GATEWAY_DEFAULT_RESOURCES, props.resources as ResourceOverrides | undefined, 'the default');

  const tempo = props.tempo;
  if (!tempo) fail(C, 'tempo', 'is required', tempo, 'pass the Tempo construct\'s OTLP addresses');
  const upstreams = {
    otlpGrpc: checkUpstream('tempo.otlpGrpc', tempo.otlpGrpc, 'tempo.tempo.svc.cluster.local:4317'),
    otlpHttp: checkUpstream('tempo.otlpHttp', tempo.otlpHttp, 'tempo.tempo.svc.cluster.local:4318'),
    ...(tempo.query !== undefined ? { query: checkUpstream('tempo.query', tempo.query, 'tempo.tempo.svc.cluster.local:3200') } : {}),
  };
  const maxRequestBytes = checkInteger(C, 'tempo.maxRequestBytes', tempo.maxRequestBytes ?? TEMPO_GRPC_MAX_RECV_BYTES, 1024, 2 ** 31,
    'pass Tempo\'s burst_size_bytes (the largest request its distributor admits)');
  const exposeQuery = props.exposeQuery ?? false;
  if (exposeQuery && upstreams.query === undefined) {
    fail(C, 'exposeQuery', 'needs tempo.query (the address of Tempo\'s HTTP API)', exposeQuery, 'pass the Tempo construct\'s query address');
  }
  if (props.knownTenants !== undefined && !Array.isArray(props.knownTenants)) {
    fail(C, 'knownTenants', 'must be a list of tenant ids', props.knownTenants, 'pass Tempo\'s tenants');
  }
  const auth = resolveAuth(props);
  const tls = resolveTls(props, name);
  return {
    name,
    namespace,
    image,
    replicas,
    resources,
    workerProcesses: Math.max(1, Math.ceil(parsed.limitCpu)),
    upstreams,
    maxRequestBytes,
    auth,
    tls,
    expose: resolveExpose(props.expose, tls),
    exposeQuery,
    timeoutSeconds: checkInteger(C, 'timeoutSeconds', props.timeoutSeconds ?? 30, 1, 3600),
    fromNamespaces: checkNamespaceSelection(C, 'fromNamespaces', props.fromNamespaces ?? 'all'),
  };
}
