import { ExpectedLoad } from './props';

/**
 * Capacity model: from a declared load to Tempo's per-tenant ingestion limits and to the memory
 * and CPU each replica needs, such that whatever the byte rate limit admits fits the live-trace
 * limit and the memory limit. Overload is then refused by the distributor (HTTP 429 / gRPC
 * RESOURCE_EXHAUSTED, which exporters retry) instead of being dropped after a 200 as
 * `live_traces_exceeded`. Pure functions; docs/capacity.md has the formulas and sources.
 *
 * Sources are Grafana Tempo v2.6 (github.com/grafana/tempo) files and functions, and the config
 * defaults dumped from the 2.6.1 binary (test/fixtures/tempo-2.6.1-config-defaults.yaml).
 */

/**
 * Tempo 2.6's defaults for the settings the model reads (tempo-2.6.1-config-defaults.yaml:
 * `overrides.defaults.ingestion.*`, `overrides.defaults.global.max_bytes_per_trace`,
 * `ingester.trace_idle_period`, `ingester.flush_check_period`, `ingester.complete_block_timeout`).
 */
export const TEMPO_DEFAULTS = {
  maxTracesPerUser: 10_000,
  rateLimitBytes: 15_000_000,
  burstSizeBytes: 20_000_000,
  maxBytesPerTrace: 5_000_000,
  traceIdlePeriodSeconds: 10,
  flushCheckPeriodSeconds: 10,
  completeBlockTimeoutSeconds: 900,
} as const;

/**
 * The smallest `burst_size_bytes` we write: Tempo's default. The distributor's token bucket
 * (modules/distributor/distributor.go, `PushTraces`: `ingestionRateLimiter.AllowN(now, userID,
 * size)`) can never admit one request larger than the burst, so the burst must hold the largest
 * OTLP request a sender makes (Tempo's gRPC server takes messages up to 16 MiB,
 * `server.grpc_server_max_recv_msg_size: 16777216`), or the exporter retries it forever.
 */
export const MIN_BURST_BYTES = TEMPO_DEFAULTS.burstSizeBytes;

/** Tempo's gRPC server takes messages up to 16 MiB (`server.grpc_server_max_recv_msg_size`, left at its default). */
export const GRPC_MAX_RECV_BYTES = 16_777_216;

/**
 * Seconds of the per-distributor rate the burst holds above that floor: a batch flush from many
 * SDKs at once.
 */
export const BURST_SECONDS = 1.5;

/**
 * What one live trace costs in an ingester beyond its span bytes, in bytes, before Go's GC
 * headroom. Summed from Tempo 2.6's ingester:
 * - `liveTrace` (modules/ingester/trace.go, `newTrace`): the struct (~112 B) and its `batches`
 *   slice made with capacity 10 ("10 for luck", 240 B of slice headers);
 * - one entry in each of `instance.traces` (map[uint32]*liveTrace) and `instance.traceSizes`
 *   (map[uint32]uint32) (modules/ingester/instance.go, `getOrCreateTrace` / `push`), with map
 *   growth ~64 B, and the 16-byte trace ID;
 * - each pushed segment is copied into a pooled buffer (pkg/tempopb/prealloc.go, `bytePool`:
 *   linear buckets of 400 B), so each segment rounds up by less than 400 B;
 * - the distributor re-batches spans per trace (modules/distributor/distributor.go,
 *   `requestsByTraceID`), copying the resource and scope into every trace's segment.
 * These add up to about 1 KiB; the constant is set from DESIGN fact 12 instead: one Tempo 2.6.1
 * fed 12 600-14 500 traces/s of ten ~100-byte spans, each trace in one request, held up to
 * 250 000-290 000 live traces (10 s idle period plus up to one 10 s sweep) at 1.2-1.5 GiB peak RSS,
 * about 4.6 KB per trace above the baseline at the upper end; 1.5 KiB of overhead (5.1 KB per trace
 * with the GC headroom) covers it, where 1 KiB (4.0 KB) would fall short.
 */
