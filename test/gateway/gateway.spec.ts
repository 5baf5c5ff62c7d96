import { App } from 'cdk8s';
import { GatewayChart, GatewayProps, OtlpGateway } from '../../charts/gateway';
import { ConfigError } from '../../charts/shared/validate';
import { allOf, find, K8sObject, objectsOf, selects } from '../helpers';
import { validateCustomResources } from '../support/crd-schema';
import { validateK8sObjects } from '../support/k8s-schema';

const TEMPO = { otlpGrpc: 'tempo.tempo.svc.cluster.local:4317', otlpHttp: 'tempo.tempo.svc.cluster.local:4318',
  query: 'tempo.tempo.svc.cluster.local:3200' };
const BASIC = { type: 'basic', secretName: 'otlp-htpasswd', tenants: { alice: 'team-a' } } as const;

function synth(props: Partial<GatewayProps> = {}): { gateway: OtlpGateway; objects: K8sObject[] } {
  const chart = new GatewayChart(new App(), 'gateway', { namespace: 'tempo', gateway: { tempo: TEMPO, auth: BASIC, ...props } });
  return { gateway: chart.gateway, objects: objectsOf(chart) };
}

const CUSTOM = new Set(['Certificate', 'HTTPRoute', 'GRPCRoute']);

describe('the OTLP gateway construct', () => {
  test('a restricted Deployment of nginx-unprivileged on the OTLP ports, its Service selecting its pods', () => {
    const { objects } = synth();
    const deployment = find(objects, 'Deployment', 'otlp-gateway');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toBe('nginxinc/nginx-unprivileged:1.29.0-alpine');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, fsGroup: 101 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'status' });
    expect(container.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['otlp-grpc', 4317], ['otlp-http', 4318], ['status', 8080]]);
    const service = find(objects, 'Service', 'otlp-gateway');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports.map((p: any) => p.name)).toEqual(['otlp-grpc', 'otlp-http']);
    expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    expect(validateK8sObjects(objects.filter((o) => !CUSTOM.has(o.kind)))).toEqual([]);
  });

  test('nginx.conf comes from the ConfigMap, the htpasswd file from the user\'s Secret, and nothing secret is synthesized', () => {
    const { gateway, objects } = synth();
    expect(find(objects, 'ConfigMap', 'otlp-gateway-config').data['nginx.conf']).toBe(gateway.configText);
    const pod = find(objects, 'Deployment', 'otlp-gateway').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'auth').secret).toEqual({
      secretName: 'otlp-htpasswd', items: [{ key: 'htpasswd', path: 'htpasswd' }], defaultMode: 0o440,
    });
    expect(pod.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
      { name: 'auth', mountPath: '/etc/nginx/secrets/auth', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]));
    expect(allOf(objects, 'Secret')).toEqual([]);
  });

  test('a LoadBalancer with TLS from cert-manager: the Certificate fills the Secret nginx reads, the policy admits outside traffic', () => {
    const { objects } = synth({
      tls: { issuer: { name: 'letsencrypt-prod' }, dnsNames: ['otlp.example.com'] },
      expose: { serviceType: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] },
    });
    const certificate = find(objects, 'Certificate', 'otlp-gateway');
    expect(certificate.spec).toEqual({
      secretName: 'otlp-gateway-tls', dnsNames: ['otlp.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod',
        group: 'cert-manager.io' },
    });
    const pod = find(objects, 'Deployment', 'otlp-gateway').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'tls').secret.secretName).toBe('otlp-gateway-tls');
    expect(find(objects, 'Service', 'otlp-gateway').spec).toMatchObject({ type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    const ingress = find(objects, 'NetworkPolicy', 'otlp-gateway').spec.ingress;
    expect(ingress[ingress.length - 1]).toEqual({ ports: [{ port: 'otlp-grpc', protocol: 'TCP' }, { port: 'otlp-http', protocol: 'TCP' }] });
    expect(validateCustomResources([certificate])).toEqual([]);
    expect(validateK8sObjects(objects.filter((o) => !CUSTOM.has(o.kind)))).toEqual([]);
  });

  test('Gateway API routes: an HTTPRoute for /v1/traces and a GRPCRoute for the OTLP trace service, both valid for their CRDs', () => {
    const { objects } = synth({ expose: { routes: { parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['otlp.example.com'] } } });
    const http = find(objects, 'HTTPRoute', 'otlp-gateway');
    const grpc = find(objects, 'GRPCRoute', 'otlp-gateway');
    expect(http.spec.rules[0].backendRefs).toEqual([{ name: 'otlp-gateway', port: 4318 }]);
    expect(grpc.spec.rules[0]).toEqual({
      matches: [{ method: { type: 'Exact', service: 'opentelemetry.proto.collector.trace.v1.TraceService' } }],
      backendRefs: [{ name: 'otlp-gateway', port: 4317 }],
    });
    expect(grpc.spec.parentRefs).toEqual([{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }]);
    // Gateways reach the clear-text gRPC port with HTTP/2 prior knowledge because of this appProtocol.
    expect(find(objects, 'Service', 'otlp-gateway').spec.ports[0].appProtocol).toBe('kubernetes.io/h2c');
    expect(validateCustomResources([http, grpc])).toEqual([]);
  });

  test('an Ingress for OTLP/HTTP with the class, host, annotations and TLS Secret given', () => {
    const { objects } = synth({
      expose: { ingress: { className: 'nginx', host: 'otlp.example.com', tlsSecretName: 'otlp-ingress-tls',
        annotations: { 'cert-manager.io/cluster-issuer': 'le' } } },
    });
    const ingress = find(objects, 'Ingress', 'otlp-gateway');
    expect((ingress.metadata as any).annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'le' });
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['otlp.example.com'], secretName: 'otlp-ingress-tls' }]);
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({
      path: '/v1/traces', pathType: 'Exact', backend: { service: { name: 'otlp-gateway', port: { number: 4318 } } },
    });
    expect(validateK8sObjects([ingress])).toEqual([]);
  });

  test('a second Ingress for OTLP/gRPC on a host of its own, with TLS and the controller\'s gRPC annotation', () => {
    const { objects } = synth({
      expose: {
        ingress: {
          className: 'nginx', host: 'otlp.example.com',
          grpc: { host: 'otlp-grpc.example.com', tlsSecretName: 'otlp-grpc-tls',
            annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' } },
        },
      },
    });
    const grpc = find(objects, 'Ingress', 'otlp-gateway-grpc');
    expect((grpc.metadata as any).annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' });
    expect(grpc.spec.tls).toEqual([{ hosts: ['otlp-grpc.example.com'], secretName: 'otlp-grpc-tls' }]);
    expect(grpc.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'otlp-gateway', port: { number: 4317 } } });
    expect(validateK8sObjects([grpc])).toEqual([]);
    expect(() => synth({ expose: { ingress: { host: 'otlp.example.com', grpc: { host: 'otlp.example.com', tlsSecretName: 't' } } } }))
      .toThrow("gateway: 'expose.ingress.grpc.host' must differ from expose.ingress.host");
  });

  test('the query API gets its own port on the Service only when asked for', () => {
    const { objects } = synth({ exposeQuery: true });
    expect(find(objects, 'Service', 'otlp-gateway').spec.ports.map((p: any) => [p.name, p.port])).toContainEqual(['query', 3200]);
  });

  test.each<[string, Partial<GatewayProps>, string]>([
    ['no auth at all', { auth: undefined as any }, "gateway: 'auth.type' must be 'basic' or 'bearer'"],
    ['a bearer Secret without senders', { auth: { type: 'bearer', secretName: 'otlp-tokens', senders: {} } },
      "gateway: 'auth.senders' must list every sender"],
    ['a tenant Tempo does not know', { knownTenants: ['team-b'] },
      "gateway: 'auth.tenants.alice' names a tenant Tempo does not know (known: team-b), got 'team-a'"],
    ['TLS with neither a Secret nor an issuer', { tls: {} }, "gateway: 'tls' needs a secretName or an issuer"],
    ['a LoadBalancer in clear text', { expose: { serviceType: 'LoadBalancer' } }, "gateway: 'expose.serviceType' LoadBalancer needs tls"],
    ['an Ingress host with a scheme', { expose: { ingress: { host: 'https://otlp.example.com' } } },
      "gateway: 'expose.ingress.host' must be a DNS name"],
    ['routes without a parent', { expose: { routes: { parentRefs: [] } } }, "gateway: 'expose.routes.parentRefs' must name at least one Gateway"],
    ['the query API without its address', { tempo: { otlpGrpc: TEMPO.otlpGrpc, otlpHttp: TEMPO.otlpHttp }, exposeQuery: true },
      "gateway: 'exposeQuery' needs tempo.query"],
  ])('refuses %s', (_what, props, message) => {
    expect(() => synth(props)).toThrow(ConfigError);
    expect(() => synth(props)).toThrow(message);
  });
});
