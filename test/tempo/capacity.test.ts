import { TEMPO_DEFAULT_LIMITS, SPANS_PER_CORE, planCapacity, resolveLoad, resolveTempoSettings } from '../../charts/tempo';

const single = { replicas: 1, replicationFactor: 1, metricsGenerator: false };

describe('capacity planning', () => {
  test('the default limits discard most spans at the load the design measured (7 000 traces/s of 10 spans)', () => {
    // What a limit of 10 000 live traces can hold: the design measured 83 % dropped at this load.
    const plan = planCapacity(resolveLoad({ tracesPerSecond: 7000, spansPerTrace: 10, headroom: 1 }), single);
    expect(plan.maxTracesPerUser).toBeGreaterThan(TEMPO_DEFAULT_LIMITS.maxTracesPerUser * 10);
  });

  test('live traces cover the trace duration, the idle period and one flush check, times headroom', () => {
    const plan = planCapacity(resolveLoad({ tracesPerSecond: 1000, traceDurationSeconds: 5, headroom: 2 }), single);
    expect(plan.maxTracesPerUser).toBe(1000 * 2 * (5 + 10 + 10));
  });

  test('the byte rate limit is the planned byte rate, and the burst one and a half times it', () => {
    const plan = planCapacity(resolveLoad({ tracesPerSecond: 2000, spansPerTrace: 10, bytesPerSpan: 500, headroom: 2 }), single);
    expect(plan.rateLimitBytes).toBe(2000 * 2 * 10 * 500);
    expect(plan.burstSizeBytes).toBe(plan.rateLimitBytes * 1.5);
    expect(plan.rateStrategy).toBe('local');
  });

  test('a small load never lowers Tempo\'s own defaults', () => {
    const plan = planCapacity(resolveLoad({ tracesPerSecond: 1 }), single);
    expect(plan.maxTracesPerUser).toBe(TEMPO_DEFAULT_LIMITS.maxTracesPerUser);
    expect(plan.rateLimitBytes).toBe(TEMPO_DEFAULT_LIMITS.rateLimitBytes);
    expect(plan.burstSizeBytes).toBe(TEMPO_DEFAULT_LIMITS.burstSizeBytes);
  });

  test('in a cluster each ingester holds replicationFactor/replicas of the live traces', () => {
    const load = resolveLoad({ tracesPerSecond: 3000 });
    const three = planCapacity(load, { replicas: 3, replicationFactor: 3, metricsGenerator: false });
    const six = planCapacity(load, { replicas: 6, replicationFactor: 3, metricsGenerator: false });
    expect(three.maxTracesPerUser).toBe(3000 * 2 * 25);
    expect(six.maxTracesPerUser).toBe(three.maxTracesPerUser / 2);
    expect(six.cpuCoresPerReplica).toBeCloseTo(three.cpuCoresPerReplica / 2);
  });

  test('in a cluster the rate limit is global, and each distributor\'s share still takes the whole load', () => {
    // A gRPC client pins one connection to one distributor; global divides the limit by replicas.
    const load = resolveLoad({ tracesPerSecond: 3000, spansPerTrace: 10, bytesPerSpan: 500, headroom: 2 });
    for (const replicas of [3, 6]) {
      const plan = planCapacity(load, { replicas, replicationFactor: 3, metricsGenerator: false });
      expect(plan.rateStrategy).toBe('global');
      expect(plan.rateLimitBytes / replicas).toBe(3000 * 2 * 10 * 500);
    }
  });

  test('the metrics-generator adds memory per replica', () => {
    const load = resolveLoad({ tracesPerSecond: 100 });
    expect(planCapacity(load, { ...single, metricsGenerator: true }).memoryBytesPerReplica)
      .toBeGreaterThan(planCapacity(load, single).memoryBytesPerReplica);
  });
});

describe('presets fit their declared load', () => {
  test('the production single node keeps every span of 2 000 traces/s x 10 spans with 2x headroom', () => {
    const s = resolveTempoSettings({ preset: 'single-node' });
    const planned = s.load.tracesPerSecond * s.load.spansPerTrace * s.load.headroom;
    expect(planned).toBe(40_000);
    // Under what one 2-core node was measured to keep (47 500 spans/s).
    expect(planned).toBeLessThanOrEqual(47_500);
    expect(s.capacity.cpuCoresPerReplica).toBeLessThanOrEqual(2);
    expect(s.capacity.maxTracesPerUser).toBeGreaterThanOrEqual(s.load.tracesPerSecond * s.load.headroom * 20);
    expect(s.capacity.rateLimitBytes).toBeGreaterThanOrEqual(planned * s.load.bytesPerSpan);
  });

  test('the seed\'s resources are the production single node\'s, and its memory limit covers the plan', () => {
    const s = resolveTempoSettings({ preset: 'single-node' });
    expect(s.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(s.capacity.memoryBytesPerReplica).toBeLessThan(2 * 2 ** 30);
  });

  test('a core is rated from the measured throughput, rounded down', () => {
    expect(SPANS_PER_CORE * 2).toBeLessThanOrEqual(47_500);
  });
});
