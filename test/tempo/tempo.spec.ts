import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Tempo, TempoChart, TempoProps, planDeployment, resolveTempoSettings } from '../../charts/tempo';
import { CONFIG_HASH_ANNOTATION } from '../../charts/shared/restricted-workload';
import { validateK8sObjects } from '../support/k8s-schema';
import { allOf, find, K8sObject, remoteWrite, s3, selects, synthTempo, tempoYaml } from '../helpers';

const clusterProps: TempoProps = { mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite };

const podSpec = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'tempo').spec.template.spec;
const tempoContainer = (objects: K8sObject[]) => podSpec(objects).containers.find((c: any) => c.name === 'tempo');

// The shape every workload shares (restricted pod, Services on container ports, selectors, the
// config hash, PVCs) is tested once in test/shared/restricted-workload.spec.ts; here only Tempo's own.
describe.each([
  ['single node', {} as TempoProps],
  ['basic preset', { preset: 'basic' } as TempoProps],
  ['cluster', clusterProps],
])('Tempo objects (%s)', (_label, props) => {
  const { objects, chart } = synthTempo(props);
  const sts = find(objects, 'StatefulSet', 'tempo');

  test('every object validates against the Kubernetes 1.28 schema', () => {
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('the pod runs as the image\'s UID 10001 with fsGroup 10001, so it can write /var/tempo', () => {
    expect(podSpec(objects).securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
  });

  test('every path Tempo writes lies on a mounted volume (the root filesystem is read-only)', () => {
    const mounts = tempoContainer(objects).volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/tempo', '/tmp']));
    expect(sts.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toEqual(['data']);
    expect(tempoContainer(objects).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/tempo' });
    const config = tempoYaml(objects);
    const written = [config.storage.trace.wal.path, config.storage.trace.local?.path, config.metrics_generator?.storage.path,
      config.metrics_generator?.traces_storage.path].filter(Boolean);
    expect(written.length).toBeGreaterThan(0);
    for (const path of written) expect(path.startsWith('/var/tempo/')).toBe(true);
  });

  test('probes check /ready on the http port, and startup allows five minutes of WAL replay', () => {
    const c = tempoContainer(objects);
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(probe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(300);
  });

  test('the image is Tempo 2.6', () => {
    expect(tempoContainer(objects).image).toMatch(/^grafana\/tempo:2\.6\.\d+$/);
  });

  test('the pod reads the rendered tempo.yaml from the ConfigMap', () => {
    const c = tempoContainer(objects);
    expect(c.args).toContain('-config.file=/conf/tempo.yaml');
    const configVolume = podSpec(objects).volumes.find((v: any) => v.name === 'config');
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/conf', readOnly: true });
    expect(find(objects, 'ConfigMap', configVolume.configMap.name).data['tempo.yaml']).toBe(chart.tempo.configYaml);
  });

  test('the termination grace period covers a flush', () => {
    expect(podSpec(objects).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(300);
    expect(tempoYaml(objects).ingester.flush_all_on_shutdown).toBe(true);
  });

  // Credentials by reference: 'S3 credentials reach Tempo as AWS_* variables from the Secret' below.
  test('no credential value appears in any object', () => {
    expect(find(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']).not.toMatch(/access_key|secret_key|password/);
    expect(allOf(objects, 'Secret')).toEqual([]);
  });
});

describe('the PVC', () => {
  const claimOf = (props: TempoProps) => (
    find(synthTempo(props).objects, 'StatefulSet', 'tempo').spec.volumeClaimTemplates[0].spec.resources.requests.storage);

  test('holds every block with local storage: the preset\'s size', () => {
    expect(claimOf({})).toBe('200Gi');
    expect(claimOf({ preset: 'basic' })).toBe('5Gi');
  });

  test('holds only the WAL with object storage: sized like npm run plan sizes it, not 200Gi per replica', () => {
    const settings = resolveTempoSettings(clusterProps);
    const plan = planDeployment({ tracesPerSecond: 2000, spansPerTrace: 10, metricsGenerator: true });
    expect(plan.replicas).toBe(settings.replicas);
    expect(claimOf(clusterProps)).toBe(plan.storageSize);
    expect(claimOf(clusterProps)).toBe('22Gi');
  });

  test('grows with the planned load and never drops below 10Gi', () => {
    const gib = (props: TempoProps) => parseInt(claimOf(props), 10);
    const load = (tracesPerSecond: number): TempoProps => ({
      ...clusterProps, expectedLoad: { tracesPerSecond }, resources: { limits: { cpu: '4', memory: '16Gi' }, requests: { cpu: '1', memory: '16Gi' } },
    });
    expect(gib(load(4000))).toBeGreaterThan(gib(load(2000)));
    expect(claimOf({ ...clusterProps, preset: 'basic' })).toBe('10Gi');
  });

  test('an explicit storageSize wins over the derived one', () => {
    expect(claimOf({ ...clusterProps, storageSize: '50Gi' })).toBe('50Gi');
  });
});

describe('single-node Tempo', () => {
  const { objects, chart } = synthTempo();

  test('runs one replica with target all, pods created in order', () => {
    const sts = find(objects, 'StatefulSet', 'tempo');
    expect(sts.spec.replicas).toBe(1);
    expect(tempoContainer(objects).args).toContain('-target=all');
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
  });

  test('exposes http, grpc and both OTLP ports on a ClusterIP Service named after the instance', () => {
    const svc = find(objects, 'Service', 'tempo');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 3200], ['grpc', 9095], ['otlp-grpc', 4317], ['otlp-http', 4318]]);
    expect(chart.tempo.serviceName).toBe('tempo');
  });

  test('publishes the URLs other components need', () => {
    expect(chart.tempo.httpUrl).toBe('http://tempo.tempo.svc.cluster.local:3200');
    expect(chart.tempo.otlpGrpcEndpoint).toBe('tempo.tempo.svc.cluster.local:4317');
    expect(chart.tempo.otlpHttpEndpoint).toBe('http://tempo.tempo.svc.cluster.local:4318');
    expect(chart.tempo.metricsPortName).toBe('http');
  });

  test('has no gossip Service, no PodDisruptionBudget and no spreading', () => {
    expect(objects.filter((o) => o.metadata.name === 'tempo-gossip')).toEqual([]);
    expect(allOf(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(podSpec(objects).affinity).toBeUndefined();
  });

  test('the config hash on the pod template is the hash of the ConfigMap content, and changes with it', () => {
    const hash = (o: K8sObject[]) => find(o, 'StatefulSet', 'tempo').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hash(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(synthTempo({ logLevel: 'debug' }).objects)).not.toBe(hash(objects));
    expect(hash(synthTempo().objects)).toBe(hash(objects));
  });

  test('the ConfigMap holds exactly the YAML of the config object', () => {
    expect(yaml.load(chart.tempo.configYaml)).toEqual(chart.tempo.config);
    expect(find(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']).toBe(chart.tempo.configYaml);
  });

  test('the PVC size and storage class come from the props', () => {
    const claim = find(synthTempo({ storageSize: '20Gi', storageClassName: 'fast-ssd' }).objects, 'StatefulSet',
      'tempo').spec.volumeClaimTemplates[0];
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } });
  });

  test('resources default to the seed\'s and can be overridden', () => {
    expect(tempoContainer(objects).resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2560Mi' } });
    const custom = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '3', memory: '3Gi' } };
    expect(tempoContainer(synthTempo({ resources: custom }).objects).resources).toEqual(custom);
  });

  test('the image tag can be overridden', () => {
    expect(tempoContainer(synthTempo({ image: { repository: 'grafana/tempo', tag: '2.6.1' } }).objects).image).toBe('grafana/tempo:2.6.1');
  });

  test('a custom name renames every object and the Services the config refers to', () => {
    const named = synthTempo({ name: 'traces', ...clusterProps }).objects;
    expect(find(named, 'StatefulSet', 'traces').spec.serviceName).toBe('traces-headless');
    find(named, 'Service', 'traces-gossip');
    expect(tempoYaml(named, 'traces').memberlist.join_members).toEqual(['dns+traces-gossip.tempo.svc.cluster.local:7946']);
  });

  test('the namespace comes from the chart', () => {
    expect(new Set(synthTempo({}, 'observability').objects.map((o) => o.metadata.namespace))).toEqual(new Set(['observability']));
  });
});

describe('cluster Tempo', () => {
  const { objects, chart } = synthTempo(clusterProps);
  const sts = find(objects, 'StatefulSet', 'tempo');

  test('runs three replicas of scalable-single-binary, started in parallel', () => {
    expect(sts.spec.replicas).toBe(3);
    expect(tempoContainer(objects).args).toEqual(expect.arrayContaining(['-target=scalable-single-binary', '-config.expand-env=true']));
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
  });

  test('the memberlist join address names the headless gossip Service, which publishes pods before they are ready', () => {
    const gossip = find(objects, 'Service', 'tempo-gossip');
    expect(gossip.spec.clusterIP).toBe('None');
    expect(gossip.spec.publishNotReadyAddresses).toBe(true);
    expect(gossip.spec.ports).toEqual([{ name: 'gossip-ring', port: 7946, protocol: 'TCP', targetPort: 'gossip-ring' }]);
    expect(tempoYaml(objects).memberlist.join_members).toEqual([`dns+${gossip.metadata.name}.${gossip.metadata.namespace}.svc.cluster.local:7946`]);
  });

  test('the query-frontend address names the headless Service, which serves the grpc port', () => {
    const headless = find(objects, 'Service', 'tempo-headless');
    expect(headless.spec.clusterIP).toBe('None');
    const grpc = headless.spec.ports.find((p: any) => p.name === 'grpc');
    expect(tempoYaml(objects).querier.frontend_worker.frontend_address)
      .toBe(`${headless.metadata.name}.${headless.metadata.namespace}.svc.cluster.local:${grpc.port}`);
  });

  test('ring ids and addresses come from the pod\'s own name and IP (unique per StatefulSet pod)', () => {
    const env = tempoContainer(objects).env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]));
    expect(tempoYaml(objects).ingester.lifecycler.id).toBe('${POD_NAME}');
  });

  test('a PodDisruptionBudget allows at most one replica down', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'tempo');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(selects(pdb.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
  });

  test('replicas prefer different nodes and zones, without requiring them (a one-node cluster still schedules all)', () => {
    const spec = podSpec(objects);
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe(
      'kubernetes.io/hostname');
    expect(spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'ScheduleAnyway'], ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
    ]);
    for (const t of spec.topologySpreadConstraints) expect(selects(t.labelSelector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
  });

  test('S3 credentials reach Tempo as AWS_* variables from the Secret', () => {
    expect(tempoContainer(objects).env).toEqual(expect.arrayContaining([
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'MINIO_ROOT_USER' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'minio-credentials', key: 'MINIO_ROOT_PASSWORD' } } },
    ]));
  });

  test('the container exposes the gossip port', () => {
    expect(tempoContainer(objects).ports).toContainEqual({ name: 'gossip-ring', containerPort: 7946, protocol: 'TCP' });
  });

  test('scaling out is a replicas change', () => {
    const five = synthTempo({ ...clusterProps, replicas: 5 });
    expect(find(five.objects, 'StatefulSet', 'tempo').spec.replicas).toBe(5);
    expect(five.chart.tempo.settings.replicationFactor).toBe(3);
    expect(chart.tempo.settings.capacity.maxTracesPerUser).toBeGreaterThan(five.chart.tempo.settings.capacity.maxTracesPerUser);
  });
});

