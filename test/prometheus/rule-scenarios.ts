/**
 * Behaviour of every alert as promtool unit tests, generated from the label contract: series as
 * our scrape config labels them (job, namespace, pod, container, instance), the time at which each
 * alert must fire with exactly which labels and annotations, and the times (before its `for` has
 * elapsed, or below its threshold) and healthy series for which it must stay silent.
 */
import { AlertingRule, RuleGroup } from '../../charts/prometheus/rules';
import { RECORDING_RULES, SCRAPE_JOBS, TARGET_LABELS } from '../../charts/shared/telemetry';

type Labels = Record<string, string>;

/** One input series: metric name, its own labels, values in promtool's expanding notation (one per minute). */
export interface Series { readonly metric: string; readonly labels: Labels; readonly values: string }

/** An alert that must be firing, with the labels it must carry (severity added) and its $value as rendered. */
export interface Expected { readonly labels: Labels; readonly value?: string }

/** What one alert must do. */
export interface Scenario {
  readonly alert: string;
  readonly series: readonly Series[];
  /** When it must fire, and the alerts (one per label set) it must fire with. */
  readonly firesAt: string;
  readonly expected: readonly Expected[];
  /** Times at which it must not fire on the same series. */
  readonly silentAt: readonly string[];
  /** Other series (a healthy system) on which it must not fire at `firesAt`. */
  readonly healthy?: readonly Series[];
  /** Spacing of the samples and of rule evaluation. @default '1m' */
  readonly step?: string;
}

const NAMESPACE = 'tempo';
const tempoTarget = (n: number): Labels => ({
  [TARGET_LABELS.job]: SCRAPE_JOBS.tempo, [TARGET_LABELS.namespace]: NAMESPACE,
  [TARGET_LABELS.pod]: `tempo-${n}`, [TARGET_LABELS.container]: 'tempo', instance: `10.0.0.${n + 10}:3200`,
});
const promTarget: Labels = { [TARGET_LABELS.job]: SCRAPE_JOBS.prometheus, instance: 'localhost:9090' };
const ns = { [TARGET_LABELS.namespace]: NAMESPACE };
const podOf = (n: number): Labels => ({ ...ns, [TARGET_LABELS.pod]: `tempo-${n}` });
const tenant = { tenant: 'single-tenant' };
const distributor = { [TARGET_LABELS.component]: 'distributor' };
const ingester = { [TARGET_LABELS.component]: 'ingester' };
const frontend = { [TARGET_LABELS.component]: 'query-frontend' };
const otlpHttp = { receiver: 'tempo/otlp_receiver', transport: 'http' };
const t = (n: number, metric: string, values: string, labels: Labels = {}): Series => ({ metric, labels: { ...tempoTarget(n), ...labels }, values });

/** A counter that failing pod tempo-1 increments once a minute, next to a quiet tempo-0. */
function perPodCounter(alert: string, metric: string, labels: Labels = {}): Scenario {
  return {
    alert,
    series: [t(0, metric, '0x30', labels), t(1, metric, '0+1x30', labels)],
    // 10 increments in the hour at 10m; 2 at 2m is not above the threshold of 2.
    firesAt: '10m', expected: [{ labels: podOf(1), value: '10' }], silentAt: ['2m'],
  };
}

const ring = (alert: string, name: string): Scenario => ({
  alert,
  series: [
    t(0, 'tempo_ring_members', '1x30', { name, state: 'Unhealthy' }),
    t(1, 'tempo_ring_members', '1x30', { name, state: 'Unhealthy' }),
    t(0, 'tempo_ring_members', '2x30', { name, state: 'ACTIVE' }),
  ],
  firesAt: '16m', expected: [{ labels: ns, value: '1' }], silentAt: ['10m'],
  healthy: [t(0, 'tempo_ring_members', '0x30', { name, state: 'Unhealthy' }), t(0, 'tempo_ring_members', '3x30', { name, state: 'ACTIVE' }),
    // Another ring's trouble is not this ring's.
    t(0, 'tempo_ring_members', '1x30', { name: name === 'ingester' ? 'compactor' : 'ingester', state: 'Unhealthy' })],
});

const bucket = (n: number, route: string, le: string, values: string): Series =>
  t(n, 'tempo_request_duration_seconds_bucket', values, { method: 'GET', route, status_code: '200', ws: 'false', le });
