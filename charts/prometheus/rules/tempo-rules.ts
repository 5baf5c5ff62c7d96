import { RECORDING_RULES, TARGET_LABELS } from '../../shared/telemetry';
import { ResolvedTempoRulesOptions, TempoAlertName } from './options';
import { AlertingRule, AlertSeverity, RecordingRule, RuleGroup } from './types';

/** Names of the rule groups, unique within one Prometheus. */
export const RULE_GROUP_NAMES = {
  recording: 'tempo-recording',
  tempo: 'tempo',
  metricsGenerator: 'tempo-metrics-generator',
  prometheus: 'tempo-prometheus',
  watchdog: 'watchdog',
  alertmanager: 'alertmanager',
} as const;

const { namespace: NS, pod: POD, job: JOB } = TARGET_LABELS;
// Per-pod alerts keep the pod's component (distributor, ingester, ... in distributed mode), so each says which one.
const POD_C = `${POD}, ${TARGET_LABELS.component}`;

/** A PromQL selector body: the selector's exact matchers plus extra matchers written as PromQL. */
export function matchers(selector: Readonly<Record<string, string>>, ...extra: string[]): string {
  return `{${[...Object.entries(selector).map(([k, v]) => `${k}=${JSON.stringify(v)}`), ...extra].join(', ')}}`;
}

/** The runbook anchor of an alert: GitHub's anchor of the heading `## <alert>`. */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

const num = (n: number): string => String(n);

/** A label's value in an annotation template. */
export const label = (name: string): string => `{{ $labels.${name} }}`;

/** Tempo's request-rate and latency recording rules (names from the label contract). */
export function recordingRules(o: ResolvedTempoRulesOptions): RecordingRule[] {
  const counts = `tempo_request_duration_seconds_count${matchers(o.tempoSelector)}`;
  // Websocket streams are open for as long as the client listens: their duration is no latency.
  const buckets = `tempo_request_duration_seconds_bucket${matchers(o.tempoSelector, 'ws!="true"')}`;
  const quantile = (q: number, record: string): RecordingRule => ({
    record,
    expr: `histogram_quantile(${q}, sum by (${NS}, route, le) (rate(${buckets}[${o.rateWindow}])))`,
  });
  return [
    { record: RECORDING_RULES.requestRate, expr: `sum by (${NS}, route, status_code) (rate(${counts}[${o.rateWindow}]))` },
    quantile(0.5, RECORDING_RULES.requestLatencyP50),
    quantile(0.9, RECORDING_RULES.requestLatencyP90),
    quantile(0.99, RECORDING_RULES.requestLatencyP99),
  ];
}

/** One alert of the built-in groups, before its `for` and runbook link are added. */
export interface AlertSpec {
  readonly alert: TempoAlertName;
  readonly expr: string;
  readonly severity: AlertSeverity;
  readonly summary: string;
  readonly description: string;
}

/** An alerting rule from its spec: the `for` duration from the options, the runbook link to the alert's section. */
export function alert(o: ResolvedTempoRulesOptions, spec: AlertSpec): AlertingRule {
  const forDuration = o.alertFor[spec.alert];
  return {
    alert: spec.alert,
    expr: spec.expr,
    ...(forDuration === '0s' ? {} : { for: forDuration }),
    labels: { severity: spec.severity },
    annotations: { summary: spec.summary, description: spec.description, runbook_url: `${o.runbookBaseUrl}#${runbookAnchor(spec.alert)}` },
  };
}

