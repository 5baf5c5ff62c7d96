import { buildTempoConfig, resolveTempoSettings, TempoProps } from '../../charts/tempo';
import { remoteWrite, s3 } from '../helpers';

const config = (props: TempoProps = {}) => buildTempoConfig(resolveTempoSettings({ namespace: 'tempo', ...props }));

describe('tempo.yaml for every mode', () => {
  test('OTLP receivers bind all interfaces explicitly (2.7 would default to localhost)', () => {
    expect(config().distributor.receivers.otlp.protocols).toEqual({
      grpc: { endpoint: '0.0.0.0:4317' },
      http: { endpoint: '0.0.0.0:4318' },
    });
  });

  test('usage reporting is off unless asked for', () => {
    expect(config().usage_report.reporting_enabled).toBe(false);
    expect(config({ usageReporting: true }).usage_report.reporting_enabled).toBe(true);
  });

  test('streaming search over HTTP is on for Grafana', () => {
    expect(config().stream_over_http_enabled).toBe(true);
  });

  test('the HTTP API listens on 3200 and gRPC on 9095', () => {
    expect(config().server).toMatchObject({ http_listen_port: 3200, grpc_listen_port: 9095 });
  });

  test('every tuning prop lands on its key', () => {
    const c = config({
      ingesterMaxBlockBytes: 1_000_000, ingesterMaxBlockDuration: '3m', blockRetention: '12h', compactionWindow: '2h',
      compactorMaxBlockBytes: 50_000_000, searchDurationSlo: '3s', searchThroughputBytesSlo: 2_000_000, searchConcurrentJobs: 500,
      querierMaxConcurrentQueries: 10, logLevel: 'debug',
    });
    expect(c.ingester).toMatchObject({ max_block_bytes: 1_000_000, max_block_duration: '3m' });
    expect(c.compactor.compaction).toEqual({ block_retention: '12h', compaction_window: '2h', max_block_bytes: 50_000_000 });
    expect(c.query_frontend.search).toEqual({ duration_slo: '3s', throughput_bytes_slo: 2_000_000, concurrent_jobs: 500 });
    expect(c.querier.max_concurrent_queries).toBe(10);
    expect(c.server.log_level).toBe('debug');
  });

  test('duration_slo is always written together with throughput_bytes_slo', () => {
    for (const [preset, slo] of [['basic', '3s'], ['single-node', '5s']] as const) {
      const search = config({ preset }).query_frontend.search;
      expect([search.duration_slo, search.throughput_bytes_slo]).toEqual([slo, 1_073_741_824]);
    }
    // Set alone, the SLO still gets its throughput twin (the preset's).
    expect(config({ preset: 'basic', searchDurationSlo: '2s' }).query_frontend.search)
      .toMatchObject({ duration_slo: '2s', throughput_bytes_slo: 1_073_741_824 });
  });

  test('ingestion limits come from the declared load', () => {
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '4', memory: '8Gi' } };
    const low = config({ expectedLoad: { tracesPerSecond: 2000 }, resources }).overrides.defaults.ingestion;
    const high = config({ expectedLoad: { tracesPerSecond: 4000 }, resources }).overrides.defaults.ingestion;
    expect(high.max_traces_per_user).toBe(low.max_traces_per_user * 2);
    expect(high.rate_limit_bytes).toBe(low.rate_limit_bytes * 2);
    expect(high.burst_size_bytes).toBe(low.burst_size_bytes * 2);
  });

  test('the ingester sweeps every 5 s and cuts traces idle for 10 s unless set', () => {
    expect(config().ingester).toMatchObject({ trace_idle_period: '10s', flush_check_period: '5s' });
    expect(config({ ingesterTraceIdlePeriod: '8s', ingesterFlushCheckPeriod: '2s' }).ingester).toMatchObject({ trace_idle_period: '8s',
      flush_check_period: '2s' });
  });

  test('max_bytes_per_trace is written, Tempo\'s 5 MB unless set', () => {
    expect(config().overrides.defaults.global).toEqual({ max_bytes_per_trace: 5_000_000 });
    expect(config({ maxBytesPerTrace: 8_000_000 }).overrides.defaults.global).toEqual({ max_bytes_per_trace: 8_000_000 });
  });

  test('presets differ where the guide says they do', () => {
    const basic = config({ preset: 'basic' });
    const production = config({ preset: 'single-node' });
    expect(basic.ingester.max_block_duration).toBe('5m');
    expect(production.compactor.compaction.block_retention).toBe('48h');
    expect(production.overrides.defaults.ingestion.max_traces_per_user).toBeGreaterThan(basic.overrides.defaults.ingestion.max_traces_per_user);
  });

  test('the builder is pure: the same settings give equal configs', () => {
    expect(config({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite })).toEqual(config({ preset: 'with-metrics',
      metricsRemoteWriteUrl: remoteWrite }));
  });
});

