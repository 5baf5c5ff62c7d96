/**
 * The metric names and labels the Grafana queries may use, read from test/fixtures/metrics-grafana.txt
 * (derived from ../shared/reference/metrics/, the names a real Tempo 2.6.1, its metrics-generator and
 * Prometheus 2.53.3 expose). When the shared fixture of the Prometheus work (test/support/metric-names.ts)
 * lands, this module is the one place to switch over.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RECORDING_RULES, TARGET_LABELS } from '../../charts/shared/telemetry';

/** Where a series comes from, which decides the labels it carries. */
export type MetricSource = 'tempo' | 'generator' | 'prometheus' | 'recording-rule';

/** A metric the queries may select, with every label it can carry in this stack. */
export interface KnownMetric {
  readonly source: MetricSource;
  readonly labels: ReadonlySet<string>;
}

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'metrics-grafana.txt');
/** The target labels our scrape config attaches to every scraped Tempo series (the label contract). */
const TARGET = [TARGET_LABELS.job, TARGET_LABELS.namespace, TARGET_LABELS.pod, TARGET_LABELS.container];

let cache: Map<string, KnownMetric> | undefined;

/** Every known metric by name: the fixture's, plus the recording rules of the label contract. */
export function knownMetrics(): Map<string, KnownMetric> {
  if (cache) return cache;
  const metrics = new Map<string, KnownMetric>();
  for (const line of fs.readFileSync(FIXTURE, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [name, source, labels] = line.split(' ');
    const own = labels === '-' ? [] : labels.split(',');
    // Scraped series get the target labels; remote-written generator series carry only their own.
    const all = source === 'tempo' ? [...own, ...TARGET] : own;
    metrics.set(name, { source: source as MetricSource, labels: new Set(all) });
  }
  // The recording rules aggregate by namespace and route (and status_code for the rate).
  metrics.set(RECORDING_RULES.requestRate, { source: 'recording-rule', labels: new Set(['namespace', 'route', 'status_code']) });
  for (const rule of [RECORDING_RULES.requestLatencyP50, RECORDING_RULES.requestLatencyP90, RECORDING_RULES.requestLatencyP99]) {
    metrics.set(rule, { source: 'recording-rule', labels: new Set(['namespace', 'route']) });
  }
  cache = metrics;
  return metrics;
}
