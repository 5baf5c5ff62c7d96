import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import { RECORDING_RULES, SCRAPE_JOBS, TARGET_LABELS } from '../../shared/telemetry';
import { GrafanaTempoLink } from '../props';
import {
  PROMETHEUS_REF, limitThreshold, promQuery, promVariable, stackDashboard, timeSeries,
} from './common';
import { ProvisionedDashboard, numberPanels } from './model';

/** The stable uid of the "Tempo / Operations" dashboard. */
export const OPERATIONS_DASHBOARD_UID = 'tempo-operations';

const { job, namespace, pod, component } = TARGET_LABELS;
const RATE = '$__rate_interval';

/** Every Tempo pod the variables select: the Tempo scrape job, one namespace, the chosen components and pods. */
const PODS = `{${job}="${SCRAPE_JOBS.tempo}", ${namespace}="$namespace", ${component}=~"$component", ${pod}=~"$pod"}`;
/** The selected pods' series with more matchers. */
function podsWith(...matchers: string[]): string {
  return `${PODS.slice(0, -1)}, ${matchers.join(', ')}}`;
}
/** The query API's requests as clients send them (the queriers' own querier_api_* routes are sub-requests). */
const QUERY_ROUTES = podsWith('route=~"api_(search|traces|v2|metrics).*"');
/** The same, answered with a server error. */
const QUERY_ROUTES_5XX = podsWith('route=~"api_(search|traces|v2|metrics).*"', 'status_code=~"5.."');
/** The recording rules are aggregated per namespace and route (no pod). */
const NS = `{${namespace}="$namespace"}`;

