import * as yaml from 'js-yaml';
import { App } from 'cdk8s';
import {
  DASHBOARD_FOLDER, GrafanaChart, GrafanaTempoLink, OPERATIONS_DASHBOARD_UID, SERVICES_DASHBOARD_UID, buildDashboards,
} from '../../charts/grafana';
import { RECORDING_RULES } from '../../charts/shared/telemetry';
import { allOf, find } from '../helpers';
import { knownMetrics } from './metric-fixture';
import { checkPanelQuery } from './promql';

const TEMPO_URL = 'http://tempo.tempo.svc.cluster.local:3200';
const tempoLink = (metricsGenerator: boolean, extra: Partial<GrafanaTempoLink> = {}): GrafanaTempoLink => ({ url: TEMPO_URL, metricsGenerator,
  ...extra });

/** Every panel of a dashboard model, rows' nested panels included (rows themselves left out). */
function panelsOf(model: any): any[] {
  return (model.panels ?? []).flatMap((p: any) => (p.type === 'row' ? p.panels ?? [] : [p]));
}

/** The dashboards as provisioned: parsed from their ConfigMaps. */
function provisionedDashboards(metricsGenerator: boolean): { models: any[]; datasourceUids: Set<string>; objects: any[] } {
  const chart = new GrafanaChart(new App(), 'grafana', {
    namespace: 'tempo',
    grafana: { tempo: tempoLink(metricsGenerator, { memoryLimitBytes: 2 * 2 ** 30, cpuLimitCores: 2 }), prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' } },
  });
  const objects = chart.toJson();
  const models = allOf(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('grafana-dashboard-tempo-'))
    .map((c) => JSON.parse(Object.values(c.data as Record<string, string>)[0]));
  return { models, datasourceUids: new Set(chart.grafana.datasources.map((d) => d.uid)), objects };
}

describe.each([true, false])('provisioned dashboards (metrics-generator %s)', (generator) => {
  const { models, datasourceUids } = provisionedDashboards(generator);

  test('Tempo / Operations always, Tempo / Services only with the metrics-generator', () => {
    expect(models.map((m) => m.uid).sort()).toEqual(generator ? [OPERATIONS_DASHBOARD_UID, SERVICES_DASHBOARD_UID] : [OPERATIONS_DASHBOARD_UID]);
    expect(models.map((m) => m.title).sort()).toEqual(generator ? ['Tempo / Operations', 'Tempo / Services'] : ['Tempo / Operations']);
  });

  test('every panel query parses with PromQL\'s grammar and uses only known metrics and labels of this stack', () => {
    for (const model of models) {
      for (const panel of panelsOf(model)) {
        for (const target of panel.targets ?? []) {
          if (target.datasource?.type !== 'prometheus') continue;
          expect([model.uid, panel.title, target.expr, checkPanelQuery(target.expr)]).toEqual([model.uid, panel.title, target.expr, []]);
        }
      }
    }
  });

  test('every variable query selects a known metric and a label it carries', () => {
    const metrics = knownMetrics();
    for (const model of models) {
      for (const variable of model.templating.list) {
        const match = /^label_values\((.+), (\w+)\)$/.exec(variable.query);
        expect(match).not.toBeNull();
        const [, selector, label] = match!;
        expect([variable.name, checkPanelQuery(selector)]).toEqual([variable.name, []]);
        const metric = selector.replace(/\{.*$/, '');
        expect(metrics.get(metric)?.labels.has(label)).toBe(true);
      }
    }
  });

  test('every panel, query and variable references a provisioned datasource uid', () => {
    for (const model of models) {
      const refs = [
        ...panelsOf(model).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t: any) => t.datasource)]),
        ...model.templating.list.map((v: any) => v.datasource),
      ];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(datasourceUids.has(ref?.uid)).toBe(true);
    }
  });

  test('every panel has a title and a description that asks the question it answers', () => {
    for (const model of models) {
      for (const panel of panelsOf(model)) {
        expect(panel.title).toMatch(/\S/);
        expect([panel.title, panel.description]).toEqual([panel.title, expect.stringMatching(/\?/)]);
      }
    }
  });

  test('panel ids are unique within a dashboard, and every query has its own refId', () => {
    for (const model of models) {
      const ids = model.panels.flatMap((p: any) => [p.id, ...(p.panels ?? []).map((c: any) => c.id)]);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panelsOf(model)) {
        const refIds = (panel.targets ?? []).map((t: any) => t.refId);
        expect(refIds.every((r: unknown) => typeof r === 'string')).toBe(true);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    }
  });
});