export const PER_TRACE_OVERHEAD_BYTES = 1536;

/**
 * Go's garbage collector with `GOGC=100` (Tempo sets nothing else) lets the heap grow to twice
 * the live heap before it collects, so the process needs twice what it holds.
 */
export const GC_HEADROOM = 2;

/**
 * How much more than its even share (`replicationFactor / replicas`) of the traces one ingester
 * may own when replicas exceed the replication factor. Trace IDs hash onto a ring where each
 * ingester holds `ingester.lifecycler.num_tokens: 128` random tokens (defaults dump), so shares
 * spread by about 1/sqrt(128) = 9 %; 1.25 covers ~3 standard deviations. With replicas equal to
 * the replication factor every ingester holds every trace and the factor is 1.
 */
export const RING_IMBALANCE = 1.25;

/**
 * Spans per second one CPU core keeps. Measured on a 2-core machine with Tempo 2.6.1 and the
 * limits raised: 47 500 spans/s kept, all that was sent; rounded down.
 */
export const SPANS_PER_CORE = 23_000;

/** Memory a Tempo process uses before holding any trace (modules, caches, WAL buffers, small queries). */
export const BASELINE_MEMORY_BYTES = 256 * 2 ** 20;

/** Extra memory the metrics-generator needs (series registry, WAL, local blocks). */
export const GENERATOR_MEMORY_BYTES = 512 * 2 ** 20;

/** The smallest span the model guards against by default: the ~100-byte spans (two attributes) of the issue-10 measurement. */
export const DEFAULT_MIN_BYTES_PER_SPAN = 100;

/** An ExpectedLoad with every default filled in. */
export type ResolvedLoad = Required<ExpectedLoad>;

/** Fills the defaults of an ExpectedLoad. */
export function resolveLoad(load: ExpectedLoad): ResolvedLoad {
  const bytesPerSpan = load.bytesPerSpan ?? 500;
  return {
    tracesPerSecond: load.tracesPerSecond,
    spansPerTrace: load.spansPerTrace ?? 10,
    bytesPerSpan,
    minBytesPerSpan: load.minBytesPerSpan ?? Math.min(DEFAULT_MIN_BYTES_PER_SPAN, bytesPerSpan),
    traceDurationSeconds: load.traceDurationSeconds ?? 5,
    headroom: load.headroom ?? 2,
  };
}

/** How the distributors apply `rate_limit_bytes` (Tempo's `overrides.defaults.ingestion.rate_strategy`). */
export type RateStrategy = 'local' | 'global';

/** The topology the load is spread over, and the ingester timings that decide how long a trace stays live. */
export interface Topology {
  /** Replicas, each running a distributor and an ingester. */
  readonly replicas: number;
  /** How many ingesters hold each trace. */
  readonly replicationFactor: number;
  /** Whether the metrics-generator runs in each replica. */
  readonly metricsGenerator: boolean;
  /** `local`: every distributor admits the whole planned rate; `global`: the replicas share it. */
  readonly rateStrategy: RateStrategy;
  /** `ingester.trace_idle_period` in seconds. */
  readonly traceIdlePeriodSeconds: number;
  /** `ingester.flush_check_period` in seconds. */
  readonly flushCheckPeriodSeconds: number;
}

