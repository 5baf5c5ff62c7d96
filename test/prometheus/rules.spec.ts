import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { parser } from '@prometheus-io/lezer-promql';
import {
  AlertingRule, DEFAULT_ALERT_FOR, DEFAULT_RUNBOOK_BASE_URL, RecordingRule, renderRuleFile, RuleGroup, RULE_GROUP_NAMES, tempoRuleGroups,
  TempoRulesOptions,
} from '../../charts/prometheus/rules';
import { ConfigError } from '../../charts/shared/validate';
import { RECORDING_RULES, SCRAPE_JOBS, TARGET_LABELS } from '../../charts/shared/telemetry';
import { knownMetric, labelsOf, SCRAPE_ADDED_LABELS } from '../support/metric-names';
import { checkPrometheusConfig, checkRules, itWith, PROMETHEUS, PROMTOOL, testRules, withPrometheus } from '../support/promtool';
import { alertsByName, promtoolTestFiles, SCENARIOS } from './rule-scenarios';

const base: TempoRulesOptions = {
  tempoScrapeInterval: '30s', metricsGenerator: true, tempoMemoryLimitBytes: 2 * 2 ** 30, rings: { ingester: 3, 'metrics-generator': 2 },
};
const withGenerator = tempoRuleGroups(base);
const withoutGenerator = tempoRuleGroups({ tempoScrapeInterval: '30s', metricsGenerator: false });
const withAlertmanager = tempoRuleGroups({ ...base, watchdog: true, alertmanager: { replicas: 2 } });
const variants: Array<[string, RuleGroup[]]> = [
  ['with the metrics-generator', withGenerator], ['without it', withoutGenerator], ['with the Watchdog and an Alertmanager of two', withAlertmanager],
];

const rules = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules);
const alerts = (groups: RuleGroup[]): AlertingRule[] => rules(groups).filter((r): r is AlertingRule => 'alert' in r);
const records = (groups: RuleGroup[]): RecordingRule[] => rules(groups).filter((r): r is RecordingRule => 'record' in r);
const alert = (groups: RuleGroup[], name: string): AlertingRule => {
  const found = alerts(groups).find((a) => a.alert === name);
  if (!found) throw new Error(`no alert ${name}`);
  return found;
};
const TARGET = new Set<string>([...Object.values(TARGET_LABELS), ...SCRAPE_ADDED_LABELS]);

/** GitHub's anchors of the runbook's headings. */
function runbookAnchors(): Set<string> {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbook.md'), 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-')));
}

interface Selector { metric: string; labels: string[] }
interface Parsed { errors: string[]; selectors: Selector[]; groupings: Array<{ labels: string[]; metrics: string[] }> }

/** Parses PromQL with Prometheus's own grammar; collects syntax errors, selectors and `by` groupings. */
function parsePromQL(expr: string): Parsed {
  const tree = parser.parse(expr);
  const out: Parsed = { errors: [], selectors: [], groupings: [] };
  const text = (from: number, to: number) => expr.slice(from, to);
  tree.iterate({
    enter(node) {
      if (node.type.isError) out.errors.push(`syntax error at ${node.from}: '${text(node.from, node.to + 10)}'`);
      if (node.name === 'VectorSelector') {
        const metric = node.node.getChild('Identifier');
        const labels = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher').map((m) => {
          const n = m.getChild('LabelName');
          return n ? text(n.from, n.to) : '';
        }) ?? [];
        out.selectors.push({ metric: metric ? text(metric.from, metric.to) : '', labels });
      }
      if (node.name === 'AggregateExpr') {
        const mod = node.node.getChild('AggregateModifier');
        const grouping = mod?.getChild('GroupingLabels');
        if (mod && grouping && mod.getChild('By')) {
          const labels = grouping.getChildren('LabelName').map((l) => text(l.from, l.to));
          const metrics: string[] = [];
          const body = node.node.getChild('FunctionCallBody');
          if (body) {
            const cursor = body.cursor();
            const end = body.to;
            while (cursor.next() && cursor.from < end) {
              if (cursor.name === 'VectorSelector') {
                const id = cursor.node.getChild('Identifier');
                if (id) metrics.push(text(id.from, id.to));
              }
            }
          }
          out.groupings.push({ labels, metrics });
        }
      }
    },
  });
  return out;
}

