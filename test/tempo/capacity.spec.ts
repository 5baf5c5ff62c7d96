import { buildComponentConfig } from '../../charts/tempo/distributed/config';
import {
  BASELINE_MEMORY_BYTES, GC_HEADROOM, GENERATOR_MEMORY_BYTES, PER_TRACE_OVERHEAD_BYTES, RING_IMBALANCE, SPANS_PER_CORE, TempoMode,
  TempoPresetName, TempoProps, Topology, buildTempoConfig, planCapacity, resolveLoad, resolveTempoSettings,
} from '../../charts/tempo';
import { formatMiB } from '../../charts/shared/validate';
import { remoteWrite, s3 } from '../helpers';

const single: Topology = { replicas: 1, replicationFactor: 1, metricsGenerator: false, rateStrategy: 'local', traceIdlePeriodSeconds: 10,
  flushCheckPeriodSeconds: 5 };

/**
 * Replays what Tempo does, step by step, independently of the formulas in capacity.ts: every
 * distributor runs a token bucket (refilled at `rate`, holding at most `burst`, full at the start)
 * and admits whole traces of `traceBytes` as fast as the bucket allows, the worst sender there is.
 * Each trace's last span comes `duration` seconds after its first; the ingester sweeps every
 * `check` seconds and cuts traces idle for longer than `idle`. Returns the most traces live at
 * once across the cluster, before the ring splits them among ingesters.
 */
function simulatePeakLiveTraces(o: {
  distributors: number; rate: number; burst: number; traceBytes: number; duration: number; idle: number; check: number }): number {
  const dt = 0.05;
  const window = o.duration + o.idle + o.check;
  const steps = Math.ceil((4 * window) / dt);
  const cuts: Array<{ at: number; count: number }> = [];
  let head = 0;
  let live = 0;
  let peak = 0;
  let tokens = o.burst;
  for (let i = 0; i <= steps; i++) {
    const t = i * dt;
    if (i > 0) tokens = Math.min(o.burst, tokens + o.rate * dt);
    const admitted = Math.floor(tokens / o.traceBytes);
    tokens -= admitted * o.traceBytes;
    if (admitted > 0) {
      // Cut at the first sweep that finds the trace idle for longer than `idle` after its last span.
      const idleFrom = t + o.duration + o.idle;
      const at = (Math.floor(idleFrom / o.check + 1e-9) + 1) * o.check;
      cuts.push({ at, count: admitted * o.distributors });
      live += admitted * o.distributors;
    }
    while (head < cuts.length && cuts[head].at <= t) live -= cuts[head++].count;
    peak = Math.max(peak, live);
  }
  return peak;
}

