// The alerting path end to end on loopback, with the real programs: Prometheus 2.53.3 evaluating
// our rules against a scrape target that goes down, sending to Alertmanager 0.28.1 running a
// generated alertmanager.yml whose webhook receivers read their URLs from files (as from mounted
// Secrets) pointing at a small HTTP server in this test. Small intervals keep it to seconds.
import * as http from 'http';
import { AddressInfo } from 'net';
import {
  AlertmanagerProps, buildAlertmanagerConfig, checkWatchdogReceived, resolveAlertmanagerSettings, secretFilePath,
} from '../../charts/alertmanager';
import { renderRuleFile, tempoRuleGroups } from '../../charts/prometheus/rules';
import { toYaml } from '../../charts/shared/render';
import { ALERTMANAGER, withAlertmanager, until } from '../support/amtool';
import { itWith, PROMETHEUS, withPrometheus } from '../support/promtool';

interface Notification {
  readonly receiver: string;
  readonly status: string;
  readonly groupLabels: Record<string, string>;
  readonly alerts: ReadonlyArray<{ readonly status: string; readonly labels: Record<string, string> }>;
}

/** An HTTP server on a free loopback port; resolves once listening. */
async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: http.Server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });


const secret = (key: string) => ({ name: 'alertmanager-receivers', key });
const PROPS: AlertmanagerProps = {
  receivers: [
    { name: 'pager', type: 'webhook', url: secret('pager-url') },
    { name: 'chat', type: 'webhook', url: secret('chat-url') },
    { name: 'switch', type: 'webhook', url: secret('switch-url') },
  ],
  criticalReceiver: 'pager',
  warningReceiver: 'chat',
  deadMansSwitchReceiver: 'switch',
  // Seconds instead of minutes; the tree, the grouping and the inhibition rules are the generated ones.
  groupWait: '1s',
  groupInterval: '1s',
  repeatInterval: '1h',
  deadMansSwitchInterval: '1h',
};

/** A test-only group beside ours: a warning twin of TempoDown, and another Tempo alert about the same pod. */
const TWINS = {
  groups: [{
    name: 'test-twins',
    rules: [
      { alert: 'TempoDown', expr: 'up{job="tempo"} == 0', labels: { severity: 'warning' } },
      { alert: 'TempoPodSymptom', expr: 'up{job="tempo"} == 0', labels: { severity: 'warning' } },
    ],
  }],
};

describe('Prometheus -> Alertmanager -> webhook, live on loopback', () => {
  itWith(ALERTMANAGER && PROMETHEUS)('TempoDown reaches the pager grouped by alertname, namespace and pod; its warning twin and the pod\'s other '
    + 'Tempo alert are inhibited; the Watchdog reaches the dead man\'s switch', async () => {
    const received: Array<{ path: string; body: Notification }> = [];
    const hooks = await listen((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => { received.push({ path: req.url ?? '', body: JSON.parse(body) }); res.end(); });
    });
    const tempo = await listen((_req, res) => res.end('tempo_build_info{version="2.6.1"} 1\n'));
    try {
      const settings = resolveAlertmanagerSettings(PROPS);
      const amConfig = toYaml(buildAlertmanagerConfig(settings));
      const files = Object.fromEntries(['pager', 'chat', 'switch'].map((r) => [secretFilePath(secret(`${r}-url`)), `${hooks.url}/${r}`]));
      await withAlertmanager(amConfig, files, async (am) => {
        const rules = tempoRuleGroups({ tempoScrapeInterval: '1s', metricsGenerator: false, watchdog: true, alertFor: { TempoDown: '0s' } });
        const promConfig = toYaml({
          global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
          rule_files: ['/etc/prometheus/rules/tempo.rules.yaml', '/etc/prometheus/rules/twins.rules.yaml'],
          alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [am.url.replace('http://', '')] }] }] },
          scrape_configs: [{
            job_name: 'tempo',
            static_configs: [{ targets: [tempo.url.replace('http://', '')], labels: { namespace: 'tempo', pod: 'tempo-0', container: 'tempo' } }],
          }],
        });
        const ruleFiles = { 'tempo.rules.yaml': renderRuleFile(rules), 'twins.rules.yaml': toYaml(TWINS) };
        // Re-send every second: the first sends happen before Prometheus has discovered Alertmanager (5 s).
        await withPrometheus(promConfig, ruleFiles, async (p) => {
          // The target is up once, then goes down; alerts that fire before Prometheus has found Alertmanager are re-sent.
          await until('a successful scrape of the Tempo target', 15_000, async () => {
            const query = encodeURIComponent('up{job="tempo"} == 1');
            const body = await (await fetch(`${p.url}/api/v1/query?query=${query}`)).json() as { data: { result: unknown[] } };
            return body.data.result.length > 0 ? true : undefined;
          });
          await close(tempo.server);

          const pager = await until('TempoDown at the pager', 15_000, () => received.find((r) => r.path === '/pager')?.body);
          expect(pager.receiver).toBe('pager');
          expect(pager.groupLabels).toEqual({ alertname: 'TempoDown', namespace: 'tempo', pod: 'tempo-0' });
          expect(pager.alerts.map((a) => [a.status, a.labels.alertname, a.labels.severity])).toEqual([['firing', 'TempoDown', 'critical']]);

          const watchdog = await until('the Watchdog at the dead man\'s switch', 10_000, () => received.find((r) => r.path === '/switch')?.body);
          expect(watchdog.alerts.map((a) => [a.labels.alertname, a.labels.severity])).toEqual([['Watchdog', 'none']]);
          // What deploy --verify reads: Alertmanager's own API says the Watchdog is there, routed to the switch.
          const verdict = checkWatchdogReceived(await (await fetch(`${am.url}/api/v2/alerts`)).json(), settings.routing, ['pager', 'chat', 'switch']);
          const routes = 'receivers pager, chat, switch; critical -> pager, warning -> chat, other -> null, Watchdog -> switch';
          expect(verdict.ok).toBe(true);
          expect(verdict.detail).toMatch(/^Watchdog received from Prometheus \(firing since .+\), routed to switch; /);
          expect(verdict.detail.endsWith(routes)).toBe(true);

          type AmAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
          const suppressed = await until('both warnings in Alertmanager', 10_000, async () => {
            const alerts = await (await fetch(`${am.url}/api/v2/alerts`)).json() as AmAlert[];
            const warnings = alerts.filter((a) => a.labels.severity === 'warning');
            return warnings.length === 2 ? warnings : undefined;
          });
          expect(suppressed.map((a) => [a.labels.alertname, a.status.state, a.status.inhibitedBy.length]).sort())
            .toEqual([['TempoDown', 'suppressed', 1], ['TempoPodSymptom', 'suppressed', 1]]);
          // Two group intervals later, chat still has heard nothing.
          await new Promise((r) => setTimeout(r, 2_500));
          expect(received.filter((r) => r.path === '/chat')).toEqual([]);
          const paged = received.filter((r) => r.path === '/pager').flatMap((r) => r.body.alerts.map((a) => a.labels.alertname));
          expect(paged).not.toContain('TempoPodSymptom');
        }, 15_000, ['--rules.alert.resend-delay=1s']);
      });
    } finally {
      await close(hooks.server);
      if (tempo.server.listening) await close(tempo.server);
    }
  }, 60_000);
});