/** Label names a series of this name carries: the fixture's, or the `by` labels of our recording rule. */
function seriesLabels(groups: RuleGroup[], metric: string): Set<string> | undefined {
  const rec = records(groups).find((r) => r.record === metric);
  if (rec) {
    const top = parsePromQL(rec.expr).groupings[0];
    return new Set(top?.labels ?? []);
  }
  const known = labelsOf(metric);
  return known ? new Set([...known, ...TARGET]) : undefined;
}

describe('Tempo rule groups', () => {
  it.each(variants)('names are unique, share the Tempo or Alertmanager prefix, and carry severity, summary, description and a runbook section (%s)',
    (_, groups) => {
    const groupNames = groups.map((g) => g.name);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    const names = alerts(groups).map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    const anchors = runbookAnchors();
    for (const a of alerts(groups)) {
      expect(a.alert).toMatch(/^(Tempo|Alertmanager)[A-Z][A-Za-z]+$|^Watchdog$/);
      // Only the always-firing Watchdog has no severity to page on.
      expect(a.alert === 'Watchdog' ? ['none'] : ['critical', 'warning', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      const [url, anchor] = a.annotations.runbook_url.split('#');
      expect(url).toBe(DEFAULT_RUNBOOK_BASE_URL);
      expect({ alert: a.alert, anchorInRunbook: anchors.has(anchor) }).toEqual({ alert: a.alert, anchorInRunbook: true });
    }
  });

  it('docs/prometheus.md lists every alert with its severity, and the runbook has a section for each and no other', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'prometheus.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `(Tempo[A-Za-z]+)` \| (critical|warning|info) \|/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(listed.sort()).toEqual(alerts(withGenerator).map((a) => `${a.alert}:${a.labels.severity}`).sort());
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbook.md'), 'utf8');
    expect([...runbook.matchAll(/^## (Tempo\w+)$/gm)].map((m) => m[1]).sort()).toEqual(alerts(withGenerator).map((a) => a.alert).sort());
  });

  it('descriptions name the pod or namespace (Prometheus\'s own alerts: its instance; the absent job: its selector)', () => {
    for (const a of alerts(withGenerator)) {
      const d = a.annotations.description;
      if (a.alert.startsWith('TempoPrometheus')) expect(d).toContain('{{ $labels.instance }}');
      else if (a.alert === 'TempoJobAbsent') expect(d).toContain(`up{${TARGET_LABELS.job}="${SCRAPE_JOBS.tempo}"}`);
      else expect(d).toMatch(new RegExp(`\\{\\{ \\$labels\\.(${TARGET_LABELS.pod}|${TARGET_LABELS.namespace}) \\}\\}`));
    }
  });

  it.each(variants)('every expression parses with Prometheus\'s PromQL grammar (%s)', (_, groups) => {
    for (const r of rules(groups)) expect({ expr: r.expr, errors: parsePromQL(r.expr).errors }).toEqual({ expr: r.expr, errors: [] });
  });

  it('the parser check finds syntax errors', () => {
    expect(parsePromQL('sum by (namespace (up)').errors).not.toEqual([]);
    expect(parsePromQL('rate(up[5m]) >').errors).not.toEqual([]);
  });

  it.each(variants)('every metric is one Tempo 2.6, its generator or Prometheus emits, or one of our recording rules (%s)', (_, groups) => {
    const recorded = new Set(records(groups).map((r) => r.record));
    for (const r of rules(groups)) {
      for (const s of parsePromQL(r.expr).selectors) {
        expect({ expr: r.expr, metric: s.metric, known: !!knownMetric(s.metric) || recorded.has(s.metric) }).toEqual({ expr: r.expr, metric: s.metric,
          known: true });
      }
    }
  });

  it.each(variants)('every label matcher and every `by` label exists on the series it selects (%s)', (_, groups) => {
    for (const r of rules(groups)) {
      const parsed = parsePromQL(r.expr);
      for (const s of parsed.selectors) {
        const labels = seriesLabels(groups, s.metric)!;
        for (const l of s.labels) expect({ metric: s.metric, label: l, exists: labels.has(l) }).toEqual({ metric: s.metric, label: l, exists: true });
      }
      for (const g of parsed.groupings) {
        const available = new Set(g.metrics.flatMap((m) => [...(seriesLabels(groups, m) ?? [])]));
        for (const l of g.labels) expect({ expr: r.expr, by: l, exists: available.has(l) }).toEqual({ expr: r.expr, by: l, exists: true });
      }
    }
  });

  it('the label checks catch a label the metric does not have', () => {
    const parsed = parsePromQL('sum by (namespace, reasons) (rate(tempo_discarded_spans_total{job="tempo", reasn="x"}[5m]))');
    expect(parsed.selectors[0].labels.filter((l) => !seriesLabels(withGenerator, 'tempo_discarded_spans_total')!.has(l))).toEqual(['reasn']);
    expect(parsed.groupings[0].labels.filter((l) => !seriesLabels(withGenerator, 'tempo_discarded_spans_total')!.has(l))).toEqual(['reasons']);
    expect(knownMetric('tempo_discarded_span_total')).toBeUndefined();
  });

  it('Tempo alerts select the Tempo job, Prometheus alerts the Prometheus job, per the label contract', () => {
    const groupOf = (name: string) => withGenerator.find((g) => g.name === name)!;
    for (const name of [RULE_GROUP_NAMES.tempo, RULE_GROUP_NAMES.metricsGenerator, RULE_GROUP_NAMES.recording]) {
      for (const r of groupOf(name).rules) {
        for (const s of parsePromQL(r.expr).selectors) {
          if (!s.metric.includes(':')) expect({ expr: r.expr,
            selects: r.expr.includes(`${s.metric}{${TARGET_LABELS.job}="${SCRAPE_JOBS.tempo}"`) }).toEqual({ expr: r.expr, selects: true });
        }
      }
    }
    for (const r of groupOf(RULE_GROUP_NAMES.prometheus).rules) expect(r.expr).toContain(`{${TARGET_LABELS.job}="${SCRAPE_JOBS.prometheus}"`);
  });

  it('recording rules carry the contract\'s names, and the latency alert reads the p99 rule without long-poll routes', () => {
    expect(records(withGenerator).map((r) => r.record)).toEqual([
      RECORDING_RULES.requestRate, RECORDING_RULES.requestLatencyP50, RECORDING_RULES.requestLatencyP90, RECORDING_RULES.requestLatencyP99,
    ]);
    const latency = alert(withGenerator, 'TempoRequestLatencyHigh').expr;
    expect(latency.startsWith(`${RECORDING_RULES.requestLatencyP99}{route!~`)).toBe(true);
    expect(latency).toContain('/frontend.Frontend/Process');
    expect(latency).toMatch(/ > 3$/);
    for (const q of records(withGenerator).slice(1)) expect(q.expr).toContain('ws!="true"');
  });

  it.each([['15s', '1m'], ['10s', '1m'], ['30s', '2m'], ['45s', '3m'], ['1m', '4m'], ['1m30s', '6m'], ['20s', '2m']])(
    'rate windows span at least four scrape intervals and a minute, in whole minutes (scrape %s -> %s)', (scrape, window) => {
      const groups = tempoRuleGroups({ tempoScrapeInterval: scrape, metricsGenerator: false });
      for (const r of records(groups)) expect(r.expr).toContain(`[${window}])`);
    });

  it('counter alerts look back at least five minutes, longer when the scrape interval needs it', () => {
    expect(alert(withGenerator, 'TempoDiscardingSpans').expr).toContain('[5m]');
    expect(alert(tempoRuleGroups({ tempoScrapeInterval: '2m', metricsGenerator: false }), 'TempoDiscardingSpans').expr).toContain('[8m]');
  });

  it('the metrics-generator\'s alerts, ring alert and Prometheus\'s receiver alert exist only with the generator', () => {
    const only = ['TempoMetricsGeneratorRemoteWriteFailing', 'TempoMetricsGeneratorActiveSeriesAtLimit', 'TempoMetricsGeneratorUnhealthy',
      'TempoPrometheusRemoteWriteReceiverFailing'];
    for (const name of only) {
      expect(alerts(withGenerator).map((a) => a.alert)).toContain(name);
      expect(alerts(withoutGenerator).map((a) => a.alert)).not.toContain(name);
    }
    expect(withoutGenerator.map((g) => g.name)).not.toContain(RULE_GROUP_NAMES.metricsGenerator);
  });

  it('TempoHighMemory fires at 85 % of the memory limit, or above 1.5e9 bytes without one', () => {
    expect(alert(withGenerator,
      'TempoHighMemory').expr).toBe('max by (namespace, pod, component) (process_resident_memory_bytes{job="tempo"}) > 1825361101');
    expect(alert(withoutGenerator, 'TempoHighMemory').expr).toMatch(/ > 1500000000$/);
    expect(alert(tempoRuleGroups({ ...base, memoryLimitFraction: 0.5 }), 'TempoHighMemory').expr).toMatch(/ > 1073741824$/);
    expect(alert(tempoRuleGroups({ ...base, tempoMemoryLimitBytes: undefined, memoryThresholdBytes: 1e9 }),
      'TempoHighMemory').expr).toMatch(/ > 1000000000$/);
  });

  it('the seed\'s alerts keep their names, severities and for durations', () => {
    expect(alert(withGenerator, 'TempoDown')).toMatchObject({ expr: 'up{job="tempo"} == 0', for: '5m', labels: { severity: 'critical' } });
    expect(alert(withGenerator, 'TempoJobAbsent')).toMatchObject({ expr: 'absent(up{job="tempo"})', for: '5m', labels: { severity: 'critical' } });
    expect(alert(withGenerator, 'TempoHighMemory')).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
  });

  it('thresholds, for durations, selectors and the runbook URL are options', () => {
    const groups = tempoRuleGroups({
      ...base,
      tempoSelector: { job: 'tempo/tempo', namespace: 'tracing' },
      prometheusSelector: { job: 'prometheus-k8s' },
      runbookBaseUrl: 'https://wiki.example.com/tempo',
      requestLatencyP99Seconds: 1.5,
      outstandingBlocks: 250,
      alertFor: { TempoDown: '2m', TempoHighMemory: '0s' },
    });
    for (const r of rules(groups)) {
      expect(r.expr).not.toContain('job="tempo"');
      expect(r.expr).not.toContain('job="prometheus"');
    }
    expect(alert(groups, 'TempoDown')).toMatchObject({ expr: 'up{job="tempo/tempo", namespace="tracing"} == 0', for: '2m' });
    expect(alert(groups, 'TempoHighMemory').for).toBeUndefined();
    expect(alert(groups, 'TempoPrometheusRuleEvaluationFailures').expr).toContain('{job="prometheus-k8s"}');
    expect(alert(groups, 'TempoRequestLatencyHigh').expr).toMatch(/ > 1.5$/);
    expect(alert(groups, 'TempoCompactionTooManyOutstandingBlocks').expr).toMatch(/ > 250$/);
    expect(alert(groups, 'TempoDown').annotations.runbook_url).toBe('https://wiki.example.com/tempo#tempodown');
    expect(alert(groups, 'TempoDown').annotations.description).toContain('for 2m');
  });

  it('is pure and renders as one rule file', () => {
    expect(tempoRuleGroups(base)).toEqual(withGenerator);
    expect(yaml.load(renderRuleFile(withGenerator))).toEqual({ groups: JSON.parse(JSON.stringify(withGenerator)) });
  });

  const errors: Array<[string, Partial<TempoRulesOptions>, string]> = [
    ['a scrape interval that is no duration', { tempoScrapeInterval: '30 seconds' },
      'prometheus: \'tempoScrapeInterval\' must be a Prometheus duration such as \'30s\', \'5m\' or \'1h30m\', got \'30 seconds\'; write whole '
        + 'numbers with the units y, w, d, h, m, s or ms, largest unit first'],
    ['a zero scrape interval', { tempoScrapeInterval: '0s' },
      'prometheus: \'tempoScrapeInterval\' must be longer than zero, got \'0s\'; use a positive duration such as \'30s\''],
    ['a runbook path instead of a URL', { runbookBaseUrl: 'docs/runbook.md' },
      `prometheus: 'rules.runbookBaseUrl' must be an absolute http(s) URL without a fragment, got 'docs/runbook.md'; point it at your copy of `
        + `docs/runbook.md, such as '${DEFAULT_RUNBOOK_BASE_URL}'`],
    ['a memory fraction above 1', { memoryLimitFraction: 1.5 },
      'prometheus: \'rules.memoryLimitFraction\' must be a number greater than 0 and at most 1, got 1.5; use a number greater than 0 and at most 1, '
        + 'or leave it out for the default 0.85'],
    ['a negative memory limit', { tempoMemoryLimitBytes: -1 },
      'prometheus: \'rules.tempoMemoryLimitBytes\' must be a number greater than 0, got -1; use a number greater than 0, or leave it out for the '
        + 'default 0'],
    ['a negative threshold', { discardedSpansPerSecond: -1 },
      'prometheus: \'rules.discardedSpansPerSecond\' must be a number at least 0, got -1; use a number at least 0, '
        + 'or leave it out for the default 0'],
    ['an empty selector', { tempoSelector: {} },
      'prometheus: \'rules.tempoSelector\' must name at least one label, got {}; give label matchers such as {"job":"tempo"}'],
    ['a selector with a bad label name', { prometheusSelector: { 'app.kubernetes.io/name': 'prometheus' } },
      'prometheus: \'rules.prometheusSelector.app.kubernetes.io/name\' must be a Prometheus label name (letters, digits and _, not starting with a '
        + 'digit or __), got \'app.kubernetes.io/name\'; use a label such as \'job\''],
    ['a selector with an empty value', { tempoSelector: { job: '' } },
      'prometheus: \'rules.tempoSelector.job\' must be a non-empty label value, got \'\'; give the exact value, such as \'tempo\''],
    ['a for duration of an unknown alert', { alertFor: { TempoDwn: '5m' } as never },
      `prometheus: 'rules.alertFor.TempoDwn' names no alert of these rules, got 'TempoDwn'; use one of ${Object.keys(DEFAULT_ALERT_FOR).join(', ')}`],
    ['a for duration that is no duration', { alertFor: { TempoDown: '5 min' } },
      'prometheus: \'rules.alertFor.TempoDown\' must be a Prometheus duration such as \'30s\', \'5m\' or \'1h30m\', got \'5 min\'; write whole '
        + 'numbers with the units y, w, d, h, m, s or ms, largest unit first'],
    ['an excluded-routes pattern that is no regular expression', { latencyExcludedRoutes: '(metrics' },
      'prometheus: \'rules.latencyExcludedRoutes\' must be a regular expression, got \'(metrics\'; write routes separated by |, such as '
        + '\'/frontend.Frontend/Process|metrics\''],
    ['a tenant index age that is no duration', { tenantIndexMaxAge: '10' },
      'prometheus: \'rules.tenantIndexMaxAge\' must be a Prometheus duration such as \'30s\', \'5m\' or \'1h30m\', got \'10\'; write whole numbers '
        + 'with the units y, w, d, h, m, s or ms, largest unit first'],
    ['a ring Tempo does not have', { rings: { querier: 2 } },
      'prometheus: \'rules.rings.querier\' names no ring of Tempo 2.6, got \'querier\'; use one of ingester, distributor, compactor, '
        + 'metrics-generator'],
    ['a ring of no members', { rings: { ingester: 0 } },
      'prometheus: \'rules.rings.ingester\' must be a whole number of members, at least 1, got 0; give the replicas of the ring\'s component'],
  ];
  it.each(errors)('refuses %s, naming the option where a user sets it (under rules)', (_, bad, message) => {
    const call = () => tempoRuleGroups({ ...base, ...bad });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(message);
  });
});

describe('ring size alert per mode', () => {
  it('exists only for the rings named, each with its own member count', () => {
    expect(alerts(withoutGenerator).map((a) => a.alert)).not.toContain('TempoRingMembersMissing');
    const expr = alert(tempoRuleGroups({ ...base, rings: { ingester: 6, compactor: 1 } }), 'TempoRingMembersMissing').expr;
    expect(expr).toBe('max by (namespace, name) (tempo_ring_members{job="tempo", name="ingester", state="ACTIVE"}) < 6'
      + ' or max by (namespace, name) (tempo_ring_members{job="tempo", name="compactor", state="ACTIVE"}) < 1');
  });
});

describe('metric-name fixture', () => {
  it('expands histograms into _bucket (with le), _sum and _count, and keeps event-only metrics with their labels', () => {
    expect([...labelsOf('tempo_request_duration_seconds_bucket')!].sort()).toEqual(['le', 'method', 'route', 'status_code', 'ws']);
    expect(labelsOf('tempo_request_duration_seconds_count')!.has('le')).toBe(false);
    expect(knownMetric('tempo_request_duration_seconds')).toBeUndefined();
    expect(knownMetric('tempo_ingester_replay_errors_total')).toMatchObject({ type: 'counter', sources: ['event-only'] });
    expect(knownMetric('traces_spanmetrics_latency_bucket')!.labels.has('__metrics_gen_instance')).toBe(true);
    expect(knownMetric('up')!.sources).toEqual(['prometheus']);
  });
});

describe('promtool 2.53.3 on the generated rules', () => {
  const files = { 'tempo-rules.yml': renderRuleFile(withGenerator), 'tempo-rules-no-generator.yml': renderRuleFile(withoutGenerator) };

  itWith(PROMTOOL)('`promtool check rules` accepts every generated rule file', () => {
    const r = checkRules(files);
    expect(r.output).toContain(`SUCCESS: ${rules(withGenerator).length} rules found`);
    expect(r.output).toContain(`SUCCESS: ${rules(withoutGenerator).length} rules found`);
    expect(r.status).toBe(0);
  });

  it('there is a promtool scenario for every alert', () => {
    expect(SCENARIOS.map((s) => s.alert).sort()).toEqual(alerts(withGenerator).map((a) => a.alert).sort());
  });

  itWith(PROMTOOL)('`promtool test rules`: each alert fires with its labels and annotations, and stays silent before its `for` and on healthy series',
    async () => {
    const tests = promtoolTestFiles(withGenerator, ['tempo-rules.yml']);
    const r = await testRules(tests, { 'tempo-rules.yml': files['tempo-rules.yml'] });
    expect(r.output.match(/SUCCESS/g)).toHaveLength(Object.keys(tests).length);
    expect(r.status).toBe(0);
    // One promtool run of every alert's scenarios: seconds on a loaded two-core machine.
  }, 30_000);

  itWith(PROMTOOL)('the unit tests fail when an alert fires too early or renders differently', async () => {
    const broken = SCENARIOS.filter((s) => s.alert === 'TempoDown' || s.alert === 'TempoHighMemory')
      .map((s) => (s.alert === 'TempoDown' ? { ...s, silentAt: ['8m'] } : { ...s, expected: [{ ...s.expected[0], value: '1.8Gi' }] }));
    const r = await testRules(promtoolTestFiles(withGenerator, ['tempo-rules.yml'], broken), { 'tempo-rules.yml': files['tempo-rules.yml'] });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('alertname: TempoDown, time: 8m');
    expect(r.output).toContain('alertname: TempoHighMemory, time: 10m');
  });

  it('a scenario whose template names a label the alert lacks is refused before promtool runs', () => {
    const groups = tempoRuleGroups(base);
    const down = alertsByName(groups).get('TempoDown')!;
    const bad = groups.map((g) => ({ ...g, rules: g.rules.map((r) => (r === down ? { ...down, annotations: { ...down.annotations,
      description: '{{ $labels.node }}' } } : r)) }));
    expect(() => promtoolTestFiles(bad, ['x.yml'])).toThrow('TempoDown: template names label \'node\', which the alert does not carry');
  });

  const config = (ruleFiles: string[]) => yaml.dump({
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: ruleFiles,
    scrape_configs: [{ job_name: 'tempo', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['tempo'] } }] }],
  });

  itWith(PROMTOOL)('checkPrometheusConfig runs `promtool check config` with the rule files at temporary paths', () => {
    const ok = checkPrometheusConfig(config(['/etc/prometheus/rules/tempo-rules.yml']), { 'tempo-rules.yml': files['tempo-rules.yml'] });
    expect(ok.output).toContain('SUCCESS');
    expect(ok.status).toBe(0);
    const bad = checkPrometheusConfig(config(['/etc/prometheus/rules/tempo-rules.yml']).replace('scrape_interval', 'scrape_intervall'),
      { 'tempo-rules.yml': files['tempo-rules.yml'] });
    expect(bad.output).toContain('field scrape_intervall not found');
    expect(bad.status).not.toBe(0);
    // Files from mounted Secrets are stood in for, as promtool checks they exist.
    const withSecret = yaml.dump({
      ...(yaml.load(config(['/etc/prometheus/rules/tempo-rules.yml'])) as object),
      remote_write: [{ url: 'https://mimir.example.com/api/v1/push', basic_auth: { username: 'tempo', password_file: '/etc/prometheus/secrets/lts/password' } }],
    });
    expect(checkPrometheusConfig(withSecret, { 'tempo-rules.yml': files['tempo-rules.yml'] })).toMatchObject({ status: 0 });
    expect(() => checkPrometheusConfig(config(['/etc/prometheus/rules/other.yml']), files))
      .toThrow('rule_files names \'/etc/prometheus/rules/other.yml\', but no rule file \'other.yml\' was given');
  });

  itWith(PROMETHEUS)('a real Prometheus 2.53.3 loads every group, recording rule and alert', async () => {
    const loaded = await withPrometheus(config(['/etc/prometheus/rules/tempo-rules.yml']), { 'tempo-rules.yml': files['tempo-rules.yml'] },
      async (p) => {
      const res = await fetch(`${p.url}/api/v1/rules`);
      return (await res.json()) as { status: string; data: { groups: Array<{ name: string; rules: Array<{ name: string; type: string }> }> } };
    });
    expect(loaded.status).toBe('success');
    // The API lists groups by name; rules keep their order.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(loaded.data.groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => `${r.type}:${r.name}`) })).sort(byName))
      .toEqual(withGenerator.map((g) => ({ name: g.name, rules: g.rules.map((r) => ('alert' in r ? `alerting:${r.alert}`
      : `recording:${r.record}`)) })).sort(byName));
  }, 30_000);
});
