/**
 * Checks a Grafana panel query with Prometheus's own PromQL grammar (@prometheus-io/lezer-promql):
 * it must parse without error nodes, select only known metrics, and match or group only on labels
 * those metrics carry in this stack.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { knownMetrics } from './metric-fixture';

/**
 * Grafana's own variables replaced by what Grafana sends to Prometheus: range variables become a
 * duration, `$__tags` (traces-to-metrics) a label matcher. Dashboard variables (`$namespace`) only
 * appear inside string literals, which PromQL takes as they are.
 */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$__tags/g, 'service="checkout"');
}

/**
 * The problems of one query; empty when it parses and uses only known metrics and labels.
 * `generatorLabels`: labels the generator's series carry on top of the fixture's (with tenants,
 * `metrics_generator.registry.inject_tenant_id_as` adds the tenant label).
 */
export function checkPanelQuery(expr: string, generatorLabels: readonly string[] = []): string[] {
  const text = expandGrafanaVariables(expr);
  const problems: string[] = [];
  const tree = parser.parse(text);
  const metrics = knownMetrics();
  const selected: string[] = [];
  const grouped: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) problems.push(`syntax error at ${node.from}: '${text.slice(Math.max(0, node.from - 10), node.to + 10)}'`);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        const name = id ? text.slice(id.from, id.to) : undefined;
        if (!name) { problems.push('a selector without a metric name'); return; }
        const metric = metrics.get(name);
        if (!metric) { problems.push(`unknown metric '${name}'`); return; }
        selected.push(name);
        const matchers = node.node.getChild('LabelMatchers');
        for (const matcher of matchers ? matchers.getChildren('UnquotedLabelMatcher') : []) {
          const label = matcher.getChild('LabelName');
          const labelName = label ? text.slice(label.from, label.to) : '';
          if (!metric.labels.has(labelName) && !(metric.source === 'generator' && generatorLabels.includes(labelName))) problems.push(`'${name}' has `
            + `no label '${labelName}' in this stack`);
        }
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) grouped.push(text.slice(label.from, label.to));
      }
    },
  });
  const available = new Set(selected.flatMap((name) => [...(metrics.get(name)?.labels ?? []),
    ...(metrics.get(name)?.source === 'generator' ? generatorLabels : [])]));
  for (const label of grouped) if (!available.has(label)) problems.push(`groups by '${label}', which none of ${selected.join(', ')} carries`);
  if (problems.length === 0 && selected.length === 0) problems.push('selects no metric');
  return problems;
}