/** Alerts on Tempo's own series (every Tempo pod, scraped by the Tempo job). */
export function tempoAlerts(o: ResolvedTempoRulesOptions): AlertingRule[] {
  const t = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.tempoSelector, ...extra)}`;
  const w = o.counterWindow;
  const where = `pod ${label(POD)} in namespace ${label(NS)}`;
  const rings: Array<[TempoAlertName, string, AlertSeverity, string]> = [
    ['TempoIngesterUnhealthy', 'ingester', 'critical', 'writes need a quorum of healthy ingesters; with too few, pushes fail and traces are lost'],
    ['TempoDistributorUnhealthy', 'distributor', 'warning',
      'rate limits are shared among the distributors the ring counts, so the healthy ones admit less'],
    ['TempoCompactorUnhealthy', 'compactor', 'critical',
      'the blocks the missing compactor owns are neither compacted nor deleted at the end of retention'],
    ...(o.metricsGenerator
      ? [['TempoMetricsGeneratorUnhealthy', 'metrics-generator', 'warning',
      'spans routed to the missing generator produce no metrics'] as [TempoAlertName, string, AlertSeverity, string]]
      : []),
  ];
  return [
    alert(o, {
      alert: 'TempoDown', severity: 'critical',
      expr: `${t('up')} == 0`,
      summary: 'A Tempo pod cannot be scraped.',
      description: `Prometheus has failed to scrape Tempo ${where} for ${o.alertFor.TempoDown}: the pod is down, not ready or unreachable.`,
    }),
    alert(o, {
      alert: 'TempoJobAbsent', severity: 'critical',
      expr: `absent(${t('up')})`,
      summary: 'Prometheus finds no Tempo pod to scrape.',
      // absent() carries only the selector's exact labels, so the description names the selector itself.
      description: `No target matching ${t('up')} has existed for ${o.alertFor.TempoJobAbsent}: Tempo is not running, or service discovery does not `
        + `find its pods.`,
    }),
    alert(o, {
      alert: 'TempoHighMemory', severity: 'warning',
      expr: `max by (${NS}, ${POD_C}) (${t('process_resident_memory_bytes')}) > ${num(o.memoryThresholdBytes)}`,
      summary: 'A Tempo pod is close to its memory limit.',
      description: o.memoryLimitFraction !== undefined
        ? `Tempo ${where} uses {{ $value | humanize1024 }}B of resident memory, over ${Math.round(o.memoryLimitFraction * 100)}% of its memory `
          + `limit; at the limit it is killed.`
        : `Tempo ${where} uses {{ $value | humanize1024 }}B of resident memory, over ${o.memoryThresholdBytes / 1e9} GB.`,
    }),
    alert(o, {
      alert: 'TempoDiscardingSpans', severity: 'warning',
      expr: `sum by (${NS}, reason) (rate(${t('tempo_discarded_spans_total')}[${w}])) > ${num(o.discardedSpansPerSecond)}`,
      summary: 'Tempo is dropping spans it received.',
      description: `Tempo in namespace ${label(NS)} discards {{ $value | humanize }} spans/s with reason ${label('reason')}. Unless the reason `
        + `is rate_limited, the clients were told the spans were accepted.`,
    }),
    alert(o, {
      alert: 'TempoIngesterFlushesFailing', severity: 'warning',
      expr: `sum by (${NS}, ${POD_C}) (increase(${t('tempo_ingester_failed_flushes_total')}[${w}])) > 0`,
      summary: 'A Tempo ingester keeps failing to complete or flush blocks.',
      description: `Tempo ${where} failed {{ $value | humanize }} block completions or flushes in the last ${w}, continuously for `
        + `${o.alertFor.TempoIngesterFlushesFailing}.`,
    }),
    alert(o, {
      alert: 'TempoIngesterFlushRetriesFailing', severity: 'critical',
      expr: `sum by (${NS}, ${POD_C}) (increase(${t('tempo_ingester_flush_failed_retries_total')}[1h])) > ${num(o.flushFailedRetriesPerHour)}`,
      summary: 'A Tempo ingester\'s flush retries fail too.',
      description: `Tempo ${where} retried {{ $value | humanize }} failed block operations in the last hour and they failed again; blocks pile up on `
        + `its disk, and blocks that cannot be completed are deleted.`,
    }),
    alert(o, {
      alert: 'TempoCompactionsFailing', severity: 'warning',
      expr: `sum by (${NS}, ${POD_C}) (increase(${t('tempodb_compaction_errors_total')}[1h])) > ${num(o.compactionErrorsPerHour)}`,
      summary: 'Tempo compactions fail.',
      description: `Tempo ${where} had {{ $value | humanize }} compaction errors in the last hour.`,
    }),
    alert(o, {
      alert: 'TempoCompactionTooManyOutstandingBlocks', severity: 'warning',
      expr: `sum by (${NS}, tenant) (${t('tempodb_compaction_outstanding_blocks')}) > ${num(o.outstandingBlocks)}`,
      summary: 'Tempo compaction falls behind.',
      description: `Tenant ${label('tenant')} in namespace ${label(NS)} has {{ $value | humanize }} blocks waiting for compaction for `
        + `${o.alertFor.TempoCompactionTooManyOutstandingBlocks}; queries read ever more blocks.`,
    }),
    alert(o, {
      alert: 'TempoBlocklistPollsFailing', severity: 'critical',
      expr: `sum by (${NS}, ${POD_C}) (increase(${t('tempodb_blocklist_poll_errors_total')}[1h])) > ${num(o.pollErrorsPerHour)}`,
      summary: 'Tempo cannot list the blocks in its storage.',
      description: `Tempo ${where} failed {{ $value | humanize }} blocklist polls in the last hour; its view of the stored blocks goes stale and `
        + `queries miss recent blocks.`,
    }),
    alert(o, {
      alert: 'TempoTenantIndexTooOld', severity: 'critical',
      expr: `max by (${NS}, ${POD_C}, tenant) (${t('tempodb_blocklist_tenant_index_age_seconds')}) > ${num(o.tenantIndexMaxAgeSeconds)}`,
      summary: 'Tempo reads an old tenant index.',
      description: `Tempo ${where} reads a tenant index of tenant ${label('tenant')} that is {{ $value | humanizeDuration }} old; blocks `
        + `written since are invisible to its queries.`,
    }),
    alert(o, {
      alert: 'TempoTenantIndexNotBuilt', severity: 'critical',
      expr: `max by (${NS}, tenant) (${t('tempodb_blocklist_tenant_index_builder')}) == 0`,
      summary: 'No Tempo pod builds the tenant index.',
      description: `No Tempo pod in namespace ${label(NS)} has built the tenant index of tenant ${label('tenant')} for `
        + `${o.alertFor.TempoTenantIndexNotBuilt}; the index only ages from here.`,
    }),
    alert(o, {
      alert: 'TempoTenantIndexBuildsFailing', severity: 'warning',
      expr: `sum by (${NS}, tenant) (increase(${t('tempodb_blocklist_tenant_index_errors_total')}[1h])) > ${num(o.tenantIndexErrorsPerHour)}`,
      summary: 'Building or reading the Tempo tenant index fails.',
      description: `Tempo in namespace ${label(NS)} had {{ $value | humanize }} tenant index errors for tenant ${label('tenant')} in the last hour.`,
    }),
    ...rings.map(([name, ring, severity, consequence]) => alert(o, {
      alert: name, severity,
      expr: `max by (${NS}) (${t('tempo_ring_members', `name="${ring}"`, 'state="Unhealthy"')}) > 0`,
      summary: `A member of Tempo's ${ring} ring is unhealthy.`,
      description: `The ${ring} ring of Tempo in namespace ${label(NS)} has {{ $value }} member(s) that stopped heartbeating; ${consequence}.`,
    })),
    ...ringSizeAlerts(o),
    ...componentAlerts(o),
    alert(o, {
      alert: 'TempoWalReplayErrors', severity: 'warning',
      expr: `sum by (${NS}, ${POD_C}, tenant) (increase(${t('tempo_ingester_replay_errors_total')}[${w}])) > 0`,
      summary: 'A Tempo ingester could not replay its write-ahead log.',
      description: `Tempo ${where} met {{ $value | humanize }} errors replaying the WAL of tenant ${label('tenant')} at start-up; traces of `
        + `those WAL blocks are lost.`,
    }),
    alert(o, {
      alert: 'TempoRequestLatencyHigh', severity: 'warning',
      expr: `${RECORDING_RULES.requestLatencyP99}${matchers({},
        `route!~${JSON.stringify(o.latencyExcludedRoutes)}`)} > ${num(o.requestLatencyP99Seconds)}`,
      summary: 'Tempo answers slowly.',
      description: `The 99th percentile latency of route ${label('route')} of Tempo in namespace ${label(NS)} is {{ $value | humanize }}s.`,
    }),
  ];
}

