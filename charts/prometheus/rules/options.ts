import { SCRAPE_JOBS, TARGET_LABELS } from '../../shared/telemetry';
import { fail } from '../../shared/validate';

/** Where the alerts link to by default: the runbook of this repository, one section per alert. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/tempo-stack/tempo-stack/blob/main/docs/runbook.md';

/**
 * Default `for` durations, per alert. Alerts on a counter's increase over an hour fire without
 * waiting (`0s`): the hour already is the waiting.
 */
export const DEFAULT_ALERT_FOR = {
  TempoDown: '5m',
  TempoJobAbsent: '5m',
  TempoHighMemory: '5m',
  TempoDiscardingSpans: '5m',
  TempoIngesterFlushesFailing: '15m',
  TempoIngesterFlushRetriesFailing: '0s',
  TempoCompactionsFailing: '0s',
  TempoCompactionTooManyOutstandingBlocks: '6h',
  TempoBlocklistPollsFailing: '0s',
  TempoTenantIndexTooOld: '5m',
  TempoTenantIndexNotBuilt: '10m',
  TempoTenantIndexBuildsFailing: '0s',
  TempoIngesterUnhealthy: '15m',
  TempoDistributorUnhealthy: '15m',
  TempoCompactorUnhealthy: '15m',
  TempoMetricsGeneratorUnhealthy: '15m',
  TempoWalReplayErrors: '0s',
  TempoRingMembersMissing: '15m',
  TempoDistributorRefusingSpans: '5m',
  TempoIngesterLiveTracesNearLimit: '15m',
  TempoQueryFrontendQueueBacklog: '15m',
  TempoQueriesFailing: '15m',
  TempoRequestLatencyHigh: '15m',
  TempoMetricsGeneratorRemoteWriteFailing: '15m',
  TempoMetricsGeneratorActiveSeriesAtLimit: '15m',
  TempoPrometheusRuleEvaluationFailures: '5m',
  TempoPrometheusRemoteWriteReceiverFailing: '15m',
  Watchdog: '0s',
  AlertmanagerDown: '5m',
  AlertmanagerConfigReloadFailing: '10m',
  AlertmanagerNotificationsFailing: '5m',
  AlertmanagerClusterMembersMissing: '15m',
  AlertmanagerNotDiscovered: '10m',
  AlertmanagerSendsFailing: '15m',
} as const;

/** The name of every alert these rules can contain. */
export type TempoAlertName = keyof typeof DEFAULT_ALERT_FOR;

/**
 * Routes whose request duration is not a latency: long polls and streams stay open by design.
 * `/frontend.Frontend/Process` is the querier workers' long poll on the query-frontend,
 * `/tempopb.StreamingQuerier/...` the streamed search over gRPC, websocket routes carry `ws="true"`
 * (excluded in the recording rules), `debug_pprof` profiles run for their requested seconds.
 */
export const DEFAULT_LATENCY_EXCLUDED_ROUTES = [
  '/frontend.Frontend/Process', '/tempopb.StreamingQuerier/.*', '/grpc.health.v1.Health/Watch', 'debug_pprof.*', 'metrics',
].join('|');

