import { IMAGES, ImageRef } from '../shared/images';
import { resolveResources } from '../shared/merge';
import { checkNetworkPeers, NetworkPeer } from '../shared/network';
import { SecretKeyRef } from '../shared/secrets';
import {
  checkDnsLabel, checkDuration, checkImageTag, checkInteger, checkQuantity, describe, fail,
} from '../shared/validate';
import { ContainerResources } from '../shared/workload';
import { DEFAULT_ALERTMANAGER_NAME, NULL_RECEIVER, secretFilePath } from './constants';
import { AlertmanagerProps, ReceiverProps, ReceiverType } from './props';

const C = 'alertmanager';

/** The route tree's receivers and timings, every default resolved. */
export interface AlertmanagerRouting {
  readonly defaultReceiver: string;
  readonly criticalReceiver?: string;
  readonly warningReceiver?: string;
  readonly deadMansSwitchReceiver: string;
  readonly deadMansSwitchInterval: string;
  /** The Watchdog route's group_interval: the repeat interval, capped at Alertmanager's default of 5m. */
  readonly deadMansSwitchGroupInterval: string;
  readonly groupBy: readonly string[];
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

/**
 * A Secret the user creates for the receivers (never synthesized, never generated): the keys
 * Alertmanager reads, and what each is for, so the deploy command can name what is missing.
 */
export interface ReceiverSecret {
  readonly name: string;
  readonly keys: ReadonlyArray<{ readonly key: string; readonly purpose: string; readonly file: string }>;
}

/** Every Alertmanager setting with defaults applied and validated: the input of the config builder and the construct. */
export interface AlertmanagerSettings {
  readonly name: string;
  readonly namespace: string;
  readonly image: ImageRef;
  readonly replicas: number;
  readonly storageSize: string;
  readonly storageClassName?: string;
  readonly retention: string;
  readonly resources: ContainerResources;
  readonly receivers: readonly ReceiverProps[];
  readonly routing: AlertmanagerRouting;
  /** The Secrets the receivers read, sorted by name, each key once. */
  readonly secrets: readonly ReceiverSecret[];
  readonly networkPolicy: boolean;
  readonly clients: readonly NetworkPeer[];
}

/** The receiver types and the props of each that name a Secret key. */
export const RECEIVER_SECRET_PROPS: Readonly<Record<ReceiverType, readonly string[]>> = {
  webhook: ['url'],
  slack: ['apiUrl'],
  pagerduty: ['routingKey'],
  email: ['authPassword'],
  msteams: ['webhookUrl'],
  opsgenie: ['apiKey'],
  telegram: ['botToken'],
  discord: ['webhookUrl'],
};

/** The default CPU and memory: Alertmanager holds a few thousand alerts in well under 100 MiB. */
export const DEFAULT_ALERTMANAGER_RESOURCES: ContainerResources = {
  requests: { cpu: '50m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '128Mi' },
};

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;
const HOST_PORT = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:\d{1,5}$/;
const ADDRESS = /^[^\s@,<>"]+@[^\s@,<>"]+$/;
const MODEL_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const MODEL_DURATION_UNITS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 1e-3];

/**
 * Checks a duration as alertmanager.yml takes it (Prometheus's model duration: `30s`, `5m`, `4h`,
 * `1d`; whole numbers, largest unit first) and returns it in seconds. Zero only when `allowZero`.
 */
export function checkAlertmanagerDuration(prop: string, value: string, allowZero = false): number {
  const m = typeof value === 'string' && value !== '' ? MODEL_DURATION.exec(value) : null;
  const seconds = m ? m.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * MODEL_DURATION_UNITS[i] : 0), 0) : 0;
  if (!m || (seconds <= 0 && !allowZero)) {
    fail(C, prop, `must be a${allowZero ? '' : ' positive'} duration such as '30s', '5m' or '4h'`, value,
      'write whole numbers with the units y, w, d, h, m, s or ms, largest unit first (e.g. \'1h30m\')');
  }
  return seconds;
}

