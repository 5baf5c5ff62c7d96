import { ExpectedLoad } from './props';

/**
 * Capacity model: from a declared load to Tempo's per-tenant ingestion limits and to the memory
 * and CPU each replica needs. Pure functions; the numbers and their reasons are in the README.
 */

/** Tempo 2.6's default per-tenant limits; sizing never goes below them. */
export const TEMPO_DEFAULT_LIMITS = { maxTracesPerUser: 10_000, rateLimitBytes: 15_000_000, burstSizeBytes: 20_000_000 } as const;

/** `ingester.trace_idle_period` and `ingester.flush_check_period` (Tempo's defaults, which we keep). */
export const TRACE_IDLE_PERIOD_SECONDS = 10;
export const FLUSH_CHECK_PERIOD_SECONDS = 10;

/**
 * Spans per second one CPU core keeps. Measured on a 2-core machine with Tempo 2.6.1 and the
 * limits raised: 47 500 spans/s kept, all that was sent; rounded down.
 */
export const SPANS_PER_CORE = 23_000;

/** Go's in-memory representation of a live trace versus its OTLP wire size. */
export const IN_MEMORY_OVERHEAD = 2;

/** Memory a Tempo process uses before holding any trace (modules, caches, query buffers). */
export const BASELINE_MEMORY_BYTES = 256 * 2 ** 20;

/** Extra memory the metrics-generator needs (series registry, WAL, local blocks). */
export const GENERATOR_MEMORY_BYTES = 512 * 2 ** 20;

/** An ExpectedLoad with every default filled in. */
export type ResolvedLoad = Required<ExpectedLoad>;

/** Fills the defaults of an ExpectedLoad. */
export function resolveLoad(load: ExpectedLoad): ResolvedLoad {
  return {
    tracesPerSecond: load.tracesPerSecond,
    spansPerTrace: load.spansPerTrace ?? 10,
    bytesPerSpan: load.bytesPerSpan ?? 500,
    traceDurationSeconds: load.traceDurationSeconds ?? 5,
    headroom: load.headroom ?? 2,
  };
}

/** The topology the load is spread over. */
export interface Topology {
  /** Replicas, each running a distributor and an ingester. */
  readonly replicas: number;
  /** How many ingesters hold each trace. */
  readonly replicationFactor: number;
  /** Whether the metrics-generator runs in each replica. */
  readonly metricsGenerator: boolean;
}

/** What the load needs, per tenant and per replica. */
export interface CapacityPlan {
  /** `overrides.defaults.ingestion.max_traces_per_user`: live traces per ingester. */
  readonly maxTracesPerUser: number;
  /** `overrides.defaults.ingestion.rate_limit_bytes`: bytes/s per distributor (local) or for the whole tenant (global, in a cluster). */
  readonly rateLimitBytes: number;
  /** `overrides.defaults.ingestion.burst_size_bytes`: applies per distributor with either strategy. */
  readonly burstSizeBytes: number;
  /** `overrides.defaults.ingestion.rate_strategy`. */
  readonly rateStrategy: 'local' | 'global';
  /** Spans per second each replica ingests at the planned (headroom) load, replication included. */
  readonly spansPerSecondPerReplica: number;
  /** Memory each replica needs at the planned load, in bytes. */
  readonly memoryBytesPerReplica: number;
  /** CPU cores each replica needs at the planned load. */
  readonly cpuCoresPerReplica: number;
}

/**
 * Sizes ingestion limits and per-replica needs from the load.
 *
 * A trace stays live in an ingester from its first span until it has been idle for
 * `trace_idle_period` and the next flush check has run: its duration plus 20 s with Tempo's
 * defaults. Each ingester holds `replicationFactor / replicas` of all live traces, and
 * `max_traces_per_user` applies per ingester. The byte rate limit is per distributor with the
 * `local` strategy (single node: the planned byte rate) and divided among the distributors with
 * `global` (cluster: the planned byte rate times the replicas, so each share holds all of it).
 */
export function planCapacity(load: ResolvedLoad, topology: Topology): CapacityPlan {
  const planned = load.tracesPerSecond * load.headroom;
  const liveSeconds = load.traceDurationSeconds + TRACE_IDLE_PERIOD_SECONDS + FLUSH_CHECK_PERIOD_SECONDS;
  const share = topology.replicationFactor / topology.replicas;
  const liveTracesPerIngester = planned * liveSeconds * share;
  const bytesPerSecond = planned * load.spansPerTrace * load.bytesPerSpan;
  // With the global strategy each of the N distributors enforces rate_limit_bytes / N. An OTLP
  // gRPC client keeps one connection to one pod behind the ClusterIP Service, so a single
  // distributor may receive the whole load: its share must cover it.
  const distributors = topology.replicas;
  const rateLimitBytes = Math.max(TEMPO_DEFAULT_LIMITS.rateLimitBytes, Math.ceil(bytesPerSecond * distributors));
  const spansPerSecondPerReplica = planned * load.spansPerTrace * share;
  const liveBytesPerReplica = liveTracesPerIngester * load.spansPerTrace * load.bytesPerSpan * IN_MEMORY_OVERHEAD;
  return {
    maxTracesPerUser: Math.max(TEMPO_DEFAULT_LIMITS.maxTracesPerUser, Math.ceil(liveTracesPerIngester)),
    rateLimitBytes,
    // One and a half seconds of the planned rate absorbs a batch flush from many SDKs at once.
    burstSizeBytes: Math.max(TEMPO_DEFAULT_LIMITS.burstSizeBytes, Math.ceil(bytesPerSecond * 1.5)),
    rateStrategy: topology.replicas > 1 ? 'global' : 'local',
    spansPerSecondPerReplica,
    memoryBytesPerReplica: BASELINE_MEMORY_BYTES + (topology.metricsGenerator ? GENERATOR_MEMORY_BYTES : 0) + liveBytesPerReplica,
    cpuCoresPerReplica: spansPerSecondPerReplica / SPANS_PER_CORE,
  };
}
