// alertmanager.yml as a pure function of the settings, checked by the real amtool 0.28.1: every
// receiver type passes `amtool check-config`, and `amtool config routes test` routes critical to
// the pager, warning to chat and the Watchdog to the dead man's switch.
import * as yaml from 'js-yaml';
import {
  AlertmanagerProps, buildAlertmanagerConfig, NULL_RECEIVER, ReceiverProps, resolveAlertmanagerSettings, secretFilePath,
} from '../../charts/alertmanager';
import { toYaml } from '../../charts/shared/render';
import { AMTOOL, checkAlertmanagerConfig, routedReceivers } from '../support/amtool';
import { itWith } from '../support/promtool';

const secret = (key: string) => ({ name: 'alertmanager-receivers', key });

/** One receiver of every type, with every optional field set. */
const EVERY_RECEIVER: ReceiverProps[] = [
  { name: 'hook', type: 'webhook', url: secret('webhook-url'), maxAlerts: 10, sendResolved: true },
  { name: 'chat', type: 'slack', apiUrl: secret('slack-url'), channel: '#tempo-alerts', username: 'alertmanager' },
  { name: 'pager', type: 'pagerduty', routingKey: secret('pagerduty-routing-key'), url: 'https://events.eu.pagerduty.com/v2/enqueue' },
  {
    name: 'mail', type: 'email', to: 'oncall@example.com, sre@example.com', from: 'alertmanager@example.com', smarthost: 'smtp.example.com:587',
    authUsername: 'alertmanager@example.com', authPassword: { name: 'smtp', key: 'password' }, requireTls: true,
  },
  { name: 'teams', type: 'msteams', webhookUrl: secret('teams-url') },
  { name: 'genie', type: 'opsgenie', apiKey: secret('opsgenie-key'), apiUrl: 'https://api.eu.opsgenie.com/', priority: 'P2' },
  { name: 'telegram', type: 'telegram', botToken: secret('telegram-token'), chatId: -1001234567890 },
  { name: 'discord', type: 'discord', webhookUrl: secret('discord-url'), sendResolved: false },
];

const ROUTED: AlertmanagerProps = {
  namespace: 'tempo',
  receivers: EVERY_RECEIVER,
  criticalReceiver: 'pager',
  warningReceiver: 'chat',
  deadMansSwitchReceiver: 'hook',
};

const configOf = (props: AlertmanagerProps) => buildAlertmanagerConfig(resolveAlertmanagerSettings(props));
const yamlOf = (props: AlertmanagerProps) => toYaml(configOf(props));

