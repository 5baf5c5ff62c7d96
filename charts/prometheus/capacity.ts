/**
 * Capacity model of the Prometheus that scrapes Tempo: from an active-series budget to the memory
 * and the TSDB volume it needs. Pure functions; the constants and where they come from are in
 * docs/prometheus.md ("Capacity model").
 */

/**
 * Series one Tempo 2.6 pod exposes on /metrics, histogram buckets included. Counted from the
 * metric families a Tempo 2.6.1 cluster of three exposed under load (reference dump of
 * `tempo-2.6.1-metrics.txt`): `tempo_request_duration_seconds` about 30 routes x ~2 status codes x
 * 14 series (11 buckets, +Inf, _sum, _count) = ~840; request and response message sizes ~720;
 * the memberlist KV histogram ~220; ~250 other families (Go runtime, rings, ingester, compactor,
 * generator, query-frontend) ~700. About 2 500, rounded up for routes a quiet test never hit.
 */
export const TEMPO_SERIES_PER_POD = 3_000;

/**
 * Series Prometheus itself exposes (self-scrape) plus the per-target synthetic series (`up`,
 * `scrape_*`). The reference dump of Prometheus 2.53.3 counts about 840 with every observed label
 * value; rounded up.
 */
export const PROMETHEUS_OWN_SERIES = 1_000;

/** Series one Alertmanager 0.28 pod exposes with the mesh on (425 counted on the 0.28.1 binary), rounded up. */
export const ALERTMANAGER_SERIES_PER_POD = 500;

/**
 * Memory per active series in the head block. Robust Perception's rule of thumb for Prometheus
 * 2.20 and later ("Why does Prometheus use so much RAM?"): about 3 kB per series, which covers the
 * series' data structures, the samples of a usual scrape interval and remote write.
 */
export const BYTES_PER_ACTIVE_SERIES = 3 * 1024;

/** Memory Prometheus uses before holding any series: the process, discovery, rule evaluation and queries of a small UI. */
export const BASE_MEMORY_BYTES = 256 * 2 ** 20;

/** Compressed bytes per sample in TSDB blocks: "on average 1-2 bytes per sample" (Prometheus docs, Storage); the upper end. */
export const BYTES_PER_SAMPLE = 2;

/**
 * Bytes per sample in the write-ahead log, uncompressed: a varint series reference (~4 bytes), a
 * timestamp delta (~1 byte) and the 8-byte value (Robust Perception, "How much space does the WAL
 * take up?"). WAL compression, on by default, roughly halves it; the plan does not count on that.
 */
export const WAL_BYTES_PER_SAMPLE = 13;

/** Hours of samples the WAL holds: the head keeps up to 3 h before a 2 h block is cut. */
export const WAL_HOURS = 3;

/** Prometheus keeps at least three 128 MiB WAL segments. */
export const MIN_WAL_BYTES = 3 * 128 * 2 ** 20;

/** How often Tempo's metrics-generator sends its series (`metrics_generator.registry.collection_interval`, default 15s). */
export const GENERATOR_COLLECTION_INTERVAL_SECONDS = 15;

/** Share of the PVC that `--storage.tsdb.retention.size` may use by default; the rest is slack for compaction. */
export const RETENTION_SIZE_FRACTION = 0.9;

/** What the plan is computed from. */
export interface PrometheusLoad {
  /** Tempo pods scraped. */
  readonly tempoReplicas: number;
  /** The Tempo job's scrape interval, seconds. */
  readonly tempoScrapeIntervalSeconds: number;
  /** The global scrape interval (self-scrape and added jobs), seconds. */
  readonly scrapeIntervalSeconds: number;
  /** The metrics-generator's series cap, 0 when it is off. */
  readonly generatorActiveSeries: number;
  /** Series of added jobs, scraped at the global interval. */
  readonly additionalActiveSeries: number;
  /** `--storage.tsdb.retention.time`, seconds. */
  readonly retentionSeconds: number;
}

/** What Prometheus needs for a load. */
export interface PrometheusCapacityPlan {
  /** Active series in the head block. */
  readonly activeSeries: number;
  /** Samples appended per second. */
  readonly samplesPerSecond: number;
  /** Memory needed, bytes. */
  readonly memoryBytes: number;
  /** TSDB blocks over the retention, bytes. */
  readonly blockBytes: number;
  /** The write-ahead log, bytes. */
  readonly walBytes: number;
  /** The PVC size needed so that `retention.size` (90 % of it) holds blocks and WAL, bytes. */
  readonly storageBytes: number;
}

/**
 * Sizes Prometheus: active series = Tempo's series per pod x replicas + Prometheus's own + the
 * generator's cap + added jobs; memory = base + 3 KiB per active series; disk = samples/s x
 * retention x 2 bytes + the WAL (3 h of samples at 13 bytes, at least three 128 MiB segments),
 * divided by the 90 % that `retention.size` may fill.
 */
export function planPrometheusCapacity(load: PrometheusLoad): PrometheusCapacityPlan {
  const tempoSeries = TEMPO_SERIES_PER_POD * load.tempoReplicas;
  const activeSeries = tempoSeries + PROMETHEUS_OWN_SERIES + load.generatorActiveSeries + load.additionalActiveSeries;
  const samplesPerSecond = tempoSeries / load.tempoScrapeIntervalSeconds
    + (PROMETHEUS_OWN_SERIES + load.additionalActiveSeries) / load.scrapeIntervalSeconds
    + load.generatorActiveSeries / GENERATOR_COLLECTION_INTERVAL_SECONDS;
  const blockBytes = samplesPerSecond * load.retentionSeconds * BYTES_PER_SAMPLE;
  const walBytes = Math.max(MIN_WAL_BYTES, samplesPerSecond * WAL_HOURS * 3600 * WAL_BYTES_PER_SAMPLE);
  return {
    activeSeries,
    samplesPerSecond,
    memoryBytes: BASE_MEMORY_BYTES + activeSeries * BYTES_PER_ACTIVE_SERIES,
    blockBytes,
    walBytes,
    storageBytes: (blockBytes + walBytes) / RETENTION_SIZE_FRACTION,
  };
}
