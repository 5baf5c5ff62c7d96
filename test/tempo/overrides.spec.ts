import * as yaml from 'js-yaml';
import { parseStackConfig, renderConfig } from '../../charts';
import { TempoProps, buildTempoConfig, resolveTempoSettings } from '../../charts/tempo';
import { CONFIG_HASH_ANNOTATION } from '../../charts/shared/restricted-workload';
import { unknownTempoKeys } from '../../charts/tempo/keys';
import { find, K8sObject, remoteWrite, s3, synthTempo, tempoYaml } from '../helpers';

const clusterProps: TempoProps = { mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite };
const container = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers.find((c: any) => c.name === 'tempo');
const messageOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  return 'did not throw';
};
const hashOf = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'tempo').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

describe('Tempo partial resources', () => {
  // The presets' quantities, written out from presets.ts: the seed's production values for
  // single-node, more for the generator in with-metrics.
  test.each([
    ['single-node mode, preset single-node', {} as TempoProps, { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '3Gi' } }],
    ['single-node mode, preset basic', { preset: 'basic' } as TempoProps, { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1',
      memory: '3Gi' } }],
    ['cluster mode, preset with-metrics', clusterProps, { requests: { cpu: '1', memory: '1536Mi' }, limits: { cpu: '2', memory: '3Gi' } }],
    ['cluster mode, preset single-node', { ...clusterProps, preset: 'single-node' } as TempoProps, { requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '2', memory: '3Gi' } }],
  ])('%s: a memory limit alone keeps the preset\'s requests and CPU limit', (_label, props, expected) => {
    const { objects } = synthTempo({ ...props, resources: { limits: { memory: '3Gi' } } });
    expect(container(objects).resources).toEqual(expected);
  });

  test('a CPU request alone keeps the other three quantities', () => {
    expect(resolveTempoSettings({ resources: { requests: { cpu: '1' } } }).resources)
      .toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '2560Mi' } });
  });

  test('the merged resources are still checked against the load', () => {
    expect(() => resolveTempoSettings({ resources: { limits: { memory: '2Gi' } } })).toThrow(
      "tempo: 'resources.limits.memory' cannot hold what the rate limit admits (430000 live traces of 10 spans of 100 bytes per replica need about "
        + "2336Mi), got '2Gi'; ");
  });

  test.each([
    ['a memory limit alone below the preset\'s request', { preset: 'basic', resources: { limits: { memory: '200Mi' } } } as TempoProps,
      "tempo: 'resources.limits.memory' must not be below the memory request ('256Mi', from preset 'basic'), got '200Mi'; "
      + "also set resources.requests.memory to at most '200Mi', or raise the limit to at least '256Mi'"],
    ['a CPU request alone above the preset\'s limit', { resources: { requests: { cpu: '3' } } } as TempoProps,
      "tempo: 'resources.requests.cpu' must not exceed the cpu limit ('2', from preset 'single-node'), got '3'; "
      + "also set resources.limits.cpu to at least '3', or lower the request to at most '2'"],
    ['a memory request alone above the preset\'s limit', { ...clusterProps, resources: { requests: { memory: '4Gi' } } } as TempoProps,
      "tempo: 'resources.requests.memory' must not exceed the memory limit ('3Gi', from preset 'with-metrics'), got '4Gi'; "
      + "also set resources.limits.memory to at least '4Gi', or lower the request to at most '3Gi'"],
    ['both sides set and crossed', { resources: { requests: { cpu: '3' }, limits: { cpu: '2500m' } } } as TempoProps,
      "tempo: 'resources.requests.cpu' must not exceed the limit (2500m), got '3'; lower the request or raise the limit"],
    ['a malformed quantity', { resources: { limits: { memory: 'lots' } } } as TempoProps,
      "tempo: 'resources.limits.memory' must be a positive Kubernetes quantity, got 'lots'; write it like '2Gi'"],
    ['a misspelt side', { resources: { limit: { memory: '3Gi' } } as any } as TempoProps,
      "tempo: 'resources.limit' is not a resources key, got {\"memory\":\"3Gi\"}; use requests and/or limits, each with cpu and/or memory"],
    ['a resource other than cpu and memory', { resources: { limits: { 'nvidia.com/gpu': '1' } } as any } as TempoProps,
      "tempo: 'resources.limits.nvidia.com/gpu' is not a resource this project sets, got '1'; set cpu and/or memory"],
    ['a side that is not an object', { resources: { limits: '3Gi' } as any } as TempoProps,
      "tempo: 'resources.limits' must be an object with cpu and/or memory, got '3Gi'; write e.g. { limits: { memory: '1Gi' } }"],
  ])('%s is refused naming the prop the user set', (_label, props, message) => {
    expect(() => resolveTempoSettings(props)).toThrow(message);
  });
});

