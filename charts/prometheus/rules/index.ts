/**
 * Tempo's alerting and recording rules as typed data: pure functions from options to Prometheus
 * rule groups, selecting on the label contract of charts/shared/telemetry.ts.
 */
import { toYaml } from '../../shared/render';
import { ConfigError, configError } from '../../shared/validate';
import { resolveRulesOptions, TempoRulesOptions } from './options';
import { alertingRuleGroups } from './alertmanager-rules';
import { buildRuleGroups } from './tempo-rules';
import { RuleFile, RuleGroup } from './types';

export * from './types';
export type { TempoAlertName, TempoRulesOptions, ResolvedTempoRulesOptions } from './options';
export {
  DEFAULT_ALERT_FOR, DEFAULT_LATENCY_EXCLUDED_ROUTES, DEFAULT_RUNBOOK_BASE_URL, resolveRulesOptions, promDurationSeconds, formatPromDuration,
} from './options';
export { RULE_GROUP_NAMES, runbookAnchor } from './tempo-rules';
export { alertmanagerAlerts, watchdogAlert } from './alertmanager-rules';

/**
 * The Tempo rule groups: `tempo-recording` (request rate and latency quantiles), `tempo` (Tempo's
 * alerts), `tempo-metrics-generator` (only with the metrics-generator), `tempo-prometheus`
 * (Prometheus's own rule evaluation, and its remote-write receiver when the generator writes to it),
 * `watchdog` (with `watchdog`) and `alertmanager` (with `alertmanager`).
 * Pure: the same options give the same groups. Throws a ConfigError naming the option on bad input.
 */
export function tempoRuleGroups(options: TempoRulesOptions, component = 'prometheus'): RuleGroup[] {
  try {
    const resolved = resolveRulesOptions(options);
    return [...buildRuleGroups(resolved), ...alertingRuleGroups(resolved)];
  } catch (error) {
    // The options a user sets sit under `rules` of the component's props; the scrape interval and
    // the generator switch are the component's own props, passed through.
    const d = error instanceof ConfigError ? error.detail : undefined;
    if (!d || OWN_PROPS.includes(d.prop)) throw error;
    throw configError({ ...d, component, prop: `rules.${d.prop}` });
  }
}

const OWN_PROPS = ['tempoScrapeInterval', 'metricsGenerator'];

/** Serializes rule groups as one Prometheus rule file (YAML). */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  const file: RuleFile = { groups };
  return toYaml(file);
}
