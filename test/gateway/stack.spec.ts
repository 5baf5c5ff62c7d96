import { App } from 'cdk8s';
import { TempoStack, TempoStackProps } from '../../charts';
import { findNodes } from '../../charts/gateway';
import { find, K8sObject, objectsOf } from '../helpers';

const GATEWAY = { auth: { type: 'basic', secretName: 'otlp-htpasswd' } } as const;

function build(props: Partial<TempoStackProps> = {}): { stack: TempoStack; tempo: K8sObject[] } {
  const stack = new TempoStack(new App(), 'test', { namespace: 'tempo', gateway: GATEWAY, ...props });
  return { stack, tempo: objectsOf(stack.tempoChart) };
}

const otlpRule = (objects: K8sObject[]) => find(objects, 'NetworkPolicy', 'tempo').spec.ingress
  .find((r: any) => r.ports.some((p: any) => p.port === 'otlp-grpc'));

describe('the stack with the OTLP gateway', () => {
  test('Tempo admits OTLP from the gateway\'s pods only, by default', () => {
    const { stack, tempo } = build();
    expect(otlpRule(tempo).from).toEqual([{ podSelector: { matchLabels: stack.gatewayChart!.gateway.podSelector } }]);
  });

  test('namespaces the user still allows keep sending in-cluster, beside the gateway', () => {
    const { tempo } = build({ tempo: { otlpFromNamespaces: ['shop'] } });
    expect(otlpRule(tempo).from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otlp-gateway', 'app.kubernetes.io/instance': 'otlp-gateway' } } },
      { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] } ] } },
    ]);
  });

  test('without the gateway Tempo\'s OTLP ports stay open to every namespace', () => {
    const { tempo } = build({ gateway: undefined });
    expect(otlpRule(tempo).from).toEqual([{ namespaceSelector: {} }]);
  });

  test('the gateway proxies to Tempo\'s Service and limits bodies to the largest request Tempo can admit', () => {
    const { stack } = build();
    const gateway = stack.gatewayChart!.gateway;
    const upstream = (name: string) => (findNodes(gateway.config, (n) => n.name === 'upstream' && n.args[0] === name)[0] as any).children[0].args[0];
    expect(upstream('tempo_otlp_grpc')).toBe('tempo.tempo.svc.cluster.local:4317');
    expect(upstream('tempo_otlp_http')).toBe('tempo.tempo.svc.cluster.local:4318');
    // Tempo's burst is never below its default 20 MB, so the gRPC server's 16 MiB is the tighter bound.
    expect(stack.tempoChart.tempo.settings.capacity.burstSizeBytes).toBeGreaterThan(16_777_216);
    expect(gateway.settings.maxRequestBytes).toBe(16_777_216);
    expect(find(objectsOf(stack.gatewayChart!), 'ConfigMap', 'otlp-gateway-config').data['nginx.conf']).toContain('client_max_body_size 16777216;');
  });

  test('with the query API through the gateway, Tempo\'s API port admits the gateway too', () => {
    const { stack, tempo } = build({ gateway: { ...GATEWAY, exposeQuery: true } });
    const api = find(tempo, 'NetworkPolicy', 'tempo').spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'http'));
    expect(api.from).toContainEqual({ podSelector: { matchLabels: stack.gatewayChart!.gateway.podSelector } });
  });

  test('the Secrets the user must create are named by the stack: the htpasswd file, and Grafana\'s OAuth client secret', () => {
    const { stack } = build({
      grafana: {
        rootUrl: 'https://grafana.example.com/',
        auth: { provider: 'github', clientId: 'abc', clientSecret: { name: 'grafana-oauth', key: 'client-secret' } },
      },
      gateway: { ...GATEWAY, tls: { issuer: { name: 'le' }, dnsNames: ['otlp.example.com'] }, expose: { serviceType: 'LoadBalancer' } },
    });
    expect(stack.providedSecrets).toEqual([
      { name: 'grafana-oauth', by: 'user', keys: ['client-secret'] },
      { name: 'otlp-htpasswd', by: 'user', keys: ['htpasswd'] },
      { name: 'otlp-gateway-tls', by: 'cert-manager', keys: ['tls.crt', 'tls.key'] },
    ]);
  });
});
