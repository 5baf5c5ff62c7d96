import { CONFIG_HASH_ANNOTATION } from '../../charts/shared/restricted-workload';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { App } from 'cdk8s';
import { ConfigError } from '../../charts/shared/validate';
import { Datasource, GRAFANA_PATHS, GrafanaChart, OPERATIONS_DASHBOARD_UID } from '../../charts/grafana';
import { validateK8sObjects } from '../support/k8s-schema';
import { allOf, find, K8sObject } from '../helpers';

const loki: Datasource = { name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki.logs.svc.cluster.local:3100' };

function chart(): GrafanaChart {
  return new GrafanaChart(new App(), 'grafana', {
    namespace: 'tempo',
    grafana: { tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: false }, prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' } },
  });
}

/** A panel on the Prometheus datasource (or `uid`) with one query. */
function panel(title: string, uid = 'prometheus', queryUid = uid): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder().title(title).datasource({ type: 'prometheus', uid })
    .withTarget(new prometheus.DataqueryBuilder().refId('A').datasource({ type: 'prometheus',
    uid: queryUid }).expr('sum(rate(http_requests_total[5m]))'));
}

function appDashboard(uid = 'checkout', title = 'Checkout'): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title).uid(uid).withPanel(panel('Requests'));
}

const deployment = (objects: K8sObject[]) => find(objects, 'Deployment', 'grafana');
const hash = (objects: K8sObject[]) => deployment(objects).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

