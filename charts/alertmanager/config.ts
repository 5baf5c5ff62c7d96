import { serviceFqdn } from '../shared/workload';
import { ReceiverProps } from './props';
import { ALERTMANAGER_PORTS, DEFAULT_ALERTMANAGER_NAME, NULL_RECEIVER, POD_DOWN_ALERT, WATCHDOG_ALERT, secretFilePath } from './constants';
import type { AlertmanagerSettings } from './settings';

// The names and paths settings need too live in ./constants, so settings never imports this builder.
export {
  ALERTMANAGER_PATHS, ALERTMANAGER_PORTS, DEFAULT_ALERTMANAGER_NAME, NULL_RECEIVER, POD_DOWN_ALERT, WATCHDOG_ALERT, secretFilePath,
} from './constants';

/**
 * alertmanager.yml as typed data, in Alertmanager 0.28's own key names (its configuration
 * reference). Credentials appear only as `*_file` paths into the Secrets mounted in the pod; CI
 * checks every generated file with amtool 0.28.1.
 */

/** `<webhook_config>`. */
export interface WebhookConfig { readonly url_file: string; readonly max_alerts?: number; readonly send_resolved?: boolean }
/** `<slack_config>`. */
export interface SlackConfig {
  readonly api_url_file: string;
  readonly channel?: string;
  readonly username?: string;
  readonly send_resolved?: boolean;
}
/** `<pagerduty_config>` (Events API v2: a routing key). */
export interface PagerDutyConfig { readonly routing_key_file: string; readonly url?: string; readonly send_resolved?: boolean }
/** `<email_config>`. */
export interface EmailConfig {
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly auth_username?: string;
  readonly auth_password_file?: string;
  readonly require_tls: boolean;
  readonly send_resolved?: boolean;
}
/** `<msteams_config>`. */
export interface MsTeamsConfig { readonly webhook_url_file: string; readonly send_resolved?: boolean }
/** `<opsgenie_config>`. */
export interface OpsgenieConfig {
  readonly api_key_file: string;
  readonly api_url?: string;
  readonly priority?: string;
  readonly send_resolved?: boolean;
}
/** `<telegram_config>`. */
export interface TelegramConfig { readonly bot_token_file: string; readonly chat_id: number; readonly send_resolved?: boolean }
/** `<discord_config>`. */
export interface DiscordConfig { readonly webhook_url_file: string; readonly send_resolved?: boolean }

/** `<receiver>`: a name and its integrations; one with none drops what it receives. */
export interface ReceiverConfig {
  readonly name: string;
  readonly webhook_configs?: readonly WebhookConfig[];
  readonly slack_configs?: readonly SlackConfig[];
  readonly pagerduty_configs?: readonly PagerDutyConfig[];
  readonly email_configs?: readonly EmailConfig[];
  readonly msteams_configs?: readonly MsTeamsConfig[];
  readonly opsgenie_configs?: readonly OpsgenieConfig[];
  readonly telegram_configs?: readonly TelegramConfig[];
  readonly discord_configs?: readonly DiscordConfig[];
}

/** `<route>`. */
export interface RouteConfig {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly RouteConfig[];
}

/** `<inhibit_rule>`: alerts matching `target_matchers` are muted while one matching `source_matchers` fires with the same `equal` labels. */
export interface InhibitRuleConfig {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal: readonly string[];
}

/** The whole alertmanager.yml. */
export interface AlertmanagerConfigFile {
  readonly route: RouteConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly inhibit_rules: readonly InhibitRuleConfig[];
}

/** The API and UI of the Alertmanager named `name` in `namespace`, through its ClusterIP Service. */
export function alertmanagerUrl(name: string | undefined, namespace: string): string {
  return `http://${serviceFqdn(name ?? DEFAULT_ALERTMANAGER_NAME, namespace)}:${ALERTMANAGER_PORTS.http}`;
}

const resolved = (r: ReceiverProps) => (r.sendResolved === undefined ? {} : { send_resolved: r.sendResolved });

