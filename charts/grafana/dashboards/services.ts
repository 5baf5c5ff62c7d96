import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempoQuery from '@grafana/grafana-foundation-sdk/tempo';
import { GENERATOR_TENANT_LABEL } from '../../shared/tenancy';
import {
  PROMETHEUS_REF, TEMPO_REF, promQuery, promVariable, stackDashboard, timeSeries,
} from './common';
import { ProvisionedDashboard, numberPanels } from './model';

/** The stable uid of the "Tempo / Services" dashboard. */
export const SERVICES_DASHBOARD_UID = 'tempo-services';

const RATE = '$__rate_interval';
// The span-metrics series Grafana's own service map and RED table use: server spans are the
// requests a service answers; errors are spans with an error status.
// With tenants, every series also carries its tenant (inject_tenant_id_as), picked by a variable.
const TENANT = `${GENERATOR_TENANT_LABEL}=~"$tenant"`;

/**
 * "Tempo / Services": rate, errors and duration (RED) per service from the metrics-generator's
 * span metrics, and the service graph. Only provisioned where the metrics-generator runs: without
 * it these series do not exist. With `tenants`, a tenant variable narrows every query.
 */
export function servicesDashboard(tenants = false): ProvisionedDashboard {
  const title = 'Tempo / Services';
  const tenant = tenants ? `${TENANT}, ` : '';
  const SERVER = `${tenant}span_kind="SPAN_KIND_SERVER", service=~"$service"`;
  const SERVER_ERRORS = `${SERVER}, status_code="STATUS_CODE_ERROR"`;
  const EDGES = `${tenant}client=~"$service|user", server=~"$service"`;
  const instantTable = (refId: string, expr: string) => new prometheus.DataqueryBuilder()
    .refId(refId).datasource(PROMETHEUS_REF).expr(expr).instant().format(prometheus.PromQueryFormat.Table).legendFormat('__auto');

  const builder = stackDashboard(title, SERVICES_DASHBOARD_UID,
    'Requests, errors and duration of every instrumented service, from the spans Tempo received.', ['red'], 'now-1h');
  if (tenants) {
    builder.withVariable(promVariable('tenant', 'Tenant', 'The tenants whose services to show (the X-Scope-OrgID their spans were sent with).',
      `label_values(traces_spanmetrics_calls_total, ${GENERATOR_TENANT_LABEL})`, true));
  }
  builder.withVariable(promVariable('service', 'Service', 'The services to show (the service.name resource attribute of their spans).',
    tenants ? `label_values(traces_spanmetrics_calls_total{${TENANT}}, service)` : 'label_values(traces_spanmetrics_calls_total, service)', true));

  builder
    .withRow(new dashboard.RowBuilder('Services'))
    .withPanel(new table.PanelBuilder()
      .title('Services at a glance')
      .description('Which services get the most requests, which fail most, and which are slowest right now (over the last 5 minutes)?')
      .datasource(PROMETHEUS_REF)
      .targets([
        instantTable('A', `sum by (service) (rate(traces_spanmetrics_calls_total{${SERVER}}[5m]))`),
        instantTable('B', `sum by (service) (rate(traces_spanmetrics_calls_total{${SERVER_ERRORS}}[5m])) / sum by (service) `
          + `(rate(traces_spanmetrics_calls_total{${SERVER}}[5m]))`),
        instantTable('C', `histogram_quantile(0.95, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{${SERVER}}[5m])))`),
      ])
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: { 'Value #A': 'requests/s', 'Value #B': 'error ratio', 'Value #C': 'p95 duration (s)' },
        },
      })
      .height(8)
      .span(24));

  builder
    .withRow(new dashboard.RowBuilder('Rate, errors, duration'))
    .withPanel(timeSeries('Requests per service',
      'How many requests per second does each service answer (its server spans)?', 'reqps',
      [promQuery('A', `sum by (service) (rate(traces_spanmetrics_calls_total{${SERVER}}[${RATE}]))`, '{{service}}')]))
    .withPanel(timeSeries('Error ratio per service',
      'What share of each service\'s requests ends with an error status?', 'percentunit',
      [promQuery('A', `sum by (service) (rate(traces_spanmetrics_calls_total{${SERVER_ERRORS}}[${RATE}])) / sum by (service) `
        + `(rate(traces_spanmetrics_calls_total{${SERVER}}[${RATE}]))`, '{{service}}')]))
    .withPanel(timeSeries('Duration p95 per service',
      'How long do the slowest 5% of each service\'s requests take? Click an exemplar dot to open a matching trace.', 's',
      [promQuery('A', `histogram_quantile(0.95, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{${SERVER}}[${RATE}])))`,
        '{{service}}').exemplar(true)]))
    .withPanel(timeSeries('Duration p50 per service',
      'How long does a typical request of each service take?', 's',
      [promQuery('A', `histogram_quantile(0.50, sum by (le, service) (rate(traces_spanmetrics_latency_bucket{${SERVER}}[${RATE}])))`,
        '{{service}}')]));

  builder
    .withRow(new dashboard.RowBuilder('Service graph'))
    .withPanel(new nodegraph.PanelBuilder()
      .title('Service graph')
      .description('Which services call which, how often, and where do the errors sit? (Tempo\'s service map, from the service-graph series in '
      + 'Prometheus)')
      .datasource(TEMPO_REF)
      .withTarget(new tempoQuery.DataqueryBuilder().refId('A').datasource(TEMPO_REF).queryType('serviceMap'))
      .height(12)
      .span(24))
    .withPanel(timeSeries('Calls between services',
      'How many requests per second flow along each edge of the service graph?', 'reqps',
      [promQuery('A', `sum by (client, server) (rate(traces_service_graph_request_total{${EDGES}}[${RATE}]))`, '{{client}} → {{server}}')]))
    .withPanel(timeSeries('Failed calls between services',
      'Which edges of the service graph fail, and how often?', 'reqps',
      [promQuery('A', `sum by (client, server) (rate(traces_service_graph_request_failed_total{${EDGES}}[${RATE}]))`, '{{client}} → {{server}}')]));

  return { uid: SERVICES_DASHBOARD_UID, slug: 'tempo-services', title, model: numberPanels(builder.build()) };
}
