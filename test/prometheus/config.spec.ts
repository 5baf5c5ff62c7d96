import * as yaml from 'js-yaml';
import {
  PrometheusProps, RULE_FILES_GLOB, buildPrometheusConfig, escapeRegex, prometheusUrls, resolvePrometheusSettings, sanitizeLabelName,
} from '../../charts/prometheus';
import { toYaml } from '../../charts/shared/render';
import { SCRAPE_JOBS, TARGET_LABELS } from '../../charts/shared/telemetry';
import { unknownPrometheusKeys } from './config-keys';
import { relabel } from './relabel';

const tempo = { podSelector: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' }, metricsPortName: 'http', replicas: 3 };
const settings = (props: Partial<PrometheusProps> = {}) => resolvePrometheusSettings({ namespace: 'tracing', tempo, ...props });
const job = (config: ReturnType<typeof buildPrometheusConfig>, name: string) => config.scrape_configs.find((j) => j.job_name === name)!;

describe('prometheus.yml builder', () => {
  test('is a pure function: the same settings give the same object and YAML', () => {
    const s = settings();
    expect(buildPrometheusConfig(s)).toEqual(buildPrometheusConfig(s));
    expect(toYaml(buildPrometheusConfig(s))).toBe(toYaml(buildPrometheusConfig(settings())));
  });

  test('global settings are the seed\'s: scrape and evaluation every 15s, cluster and environment external labels', () => {
    const config = buildPrometheusConfig(settings({ cluster: 'eu-1', environment: 'staging' }));
    expect(config.global).toEqual({
      scrape_interval: '15s', scrape_timeout: '10s', evaluation_interval: '15s',
      external_labels: { cluster: 'eu-1', environment: 'staging' },
    });
    expect(buildPrometheusConfig(settings()).global.external_labels).toEqual({ cluster: 'tempo-cluster', environment: 'production' });
  });

  test('rule_files points at every *.rules.yaml in the mounted rules directory', () => {
    expect(buildPrometheusConfig(settings()).rule_files).toEqual(['/etc/prometheus/rules/*.rules.yaml']);
    expect(RULE_FILES_GLOB).toBe('/etc/prometheus/rules/*.rules.yaml');
  });

  test('the Tempo job discovers pods in Tempo\'s namespace only and scrapes /metrics every 30s', () => {
    const tempoJob = job(buildPrometheusConfig(settings()), SCRAPE_JOBS.tempo);
    expect(tempoJob).toMatchObject({ job_name: 'tempo', scrape_interval: '30s', metrics_path: '/metrics', scheme: 'http' });
    expect(tempoJob.kubernetes_sd_configs).toEqual([{
      role: 'pod',
      namespaces: { names: ['tracing'] },
      selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=tempo,app.kubernetes.io/instance=tempo' }],
    }]);
    const other = job(buildPrometheusConfig(settings({ tempo: { ...tempo, namespace: 'tempo-prod' } })), 'tempo');
    expect(other.kubernetes_sd_configs![0].namespaces).toEqual({ names: ['tempo-prod'] });
  });

  test('the Tempo job keeps a pod only when every selector label matches, and only its metrics port', () => {
    const rules = job(buildPrometheusConfig(settings()), 'tempo').relabel_configs!;
    const target = (labels: Record<string, string>, port: string) => ({
      job: 'tempo', __address__: '10.1.2.3:3200', __meta_kubernetes_namespace: 'tracing', __meta_kubernetes_pod_name: 'tempo-1',
      __meta_kubernetes_pod_container_name: 'tempo', __meta_kubernetes_pod_container_port_name: port,
      ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`, v])),
    });
    expect(relabel(target(tempo.podSelector, 'http'), rules)).toEqual({ job: 'tempo', namespace: 'tracing', pod: 'tempo-1', container: 'tempo',
      instance: 'tempo-1' });
    expect(relabel(target(tempo.podSelector, 'grpc'), rules)).toBeUndefined();
    expect(relabel(target({ ...tempo.podSelector, 'app.kubernetes.io/instance': 'tempo-canary' }, 'http'), rules)).toBeUndefined();
    expect(relabel(target({ 'app.kubernetes.io/name': 'tempo' }, 'http'), rules)).toBeUndefined();
    // '.' in a label value is a literal, not "any character".
    const dotted = settings({ tempo: { ...tempo, podSelector: { app: 'tempo.v2' } } });
    const dottedRules = job(buildPrometheusConfig(dotted), 'tempo').relabel_configs!;
    expect(relabel(target({ app: 'tempo.v2' }, 'http'), dottedRules)).toBeDefined();
    expect(relabel(target({ app: 'tempoxv2' }, 'http'), dottedRules)).toBeUndefined();
  });

  test('Tempo targets carry exactly the contract\'s labels (and instance = pod), nothing from discovery', () => {
    const rules = job(buildPrometheusConfig(settings()), 'tempo').relabel_configs!;
    const result = relabel({
      job: 'tempo', __address__: '10.1.2.3:3200', __meta_kubernetes_namespace: 'tracing', __meta_kubernetes_pod_name: 'tempo-0',
      __meta_kubernetes_pod_container_name: 'tempo', __meta_kubernetes_pod_container_port_name: 'http',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'tempo', __meta_kubernetes_pod_label_app_kubernetes_io_instance: 'tempo',
      __meta_kubernetes_pod_label_app_kubernetes_io_component: 'ingester', __meta_kubernetes_pod_node_name: 'node-a',
    }, rules)!;
    expect(Object.keys(result).sort()).toEqual([...Object.values(TARGET_LABELS), 'instance'].sort());
    expect(result.component).toBe('ingester');
  });

  test('the self-scrape job names the Prometheus pod with static labels (no environment expansion in prometheus.yml)', () => {
    const self = job(buildPrometheusConfig(settings({ name: 'prom' })), SCRAPE_JOBS.prometheus);
    expect(self.static_configs).toEqual([{
      targets: ['localhost:9090'],
      labels: { namespace: 'tracing', pod: 'prom-0', container: 'prometheus', instance: 'prom-0' },
    }]);
  });

  test('no alerting section without an Alertmanager; with one, its URL becomes scheme, target and path prefix', () => {
    expect(buildPrometheusConfig(settings()).alerting).toBeUndefined();
    expect(buildPrometheusConfig(settings({ alertmanagerUrl: 'http://alertmanager.monitoring.svc:9093' })).alerting).toEqual({
      alertmanagers: [{ scheme: 'http', api_version: 'v2', static_configs: [{ targets: ['alertmanager.monitoring.svc:9093'] }] }],
    });
    expect(buildPrometheusConfig(settings({ alertmanagerUrl: 'https://am.example.com/team-a/' })).alerting).toEqual({
      alertmanagers: [{ scheme: 'https', path_prefix: '/team-a', api_version: 'v2', static_configs: [{ targets: ['am.example.com:443'] }] }],
    });
  });

  test('remote write reads basic-auth passwords and bearer tokens from mounted files, never inline', () => {
    expect(buildPrometheusConfig(settings()).remote_write).toBeUndefined();
    const basic = buildPrometheusConfig(settings({
      remoteWrite: { url: 'https://mimir.example.com/api/v1/push', basicAuth: { username: 'tenant-1', password: { name: 'mimir', key: 'password' } } },
    }));
    expect(basic.remote_write).toEqual([{
      url: 'https://mimir.example.com/api/v1/push', name: 'long-term',
      basic_auth: { username: 'tenant-1', password_file: '/etc/prometheus/secrets/remote-write/password' },
    }]);
    const bearer = buildPrometheusConfig(settings({ remoteWrite: { url: 'https://thanos/api/v1/receive', name: 'thanos', bearerToken: { name: 't', key: 'token' } } }));
    expect(bearer.remote_write).toEqual([{
      url: 'https://thanos/api/v1/receive', name: 'thanos',
      authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/remote-write/token' },
    }]);
  });

  test('added jobs come after the built-in ones', () => {
    const config = buildPrometheusConfig(settings(), [{ job_name: 'my-app', static_configs: [{ targets: ['my-app:8080'] }] }]);
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(['tempo', 'prometheus', 'my-app']);
  });

  test.each([
    ['defaults', {}],
    ['everything set', {
      alertmanagerUrl: 'https://am:9093/x', metricsGenerator: true, generatorActiveSeries: 1000,
      remoteWrite: { url: 'https://m/api/v1/push', basicAuth: { username: 'u', password: { name: 's', key: 'k' } } },
    }],
    ['bearer token', { remoteWrite: { url: 'https://m/api/v1/push', bearerToken: { name: 's', key: 'k' } } }],
  ] as Array<[string, Partial<PrometheusProps>]>)('every key is one Prometheus 2.53 and 3.5 know (%s)', (_label, props) => {
    const config = yaml.load(toYaml(buildPrometheusConfig(settings(props))));
    expect(unknownPrometheusKeys(config)).toEqual([]);
  });

  test('the key checker rejects a misspelt or 3.x-only key at every level we emit', () => {
    const config = yaml.load(toYaml(buildPrometheusConfig(settings({ alertmanagerUrl: 'http://am:9093' })))) as any;
    config.global.scrape_intervall = '1m';
    config.scrape_configs[0].always_scrape_classic_histograms = true;
    config.scrape_configs[0].kubernetes_sd_configs[0].namespaces.name = ['x'];
    config.scrape_configs[0].relabel_configs[0].sourceLabels = ['x'];
    config.alerting.alertmanagers[0].target = 'x';
    config.remote_write = [{ url: 'http://x', basic_auth: { username: 'u', username_file: '/f' } }];
    expect(unknownPrometheusKeys(config).sort()).toEqual([
      'global.scrape_intervall: unknown key',
      'scrape_configs[0].kubernetes_sd_configs[0].namespaces.name: unknown key',
      'scrape_configs[0].relabel_configs[0].sourceLabels: unknown key',
      'scrape_configs[0].always_scrape_classic_histograms: unknown key',
      'alerting.alertmanagers[0].target: unknown key',
      'remote_write[0].basic_auth.username_file: unknown key',
    ].sort());
  });

  test('helpers: label names as discovery spells them, literal regexes, URLs from name and namespace', () => {
    expect(sanitizeLabelName('app.kubernetes.io/name')).toBe('app_kubernetes_io_name');
    expect(escapeRegex('a.b+c')).toBe('a\\.b\\+c');
    expect(prometheusUrls(undefined, 'tempo')).toEqual({
      httpUrl: 'http://prometheus.tempo.svc.cluster.local:9090',
      remoteWriteUrl: 'http://prometheus.tempo.svc.cluster.local:9090/api/v1/write',
    });
  });
});
