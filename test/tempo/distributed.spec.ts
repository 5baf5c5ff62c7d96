import { TempoProps, TempoStorage, resolveTempoSettings } from '../../charts/tempo';
import { buildComponentConfig, distributedAddresses } from '../../charts/tempo/distributed/config';
import { TEMPO_COMPONENTS, TempoComponent, planDistributedCapacity } from '../../charts/tempo/distributed/sizing';
import { unknownTempoKeys } from '../support/tempo-keys';
import { remoteWrite, s3 } from '../helpers';

const base: TempoProps = {
  mode: 'distributed', namespace: 'tempo', storage: s3, metricsRemoteWriteUrl: remoteWrite, expectedLoad: { tracesPerSecond: 500 },
};
const settings = (props: TempoProps = {}) => resolveTempoSettings({ ...base, ...props });
const components = (props: TempoProps = {}) => Object.keys(settings(props).distributed!.components) as TempoComponent[];

describe('distributed mode: per-target tempo.yaml', () => {
  const secret = { name: 'creds', key: 'k' };
  const storages: TempoStorage[] = [
    s3!,
    { backend: 'gcs', bucket: 'tempo-traces', credentials: secret },
    { backend: 'azure', container: 'tempo-traces', storageAccountName: 'tempoaccount', accountKey: secret },
  ];
  const variants: Array<[string, TempoProps]> = [
    ...storages.map((storage): [string, TempoProps] => [`with-metrics on ${storage.backend}`, { storage }]),
    ['without the generator', { preset: 'single-node' }],
    ['with tenants and zones', { tenants: [{ id: 'a' }, { id: 'b' }], components: { ingester: { zones: ['z1', 'z2', 'z3'] } } }],
  ];
  const cases = variants.flatMap(([what, props]) => components(props).map((c): [string, TempoComponent, TempoProps] => [what, c, props]));

  test.each(cases)('%s: the %s config uses only Tempo 2.6.1 keys and runs its own target', (_what, component, props) => {
    const s = settings(props);
    const config = buildComponentConfig(s, component, s.distributed!.zones[0]);
    expect(unknownTempoKeys(config)).toEqual([]);
    expect(config.target).toBe(component);
  });

  test('every component joins one gossip ring through the gossip Service, with a cluster label', () => {
    const s = settings();
    const { gossipService } = distributedAddresses(s);
    for (const c of TEMPO_COMPONENTS) {
      const m = buildComponentConfig(s, c).memberlist as any;
      expect(m.join_members).toEqual([`dns+${gossipService}.tempo.svc.cluster.local:7946`]);
      expect(m.cluster_label).toBe('tempo.tempo');
      expect(m.abort_if_cluster_join_fails).toBe(false);
    }
  });

  test('queriers dial the query-frontend discovery Service on gRPC', () => {
    const s = settings();
    const q = buildComponentConfig(s, 'querier').querier as any;
    expect(q.frontend_worker.frontend_address).toBe(`${distributedAddresses(s).queryFrontendDiscoveryService}.tempo.svc.cluster.local:9095`);
  });

  test('each component carries only its own section besides the common ones', () => {
    const s = settings();
    const own: Record<TempoComponent, string> = {
      distributor: 'distributor', ingester: 'ingester', 'metrics-generator': 'metrics_generator', querier: 'querier',
      'query-frontend': 'query_frontend', compactor: 'compactor',
    };
    for (const c of TEMPO_COMPONENTS) {
      const config = buildComponentConfig(s, c);
      for (const [other, key] of Object.entries(own)) {
        if (other === c) expect([c, key, config[key] !== undefined]).toEqual([c, key, true]);
        else if (!['ingester', 'metrics_generator'].includes(key)) expect([c, key, config[key]]).toEqual([c, key, undefined]);
      }
    }
    // The OTLP receivers run on distributors only.
    expect((buildComponentConfig(s, 'distributor').distributor as any).receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
  });

  test('the ring clients (distributors, queriers, generators) know the replication factor; only ingesters register', () => {
    const s = settings({ replicationFactor: 3 });
    for (const c of ['distributor', 'querier', 'metrics-generator'] as const) {
      const ing = buildComponentConfig(s, c).ingester as any;
      expect(ing.lifecycler).toEqual({ ring: { replication_factor: 3, kvstore: { store: 'memberlist' } } });
    }
    const ingester = (buildComponentConfig(s, 'ingester').ingester as any).lifecycler;
    expect(ingester).toMatchObject({ id: '${POD_NAME}', address: '${POD_IP}', ring: { replication_factor: 3 } });
  });

  test('zone-aware ingesters name their zone and every ring client turns zone awareness on', () => {
    const s = settings({ components: { ingester: { zones: ['eu-1a', 'eu-1b', 'eu-1c'] } } });
    const ingester = (buildComponentConfig(s, 'ingester', 'eu-1b').ingester as any).lifecycler;
    expect(ingester.availability_zone).toBe('eu-1b');
    expect(ingester.ring.zone_awareness_enabled).toBe(true);
    expect((buildComponentConfig(s, 'distributor').ingester as any).lifecycler.ring.zone_awareness_enabled).toBe(true);
  });

  test('the user\'s configOverrides reach every component', () => {
    const s = settings({ configOverrides: { server: { log_format: 'json' } } });
    for (const c of TEMPO_COMPONENTS) expect((buildComponentConfig(s, c).server as any).log_format).toBe('json');
  });
});

describe('distributed mode: settings and the capacity guarantee per component', () => {
  test('without the generator there is no metrics-generator workload', () => {
    expect(components({ preset: 'single-node' })).not.toContain('metrics-generator');
    expect(components()).toContain('metrics-generator');
  });

  test('distributors share a global rate limit: each admits rate / distributors', () => {
    const s = settings({ components: { distributor: { replicas: 4 } } });
    expect(s.capacity.rateStrategy).toBe('global');
    expect(s.distributed!.capacity.distributorBytesPerSecond).toBe(s.capacity.rateLimitBytes / 4);
  });

  test('ingesters are sized for the most distributors the autoscaler may run', () => {
    const fixed = settings({ components: { distributor: { replicas: 2 } } }).distributed!.capacity;
    const scaled = settings({ components: { distributor: { autoscaling: { minReplicas: 2, maxReplicas: 10 } } } }).distributed!.capacity;
    expect(scaled.distributors).toBe(10);
    expect(scaled.maxTracesPerUser).toBeGreaterThan(fixed.maxTracesPerUser);
  });

  // A cheap grid: loads x ingesters x distributors; every admitted byte of the smallest traces fits.
  const grid = [100, 2000, 20000].flatMap((tps) => [3, 5, 12].flatMap((ingesters) => [2, 6].map((d) => [tps, ingesters, d] as const)));
  const what = '%d traces/s, %d ingesters, %d distributors: what the limiter admits fits the live-trace limit and the memory';
  test.each(grid)(what, (tps, ingesters, d) => {
    const load = { tracesPerSecond: tps, spansPerTrace: 10, bytesPerSpan: 500, minBytesPerSpan: 100, traceDurationSeconds: 5, headroom: 2 };
    const c = planDistributedCapacity(load, d, ingesters, 3, { traceIdlePeriodSeconds: 10, flushCheckPeriodSeconds: 5 });
    // The most one ingester can be handed in a live window: every distributor's share plus its burst, RF copies spread over the ingesters.
    const window = c.rateLimitBytes * c.liveWindowSeconds + c.burstSizeBytes * d;
    expect(c.admittedBytesPerIngester).toBeGreaterThanOrEqual(window * Math.min(1, 3 / ingesters));
    expect(c.maxTracesPerUser * c.smallestTraceBytes).toBeGreaterThanOrEqual(c.admittedBytesPerIngester);
    expect(c.ingesterMemoryBytes).toBeGreaterThanOrEqual(2 * c.maxTracesPerUser * c.smallestTraceBytes);
  });

  test('a memory limit below what the ingesters must hold is refused, naming the component', () => {
    expect(() => settings({ components: { ingester: { resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } } } } }))
      .toThrow(/^tempo: 'components\.ingester\.resources\.limits\.memory' cannot hold what the rate limit admits/);
  });

  test('resource errors name their component', () => {
    expect(() => settings({ components: { querier: { resources: { limits: { memory: '100Mi' } } } } }))
      .toThrow(/^tempo: 'components\.querier\.resources\.limits\.memory' must not be below the memory request/);
  });

  test.each([
    ['fewer ingesters than the replication factor', { components: { ingester: { replicas: 2 } } },
      /'components\.ingester\.replicas' must be at least the replication factor \(3\), got 2/],
    ['fewer zones than the replication factor', { components: { ingester: { zones: ['a', 'b'] } } },
      /'components\.ingester\.zones' must name at least as many zones as the replication factor \(3\)/],
    ['a zone listed twice', { components: { ingester: { zones: ['a', 'b', 'a'] } } }, /'components\.ingester\.zones\[2\]' is listed twice/],
    ['an autoscaled ingester', { components: { ingester: { autoscaling: { minReplicas: 3, maxReplicas: 6 } } as any } },
      /'components\.ingester\.autoscaling' is only offered for distributors and queriers/],
    ['replicas together with autoscaling', { components: { querier: { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } } } },
      /'components\.querier\.replicas' cannot be set together with autoscaling/],
    ['an autoscaler whose maximum is under its minimum', { components: { distributor: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } } },
      /'components\.distributor\.autoscaling\.maxReplicas' must be a whole number from 4 to 999, got 2/],
    ['local storage', { storage: { backend: 'local' } }, /'storage\.backend' must be object storage \(s3, gcs or azure\) in distributed mode/],
    ['the local rate strategy', { rateStrategy: 'local' }, /'rateStrategy' must be 'global' in distributed mode/],
    ['one replica count for all', { replicas: 3 }, /'replicas' does not apply in distributed mode/],
  ] as Array<[string, TempoProps, RegExp]>)('refuses %s', (_what, props, message) => {
    expect(() => settings(props)).toThrow(message);
  });

  test('components are refused outside distributed mode', () => {
    expect(() => resolveTempoSettings({ components: { ingester: { replicas: 3 } } })).toThrow(/^tempo: 'components' is only for mode 'distributed'/);
  });

  test('zones round the ingesters up to a whole number per zone', () => {
    const d = settings({ components: { ingester: { replicas: 4, zones: ['a', 'b', 'c'] } } }).distributed!;
    expect(d.ingestersPerZone).toBe(2);
    expect(d.components.ingester!.replicas).toBe(6);
  });
});