/**
 * `TempoRingMembersMissing`: a ring with fewer ACTIVE members than its component runs (only for the
 * rings `rings` names: none in single-node mode, the generator's only where it runs). The largest
 * count any pod sees is taken, so one pod's stale view does not fire it.
 */
export function ringSizeAlerts(o: ResolvedTempoRulesOptions): AlertingRule[] {
  const rings = Object.entries(o.rings);
  if (rings.length === 0) return [];
  const active = (ring: string, members: number): string =>
    `max by (${NS}, name) (tempo_ring_members${matchers(o.tempoSelector, `name="${ring}"`, 'state="ACTIVE"')}) < ${members}`;
  return [alert(o, {
    alert: 'TempoRingMembersMissing', severity: 'warning',
    expr: rings.map(([ring, members]) => active(ring, members)).join(' or '),
    summary: 'A Tempo ring has fewer active members than pods of its component.',
    description: `The ${label('name')} ring of Tempo in namespace ${label(NS)} has {{ $value }} ACTIVE member(s), fewer than expected`
      + ` (${rings.map(([ring, members]) => `${ring} ${members}`).join(', ')}); pods of that component are missing, starting or leaving.`,
  })];
}

/**
 * Per-component health: distributors refusing spans, ingesters near their live-traces limit, and on
 * the read path the query-frontend's queue and failing query requests. Each per-pod alert keeps the
 * pod's `component` label.
 */