/** Options of the Tempo rule groups: what the rules need to know about the stack, and every threshold. */
export interface TempoRulesOptions {
  /** The Tempo job's scrape interval, a Prometheus duration such as '30s'. Rate windows span at least four of it. */
  readonly tempoScrapeInterval: string;
  /** Whether Tempo's metrics-generator runs: its alerts, and the remote-write receiver's, are added only then. */
  readonly metricsGenerator: boolean;
  /**
   * Tempo's container memory limit in bytes; `TempoHighMemory` then fires at `memoryLimitFraction` of it.
   * @default - no limit known: `TempoHighMemory` fires above `memoryThresholdBytes`
   */
  readonly tempoMemoryLimitBytes?: number;
  /**
   * The runbook each alert's `runbook_url` points into (`<url>#<alert name in lower case>`).
   * @default DEFAULT_RUNBOOK_BASE_URL (docs/runbook.md of this repository on GitHub)
   */
  readonly runbookBaseUrl?: string;
  /**
   * Label matchers that select Tempo's own series (exact values). Prometheus Operator users whose
   * PodMonitor names the job differently set it here.
   * @default { job: 'tempo' }
   */
  readonly tempoSelector?: Readonly<Record<string, string>>;
  /**
   * Label matchers that select Prometheus's self-scrape.
   * @default { job: 'prometheus' }
   */
  readonly prometheusSelector?: Readonly<Record<string, string>>;
  /** Fraction of `tempoMemoryLimitBytes` above which `TempoHighMemory` fires. @default 0.85 */
  readonly memoryLimitFraction?: number;
  /** Resident memory in bytes above which `TempoHighMemory` fires when no limit is known. @default 1.5e9 */
  readonly memoryThresholdBytes?: number;
  /** Spans discarded per second (per namespace and reason) above which `TempoDiscardingSpans` fires. @default 0 */
  readonly discardedSpansPerSecond?: number;
  /** Flush retries that failed again, per pod and hour, above which `TempoIngesterFlushRetriesFailing` fires. @default 2 */
  readonly flushFailedRetriesPerHour?: number;
  /** Compaction errors per pod and hour above which `TempoCompactionsFailing` fires. @default 2 */
  readonly compactionErrorsPerHour?: number;
  /** Blocks awaiting compaction per tenant above which `TempoCompactionTooManyOutstandingBlocks` fires. @default 100 */
  readonly outstandingBlocks?: number;
  /** Blocklist poll errors per pod and hour above which `TempoBlocklistPollsFailing` fires. @default 2 */
  readonly pollErrorsPerHour?: number;
  /** Age of the tenant index above which `TempoTenantIndexTooOld` fires, a Prometheus duration. @default '10m' */
  readonly tenantIndexMaxAge?: string;
  /** Tenant index build errors per hour above which `TempoTenantIndexBuildsFailing` fires. @default 2 */
  readonly tenantIndexErrorsPerHour?: number;
  /** p99 request latency in seconds above which `TempoRequestLatencyHigh` fires. @default 3 */
  readonly requestLatencyP99Seconds?: number;
  /** Regular expression of routes `TempoRequestLatencyHigh` ignores. @default DEFAULT_LATENCY_EXCLUDED_ROUTES */
  readonly latencyExcludedRoutes?: string;
  /** Fraction of the metrics-generator's series cap at which `TempoMetricsGeneratorActiveSeriesAtLimit` fires. @default 0.95 */
  readonly generatorActiveSeriesFraction?: number;
  /** Fraction of remote-write requests answered with an error at which `TempoPrometheusRemoteWriteReceiverFailing` fires. @default 0.01 */
  readonly remoteWriteReceiverErrorRatio?: number;
  /**
   * The members each of Tempo's rings should have, by ring (the `name` label of `tempo_ring_members`:
   * `ingester`, `distributor`, `compactor`, `metrics-generator`); adds `TempoRingMembersMissing` for
   * the rings named. The stack passes what the mode runs (none in single-node mode).
   * @default - no ring size alert
   */
  readonly rings?: Readonly<Record<string, number>>;
  /** Fraction of the spans a distributor's receiver refuses at which `TempoDistributorRefusingSpans` fires. @default 0.01 */
  readonly refusedSpansRatio?: number;
  /**
   * Fraction of the per-ingester live-traces limit (`max_local_traces_per_user`, Tempo's default for
   * every tenant) at which `TempoIngesterLiveTracesNearLimit` fires.
   * @default 0.9
   */
  readonly liveTracesLimitFraction?: number;
  /** Queries waiting in a query-frontend's queue (per tenant) above which `TempoQueryFrontendQueueBacklog` fires. @default 100 */
  readonly queryQueueLength?: number;
  /** Fraction of query API requests answered with a 5xx at which `TempoQueriesFailing` fires. @default 0.05 */
  readonly queryErrorRatio?: number;
  /**
   * `for` durations per alert, Prometheus durations.
   * @default DEFAULT_ALERT_FOR
   */
  readonly alertFor?: Partial<Record<TempoAlertName, string>>;
  /**
   * Alerts are sent to an Alertmanager: adds the always-firing `Watchdog` (severity `none`), which
   * a dead man's switch pages on when it stops arriving.
   * @default false
   */
  readonly watchdog?: boolean;
  /**
   * The stack's own Alertmanager, scraped by the `alertmanager` job: adds the `alertmanager` group
   * (Alertmanager down, config reload failing, notifications failing, mesh members missing when it
   * runs more than one replica, Prometheus not finding or not reaching it).
   * @default - no Alertmanager alerts
   */
  readonly alertmanager?: { readonly replicas: number };
  /**
   * Label matchers that select Alertmanager's scraped series.
   * @default { job: 'alertmanager' }
   */
  readonly alertmanagerSelector?: Readonly<Record<string, string>>;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedTempoRulesOptions {
  readonly metricsGenerator: boolean;
  readonly runbookBaseUrl: string;
  readonly tempoSelector: Readonly<Record<string, string>>;
  readonly prometheusSelector: Readonly<Record<string, string>>;
  /** The window of the recording rules' rates: max(4 scrape intervals, 1m), in whole minutes. */
  readonly rateWindow: string;
  /** The window of the alerts' counter increases: max(rateWindow, 5m). */
  readonly counterWindow: string;
  /** The memory threshold in bytes, from the limit or the fixed threshold. */
  readonly memoryThresholdBytes: number;
  /** The fraction of the memory limit the threshold is; undefined when no limit is known. */
  readonly memoryLimitFraction?: number;
  readonly discardedSpansPerSecond: number;
  readonly flushFailedRetriesPerHour: number;
  readonly compactionErrorsPerHour: number;
  readonly outstandingBlocks: number;
  readonly pollErrorsPerHour: number;
  readonly tenantIndexMaxAgeSeconds: number;
  readonly tenantIndexErrorsPerHour: number;
  readonly requestLatencyP99Seconds: number;
  readonly latencyExcludedRoutes: string;
  readonly generatorActiveSeriesFraction: number;
  readonly remoteWriteReceiverErrorRatio: number;
  /** Expected members per ring; empty: no ring size alert. */
  readonly rings: Readonly<Record<string, number>>;
  readonly refusedSpansRatio: number;
  readonly liveTracesLimitFraction: number;
  readonly queryQueueLength: number;
  readonly queryErrorRatio: number;
  readonly alertFor: Readonly<Record<TempoAlertName, string>>;
  readonly watchdog: boolean;
  /** The Alertmanager replicas the `alertmanager` group expects; undefined: no such group. */
  readonly alertmanagerReplicas?: number;
  readonly alertmanagerSelector: Readonly<Record<string, string>>;
}

const C = 'prometheus';
const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_DURATION_UNITS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 1e-3];
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Parses a Prometheus duration (`30s`, `1m30s`, `6h`, `0s`; units y w d h m s ms, largest first) into
 * seconds. `allowZero` admits `0s` (an alert that fires at once).
 */
