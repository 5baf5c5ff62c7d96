/**
 * Prometheus rule files as typed data, in Prometheus's own key names (the `groups` file format of
 * https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/), valid for
 * Prometheus 2.53 and 3.x alike.
 */

/** Alert severities, as the monitoring-mixins use them; `none` only for the always-firing Watchdog. */
export type AlertSeverity = 'critical' | 'warning' | 'info' | 'none';

/** An alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires, e.g. '5m'. */
  readonly for?: string;
  readonly labels: { readonly severity: AlertSeverity } & Readonly<Record<string, string>>;
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  } & Readonly<Record<string, string>>;
}

/** A recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A rule group: evaluated together, at `interval` (default: the global evaluation interval). */
export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly (AlertingRule | RecordingRule)[];
}

/** The content of one rule file. */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}
