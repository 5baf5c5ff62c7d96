import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  Datasource, DatasourceList, GrafanaChart, GrafanaProps, PROMETHEUS_DATASOURCE_UID, PROMETHEUS_VERSION_FOR_GRAFANA,
  TEMPO_DATASOURCE_UID, TRACES_TO_METRICS_QUERIES, escapeProvisioningDollars, prometheusDatasource, resolveGrafanaSettings,
  tempoDatasource,
} from '../../charts/grafana';
import { EXEMPLAR_TRACE_ID_LABEL } from '../../charts/shared/telemetry';
import { TempoChart } from '../../charts/tempo';
import { find } from '../helpers';
import { checkPanelQuery } from './promql';

const TEMPO_URL = 'http://tempo.tempo.svc.cluster.local:3200';
const PROMETHEUS_URL = 'http://prometheus.tempo.svc.cluster.local:9090';
const props = (metricsGenerator: boolean): GrafanaProps => ({ tempo: { url: TEMPO_URL, metricsGenerator }, prometheus: { url: PROMETHEUS_URL } });

function provisioned(p: GrafanaProps, extra: Datasource[] = []): { datasources: any[]; text: string } {
  const chart = new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: p });
  for (const ds of extra) chart.grafana.addDatasource(ds);
  const text = find(chart.toJson(), 'ConfigMap', 'grafana-datasources').data['datasources.yaml'];
  const file = yaml.load(text) as any;
  expect(file.apiVersion).toBe(1);
  return { datasources: file.datasources, text };
}

/** Every datasource uid a datasource's jsonData points at. */
function linkedUids(ds: any): string[] {
  const j = ds.jsonData ?? {};
  return [j.serviceMap?.datasourceUid, j.tracesToMetrics?.datasourceUid, ...(j.exemplarTraceIdDestinations ?? []).map((d: any) => d.datasourceUid)]
    .filter((uid) => uid !== undefined);
}

describe.each([true, false])('provisioned datasources (metrics-generator %s)', (generator) => {
  const { datasources } = provisioned(props(generator));
  const byUid = (uid: string) => datasources.find((d) => d.uid === uid);

  test('Tempo and Prometheus exist under their stable uids, proxied, not editable', () => {
    expect(datasources.map((d) => [d.uid, d.type])).toEqual([[TEMPO_DATASOURCE_UID, 'tempo'], [PROMETHEUS_DATASOURCE_UID, 'prometheus']]);
    for (const d of datasources) expect(d).toMatchObject({ access: 'proxy', editable: false });
  });

  test('exactly one default, and it is Tempo', () => {
    expect(datasources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual([TEMPO_DATASOURCE_UID]);
  });

  test('the URLs are the ones passed in', () => {
    expect(byUid(TEMPO_DATASOURCE_UID).url).toBe(TEMPO_URL);
    expect(byUid(PROMETHEUS_DATASOURCE_UID).url).toBe(PROMETHEUS_URL);
  });

  test('every link points at a provisioned uid', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    for (const d of datasources) for (const uid of linkedUids(d)) expect(uids.has(uid)).toBe(true);
  });

  test('Prometheus exemplars open their trace (label traceID) in Tempo, and its alerts show in Grafana', () => {
    expect(byUid(PROMETHEUS_DATASOURCE_UID).jsonData).toEqual({
      httpMethod: 'POST', prometheusType: 'Prometheus', prometheusVersion: PROMETHEUS_VERSION_FOR_GRAFANA, manageAlerts: true, timeInterval: '30s',
      exemplarTraceIdDestinations: [{ name: EXEMPLAR_TRACE_ID_LABEL, datasourceUid: TEMPO_DATASOURCE_UID }],
    });
    expect(EXEMPLAR_TRACE_ID_LABEL).toBe('traceID');
  });

  test('Tempo: node graph and search on, search streaming on, metrics streaming off (Tempo 2.6)', () => {
    expect(byUid(TEMPO_DATASOURCE_UID).jsonData).toMatchObject({
      nodeGraph: { enabled: true }, search: { hide: false }, streamingEnabled: { search: true, metrics: false },
        traceQuery: { timeShiftEnabled: false },
    });
  });

  test('the service map and traces-to-metrics use Prometheus only where the generator writes span metrics', () => {
    const j = byUid(TEMPO_DATASOURCE_UID).jsonData;
    if (generator) {
      expect(j.serviceMap).toEqual({ datasourceUid: PROMETHEUS_DATASOURCE_UID });
      expect(j.tracesToMetrics.datasourceUid).toBe(PROMETHEUS_DATASOURCE_UID);
      expect(j.tracesToMetrics.tags).toEqual([{ key: 'service.name', value: 'service' }]);
    } else {
      expect(j).not.toHaveProperty('serviceMap');
      expect(j).not.toHaveProperty('tracesToMetrics');
    }
  });
});