export function promDurationSeconds(prop: string, value: string, allowZero = false): number {
  const m = typeof value === 'string' && value !== '' ? PROM_DURATION.exec(value) : null;
  if (!m) {
    fail(C, prop, 'must be a Prometheus duration such as \'30s\', \'5m\' or \'1h30m\'', value,
      'write whole numbers with the units y, w, d, h, m, s or ms, largest unit first');
  }
  const seconds = m.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * PROM_DURATION_UNITS[i] : 0), 0);
  if (seconds <= 0 && !allowZero) fail(C, prop, 'must be longer than zero', value, 'use a positive duration such as \'30s\'');
  return seconds;
}

/** Writes whole seconds as the shortest clean Prometheus duration ('2m', '1h', '90s'). */
export function formatPromDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function number(prop: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_VALUE, exclusiveMin = false): number {
  const v = value ?? fallback;
  const tooLow = exclusiveMin ? v <= min : v < min;
  if (typeof v !== 'number' || !Number.isFinite(v) || tooLow || v > max) {
    const low = exclusiveMin ? `greater than ${min}` : `at least ${min}`;
    const range = max === Number.MAX_VALUE ? low : `${low} and at most ${max}`;
    fail(C, prop, `must be a number ${range}`, v, `use a number ${range}, or leave it out for the default ${fallback}`);
  }
  return v;
}

