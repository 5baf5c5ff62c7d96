import { TARGET_LABELS } from '../../shared/telemetry';
import { ResolvedTempoRulesOptions } from './options';
import { alert, label, matchers, RULE_GROUP_NAMES } from './tempo-rules';
import { AlertingRule, RuleGroup } from './types';

const { namespace: NS, pod: POD, job: JOB } = TARGET_LABELS;

/**
 * The always-firing alert of the dead man's switch (`vector(1)`, severity `none`): Alertmanager
 * routes it to a receiver that raises the alarm when it stops arriving, which is how anyone learns
 * that Prometheus, Alertmanager or the path between them is down.
 */
export function watchdogAlert(o: ResolvedTempoRulesOptions): AlertingRule {
  return alert(o, {
    alert: 'Watchdog', severity: 'none',
    expr: 'vector(1)',
    summary: 'Always firing: the alerting pipeline works.',
    description: 'This alert fires all the time, so that Alertmanager\'s dead man\'s switch receiver can page when it stops arriving: then '
      + 'Prometheus,'
      + ' Alertmanager or the path between them is down.',
  });
}

/**
 * Alerts on the Alertmanager the stack runs (its series from the `alertmanager` job) and on
 * Prometheus's side of the path (its notifier's series from its self-scrape). Metric names as
 * Alertmanager 0.28.1 and Prometheus 2.53.3 expose them (test/fixtures/metrics/).
 */
export function alertmanagerAlerts(o: ResolvedTempoRulesOptions, replicas: number): AlertingRule[] {
  const a = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.alertmanagerSelector, ...extra)}`;
  const p = (metric: string, ...extra: string[]): string => `${metric}${matchers(o.prometheusSelector, ...extra)}`;
  const w = o.counterWindow;
  const where = `pod ${label(POD)} in namespace ${label(NS)}`;
  const rules: AlertingRule[] = [
    alert(o, {
      alert: 'AlertmanagerDown', severity: 'critical',
      expr: `${a('up')} == 0`,
      summary: 'An Alertmanager pod cannot be scraped.',
      description: `Prometheus has failed to scrape Alertmanager ${where} for ${o.alertFor.AlertmanagerDown}; alerts sent to it may reach nobody.`,
    }),
    alert(o, {
      alert: 'AlertmanagerConfigReloadFailing', severity: 'critical',
      expr: `max by (${NS}, ${POD}) (${a('alertmanager_config_last_reload_successful')}) == 0`,
      summary: 'Alertmanager could not load its configuration.',
      description: `Alertmanager ${where} failed to load alertmanager.yml or its templates;`
        + ` it keeps routing with the last configuration it loaded, or with none.`,
    }),
    alert(o, {
      alert: 'AlertmanagerNotificationsFailing', severity: 'warning',
      expr: `sum by (${NS}, ${POD}, integration) (rate(${a('alertmanager_notifications_failed_total')}[${w}]))`
        + ` / sum by (${NS}, ${POD}, integration) (rate(${a('alertmanager_notifications_total')}[${w}])) > 0.01`,
      summary: 'Alertmanager fails to deliver notifications.',
      description: `Alertmanager ${where} fails {{ $value | humanizePercentage }} of its notifications through ${label('integration')};`
        + ` the people on call do not hear of those alerts.`,
    }),
    alert(o, {
      alert: 'AlertmanagerNotDiscovered', severity: 'warning',
      expr: `min by (${JOB}, instance) (${p('prometheus_notifications_alertmanagers_discovered')}) < ${replicas}`,
      summary: 'Prometheus does not find every Alertmanager replica.',
      description: `Prometheus ${label('instance')} sends alerts to {{ $value }} Alertmanager(s) out of ${replicas}.`,
    }),
    alert(o, {
      alert: 'AlertmanagerSendsFailing', severity: 'warning',
      expr: `sum by (${JOB}, instance) (rate(${p('prometheus_notifications_errors_total')}[${w}]))`
        + ` / sum by (${JOB}, instance) (rate(${p('prometheus_notifications_sent_total')}[${w}])) > 0.01`,
      summary: 'Prometheus fails to send alerts to Alertmanager.',
      description: `Prometheus ${label('instance')} fails {{ $value | humanizePercentage }} of the alerts it sends to Alertmanager.`,
    }),
  ];
  if (replicas > 1) {
    rules.push(alert(o, {
      alert: 'AlertmanagerClusterMembersMissing', severity: 'warning',
      expr: `min by (${NS}, ${POD}) (${a('alertmanager_cluster_members')}) < ${replicas}`,
      summary: 'An Alertmanager replica does not see all its peers.',
      description: `Alertmanager ${where} sees {{ $value }} of ${replicas} members in its mesh;`
        + ` silences and the notification log are not shared with the others, so notifications may be sent twice.`,
    }));
  }
  return rules;
}

/** The alerting groups: `watchdog` when alerts are sent, `alertmanager` when the stack runs one. */
export function alertingRuleGroups(o: ResolvedTempoRulesOptions): RuleGroup[] {
  return [
    ...(o.watchdog ? [{ name: RULE_GROUP_NAMES.watchdog, rules: [watchdogAlert(o)] }] : []),
    ...(o.alertmanagerReplicas !== undefined ? [{ name: RULE_GROUP_NAMES.alertmanager, rules: alertmanagerAlerts(o, o.alertmanagerReplicas) }] : []),
  ];
}
