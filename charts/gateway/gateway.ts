import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager-certificate-cert-manager.io';
import { GrpcRoute } from '../../imports/gateway-grpcroute-gateway.networking.k8s.io';
import { HttpRoute } from '../../imports/gateway-httproute-gateway.networking.k8s.io';
import * as k8s from '../../imports/k8s';
import { createCertificate, createGrpcRoute, createHttpRoute, createIngress } from '../shared/exposure';
import { selectorLabels } from '../shared/labels';
import { ProvidedSecret } from '../shared/secrets';
import { RestrictedWorkload, WorkloadPort, WorkloadSpec, WorkloadVolume } from '../shared/restricted-workload';
import { serviceFqdn } from '../shared/workload';
import { buildGatewayConfig, CONTAINER_PATHS, GATEWAY_PORTS, OTLP_GRPC_SERVICE } from './config';
import { NginxNode, renderNginx } from './nginx';
import { GatewayProps } from './props';
import { GatewaySettings, resolveGatewaySettings } from './settings';

/** The UID and GID nginxinc/nginx-unprivileged runs as. */
export const GATEWAY_UID = 101;

const APP = 'otlp-gateway';
const CONFIG_FILE = 'nginx.conf';

/** The labels that select the gateway's pods, for wiring code that needs them before the construct exists. */
export function gatewayPodSelector(name = 'otlp-gateway'): Record<string, string> {
  return selectorLabels({ name: APP, instance: name });
}

/**
 * The WorkloadSpec of the gateway: a Deployment of nginx-unprivileged running our nginx.conf (the
 * image's entrypoint scripts are skipped: they would try to edit files on a read-only root), its
 * auth Secret (and TLS Secret) mounted readable by its group only, `/tmp` for request bodies, a
 * Service with the OTLP ports, probes on `/ready`, and a NetworkPolicy admitting `fromNamespaces`.
 */
export function gatewayWorkloadSpec(s: GatewaySettings, configText: string): WorkloadSpec {
  const ports: WorkloadPort[] = [
    // Without TLS the gRPC port speaks HTTP/2 in clear text: Gateway API implementations read this appProtocol.
    { name: 'otlp-grpc', port: GATEWAY_PORTS.otlpGrpc, ...(s.tls ? {} : { appProtocol: 'kubernetes.io/h2c' }) },
    { name: 'otlp-http', port: GATEWAY_PORTS.otlpHttp },
    ...(s.exposeQuery ? [{ name: 'query', port: GATEWAY_PORTS.query }] : []),
    { name: 'status', port: GATEWAY_PORTS.status },
  ];
  const servicePorts = ports.filter((p) => p.name !== 'status').map((p) => p.name);
  const volumes: WorkloadVolume[] = [
    { kind: 'emptyDir', name: 'tmp', mountPath: CONTAINER_PATHS.temp, sizeLimit: '1Gi' },
    {
      kind: 'secret', name: 'auth', mountPath: CONTAINER_PATHS.authSecret, secretName: s.auth.secretName,
      items: [{ key: s.auth.key, path: s.auth.key }], defaultMode: 0o440,
    },
    ...(s.tls ? [{
      kind: 'secret' as const, name: 'tls', mountPath: CONTAINER_PATHS.tls, secretName: s.tls.secretName,
      items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }], defaultMode: 0o440,
    }] : []),
  ];
  const probe = { path: '/ready', port: 'status', timeoutSeconds: 2 };
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: APP, instance: s.name, component: 'otlp-gateway', version: s.image.tag },
    kind: 'Deployment',
    replicas: s.replicas,
    uid: GATEWAY_UID,
    container: {
      name: 'nginx',
      image: s.image,
      command: ['nginx', '-g', 'daemon off;'],
      ports,
      resources: s.resources,
      probes: {
        readiness: { ...probe, periodSeconds: 5, failureThreshold: 2 },
        liveness: { ...probe, periodSeconds: 10, failureThreshold: 6 },
      },
    },
    configMaps: [{
      name: `${s.name}-config`, volume: 'config', mountPath: `/etc/nginx/${CONFIG_FILE}`, subPath: CONFIG_FILE, files: { [CONFIG_FILE]: configText },
    }],
    volumes,
    services: [{ name: s.name, ports: servicePorts }],
    // A LoadBalancer's traffic arrives from outside the pod network: admitted by a rule of its own below.
    networkPolicy: [{ ports: servicePorts, namespaces: s.fromNamespaces }],
    ...(s.replicas > 1 ? { maxUnavailable: 1, spread: true } : {}),
  };
}

/**
 * The authenticating OTLP gateway: nginx in front of Tempo's distributors, OTLP/gRPC on 4317 and
 * OTLP/HTTP on 4318 (and optionally Tempo's query API on 3200), every request authenticated (basic
 * auth from an htpasswd Secret or bearer tokens from a token Secret), the tenant set from the
 * credential.
 *
 * Creates, on a RestrictedWorkload: a ServiceAccount, the ConfigMap `<name>-config` (nginx.conf),
 * the Service `<name>` (ClusterIP, or LoadBalancer with `expose.serviceType`), a
 * PodDisruptionBudget (more than one replica), a NetworkPolicy and the Deployment `<name>`; plus a
 * cert-manager Certificate `<name>` (with `tls.issuer`), an Ingress `<name>` (with
 * `expose.ingress`, OTLP/HTTP) and `<name>-grpc` (with `expose.ingress.grpc`), and an HTTPRoute and a GRPCRoute `<name>` (with
 * `expose.routes`). No Secret is synthesized: the auth and TLS Secrets are the user's (or
 * cert-manager's).
 */