/** A stat panel showing the last value of its query. */
function lastValue(): stat.PanelBuilder {
  return new stat.PanelBuilder().reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/**
 * "Tempo / Operations": is Tempo taking in every span, keeping up with flushes and compaction,
 * answering queries fast, and staying within its limits? Works in every mode: every panel is per
 * pod, selected by the `namespace`, `component` (distributor, ingester, ... in distributed mode)
 * and `pod` variables; each metric comes from the components that expose it.
 */
export function operationsDashboard(tempo: GrafanaTempoLink): ProvisionedDashboard {
  const title = 'Tempo / Operations';
  const topology = tempo.replicas === undefined ? '' : ` (${tempo.replicas} replica${tempo.replicas === 1 ? '' : 's'} deployed)`;
  const builder = stackDashboard(title, OPERATIONS_DASHBOARD_UID, `Health of Tempo's ingestion, storage and queries, per pod${topology}.`, [],
    'now-3h')
    .withVariable(promVariable('namespace', 'Namespace', 'The namespace Tempo runs in.',
      `label_values(up{${job}="${SCRAPE_JOBS.tempo}"}, ${namespace})`))
    .withVariable(promVariable('component', 'Component', 'The Tempo components to show (distributed mode runs each in its own pods).',
      `label_values(up{${job}="${SCRAPE_JOBS.tempo}", ${namespace}="$namespace"}, ${component})`, true))
    .withVariable(promVariable('pod', 'Pod', 'The Tempo pods to show.',
      `label_values(up{${job}="${SCRAPE_JOBS.tempo}", ${namespace}="$namespace", ${component}=~"$component"}, ${pod})`, true));

  builder
    .withRow(new dashboard.RowBuilder('Overview'))
    .withPanel(lastValue()
      .title('Pods up')
      .description('Are all Tempo pods being scraped? Fewer than expected means a pod is down or not ready (see the TempoDown alert).')
      .datasource(PROMETHEUS_REF)
      .withTarget(promQuery('A', `sum(up${PODS})`, 'up').instant())
      .unit('none')
      .colorMode(common.BigValueColorMode.Value)
      .graphMode(common.BigValueGraphMode.None)
      .height(4)
      .span(6))
    .withPanel(lastValue()
      .title('Spans discarded (last hour)')
      .description('Did Tempo silently drop spans in the last hour? Any value above zero means lost traces: Tempo answers 200 and discards them.')
      .datasource(PROMETHEUS_REF)
      .withTarget(promQuery('A', `sum(increase(tempo_discarded_spans_total${PODS}[1h])) or vector(0)`, 'discarded').instant())
      .unit('short')
      .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute)
        .steps([{ value: null as unknown as number, color: 'green' }, { value: 1, color: 'red' }]))
      .colorMode(common.BigValueColorMode.Background)
      .graphMode(common.BigValueGraphMode.None)
      .height(4)
      .span(6))
    .withPanel(lastValue()
      .title('Spans received')
      .description('How many spans per second does Tempo take in right now, across the selected pods?')
      .datasource(PROMETHEUS_REF)
      .withTarget(promQuery('A', `sum(rate(tempo_distributor_spans_received_total${PODS}[${RATE}]))`, 'spans/s').instant())
      .unit('cps')
      .graphMode(common.BigValueGraphMode.Area)
      .height(4)
      .span(6))
    .withPanel(lastValue()
      .title('Live traces')
      .description('How many traces are held in memory, waiting to be flushed, across the selected pods?')
      .datasource(PROMETHEUS_REF)
      .withTarget(promQuery('A', `sum(tempo_ingester_live_traces${PODS})`, 'live traces').instant())
      .unit('short')
      .graphMode(common.BigValueGraphMode.Area)
      .height(4)
      .span(6));

  builder
    .withRow(new dashboard.RowBuilder('Ingestion'))
    .withPanel(timeSeries('Spans received per pod',
      'How many spans per second does each pod accept from applications and collectors?', 'cps',
      [promQuery('A', `sum by (${pod}) (rate(tempo_distributor_spans_received_total${PODS}[${RATE}]))`, '{{pod}}')]))
    .withPanel(timeSeries('Bytes received per pod',
      'How much trace data per second reaches each distributor (what the ingestion rate limit counts)?', 'Bps',
      [promQuery('A', `sum by (${pod}) (rate(tempo_distributor_bytes_received_total${PODS}[${RATE}]))`, '{{pod}}')]))
    .withPanel(timeSeries('Spans discarded by reason',
      'Are spans being dropped, and why? live_traces_exceeded and trace_too_large are silent (HTTP 200); rate_limited is refused with 429 and '
        + 'retried by exporters.', 'cps',
      [promQuery('A', `sum by (reason) (rate(tempo_discarded_spans_total${PODS}[${RATE}]))`, '{{reason}}')]))
    .withPanel(timeSeries('Spans refused by the receiver',
      'Does the OTLP receiver refuse spans (the exporter sees an error and may retry)?', 'cps',
      [promQuery('A', `sum by (${pod}, transport) (rate(tempo_receiver_refused_spans${PODS}[${RATE}]))`, '{{pod}} {{transport}}')]))
    .withPanel(timeSeries('Share of spans refused per distributor',
      'What fraction of the spans sent to each distributor does its receiver refuse (the TempoDistributorRefusingSpans alert)?', 'percentunit',
      [promQuery('A', `sum by (${pod}, ${component}) (rate(tempo_receiver_refused_spans${PODS}[${RATE}]))`
        + ` / (sum by (${pod}, ${component}) (rate(tempo_receiver_accepted_spans${PODS}[${RATE}]))`
        + ` + sum by (${pod}, ${component}) (rate(tempo_receiver_refused_spans${PODS}[${RATE}])))`, '{{component}} {{pod}}')]))
    .withPanel(timeSeries('Pushes to ingesters failing',
      'Do the distributors fail to append spans to some ingester (by distributor pod and ingester address)?', 'ops',
      [promQuery('A', `sum by (${pod}, ingester) (rate(tempo_distributor_ingester_append_failures_total${PODS}[${RATE}]))`,
        '{{pod}} -> {{ingester}}')]))
    .withPanel(timeSeries('Live traces per pod against the limit',
      'How many traces does each ingester hold in memory per tenant, against the default per-ingester limit (max_local_traces_per_user)?'
        + ' At the limit new traces are discarded.', 'short',
      [
        promQuery('A', `sum by (${pod}, tenant) (tempo_ingester_live_traces${PODS})`, '{{pod}} {{tenant}}'),
        promQuery('B', `max by (${pod}) (tempo_limits_defaults${podsWith('limit_name="max_local_traces_per_user"')} > 0`
          + ` and on (${pod}) tempo_ingester_live_traces${PODS})`, 'limit {{pod}}'),
      ]));

  builder
    .withRow(new dashboard.RowBuilder('Flushes'))
    .withPanel(timeSeries('Blocks flushed and failed flushes',
      'Are ingesters writing their blocks to storage? Failed flushes mean traces stay in the WAL and may be lost.', 'short',
      [
        promQuery('A', `sum by (${pod}) (increase(tempo_ingester_blocks_flushed_total${PODS}[${RATE}]))`, 'flushed {{pod}}'),
        promQuery('B', `sum by (${pod}) (increase(tempo_ingester_failed_flushes_total${PODS}[${RATE}]))`, 'failed {{pod}}'),
        promQuery('C', `sum by (${pod}) (increase(tempo_ingester_flush_failed_retries_total${PODS}[${RATE}]))`, 'retries failed {{pod}}'),
      ]))
    .withPanel(timeSeries('Flush queue length',
      'Is the flush queue growing? A queue that never drains means storage is too slow or failing.', 'short',
      [promQuery('A', `sum by (${pod}) (tempo_ingester_flush_queue_length${PODS})`, '{{pod}}')]))
    .withPanel(timeSeries('Flush duration p99',
      'How long does writing a block to storage take on each ingester (the slowest 1 %)?', 's',
      [promQuery('A', `histogram_quantile(0.99, sum by (${pod}, le) (rate(tempo_ingester_flush_duration_seconds_bucket${PODS}[${RATE}])))`,
        '{{pod}}')]));

  builder
    .withRow(new dashboard.RowBuilder('Queries'))
    .withPanel(timeSeries('Query latency p99 by route',
      'How long do the slowest 1% of requests take, per API route? (recording rule over all pods of the namespace)', 's',
      [promQuery('A', `${RECORDING_RULES.requestLatencyP99}${NS}`, '{{route}}')]))
    .withPanel(timeSeries('Query latency p50 by route',
      'How long does a typical request take, per API route? (recording rule over all pods of the namespace)', 's',
      [promQuery('A', `${RECORDING_RULES.requestLatencyP50}${NS}`, '{{route}}')]))
    .withPanel(timeSeries('Requests by route and status',
      'Which routes are called, and how many of their requests fail (status 5xx)?', 'reqps',
      [promQuery('A', `sum by (route, status_code) (${RECORDING_RULES.requestRate}${NS})`, '{{route}} {{status_code}}')]))
    .withPanel(timeSeries('Share of queries failing',
      'What fraction of the query API\'s requests (search, trace by id, tags, metrics) end in a server error (the TempoQueriesFailing alert)?',
      'percentunit',
      [promQuery('A', `sum by (route) (rate(tempo_request_duration_seconds_count${QUERY_ROUTES_5XX}[${RATE}]))`
        + ` / sum by (route) (rate(tempo_request_duration_seconds_count${QUERY_ROUTES}[${RATE}]))`, '{{route}}')]))
    .withPanel(timeSeries('Query-frontend queue per tenant',
      'How many queries wait in each query-frontend\'s queue, per tenant? A queue that stays long means the queriers do not keep up.', 'short',
      [promQuery('A', `max by (${pod}, user) (tempo_query_frontend_queue_length${PODS})`, '{{pod}} {{user}}')]))
    .withPanel(timeSeries('Querier workers connected',
      'How many querier workers does each query-frontend have? Zero means no querier reaches it and every query waits or fails.', 'short',
      [promQuery('A', `max by (${pod}) (tempo_query_frontend_connected_clients${PODS})`, '{{pod}}')]));

  builder
    .withRow(new dashboard.RowBuilder('Compaction and blocklist'))
    .withPanel(timeSeries('Blocks compacted and compaction errors',
      'Is the compactor merging blocks, and does it fail? Errors leave many small blocks that slow every search.', 'short',
      [
        promQuery('A', `sum by (${pod}) (increase(tempodb_compaction_blocks_total${PODS}[${RATE}]))`, 'compacted {{pod}}'),
        promQuery('B', `sum by (${pod}) (increase(tempodb_compaction_errors_total${PODS}[${RATE}]))`, 'errors {{pod}}'),
      ]))
    .withPanel(timeSeries('Outstanding compaction blocks',
      'Is compaction keeping up? A number that keeps growing means the compactor falls behind.', 'short',
      [promQuery('A', `max by (${pod}) (tempodb_compaction_outstanding_blocks${PODS})`, '{{pod}}')]))
    .withPanel(timeSeries('Blocklist length',
      'How many blocks does each pod know about? It grows with ingestion and shrinks with compaction and retention.', 'short',
      [promQuery('A', `max by (${pod}) (tempodb_blocklist_length${PODS})`, '{{pod}}')]))
    .withPanel(timeSeries('Tenant index age',
      'How old is the tenant index each pod reads? An index older than a few poll cycles means the index builder is failing.', 's',
      [promQuery('A', `max by (${pod}) (tempodb_blocklist_tenant_index_age_seconds${PODS})`, '{{pod}}')]))
    .withPanel(timeSeries('Retention deletions and errors',
      'Does the compactor delete blocks past their retention, and does it fail to?', 'short',
      [
        promQuery('A', `sum by (${pod}) (increase(tempodb_retention_deleted_total${PODS}[${RATE}]))`, 'deleted {{pod}}'),
        promQuery('B', `sum by (${pod}) (increase(tempodb_retention_errors_total${PODS}[${RATE}]))`, 'errors {{pod}}'),
      ]));

  builder
    .withRow(new dashboard.RowBuilder('Resources'))
    .withPanel(timeSeries('Memory per pod',
      'How much memory does each Tempo process use, against its container limit (red line)? Near the limit, the pod is about to be OOM-killed.',
        'bytes',
      [promQuery('A', `max by (${pod}) (process_resident_memory_bytes${PODS})`, '{{pod}}')])
      .thresholds(limitThreshold(tempo.memoryLimitBytes))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)))
    .withPanel(timeSeries('CPU per pod',
      'How many cores does each Tempo process use, against its container limit (red line)? At the limit, the pod is throttled.', 'short',
      [promQuery('A', `sum by (${pod}) (rate(process_cpu_seconds_total${PODS}[${RATE}]))`, '{{pod}}')])
      .thresholds(limitThreshold(tempo.cpuLimitCores))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)));

  builder
    .withRow(new dashboard.RowBuilder('Ring'))
    .withPanel(timeSeries('Ring members by state',
      'Are all ring members ACTIVE? Unhealthy, LEAVING or PENDING members for more than a few minutes mean a pod cannot take its share.', 'short',
      [promQuery('A', `max by (name, state) (tempo_ring_members${PODS})`, '{{name}} {{state}}')]))
    .withPanel(timeSeries('Active members per ring',
      'How many ACTIVE members does each ring (ingester, distributor, compactor, metrics-generator) have, as the pod that sees most counts them?'
        + ' Fewer than the component\'s pods fires TempoRingMembersMissing.', 'short',
      [promQuery('A', `max by (name) (tempo_ring_members${podsWith('state="ACTIVE"')})`, '{{name}}')]));

  if (tempo.metricsGenerator) {
    builder
      .withRow(new dashboard.RowBuilder('Metrics-generator'))
      .withPanel(timeSeries('Active series against the limit',
        'How many series does each generator keep, against its max_active_series limit? At the limit, new series are dropped.', 'short',
        [
          promQuery('A', `sum by (${pod}) (tempo_metrics_generator_registry_active_series${PODS})`, 'active {{pod}}'),
          promQuery('B', `max by (${pod}) (tempo_metrics_generator_registry_max_active_series${PODS})`, 'limit {{pod}}'),
        ]))
      .withPanel(timeSeries('Spans discarded by the generator',
        'Which spans does the generator leave out of the span metrics, and why (outside_metrics_ingestion_slack: they arrived too late)?', 'cps',
        [promQuery('A', `sum by (reason) (rate(tempo_metrics_generator_spans_discarded_total${PODS}[${RATE}]))`, '{{reason}}')]));
  }

  return { uid: OPERATIONS_DASHBOARD_UID, slug: 'tempo-operations', title, model: numberPanels(builder.build()) };
}