const slowRoute = (route: string): Series[] => [
  bucket(1, route, '0.5', '0x30'), bucket(1, route, '5', '0+100x30'), bucket(1, route, '+Inf', '0+100x30'),
];

/**
 * The scenarios, for rules built with: tempoScrapeInterval '30s' (rate windows 2m, counter windows
 * 5m), metricsGenerator true, tempoMemoryLimitBytes 2 GiB, rings { ingester: 3, 'metrics-generator': 2 },
 * every other option at its default.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    alert: 'TempoDown',
    series: [t(0, 'up', '1x15'), t(1, 'up', '1 1 0x13')],
    firesAt: '10m', expected: [{ labels: tempoTarget(1) }], silentAt: ['6m'],
  },
  {
    alert: 'TempoJobAbsent',
    series: [{ metric: 'up', labels: promTarget, values: '1x15' }],
    firesAt: '6m', expected: [{ labels: { [TARGET_LABELS.job]: SCRAPE_JOBS.tempo } }], silentAt: ['4m'],
    healthy: [t(0, 'up', '1x15')],
  },
  {
    alert: 'TempoHighMemory',
    // 85 % of 2 GiB is 1825361101 bytes.
    series: [t(0, 'process_resident_memory_bytes', '1800000000x15'), t(1, 'process_resident_memory_bytes', '1000000000 1000000000 1900000000x13')],
    firesAt: '10m', expected: [{ labels: podOf(1), value: '1.77Gi' }], silentAt: ['6m'],
  },
  {
    alert: 'TempoDiscardingSpans',
    series: [
      t(1, 'tempo_discarded_spans_total', '0+600x15', { reason: 'live_traces_exceeded', ...tenant }),
      t(0, 'tempo_discarded_spans_total', '5x15', { reason: 'rate_limited', ...tenant }),
    ],
    firesAt: '10m', expected: [{ labels: { ...ns, reason: 'live_traces_exceeded' }, value: '10' }], silentAt: ['3m'],
  },
  {
    alert: 'TempoIngesterFlushesFailing',
    series: [t(0, 'tempo_ingester_failed_flushes_total', '0x30'), t(1, 'tempo_ingester_failed_flushes_total', '0+1x30')],
    firesAt: '20m', expected: [{ labels: podOf(1), value: '5' }], silentAt: ['10m'],
  },
  perPodCounter('TempoIngesterFlushRetriesFailing', 'tempo_ingester_flush_failed_retries_total'),
  perPodCounter('TempoCompactionsFailing', 'tempodb_compaction_errors_total'),
  {
    alert: 'TempoCompactionTooManyOutstandingBlocks',
    // Hours of series: sampled and evaluated every 10 minutes, which keeps promtool quick.
    step: '10m',
    series: [
      t(0, 'tempodb_compaction_outstanding_blocks', '80x40', tenant), t(1, 'tempodb_compaction_outstanding_blocks', '40x40', tenant),
      t(0, 'tempodb_compaction_outstanding_blocks', '10x40', { tenant: 'other' }),
    ],
    firesAt: '380m', expected: [{ labels: { ...ns, ...tenant }, value: '120' }], silentAt: ['300m'],
  },
  perPodCounter('TempoBlocklistPollsFailing', 'tempodb_blocklist_poll_errors_total', tenant),
  {
    alert: 'TempoTenantIndexTooOld',
    series: [t(0, 'tempodb_blocklist_tenant_index_age_seconds', '30x20', tenant), t(1, 'tempodb_blocklist_tenant_index_age_seconds', '0+60x20',
      tenant)],
    firesAt: '18m', expected: [{ labels: { ...podOf(1), ...tenant }, value: '18m 0s' }], silentAt: ['14m'],
  },
  {
    alert: 'TempoTenantIndexNotBuilt',
    series: [t(0, 'tempodb_blocklist_tenant_index_builder', '0x20', tenant), t(1, 'tempodb_blocklist_tenant_index_builder', '0x20', tenant)],
    firesAt: '12m', expected: [{ labels: { ...ns, ...tenant } }], silentAt: ['8m'],
    healthy: [t(0, 'tempodb_blocklist_tenant_index_builder', '1x20', tenant), t(1, 'tempodb_blocklist_tenant_index_builder', '0x20', tenant)],
  },
  {
    alert: 'TempoTenantIndexBuildsFailing',
    series: [t(0, 'tempodb_blocklist_tenant_index_errors_total', '0+1x30', tenant)],
    firesAt: '10m', expected: [{ labels: { ...ns, ...tenant }, value: '10' }], silentAt: ['2m'],
  },
  ring('TempoIngesterUnhealthy', 'ingester'),
  ring('TempoDistributorUnhealthy', 'distributor'),
  ring('TempoCompactorUnhealthy', 'compactor'),
  ring('TempoMetricsGeneratorUnhealthy', 'metrics-generator'),
  {
    alert: 'TempoRingMembersMissing',
    // Rules built with rings { ingester: 3, 'metrics-generator': 2 }: two of three ingesters are ACTIVE in every pod's view.
    series: [
      t(0, 'tempo_ring_members', '2x30', { name: 'ingester', state: 'ACTIVE' }),
      t(1, 'tempo_ring_members', '2x30', { name: 'ingester', state: 'ACTIVE' }),
      t(0, 'tempo_ring_members', '1x30', { name: 'ingester', state: 'LEAVING' }),
      t(0, 'tempo_ring_members', '2x30', { name: 'metrics-generator', state: 'ACTIVE' }),
    ],
    firesAt: '16m', expected: [{ labels: { ...ns, name: 'ingester' }, value: '2' }], silentAt: ['10m'],
    // One pod's stale view (2) beside one that sees every member (3); the generator ring at its size.
    healthy: [
      t(0, 'tempo_ring_members', '2x30', { name: 'ingester', state: 'ACTIVE' }),
      t(1, 'tempo_ring_members', '3x30', { name: 'ingester', state: 'ACTIVE' }),
      t(0, 'tempo_ring_members', '2x30', { name: 'metrics-generator', state: 'ACTIVE' }),
    ],
  },
  {
    alert: 'TempoDistributorRefusingSpans',
    series: [
      t(1, 'tempo_receiver_accepted_spans', '0+540x30', { ...distributor, ...otlpHttp }),
      t(1, 'tempo_receiver_refused_spans', '0+60x30', { ...distributor, ...otlpHttp }),
      t(0, 'tempo_receiver_accepted_spans', '0+600x30', { ...distributor, ...otlpHttp }),
      t(0, 'tempo_receiver_refused_spans', '0x30', { ...distributor, ...otlpHttp }),
    ],
    // 1 of every 10 spans refused: 10 %.
    firesAt: '10m', expected: [{ labels: { ...podOf(1), ...distributor }, value: '10%' }], silentAt: ['3m'],
  },
  {
    alert: 'TempoIngesterLiveTracesNearLimit',
    series: [
      t(1, 'tempo_ingester_live_traces', '95000x30', { ...ingester, ...tenant }),
      t(1, 'tempo_limits_defaults', '100000x30', { ...ingester, limit_name: 'max_local_traces_per_user' }),
      // Another limit of the same pod is not the live-traces one.
      t(1, 'tempo_limits_defaults', '0x30', { ...ingester, limit_name: 'max_global_traces_per_user' }),
      t(0, 'tempo_ingester_live_traces', '50000x30', { ...ingester, ...tenant }),
      t(0, 'tempo_limits_defaults', '100000x30', { ...ingester, limit_name: 'max_local_traces_per_user' }),
    ],
    firesAt: '16m', expected: [{ labels: { ...podOf(1), ...ingester, ...tenant }, value: '95%' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoQueryFrontendQueueBacklog',
    series: [
      t(1, 'tempo_query_frontend_queue_length', '150x30', { ...frontend, user: 'single-tenant' }),
      t(0, 'tempo_query_frontend_queue_length', '20x30', { ...frontend, user: 'single-tenant' }),
    ],
    firesAt: '16m', expected: [{ labels: { ...podOf(1), ...frontend, user: 'single-tenant' }, value: '150' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoQueriesFailing',
    series: [
      t(1, 'tempo_request_duration_seconds_count', '0+540x30', { ...frontend, method: 'GET', route: 'api_search', status_code: '200', ws: 'false' }),
      t(1, 'tempo_request_duration_seconds_count', '0+60x30', { ...frontend, method: 'GET', route: 'api_search', status_code: '503', ws: 'false' }),
      // A querier's own route is a frontend's sub-request, not a client's query.
      t(2, 'tempo_request_duration_seconds_count', '0+600x30',
        { component: 'querier', method: 'GET', route: 'querier_api_search', status_code: '503', ws: 'false' }),
      t(1, 'tempo_request_duration_seconds_count', '0+600x30', 
        { ...frontend, method: 'GET', route: 'api_traces_traceid', status_code: '200', ws: 'false' }),
    ],
    firesAt: '20m', expected: [{ labels: { ...ns, route: 'api_search' }, value: '10%' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoWalReplayErrors',
    series: [t(1, 'tempo_ingester_replay_errors_total', '0 0 0 3x10', tenant)],
    // Fires once the errors are counted, and resolves when they leave the window.
    firesAt: '5m', expected: [{ labels: { ...podOf(1), ...tenant }, value: '3' }], silentAt: ['2m', '9m'],
  },
  {
    alert: 'TempoRequestLatencyHigh',
    series: [
      ...slowRoute('api_search'),
      // Long polls are slow by design.
      ...slowRoute('/frontend.Frontend/Process'),
      bucket(0, 'api_traces_traceid', '0.5', '0+100x30'), bucket(0, 'api_traces_traceid', '5', '0+100x30'), bucket(0, 'api_traces_traceid', '+Inf',
        '0+100x30'),
    ],
    // Every request of api_search between 0.5 s and 5 s: p99 = 0.5 + 4.5 * 0.99.
    firesAt: '20m', expected: [{ labels: { ...ns, route: 'api_search' }, value: '4.955' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoMetricsGeneratorRemoteWriteFailing',
    series: [
      t(0, 'prometheus_remote_storage_samples_failed_total', '0x30', { remote_name: 'a1b2c3', url: 'http://prometheus.tempo.svc.cluster.local:9090/api/v1/write', ...tenant }),
      t(1, 'prometheus_remote_storage_samples_failed_total', '0+60x30', { remote_name: 'a1b2c3', url: 'http://prometheus.tempo.svc.cluster.local:9090/api/v1/write', ...tenant }),
    ],
    firesAt: '20m', expected: [{ labels: podOf(1), value: '1' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoMetricsGeneratorActiveSeriesAtLimit',
    series: [
      t(0, 'tempo_metrics_generator_registry_active_series', '5000x30', tenant), t(0, 'tempo_metrics_generator_registry_max_active_series',
        '10000x30', tenant),
      t(1, 'tempo_metrics_generator_registry_active_series', '9800x30', tenant), t(1, 'tempo_metrics_generator_registry_max_active_series',
        '10000x30', tenant),
      // A cap of 0 means unlimited.
      t(2, 'tempo_metrics_generator_registry_active_series', '20000x30', tenant), t(2, 'tempo_metrics_generator_registry_max_active_series', '0x30',
        tenant),
    ],
    firesAt: '16m', expected: [{ labels: { ...podOf(1), ...tenant }, value: '98%' }], silentAt: ['10m'],
  },
  {
    alert: 'TempoPrometheusRuleEvaluationFailures',
    series: [
      { metric: 'prometheus_rule_evaluation_failures_total', labels: { ...promTarget, rule_group: '/etc/prometheus/rules/tempo.yml;tempo' },
        values: '0+1x30' },
      { metric: 'prometheus_rule_evaluation_failures_total', labels: { ...promTarget, rule_group: '/etc/prometheus/rules/tempo.yml;tempo-recording' },
        values: '0x30' },
    ],
    firesAt: '10m', expected: [{ labels: { ...promTarget, rule_group: '/etc/prometheus/rules/tempo.yml;tempo' }, value: '5' }], silentAt: ['4m'],
  },
  {
    alert: 'TempoPrometheusRemoteWriteReceiverFailing',
    series: [
      { metric: 'prometheus_http_requests_total', labels: { ...promTarget, handler: '/api/v1/write', code: '204' }, values: '0+600x30' },
      { metric: 'prometheus_http_requests_total', labels: { ...promTarget, handler: '/api/v1/write', code: '500' }, values: '0+60x30' },
      // Errors of other handlers are not the receiver's.
      { metric: 'prometheus_http_requests_total', labels: { ...promTarget, handler: '/api/v1/query', code: '503' }, values: '0+600x30' },
    ],
    firesAt: '20m', expected: [{ labels: promTarget, value: '9.091%' }], silentAt: ['10m'],
  },
];

/** The request-rate recording rule's expected output on the latency scenario's api_search series. */
export const RECORDING_SCENARIO = {
  series: [t(1, 'tempo_request_duration_seconds_count', '0+120x30', { method: 'GET', route: 'api_search', status_code: '200', ws: 'false' }),
    t(2, 'tempo_request_duration_seconds_count', '0+60x30', { method: 'GET', route: 'api_search', status_code: '200', ws: 'false' })],
  at: '10m',
  // 2/s from tempo-1 plus 1/s from tempo-2, summed over pods.
  expr: `${RECORDING_RULES.requestRate}`,
  expected: [{ labels: `${RECORDING_RULES.requestRate}{namespace="${NAMESPACE}", route="api_search", status_code="200"}`, value: 3 }],
};

