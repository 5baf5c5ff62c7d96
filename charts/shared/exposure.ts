/**
 * The objects that reach a Service from outside the cluster, shared by Grafana and the OTLP
 * gateway: an Ingress, Gateway API routes (HTTPRoute, GRPCRoute, v1) and a cert-manager
 * Certificate (v1). Each function creates one object from plain values the component's settings
 * resolved and checked.
 */
import { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager-certificate-cert-manager.io';
import { GrpcRoute, GrpcRouteSpecRulesMatchesMethodType } from '../../imports/gateway-grpcroute-gateway.networking.k8s.io';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import * as k8s from '../../imports/k8s';

/** Name, namespace and labels of an object. */
export interface ExposureMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Service port routes send traffic to. */
export interface BackendService {
  readonly name: string;
  readonly port: number;
}

/** A parent Gateway of a route, as the user named it. */
export interface RouteParent {
  readonly name: string;
  /** @default - the route's namespace */
  readonly namespace?: string;
  /** @default - every listener that admits the route */
  readonly sectionName?: string;
}

function meta(m: ExposureMetadata): k8s.ObjectMeta {
  return {
    name: m.name, namespace: m.namespace, labels: { ...m.labels },
    ...(m.annotations && Object.keys(m.annotations).length > 0 ? { annotations: { ...m.annotations } } : {}),
  };
}

/** An Ingress sending `path` (a Prefix) on `host` to one Service port, with TLS from `tlsSecretName` when given. */
export function createIngress(scope: Construct, id: string, m: ExposureMetadata, options: {
  readonly className?: string; readonly host: string; readonly path: string; readonly pathType: 'Prefix' | 'Exact';
  readonly backend: BackendService; readonly tlsSecretName?: string;
}): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, id, {
    metadata: meta(m),
    spec: {
      ...(options.className ? { ingressClassName: options.className } : {}),
      ...(options.tlsSecretName ? { tls: [{ hosts: [options.host], secretName: options.tlsSecretName }] } : {}),
      rules: [{
        host: options.host,
        http: {
          paths: [{
            path: options.path,
            pathType: options.pathType,
            backend: { service: { name: options.backend.name, port: { number: options.backend.port } } },
          }],
        },
      }],
    },
  });
}

const parentRefs = (parents: readonly RouteParent[]) => parents.map((p) => ({
  name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.sectionName ? { sectionName: p.sectionName } : {}),
}));

/** An HTTPRoute sending requests under `pathPrefix` on `hostnames` to one Service port. */
export function createHttpRoute(scope: Construct, id: string, m: ExposureMetadata, options: {
  readonly parents: readonly RouteParent[]; readonly hostnames?: readonly string[]; readonly pathPrefix: string; readonly backend: BackendService;
}): HttpRoute {
  return new HttpRoute(scope, id, {
    metadata: meta(m),
    spec: {
      parentRefs: parentRefs(options.parents),
      ...(options.hostnames && options.hostnames.length > 0 ? { hostnames: [...options.hostnames] } : {}),
      rules: [{
        matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: options.pathPrefix } }],
        backendRefs: [{ name: options.backend.name, port: options.backend.port }],
      }],
    },
  });
}

/** A GRPCRoute sending every method of one gRPC service on `hostnames` to one Service port. */
export function createGrpcRoute(scope: Construct, id: string, m: ExposureMetadata, options: {
  readonly parents: readonly RouteParent[]; readonly hostnames?: readonly string[]; readonly service: string; readonly backend: BackendService;
}): GrpcRoute {
  return new GrpcRoute(scope, id, {
    metadata: meta(m),
    spec: {
      parentRefs: parentRefs(options.parents),
      ...(options.hostnames && options.hostnames.length > 0 ? { hostnames: [...options.hostnames] } : {}),
      rules: [{
        matches: [{ method: { type: GrpcRouteSpecRulesMatchesMethodType.EXACT, service: options.service } }],
        backendRefs: [{ name: options.backend.name, port: options.backend.port }],
      }],
    },
  });
}

/** A cert-manager Certificate for `dnsNames`, issued by an Issuer or ClusterIssuer into `secretName`. */
export function createCertificate(scope: Construct, id: string, m: ExposureMetadata, options: {
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly issuer: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string };
}): Certificate {
  return new Certificate(scope, id, {
    metadata: meta(m),
    spec: {
      secretName: options.secretName,
      dnsNames: [...options.dnsNames],
      issuerRef: { kind: options.issuer.kind, name: options.issuer.name, group: 'cert-manager.io' },
    },
  });
}