/** What the load needs, per tenant and per replica. */
export interface CapacityPlan {
  /** `overrides.defaults.ingestion.max_traces_per_user`: live traces per ingester. */
  readonly maxTracesPerUser: number;
  /** `overrides.defaults.ingestion.rate_limit_bytes`: bytes/s per distributor (`local`) or for the whole cluster (`global`). */
  readonly rateLimitBytes: number;
  /** `overrides.defaults.ingestion.burst_size_bytes`: applies per distributor with either strategy. */
  readonly burstSizeBytes: number;
  /** `overrides.defaults.ingestion.rate_strategy`. */
  readonly rateStrategy: RateStrategy;
  /** The default for `overrides.defaults.global.max_bytes_per_trace`: Tempo's 5 MB, or twice the declared trace if larger. */
  readonly maxBytesPerTrace: number;
  /** Bytes/s one distributor admits at most, bursts aside. */
  readonly distributorBytesPerSecond: number;
  /** Longest time a trace stays live: its duration, `trace_idle_period` and one `flush_check_period`. */
  readonly liveWindowSeconds: number;
  /** Bytes of the smallest trace guarded against: spansPerTrace x minBytesPerSpan. */
  readonly smallestTraceBytes: number;
  /** Most bytes one ingester can be handed within one live window: what the limiter admits, replicated. */
  readonly admittedBytesPerIngester: number;
  /** Bytes/s each ingester takes at the planned (headroom) load, replication included (WAL sizing). */
  readonly ingesterBytesPerSecond: number;
  /** Spans per second each replica ingests at the planned (headroom) load, replication included. */
  readonly spansPerSecondPerReplica: number;
  /** Memory each replica needs when the limiter admits all it can, in bytes. */
  readonly memoryBytesPerReplica: number;
  /** CPU cores each replica needs at the planned load. */
  readonly cpuCoresPerReplica: number;
}

/**
 * Sizes ingestion limits and per-replica needs from the load.
 *
 * A trace stays live in an ingester from its first span until it has been idle for
 * `trace_idle_period` and the next sweep has run (modules/ingester/ingester.go `loop` ticks every
 * `flush_check_period`; modules/ingester/flush.go `sweepInstance` calls
 * `instance.CutCompleteTraces(cfg.MaxTraceIdle, ...)`), so at most its duration plus both
 * periods. The distributor's token bucket admits at most `burst + rate x window` bytes in any
 * window; `local` applies the whole rate in each distributor, `global` divides it among the
 * healthy distributors (modules/distributor/ingestion_rate_strategy.go), and the burst is per
 * distributor in both. Each trace goes to `replicationFactor` of the ingesters, and
 * `max_traces_per_user` counts per ingester (modules/ingester/limiter.go,
 * `AssertMaxTracesPerUser`). A trace has at least `spansPerTrace x minBytesPerSpan` bytes, so
 * the live-trace limit holds every trace the limiter can admit in one window; the memory holds
 * those bytes plus the overhead of that many traces, twice for Go's GC.
 */
export function planCapacity(load: ResolvedLoad, topology: Topology): CapacityPlan {
  const { replicas, replicationFactor: rf } = topology;
  const planned = load.tracesPerSecond * load.headroom;
  const plannedBytesPerSecond = planned * load.spansPerTrace * load.bytesPerSpan;
  const global = topology.rateStrategy === 'global';
  const rateLimitBytes = Math.ceil(plannedBytesPerSecond);
  const distributorBytesPerSecond = global ? rateLimitBytes / replicas : rateLimitBytes;
  const burstSizeBytes = burstFor(distributorBytesPerSecond);
  const liveWindowSeconds = load.traceDurationSeconds + topology.traceIdlePeriodSeconds + topology.flushCheckPeriodSeconds;

  const admittedBytesPerIngester = admittedBytesPerIngesterFor(rateLimitBytes, burstSizeBytes,
    { distributors: replicas, ingesters: replicas, replicationFactor: rf, rateStrategy: topology.rateStrategy }, liveWindowSeconds);

  const smallestTraceBytes = load.spansPerTrace * load.minBytesPerSpan;
  const maxTracesPerUser = Math.ceil(admittedBytesPerIngester / smallestTraceBytes);
  // The bytes of all live traces never exceed what was admitted, which rounds up to whole
  // smallest traces; each live trace adds its overhead.
  const liveBytes = maxTracesPerUser * (smallestTraceBytes + PER_TRACE_OVERHEAD_BYTES);

  const evenShare = rf / replicas;
  const spansPerSecondPerReplica = planned * load.spansPerTrace * evenShare;
  return {
    maxTracesPerUser,
    rateLimitBytes,
    burstSizeBytes,
    rateStrategy: topology.rateStrategy,
    maxBytesPerTrace: Math.max(TEMPO_DEFAULTS.maxBytesPerTrace, 2 * load.spansPerTrace * load.bytesPerSpan),
    distributorBytesPerSecond,
    liveWindowSeconds,
    smallestTraceBytes,
    admittedBytesPerIngester,
    ingesterBytesPerSecond: plannedBytesPerSecond * evenShare,
    spansPerSecondPerReplica,
    memoryBytesPerReplica: BASELINE_MEMORY_BYTES + (topology.metricsGenerator ? GENERATOR_MEMORY_BYTES : 0) + GC_HEADROOM * liveBytes,
    cpuCoresPerReplica: spansPerSecondPerReplica / SPANS_PER_CORE,
  };
}