/** Checks a Secret reference of a receiver: a Secret name (DNS subdomain) and a key. */
function checkSecretRef(prop: string, ref: SecretKeyRef | undefined): SecretKeyRef {
  if (!ref || typeof ref !== 'object') {
    // A credential written in place would end up in the error message: never show it.
    fail(C, prop, 'must name a Secret and a key', typeof ref === 'string' ? '<redacted>' : ref,
      `write { name: 'alertmanager-receivers', key: '...' }: a Secret you create in the namespace`);
  }
  if (typeof ref.name !== 'string' || !SECRET_NAME.test(ref.name)) {
    fail(C, `${prop}.name`, 'must be the name of a Secret (lower-case letters, digits, \'-\' and \'.\')', ref.name,
      'name a Secret in the same namespace, e.g. \'alertmanager-receivers\'');
  }
  if (typeof ref.key !== 'string' || !SECRET_KEY.test(ref.key)) {
    fail(C, `${prop}.key`, 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', ref.key,
      'name the key inside the Secret, e.g. \'slack-url\'');
  }
  return ref;
}

function checkText(prop: string, value: unknown, example: string): void {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256 || /[\n\r]/.test(value)) {
    fail(C, prop, 'must be one line of text (1 to 256 characters)', value, `write e.g. '${example}'`);
  }
}

function checkUrl(prop: string, value: unknown, example: string): void {
  if (typeof value !== 'string' || !HTTP_URL.test(value)) fail(C, prop, 'must be an http(s) URL without query or fragment', value,
    `use e.g. '${example}'`);
}

/** The props a receiver of this type may have, for the unknown-key check. */
const RECEIVER_KEYS: Readonly<Record<ReceiverType, readonly string[]>> = {
  webhook: ['url', 'maxAlerts'],
  slack: ['apiUrl', 'channel', 'username'],
  pagerduty: ['routingKey', 'url'],
  email: ['to', 'from', 'smarthost', 'authUsername', 'authPassword', 'requireTls'],
  msteams: ['webhookUrl'],
  opsgenie: ['apiKey', 'apiUrl', 'priority'],
  telegram: ['botToken', 'chatId'],
  discord: ['webhookUrl'],
};

