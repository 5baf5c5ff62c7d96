import * as yaml from 'js-yaml';
import {
  GC_HEADROOM, PER_TRACE_OVERHEAD_BYTES, TempoProps, buildTempoConfig, buildTenantOverrides, resolveTempoSettings,
} from '../../charts/tempo';
import { unknownTempoKeys } from '../support/tempo-keys';
import { find, remoteWrite, s3, synthTempo } from '../helpers';

const settings = (props: TempoProps) => resolveTempoSettings({ namespace: 'tempo', ...props });
const cluster: TempoProps = { mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remoteWrite, resources: { limits: { memory: '8Gi' } } };

describe('tenants: ids and limits', () => {
  test('without tenants multitenancy stays off and no overrides file is named', () => {
    const c = buildTempoConfig(settings({}));
    expect(c.multitenancy_enabled).toBeUndefined();
    expect(c.overrides.per_tenant_override_config).toBeUndefined();
  });

  test('tenants turn on multitenancy and point Tempo at the runtime overrides file', () => {
    const c = buildTempoConfig(settings({ ...cluster, tenants: [{ id: 'team-a' }, { id: 'team-b' }] }));
    expect(c.multitenancy_enabled).toBe(true);
    expect(c.overrides.per_tenant_override_config).toBe('/runtime-config/overrides.yaml');
    expect(c.metrics_generator?.registry).toEqual({ inject_tenant_id_as: 'tenant' });
    expect(unknownTempoKeys(c)).toEqual([]);
  });

  test('tenants that set no rate share the planned rate evenly and inherit the stack\'s other limits', () => {
    const base = settings(cluster);
    const s = settings({ ...cluster, tenants: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
    for (const t of s.tenants!) {
      expect(t.rateLimitBytes).toBe(Math.ceil(base.capacity.rateLimitBytes / 3));
      expect(t.maxBytesPerTrace).toBe(base.maxBytesPerTrace);
      expect(t.blockRetention).toBe(base.blockRetention);
      expect(t.metricsGeneratorProcessors).toEqual(base.metricsGeneratorProcessors);
    }
  });

  test('a tenant\'s own rate raises its live-trace limit in proportion, and its memory with it', () => {
    const tenants = [{ id: 'small', ingestionRateLimitBytes: 1_000_000 }, { id: 'big', ingestionRateLimitBytes: 4_000_000 }];
    const s = settings({ ...cluster, tenants });
    const [small, big] = s.tenants!;
    expect(big.maxTracesPerUser).toBeGreaterThan(small.maxTracesPerUser);
    // Every admitted byte of the smallest traces fits the live-trace limit.
    for (const t of s.tenants!) {
      expect(t.maxTracesPerUser * s.capacity.smallestTraceBytes).toBeGreaterThanOrEqual(t.admittedBytesPerIngester);
      expect(t.memoryBytesPerIngester).toBe(GC_HEADROOM * t.maxTracesPerUser * (s.capacity.smallestTraceBytes + PER_TRACE_OVERHEAD_BYTES));
    }
  });

  test.each([
    ['a space', 'team a'],
    ['a pipe (the cross-tenant separator)', 'a|b'],
    ['a colon', 'team:a'],
    ['the wildcard', '*'],
    ['a dot alone', '.'],
    ['an empty id', ''],
    ['151 characters', 'x'.repeat(151)],
  ])('a tenant id with %s is refused as a header value Tempo does not accept', (_what, id) => {
    expect(() => settings({ tenants: [{ id }] })).toThrow(/^tempo: 'tenants\[0\]\.id' must be a tenant id Tempo accepts in the X-Scope-OrgID header/);
  });

  test('Tempo\'s other tenant-id characters are accepted', () => {
    expect(settings({ tenants: [{ id: "Team_1.prod-(eu)!'*" }] }).tenants![0].id).toBe("Team_1.prod-(eu)!'*");
  });

  test('a duplicate tenant is refused, naming the first', () => {
    expect(() => settings({ tenants: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }))
      .toThrow("tempo: 'tenants[2].id' is already used by tenants[0], got 'a'; give every tenant its own id");
  });

  test('an empty tenant list is refused', () => {
    expect(() => settings({ tenants: [] })).toThrow(/^tempo: 'tenants' must list at least one tenant/);
  });

  test('a live-trace limit below what the tenant\'s rate fills is refused (Tempo would drop spans after a 200)', () => {
    expect(() => settings({ tenants: [{ id: 'a', maxTracesPerUser: 10 }] }))
      .toThrow(/^tempo: 'tenants\[0\]\.maxTracesPerUser' is below the \d+ live traces tenant 'a''s rate limit can fill/);
  });

  test('a processor the stack does not run is refused for a tenant', () => {
    expect(() => settings({ preset: 'single-node', tenants: [{ id: 'a', metricsGeneratorProcessors: ['span-metrics'] }] }))
      .toThrow(/^tempo: 'tenants\[0\]\.metricsGeneratorProcessors\[0\]' is not among the stack's metricsGeneratorProcessors/);
  });

  test('tenants whose rates together do not fit the memory limit are refused, naming the tenant that tips it', () => {
    const props: TempoProps = {
      preset: 'single-node',
      tenants: [{ id: 'a', ingestionRateLimitBytes: 1_000_000 }, { id: 'greedy', ingestionRateLimitBytes: 200_000_000 }],
    };
    expect(() => settings(props))
      .toThrow(new RegExp("^tempo: 'tenants\\[1\\]' does not fit: tenants 'a', 'greedy' together admit .* "
        + "more than resources\\.limits\\.memory \\(2560Mi\\), got 'greedy'; raise resources\\.limits\\.memory to at least \\d+Mi"));
  });

  test('the memory check sums the tenants: each fits alone, three together do not', () => {
    const one = { id: 'a', ingestionRateLimitBytes: 8_000_000 };
    expect(() => settings({ preset: 'single-node', tenants: [one] })).not.toThrow();
    expect(() => settings({ preset: 'single-node', tenants: [one, { ...one, id: 'b' }, { ...one, id: 'c' }] }))
      .toThrow(/'tenants\[\d\]' does not fit/);
  });
});

describe('tenants: the runtime overrides file', () => {
  const s = settings({
    ...cluster, tenants: [{ id: 'team-a', blockRetention: '72h' }, { id: 'team-b', metricsGeneratorProcessors: ['span-metrics'] }],
  });
  const file = buildTenantOverrides(s.tenants!, s.capacity.rateStrategy, true, s.blockRetention);

  test('is in the new overrides format only, every entry a valid overrides.defaults block', () => {
    expect(Object.keys(file)).toEqual(['overrides']);
    for (const [tenant, entry] of Object.entries(file.overrides)) {
      expect([tenant, unknownTempoKeys({ overrides: { defaults: entry } })]).toEqual([tenant, []]);
      // No legacy (flat) key such as ingestion_rate_limit_bytes.
      expect(Object.keys(entry).every((k) => ['ingestion', 'global', 'compaction', 'metrics_generator'].includes(k))).toBe(true);
    }
  });

  test('writes every tenant\'s entry complete (Tempo does not inherit defaults for a listed tenant)', () => {
    const a = file.overrides['team-a'];
    expect(a.ingestion).toEqual({
      rate_strategy: 'global', rate_limit_bytes: s.tenants![0].rateLimitBytes, burst_size_bytes: s.tenants![0].burstSizeBytes,
      max_traces_per_user: s.tenants![0].maxTracesPerUser,
    });
    expect(a.global.max_bytes_per_trace).toBe(s.maxBytesPerTrace);
    expect(a.compaction.block_retention).toBe('72h');
    expect(file.overrides['team-b'].metrics_generator).toEqual({ processors: ['span-metrics'], max_active_series: 10_000 });
  });

  test('refuses unlisted tenants: the wildcard admits nothing but keeps old blocks for the stack\'s retention', () => {
    const wildcard = file.overrides['*'];
    expect(wildcard.ingestion.rate_limit_bytes).toBe(0);
    expect(wildcard.ingestion.burst_size_bytes).toBe(0);
    expect(wildcard.compaction.block_retention).toBe(s.blockRetention);
    expect(wildcard.metrics_generator?.processors).toEqual([]);
  });

  test('lives in its own ConfigMap, mounted as a directory, outside the config hash', () => {
    const tenants = [{ id: 'team-a' }];
    const before = synthTempo({ tenants }).objects;
    const after = synthTempo({ tenants: [{ id: 'team-a', blockRetention: '96h' }] }).objects;
    const overrides = yaml.load(find(after, 'ConfigMap', 'tempo-overrides').data['overrides.yaml']) as any;
    expect(overrides.overrides['team-a'].compaction.block_retention).toBe('96h');
    const pod = (objects: any[]) => find(objects, 'StatefulSet', 'tempo').spec.template;
    // A tenant's change reaches Tempo through the reload, not by rolling the pods.
    expect(pod(after).metadata.annotations).toEqual(pod(before).metadata.annotations);
    const container = pod(after).spec.containers[0];
    expect(container.volumeMounts).toContainEqual({ name: 'overrides', mountPath: '/runtime-config', readOnly: true });
    expect(container.volumeMounts.find((m: any) => m.name === 'overrides').subPath).toBeUndefined();
    expect(pod(after).spec.volumes).toContainEqual({ name: 'overrides', configMap: { name: 'tempo-overrides' } });
  });

  test('configOverrides cannot rewire the tenants\' keys', () => {
    expect(() => settings({ configOverrides: { multitenancy_enabled: false } }))
      .toThrow(/^tempo: 'configOverrides\.multitenancy_enabled' cannot be overridden/);
    expect(() => settings({ configOverrides: { overrides: { per_tenant_override_config: '/x.yaml' } } }))
      .toThrow(/^tempo: 'configOverrides\.overrides\.per_tenant_override_config' cannot be overridden/);
  });
});