describe('single-node mode', () => {
  test('runs target all with local blocks and the WAL on the volume, and no memberlist', () => {
    const c = config();
    expect(c.target).toBe('all');
    expect(c.storage.trace).toEqual({ backend: 'local', wal: { path: '/var/tempo/wal' }, local: { path: '/var/tempo/blocks' } });
    expect(c.memberlist).toBeUndefined();
    expect(c.ingester.lifecycler).toBeUndefined();
    expect(c.overrides.defaults.ingestion.rate_strategy).toBe('local');
  });

  test('has no metrics-generator unless a preset or prop enables it', () => {
    expect(config().metrics_generator).toBeUndefined();
    expect(config().overrides.defaults.metrics_generator).toBeUndefined();
  });

  test('can run the metrics-generator (with-metrics preset)', () => {
    const c = config({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite });
    expect(c.target).toBe('all');
    expect(c.overrides.defaults.metrics_generator?.processors).toEqual(['service-graphs', 'span-metrics', 'local-blocks']);
  });
});

describe('the metrics-generator', () => {
  const c = config({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite });

  test('processors are enabled through the overrides, in Tempo\'s hyphenated names', () => {
    expect(c.overrides.defaults.metrics_generator).toEqual({ processors: ['service-graphs', 'span-metrics', 'local-blocks'],
      max_active_series: 10_000 });
  });

  test('caps the active series of each generator, 10 000 unless set', () => {
    const set = config({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite, metricsGeneratorMaxActiveSeries: 50_000 });
    expect(set.overrides.defaults.metrics_generator?.max_active_series).toBe(50_000);
    expect(resolveTempoSettings({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite,
      metricsGeneratorMaxActiveSeries: 50_000 }).metricsGeneratorMaxActiveSeries).toBe(50_000);
  });

  test('writes its WAL and local blocks under the volume', () => {
    expect(c.metrics_generator?.storage.path).toBe('/var/tempo/generator/wal');
    expect(c.metrics_generator?.traces_storage.path).toBe('/var/tempo/generator/traces');
  });

  test('remote-writes to the given Prometheus URL with exemplars', () => {
    expect(c.metrics_generator?.storage.remote_write).toEqual([{ url: remoteWrite, send_exemplars: true }]);
  });

  test('a chosen subset of processors is honoured', () => {
    const only = config({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite, metricsGeneratorProcessors: ['service-graphs'] });
    expect(only.overrides.defaults.metrics_generator?.processors).toEqual(['service-graphs']);
  });

  test('an empty processor list turns the generator off', () => {
    const off = config({ preset: 'with-metrics', metricsGeneratorProcessors: [] });
    expect(off.metrics_generator).toBeUndefined();
  });
});

