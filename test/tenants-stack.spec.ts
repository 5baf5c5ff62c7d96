import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { TempoStack, TempoStackProps } from '../charts';
import { find } from './helpers';

const stack = (props: Partial<TempoStackProps>) => new TempoStack(new App(), 'e', { namespace: 'e', ...props });
const cluster: TempoStackProps['tempo'] = { mode: 'cluster', replicas: 3, preset: 'with-metrics', resources: { limits: { memory: '6Gi' } } };

describe('the stack wires Tempo\'s tenants into Grafana and Prometheus', () => {
  const s = stack({ minio: {}, tempo: { ...cluster, tenants: [{ id: 'shop' }, { id: 'payments', metricsGeneratorMaxActiveSeries: 5000 }] } });

  test('Grafana gets one Tempo datasource per tenant, pointed at the Tempo Service', () => {
    const file = yaml.load(find(s.grafanaChart!.toJson(), 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any;
    const tempo = file.datasources.filter((d: any) => d.type === 'tempo');
    expect(tempo.map((d: any) => [d.name, d.secureJsonData.httpHeaderValue1, d.url])).toEqual([
      ['Tempo (shop)', 'shop', s.tempoChart.tempo.httpUrl],
      ['Tempo (payments)', 'payments', s.tempoChart.tempo.httpUrl],
    ]);
  });

  test('Prometheus is sized for every tenant\'s generator series on every replica', () => {
    expect(s.tempoChart.tempo.generatorActiveSeriesPerInstance).toBe(15_000);
    expect(s.prometheusChart!.prometheus.settings.generatorActiveSeries).toBe(15_000 * 3);
  });

  test('without tenants the series budget is the stack\'s cap per replica, as before', () => {
    const plain = stack({ minio: {}, tempo: cluster });
    expect(plain.prometheusChart!.prometheus.settings.generatorActiveSeries).toBe(10_000 * 3);
  });

  test('the gateway may only map credentials to tenants Tempo admits', () => {
    const gateway = (tenant: string) => ({ auth: { type: 'basic' as const, secretName: 'otlp-htpasswd', tenants: { sender: tenant } } });
    const tempo = { tenants: [{ id: 'shop' }] };
    expect(() => stack({ tempo, gateway: gateway('shop') })).not.toThrow();
    expect(() => stack({ tempo, gateway: gateway('payments') })).toThrow(/names a tenant Tempo does not know \(known: shop\)/);
  });

  test('the gateway refuses requests larger than the smallest tenant burst', () => {
    const gateway = { auth: { type: 'basic' as const, secretName: 'otlp-htpasswd', tenants: { a: 'a', b: 'b' } } };
    const tenants = [{ id: 'a' }, { id: 'b', ingestionRateLimitBytes: 1_000_000, ingestionBurstSizeBytes: 8_000_000 }];
    const withTenants = stack({ tempo: { tenants }, gateway });
    expect(withTenants.gatewayChart!.gateway.settings.maxRequestBytes).toBe(8_000_000);
  });
});
