/**
 * Grafana from outside the cluster: an Ingress or a Gateway API HTTPRoute, TLS from an existing
 * Secret or from cert-manager, the public URL (`root_url`) derived from the host, and the
 * namespace of the ingress controller or Gateway admitted by Grafana's NetworkPolicy.
 */
import { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager-certificate-cert-manager.io';
import { HttpRoute } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import * as k8s from '../../imports/k8s';
import { createCertificate, createHttpRoute, createIngress, RouteParent } from '../shared/exposure';
import { checkNamespaceSelection, NamespaceSelection } from '../shared/network';
import { checkDnsLabel, fail } from '../shared/validate';

const C = 'grafana';

/** A cert-manager Issuer or ClusterIssuer, named by the user. */
export interface GrafanaIssuer {
  /** @default 'ClusterIssuer' */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /** e.g. `letsencrypt-prod`. */
  readonly name: string;
}

/** Grafana through an Ingress. */
export interface GrafanaIngress {
  /** The IngressClass, e.g. `nginx`. @default - the cluster's default class */
  readonly className?: string;
  /** The public host name, e.g. `grafana.example.com`. */
  readonly host: string;
  /** The path Grafana is served under; other than `/`, Grafana serves from that sub-path. @default '/' */
  readonly path?: string;
  /** Annotations of the Ingress (the controller's settings). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * TLS on the Ingress: an existing `kubernetes.io/tls` Secret, or a cert-manager issuer (the
   * Ingress gets its annotation; cert-manager fills the Secret `<name>-tls`).
   * @default - no TLS (plain HTTP: only behind something else that terminates TLS)
   */
  readonly tls?: { readonly secretName?: string; readonly issuer?: GrafanaIssuer };
}

/** Grafana through a Gateway API HTTPRoute. */
export interface GrafanaRoute {
  /** The Gateways to attach to. */
  readonly parentRefs: readonly RouteParent[];
  /** The public host names; the first one becomes `root_url`. */
  readonly hostnames: readonly string[];
  /** The path prefix Grafana is served under. @default '/' */
  readonly path?: string;
  /**
   * A cert-manager Certificate for the Gateway listener that terminates TLS (the listener must name
   * its Secret `<name>-tls`): in the first parent's namespace, since a listener reads Secrets of its own
   * namespace. @default - none (the listener has its certificate already)
   */
  readonly certificate?: { readonly issuer: GrafanaIssuer; readonly namespace?: string };
  /** Whether users reach the listener over HTTPS, for `root_url`. @default true */
  readonly https?: boolean;
}

/** How Grafana is reached from outside. */
export interface GrafanaExpose {
  /** An Ingress. Exclusive with `route`. @default - none */
  readonly ingress?: GrafanaIngress;
  /** An HTTPRoute. Exclusive with `ingress`. @default - none */
  readonly route?: GrafanaRoute;
  /**
   * The namespace(s) the ingress controller or the Gateway's data plane runs in: Grafana's
   * NetworkPolicy admits them (and only them) to port 3000.
   */
  readonly controllerNamespaces: readonly string[];
}

/** GrafanaExpose resolved: what the objects and grafana.ini need. */
export interface GrafanaExposeSettings {
  readonly ingress?: Required<Pick<GrafanaIngress, 'host' | 'path'>> & Omit<GrafanaIngress, 'host' | 'path' | 'tls'> & {
    readonly tlsSecretName?: string; readonly issuer?: Required<GrafanaIssuer>;
  };
  readonly route?: Omit<GrafanaRoute, 'certificate' | 'path'> & {
    readonly path: string;
    readonly certificate?: { readonly issuer: Required<GrafanaIssuer>; readonly namespace: string; readonly secretName: string };
  };
  readonly fromNamespaces: NamespaceSelection;
  /** `https://host/path/`, from the host. */
  readonly rootUrl: string;
  /** Grafana serves from a sub-path (`[server] serve_from_sub_path`). */
  readonly subPath: boolean;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PATH = /^\/([A-Za-z0-9._~-]+\/?)*$/;

function checkHost(prop: string, value: string): string {
  if (typeof value !== 'string' || !DNS_NAME.test(value)) {
    fail(C, prop, 'must be a DNS name (lower-case letters, digits, \'-\' and \'.\')', value,
      'write the host name only, without scheme, port or path, e.g. \'grafana.example.com\'');
  }
  return value;
}

function checkPath(prop: string, value: string): string {
  if (typeof value !== 'string' || !PATH.test(value)) fail(C, prop, 'must be an absolute path such as \'/\' or \'/grafana\'', value,
    'write it starting with \'/\'');
  return value.length > 1 ? value.replace(/\/$/, '') : value;
}

function checkIssuer(prop: string, issuer: GrafanaIssuer): Required<GrafanaIssuer> {
  const kind = issuer?.kind ?? 'ClusterIssuer';
  if (kind !== 'Issuer' && kind !== 'ClusterIssuer') fail(C, `${prop}.kind`, 'must be \'Issuer\' or \'ClusterIssuer\'', kind, 'pick one of them');
  return { kind, name: checkDnsLabel(C, `${prop}.name`, issuer?.name, 253, 'letsencrypt-prod') };
}

/**
 * Resolves and checks `expose`. `name` is Grafana's (the TLS Secret is `<name>-tls`), `namespace`
 * the stack's. Throws a ConfigError naming the prop.
 */
export function resolveGrafanaExpose(expose: GrafanaExpose, name: string, namespace: string): GrafanaExposeSettings {
  if (!!expose.ingress === !!expose.route) {
    fail(C, 'expose', 'takes exactly one of ingress and route', Object.keys(expose), 'choose an Ingress or a Gateway API HTTPRoute');
  }
  if (!Array.isArray(expose.controllerNamespaces)) {
    fail(C, 'expose.controllerNamespaces', 'must list the namespace of the ingress controller or Gateway', expose.controllerNamespaces,
      'write e.g. [\'ingress-nginx\']: Grafana\'s NetworkPolicy admits only those');
  }
  const fromNamespaces = checkNamespaceSelection(C, 'expose.controllerNamespaces', expose.controllerNamespaces);
  if (expose.ingress) {
    const i = expose.ingress;
    const host = checkHost('expose.ingress.host', i.host);
    const path = checkPath('expose.ingress.path', i.path ?? '/');
    if (i.className !== undefined) checkDnsLabel(C, 'expose.ingress.className', i.className, 253, 'nginx');
    let tlsSecretName: string | undefined;
    let issuer: Required<GrafanaIssuer> | undefined;
    if (i.tls !== undefined) {
      if (i.tls.secretName !== undefined && i.tls.issuer !== undefined) {
        fail(C, 'expose.ingress.tls', 'takes secretName or issuer, not both', Object.keys(i.tls),
          'name an existing TLS Secret, or an issuer for cert-manager to fill one');
      }
      if (i.tls.secretName === undefined && i.tls.issuer === undefined) {
        fail(C, 'expose.ingress.tls', 'needs a secretName or an issuer', i.tls,
          'name an existing kubernetes.io/tls Secret, or a cert-manager Issuer or ClusterIssuer');
      }
      tlsSecretName = i.tls.secretName !== undefined ? checkDnsLabel(C, 'expose.ingress.tls.secretName', i.tls.secretName, 253,
        'grafana-tls') : `${name}-tls`;
      if (i.tls.issuer) issuer = checkIssuer('expose.ingress.tls.issuer', i.tls.issuer);
    }
    const { tls: _tls, ...rest } = i;
    return {
      ingress: { ...rest, host, path, tlsSecretName, issuer },
      fromNamespaces,
      rootUrl: `${tlsSecretName ? 'https' : 'http'}://${host}${path === '/' ? '/' : `${path}/`}`,
      subPath: path !== '/',
    };
  }
  const r = expose.route!;
  if (!Array.isArray(r.parentRefs) || r.parentRefs.length === 0) {
    fail(C, 'expose.route.parentRefs', 'must name at least one Gateway', r.parentRefs,
      'write e.g. [{ name: \'public\', namespace: \'gateway-system\' }]');
  }
  r.parentRefs.forEach((p, i) => {
    checkDnsLabel(C, `expose.route.parentRefs[${i}].name`, p?.name, 253, 'public');
    if (p.namespace !== undefined) checkDnsLabel(C, `expose.route.parentRefs[${i}].namespace`, p.namespace, 63, 'gateway-system');
    if (p.sectionName !== undefined) checkDnsLabel(C, `expose.route.parentRefs[${i}].sectionName`, p.sectionName, 253, 'https');
  });
  if (!Array.isArray(r.hostnames) || r.hostnames.length === 0) {
    fail(C, 'expose.route.hostnames', 'must name the host Grafana is reached at', r.hostnames, 'write e.g. [\'grafana.example.com\']');
  }
  r.hostnames.forEach((h, i) => checkHost(`expose.route.hostnames[${i}]`, h));
  const path = checkPath('expose.route.path', r.path ?? '/');
  const certificate = r.certificate && {
    issuer: checkIssuer('expose.route.certificate.issuer', r.certificate.issuer),
    namespace: checkDnsLabel(C, 'expose.route.certificate.namespace', r.certificate.namespace ?? r.parentRefs[0].namespace ?? namespace, 63),
    secretName: `${name}-tls`,
  };
  return {
    route: { parentRefs: r.parentRefs, hostnames: r.hostnames, https: r.https, path, certificate },
    fromNamespaces,
    rootUrl: `${r.https === false ? 'http' : 'https'}://${r.hostnames[0]}${path === '/' ? '/' : `${path}/`}`,
    subPath: path !== '/',
  };
}

/** The objects exposing Grafana's Service (port `port`): an Ingress, or an HTTPRoute and optionally a Certificate. */
export function createGrafanaExposure(scope: Construct, e: GrafanaExposeSettings, meta: { name: string; namespace: string; labels: Record<string,
  string> },
  port: number): { ingress?: k8s.KubeIngress; httpRoute?: HttpRoute; certificate?: Certificate } {
  const backend = { name: meta.name, port };
  if (e.ingress) {
    const i = e.ingress;
    const annotations = {
      ...(i.issuer ? { [i.issuer.kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer']: i.issuer.name } : {}),
      ...i.annotations,
    };
    return {
      ingress: createIngress(scope, 'Ingress', { ...meta, annotations }, {
        className: i.className, host: i.host, path: i.path, pathType: 'Prefix', backend, tlsSecretName: i.tlsSecretName,
      }),
    };
  }
  const r = e.route!;
  return {
    httpRoute: createHttpRoute(scope, 'HttpRoute', meta, { parents: r.parentRefs, hostnames: r.hostnames, pathPrefix: r.path, backend }),
    ...(r.certificate ? {
      certificate: createCertificate(scope, 'Certificate', { ...meta, namespace: r.certificate.namespace }, {
        secretName: r.certificate.secretName, dnsNames: r.hostnames, issuer: r.certificate.issuer,
      }),
    } : {}),
  };
}