describe('addDashboard', () => {
  test('provisions the built dashboard in its own ConfigMap, mounted as one file in the dashboards folder', () => {
    const c = chart();
    const added = c.grafana.addDashboard(appDashboard().build());
    const objects = c.toJson();
    expect(validateK8sObjects(objects)).toEqual([]);
    expect(added).toMatchObject({ uid: 'checkout', slug: 'checkout', title: 'Checkout' });

    const cm = find(objects, 'ConfigMap', 'grafana-dashboard-checkout');
    expect(Object.keys(cm.data)).toEqual(['checkout.json']);
    const model = JSON.parse(cm.data['checkout.json']);
    expect(model.uid).toBe('checkout');
    expect(model.title).toBe('Checkout');
    expect(model.panels.map((p: any) => [p.id, p.title, p.datasource.uid, p.targets[0].expr]))
      .toEqual([[1, 'Requests', 'prometheus', 'sum(rate(http_requests_total[5m]))']]);

    const spec = deployment(objects).spec.template.spec;
    const volume = spec.volumes.find((v: any) => v.configMap?.name === 'grafana-dashboard-checkout');
    expect(volume).toBeDefined();
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: volume.name, mountPath: `${GRAFANA_PATHS.dashboards}/checkout.json`, subPath: 'checkout.json', readOnly: true,
    });
    // Ours are still there, and listed first.
    expect(c.grafana.dashboards.map((d) => d.uid)).toEqual([OPERATIONS_DASHBOARD_UID, 'checkout']);
    expect(c.grafana.dashboardConfigMaps.map((m) => m.name)).toEqual(['grafana-dashboard-tempo-operations', 'grafana-dashboard-checkout']);
  });

  test('every volume a container mounts exists, once', () => {
    const c = chart();
    c.grafana.addDashboard(appDashboard().build());
    c.grafana.addDashboard(appDashboard('payments_v2', 'Payments').build());
    const spec = deployment(c.toJson()).spec.template.spec;
    const names = spec.volumes.map((v: any) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of spec.containers[0].volumeMounts) expect(names).toContain(m.name);
    expect(allOf(c.toJson(), 'ConfigMap').map((m) => m.metadata.name)).toContain('grafana-dashboard-payments-v2');
  });

  test('is counted in the config hash, and a change to the dashboard changes it', () => {
    const withDashboard = (title: string) => {
      const c = chart();
      c.grafana.addDashboard(new dashboard.DashboardBuilder('Checkout').uid('checkout').withPanel(panel(title)).build());
      return hash(c.toJson());
    };
    expect(withDashboard('Requests')).not.toBe(hash(chart().toJson()));
    expect(withDashboard('Requests')).not.toBe(withDashboard('Errors'));
    expect(withDashboard('Requests')).toBe(withDashboard('Requests'));
  });

  test('accepts a datasource added with addDatasource, in panels, queries and variables', () => {
    const c = chart();
    c.grafana.addDatasource(loki);
    const model = new dashboard.DashboardBuilder('Logs').uid('logs')
      .withVariable(new dashboard.QueryVariableBuilder('app').datasource({ type: 'loki', uid: 'loki' }).query('label_values(app)'))
      .withPanel(panel('Log rate', 'loki'))
      .build();
    expect(() => c.grafana.addDashboard(model)).not.toThrow();
  });

  test('numbers panels and the panels of rows when the SDK left their ids unset', () => {
    const c = chart();
    c.grafana.addDashboard(new dashboard.DashboardBuilder('Rows').uid('rows')
      .withRow(new dashboard.RowBuilder('Traffic')).withPanel(panel('A')).withPanel(panel('B')).build());
    const model = JSON.parse(find(c.toJson(), 'ConfigMap', 'grafana-dashboard-rows').data['rows.json']);
    const ids = model.panels.flatMap((p: any) => [p.id, ...(p.panels ?? []).map((q: any) => q.id)]);
    expect(ids).toEqual([1, 2, 3]);
  });

  test('a uid already provisioned is refused, ours included', () => {
    const c = chart();
    c.grafana.addDashboard(appDashboard().build());
    expect(() => c.grafana.addDashboard(appDashboard('checkout', 'Checkout 2').build())).toThrow(new ConfigError(
      "grafana: 'dashboards['Checkout 2'].uid' is already used by dashboard 'Checkout', got 'checkout'; give every dashboard its own uid"));
    expect(() => c.grafana.addDashboard(appDashboard(OPERATIONS_DASHBOARD_UID, 'Mine').build())).toThrow(
      "grafana: 'dashboards['Mine'].uid' is already used by dashboard 'Tempo / Operations', got 'tempo-operations'; "
        + 'give every dashboard its own uid');
  });

  test('a title already provisioned is refused', () => {
    const c = chart();
    expect(() => c.grafana.addDashboard(appDashboard('ops', 'Tempo / Operations').build())).toThrow(
      "grafana: 'dashboards['Tempo / Operations'].title' is already used by dashboard uid 'tempo-operations' in the same folder, "
      + "got 'Tempo / Operations'; give every dashboard its own title");
  });

  test('a uid that differs from another only in case or separators is refused (same ConfigMap)', () => {
    const c = chart();
    c.grafana.addDashboard(appDashboard('my-app', 'One').build());
    expect(() => c.grafana.addDashboard(appDashboard('My_App', 'Two').build())).toThrow(
      "grafana: 'dashboards['Two'].uid' maps to the ConfigMap suffix 'my-app', already used by dashboard uid 'my-app', got 'My_App'; "
      + "pick a uid that differs in more than case, '-' and '_'");
  });

  test('a dashboard without a uid, or with a malformed one, is refused', () => {
    const c = chart();
    expect(() => c.grafana.addDashboard(new dashboard.DashboardBuilder('No uid').withPanel(panel('A')).build())).toThrow(
      "grafana: 'dashboards['No uid'].uid' must be 1 to 40 letters, digits, '-' or '_', got undefined; "
      + "set a stable uid with .uid('my-app') so links and bookmarks survive re-provisioning");
    expect(() => c.grafana.addDashboard(appDashboard('has space').build())).toThrow(
      "grafana: 'dashboards['Checkout'].uid' must be 1 to 40 letters, digits, '-' or '_', got 'has space'; "
      + "set a stable uid with .uid('my-app') so links and bookmarks survive re-provisioning");
  });

  test('a dashboard without a title is refused', () => {
    expect(() => chart().grafana.addDashboard({ ...appDashboard().build(), title: '' })).toThrow(
      "grafana: 'addDashboard.title' must not be empty, got ''; build the dashboard with new DashboardBuilder('My title') and pass builder.build()");
  });

  test('a panel on a datasource that is not provisioned is refused, naming the panel', () => {
    const c = chart();
    expect(() => c.grafana.addDashboard(new dashboard.DashboardBuilder('Logs').uid('logs').withPanel(panel('Log rate', 'loki')).build())).toThrow(
      "grafana: 'dashboards['Logs'].panels['Log rate'].datasource.uid' is not a provisioned datasource, got 'loki'; "
      + "use one of 'tempo', 'prometheus', or call addDatasource() first");
  });

  test('a query on a datasource that is not provisioned is refused, naming the panel and the query', () => {
    expect(() => chart().grafana.addDashboard(
      new dashboard.DashboardBuilder('Mixed').uid('mixed').withPanel(panel('Requests', 'prometheus', 'thanos')).build())).toThrow(
      "grafana: 'dashboards['Mixed'].panels['Requests'].targets['A'].datasource.uid' is not a provisioned datasource, got 'thanos'; "
      + "use one of 'tempo', 'prometheus', or call addDatasource() first");
  });

  test('a panel inside a row and a variable are checked too', () => {
    expect(() => chart().grafana.addDashboard(new dashboard.DashboardBuilder('Rows').uid('rows')
      .withRow(new dashboard.RowBuilder('Traffic').withPanel(panel('Inner', 'elastic'))).build())).toThrow(
      "grafana: 'dashboards['Rows'].panels['Inner'].datasource.uid' is not a provisioned datasource, got 'elastic'; "
      + "use one of 'tempo', 'prometheus', or call addDatasource() first");
    expect(() => chart().grafana.addDashboard(new dashboard.DashboardBuilder('Vars').uid('vars')
      .withVariable(new dashboard.QueryVariableBuilder('app').datasource({ type: 'loki', uid: 'loki' }).query('label_values(app)')).build())).toThrow(
      "grafana: 'dashboards['Vars'].templating['app'].datasource.uid' is not a provisioned datasource, got 'loki'; "
      + "use one of 'tempo', 'prometheus', or call addDatasource() first");
  });

  test('a refused dashboard leaves nothing behind', () => {
    const c = chart();
    const before = c.toJson();
    expect(() => c.grafana.addDashboard(new dashboard.DashboardBuilder('Logs').uid('logs').withPanel(panel('Log rate',
      'loki')).build())).toThrow(ConfigError);
    expect(c.toJson()).toEqual(before);
  });
});