describe('Tempo / Operations', () => {
  const operations = (link: GrafanaTempoLink): any => buildDashboards(link).find((d) => d.uid === OPERATIONS_DASHBOARD_UID)!.model;
  const panel = (model: any, title: string) => {
    const found = panelsOf(model).filter((p) => p.title === title);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('selects Tempo pods by namespace, component and pod variables, component and pod multi-valued with All', () => {
    const model = operations(tempoLink(false));
    expect(model.templating.list.map((v: any) => v.name)).toEqual(['namespace', 'component', 'pod']);
    expect(model.templating.list[1]).toMatchObject({ multi: true, includeAll: true });
    expect(model.templating.list[2]).toMatchObject({ multi: true, includeAll: true });
    for (const p of panelsOf(model)) {
      for (const t of p.targets) {
        const usesRule = Object.values(RECORDING_RULES).some((rule) => t.expr.includes(rule));
        expect(t.expr).toContain(usesRule ? 'namespace="$namespace"' : 'job="tempo", namespace="$namespace", component=~"$component", pod=~"$pod"');
      }
    }
  });

  test('query latency comes from the recording rules', () => {
    const model = operations(tempoLink(false));
    expect(panel(model, 'Query latency p99 by route').targets[0].expr).toBe(`${RECORDING_RULES.requestLatencyP99}{namespace="$namespace"}`);
    expect(panel(model, 'Query latency p50 by route').targets[0].expr).toBe(`${RECORDING_RULES.requestLatencyP50}{namespace="$namespace"}`);
  });

  test('memory and CPU are drawn against the limits passed in', () => {
    const model = operations(tempoLink(false, { memoryLimitBytes: 2147483648, cpuLimitCores: 1.5 }));
    const steps = (title: string) => panel(model,
      title).fieldConfig.defaults.thresholds.steps.filter((s: any) => s.value !== null).map((s: any) => s.value);
    expect(steps('Memory per pod')).toEqual([2147483648]);
    expect(steps('CPU per pod')).toEqual([1.5]);
    expect(panel(model, 'Memory per pod').targets[0].expr).toContain('process_resident_memory_bytes');
    expect(panel(model, 'CPU per pod').targets[0].expr).toContain('rate(process_cpu_seconds_total');
    expect(panel(model, 'Memory per pod').fieldConfig.defaults.custom.thresholdsStyle).toEqual({ mode: 'dashed' });
  });

  test('without limits, no threshold line is drawn', () => {
    const model = operations(tempoLink(false));
    expect(panel(model, 'Memory per pod').fieldConfig.defaults.thresholds.steps.filter((s: any) => s.value !== null)).toEqual([]);
  });

  test('the metrics-generator row appears only with the generator', () => {
    const rows = (model: any) => model.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows(operations(tempoLink(true)))).toContain('Metrics-generator');
    expect(rows(operations(tempoLink(false)))).not.toContain('Metrics-generator');
    expect(rows(operations(tempoLink(false)))).toEqual(['Overview', 'Ingestion', 'Flushes', 'Queries', 'Compaction and blocklist', 'Resources',
      'Ring']);
  });

  test('stat panels show the last value of their instant query', () => {
    const stats = panelsOf(operations(tempoLink(false))).filter((p) => p.type === 'stat');
    expect(stats.length).toBeGreaterThan(0);
    for (const p of stats) {
      expect(p.options.reduceOptions).toEqual({ calcs: ['lastNotNull'], values: false });
      expect(p.targets.every((t: any) => t.instant === true)).toBe(true);
    }
  });

  test('per component: rings, distributor refusals, ingester live traces against the limit, the query-frontend queue and failing queries', () => {
    const m = operations(tempoLink(false));
    const exprs = (title: string): string[] => panel(m, title).targets.map((t: any) => t.expr);
    expect(exprs('Active members per ring')[0]).toMatch(/^max by \(name\) \(tempo_ring_members\{.*state="ACTIVE"\}\)$/);
    expect(exprs('Share of spans refused per distributor')[0]).toContain('tempo_receiver_refused_spans');
    expect(exprs('Share of spans refused per distributor')[0]).toContain('tempo_receiver_accepted_spans');
    expect(exprs('Live traces per pod against the limit')[1]).toContain('limit_name="max_local_traces_per_user"');
    expect(exprs('Query-frontend queue per tenant')[0]).toContain('by (pod, user) (tempo_query_frontend_queue_length');
    expect(exprs('Share of queries failing')[0]).toContain('status_code=~"5.."');
    expect(exprs('Share of queries failing')[0]).not.toContain('querier_api');
    for (const title of ['Pushes to ingesters failing', 'Flush duration p99', 'Querier workers connected', 'Retention deletions and errors']) {
      expect(exprs(title).length).toBeGreaterThan(0);
    }
  });

  test('ring members are shown by ring name and state', () => {
    expect(panel(operations(tempoLink(false)), 'Ring members by state').targets[0].expr).toBe('max by (name, state) (tempo_ring_members{job="tempo", '
      + 'namespace="$namespace", component=~"$component", pod=~"$pod"})');
  });
});

