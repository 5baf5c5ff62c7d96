import { TempoPresetName, TempoProps, TempoResources } from './props';

/**
 * The props a preset decides. Each is declared (with its documentation) once, in TempoProps; a
 * preset gives every one a value, the prop of the same name overrides it, and TempoSettings holds
 * the result: a new knob is one more prop and one more name here.
 */
export const TEMPO_PRESET_PROPS = [
  'expectedLoad', 'resources', 'storageSize', 'ingesterTraceIdlePeriod', 'ingesterFlushCheckPeriod', 'ingesterMaxBlockBytes',
  'ingesterMaxBlockDuration', 'blockRetention', 'compactionWindow', 'compactorMaxBlockBytes', 'searchDurationSlo', 'searchThroughputBytesSlo',
  'searchConcurrentJobs', 'querierMaxConcurrentQueries', 'logLevel', 'metricsGeneratorProcessors',
] as const satisfies readonly (keyof TempoProps)[];

/** A prop a preset decides. */
export type TempoPresetProp = typeof TEMPO_PRESET_PROPS[number];

/**
 * What a preset decides: a value for every preset prop, of the prop's own type (resources in full,
 * where the prop may override single quantities).
 */
export type TempoPreset = { readonly [K in Exclude<TempoPresetProp, 'resources'>]-?: NonNullable<TempoProps[K]> } & {
  readonly resources: TempoResources;
  /** The PVC size with local storage; with object storage the WAL's size is derived from the load. */
  readonly storageSize: string;
};

/**
 * The seed guide's production resources (limits 2 CPU / 2G, reservations 0.5 CPU / 512M), with the
 * memory limit raised to 2560Mi: the 430 000 live traces the production rate limit can fill need
 * 2336Mi (docs/capacity.md), more than the seed's 2G.
 */
const SEED_RESOURCES: TempoResources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2560Mi' } };

/**
 * Tempo's 10 s idle period stays (OpenTelemetry SDKs export every 5 s, so one trace's spans can
 * arrive 5 s apart and a shorter idle period would split it); sweeping every 5 s instead of 10 s
 * shortens the live window from 25 s to 20 s (5 s traces), a fifth fewer live traces in memory,
 * for a map scan every 5 s.
 */
const INGESTER_TIMING = { ingesterTraceIdlePeriod: '10s', ingesterFlushCheckPeriod: '5s' } as const;

/** Production tuning shared by the single-node and with-metrics presets. */
const PRODUCTION = {
  // 2 000 traces/s of 10 spans with 2x headroom is 40 000 spans/s, under the 47 500 spans/s one
  // 2-core node was measured to keep (docs/capacity.md).
  expectedLoad: { tracesPerSecond: 2000, spansPerTrace: 10, bytesPerSpan: 500, minBytesPerSpan: 100, traceDurationSeconds: 5, headroom: 2 },
  resources: SEED_RESOURCES,
  storageSize: '200Gi',
  ...INGESTER_TIMING,
  ingesterMaxBlockBytes: 500_000_000,
  ingesterMaxBlockDuration: '30m',
  blockRetention: '48h',
  compactionWindow: '1h',
  compactorMaxBlockBytes: 50_000_000_000,
  searchDurationSlo: '5s',
  searchThroughputBytesSlo: 1_073_741_824,
  searchConcurrentJobs: 1000,
  querierMaxConcurrentQueries: 20,
  logLevel: 'info',
} as const;

/** The presets, by name. */
export const TEMPO_PRESETS: Record<TempoPresetName, TempoPreset> = {
  basic: {
    // A development load: Tempo's own default limits already cover it.
    expectedLoad: { tracesPerSecond: 50, spansPerTrace: 10, bytesPerSpan: 500, minBytesPerSpan: 100, traceDurationSeconds: 5, headroom: 2 },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storageSize: '5Gi',
    ...INGESTER_TIMING,
    // Small, frequent blocks keep the ingester's memory near the guide's ~200MB.
    ingesterMaxBlockBytes: 100_000_000,
    ingesterMaxBlockDuration: '5m',
    blockRetention: '24h',
    compactionWindow: '1h',
    compactorMaxBlockBytes: 5_000_000_000,
    searchDurationSlo: '3s',
    searchThroughputBytesSlo: 1_073_741_824,
    searchConcurrentJobs: 500,
    querierMaxConcurrentQueries: 10,
    logLevel: 'info',
    metricsGeneratorProcessors: [],
  },
  'single-node': { ...PRODUCTION, metricsGeneratorProcessors: [] },
  'with-metrics': {
    ...PRODUCTION,
    // The generator's series and local blocks cost memory on top of ingestion.
    resources: { requests: { cpu: '1', memory: '1536Mi' }, limits: { cpu: '2', memory: '3Gi' } },
    metricsGeneratorProcessors: ['service-graphs', 'span-metrics', 'local-blocks'],
  },
};