export class OtlpGateway extends Construct {
  /** The resolved settings. */
  public readonly settings: GatewaySettings;
  /** nginx.conf as data. */
  public readonly config: readonly NginxNode[];
  /** The rendered nginx.conf. */
  public readonly configText: string;
  /** The workload: ServiceAccount, ConfigMap, Service, NetworkPolicy, Deployment. */
  public readonly workload: RestrictedWorkload;
  /** Labels that select the gateway's pods (what Tempo's NetworkPolicy admits). */
  public readonly podSelector: Record<string, string>;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** OTLP/gRPC inside the cluster, `host:port`. */
  public readonly otlpGrpcAddress: string;
  /** OTLP/HTTP inside the cluster, e.g. `http://otlp-gateway.tempo.svc.cluster.local:4318`. */
  public readonly otlpHttpUrl: string;
  public readonly certificate?: Certificate;
  public readonly ingress?: k8s.KubeIngress;
  /** The OTLP/gRPC Ingress (`expose.ingress.grpc`). */
  public readonly grpcIngress?: k8s.KubeIngress;
  public readonly httpRoute?: HttpRoute;
  public readonly grpcRoute?: GrpcRoute;
  /**
   * Secrets the gateway mounts that the stack neither synthesizes nor can generate: the auth Secret
   * (the user's) and the TLS Secret (the user's, or cert-manager's from the Certificate).
   */
  public readonly providedSecrets: readonly ProvidedSecret[];

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    const s = resolveGatewaySettings({ ...props, namespace: props?.namespace ?? Chart.of(this).namespace });
    this.settings = s;
    this.config = buildGatewayConfig(s);
    this.configText = renderNginx(this.config);
    this.workload = new RestrictedWorkload(this, 'Workload', gatewayWorkloadSpec(s, this.configText));
    this.podSelector = this.workload.podSelector;
    this.service = this.workload.services[s.name];
    const host = serviceFqdn(s.name, s.namespace);
    const scheme = s.tls ? 'https' : 'http';
    this.otlpGrpcAddress = `${host}:${GATEWAY_PORTS.otlpGrpc}`;
    this.otlpHttpUrl = `${scheme}://${host}:${GATEWAY_PORTS.otlpHttp}`;

    this.providedSecrets = [
      { name: s.auth.secretName, by: 'user', keys: [s.auth.key] },
      ...(s.tls ? [{ name: s.tls.secretName, by: s.tls.certificate ? 'cert-manager' as const : 'user' as const, keys: ['tls.crt', 'tls.key'] }] : []),
    ];
    const e = s.expose;
    if (e.serviceType === 'LoadBalancer') {
      ApiObject.of(this.service).addJsonPatch(JsonPatch.replace('/spec/type', 'LoadBalancer'));
      if (e.loadBalancerSourceRanges?.length) ApiObject.of(this.service).addJsonPatch(JsonPatch.add('/spec/loadBalancerSourceRanges',
        [...e.loadBalancerSourceRanges]));
      // Traffic through a load balancer comes from outside the pod network (or a node, SNATed):
      // no namespace selector matches it. The OTLP ports are open to every source; auth protects them.
      ApiObject.of(this.workload.networkPolicy!).addJsonPatch(JsonPatch.add('/spec/ingress/-', {
        ports: ['otlp-grpc', 'otlp-http', ...(s.exposeQuery ? ['query'] : [])].map((port) => ({ port: k8s.IntOrString.fromString(port),
          protocol: 'TCP' })),
      }));
    }
    if (e.serviceAnnotations && Object.keys(e.serviceAnnotations).length > 0) {
      ApiObject.of(this.service).addJsonPatch(JsonPatch.add('/metadata/annotations', { ...e.serviceAnnotations }));
    }
    const labels = this.workload.labels;
    const metadata = { name: s.name, namespace: s.namespace, labels };
    if (s.tls?.certificate) {
      this.certificate = createCertificate(this, 'Certificate', metadata, { secretName: s.tls.secretName, ...s.tls.certificate });
    }
    if (e.ingress) {
      this.ingress = createIngress(this, 'Ingress', { ...metadata, annotations: e.ingress.annotations }, {
        className: e.ingress.className, host: e.ingress.host, path: '/v1/traces', pathType: 'Exact',
        backend: { name: s.name, port: GATEWAY_PORTS.otlpHttp }, tlsSecretName: e.ingress.tlsSecretName,
      });
      const grpc = e.ingress.grpc;
      if (grpc) {
        this.grpcIngress = createIngress(this, 'GrpcIngress', { ...metadata, name: `${s.name}-grpc`, annotations: grpc.annotations }, {
          className: e.ingress.className, host: grpc.host, path: '/', pathType: 'Prefix',
          backend: { name: s.name, port: GATEWAY_PORTS.otlpGrpc }, tlsSecretName: grpc.tlsSecretName,
        });
      }
    }
    if (e.routes) {
      this.httpRoute = createHttpRoute(this, 'HttpRoute', metadata, {
        parents: e.routes.parentRefs, hostnames: e.routes.hostnames, pathPrefix: '/v1/traces', backend: { name: s.name,
          port: GATEWAY_PORTS.otlpHttp },
      });
      this.grpcRoute = createGrpcRoute(this, 'GrpcRoute', metadata, {
        parents: e.routes.parentRefs, hostnames: e.routes.hostnames, service: OTLP_GRPC_SERVICE, backend: { name: s.name,
          port: GATEWAY_PORTS.otlpGrpc },
      });
    }
  }

  /** The Deployment, for JSON patches. */
  public get apiObject(): ApiObject {
    return this.workload.apiObject;
  }
}