describe('alertmanager.yml', () => {
  test('with no receiver, every alert goes to the built-in null receiver and the route tree still groups and inhibits', () => {
    const config = configOf({});
    expect(config.receivers).toEqual([{ name: NULL_RECEIVER }]);
    expect(config.route.receiver).toBe(NULL_RECEIVER);
    expect(config.route.group_by).toEqual(['alertname', 'namespace', 'pod']);
    expect(config.route.routes).toEqual([expect.objectContaining({ receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] })]);
    expect(config.inhibit_rules).toHaveLength(2);
  });

  test('a critical alert inhibits the warning and info alerts of the same name and namespace', () => {
    expect(configOf({}).inhibit_rules).toContainEqual({
      source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['namespace', 'alertname'],
    });
  });

  test('TempoDown for a pod inhibits the other Tempo alerts of that pod, not itself', () => {
    expect(configOf({}).inhibit_rules).toContainEqual({
      source_matchers: ['alertname="TempoDown"'], target_matchers: ['alertname=~"Tempo.+"', 'alertname!="TempoDown"'], equal: ['namespace', 'pod'],
    });
  });

  test('critical and warning go to the receivers named for them, the Watchdog first to the dead man\'s switch', () => {
    const routes = configOf(ROUTED).route.routes!;
    expect(routes.map((r) => [r.receiver, r.matchers])).toEqual([
      ['hook', ['alertname="Watchdog"']],
      ['pager', ['severity="critical"']],
      ['chat', ['severity="warning"']],
    ]);
    // Sent at once and re-sent every 5 minutes, so the switch notices within minutes when it stops.
    expect(routes[0]).toMatchObject({ group_wait: '0s', repeat_interval: '5m', group_interval: '5m' });
  });

  test('a short dead man\'s switch interval shortens the Watchdog\'s group interval with it', () => {
    expect(configOf({ ...ROUTED, deadMansSwitchInterval: '1m' }).route.routes![0]).toMatchObject({ repeat_interval: '1m', group_interval: '1m' });
  });

  test('every credential is a *_file path into the mounted Secret, never a value', () => {
    const text = yamlOf(ROUTED);
    const config = yaml.load(text) as any;
    const byName = Object.fromEntries(config.receivers.map((r: any) => [r.name, r]));
    expect(byName.hook.webhook_configs[0].url_file).toBe('/etc/alertmanager/secrets/alertmanager-receivers/webhook-url');
    expect(byName.chat.slack_configs[0].api_url_file).toBe(secretFilePath(secret('slack-url')));
    expect(byName.pager.pagerduty_configs[0].routing_key_file).toBe(secretFilePath(secret('pagerduty-routing-key')));
    expect(byName.mail.email_configs[0].auth_password_file).toBe('/etc/alertmanager/secrets/smtp/password');
    expect(byName.teams.msteams_configs[0].webhook_url_file).toBe(secretFilePath(secret('teams-url')));
    expect(byName.genie.opsgenie_configs[0].api_key_file).toBe(secretFilePath(secret('opsgenie-key')));
    expect(byName.telegram.telegram_configs[0].bot_token_file).toBe(secretFilePath(secret('telegram-token')));
    expect(byName.discord.discord_configs[0].webhook_url_file).toBe(secretFilePath(secret('discord-url')));
    // No key that holds a credential itself (pagerduty's url and opsgenie's api_url are endpoints, not secrets).
    expect(text).not.toMatch(/^\s*(routing_key|service_key|auth_password|webhook_url|api_key|bot_token):/m);
    expect(byName.hook.webhook_configs[0]).not.toHaveProperty('url');
    expect(byName.chat.slack_configs[0]).not.toHaveProperty('api_url');
  });

  test('non-secret fields are written as they are', () => {
    const byName = Object.fromEntries(configOf(ROUTED).receivers.map((r) => [r.name, r]));
    expect(byName.chat.slack_configs![0]).toMatchObject({ channel: '#tempo-alerts', username: 'alertmanager' });
    expect(byName.mail.email_configs![0]).toMatchObject({ to: 'oncall@example.com, sre@example.com', smarthost: 'smtp.example.com:587',
      require_tls: true });
    expect(byName.telegram.telegram_configs![0].chat_id).toBe(-1001234567890);
    expect(byName.discord.discord_configs![0].send_resolved).toBe(false);
  });

  test('the receivers\' Secrets are listed once each, with every key and what it is for', () => {
    const { secrets } = resolveAlertmanagerSettings(ROUTED);
    expect(secrets.map((s) => s.name)).toEqual(['alertmanager-receivers', 'smtp']);
    expect(secrets[0].keys.map((k) => k.key)).toEqual(['discord-url', 'opsgenie-key', 'pagerduty-routing-key', 'slack-url', 'teams-url',
      'telegram-token', 'webhook-url']);
    expect(secrets[1].keys).toEqual([{ key: 'password', purpose: "email receiver 'mail' (authPassword)",
      file: '/etc/alertmanager/secrets/smtp/password' }]);
  });

  itWith(AMTOOL)('amtool 0.28.1 accepts the config with no receiver', () => {
    const r = checkAlertmanagerConfig(yamlOf({}));
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  itWith(AMTOOL)('amtool 0.28.1 accepts a config with one receiver of every type, each reading its credential from a file', () => {
    const r = checkAlertmanagerConfig(yamlOf(ROUTED));
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
    expect(r.output).toContain(` - ${EVERY_RECEIVER.length + 1} receivers`);
    expect(r.output).toContain(' - 2 inhibit rules');
  });

  itWith(AMTOOL)('amtool really checks: a receiver with its credential in two forms is refused', () => {
    const config = configOf(ROUTED) as any;
    const broken = { ...config, receivers: [...config.receivers, { name: 'both', slack_configs: [{ api_url: 'https://hooks.slack.com/x',
      api_url_file: '/x' }] }] };
    const r = checkAlertmanagerConfig(toYaml(broken));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/at most one of api_url & api_url_file must be configured/);
  });

  describe('amtool config routes test', () => {
    const text = yamlOf(ROUTED);
    itWith(AMTOOL)('a critical TempoDown goes to the pager', () => {
      expect(routedReceivers(text, { alertname: 'TempoDown', severity: 'critical', namespace: 'tempo', pod: 'tempo-0' })).toEqual(['pager']);
    });
    itWith(AMTOOL)('a warning goes to chat', () => {
      expect(routedReceivers(text, { alertname: 'TempoHighMemory', severity: 'warning', namespace: 'tempo', pod: 'tempo-0' })).toEqual(['chat']);
    });
    itWith(AMTOOL)('the Watchdog goes to the dead man\'s switch, not to the pager or chat', () => {
      expect(routedReceivers(text, { alertname: 'Watchdog', severity: 'none' })).toEqual(['hook']);
    });
    itWith(AMTOOL)('an info alert stays with the default receiver', () => {
      expect(routedReceivers(text, { alertname: 'Something', severity: 'info' })).toEqual([NULL_RECEIVER]);
    });
    itWith(AMTOOL)('without receivers every alert, the Watchdog too, stays in Alertmanager', () => {
      const bare = yamlOf({});
      expect(routedReceivers(bare, { alertname: 'TempoDown', severity: 'critical' })).toEqual([NULL_RECEIVER]);
      expect(routedReceivers(bare, { alertname: 'Watchdog', severity: 'none' })).toEqual([NULL_RECEIVER]);
    });
  });
});