const TEMPLATE = /\{\{\s*(\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)|\$value[^}]*)\s*\}\}/g;

/**
 * Renders an annotation template the way the scenario expects Prometheus to: `$labels.x` from the
 * alert's labels (a label the alert does not carry is an error: the description would name
 * nothing), `$value` as the scenario's rendered value. promtool then checks Prometheus agrees.
 */
export function renderAnnotation(template: string, labels: Labels, value: string | undefined, alert: string): string {
  return template.replace(TEMPLATE, (_, expr: string, labelName?: string) => {
    if (labelName !== undefined) {
      if (!(labelName in labels)) throw new Error(`${alert}: template names label '${labelName}', which the alert does not carry (it has `
        + `${Object.keys(labels).join(', ')})`);
      return labels[labelName];
    }
    if (value === undefined) throw new Error(`${alert}: template uses ${expr}, but the scenario gives no rendered value`);
    return value;
  });
}

function seriesText(s: Series): string {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return `${s.metric}{${labels}}`;
}

function inputSeries(series: readonly Series[]): Array<{ series: string; values: string }> {
  return series.map((s) => ({ series: seriesText(s), values: s.values }));
}

/** Every alerting rule of the groups, by name. */
export function alertsByName(groups: readonly RuleGroup[]): Map<string, AlertingRule> {
  const out = new Map<string, AlertingRule>();
  for (const g of groups) for (const r of g.rules) if ('alert' in r) out.set(r.alert, r);
  return out;
}