describe('Tempo configOverrides', () => {
  test('applied last: a key the builder writes is replaced, others merge in, null removes', () => {
    const base = tempoYaml(synthTempo().objects);
    const config = tempoYaml(synthTempo({
      logLevel: 'warn',
      configOverrides: { server: { log_level: 'debug', log_format: 'json' }, query_frontend: { search: { max_duration: '24h' } },
        stream_over_http_enabled: null },
    }).objects);
    expect(config.server).toEqual({ ...base.server, log_level: 'debug', log_format: 'json' });
    expect(config.query_frontend.search).toEqual({ ...base.query_frontend.search, max_duration: '24h' });
    expect(config).not.toHaveProperty('stream_over_http_enabled');
    expect(base.stream_over_http_enabled).toBe(true);
    expect(unknownTempoKeys(config)).toEqual([]);
  });

  test('in cluster mode a list override replaces the generated list', () => {
    const s = resolveTempoSettings({ ...clusterProps,
      configOverrides: { memberlist: { join_members: ['dns+other.tempo.svc.cluster.local:7946'] } } });
    expect(buildTempoConfig(s).memberlist?.join_members).toEqual(['dns+other.tempo.svc.cluster.local:7946']);
  });

  test('the config hash changes when an override changes, and only then', () => {
    const base = hashOf(synthTempo().objects);
    expect(hashOf(synthTempo({ configOverrides: {} }).objects)).toBe(base);
    const one = hashOf(synthTempo({ configOverrides: { server: { log_format: 'json' } } }).objects);
    expect(one).not.toBe(base);
    expect(hashOf(synthTempo({ configOverrides: { server: { log_format: 'logfmt', http_server_read_timeout: '1m' } } }).objects)).not.toBe(one);
  });

  test.each([
    ['a typo one level down, with the key it meant', { server: { log_levle: 'debug' } },
      "tempo: 'configOverrides.server.log_levle' is not a Tempo 2.6 config key, got 'debug'; did you mean 'server.log_level'? Tempo refuses unknown "
        + "keys at start-up"],
    ['a typo at the top level', { servre: { log_level: 'debug' } },
      "tempo: 'configOverrides.servre' is not a Tempo 2.6 config key, got {\"log_level\":\"debug\"}; did you mean 'server'? Tempo refuses unknown "
        + "keys at start-up"],
    ['a key misplaced one level too high (Tempo 2.6 has search.duration_slo, not query_frontend.duration_slo)',
      { query_frontend: { duration_slo: '5s' } },
      "tempo: 'configOverrides.query_frontend.duration_slo' is not a Tempo 2.6 config key, got '5s'; Tempo refuses unknown keys at start-up; "
      + "check the key and its level ('query_frontend') against Tempo 2.6's configuration reference"],
    ['a typo inside a list item', { metrics_generator: { storage: { remote_write: [{ url: 'http://x:9090/api/v1/write', headerz: { a: 'b' } }] } } },
      "tempo: 'configOverrides.metrics_generator.storage.remote_write[].headerz' is not a Tempo 2.6 config key, got {\"a\":\"b\"}; "
      + "did you mean 'metrics_generator.storage.remote_write[].headers'? Tempo refuses unknown keys at start-up"],
    ['a scalar where Tempo has a mapping', { server: 'debug' },
      "tempo: 'configOverrides.server' must be a mapping of keys in Tempo 2.6's config, got 'debug'; write it as a mapping of keys, as in Tempo's "
        + "configuration reference"],
    ['a scalar where Tempo has a list', { memberlist: { join_members: 'tempo-0:7946' } },
      "tempo: 'configOverrides.memberlist.join_members' must be a list in Tempo 2.6's config, got 'tempo-0:7946'; write it as a list, as in Tempo's "
        + "configuration reference"],
    ['a credential', { storage: { trace: { s3: { secret_key: 'hunter2' } } } },
      "tempo: 'configOverrides.storage.trace.s3.secret_key' must not hold a credential (it would land in the ConfigMap and in dist/), got "
        + "'<redacted>'; "
      + 'leave it out: object-storage credentials come from a Secret through storage.credentials (s3, gcs) or storage.accountKey (azure)'],
    ['a listen port the Services target', { server: { http_listen_port: 8080 } },
      "tempo: 'configOverrides.server.http_listen_port' cannot be overridden: the Kubernetes objects are built around it, got 8080; "
      + 'leave it out: the container ports, Services, probes and NetworkPolicy use the generated value'],
    ['the target, which follows mode', { target: 'all' },
      "tempo: 'configOverrides.target' cannot be overridden: the Kubernetes objects are built around it, got 'all'; "
      + 'leave it out: it follows mode (all, or scalable-single-binary for a cluster); set mode instead'],
    ['a path on the volume', { storage: { trace: { wal: { path: '/tmp/wal' } } } },
      "tempo: 'configOverrides.storage.trace.wal.path' cannot be overridden: the Kubernetes objects are built around it, got '/tmp/wal'; "
      + 'leave it out: it lies on the PersistentVolume mounted at /var/tempo'],
    ['null on a section holding a wired key', { server: null },
      "tempo: 'configOverrides.server' cannot be removed: it holds server.http_listen_port, which the Kubernetes objects are built around, got null; "
      + 'remove single keys under it instead (the container ports, Services, probes and NetworkPolicy use the generated value)'],
    ['a list instead of a mapping', [{ server: {} }] as any,
      "tempo: 'configOverrides' must be a mapping of tempo.yaml keys, got [{\"server\":{}}]; write e.g. { server: { log_format: 'json' } }"],
  ])('refuses %s at synth', (_label, configOverrides, message) => {
    expect(() => synthTempo({ configOverrides })).toThrow(message);
    expect(messageOf(() => resolveTempoSettings({ configOverrides }))).toBe(message);
  });

  test('a credential message never shows the value', () => {
    const message = messageOf(() => resolveTempoSettings({ configOverrides: { storage: { trace: { s3: { access_key: 'AKIASECRET' } } } } }));
    expect(message).toContain("tempo: 'configOverrides.storage.trace.s3.access_key' must not hold a credential");
    expect(message).not.toContain('AKIASECRET');
  });
});

