/**
 * The metric names and labels the Grafana queries may use: the shared fixture of what a real Tempo
 * 2.6.1, its metrics-generator and Prometheus 2.53.3 expose (test/support/metric-names.ts), with the
 * labels each carries in this stack, plus the recording rules of the label contract.
 */
import { RECORDING_RULES, TARGET_LABELS } from '../../charts/shared/telemetry';
import { knownMetrics as fixtureMetrics, SCRAPE_ADDED_LABELS } from '../support/metric-names';

/** Where a series comes from, which decides the labels it carries. */
export type MetricSource = 'tempo' | 'generator' | 'prometheus' | 'recording-rule';

/** A metric the queries may select, with every label it can carry in this stack. */
export interface KnownMetric {
  readonly source: MetricSource;
  readonly labels: ReadonlySet<string>;
}

/** The target labels our scrape config attaches to every scraped series (the label contract). */
const TARGET = [...Object.values(TARGET_LABELS), ...SCRAPE_ADDED_LABELS];

let cache: Map<string, KnownMetric> | undefined;

/** Every known metric by name: the fixture's, plus the recording rules of the label contract. */
export function knownMetrics(): Map<string, KnownMetric> {
  if (cache) return cache;
  const metrics = new Map<string, KnownMetric>();
  for (const [name, m] of fixtureMetrics()) {
    // Remote-written generator series carry only their own labels; scraped series get the target labels.
    const generator = m.sources.includes('metrics-generator');
    const source: MetricSource = generator ? 'generator' : m.sources.includes('tempo') ? 'tempo' : 'prometheus';
    metrics.set(name, { source, labels: new Set(generator ? m.labels : [...m.labels, ...TARGET]) });
  }
  // The recording rules aggregate by namespace and route (and status_code for the rate).
  metrics.set(RECORDING_RULES.requestRate, { source: 'recording-rule', labels: new Set(['namespace', 'route', 'status_code']) });
  for (const rule of [RECORDING_RULES.requestLatencyP50, RECORDING_RULES.requestLatencyP90, RECORDING_RULES.requestLatencyP99]) {
    metrics.set(rule, { source: 'recording-rule', labels: new Set(['namespace', 'route']) });
  }
  cache = metrics;
  return metrics;
}