/**
 * The most bytes one ingester can be handed within one live window by one tenant's limiter: what
 * all distributors together admit (`local`: the rate in each; `global`: the rate shared; the burst
 * per distributor in both), times the part of it one ingester holds.
 */
export function admittedBytesPerIngesterFor(
  rateLimitBytes: number, burstSizeBytes: number, ring: IngestRing, liveWindowSeconds: number,
): number {
  const { distributors, ingesters, replicationFactor } = ring;
  const clusterBytesPerSecond = ring.rateStrategy === 'global' ? rateLimitBytes : rateLimitBytes * distributors;
  const clusterWindowBytes = clusterBytesPerSecond * liveWindowSeconds + burstSizeBytes * distributors;
  return Math.ceil(clusterWindowBytes * ingesterShare(ingesters, replicationFactor));
}

/** The write path one tenant's limiter feeds: how many distributors admit, how many ingesters hold. */
export interface IngestRing {
  readonly distributors: number;
  readonly ingesters: number;
  readonly replicationFactor: number;
  readonly rateStrategy: RateStrategy;
}

/** The burst a distributor needs for a rate: a batch flush of BURST_SECONDS, never under MIN_BURST_BYTES. */
export function burstFor(distributorBytesPerSecond: number): number {
  return Math.max(MIN_BURST_BYTES, Math.ceil(distributorBytesPerSecond * BURST_SECONDS));
}

/** The fraction of all traces one ingester may hold: every trace when replicas equal the replication factor. */
export function ingesterShare(replicas: number, replicationFactor: number): number {
  return replicationFactor >= replicas ? 1 : Math.min(1, (replicationFactor / replicas) * RING_IMBALANCE);
}

/** The smallest PVC the WAL sizing asks for: room for the generator's WAL and a slow flush. */
export const MIN_WAL_STORAGE_GIB = 10;

/**
 * What one replica's WAL and local blocks hold: the head block until it is cut (at
 * `ingester.max_block_bytes` or `max_block_duration`), the block being completed, and complete
 * blocks kept `complete_block_timeout` (15 min) after their flush, at the planned (headroom) rate
 * with replication.
 */
export function walBytesPerReplica(capacity: CapacityPlan, maxBlockBytes: number, maxBlockDurationSeconds: number): number {
  const rate = capacity.ingesterBytesPerSecond;
  const headSeconds = Math.min(maxBlockDurationSeconds, maxBlockBytes / rate);
  return Math.ceil(rate * (2 * headSeconds + TEMPO_DEFAULTS.completeBlockTimeoutSeconds));
}

/** A PVC size holding `bytes` with a fifth to spare (compaction, a late flush), in whole GiB, at least `minGiB`. */
export function volumeSizeFor(bytes: number, minGiB = MIN_WAL_STORAGE_GIB): string {
  return `${Math.max(minGiB, Math.ceil((bytes * 1.2) / 2 ** 30))}Gi`;
}