describe('the invariant: whatever the rate limit admits fits the live-trace limit and the memory', () => {
  const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100000', memory: '10000Ti' } };
  const cases: Array<[string, TempoProps]> = [];
  for (const mode of ['single-node', 'cluster'] as TempoMode[]) {
    for (const preset of ['basic', 'single-node', 'with-metrics'] as TempoPresetName[]) {
      for (const [replicas, rateStrategy] of mode === 'cluster'
        ? [[2, 'global'], [3, 'global'], [3, 'local'], [5, 'global'], [9, 'global'], [9, 'local']] as const
        : [[1, 'local']] as const) {
        for (const tracesPerSecond of [10, 2000, 30_000]) {
          for (const spansPerTrace of [1, 10, 60]) {
            for (const [bytesPerSpan, minBytesPerSpan] of [[500, 40], [500, 100], [2000, 2000]]) {
              const props: TempoProps = {
                mode, preset, replicas, rateStrategy, resources, metricsRemoteWriteUrl: remoteWrite,
                expectedLoad: { tracesPerSecond, spansPerTrace, bytesPerSpan, minBytesPerSpan },
                ...(mode === 'cluster' ? { storage: s3 } : {}),
              };
              cases.push([`${mode} ${preset} x${replicas} ${rateStrategy}: ${tracesPerSecond} traces/s of `
                + `${spansPerTrace} x ${minBytesPerSpan}-${bytesPerSpan} B`, props]);
            }
          }
        }
      }
    }
  }

  test(`holds over a grid of ${cases.length} loads, span sizes, replica counts, strategies and presets`, () => {
    const failures: string[] = [];
    for (const [name, props] of cases) {
      const s = resolveTempoSettings(props);
      const c = s.capacity;
      const ingestion = buildTempoConfig(s).overrides.defaults.ingestion;
      const distributors = s.replicas;
      const traceBytes = s.load.spansPerTrace * s.load.minBytesPerSpan;
      const peakCluster = simulatePeakLiveTraces({
        distributors,
        // What each distributor's bucket refills at, read back from the written tempo.yaml.
        rate: ingestion.rate_strategy === 'global' ? ingestion.rate_limit_bytes / distributors : ingestion.rate_limit_bytes,
        burst: ingestion.burst_size_bytes,
        traceBytes,
        duration: s.load.traceDurationSeconds,
        idle: parseFloat(s.ingesterTraceIdlePeriod),
        check: parseFloat(s.ingesterFlushCheckPeriod),
      });
      // With replicas equal to the replication factor every ingester holds every trace; otherwise
      // its ring share, with the token imbalance allowance.
      const share = s.replicationFactor >= s.replicas ? 1 : (s.replicationFactor / s.replicas) * RING_IMBALANCE;
      const peakPerIngester = Math.ceil(peakCluster * share);
      const memory = BASELINE_MEMORY_BYTES + (s.metricsGeneratorProcessors.length > 0 ? GENERATOR_MEMORY_BYTES : 0)
        + GC_HEADROOM * peakPerIngester * (traceBytes + PER_TRACE_OVERHEAD_BYTES);
      if (peakPerIngester > ingestion.max_traces_per_user) failures.push(
        `${name}: ${peakPerIngester} live traces > max_traces_per_user ${ingestion.max_traces_per_user}`);
      if (memory > c.memoryBytesPerReplica) failures.push(`${name}: needs ${memory} B > planned ${c.memoryBytesPerReplica} B`);
      // The bound is tight enough to be worth its memory: the worst sender reaches most of it.
      if (peakPerIngester < 0.8 * ingestion.max_traces_per_user) failures.push(
        `${name}: peak ${peakPerIngester} far below the limit ${ingestion.max_traces_per_user}`);
    }
    expect(failures).toEqual([]);
  });

  // Distributed mode: distributors and ingesters scale apart, so both counts vary.
  const distributedCases: Array<[string, TempoProps]> = [];
  for (const preset of ['single-node', 'with-metrics'] as TempoPresetName[]) {
    for (const [distributors, ingesters] of [[2, 3], [2, 7], [5, 3], [6, 12]] as const) {
      for (const tracesPerSecond of [10, 2000, 30_000]) {
        for (const [spansPerTrace, bytesPerSpan, minBytesPerSpan] of [[1, 500, 40], [10, 500, 100], [60, 2000, 2000]] as const) {
          distributedCases.push([`distributed ${preset} ${distributors} distributors, ${ingesters} ingesters: ${tracesPerSecond} traces/s of `
            + `${spansPerTrace} x ${minBytesPerSpan}-${bytesPerSpan} B`, {
            mode: 'distributed', preset, storage: s3, metricsRemoteWriteUrl: remoteWrite,
            expectedLoad: { tracesPerSecond, spansPerTrace, bytesPerSpan, minBytesPerSpan },
            components: { distributor: { replicas: distributors }, ingester: { replicas: ingesters, resources } },
          }]);
        }
      }
    }
  }

  test(`holds in distributed mode over a grid of ${distributedCases.length} loads, distributor and ingester counts`, () => {
    const failures: string[] = [];
    for (const [name, props] of distributedCases) {
      const s = resolveTempoSettings(props);
      const d = s.distributed!;
      // The limits as the distributors and ingesters read them from their own tempo.yaml.
      const ingestion = (buildComponentConfig(s, 'distributor').overrides as any).defaults.ingestion;
      expect((buildComponentConfig(s, 'ingester').overrides as any).defaults.ingestion).toEqual(ingestion);
      const distributors = d.capacity.distributors;
      const traceBytes = s.load.spansPerTrace * s.load.minBytesPerSpan;
      const peakCluster = simulatePeakLiveTraces({
        distributors,
        rate: ingestion.rate_limit_bytes / distributors,
        burst: ingestion.burst_size_bytes,
        traceBytes,
        duration: s.load.traceDurationSeconds,
        idle: parseFloat(s.ingesterTraceIdlePeriod),
        check: parseFloat(s.ingesterFlushCheckPeriod),
      });
      const ingesters = d.components.ingester!.replicas;
      const share = d.replicationFactor >= ingesters ? 1 : (d.replicationFactor / ingesters) * RING_IMBALANCE;
      const peakPerIngester = Math.ceil(peakCluster * share);
      // The generator runs in its own pods: the ingesters' memory is the baseline and the live traces.
      const memory = BASELINE_MEMORY_BYTES + GC_HEADROOM * peakPerIngester * (traceBytes + PER_TRACE_OVERHEAD_BYTES);
      if (ingestion.rate_strategy !== 'global') failures.push(`${name}: rate_strategy ${ingestion.rate_strategy}`);
      if (peakPerIngester > ingestion.max_traces_per_user) failures.push(
        `${name}: ${peakPerIngester} live traces > max_traces_per_user ${ingestion.max_traces_per_user}`);
      if (memory > d.capacity.ingesterMemoryBytes) failures.push(`${name}: needs ${memory} B > planned ${d.capacity.ingesterMemoryBytes} B`);
      if (peakPerIngester < 0.8 * ingestion.max_traces_per_user) failures.push(
        `${name}: peak ${peakPerIngester} far below the limit ${ingestion.max_traces_per_user}`);
    }
    expect(failures).toEqual([]);
  });

  test('a memory limit one MiB below the plan fails synth for every case, naming the prop', () => {
    for (const [, props] of cases.filter((_, i) => i % 37 === 0)) {
      const need = resolveTempoSettings(props).capacity.memoryBytesPerReplica;
      const tight = { requests: resources.requests, limits: { cpu: '1000', memory: `${Math.ceil(need / 2 ** 20) - 1}Mi` } };
      expect(() => resolveTempoSettings({ ...props,
        resources: tight })).toThrow(`tempo: 'resources.limits.memory' cannot hold what the rate limit admits`);
      expect(() => resolveTempoSettings({ ...props, resources: { ...tight, limits: { cpu: '1000', memory: formatMiB(need) } } })).not.toThrow();
    }
  });

  test('the issue-10 load (13 600 traces/s of ten 100-byte spans) fits the single-node preset, and twice it is refused by the rate limit', () => {
    const s = resolveTempoSettings({ preset: 'single-node' });
    const ingestion = buildTempoConfig(s).overrides.defaults.ingestion;
    const offered = 13_600 * 10 * 100;
    expect(offered).toBeLessThan(ingestion.rate_limit_bytes);
    // All admitted, and sent in one request per trace: live for at most the idle period and one sweep.
    expect(13_600 * (10 + 5)).toBeLessThan(ingestion.max_traces_per_user);
    // Twice the load: what the bucket lets through over a 20 s window still fits.
    expect(2 * offered).toBeGreaterThan(ingestion.rate_limit_bytes);
    expect((ingestion.rate_limit_bytes * 20 + ingestion.burst_size_bytes) / (10 * 100)).toBeLessThanOrEqual(ingestion.max_traces_per_user);
  });
});

