import { NULL_RECEIVER, WATCHDOG_ALERT } from './config';
import { AlertmanagerRouting } from './settings';

/** The outcome of one deploy check, as the deploy prints it (`ok` or `FAIL`, then the detail). */
export interface AlertmanagerCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** One alert of Alertmanager's `GET /api/v2/alerts` answer, as far as the checks read it. */
interface ApiAlert {
  readonly labels?: Readonly<Record<string, string>>;
  readonly startsAt?: string;
  readonly receivers?: ReadonlyArray<{ readonly name?: string }>;
  readonly status?: { readonly state?: string };
}

/** The receivers the routes name, for the deploy's summary: `critical -> pager, warning -> chat, ...`. */
export function describeRouting(routing: AlertmanagerRouting, receiverNames: readonly string[]): string {
  if (receiverNames.length === 0) {
    return 'no receiver configured: alerts are kept in Alertmanager and shown in Grafana (docs/alertmanager.md adds one)';
  }
  const routes: Array<[string, string | undefined]> = [
    ['critical', routing.criticalReceiver], ['warning', routing.warningReceiver], ['other', routing.defaultReceiver],
    ['Watchdog', routing.deadMansSwitchReceiver],
  ];
  return `receivers ${receiverNames.join(', ')}; ${routes.map(([what, to]) => `${what} -> ${to ?? routing.defaultReceiver}`).join(', ')}`;
}

/**
 * `deploy --verify`'s Alertmanager check, from the JSON of `GET /api/v2/alerts` (through a
 * port-forward to one replica): the Watchdog must have arrived from Prometheus, routed to the dead
 * man's switch receiver. The detail names the configured receivers either way.
 */
export function checkWatchdogReceived(apiAlerts: unknown, routing: AlertmanagerRouting, receiverNames: readonly string[]): AlertmanagerCheck {
  const routes = describeRouting(routing, receiverNames);
  if (!Array.isArray(apiAlerts)) return { ok: false, detail: `Alertmanager's /api/v2/alerts did not answer with a list of alerts; ${routes}` };
  const watchdog = (apiAlerts as ApiAlert[]).find((a) => a?.labels?.alertname === WATCHDOG_ALERT && a.status?.state !== 'unprocessed');
  if (!watchdog) {
    return {
      ok: false,
      detail: `Alertmanager has no ${WATCHDOG_ALERT} alert from Prometheus: Prometheus does not find or reach it`
        + ` (see the runbook, AlertmanagerNotDiscovered); ${routes}`,
    };
  }
  const to = (watchdog.receivers ?? []).map((r) => r?.name).filter((n): n is string => typeof n === 'string');
  if (!to.includes(routing.deadMansSwitchReceiver)) {
    return { ok: false,
      detail: `${WATCHDOG_ALERT} arrived but is routed to ${to.join(', ') || 'no receiver'}, not ${routing.deadMansSwitchReceiver}; ${routes}` };
  }
  const where = routing.deadMansSwitchReceiver === NULL_RECEIVER
    ? 'kept in Alertmanager (no dead man\'s switch configured)'
    : `routed to ${routing.deadMansSwitchReceiver}`;
  return { ok: true,
    detail: `${WATCHDOG_ALERT} received from Prometheus${watchdog.startsAt ? ` (firing since ${watchdog.startsAt})` : ''}, ${where}; ${routes}` };
}