function selector(prop: string, value: Readonly<Record<string, string>> | undefined, fallback: Record<string, string>): Readonly<Record<string,
  string>> {
  const v = value ?? fallback;
  if (typeof v !== 'object' || v === null || Object.keys(v).length === 0) {
    fail(C, prop, 'must name at least one label', v, `give label matchers such as ${JSON.stringify(fallback)}`);
  }
  for (const [name, labelValue] of Object.entries(v)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      fail(C, `${prop}.${name}`, 'must be a Prometheus label name (letters, digits and _, not starting with a digit or __)', name,
        `use a label such as '${TARGET_LABELS.job}'`);
    }
    if (typeof labelValue !== 'string' || labelValue === '') {
      fail(C, `${prop}.${name}`, 'must be a non-empty label value', labelValue,
        `give the exact value, such as '${fallback[name] ?? SCRAPE_JOBS.tempo}'`);
    }
  }
  return v;
}

const RING_NAMES = ['ingester', 'distributor', 'compactor', 'metrics-generator'];

function resolveRings(rings: Readonly<Record<string, number>> | undefined): Readonly<Record<string, number>> {
  for (const [ring, members] of Object.entries(rings ?? {})) {
    if (!RING_NAMES.includes(ring)) fail(C, `rings.${ring}`, 'names no ring of Tempo 2.6', ring, `use one of ${RING_NAMES.join(', ')}`);
    checkMembers(ring, members);
  }
  return rings ?? {};
}

function checkMembers(ring: string, members: number): void {
  if (typeof members !== 'number' || !Number.isInteger(members) || members < 1) {
    fail(C, `rings.${ring}`, 'must be a whole number of members, at least 1', members, 'give the replicas of the ring\'s component');
  }
}