function checkReceiver(r: ReceiverProps, i: number): void {
  const at = `receivers[${i}]`;
  if (!r || typeof r !== 'object') fail(C, at, 'must be a receiver with a name and a type', r,
    'write e.g. { name: \'chat\', type: \'slack\', apiUrl: { name, key } }');
  const types = Object.keys(RECEIVER_KEYS) as ReceiverType[];
  if (!types.includes(r.type)) fail(C, `${at}.type`, `must be one of ${types.map((t) => `'${t}'`).join(', ')}`, r.type,
    `pick one of ${types.join(', ')}`);
  if (typeof r.name !== 'string' || !RECEIVER_NAME.test(r.name)) {
    fail(C, `${at}.name`, 'must be 1 to 63 letters, digits, \'-\' or \'_\', starting with a letter or digit', r.name,
      'name it after its destination, e.g. \'pager\' or \'chat\'');
  }
  if (r.name === NULL_RECEIVER) fail(C, `${at}.name`, `is the built-in receiver that drops alerts`, r.name, 'give the receiver another name');
  const allowed = ['name', 'type', 'sendResolved', ...RECEIVER_KEYS[r.type]];
  const unknown = Object.keys(r).find((k) => !allowed.includes(k));
  if (unknown !== undefined) {
    fail(C, `${at}.${unknown}`, `is not a key of a ${r.type} receiver`, (r as unknown as Record<string, unknown>)[unknown],
      `use ${allowed.join(', ')}`);
  }
  if (r.sendResolved !== undefined && typeof r.sendResolved !== 'boolean') fail(C, `${at}.sendResolved`, 'must be true or false', r.sendResolved,
    'write true or false');
  for (const prop of RECEIVER_SECRET_PROPS[r.type]) {
    const ref = (r as unknown as Record<string, SecretKeyRef | undefined>)[prop];
    // The one optional credential: e-mail without SMTP authentication.
    const optional = r.type === 'email';
    if (ref !== undefined || !optional) checkSecretRef(`${at}.${prop}`, ref);
  }
  switch (r.type) {
    case 'webhook':
      if (r.maxAlerts !== undefined) checkInteger(C, `${at}.maxAlerts`, r.maxAlerts, 0);
      break;
    case 'slack':
      if (r.channel !== undefined) checkText(`${at}.channel`, r.channel, '#tempo-alerts');
      if (r.username !== undefined) checkText(`${at}.username`, r.username, 'alertmanager');
      break;
    case 'pagerduty':
      if (r.url !== undefined) checkUrl(`${at}.url`, r.url, 'https://events.eu.pagerduty.com/v2/enqueue');
      break;
    case 'email':
      for (const prop of ['to', 'from'] as const) {
        const addresses = typeof r[prop] === 'string' ? r[prop].split(',').map((a) => a.trim()) : [];
        if (addresses.length === 0 || !addresses.every((a) => ADDRESS.test(a))) {
          fail(C, `${at}.${prop}`, 'must be e-mail addresses, comma-separated', r[prop], 'write e.g. \'oncall@example.com\'');
        }
      }
      if (typeof r.smarthost !== 'string' || !HOST_PORT.test(r.smarthost)) {
        fail(C, `${at}.smarthost`, 'must be host:port', r.smarthost, 'write e.g. \'smtp.example.com:587\'');
      }
      if (r.authUsername !== undefined) checkText(`${at}.authUsername`, r.authUsername, 'alertmanager@example.com');
      if ((r.authUsername === undefined) !== (r.authPassword === undefined)) {
        fail(C, `${at}.${r.authPassword ? 'authUsername' : 'authPassword'}`, 'is required with the other of authUsername and authPassword',
          r.authPassword ? r.authUsername : r.authPassword, 'set both (SMTP authentication) or neither');
      }
      if (r.requireTls !== undefined && typeof r.requireTls !== 'boolean') fail(C, `${at}.requireTls`, 'must be true or false', r.requireTls,
        'write true or false');
      break;
    case 'opsgenie':
      if (r.apiUrl !== undefined) checkUrl(`${at}.apiUrl`, r.apiUrl, 'https://api.eu.opsgenie.com/');
      if (r.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(r.priority)) {
        fail(C, `${at}.priority`, 'must be one of P1, P2, P3, P4, P5', r.priority, 'pick one of P1 (highest) to P5');
      }
      break;
    case 'telegram':
      if (typeof r.chatId !== 'number' || !Number.isSafeInteger(r.chatId) || r.chatId === 0) {
        fail(C, `${at}.chatId`, 'must be a Telegram chat id (a whole number, negative for groups)', r.chatId,
          'ask the bot for the chat id, e.g. -1001234567890');
      }
      break;
    case 'msteams':
    case 'discord':
      break;
  }
}

/** The Secrets the receivers read, each key once, with what it is for. */
function receiverSecrets(receivers: readonly ReceiverProps[]): ReceiverSecret[] {
  const byName = new Map<string, Map<string, string[]>>();
  for (const r of receivers) {
    for (const prop of RECEIVER_SECRET_PROPS[r.type]) {
      const ref = (r as unknown as Record<string, SecretKeyRef | undefined>)[prop];
      if (!ref) continue;
      const keys = byName.get(ref.name) ?? new Map<string, string[]>();
      keys.set(ref.key, [...(keys.get(ref.key) ?? []), `${r.type} receiver '${r.name}' (${prop})`]);
      byName.set(ref.name, keys);
    }
  }
  return [...byName.keys()].sort().map((name) => ({
    name,
    keys: [...byName.get(name)!.keys()].sort().map((key) => ({
      key, purpose: byName.get(name)!.get(key)!.join(', '), file: secretFilePath({ name, key }),
    })),
  }));
}