describe('Tempo / Services', () => {
  const services = (): any => buildDashboards(tempoLink(true)).find((d) => d.uid === SERVICES_DASHBOARD_UID)!.model;

  test('RED queries count server spans, and errors by the error status', () => {
    const exprs = panelsOf(services()).flatMap((p) => (p.targets ?? []).map((t: any) => t.expr)).filter(Boolean);
    const spanMetrics = exprs.filter((e: string) => e.includes('traces_spanmetrics_'));
    expect(spanMetrics.length).toBeGreaterThanOrEqual(4);
    for (const e of spanMetrics) expect(e).toContain('span_kind="SPAN_KIND_SERVER"');
    expect(exprs.some((e: string) => e.includes('status_code="STATUS_CODE_ERROR"'))).toBe(true);
  });

  test('the service graph is a node graph on the Tempo datasource\'s service map', () => {
    const graph = panelsOf(services()).filter((p) => p.type === 'nodeGraph');
    expect(graph).toHaveLength(1);
    expect(graph[0].datasource).toEqual({ type: 'tempo', uid: 'tempo' });
    expect(graph[0].targets).toEqual([expect.objectContaining({ queryType: 'serviceMap', datasource: { type: 'tempo', uid: 'tempo' } })]);
  });
});

describe('dashboard provisioning', () => {
  const { objects } = provisionedDashboards(true);
  const container = find(objects, 'Deployment', 'grafana').spec.template.spec.containers[0];

  test('one provider reads the dashboard files into the Tempo folder, without UI edits', () => {
    const providers: any = yaml.load(find(objects, 'ConfigMap', 'grafana-dashboard-providers').data['dashboards.yaml']);
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toHaveLength(1);
    expect(providers.providers[0]).toMatchObject({ type: 'file', folder: DASHBOARD_FOLDER, allowUiUpdates: false, disableDeletion: true });
    const path = providers.providers[0].options.path;
    const dashboardMounts = container.volumeMounts.filter((m: any) => m.name.startsWith('dashboard-tempo-'));
    expect(dashboardMounts).toHaveLength(2);
    for (const m of dashboardMounts) {
      expect(m.mountPath).toBe(`${path}/${m.subPath}`);
      expect(m.readOnly).toBe(true);
    }
  });

  test('each dashboard ConfigMap is mounted, and holds the file its mount names', () => {
    const volumes = find(objects, 'Deployment', 'grafana').spec.template.spec.volumes;
    const dashboardConfigMaps = allOf(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('grafana-dashboard-tempo-'));
    // The operations and services dashboards, each its own ConfigMap (the loop below checks them all).
    expect(dashboardConfigMaps).toHaveLength(2);
    for (const cm of dashboardConfigMaps) {
      const volume = volumes.find((v: any) => v.configMap?.name === cm.metadata.name);
      expect(volume).toBeDefined();
      const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
      expect(Object.keys(cm.data)).toEqual([mount.subPath]);
    }
  });
});