describe('other object stores', () => {
  test('GCS mounts the key file from the Secret and points GOOGLE_APPLICATION_CREDENTIALS at it', () => {
    const { objects } = synthTempo({ mode: 'cluster', metricsRemoteWriteUrl: remoteWrite, storage: { backend: 'gcs', bucket: 'traces',
      credentials: { name: 'gcs-key', key: 'sa.json' } } });
    const c = tempoContainer(objects);
    expect(c.env).toContainEqual({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/gcs/key.json' });
    expect(c.volumeMounts).toContainEqual({ name: 'gcs-credentials', mountPath: '/var/secrets/gcs', readOnly: true });
    expect(podSpec(objects).volumes).toContainEqual({ name: 'gcs-credentials', secret: { secretName: 'gcs-key', items: [{ key: 'sa.json',
      path: 'key.json' }] } });
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('Azure hands the account key over as an expanded variable', () => {
    const { objects } = synthTempo({ storage: { backend: 'azure', container: 'traces', storageAccountName: 'acct', accountKey: { name: 'azure',
      key: 'account-key' } } });
    const c = tempoContainer(objects);
    expect(c.env).toContainEqual({ name: 'AZURE_STORAGE_KEY', valueFrom: { secretKeyRef: { name: 'azure', key: 'account-key' } } });
    expect(c.args).toContain('-config.expand-env=true');
  });

  test('without credentials no variable is set (IRSA, workload identity)', () => {
    const { objects } = synthTempo({ storage: { backend: 's3', bucket: 'traces', region: 'us-east-1' } });
    expect(tempoContainer(objects).env).toBeUndefined();
    expect(tempoContainer(objects).args).not.toContain('-config.expand-env=true');
  });
});

describe('bad input throws at construction with the prop, the value and the fix', () => {
  const throws = (props: TempoProps) => () => synthTempo(props);

  test.each<[string, TempoProps, string]>([
    ['replicas in single-node mode', { replicas: 3 }, "tempo: 'replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for more replicas"],
    ['an unknown preset', { preset: 'huge' as any },
      "tempo: 'preset' must be one of 'basic', 'single-node', 'with-metrics', got 'huge'; pick one of basic, single-node, with-metrics"],
    ['an unknown mode', { mode: 'ha' as any },
      "tempo: 'mode' must be one of 'single-node', 'cluster', 'distributed', got 'ha'; pick one of single-node, cluster, distributed"],
    ['a name that is not a DNS label', { name: 'Tempo_1' }, "tempo: 'name' must be a DNS label (lower-case letters, digits and '-', starting with a "
      + "letter, at most 40 characters), got 'Tempo_1'; pick a name such as 'tempo'"],
    ['a duration Tempo cannot parse', { blockRetention: '7d' },
      "tempo: 'blockRetention' must be a Go duration such as '30s', '5m' or '336h', got '7d'"],
    ['a negative size', { ingesterMaxBlockBytes: -1 }, "tempo: 'ingesterMaxBlockBytes' must be a whole number >= 1, got -1; use a whole number >= 1"],
    ['a negative storage size', { storageSize: '-10Gi' },
      "tempo: 'storageSize' must be a positive Kubernetes quantity, got '-10Gi'; write it like '10Gi'"],
    ['a zero concurrency', { querierMaxConcurrentQueries: 0 }, "tempo: 'querierMaxConcurrentQueries' must be a whole number >= 1, got 0"],
    ['an unknown log level', { logLevel: 'trace' as any }, "tempo: 'logLevel' must be one of 'debug', 'info', 'warn', 'error', got 'trace'"],
    ['an unpinned image', { image: { repository: 'grafana/tempo', tag: 'latest' } },
      "tempo: 'image.tag' must be a pinned image tag, got 'latest'; use an exact version such as '2.6.1' (never 'latest')"],
    ['a short grace period', { terminationGracePeriodSeconds: 5 },
      "tempo: 'terminationGracePeriodSeconds' must be a whole number from 30 to 3600, got 5; Tempo needs time to flush its blocks on shutdown"],
    ['a negative load', { expectedLoad: { tracesPerSecond: -5 } }, "tempo: 'expectedLoad.tracesPerSecond' must be a number greater than 0, got -5"],
    ['headroom below 1', { expectedLoad: { tracesPerSecond: 10, headroom: 0.5 } },
      "tempo: 'expectedLoad.headroom' must be a number at least 1, got 0.5"],
    ['a memory limit below the load', { expectedLoad: { tracesPerSecond: 2000 }, resources: { requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '2', memory: '1Gi' } } },
      "tempo: 'resources.limits.memory' cannot hold what the rate limit admits (430000 live traces of 10 spans of 100 bytes per replica need about "
        + "2336Mi), got '1Gi'; "
      + "raise it to at least 2336Mi, lower 'expectedLoad', raise 'expectedLoad.minBytesPerSpan' if spans are never that small, shorten "
      + "'ingesterFlushCheckPeriod', or add replicas in cluster mode"],
    ['a smallest span above the average', { expectedLoad: { tracesPerSecond: 10, bytesPerSpan: 500, minBytesPerSpan: 600 } },
      "tempo: 'expectedLoad.minBytesPerSpan' must not exceed expectedLoad.bytesPerSpan (500), got 600; the smallest span cannot be larger than the "
        + "average one: lower minBytesPerSpan or raise bytesPerSpan"],
    ['a zero smallest span', { expectedLoad: { tracesPerSecond: 10, minBytesPerSpan: 0 } },
      "tempo: 'expectedLoad.minBytesPerSpan' must be a number at least 1, got 0; use a number at least 1"],
    ['a trace size limit below the declared trace', { expectedLoad: { tracesPerSecond: 10, spansPerTrace: 20, bytesPerSpan: 1000 },
      maxBytesPerTrace: 15_000 },
      "tempo: 'maxBytesPerTrace' is smaller than a trace of the declared shape (expectedLoad.spansPerTrace x bytesPerSpan = 20000 bytes), got 15000; "
      + 'Tempo would discard such traces as trace_too_large after answering 200; raise it to at least 20000'],
    ['a fractional trace size limit', { maxBytesPerTrace: 5e6 + 0.5 },
      "tempo: 'maxBytesPerTrace' must be a whole number >= 1, got 5000000.5; use a whole number >= 1"],
    ['an unlimited series limit', { metricsGeneratorMaxActiveSeries: 0 },
      "tempo: 'metricsGeneratorMaxActiveSeries' must be a whole number >= 1, got 0; use a whole number >= 1 such as 10000 (Tempo's 0 means "
        + "unlimited, which Prometheus cannot be sized for)"],
    ['an unknown rate strategy', { rateStrategy: 'shared' as any },
      "tempo: 'rateStrategy' must be one of 'local', 'global', got 'shared'; pick one of local, global"],
    ['an idle period Tempo cannot parse', { ingesterTraceIdlePeriod: '10' },
      "tempo: 'ingesterTraceIdlePeriod' must be a Go duration such as '30s', '5m' or '336h', got '10'; write it with the units ns, us, ms, s, m or h "
        + "(days are not accepted: write 7d as '168h')"],
    ['a zero flush check period', { ingesterFlushCheckPeriod: '0s' },
      "tempo: 'ingesterFlushCheckPeriod' must be longer than zero, got '0s'; use a positive duration such as '30s'"],
    ['a CPU limit below the load', { expectedLoad: { tracesPerSecond: 3000 }, resources: { requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '2', memory: '4Gi' } } },
      "tempo: 'resources.limits.cpu' is too small for the expected load (each replica ingests 60000 spans/s, about 2.7 cores), got '2'; raise it to "
        + "at least '2.7', lower 'expectedLoad', or add replicas in cluster mode"],
    ['a request above its limit', { resources: { requests: { cpu: '4', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } } },
      "tempo: 'resources.requests.cpu' must not exceed the limit (2), got '4'; lower the request or raise the limit"],
    ['a malformed quantity', { resources: { requests: { cpu: 'half', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } } },
      "tempo: 'resources.requests.cpu' must be a positive Kubernetes quantity, got 'half'; write it like '500m'"],
    ['replicationFactor in single-node mode', { replicationFactor: 3 },
      "tempo: 'replicationFactor' must be 1 in single-node mode, got 3; use mode 'cluster' to replicate traces"],
    ['cluster mode on local storage', { mode: 'cluster', metricsRemoteWriteUrl: remoteWrite }, "tempo: 'storage.backend' must be object storage (s3, "
      + "gcs or azure) in cluster mode, got 'local'; each replica would only see the blocks on its own volume, so queries would miss traces; "
      + "configure s3, gcs or azure"],
    ['a replication factor above replicas', { ...clusterProps, replicas: 2, replicationFactor: 3 }, "tempo: 'replicationFactor' must be a whole "
      + "number from 1 to 2, got 3; it must not exceed replicas (2); raise replicas or lower replicationFactor"],
    ['a one-replica cluster', { ...clusterProps, replicas: 1 }, "tempo: 'replicas' must be a whole number from 2 to 99, got 1; a cluster needs at "
      + "least 2 replicas (3 for replication factor 3); use mode 'single-node' for one"],
    ['an S3 endpoint with a scheme', { storage: { backend: 's3', bucket: 'traces', endpoint: 'http://minio:9000' } }, "tempo: 'storage.endpoint' must be host:port without a scheme or path, got 'http://minio:9000'; write e.g. 'minio.tempo.svc.cluster.local:9000' (use insecure: true for plain HTTP)"],
    ['S3 with neither endpoint nor region', { storage: { backend: 's3', bucket: 'traces' } },
      "tempo: 'storage.region' is required when no endpoint is given, got undefined; set region (AWS) or endpoint (S3-compatible store)"],
    ['an empty bucket', { storage: { backend: 'gcs', bucket: '' } },
      "tempo: 'storage.bucket' must not be empty, got ''; set it, e.g. 'tempo-traces'"],
    ['a bad Secret reference', { storage: { backend: 'azure', container: 'traces', storageAccountName: 'acct', accountKey: { name: 'Azure!',
      key: 'k' } } }, "tempo: 'storage.accountKey.name' must be a DNS subdomain"],
    ['an unknown backend', { storage: { backend: 'ftp' } as any },
      "tempo: 'storage.backend' must be one of 'local', 's3', 'gcs', 'azure', got 'ftp'; pick one of local, s3, gcs, azure"],
    ['the metrics-generator without a remote-write URL', { preset: 'with-metrics' }, "tempo: 'metricsRemoteWriteUrl' is required when the metrics-generator runs (preset 'with-metrics'), got undefined; pass the Prometheus remote-write URL, e.g. 'http://prometheus:9090/api/v1/write', or set metricsGeneratorProcessors to []"],
    ['a remote-write URL that is not http(s)', { preset: 'with-metrics', metricsRemoteWriteUrl: 'prometheus:9090' },
      "tempo: 'metricsRemoteWriteUrl' must be an http(s) URL, got 'prometheus:9090'"],
    ['an unknown processor', { metricsGeneratorProcessors: ['span-metric' as any], metricsRemoteWriteUrl: remoteWrite },
      "tempo: 'metricsGeneratorProcessors[0]' must be one of 'service-graphs', 'span-metrics', 'local-blocks', got 'span-metric'"],
    ['a processor listed twice', { metricsGeneratorProcessors: ['span-metrics', 'span-metrics'], metricsRemoteWriteUrl: remoteWrite },
      "tempo: 'metricsGeneratorProcessors' must not list a processor twice"],
  ])('%s', (_what, props, message) => {
    expect(throws(props)).toThrow(message);
  });

  test('the chart\'s namespace must be a DNS label too', () => {
    expect(() => new TempoChart(new App(), 'tempo', { namespace: 'Bad_NS' })).toThrow("tempo: 'namespace' must be a DNS label");
  });

  test('the Tempo construct can be used outside a TempoChart, in any chart', () => {
    const app = new App();
    const chart = new TempoChart(app, 'other', { namespace: 'x' });
    const extra = new Tempo(chart, 'second', { name: 'tempo-b' });
    expect(extra.settings.namespace).toBe('x');
  });
});

describe('network policy', () => {
  const policyOf = (props: TempoProps) => find(synthTempo(props).objects, 'NetworkPolicy', 'tempo');
  const portsOf = (rule: any) => rule.ports.map((p: any) => p.port).sort();

  test.each([['single node', {}], ['cluster', clusterProps]] as Array<[string,
    TempoProps]>)('%s standalone: any namespace reaches the API and OTLP; only Tempo reaches grpc and gossip', (_label, props) => {
    const { objects } = synthTempo(props);
    const policy = find(objects, 'NetworkPolicy', 'tempo');
    const podLabels = find(objects, 'StatefulSet', 'tempo').spec.template.metadata.labels;
    expect(selects(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    const [otlp, api, internal] = policy.spec.ingress;
    expect(otlp.from).toEqual([{ namespaceSelector: {} }]);
    expect(portsOf(otlp)).toEqual(['otlp-grpc', 'otlp-http']);
    expect(api.from).toEqual([{ namespaceSelector: {} }]);
    expect(portsOf(api)).toEqual(['http']);
    expect(internal.from).toEqual([{ podSelector: { matchLabels: policy.spec.podSelector.matchLabels } }]);
    const containerPorts = tempoContainer(objects).ports.map((p: any) => p.name).sort();
    // Every container port is covered by exactly one rule: nothing the pod serves is blocked by accident.
    expect([...portsOf(otlp), ...portsOf(api), ...portsOf(internal)].sort()).toEqual(containerPorts);
  });

  test('apiClients narrow the API port to those pods and Tempo itself', () => {
    const grafana = { 'app.kubernetes.io/name': 'grafana' };
    const policy = policyOf({ apiClients: [{ podSelector: grafana }, { podSelector: { app: 'prom' }, namespaces: ['monitoring'] }] });
    const self = policy.spec.podSelector.matchLabels;
    expect(policy.spec.ingress[1]).toEqual({
      ports: [{ port: 'http', protocol: 'TCP' }],
      from: [
        { podSelector: { matchLabels: self } },
        { podSelector: { matchLabels: grafana } },
        { podSelector: { matchLabels: { app: 'prom' } }, namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In',
          values: ['monitoring'] }] } },
      ],
    });
  });

  test('otlpFromNamespaces narrows OTLP to the listed namespaces', () => {
    expect(policyOf({ otlpFromNamespaces: ['shop', 'payments'] }).spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'payments'] }] } },
    ]);
  });

  test('can be turned off', () => {
    expect(allOf(synthTempo({ networkPolicy: false }).objects, 'NetworkPolicy')).toEqual([]);
    expect(policyOf({}).metadata.name).toBe('tempo');
  });
});