export function componentAlerts(o: ResolvedTempoRulesOptions): AlertingRule[] {
  const t = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.tempoSelector, ...extra)}`;
  const w = o.counterWindow;
  const byPod = `${NS}, ${POD_C}`;
  const which = `the ${label(TARGET_LABELS.component)} pod ${label(POD)} in namespace ${label(NS)}`;
  const refused = `sum by (${byPod}) (rate(${t('tempo_receiver_refused_spans')}[${w}]))`;
  const accepted = `sum by (${byPod}) (rate(${t('tempo_receiver_accepted_spans')}[${w}]))`;
  // The query API as clients call it; the queriers' own routes (querier_api_*) are the frontends' sub-requests.
  const queryRoutes = 'route=~"api_(search|traces|v2|metrics).*"';
  const requests = (...extra: string[]): string =>
    `sum by (${NS}, route) (rate(${t('tempo_request_duration_seconds_count', queryRoutes, ...extra)}[${w}]))`;
  return [
    alert(o, {
      alert: 'TempoDistributorRefusingSpans', severity: 'warning',
      expr: `${refused} / (${accepted} + ${refused}) > ${num(o.refusedSpansRatio)}`,
      summary: 'A Tempo distributor refuses spans.',
      description: `The OTLP receiver of ${which} refuses {{ $value | humanizePercentage }} of the spans sent to it;`
        + ' the senders get an error and retry or drop them.',
    }),
    alert(o, {
      alert: 'TempoIngesterLiveTracesNearLimit', severity: 'warning',
      expr: `max by (${byPod}, tenant) (${t('tempo_ingester_live_traces')})`
        + ` / on (${NS}, ${POD}) group_left () max by (${NS}, ${POD}) (${t('tempo_limits_defaults', 'limit_name="max_local_traces_per_user"')} > 0)`
        + ` >= ${num(o.liveTracesLimitFraction)}`,
      summary: 'A Tempo ingester is close to its live-traces limit.',
      description: `Tenant ${label('tenant')} holds {{ $value | humanizePercentage }} of the default live-traces limit on ${which};`
        + ' past it new traces are discarded (reason live_traces_exceeded) while the senders are told they were accepted.',
    }),
    alert(o, {
      alert: 'TempoQueryFrontendQueueBacklog', severity: 'warning',
      expr: `max by (${byPod}, user) (${t('tempo_query_frontend_queue_length')}) > ${num(o.queryQueueLength)}`,
      summary: 'Queries wait in a Tempo query-frontend\'s queue.',
      description: `{{ $value }} queries of tenant ${label('user')} wait in the queue of ${which}; the queriers do not keep up.`,
    }),
    alert(o, {
      alert: 'TempoQueriesFailing', severity: 'warning',
      expr: `${requests('status_code=~"5.."')} / ${requests()} > ${num(o.queryErrorRatio)}`,
      summary: 'Tempo queries fail.',
      description: `Tempo in namespace ${label(NS)} answers {{ $value | humanizePercentage }} of ${label('route')} requests with a server error.`,
    }),
  ];
}

/** Alerts on the metrics-generator's series (only when it runs). */
export function metricsGeneratorAlerts(o: ResolvedTempoRulesOptions): AlertingRule[] {
  const t = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.tempoSelector, ...extra)}`;
  const where = `pod ${label(POD)} in namespace ${label(NS)}`;
  return [
    alert(o, {
      alert: 'TempoMetricsGeneratorRemoteWriteFailing', severity: 'warning',
      expr: `sum by (${NS}, ${POD_C}) (rate(${t('prometheus_remote_storage_samples_failed_total')}[${o.counterWindow}])) > 0`,
      summary: 'The Tempo metrics-generator cannot write its metrics.',
      description: `The metrics-generator of Tempo ${where} fails to remote-write {{ $value | humanize }} samples/s; span metrics and the service `
        + `graph have gaps.`,
    }),
    alert(o, {
      alert: 'TempoMetricsGeneratorActiveSeriesAtLimit', severity: 'warning',
      // The cap is 0 when unlimited: leave those out rather than divide by zero.
      expr: `max by (${NS}, ${POD_C}, tenant) (${t('tempo_metrics_generator_registry_active_series')} / `
        + `(${t('tempo_metrics_generator_registry_max_active_series')} > 0)) >= ${num(o.generatorActiveSeriesFraction)}`,
      summary: 'The Tempo metrics-generator reached its active series cap.',
      description: `The metrics-generator of Tempo ${where} holds {{ $value | humanizePercentage }} of the active series tenant `
        + `${label('tenant')} may have; new series are dropped.`,
    }),
  ];
}