describe('traces-to-metrics queries', () => {
  test('every query parses and uses only span-metrics series and their labels', () => {
    expect(TRACES_TO_METRICS_QUERIES.length).toBeGreaterThan(0);
    for (const q of TRACES_TO_METRICS_QUERIES) expect([q.name, checkPanelQuery(q.query)]).toEqual([q.name, []]);
  });

  test('the tag mapping names a label the span metrics carry', () => {
    // $__tags expands to the mapped label; checkPanelQuery expands it to service="..." and checks it.
    expect(checkPanelQuery('sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))')).toEqual([]);
  });

  test('$ is escaped as $$ in the provisioning file, so Grafana does not expand $__tags from its environment', () => {
    const { text, datasources } = provisioned(props(true));
    expect(text).not.toMatch(/[^$]\$__tags/);
    const written = datasources[0].jsonData.tracesToMetrics.queries;
    expect(written.map((q: any) => ({ name: q.name, query: q.query.replace(/\$\$/g, '$') }))).toEqual(TRACES_TO_METRICS_QUERIES);
    expect(escapeProvisioningDollars('a$b$$c')).toBe('a$$b$$$$c');
  });
});

describe('datasource URLs from the other charts', () => {
  test('the Tempo URL the Tempo construct exposes names its Service and http port', () => {
    const app = new App();
    const tempoChart = new TempoChart(app, 'tempo', { namespace: 'tempo' });
    const tempo = tempoChart.tempo;
    const { datasources } = provisioned({ tempo: { url: tempo.httpUrl, metricsGenerator: false }, prometheus: { url: PROMETHEUS_URL } });
    const url = new URL(datasources[0].url);
    const service = find(tempoChart.toJson(), 'Service', tempo.serviceName);
    expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
    expect(service.spec.ports.find((p: any) => p.name === 'http').port).toBe(Number(url.port));
  });
});

describe('addDatasource', () => {
  const loki: Datasource = { name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki.logs.svc.cluster.local:3100' };

  test('adds a datasource after the two of the stack', () => {
    const { datasources } = provisioned(props(false), [loki]);
    expect(datasources.map((d) => d.uid)).toEqual(['tempo', 'prometheus', 'loki']);
    expect(datasources[2]).toEqual(loki);
  });

  test('changes the config hash', () => {
    const hash = (extra: Datasource[]) => {
      const chart = new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: props(false) });
      for (const ds of extra) chart.grafana.addDatasource(ds);
      return find(chart.toJson(), 'Deployment', 'grafana').spec.template.metadata.annotations['checksum/config'];
    };
    expect(hash([loki])).not.toBe(hash([]));
  });

  const list = () => new DatasourceList([tempoDatasource(resolveGrafanaSettings(props(true))),
    prometheusDatasource(resolveGrafanaSettings(props(true)))]);

  test('a duplicate name is refused', () => {
    expect(() => list().add({ ...loki, name: 'Prometheus' })).toThrow(
      "grafana: 'datasources['Prometheus'].name' is already provisioned, got 'Prometheus'; give every datasource its own name");
  });

  test('a duplicate uid is refused', () => {
    expect(() => list().add({ ...loki, uid: 'prometheus' })).toThrow(
      "grafana: 'datasources['Loki'].uid' is already used by 'Prometheus', got 'prometheus'; give every datasource its own uid");
  });

  test('a second default is refused', () => {
    expect(() => list().add({ ...loki, isDefault: true })).toThrow(
      "grafana: 'datasources['Loki'].isDefault' conflicts with 'Tempo', already the default, got true; exactly one datasource is the default; leave "
        + "isDefault unset");
  });

  test('a list without a default cannot be written', () => {
    expect(() => new DatasourceList([loki]).toFile()).toThrow(
      "grafana: 'datasources' must have exactly one default, got []; set isDefault on exactly one datasource");
  });

  test('malformed datasources are refused', () => {
    expect(() => list().add({ ...loki, name: '' })).toThrow("grafana: 'datasource.name' must not be empty, got ''; name the datasource, e.g. 'Loki'");
    expect(() => list().add({ ...loki, uid: 'has space' })).toThrow(
      "grafana: 'datasources['Loki'].uid' must be 1 to 40 letters, digits, '-' or '_', got 'has space'; pick a stable uid such as 'loki'");
    expect(() => list().add({ ...loki,
      type: '' })).toThrow("grafana: 'datasources['Loki'].type' must name a datasource plugin, got ''; use e.g. 'loki' or 'prometheus'");
    expect(() => list().add({ ...loki, url: 'loki:3100' })).toThrow(
      "grafana: 'datasources['Loki'].url' must be an http(s) URL, got 'loki:3100'; use the Service URL, e.g. 'http://loki.logs.svc.cluster.local:3100'");
  });

  test('secureJsonData is refused: it would write a secret into dist/', () => {
    const withSecret = { ...loki, secureJsonData: { basicAuthPassword: 'hunter2' } } as Datasource;
    expect(() => list().add(withSecret)).toThrow(
      "grafana: 'datasources['Loki'].secureJsonData' must not be set (it would write a secret into dist/), got '<redacted>'; leave credentials out "
        + "of the provisioned datasource and add them from a Secret at deploy time");
  });
});
