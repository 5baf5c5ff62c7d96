import { ImageRef } from '../shared/images';
import { ResourceOverrides } from '../shared/merge';
import { NetworkPeer } from '../shared/network';
import { SecretKeyRef } from '../shared/secrets';

/**
 * What every receiver has. A receiver is one destination (a Slack channel, a PagerDuty service):
 * the routes name it. Credentials are never values: each is a key of a Secret the user creates in
 * the namespace, mounted read-only into the Alertmanager pod and read through Alertmanager's
 * `*_file` field, so nothing secret reaches the ConfigMap or dist/.
 */
export interface ReceiverBase {
  /** The name routes refer to; unique. Letters, digits, '-' and '_'; `null` is the built-in receiver that drops alerts. */
  readonly name: string;
  /** Notify when the alerts resolve, too (`send_resolved`). @default - Alertmanager's default for the integration */
  readonly sendResolved?: boolean;
}

/** A generic webhook (`webhook_configs`): Alertmanager POSTs its JSON payload to the URL. */
export interface WebhookReceiver extends ReceiverBase {
  readonly type: 'webhook';
  /** The URL, from a Secret (`url_file`): webhook URLs often carry a token. */
  readonly url: SecretKeyRef;
  /** At most this many alerts per message (`max_alerts`); 0 sends all. @default 0 */
  readonly maxAlerts?: number;
}

/** Slack through an incoming webhook (`slack_configs`). */
export interface SlackReceiver extends ReceiverBase {
  readonly type: 'slack';
  /** The incoming webhook URL, from a Secret (`api_url_file`). */
  readonly apiUrl: SecretKeyRef;
  /** The channel or user, e.g. `#tempo-alerts`. @default - the webhook's own channel */
  readonly channel?: string;
  /** The name the messages are posted as. @default - the webhook's own */
  readonly username?: string;
}

/** PagerDuty through the Events API v2 (`pagerduty_configs`). */
export interface PagerDutyReceiver extends ReceiverBase {
  readonly type: 'pagerduty';
  /** The integration's routing key, from a Secret (`routing_key_file`). */
  readonly routingKey: SecretKeyRef;
  /** The Events API URL (`url`), for PagerDuty's EU service region say. @default - Alertmanager's (https://events.pagerduty.com/v2/enqueue) */
  readonly url?: string;
}

/** E-mail over SMTP (`email_configs`). */
export interface EmailReceiver extends ReceiverBase {
  readonly type: 'email';
  /** The recipient address(es), comma-separated as Alertmanager takes them. */
  readonly to: string;
  /** The sender address. */
  readonly from: string;
  /** The SMTP server, `host:port`, e.g. `smtp.example.com:587`. */
  readonly smarthost: string;
  /** The SMTP user name. @default - no authentication */
  readonly authUsername?: string;
  /** The SMTP password, from a Secret (`auth_password_file`); needs `authUsername`. @default - no authentication */
  readonly authPassword?: SecretKeyRef;
  /** Require STARTTLS (`require_tls`). @default true */
  readonly requireTls?: boolean;
}

/** Microsoft Teams through a workflow or incoming webhook (`msteams_configs`). */
export interface MsTeamsReceiver extends ReceiverBase {
  readonly type: 'msteams';
  /** The webhook URL, from a Secret (`webhook_url_file`). */
  readonly webhookUrl: SecretKeyRef;
}

/** Opsgenie (`opsgenie_configs`). */
export interface OpsgenieReceiver extends ReceiverBase {
  readonly type: 'opsgenie';
  /** The API key, from a Secret (`api_key_file`). */
  readonly apiKey: SecretKeyRef;
  /** The API URL (`api_url`), e.g. `https://api.eu.opsgenie.com/` in the EU. @default - Alertmanager's (https://api.opsgenie.com/) */
  readonly apiUrl?: string;
  /** The priority, P1 to P5 (`priority`). @default - Opsgenie's */
  readonly priority?: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
}

/** Telegram through a bot (`telegram_configs`). */
export interface TelegramReceiver extends ReceiverBase {
  readonly type: 'telegram';
  /** The bot token, from a Secret (`bot_token_file`). */
  readonly botToken: SecretKeyRef;
  /** The chat to post to (`chat_id`); group chats have negative ids. */
  readonly chatId: number;
}

