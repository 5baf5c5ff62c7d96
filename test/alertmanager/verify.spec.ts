// deploy --verify's Alertmanager check, on answers shaped like Alertmanager 0.28's /api/v2/alerts
// (the live test feeds it a real one).
import { checkWatchdogReceived, describeRouting, resolveAlertmanagerSettings } from '../../charts/alertmanager';

const bare = resolveAlertmanagerSettings({}).routing;
const routed = resolveAlertmanagerSettings({
  receivers: [{ name: 'pager', type: 'pagerduty', routingKey: { name: 'r', key: 'k' } }, { name: 'beat', type: 'webhook', url: { name: 'r',
    key: 'u' } }],
  criticalReceiver: 'pager', deadMansSwitchReceiver: 'beat',
}).routing;
const watchdog = (receiver: string) => ({ labels: { alertname: 'Watchdog', severity: 'none' }, startsAt: '2026-12-04T21:00:00Z',
  receivers: [{ name: receiver }], status: { state: 'active' } });

describe('the Watchdog check', () => {
  test('passes when the Watchdog is there and routed to the dead man\'s switch, naming the receivers', () => {
    expect(checkWatchdogReceived([watchdog('beat')], routed, ['pager', 'beat'])).toEqual({
      ok: true,
      detail: 'Watchdog received from Prometheus (firing since 2026-12-04T21:00:00Z), routed to beat; receivers pager, beat; critical -> pager, '
        + 'warning -> null, other -> null, Watchdog -> beat',
    });
  });

  test('without receivers it passes and says the alerts stay in Alertmanager', () => {
    const r = checkWatchdogReceived([watchdog('null')], bare, []);
    expect(r.ok).toBe(true);
    expect(r.detail).toContain('kept in Alertmanager (no dead man\'s switch configured); no receiver configured');
  });

  test('fails when Prometheus has sent no Watchdog, pointing at the runbook', () => {
    const r = checkWatchdogReceived([{ labels: { alertname: 'TempoDown' }, receivers: [{ name: 'pager' }], status: { state: 'active' } }], routed,
      ['pager', 'beat']);
    expect(r).toEqual({ ok: false, detail: expect.stringContaining('Alertmanager has no Watchdog alert from Prometheus') });
  });

  test('fails when the Watchdog is routed elsewhere, or the answer is no list', () => {
    const elsewhere = checkWatchdogReceived([watchdog('pager')], routed, ['pager', 'beat']);
    expect(elsewhere.detail).toMatch(/^Watchdog arrived but is routed to pager, not beat;/);
    expect(checkWatchdogReceived({ error: 'x' }, routed, []).ok).toBe(false);
  });

  test('the routing summary names every route', () => {
    expect(describeRouting(routed, ['pager',
      'beat'])).toBe('receivers pager, beat; critical -> pager, warning -> null, other -> null, Watchdog -> beat');
  });
});
