import { buildAuthIni } from './auth';
import { GrafanaIni, mergeIni } from './ini';
import { GrafanaSettings } from './settings';

/** The paths inside the Grafana container (the image's own defaults, so its /run.sh agrees). */
export const GRAFANA_PATHS = {
  config: '/etc/grafana/grafana.ini',
  data: '/var/lib/grafana',
  logs: '/var/log/grafana',
  plugins: '/var/lib/grafana/plugins',
  provisioning: '/etc/grafana/provisioning',
  /** Where the dashboard JSON files are mounted, one file per ConfigMap. */
  dashboards: '/etc/grafana/dashboards',
  /** Where the admin Secret is mounted read-only. */
  adminSecret: '/etc/grafana/secrets/admin',
} as const;

/** Grafana's HTTP port. */
export const GRAFANA_PORT = 3000;

/**
 * grafana.ini as data, from the resolved settings: no outbound calls (analytics, update checks,
 * news, gravatar, plugin preinstall and external snapshots off, so it starts in an air-gapped
 * cluster), no sign-up, anonymous access only when asked (read-only Viewer), the image's paths,
 * logs to the console, and the database. `iniOverrides` are merged last.
 *
 * No password is ever written here: the admin credentials come from files of a mounted Secret
 * (`GF_SECURITY_ADMIN_*__FILE`), the database password from `GF_DATABASE_PASSWORD`.
 */
export function buildGrafanaIni(s: GrafanaSettings): GrafanaIni {
  const ini: Record<string, Record<string, string | number | boolean>> = {
    server: {
      http_port: GRAFANA_PORT,
      ...(s.rootUrl ? { root_url: s.rootUrl } : {}),
      ...(s.expose?.subPath ? { serve_from_sub_path: true } : {}),
    },
    paths: {
      data: GRAFANA_PATHS.data,
      logs: GRAFANA_PATHS.logs,
      plugins: GRAFANA_PATHS.plugins,
      provisioning: GRAFANA_PATHS.provisioning,
    },
    log: { mode: 'console' },
    database: databaseSection(s),
    analytics: {
      reporting_enabled: false,
      check_for_updates: false,
      check_for_plugin_updates: false,
      feedback_links_enabled: false,
    },
    news: { news_feed_enabled: false },
    // Grafana 12 otherwise downloads its drilldown apps at every start and logs the failures.
    plugins: { preinstall_disabled: true },
    security: { disable_gravatar: true },
    snapshots: { external_enabled: false },
    users: { allow_sign_up: false },
    'auth.anonymous': s.anonymous ? { enabled: true, org_role: 'Viewer' } : { enabled: false },
  };
  return mergeIni(s.auth ? mergeIni(ini, buildAuthIni(s.auth)) : ini, s.iniOverrides);
}

function databaseSection(s: GrafanaSettings): Record<string, string> {
  const db = s.database;
  if (!db) return { type: 'sqlite3', path: 'grafana.db' };
  return {
    type: db.type,
    host: db.host,
    name: db.name,
    user: db.user,
    ...(db.type === 'postgres' ? { ssl_mode: db.sslMode ?? 'require' } : {}),
  };
}
