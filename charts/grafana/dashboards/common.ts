import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE_UID, TEMPO_DATASOURCE_UID } from '../datasources';

/** The Prometheus datasource reference every metrics panel and variable uses. */
export const PROMETHEUS_REF: common.DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };
/** The Tempo datasource reference the service-graph panel uses. */
export const TEMPO_REF: common.DataSourceRef = { type: 'tempo', uid: TEMPO_DATASOURCE_UID };

/** One PromQL query against the Prometheus datasource. */
export function promQuery(refId: string, expr: string, legendFormat: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().refId(refId).datasource(PROMETHEUS_REF).expr(expr).legendFormat(legendFormat).range();
}

/** A legend as a table with the last and max values, which is what on-call compares first. */
export function tableLegend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(['lastNotNull', 'max']);
}

/**
 * A dashboard with the settings ours share: tagged for the stack, editable in the UI (provisioning
 * still restores it), refreshed every minute, crosshair shared between panels.
 */
export function stackDashboard(title: string, uid: string, description: string, tags: string[], from: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['tempo', 'tempo-stack', ...tags])
    .editable()
    .time({ from, to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
}

/**
 * A variable whose values come from a Prometheus `label_values(...)` query, refreshed with the
 * time range and sorted; `multi` lets the user pick several values, or All (any value: `.+`).
 */
export function promVariable(name: string, label: string, description: string, query: string, multi = false): dashboard.QueryVariableBuilder {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS_REF)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return multi ? variable.multi(true).includeAll(true).allValue('.+') : variable;
}

/** A time series panel on Prometheus with the given queries. */
export function timeSeries(title: string, question: string, unit: string, queries: cog.Builder<cog.Dataquery>[]): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(question)
    .datasource(PROMETHEUS_REF)
    .targets(queries)
    .unit(unit)
    .min(0)
    .legend(tableLegend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .fillOpacity(10)
    .lineWidth(1)
    .height(8)
    .span(12);
}

/** Thresholds with one red line at `limit` (drawn as a dashed line), or none. */
export function limitThreshold(limit: number | undefined): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null as unknown as number, color: 'transparent' }];
  if (limit !== undefined) steps.push({ value: limit, color: 'red' });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}