/** Resolves and validates AlertmanagerProps. Throws a ConfigError naming the prop on bad input. */
export function resolveAlertmanagerSettings(props: AlertmanagerProps): AlertmanagerSettings {
  // Pod names `<name>-<ordinal>` and the `<name>-headless` Service must stay DNS labels.
  const name = checkDnsLabel(C, 'name', props.name ?? DEFAULT_ALERTMANAGER_NAME, 50, 'alertmanager');
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default', 63, 'tempo');

  const image = props.image ?? IMAGES.alertmanager;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, 'use e.g. \'prom/alertmanager\'');
  checkImageTag(C, 'image.tag', image.tag, IMAGES.alertmanager.tag);

  const replicas = checkInteger(C, 'replicas', props.replicas ?? 1, 1, 9, 'use 1, or 2 to 5 for the HA mesh');
  const storageSize = props.storageSize ?? '1Gi';
  checkQuantity(C, 'storageSize', storageSize, '1Gi');
  if (props.storageClassName !== undefined) checkDnsLabel(C, 'storageClassName', props.storageClassName, 253, 'standard');
  const retention = props.retention ?? '120h';
  checkDuration(C, 'retention', retention);
  const { resources } = resolveResources(C, DEFAULT_ALERTMANAGER_RESOURCES, props.resources, 'the default');

  const receivers = props.receivers ?? [];
  if (!Array.isArray(receivers)) fail(C, 'receivers', 'must be a list of receivers', receivers,
    'write e.g. [{ name: \'chat\', type: \'slack\', apiUrl: { name, key } }]');
  receivers.forEach(checkReceiver);
  const names = receivers.map((r) => r.name);
  const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (twice >= 0) fail(C, `receivers[${twice}].name`, `is already the name of receivers[${names.indexOf(names[twice])}]`, names[twice],
    'give every receiver its own name');

  const known = [NULL_RECEIVER, ...names];
  const receiver = (prop: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (!known.includes(value)) {
      fail(C, prop, 'names no receiver', value, names.length
        ? `name one of ${known.map(describe).join(', ')}, or add a receiver of that name to receivers`
        : `add a receiver named ${describe(value)} to receivers (none is configured), or use 'null'`);
    }
    return value;
  };
  const defaultReceiver = receiver('defaultReceiver', props.defaultReceiver) ?? NULL_RECEIVER;

  const groupBy = props.groupBy ?? ['alertname', 'namespace', 'pod'];
  if (!Array.isArray(groupBy) || groupBy.length === 0
    || !(groupBy.length === 1 && groupBy[0] === '...') && !groupBy.every((l) => typeof l === 'string' && LABEL_NAME.test(l))) {
    fail(C, 'groupBy', 'must be a non-empty list of label names (or [\'...\'] to group by every label)', groupBy,
      'write e.g. [\'alertname\', \'namespace\', \'pod\']');
  }
  const groupWait = props.groupWait ?? '30s';
  checkAlertmanagerDuration('groupWait', groupWait, true);
  const groupInterval = props.groupInterval ?? '5m';
  const groupIntervalSeconds = checkAlertmanagerDuration('groupInterval', groupInterval);
  const repeatInterval = props.repeatInterval ?? '4h';
  const repeatSeconds = checkAlertmanagerDuration('repeatInterval', repeatInterval);
  // Alertmanager re-sends only at group_interval ticks: a shorter repeat interval has no effect.
  if (repeatSeconds < groupIntervalSeconds) {
    fail(C, 'repeatInterval', `must not be shorter than groupInterval (${groupInterval})`, repeatInterval,
      'raise repeatInterval or lower groupInterval');
  }
  const deadMansSwitchInterval = props.deadMansSwitchInterval ?? '5m';
  const switchSeconds = checkAlertmanagerDuration('deadMansSwitchInterval', deadMansSwitchInterval);

  const clients = checkNetworkPeers(C, 'clients', props.clients ?? [{ podSelector: {} }]);
  if (props.networkPolicy !== undefined && typeof props.networkPolicy !== 'boolean') {
    fail(C, 'networkPolicy', 'must be true or false', props.networkPolicy, 'write true or false');
  }

  return {
    name,
    namespace,
    image,
    replicas,
    storageSize,
    storageClassName: props.storageClassName,
    retention,
    resources,
    receivers,
    routing: {
      defaultReceiver,
      criticalReceiver: receiver('criticalReceiver', props.criticalReceiver),
      warningReceiver: receiver('warningReceiver', props.warningReceiver),
      deadMansSwitchReceiver: receiver('deadMansSwitchReceiver', props.deadMansSwitchReceiver) ?? NULL_RECEIVER,
      deadMansSwitchInterval,
      deadMansSwitchGroupInterval: switchSeconds < 300 ? deadMansSwitchInterval : '5m',
      groupBy,
      groupWait,
      groupInterval,
      repeatInterval,
    },
    secrets: receiverSecrets(receivers),
    networkPolicy: props.networkPolicy ?? true,
    clients,
  };
}