/** Alerts on Prometheus's own health, which the Tempo alerts depend on. */
export function prometheusAlerts(o: ResolvedTempoRulesOptions): AlertingRule[] {
  const p = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.prometheusSelector, ...extra)}`;
  const w = o.counterWindow;
  const rules = [
    alert(o, {
      alert: 'TempoPrometheusRuleEvaluationFailures', severity: 'critical',
      expr: `sum by (${JOB}, instance, rule_group) (increase(${p('prometheus_rule_evaluation_failures_total')}[${w}])) > 0`,
      summary: 'Prometheus fails to evaluate rules: alerts may not fire.',
      description: `Prometheus ${label('instance')} failed {{ $value | humanize }} evaluations of rule group ${label('rule_group')} in the `
        + `last ${w}.`,
    }),
  ];
  if (o.metricsGenerator) {
    const writes = (...extra: string[]): string => `sum by (${JOB}, instance) (rate(${p('prometheus_http_requests_total', 'handler="/api/v1/write"',
      ...extra)}[${w}]))`;
    rules.push(alert(o, {
      alert: 'TempoPrometheusRemoteWriteReceiverFailing', severity: 'warning',
      expr: `${writes('code=~"4..|5.."')} / ${writes()} > ${num(o.remoteWriteReceiverErrorRatio)}`,
      summary: 'Prometheus refuses the metrics-generator\'s remote writes.',
      description: `Prometheus ${label('instance')} answers {{ $value | humanizePercentage }} of remote-write requests with an error; the generator `
        + `drops what is refused.`,
    }));
  }
  return rules;
}

/** All groups, resolved options in. */
export function buildRuleGroups(o: ResolvedTempoRulesOptions): RuleGroup[] {
  return [
    { name: RULE_GROUP_NAMES.recording, rules: recordingRules(o) },
    { name: RULE_GROUP_NAMES.tempo, rules: tempoAlerts(o) },
    ...(o.metricsGenerator ? [{ name: RULE_GROUP_NAMES.metricsGenerator, rules: metricsGeneratorAlerts(o) }] : []),
    { name: RULE_GROUP_NAMES.prometheus, rules: prometheusAlerts(o) },
  ];
}
