/**
 * The metric names (and their label names) that Tempo 2.6.1, its metrics-generator, Prometheus
 * 2.53.3 and Alertmanager 0.28.1 really emit, read from test/fixtures/metrics/: three files derived
 * from dumps of the running programs (derive.sh), Alertmanager's recorded from its /metrics, and
 * event-only.txt for metrics that appear only after an event, each with the source it was confirmed in. Rules and dashboards are checked against it.
 *
 * Histograms and summaries are listed by base name; `knownMetric` also answers for their series
 * (`_bucket` with `le`, `_sum`, `_count`; a summary's base name with `quantile`).
 */
import * as fs from 'fs';
import * as path from 'path';

const DIR = path.join(__dirname, '..', 'fixtures', 'metrics');

/** Where a metric comes from. */
export type MetricSource = 'tempo' | 'prometheus' | 'metrics-generator' | 'alertmanager' | 'event-only';

/** What the fixture knows of one series name. */
export interface KnownMetric {
  readonly name: string;
  /** The family's type: counter, gauge, histogram, summary, synthetic (per-target series), series (remote-written). */
  readonly type: string;
  /** Label names seen on it (target labels not included, except on synthetic series). */
  readonly labels: ReadonlySet<string>;
  readonly sources: readonly MetricSource[];
}

const FILES: Array<[string, MetricSource]> = [
  ['tempo-2.6.1.txt', 'tempo'],
  ['prometheus-2.53.3.txt', 'prometheus'],
  ['metrics-generator-2.6.1.txt', 'metrics-generator'],
  ['alertmanager-0.28.1.txt', 'alertmanager'],
  ['event-only.txt', 'event-only'],
];

/**
 * Labels Prometheus adds to every series it scrapes: `instance` plus the target labels of the
 * contract (charts/shared/telemetry.ts TARGET_LABELS, listed by the caller).
 */
export const SCRAPE_ADDED_LABELS: readonly string[] = ['instance'];

function load(): Map<string, KnownMetric> {
  const out = new Map<string, { type: string; labels: Set<string>; sources: MetricSource[] }>();
  const add = (name: string, type: string, labels: string[], source: MetricSource): void => {
    const entry = out.get(name) ?? { type, labels: new Set<string>(), sources: [] };
    labels.forEach((l) => entry.labels.add(l));
    if (!entry.sources.includes(source)) entry.sources.push(source);
    out.set(name, entry);
  };
  for (const [file, source] of FILES) {
    for (const line of fs.readFileSync(path.join(DIR, file), 'utf8').split('\n')) {
      if (line.trim() === '' || line.startsWith('#')) continue;
      const [name, type, labelField] = line.split(/\s+/);
      if (!name || !type || !labelField) throw new Error(`${file}: malformed line '${line}'`);
      const labels = labelField === '-' ? [] : labelField.split(',');
      const own = labels.filter((l) => l !== 'le' && l !== 'quantile');
      if (type === 'histogram') {
        add(`${name}_bucket`, 'histogram', [...own, 'le'], source);
        add(`${name}_sum`, 'histogram', own, source);
        add(`${name}_count`, 'histogram', own, source);
      } else if (type === 'summary') {
        add(name, 'summary', [...own, 'quantile'], source);
        add(`${name}_sum`, 'summary', own, source);
        add(`${name}_count`, 'summary', own, source);
      } else {
        add(name, type, labels, source);
      }
    }
  }
  return new Map([...out].map(([name, e]) => [name, { name, type: e.type, labels: e.labels, sources: e.sources }]));
}

let cache: Map<string, KnownMetric> | undefined;

/** Every known series name. */
export function knownMetrics(): ReadonlyMap<string, KnownMetric> {
  cache ??= load();
  return cache;
}

/** The fixture's entry for a series name, or undefined when no program emits it. */
export function knownMetric(name: string): KnownMetric | undefined {
  return knownMetrics().get(name);
}

/** The label names a series of this name can carry, or undefined for an unknown name. */
export function labelsOf(name: string): ReadonlySet<string> | undefined {
  return knownMetric(name)?.labels;
}