describe('Alertmanager settings: bad input is a ConfigError naming the prop', () => {
  const cases: Array<[string, AlertmanagerProps, string]> = [
    ['an unknown receiver type', { receivers: [{ name: 'x', type: 'sms' } as any] },
      "alertmanager: 'receivers[0].type' must be one of 'webhook', 'slack', 'pagerduty', 'email', 'msteams', 'opsgenie', 'telegram', 'discord', got "
        + "'sms'"],
    ['a route naming a missing receiver', { receivers: [EVERY_RECEIVER[1]], criticalReceiver: 'pagr' },
      "alertmanager: 'criticalReceiver' names no receiver, got 'pagr'; name one of 'null', 'chat'"],
    ['a route naming a receiver when none is configured', { warningReceiver: 'chat' },
      "alertmanager: 'warningReceiver' names no receiver, got 'chat'; add a receiver named 'chat' to receivers (none is configured)"],
    ['two receivers of one name', { receivers: [EVERY_RECEIVER[1], { ...EVERY_RECEIVER[2], name: 'chat' }] },
      "alertmanager: 'receivers[1].name' is already the name of receivers[0], got 'chat'"],
    ['a receiver named null', { receivers: [{ ...EVERY_RECEIVER[1], name: 'null' }] },
      "alertmanager: 'receivers[0].name' is the built-in receiver that drops alerts"],
    ['a receiver name with a space', { receivers: [{ ...EVERY_RECEIVER[1], name: 'on call' }] },
      "alertmanager: 'receivers[0].name' must be 1 to 63 letters"],
    ['a Secret name Kubernetes refuses', { receivers: [{ ...EVERY_RECEIVER[1], apiUrl: { name: 'Slack_Secret', key: 'url' } } as ReceiverProps] },
      "alertmanager: 'receivers[0].apiUrl.name' must be the name of a Secret"],
    ['a Secret key with a slash', { receivers: [{ ...EVERY_RECEIVER[1], apiUrl: { name: 'slack', key: 'a/b' } } as ReceiverProps] },
      "alertmanager: 'receivers[0].apiUrl.key' must be a Secret key"],
    ['a credential written as a value', { receivers: [{ name: 'chat', type: 'slack', apiUrl: 'https://hooks.slack.com/services/T/B/x' } as any] },
      "alertmanager: 'receivers[0].apiUrl' must name a Secret and a key, got '<redacted>'"],
    ['a key of another receiver type', { receivers: [{ ...EVERY_RECEIVER[1], routingKey: secret('k') } as any] },
      "alertmanager: 'receivers[0].routingKey' is not a key of a slack receiver"],
    ['a missing credential', { receivers: [{ name: 'pager', type: 'pagerduty' } as any] },
      "alertmanager: 'receivers[0].routingKey' must name a Secret and a key"],
    ['an e-mail password without a user', { receivers: [{ ...EVERY_RECEIVER[3], authUsername: undefined } as ReceiverProps] },
      "alertmanager: 'receivers[0].authUsername' is required with the other of authUsername and authPassword"],
    ['an e-mail address without @', { receivers: [{ ...EVERY_RECEIVER[3], to: 'oncall' } as ReceiverProps] },
      "alertmanager: 'receivers[0].to' must be e-mail addresses"],
    ['an SMTP host without a port', { receivers: [{ ...EVERY_RECEIVER[3], smarthost: 'smtp.example.com' } as ReceiverProps] },
      "alertmanager: 'receivers[0].smarthost' must be host:port"],
    ['a Telegram chat id as text', { receivers: [{ ...EVERY_RECEIVER[6], chatId: '@oncall' } as any] },
      "alertmanager: 'receivers[0].chatId' must be a Telegram chat id"],
    ['an Opsgenie priority out of range', { receivers: [{ ...EVERY_RECEIVER[5], priority: 'P0' } as any] },
      "alertmanager: 'receivers[0].priority' must be one of P1"],
    ['a Slack channel over two lines', { receivers: [{ ...EVERY_RECEIVER[1], channel: '#a\n#b' } as ReceiverProps] },
      "alertmanager: 'receivers[0].channel' must be one line"],
    ['a group wait in days and hours the wrong way round', { groupWait: '1h1d' }, "alertmanager: 'groupWait' must be a duration such as '30s'"],
    ['a zero group interval', { groupInterval: '0s' }, "alertmanager: 'groupInterval' must be a positive duration"],
    ['a repeat interval shorter than the group interval', { groupInterval: '10m', repeatInterval: '5m' },
      "alertmanager: 'repeatInterval' must not be shorter than groupInterval (10m), got '5m'"],
    ['a group-by label with a dash', { groupBy: ['alert-name'] }, "alertmanager: 'groupBy' must be a non-empty list of label names"],
    ['no replicas', { replicas: 0 }, "alertmanager: 'replicas' must be a whole number from 1 to 9"],
    ['an unpinned image', { image: { repository: 'prom/alertmanager', tag: 'latest' } }, "alertmanager: 'image.tag' must be a pinned image tag"],
    ['a retention in days', { retention: '5d' }, "alertmanager: 'retention' must be a Go duration"],
    ['a name that is not a DNS label', { name: 'Alert_Manager' }, "alertmanager: 'name' must be a DNS label"],
  ];
  test.each(cases)('%s', (_what, props, message) => {
    expect(() => resolveAlertmanagerSettings(props)).toThrow(message);
  });
});