/**
 * The promtool unit-test files for the scenarios, against rule files `ruleFileNames`: one file per
 * evaluation step (promtool sets the evaluation interval per file), named `rules-<step>.test.yml`.
 */
export function promtoolTestFiles(groups: readonly RuleGroup[], ruleFileNames: string[], scenarios: readonly Scenario[] = SCENARIOS): Record<string,
  unknown> {
  const alerts = alertsByName(groups);
  const testsByStep = new Map<string, unknown[]>();
  const add = (step: string, test: unknown) => testsByStep.set(step, [...(testsByStep.get(step) ?? []), test]);
  for (const s of scenarios) {
    const rule = alerts.get(s.alert);
    if (!rule) throw new Error(`scenario for ${s.alert}, but the rules have no such alert`);
    const step = s.step ?? '1m';
    add(step, {
      name: `${s.alert} fires with its labels and annotations, and stays silent before and elsewhere`,
      interval: step,
      input_series: inputSeries(s.series),
      alert_rule_test: [
        {
          eval_time: s.firesAt, alertname: s.alert,
          exp_alerts: s.expected.map((e) => {
            const labels = { ...e.labels, severity: rule.labels.severity };
            return {
              exp_labels: labels,
              exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, renderAnnotation(v, labels, e.value,
                s.alert)])),
            };
          }),
        },
        ...s.silentAt.map((at) => ({ eval_time: at, alertname: s.alert, exp_alerts: [] })),
      ],
    });
    if (s.healthy) {
      add(step, {
        name: `${s.alert} stays silent on healthy series`,
        interval: step,
        input_series: inputSeries(s.healthy),
        alert_rule_test: [{ eval_time: s.firesAt, alertname: s.alert, exp_alerts: [] }],
      });
    }
  }
  add('1m', {
    name: 'the request-rate recording rule sums the pods by namespace, route and status code',
    interval: '1m',
    input_series: inputSeries(RECORDING_SCENARIO.series),
    promql_expr_test: [{ expr: RECORDING_SCENARIO.expr, eval_time: RECORDING_SCENARIO.at, exp_samples: RECORDING_SCENARIO.expected }],
  });
  return Object.fromEntries([...testsByStep].map(([step, tests]) => [`rules-${step}.test.yml`, { rule_files: ruleFileNames, evaluation_interval: step,
    tests }]));
}