/** One receiver of the props as Alertmanager's `<receiver>`. */
export function receiverConfig(r: ReceiverProps): ReceiverConfig {
  switch (r.type) {
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: secretFilePath(r.url), ...(r.maxAlerts ? { max_alerts: r.maxAlerts } : {}),
        ...resolved(r) }] };
    case 'slack':
      return {
        name: r.name,
        slack_configs: [{ api_url_file: secretFilePath(r.apiUrl), ...(r.channel ? { channel: r.channel } : {}),
          ...(r.username ? { username: r.username } : {}), ...resolved(r) }],
      };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: secretFilePath(r.routingKey), ...(r.url ? { url: r.url } : {}),
        ...resolved(r) }] };
    case 'email':
      return {
        name: r.name,
        email_configs: [{
          to: r.to, from: r.from, smarthost: r.smarthost,
          ...(r.authUsername ? { auth_username: r.authUsername } : {}),
          ...(r.authPassword ? { auth_password_file: secretFilePath(r.authPassword) } : {}),
          require_tls: r.requireTls ?? true,
          ...resolved(r),
        }],
      };
    case 'msteams':
      return { name: r.name, msteams_configs: [{ webhook_url_file: secretFilePath(r.webhookUrl), ...resolved(r) }] };
    case 'opsgenie':
      return {
        name: r.name,
        opsgenie_configs: [{ api_key_file: secretFilePath(r.apiKey), ...(r.apiUrl ? { api_url: r.apiUrl } : {}),
          ...(r.priority ? { priority: r.priority } : {}), ...resolved(r) }],
      };
    case 'telegram':
      return { name: r.name, telegram_configs: [{ bot_token_file: secretFilePath(r.botToken), chat_id: r.chatId, ...resolved(r) }] };
    case 'discord':
      return { name: r.name, discord_configs: [{ webhook_url_file: secretFilePath(r.webhookUrl), ...resolved(r) }] };
  }
}

/**
 * The route tree: the Watchdog first (to the dead man's switch, sent at once and re-sent often,
 * so the switch notices within minutes when it stops), then `critical` and `warning` to their
 * receivers when named; everything else stays with the root's receiver.
 */
export function routeTree(s: AlertmanagerSettings): RouteConfig {
  const r = s.routing;
  const bySeverity = (severity: string, receiver: string | undefined): RouteConfig[] => (
    receiver ? [{ receiver, matchers: [`severity="${severity}"`] }] : []);
  return {
    receiver: r.defaultReceiver,
    group_by: r.groupBy,
    group_wait: r.groupWait,
    group_interval: r.groupInterval,
    repeat_interval: r.repeatInterval,
    routes: [
      {
        receiver: r.deadMansSwitchReceiver,
        matchers: [`alertname="${WATCHDOG_ALERT}"`],
        // One Watchdog, one group, whatever labels it carries.
        group_by: ['alertname'],
        group_wait: '0s',
        group_interval: r.deadMansSwitchGroupInterval,
        repeat_interval: r.deadMansSwitchInterval,
      },
      ...bySeverity('critical', r.criticalReceiver),
      ...bySeverity('warning', r.warningReceiver),
    ],
  };
}

/**
 * The inhibition rules: a critical alert mutes the warning and info alerts of the same name in
 * the same namespace (kube-prometheus's rule: the twin at the lower severity says nothing new);
 * `TempoDown` for a pod mutes the pod's other Tempo alerts (a pod that cannot be scraped makes
 * every other alert about it stale or a consequence).
 */
export function inhibitRules(): InhibitRuleConfig[] {
  return [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['namespace', 'alertname'] },
    {
      source_matchers: [`alertname="${POD_DOWN_ALERT}"`],
      target_matchers: ['alertname=~"Tempo.+"', `alertname!="${POD_DOWN_ALERT}"`],
      equal: ['namespace', 'pod'],
    },
  ];
}

/** Builds alertmanager.yml from the settings. Pure. */
export function buildAlertmanagerConfig(s: AlertmanagerSettings): AlertmanagerConfigFile {
  return {
    route: routeTree(s),
    receivers: [{ name: NULL_RECEIVER }, ...s.receivers.map(receiverConfig)],
    inhibit_rules: inhibitRules(),
  };
}
