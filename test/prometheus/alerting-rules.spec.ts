// The Watchdog and the Alertmanager alerts: present only when the stack sends alerts / runs an
// Alertmanager, each with a runbook section, and each firing as promtool 2.53.3 evaluates it.
import * as fs from 'fs';
import * as path from 'path';
import { AlertingRule, renderRuleFile, RULE_GROUP_NAMES, tempoRuleGroups, TempoRulesOptions } from '../../charts/prometheus/rules';
import { SCRAPE_JOBS, TARGET_LABELS } from '../../charts/shared/telemetry';
import { checkRules, itWith, PROMTOOL, testRules } from '../support/promtool';
import { promtoolTestFiles, Scenario } from './rule-scenarios';

const base: TempoRulesOptions = { tempoScrapeInterval: '30s', metricsGenerator: true, tempoMemoryLimitBytes: 2 * 2 ** 30 };
const groups = tempoRuleGroups({ ...base, watchdog: true, alertmanager: { replicas: 2 } });
const alertsOf = (g: ReturnType<typeof tempoRuleGroups>): AlertingRule[] => g.flatMap((x) => x.rules).filter((r): r is AlertingRule => 'alert' in r);
const names = (g: ReturnType<typeof tempoRuleGroups>) => alertsOf(g).map((a) => a.alert);

const amTarget = (n: number) => ({
  [TARGET_LABELS.job]: SCRAPE_JOBS.alertmanager, [TARGET_LABELS.namespace]: 'tempo', [TARGET_LABELS.pod]: `alertmanager-${n}`,
  [TARGET_LABELS.container]: 'alertmanager', instance: `alertmanager-${n}`,
});
const amPod = (n: number) => ({ [TARGET_LABELS.namespace]: 'tempo', [TARGET_LABELS.pod]: `alertmanager-${n}` });
const prom = { [TARGET_LABELS.job]: SCRAPE_JOBS.prometheus, instance: 'prometheus-0' };
const am = (n: number, metric: string, values: string, labels: Record<string, string> = {}) => ({ metric, labels: { ...amTarget(n), ...labels },
  values });

/** Built with the options above: counter windows 5m, two Alertmanager replicas. */
const SCENARIOS: Scenario[] = [
  { alert: 'Watchdog', series: [{ metric: 'up', labels: prom, values: '1x5' }], firesAt: '1m', expected: [{ labels: {} }], silentAt: [] },
  {
    alert: 'AlertmanagerDown', series: [am(0, 'up', '1x15'), am(1, 'up', '1 1 0x13')],
    firesAt: '8m', expected: [{ labels: { ...amTarget(1) } }], silentAt: ['5m'],
  },
  {
    alert: 'AlertmanagerConfigReloadFailing',
    series: [am(0, 'alertmanager_config_last_reload_successful', '1x20'), am(1, 'alertmanager_config_last_reload_successful', '0x20')],
    firesAt: '11m', expected: [{ labels: amPod(1) }], silentAt: ['9m'],
  },
  {
    alert: 'AlertmanagerNotificationsFailing',
    series: [
      am(0, 'alertmanager_notifications_failed_total', '0+1x30', { integration: 'slack', reason: 'other' }),
      am(0, 'alertmanager_notifications_total', '0+10x30', { integration: 'slack' }),
      am(0, 'alertmanager_notifications_failed_total', '0x30', { integration: 'pagerduty', reason: 'other' }),
      am(0, 'alertmanager_notifications_total', '0+10x30', { integration: 'pagerduty' }),
    ],
    firesAt: '10m', expected: [{ labels: { ...amPod(0), integration: 'slack' }, value: '10%' }], silentAt: ['3m'],
  },
  {
    alert: 'AlertmanagerNotDiscovered',
    series: [{ metric: 'prometheus_notifications_alertmanagers_discovered', labels: prom, values: '2 2 1x20' }],
    firesAt: '13m', expected: [{ labels: prom, value: '1' }], silentAt: ['10m'],
    healthy: [{ metric: 'prometheus_notifications_alertmanagers_discovered', labels: prom, values: '2x20' }],
  },
  {
    alert: 'AlertmanagerSendsFailing',
    series: [
      { metric: 'prometheus_notifications_errors_total', labels: { ...prom, alertmanager: 'http://10.0.0.5:9093/api/v2/alerts' }, values: '0+1x30' },
      { metric: 'prometheus_notifications_sent_total', labels: { ...prom, alertmanager: 'http://10.0.0.5:9093/api/v2/alerts' }, values: '0+10x30' },
    ],
    firesAt: '20m', expected: [{ labels: prom, value: '10%' }], silentAt: ['10m'],
  },
  {
    alert: 'AlertmanagerClusterMembersMissing',
    series: [am(0, 'alertmanager_cluster_members', '2x30'), am(1, 'alertmanager_cluster_members', '1x30')],
    firesAt: '16m', expected: [{ labels: amPod(1), value: '1' }], silentAt: ['10m'],
    healthy: [am(0, 'alertmanager_cluster_members', '2x30'), am(1, 'alertmanager_cluster_members', '2x30')],
  },
];