describe('overrides through the config file', () => {
  const render = (text: string) => messageOf(() => renderConfig(parseStackConfig(yaml.load(text))));

  test('partial resources and an open configOverrides object pass the schema unchanged', () => {
    const config = parseStackConfig(yaml.load(
      'environments: [{name: a, namespace: a, tempo: {resources: {limits: {memory: 3Gi}}, configOverrides: {server: {log_format: json}}}, '
        + 'prometheus: false, grafana: false}]'));
    expect(config.environments[0].tempo).toEqual({ resources: { limits: { memory: '3Gi' } }, configOverrides: { server: { log_format: 'json' } } });
  });

  test('an unknown Tempo key is located in the file with its path', () => {
    expect(render('environments: [{name: a, namespace: a, tempo: {configOverrides: {ingester: {max_block_byte: 1000}}}}]')).toBe(
      "tempo-stack.yaml: 'environments[0].tempo.configOverrides.ingester.max_block_byte' is not a Tempo 2.6 config key, got 1000; "
      + "did you mean 'ingester.max_block_bytes'? Tempo refuses unknown keys at start-up");
  });

  test('a limit alone below the preset\'s request is located in the file', () => {
    expect(render('environments: [{name: a, namespace: a, tempo: {preset: basic, resources: {limits: {memory: 128Mi}}}}]')).toBe(
      "tempo-stack.yaml: 'environments[0].tempo.resources.limits.memory' must not be below the memory request ('256Mi', from preset 'basic'), got "
        + "'128Mi'; "
      + "also set resources.requests.memory to at most '128Mi', or raise the limit to at least '256Mi'");
  });
});
