import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  CROSS_TENANT_DATASOURCE_UID, DatasourceList, GrafanaChart, GrafanaProps, PROMETHEUS_DATASOURCE_UID, TEMPO_DATASOURCE_UID,
  resolveGrafanaSettings, servicesDashboard, tempoDatasources, tenantDatasourceUid,
} from '../../charts/grafana';
import { find } from '../helpers';
import { checkPanelQuery } from './promql';

const props = (tenants?: string[], crossTenantDatasource?: boolean): GrafanaProps => ({
  tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: true, ...(tenants ? { tenants } : {}) },
  prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' },
  ...(crossTenantDatasource === undefined ? {} : { crossTenantDatasource }),
});
const datasources = (p: GrafanaProps) => tempoDatasources(resolveGrafanaSettings(p));

describe('Grafana with Tempo tenants', () => {
  test('one Tempo datasource per tenant, each sending its id in X-Scope-OrgID from secureJsonData', () => {
    const list = datasources(props(['team-a', 'team-b']));
    expect(list.map((d) => [d.name, d.uid, d.isDefault])).toEqual([
      ['Tempo (team-a)', TEMPO_DATASOURCE_UID, true],
      ['Tempo (team-b)', 'tempo-team-b', false],
    ]);
    for (const [ds, tenant] of [[list[0], 'team-a'], [list[1], 'team-b']] as const) {
      expect(ds.jsonData?.httpHeaderName1).toBe('X-Scope-OrgID');
      expect(ds.secureJsonData).toEqual({ httpHeaderValue1: tenant });
    }
  });

  test('each tenant\'s datasource is linked to Prometheus and its traces-to-metrics queries read only its own series', () => {
    for (const ds of datasources(props(['team-a', 'team-b']))) {
      const j = ds.jsonData as any;
      expect(j.serviceMap.datasourceUid).toBe(PROMETHEUS_DATASOURCE_UID);
      expect(j.tracesToMetrics.datasourceUid).toBe(PROMETHEUS_DATASOURCE_UID);
      const tenant = ds.secureJsonData!.httpHeaderValue1;
      for (const q of j.tracesToMetrics.queries) {
        expect(q.query).toContain(`tenant="${tenant}"`);
        const unescaped = q.query.replace(/\$\$/g, '$');
        expect([q.name, checkPanelQuery(unescaped, ['tenant'])]).toEqual([q.name, []]);
      }
    }
  });

  test('without tenants there is one Tempo datasource and no header', () => {
    const list = datasources(props());
    expect(list).toHaveLength(1);
    expect(list[0].secureJsonData).toBeUndefined();
    expect(list[0].jsonData?.httpHeaderName1).toBeUndefined();
  });

  test('a cross-tenant datasource names every tenant joined by |, and exemplars open traces through it', () => {
    const p = props(['a', 'b', 'c'], true);
    const list = datasources(p);
    const cross = list.find((d) => d.uid === CROSS_TENANT_DATASOURCE_UID)!;
    expect(cross.secureJsonData).toEqual({ httpHeaderValue1: 'a|b|c' });
    expect(cross.isDefault).toBe(false);
    const chart = new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: p });
    const file = yaml.load(find(chart.toJson(), 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any;
    const prometheus = file.datasources.find((d: any) => d.uid === PROMETHEUS_DATASOURCE_UID);
    expect(prometheus.jsonData.exemplarTraceIdDestinations[0].datasourceUid).toBe(CROSS_TENANT_DATASOURCE_UID);
  });

  test('a cross-tenant datasource needs two tenants', () => {
    expect(() => resolveGrafanaSettings(props(['a'], true)))
      .toThrow(/^grafana: 'crossTenantDatasource' needs at least two Tempo tenants, got \["a"\]/);
  });

  test('tenant ids that are not Tempo tenant ids are refused', () => {
    expect(() => resolveGrafanaSettings(props(['a', 'b c']))).toThrow(/^grafana: 'tempo\.tenants\[1\]' must be a Tempo tenant id/);
    expect(() => resolveGrafanaSettings(props(['a', 'a']))).toThrow("grafana: 'tempo.tenants[1]' is listed twice, got 'a'; list each tenant once");
  });

  test('datasource uids stay unique and valid for ids Grafana cannot use in a uid', () => {
    const taken = new Set(['tempo-a_b']);
    const uid = tenantDatasourceUid('a.b', taken);
    expect(uid).not.toBe('tempo-a_b');
    expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(tenantDatasourceUid('x'.repeat(150), new Set())).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    // The provisioned list accepts them all (it refuses duplicate uids).
    expect(() => new DatasourceList(datasources(props(['a_b', 'a.b', 'a(b)', 'x'.repeat(150), 'y'.repeat(150)])))).not.toThrow();
  });

  test('secureJsonData other than the tenant header is still refused', () => {
    const [ds] = datasources(props(['a']));
    expect(() => new DatasourceList([{ ...ds, secureJsonData: { basicAuthPassword: 'x' } }]))
      .toThrow(/'datasources\['Tempo \(a\)'\]\.secureJsonData' must not be set/);
    expect(() => new DatasourceList([{ ...ds, jsonData: { ...ds.jsonData, httpHeaderName1: 'Authorization' } }]))
      .toThrow(/secureJsonData' must not be set/);
  });

  test('the RED dashboard gets a tenant variable and every span-metrics query selects on it', () => {
    const model = servicesDashboard(true).model as any;
    const names = model.templating.list.map((v: any) => v.name);
    expect(names).toEqual(['tenant', 'service']);
    expect(model.templating.list[0].query).toBe('label_values(traces_spanmetrics_calls_total, tenant)');
    const exprs = model.panels.flatMap((p: any) => (p.targets ?? []).filter((t: any) => t.datasource?.type === 'prometheus').map((t: any) => t.expr));
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) {
      expect(expr).toContain('tenant=~"$tenant"');
      expect([expr, checkPanelQuery(expr, ['tenant'])]).toEqual([expr, []]);
    }
    // Without tenants the dashboard is unchanged: no tenant variable, no tenant matcher.
    const plain = servicesDashboard(false).model as any;
    expect(plain.templating.list.map((v: any) => v.name)).toEqual(['service']);
    expect(JSON.stringify(plain)).not.toContain('$tenant');
  });
});
