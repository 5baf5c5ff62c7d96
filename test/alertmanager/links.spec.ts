// The other side of the links: Prometheus's `alertmanagers` prop (pods to send to and scrape) and
// Grafana's `alertmanager` prop (the datasource), on their own.
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { GrafanaChart } from '../../charts/grafana';
import { alertmanagerDatasource } from '../../charts/grafana/datasources';
import { ALERTMANAGER_SERIES_PER_POD, Prometheus, PrometheusProps, resolvePrometheusSettings } from '../../charts/prometheus';
import { find } from '../helpers';

const tempo = { podSelector: { 'app.kubernetes.io/name': 'tempo' }, metricsPortName: 'http', replicas: 1 };
const pods = { podSelector: { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': 'alertmanager' }, portName: 'http',
  replicas: 2 };

describe('Prometheus with alertmanagers', () => {
  test('counts every Alertmanager pod\'s series in its capacity plan', () => {
    const without = resolvePrometheusSettings({ tempo }).capacity.activeSeries;
    expect(resolvePrometheusSettings({ tempo, alertmanagers: pods }).capacity.activeSeries).toBe(without + 2 * ALERTMANAGER_SERIES_PER_POD);
  });

  test('discovers the Alertmanagers of another namespace with a Role there', () => {
    const chart = new Chart(new App(), 'p', { namespace: 'monitoring', disableResourceNameHashes: true });
    const p = new Prometheus(chart, 'prometheus', { tempo: { ...tempo, namespace: 'tempo' }, alertmanagers: { ...pods, namespace: 'alerting' } });
    const objects = chart.toJson();
    const roles = objects.filter((o: any) => o.kind === 'Role').map((o: any) => o.metadata.namespace).sort();
    expect(roles).toEqual(['alerting', 'tempo']);
    expect(p.alertmanagerRoleBinding!.toJson().subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
    const config = yaml.load(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
    expect(config.alerting.alertmanagers[0].kubernetes_sd_configs[0].namespaces).toEqual({ names: ['alerting'] });
  });

  test.each<[string, Partial<PrometheusProps>, string]>([
    ['with alertmanagerUrl too', { alertmanagers: pods, alertmanagerUrl: 'http://am:9093' }, "prometheus: 'alertmanagerUrl' cannot be combined with alertmanagers"],
    ['without a selector', { alertmanagers: { ...pods, podSelector: {} } }, "prometheus: 'alertmanagers.podSelector' must name at least one label"],
    ['with a port number for a name', { alertmanagers: { ...pods, portName: '9093' as string } },
      "prometheus: 'alertmanagers.portName' must be a container port name"],
    ['without replicas', { alertmanagers: { ...pods, replicas: 0 } }, "prometheus: 'alertmanagers.replicas' must be a whole number >= 1"],
  ])('is refused %s', (_what, props, message) => {
    expect(() => resolvePrometheusSettings({ tempo, ...props })).toThrow(message);
  });
});

describe('Grafana with an alertmanager', () => {
  test('provisions an Alertmanager datasource of implementation prometheus, not the default', () => {
    expect(alertmanagerDatasource('http://alertmanager.tempo.svc.cluster.local:9093')).toMatchObject({
      type: 'alertmanager', uid: 'alertmanager', access: 'proxy', isDefault: false, jsonData: { implementation: 'prometheus',
        handleGrafanaManagedAlerts: false },
    });
  });

  const grafana = (alertmanager?: { url: string }) => new GrafanaChart(new App(), 'g', {
    namespace: 'tempo',
    grafana: { tempo: { url: 'http://tempo:3200', metricsGenerator: false }, prometheus: { url: 'http://prometheus:9090' }, ...(alertmanager ? { alertmanager } : {}) },
  });

  test('only when asked for', () => {
    const names = (chart: GrafanaChart) => (yaml.load(find(chart.toJson(), 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any)
      .datasources.map((d: any) => d.uid);
    expect(names(grafana())).toEqual(['tempo', 'prometheus']);
    expect(names(grafana({ url: 'http://alertmanager:9093' }))).toEqual(['tempo', 'prometheus', 'alertmanager']);
  });

  test('refuses a URL without a scheme', () => {
    expect(() => grafana({ url: 'alertmanager:9093' })).toThrow("grafana: 'alertmanager.url' must be an http(s) URL");
  });
});