/** Fills in the defaults of the rule options and checks every value; errors name the option. */
export function resolveRulesOptions(options: TempoRulesOptions): ResolvedTempoRulesOptions {
  const scrape = promDurationSeconds('tempoScrapeInterval', options.tempoScrapeInterval);
  const rateSeconds = Math.ceil(Math.max(4 * scrape, 60) / 60) * 60;
  const counterSeconds = Math.max(rateSeconds, 300);

  const runbookBaseUrl = options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
  if (typeof runbookBaseUrl !== 'string' || !/^https?:\/\/[^\s#]+$/.test(runbookBaseUrl)) {
    fail(C, 'runbookBaseUrl', 'must be an absolute http(s) URL without a fragment', runbookBaseUrl,
      `point it at your copy of docs/runbook.md, such as '${DEFAULT_RUNBOOK_BASE_URL}'`);
  }

  let memoryThresholdBytes: number;
  let memoryLimitFraction: number | undefined;
  if (options.tempoMemoryLimitBytes !== undefined) {
    const limit = number('tempoMemoryLimitBytes', options.tempoMemoryLimitBytes, 0, 0, Number.MAX_VALUE, true);
    memoryLimitFraction = number('memoryLimitFraction', options.memoryLimitFraction, 0.85, 0, 1, true);
    memoryThresholdBytes = Math.round(limit * memoryLimitFraction);
  } else {
    memoryThresholdBytes = Math.round(number('memoryThresholdBytes', options.memoryThresholdBytes, 1.5e9, 0, Number.MAX_VALUE, true));
  }

  const alertFor: Record<string, string> = { ...DEFAULT_ALERT_FOR };
  for (const [alert, duration] of Object.entries(options.alertFor ?? {})) {
    if (!(alert in DEFAULT_ALERT_FOR)) {
      fail(C, `alertFor.${alert}`, 'names no alert of these rules', alert, `use one of ${Object.keys(DEFAULT_ALERT_FOR).join(', ')}`);
    }
    if (duration === undefined) continue;
    promDurationSeconds(`alertFor.${alert}`, duration, true);
    alertFor[alert] = duration;
  }

  const latencyExcludedRoutes = options.latencyExcludedRoutes ?? DEFAULT_LATENCY_EXCLUDED_ROUTES;
  try {
    if (typeof latencyExcludedRoutes !== 'string') throw new Error('not a string');
    new RegExp(`^(?:${latencyExcludedRoutes})$`);
  } catch {
    fail(C, 'latencyExcludedRoutes', 'must be a regular expression', latencyExcludedRoutes,
      'write routes separated by |, such as \'/frontend.Frontend/Process|metrics\'');
  }

  return {
    metricsGenerator: options.metricsGenerator === true,
    runbookBaseUrl,
    tempoSelector: selector('tempoSelector', options.tempoSelector, { [TARGET_LABELS.job]: SCRAPE_JOBS.tempo }),
    prometheusSelector: selector('prometheusSelector', options.prometheusSelector, { [TARGET_LABELS.job]: SCRAPE_JOBS.prometheus }),
    rateWindow: formatPromDuration(rateSeconds),
    counterWindow: formatPromDuration(counterSeconds),
    memoryThresholdBytes,
    memoryLimitFraction,
    discardedSpansPerSecond: number('discardedSpansPerSecond', options.discardedSpansPerSecond, 0, 0),
    flushFailedRetriesPerHour: number('flushFailedRetriesPerHour', options.flushFailedRetriesPerHour, 2, 0),
    compactionErrorsPerHour: number('compactionErrorsPerHour', options.compactionErrorsPerHour, 2, 0),
    outstandingBlocks: number('outstandingBlocks', options.outstandingBlocks, 100, 0, Number.MAX_VALUE, true),
    pollErrorsPerHour: number('pollErrorsPerHour', options.pollErrorsPerHour, 2, 0),
    tenantIndexMaxAgeSeconds: promDurationSeconds('tenantIndexMaxAge', options.tenantIndexMaxAge ?? '10m'),
    tenantIndexErrorsPerHour: number('tenantIndexErrorsPerHour', options.tenantIndexErrorsPerHour, 2, 0),
    requestLatencyP99Seconds: number('requestLatencyP99Seconds', options.requestLatencyP99Seconds, 3, 0, Number.MAX_VALUE, true),
    latencyExcludedRoutes,
    generatorActiveSeriesFraction: number('generatorActiveSeriesFraction', options.generatorActiveSeriesFraction, 0.95, 0, 1, true),
    remoteWriteReceiverErrorRatio: number('remoteWriteReceiverErrorRatio', options.remoteWriteReceiverErrorRatio, 0.01, 0, 1, true),
    rings: resolveRings(options.rings),
    refusedSpansRatio: number('refusedSpansRatio', options.refusedSpansRatio, 0.01, 0, 1, true),
    liveTracesLimitFraction: number('liveTracesLimitFraction', options.liveTracesLimitFraction, 0.9, 0, 1, true),
    queryQueueLength: number('queryQueueLength', options.queryQueueLength, 100, 0),
    queryErrorRatio: number('queryErrorRatio', options.queryErrorRatio, 0.05, 0, 1, true),
    alertFor: alertFor as Record<TempoAlertName, string>,
    watchdog: options.watchdog === true,
    alertmanagerReplicas: options.alertmanager === undefined ? undefined
      : Math.round(number('alertmanager.replicas', options.alertmanager?.replicas, 1, 1)),
    alertmanagerSelector: selector('alertmanagerSelector', options.alertmanagerSelector, { [TARGET_LABELS.job]: SCRAPE_JOBS.alertmanager }),
  };
}