describe('the Watchdog and the Alertmanager alerts', () => {
  test('are added only when asked for: the Watchdog when alerts are sent, the rest with an Alertmanager', () => {
    expect(names(tempoRuleGroups(base)).filter((n) => !n.startsWith('Tempo'))).toEqual([]);
    expect(names(tempoRuleGroups({ ...base, watchdog: true })).filter((n) => !n.startsWith('Tempo'))).toEqual(['Watchdog']);
    expect(groups.map((g) => g.name).slice(-2)).toEqual([RULE_GROUP_NAMES.watchdog, RULE_GROUP_NAMES.alertmanager]);
  });

  test('the Watchdog always fires, with severity none', () => {
    const watchdog = alertsOf(groups).find((a) => a.alert === 'Watchdog')!;
    expect(watchdog).toMatchObject({ expr: 'vector(1)', labels: { severity: 'none' } });
    expect(watchdog.for).toBeUndefined();
  });

  test('the mesh alert exists only with more than one replica and expects that many members', () => {
    expect(names(tempoRuleGroups({ ...base, alertmanager: { replicas: 1 } }))).not.toContain('AlertmanagerClusterMembersMissing');
    expect(alertsOf(tempoRuleGroups({ ...base,
      alertmanager: { replicas: 3 } })).find((a) => a.alert === 'AlertmanagerClusterMembersMissing')!.expr).toMatch(/ < 3$/);
  });

  test('Alertmanager\'s own alerts select the Alertmanager job, the path from Prometheus the Prometheus job', () => {
    const group = groups.find((g) => g.name === RULE_GROUP_NAMES.alertmanager)!;
    for (const r of group.rules as AlertingRule[]) {
      const fromPrometheus = ['AlertmanagerNotDiscovered', 'AlertmanagerSendsFailing'].includes(r.alert);
      const job = fromPrometheus ? SCRAPE_JOBS.prometheus : SCRAPE_JOBS.alertmanager;
      expect({ alert: r.alert, selects: r.expr.includes(`{${TARGET_LABELS.job}="${job}"}`) }).toEqual({ alert: r.alert, selects: true });
    }
  });

  test('the runbook has a section for the Watchdog and each Alertmanager alert, and no other', () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'runbook.md'), 'utf8');
    const sections = [...runbook.matchAll(/^## (Watchdog|Alertmanager\w+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(names(groups).filter((n) => !n.startsWith('Tempo')).sort());
  });

  test('there is a promtool scenario for every one of them', () => {
    expect(SCENARIOS.map((s) => s.alert).sort()).toEqual(names(groups).filter((n) => !n.startsWith('Tempo')).sort());
  });

  itWith(PROMTOOL)('`promtool check rules` accepts the rule file with them', () => {
    const r = checkRules({ 'alerting-rules.yml': renderRuleFile(groups) });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining(`SUCCESS: ${groups.flatMap((g) => g.rules).length} rules found`)]);
  });

  itWith(PROMTOOL)('`promtool test rules`: each fires with its labels and annotations, and stays silent before its `for` and on healthy series',
    async () => {
    const tests = promtoolTestFiles(groups, ['alerting-rules.yml'], SCENARIOS);
    const r = await testRules(tests, { 'alerting-rules.yml': renderRuleFile(groups) });
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});