describe('capacity planning', () => {
  test('the live window is the trace duration, trace_idle_period and one flush_check_period', () => {
    expect(planCapacity(resolveLoad({ tracesPerSecond: 100, traceDurationSeconds: 3 }), single).liveWindowSeconds).toBe(3 + 10 + 5);
    expect(planCapacity(resolveLoad({ tracesPerSecond: 100 }), { ...single, traceIdlePeriodSeconds: 2,
      flushCheckPeriodSeconds: 1 }).liveWindowSeconds).toBe(5 + 2 + 1);
  });

  test('shorter sweeps hold fewer live traces for the same rate limit', () => {
    const load = resolveLoad({ tracesPerSecond: 2000 });
    const tempoDefaults = planCapacity(load, { ...single, flushCheckPeriodSeconds: 10 });
    const tuned = planCapacity(load, single);
    expect(tuned.rateLimitBytes).toBe(tempoDefaults.rateLimitBytes);
    expect(tuned.maxTracesPerUser).toBeLessThan(tempoDefaults.maxTracesPerUser);
  });

  test('smaller spans mean more live traces for the same byte rate', () => {
    const small = planCapacity(resolveLoad({ tracesPerSecond: 2000, minBytesPerSpan: 50 }), single);
    const large = planCapacity(resolveLoad({ tracesPerSecond: 2000, minBytesPerSpan: 500 }), single);
    expect(small.rateLimitBytes).toBe(large.rateLimitBytes);
    expect(small.maxTracesPerUser).toBe(large.maxTracesPerUser * 10);
  });

  test('the smallest span defaults to 100 bytes, or the average if that is smaller', () => {
    expect(resolveLoad({ tracesPerSecond: 1 }).minBytesPerSpan).toBe(100);
    expect(resolveLoad({ tracesPerSecond: 1, bytesPerSpan: 60 }).minBytesPerSpan).toBe(60);
  });

  test('the rate limit is the planned byte rate even below Tempo\'s default, so overload is refused', () => {
    const plan = planCapacity(resolveLoad({ tracesPerSecond: 50, spansPerTrace: 10, bytesPerSpan: 500, headroom: 2 }), single);
    expect(plan.rateLimitBytes).toBe(50 * 2 * 10 * 500);
    // The burst never drops below Tempo's 20 MB: one request above the burst could never be admitted.
    expect(plan.burstSizeBytes).toBe(20_000_000);
  });

  test('global: the replicas share the planned rate; local: each takes all of it and ingesters hold replicationFactor times more', () => {
    const load = resolveLoad({ tracesPerSecond: 3000, spansPerTrace: 10, bytesPerSpan: 500, headroom: 2 });
    const cluster = { ...single, replicas: 3, replicationFactor: 3 };
    const global = planCapacity(load, { ...cluster, rateStrategy: 'global' });
    const local = planCapacity(load, { ...cluster, rateStrategy: 'local' });
    expect(global.rateLimitBytes).toBe(3000 * 2 * 10 * 500);
    expect(global.distributorBytesPerSecond).toBe(global.rateLimitBytes / 3);
    expect(local.distributorBytesPerSecond).toBe(local.rateLimitBytes);
    expect(local.admittedBytesPerIngester).toBeGreaterThan(2.5 * global.admittedBytesPerIngester);
  });

  test('past the replication factor each ingester holds its ring share, with the imbalance allowance', () => {
    const load = resolveLoad({ tracesPerSecond: 30_000 });
    const six = planCapacity(load, { ...single, replicas: 6, replicationFactor: 3, rateStrategy: 'global' });
    // 30 000 x 2 x 10 x 500 B/s over (5 + 10 + 5) s, plus six 1.5 s bursts of each share, times 3/6 x 1.25.
    const rate = 30_000 * 2 * 10 * 500;
    expect(six.admittedBytesPerIngester).toBe(Math.ceil((rate * 20 + 6 * rate / 6 * 1.5) * 0.625));
    expect(six.cpuCoresPerReplica).toBeCloseTo((30_000 * 2 * 10 * 0.5) / SPANS_PER_CORE);
  });

  test('the metrics-generator adds memory per replica', () => {
    const load = resolveLoad({ tracesPerSecond: 100 });
    expect(planCapacity(load, { ...single, metricsGenerator: true }).memoryBytesPerReplica - planCapacity(load, single).memoryBytesPerReplica)
      .toBe(512 * 2 ** 20);
  });

  test('max_bytes_per_trace keeps Tempo\'s 5 MB unless the declared trace needs more', () => {
    expect(planCapacity(resolveLoad({ tracesPerSecond: 1 }), single).maxBytesPerTrace).toBe(5_000_000);
    expect(planCapacity(resolveLoad({ tracesPerSecond: 1, spansPerTrace: 5000, bytesPerSpan: 1000 }), single).maxBytesPerTrace).toBe(10_000_000);
  });
});

