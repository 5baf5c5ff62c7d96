import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { PrometheusChart, PrometheusProps, resolvePrometheusSettings } from '../../charts/prometheus';
import { find, K8sObject } from '../helpers';
import { unknownPrometheusKeys } from './config-keys';

const tempo = { podSelector: { 'app.kubernetes.io/name': 'tempo' }, metricsPortName: 'http', replicas: 1 };

function synth(props: Partial<PrometheusProps> = {}) {
  const chart = new PrometheusChart(new App(), 'prometheus', { namespace: 'tempo', prometheus: { tempo, ...props } });
  return { prometheus: chart.prometheus, objects: () => chart.toJson() as K8sObject[] };
}
const promConfig = (objects: K8sObject[]) => yaml.load(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
const hashOf = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'prometheus').spec.template.metadata.annotations['checksum/config'];
const messageOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  return 'did not throw';
};

describe('Prometheus partial resources', () => {
  // One Tempo replica, no generator: the plan's memory rounds up to the 512Mi floor (settings.spec.ts).
  test('a CPU limit alone keeps the planned memory and the CPU request', () => {
    expect(resolvePrometheusSettings({ tempo, resources: { limits: { cpu: '2' } } }).resources)
      .toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '512Mi' } });
  });

  test('a memory limit alone becomes the memory request too (kept equal), the CPU stays', () => {
    expect(resolvePrometheusSettings({ tempo, resources: { limits: { memory: '2Gi' } } }).resources)
      .toEqual({ requests: { cpu: '250m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } });
  });

  test('the merged limit is still checked against the capacity plan', () => {
    expect(() => resolvePrometheusSettings({ tempo, metricsGenerator: true, generatorActiveSeries: 1_000_000,
      resources: { limits: { cpu: '2' } } })).not.toThrow();
    expect(() => resolvePrometheusSettings({ tempo, metricsGenerator: true, generatorActiveSeries: 1_000_000,
      resources: { limits: { memory: '512Mi' } } }))
      .toThrow("prometheus: 'resources.limits.memory' is too small for ");
  });

  test.each([
    ['a CPU request alone above the default limit', { requests: { cpu: '1500m' } },
      "prometheus: 'resources.requests.cpu' must not exceed the cpu limit ('1', from the capacity plan's default), got '1500m'; "
      + "also set resources.limits.cpu to at least '1500m', or lower the request to at most '1'"],
    ['a memory request alone above the planned limit', { requests: { memory: '1Gi' } },
      "prometheus: 'resources.requests.memory' must not exceed the memory limit ('512Mi', from the capacity plan's default), got '1Gi'; "
      + "also set resources.limits.memory to at least '1Gi', or lower the request to at most '512Mi'"],
    ['a CPU limit alone below the default request', { limits: { cpu: '100m' } },
      "prometheus: 'resources.limits.cpu' must not be below the cpu request ('250m', from the capacity plan's default), got '100m'; "
      + "also set resources.requests.cpu to at most '100m', or raise the limit to at least '250m'"],
  ])('%s is refused naming the prop the user set', (_label, resources, message) => {
    expect(messageOf(() => resolvePrometheusSettings({ tempo, resources }))).toBe(message);
  });
});

describe('Prometheus configOverrides', () => {
  test('applied last: mappings merge (external labels keep cluster and environment), lists replace, added jobs stay', () => {
    const { prometheus, objects } = synth({
      configOverrides: {
        global: { query_log_file: '/prometheus/query.log', external_labels: { region: 'eu-west-1' } },
        remote_write: [{ url: 'https://mimir.example.com/api/v1/push', queue_config: { max_shards: 10 } }],
      },
    });
    prometheus.addScrapeJob({ job_name: 'my-app', static_configs: [{ targets: ['my-app:8080'] }] });
    const config = promConfig(objects());
    expect(config.global.query_log_file).toBe('/prometheus/query.log');
    expect(config.global.scrape_interval).toBe('15s');
    expect(config.global.external_labels).toEqual({ cluster: 'tempo-cluster', environment: 'production', region: 'eu-west-1' });
    expect(config.remote_write).toEqual([{ url: 'https://mimir.example.com/api/v1/push', queue_config: { max_shards: 10 } }]);
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['tempo', 'prometheus', 'my-app']);
    expect(unknownPrometheusKeys(config)).toEqual([]);
  });

  test('an override replaces what a prop wrote (it is applied after the props)', () => {
    const config = promConfig(synth({ scrapeInterval: '30s', configOverrides: { global: { scrape_interval: '20s' } } }).objects());
    expect(config.global.scrape_interval).toBe('20s');
  });

  test('the config hash changes when an override changes', () => {
    const base = hashOf(synth().objects());
    const one = hashOf(synth({ configOverrides: { global: { query_log_file: '/prometheus/a.log' } } }).objects());
    expect(one).not.toBe(base);
    expect(hashOf(synth({ configOverrides: { global: { query_log_file: '/prometheus/b.log' } } }).objects())).not.toBe(one);
  });

  test.each([
    ['a typo, with the key it meant', { global: { scrape_intervall: '1m' } },
      "prometheus: 'configOverrides.global.scrape_intervall' is not a Prometheus config key (2.53 and 3.5), got '1m'; did you mean "
        + "'global.scrape_interval'? Prometheus refuses unknown keys at start-up"],
    ['a section this project does not check (3.x only)', { otlp: { promote_resource_attributes: ['service.name'] } },
      "prometheus: 'configOverrides.otlp' is not a Prometheus config key (2.53 and 3.5), got {\"promote_resource_attributes\":[\"service.name\"]}; "
      + "Prometheus refuses unknown keys at start-up; check the key and its level (the top level) against Prometheus's configuration reference"],
    ['a typo inside a list item', { remote_write: [{ url: 'https://m/api/v1/push', queue_confg: {} }] },
      "prometheus: 'configOverrides.remote_write[0].queue_confg' is not a Prometheus config key (2.53 and 3.5), got {}; did you mean "
        + "'remote_write[0].queue_config'? Prometheus refuses unknown keys at start-up"],
    ['a scalar where Prometheus has a mapping', { global: '15s' },
      "prometheus: 'configOverrides.global' does not have the shape Prometheus expects (expected an object), got '15s'; write an object at this key, "
        + "as in Prometheus's configuration reference"],
    ['scrape_configs, which would replace the Tempo job', { scrape_configs: [{ job_name: 'x' }] },
      "prometheus: 'configOverrides.scrape_configs' must not be overridden (a list replaces the Tempo and self-scrape jobs), got "
        + "[{\"job_name\":\"x\"}]; add jobs with addScrapeJob()"],
    ['rule_files, which would drop the Tempo alerts', { rule_files: ['/x.yaml'] },
      "prometheus: 'configOverrides.rule_files' must not be overridden (a list replaces the rules directory the Tempo alerts load from), got "
        + "[\"/x.yaml\"]; add rules with addRuleGroup()"],
    ['a credential', { remote_write: [{ url: 'https://m/api/v1/push', basic_auth: { username: 'u', password: 'hunter2' } }] },
      "prometheus: 'configOverrides.remote_write[0].basic_auth.password' must not hold a credential (it would land in the ConfigMap and in dist/), "
        + "got '<redacted>'; "
      + 'use a *_file key naming a file mounted from a Secret, or remoteWrite.basicAuth / remoteWrite.bearerToken (Secret references)'],
  ])('refuses %s at synth', (_label, configOverrides, message) => {
    expect(messageOf(() => synth({ configOverrides }))).toBe(message);
  });
});