describe('cluster mode', () => {
  const c = config({ mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite });

  test('runs scalable-single-binary (target all would force a private in-memory ring)', () => {
    expect(c.target).toBe('scalable-single-binary');
  });

  test('joins memberlist through the headless gossip Service, never aborting on a failed first join', () => {
    expect(c.memberlist).toMatchObject({
      join_members: ['dns+tempo-gossip.tempo.svc.cluster.local:7946'],
      abort_if_cluster_join_fails: false,
      bind_port: 7946,
    });
  });

  test('the cluster label is unique to the namespace and name', () => {
    expect(c.memberlist?.cluster_label).toBe('tempo.tempo');
    expect(config({ mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite, name: 'traces',
      namespace: 'team-a' }).memberlist?.cluster_label).toBe('team-a.traces');
  });

  test('replicates every trace to three ingesters by default, configurable up to replicas', () => {
    expect(c.ingester.lifecycler?.ring.replication_factor).toBe(3);
    const five = config({
      mode: 'cluster', replicas: 5, replicationFactor: 5, storage: s3, metricsRemoteWriteUrl: remoteWrite,
      resources: { requests: { cpu: '1', memory: '1536Mi' }, limits: { cpu: '2', memory: '4Gi' } },
    });
    expect(five.ingester.lifecycler?.ring.replication_factor).toBe(5);
  });

  test('every ring member is identified by its pod name and reached at its pod IP', () => {
    expect(c.ingester.lifecycler).toMatchObject({ id: '${POD_NAME}', address: '${POD_IP}' });
    for (const ring of [c.distributor.ring, c.compactor.ring, c.metrics_generator?.ring]) {
      expect(ring).toEqual({ kvstore: { store: 'memberlist' }, instance_id: '${POD_NAME}', instance_addr: '${POD_IP}' });
    }
    expect(c.memberlist?.advertise_addr).toBe('${POD_IP}');
  });

  test('queriers reach every query-frontend through the headless Service', () => {
    expect(c.querier.frontend_worker?.frontend_address).toBe('tempo-headless.tempo.svc.cluster.local:9095');
  });

  test('rolling updates lose nothing: live traces are flushed and the stopping member leaves the ring', () => {
    expect(c.ingester.flush_all_on_shutdown).toBe(true);
    expect(c.ingester.lifecycler?.unregister_on_shutdown).toBe(true);
    expect(c.storage.trace.wal.path.startsWith('/var/tempo/')).toBe(true);
  });

  test('the rate limit is shared by all distributors (global strategy) unless local is asked for', () => {
    expect(c.overrides.defaults.ingestion.rate_strategy).toBe('global');
    expect(config({ mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite, rateStrategy: 'local', resources: { requests: { cpu: '1',
      memory: '1Gi' }, limits: { cpu: '2', memory: '8Gi' } } }).overrides.defaults.ingestion.rate_strategy).toBe('local');
  });

  test('blocks go to S3 with credentials left to the environment', () => {
    expect(c.storage.trace.s3).toEqual({
      bucket: 'traces', endpoint: 'minio.tempo.svc.cluster.local:9000', insecure: true, forcepathstyle: true,
    });
    expect(JSON.stringify(c)).not.toMatch(/access_key|secret_key/);
  });
});

describe('object storage backends', () => {
  test('S3 on AWS derives the endpoint from the region', () => {
    const c = config({ storage: { backend: 's3', bucket: 'traces', region: 'eu-west-1' } });
    expect(c.storage.trace.s3).toEqual({ bucket: 'traces', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1', insecure: false,
      forcepathstyle: false });
  });

  test('GCS names the bucket and prefix', () => {
    const c = config({ storage: { backend: 'gcs', bucket: 'traces', prefix: 'tempo' } });
    expect(c.storage.trace).toMatchObject({ backend: 'gcs', gcs: { bucket_name: 'traces', prefix: 'tempo' } });
  });

  test('Azure takes the account key from the environment, or uses workload identity', () => {
    const keyed = config({ storage: { backend: 'azure', container: 'traces', storageAccountName: 'acct', accountKey: { name: 'azure',
      key: 'key' } } });
    expect(keyed.storage.trace.azure).toMatchObject({ container_name: 'traces', storage_account_name: 'acct',
      storage_account_key: '${AZURE_STORAGE_KEY}' });
    const federated = config({ storage: { backend: 'azure', container: 'traces', storageAccountName: 'acct' } });
    expect(federated.storage.trace.azure).toMatchObject({ use_federated_token: true });
    expect(federated.storage.trace.azure).not.toHaveProperty('storage_account_key');
  });
});