/** Discord through a channel webhook (`discord_configs`). */
export interface DiscordReceiver extends ReceiverBase {
  readonly type: 'discord';
  /** The webhook URL, from a Secret (`webhook_url_file`). */
  readonly webhookUrl: SecretKeyRef;
}

/**
 * One receiver, by its `type`.
 * @discriminator type
 */
export type ReceiverProps =
  | WebhookReceiver
  | SlackReceiver
  | PagerDutyReceiver
  | EmailReceiver
  | MsTeamsReceiver
  | OpsgenieReceiver
  | TelegramReceiver
  | DiscordReceiver;

/** The receiver types, as `type` spells them. */
export type ReceiverType = ReceiverProps['type'];

/**
 * Settings of the Alertmanager that receives the stack's alerts from Prometheus, groups,
 * routes and inhibits them. Everything has a default: with no receiver configured, alerts are
 * kept in Alertmanager (its UI, API and Grafana's Alertmanager datasource show them) and go
 * nowhere else.
 */
export interface AlertmanagerProps {
  /** Name of the StatefulSet, its Services, ServiceAccount and ConfigMap. A DNS label. @default 'alertmanager' */
  readonly name?: string;
  /** Namespace the objects live in. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** The image; the tag must be pinned. @default prom/alertmanager:v0.28.1 */
  readonly image?: ImageRef;
  /**
   * Replicas. With more than one they form Alertmanager's gossip mesh (port 9094, TCP and UDP)
   * through the headless Service: silences and the notification log are shared, and Prometheus
   * sends every alert to every replica, which deduplicate. 2 tolerates the loss of one; 3 is
   * what kube-prometheus runs.
   * @default 1
   */
  readonly replicas?: number;
  /** Size of each replica's PersistentVolumeClaim at /alertmanager (silences and the notification log). @default '1Gi' */
  readonly storageSize?: string;
  /** StorageClass of the PVC. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** How long silences and the notification log are kept (`--data.retention`, a Go duration). @default '120h' */
  readonly retention?: string;
  /**
   * CPU and memory of the Alertmanager container, on top of the defaults: set only the quantities to change.
   * @default requests 50m / 128Mi, limits 500m / 128Mi
   */
  readonly resources?: ResourceOverrides;
  /** The receivers the routes below name. @default - none: every alert goes to the built-in `null` receiver */
  readonly receivers?: readonly ReceiverProps[];
  /** The receiver of `severity="critical"` alerts: the pager. @default - defaultReceiver */
  readonly criticalReceiver?: string;
  /** The receiver of `severity="warning"` alerts: chat. @default - defaultReceiver */
  readonly warningReceiver?: string;
  /** The receiver of every other alert (`info`, no severity). @default 'null' (kept in Alertmanager, sent nowhere) */
  readonly defaultReceiver?: string;
  /**
   * The dead man's switch: the receiver of the always-firing `Watchdog` alert (a service such as
   * healthchecks.io, Dead Man's Snitch or PagerDuty's heartbeat that pages when the Watchdog stops
   * arriving, that is when Prometheus, Alertmanager or the path between them is down).
   * @default 'null' (the Watchdog is visible in Alertmanager and checked by `deploy --verify`)
   */
  readonly deadMansSwitchReceiver?: string;
  /** How often the Watchdog is re-sent to the dead man's switch (its `repeat_interval`). @default '5m' */
  readonly deadMansSwitchInterval?: string;
  /** The labels alerts are grouped by into one notification. @default ['alertname', 'namespace', 'pod'] */
  readonly groupBy?: readonly string[];
  /** How long a new group waits for more alerts before its first notification (`group_wait`). @default '30s' */
  readonly groupWait?: string;
  /** How long a group waits before notifying about alerts added to it (`group_interval`). @default '5m' */
  readonly groupInterval?: string;
  /** How long before a still-firing group is notified again (`repeat_interval`). @default '4h' */
  readonly repeatInterval?: string;
  /**
   * An ingress NetworkPolicy: port 9093 (API, UI) only from `clients`, port 9094 (the mesh) only
   * from the Alertmanager pods. `kubectl port-forward` is not affected.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * The pods that may reach port 9093: Prometheus (alerts, scrapes) and Grafana (its Alertmanager
   * datasource). The stack passes its own. Ignored with `networkPolicy: false`.
   * @default - every pod of Alertmanager's namespace
   */
  readonly clients?: readonly NetworkPeer[];
}