describe('the shipped presets, computed by hand', () => {
  const MiB = 2 ** 20;

  test('basic: 50 traces/s x 2 headroom x 10 spans x 500 B', () => {
    const s = resolveTempoSettings({ preset: 'basic' });
    // rate 50 x 2 x 10 x 500 = 500 000 B/s; burst stays at 20 MB (1.5 x 500 000 is less).
    // Window 5 + 10 + 5 = 20 s: 500 000 x 20 + 20 000 000 = 30 000 000 B; / (10 x 100 B) = 30 000 traces.
    // Memory 256 MiB + 2 x 30 000 x (1 000 + 1 536) = 268 435 456 + 152 160 000 B.
    expect(s.capacity).toMatchObject({ rateLimitBytes: 500_000, burstSizeBytes: 20_000_000, maxTracesPerUser: 30_000, rateStrategy: 'local' });
    expect(s.capacity.memoryBytesPerReplica).toBe(268_435_456 + 152_160_000);
    expect(formatMiB(s.capacity.memoryBytesPerReplica)).toBe('402Mi');
    expect(s.capacity.memoryBytesPerReplica).toBeLessThanOrEqual(1024 * MiB);
  });

  test('single-node: 2 000 traces/s x 2 x 10 spans x 500 B on the seed\'s 2 CPU, memory raised to 2560Mi', () => {
    const s = resolveTempoSettings({ preset: 'single-node' });
    // rate 2 000 x 2 x 10 x 500 = 20 000 000 B/s; burst 1.5 x that = 30 000 000.
    // 20 000 000 x 20 + 30 000 000 = 430 000 000 B; / 1 000 B = 430 000 traces.
    // Memory 268 435 456 + 2 x 430 000 x (1 000 + 1 536) = 268 435 456 + 2 180 960 000 = 2 449 395 456 B.
    expect(s.capacity).toMatchObject({ rateLimitBytes: 20_000_000, burstSizeBytes: 30_000_000, maxTracesPerUser: 430_000, rateStrategy: 'local' });
    expect(s.capacity.memoryBytesPerReplica).toBe(2_449_395_456);
    expect(formatMiB(s.capacity.memoryBytesPerReplica)).toBe('2336Mi');
    // The seed's 2G would not hold it.
    expect(s.capacity.memoryBytesPerReplica).toBeGreaterThan(2 * 2 ** 30);
    expect(s.resources.limits.memory).toBe('2560Mi');
    // 40 000 spans/s under the 2 x 23 000 one 2-core node keeps.
    expect(s.capacity.cpuCoresPerReplica).toBeCloseTo(40_000 / 23_000);
  });

  test('with-metrics, single node: the same plus 512 MiB for the generator, within 3Gi', () => {
    const s = resolveTempoSettings({ preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite });
    expect(s.capacity).toMatchObject({ rateLimitBytes: 20_000_000, burstSizeBytes: 30_000_000, maxTracesPerUser: 430_000 });
    expect(s.capacity.memoryBytesPerReplica).toBe(2_449_395_456 + 536_870_912);
    expect(formatMiB(s.capacity.memoryBytesPerReplica)).toBe('2848Mi');
  });

  test('with-metrics, the 3-replica cluster (replication factor 3, global strategy)', () => {
    const s = resolveTempoSettings({ mode: 'cluster', preset: 'with-metrics', storage: s3, metricsRemoteWriteUrl: remoteWrite });
    // rate_limit_bytes 20 000 000 for the cluster, 6 666 667 per distributor; burst 20 000 000 (1.5 x share is less).
    // Every ingester holds every trace: 20 000 000 x 20 + 3 x 20 000 000 = 460 000 000 B -> 460 000 traces.
    // Memory 268 435 456 + 536 870 912 + 2 x 460 000 x (1 000 + 1 536) = 805 306 368 + 2 333 120 000 = 3 138 426 368 B.
    expect(s.capacity).toMatchObject({ rateLimitBytes: 20_000_000, burstSizeBytes: 20_000_000, maxTracesPerUser: 460_000, rateStrategy: 'global' });
    expect(s.capacity.memoryBytesPerReplica).toBe(3_138_426_368);
    expect(formatMiB(s.capacity.memoryBytesPerReplica)).toBe('2994Mi');
    expect(s.resources.limits.memory).toBe('3Gi');
  });
});
