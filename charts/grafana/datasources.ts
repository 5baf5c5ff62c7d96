import { createHash } from 'crypto';
import { GENERATOR_TENANT_LABEL, TENANT_HEADER, TENANT_SEPARATOR } from '../shared/tenancy';
import { EXEMPLAR_TRACE_ID_LABEL } from '../shared/telemetry';
import { fail } from '../shared/validate';
import { GrafanaSettings } from './settings';

/** The uid of the provisioned Tempo datasource: stable, so links, dashboards and health checks can name it. */
export const TEMPO_DATASOURCE_UID = 'tempo';
/** The uid of the provisioned Prometheus datasource. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
/** The uid of the provisioned Alertmanager datasource. */
export const ALERTMANAGER_DATASOURCE_UID = 'alertmanager';

/** One datasource of Grafana's provisioning file (`apiVersion: 1`), in Grafana's own key names. */
export interface Datasource {
  /** Shown in Grafana; unique. */
  readonly name: string;
  /** The plugin id, e.g. `tempo`, `prometheus`, `loki`. */
  readonly type: string;
  /** A stable id that dashboards and links reference; unique. */
  readonly uid: string;
  /** `proxy`: Grafana's backend makes the requests, so browsers need no route into the cluster. */
  readonly access: 'proxy' | 'direct';
  readonly url: string;
  /** The datasource new panels and Explore open with; exactly one is the default. */
  readonly isDefault?: boolean;
  /** Whether users may change it in the UI (changes are lost at the next start). */
  readonly editable?: boolean;
  /** Plugin-specific settings (never secrets). */
  readonly jsonData?: Readonly<Record<string, unknown>>;
  /**
   * Only the tenant header's value (`httpHeaderValue1`, named `X-Scope-OrgID` in
   * `jsonData.httpHeaderName1`): Grafana keeps custom header values here, encrypted in its
   * database. A tenant id is not a secret; nothing else may be written here (it would land in dist/).
   */
  readonly secureJsonData?: Readonly<Record<string, string>>;
}

/** The uid of the cross-tenant Tempo datasource. */
export const CROSS_TENANT_DATASOURCE_UID = 'tempo-all-tenants';

/** Grafana's datasource provisioning file. */
export interface DatasourcesFile {
  readonly apiVersion: 1;
  readonly datasources: readonly Datasource[];
}

/** The Tempo datasource's jsonData keys this project sets (Grafana 12.3's TempoJsonData). */
export type TempoJsonData = {
  readonly serviceMap?: { readonly datasourceUid: string };
  readonly tracesToMetrics?: {
    readonly datasourceUid: string;
    readonly spanStartTimeShift?: string;
    readonly spanEndTimeShift?: string;
    readonly tags?: readonly { readonly key: string; readonly value?: string }[];
    readonly queries: readonly { readonly name: string; readonly query: string }[];
  };
  readonly nodeGraph: { readonly enabled: boolean };
  readonly search: { readonly hide: boolean };
  readonly traceQuery: { readonly timeShiftEnabled: boolean; readonly spanStartTimeShift?: string; readonly spanEndTimeShift?: string };
  readonly streamingEnabled: { readonly search: boolean; readonly metrics: boolean };
  /** The tenant header's name; its value is in `secureJsonData.httpHeaderValue1`. */
  readonly httpHeaderName1?: typeof TENANT_HEADER;
};

/** The Prometheus datasource's jsonData keys this project sets (Grafana 12.3's PromOptions). */
export type PrometheusJsonData = {
  readonly httpMethod: 'POST' | 'GET';
  readonly prometheusType: 'Prometheus';
  readonly prometheusVersion: string;
  readonly manageAlerts: boolean;
  readonly timeInterval: string;
  readonly exemplarTraceIdDestinations: readonly { readonly name: string; readonly datasourceUid: string }[];
};

/**
 * The version Grafana's Prometheus datasource is told when the Prometheus's own is not known.
 * Grafana's version picker offers a fixed list per flavour (`PromFlavorVersions`); for Prometheus
 * its last entry is '2.50.1' ("> 2.50.x"), which stands for every newer release, 3.x included.
 * Grafana compares the value as a semantic version, so the real release (`3.5.5`) works as well.
 */
export const PROMETHEUS_VERSION_FOR_GRAFANA = '2.50.1';

/**
 * Grafana's `timeInterval`: the longest scrape interval of the series the dashboards read (the
 * Tempo job scrapes every 30s). `$__rate_interval` is at least four times it, so every rate()
 * window holds enough samples of each Tempo pod.
 */
const PROMETHEUS_SCRAPE_INTERVAL = '30s';

/**
 * Span-metrics queries offered on a span ("traces to metrics"). `$__tags` becomes the span's tags
 * mapped below (`service="checkout"`); the series and label names are the metrics-generator's.
 */
export const TRACES_TO_METRICS_QUERIES: readonly { readonly name: string; readonly query: string }[] = [
  { name: 'Request rate', query: 'sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags}[5m]))' },
  { name: 'Error rate', query: 'sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags, status_code="STATUS_CODE_ERROR"}[5m]))' },
  { name: 'Latency p95', query: 'histogram_quantile(0.95, sum by (le, span_name) (rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))' },
];

/**
 * The Tempo datasource: the default, linked to Prometheus (service map and traces-to-metrics use
 * the metrics-generator's series, so they are set only where the generator runs), node graph and
 * TraceQL search on, search streaming on (Tempo runs with `stream_over_http_enabled`), metrics
 * streaming off (it needs Tempo 2.7).
 */
export function tempoDatasource(s: GrafanaSettings): Datasource {
  return tenantDatasource(s, undefined, { name: 'Tempo', uid: TEMPO_DATASOURCE_UID, isDefault: true });
}

/**
 * The Tempo datasources: the one of `tempoDatasource` with one tenant; with tenants one per
 * tenant sending its id in `X-Scope-OrgID` (the first is the default and keeps uid `tempo`, which
 * the dashboards and exemplar links name), its traces-to-metrics queries narrowed to its own
 * series, and optionally one for all tenants (`a|b`).
 */
export function tempoDatasources(s: GrafanaSettings): Datasource[] {
  const tenants = s.tempo.tenants ?? [];
  if (tenants.length === 0) return [tempoDatasource(s)];
  const taken = new Set([TEMPO_DATASOURCE_UID, CROSS_TENANT_DATASOURCE_UID]);
  const list = tenants.map((tenant, i) => {
    const uid = i === 0 ? TEMPO_DATASOURCE_UID : tenantDatasourceUid(tenant, taken);
    taken.add(uid);
    return tenantDatasource(s, tenant, { name: `Tempo (${tenant})`, uid, isDefault: i === 0 });
  });
  if (s.crossTenantDatasource) {
    const id = { name: 'Tempo (all tenants)', uid: CROSS_TENANT_DATASOURCE_UID, isDefault: false };
    list.push(tenantDatasource(s, tenants.join(TENANT_SEPARATOR), id, false));
  }
  return list;
}

/**
 * A stable uid for a tenant's datasource: `tempo-<id>` with characters Grafana does not allow in a
 * uid replaced by `_`; when that is too long or taken, shortened and made unique by a hash of the id.
 */
export function tenantDatasourceUid(tenant: string, taken: ReadonlySet<string>): string {
  const plain = `tempo-${tenant.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  if (plain.length <= 40 && !taken.has(plain)) return plain;
  const hash = createHash('sha256').update(tenant).digest('hex').slice(0, 8);
  return `${plain.slice(0, 31)}-${hash}`;
}

function tenantDatasource(
  s: GrafanaSettings, header: string | undefined, id: { name: string; uid: string; isDefault: boolean }, ownSeries = true,
): Datasource {
  const generator = s.tempo.metricsGenerator;
  // Series of one tenant only: the generator labels each with its tenant (inject_tenant_id_as).
  const narrow = header !== undefined && ownSeries ? `, ${GENERATOR_TENANT_LABEL}="${header}"` : '';
  const jsonData: TempoJsonData = {
    ...(generator ? {
      serviceMap: { datasourceUid: PROMETHEUS_DATASOURCE_UID },
      tracesToMetrics: {
        datasourceUid: PROMETHEUS_DATASOURCE_UID,
        spanStartTimeShift: '-5m',
        spanEndTimeShift: '5m',
        tags: [{ key: 'service.name', value: 'service' }],
        queries: TRACES_TO_METRICS_QUERIES.map((q) => ({
          name: q.name, query: escapeProvisioningDollars(q.query.replace('{$__tags', `{$__tags${narrow}`)),
        })),
      },
    } : {}),
    nodeGraph: { enabled: true },
    search: { hide: false },
    // A trace id looked up from a log line or an exemplar may be older than the time picker's
    // range; Tempo 2.6 finds it in every block without a time window.
    traceQuery: { timeShiftEnabled: false },
    streamingEnabled: { search: true, metrics: false },
    ...(header !== undefined ? { httpHeaderName1: TENANT_HEADER } : {}),
  };
  return {
    name: id.name, type: 'tempo', uid: id.uid, access: 'proxy', url: s.tempo.url,
    isDefault: id.isDefault, editable: false, jsonData,
    ...(header !== undefined ? { secureJsonData: { httpHeaderValue1: header } } : {}),
  };
}

/**
 * The Prometheus datasource: exemplars link their trace id (Tempo's generator labels it `traceID`)
 * to the Tempo datasource, and its alert rules show in Grafana's alert list.
 */
export function prometheusDatasource(s: GrafanaSettings): Datasource {
  const jsonData: PrometheusJsonData = {
    httpMethod: 'POST',
    prometheusType: 'Prometheus',
    prometheusVersion: s.prometheus.version ?? PROMETHEUS_VERSION_FOR_GRAFANA,
    manageAlerts: true,
    timeInterval: PROMETHEUS_SCRAPE_INTERVAL,
    // A cross-tenant datasource finds the trace whichever tenant sent it.
    exemplarTraceIdDestinations: [{
      name: EXEMPLAR_TRACE_ID_LABEL, datasourceUid: s.crossTenantDatasource ? CROSS_TENANT_DATASOURCE_UID : TEMPO_DATASOURCE_UID,
    }],
  };
  return {
    name: 'Prometheus', type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID, access: 'proxy', url: s.prometheus.url,
    isDefault: false, editable: false, jsonData,
  };
}

/**
 * The Alertmanager datasource: Grafana's Alerting pages show the alerts, groups and silences of
 * this Alertmanager (implementation `prometheus`: the upstream Alertmanager API). Grafana's own
 * alert rules are not sent to it (`handleGrafanaManagedAlerts` off): the stack's alerts come from
 * Prometheus.
 */
export function alertmanagerDatasource(url: string): Datasource {
  return {
    name: 'Alertmanager', type: 'alertmanager', uid: ALERTMANAGER_DATASOURCE_UID, access: 'proxy', url,
    isDefault: false, editable: false, jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
  };
}

/**
 * Grafana expands `$NAME` and `${NAME}` in provisioning files from its environment, so a query's
 * own `$__tags` would become an empty string; `$$` is Grafana's escape for a literal `$`.
 */
export function escapeProvisioningDollars(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

const UID = /^[a-zA-Z0-9_-]{1,40}$/;

/** Whether a datasource's secureJsonData holds nothing but the tenant header's value, which is no secret. */
function onlyTenantHeader(ds: Datasource): boolean {
  const secure = ds.secureJsonData;
  return secure !== undefined && Object.keys(secure).length === 1 && typeof secure.httpHeaderValue1 === 'string'
    && ds.jsonData?.httpHeaderName1 === TENANT_HEADER;
}

/**
 * The datasources Grafana provisions, in order. Names and uids are unique and exactly one
 * datasource is the default; `add` throws a ConfigError otherwise.
 */
export class DatasourceList {
  private readonly items: Datasource[] = [];

  constructor(initial: readonly Datasource[] = []) {
    for (const ds of initial) this.add(ds);
  }

  /** Adds a datasource; throws on a duplicate name or uid, a second default, or a malformed uid or URL. */
  public add(ds: Datasource): void {
    if (!ds || typeof ds.name !== 'string' || ds.name.trim() === '') {
      fail('grafana', 'datasource.name', 'must not be empty', ds?.name, 'name the datasource, e.g. \'Loki\'');
    }
    const prop = `datasources['${ds.name}']`;
    if (typeof ds.uid !== 'string' || !UID.test(ds.uid)) {
      fail('grafana', `${prop}.uid`, 'must be 1 to 40 letters, digits, \'-\' or \'_\'', ds.uid, 'pick a stable uid such as \'loki\'');
    }
    if (typeof ds.type !== 'string' || ds.type === '') fail('grafana', `${prop}.type`, 'must name a datasource plugin', ds.type,
      'use e.g. \'loki\' or \'prometheus\'');
    if (typeof ds.url !== 'string' || !/^https?:\/\/\S+$/.test(ds.url)) {
      fail('grafana', `${prop}.url`, 'must be an http(s) URL', ds.url, 'use the Service URL, e.g. \'http://loki.logs.svc.cluster.local:3100\'');
    }
    if (this.items.some((d) => d.name === ds.name)) {
      fail('grafana', `${prop}.name`, 'is already provisioned', ds.name, 'give every datasource its own name');
    }
    const sameUid = this.items.find((d) => d.uid === ds.uid);
    if (sameUid) fail('grafana', `${prop}.uid`, `is already used by '${sameUid.name}'`, ds.uid, 'give every datasource its own uid');
    const currentDefault = this.items.find((d) => d.isDefault);
    if (ds.isDefault && currentDefault) {
      fail('grafana', `${prop}.isDefault`, `conflicts with '${currentDefault.name}', already the default`, ds.isDefault,
        'exactly one datasource is the default; leave isDefault unset');
    }
    if ('secureJsonData' in (ds as object) && !onlyTenantHeader(ds)) {
      fail('grafana', `${prop}.secureJsonData`, 'must not be set (it would write a secret into dist/)', '<redacted>',
        'leave credentials out of the provisioned datasource and add them from a Secret at deploy time');
    }
    this.items.push(ds);
  }

  /** The datasources, in the order they were added. */
  public get all(): readonly Datasource[] {
    return [...this.items];
  }

  /** The provisioning file. Throws when no datasource is the default. */
  public toFile(): DatasourcesFile {
    const defaults = this.items.filter((d) => d.isDefault);
    if (defaults.length !== 1) {
      fail('grafana', 'datasources', 'must have exactly one default', defaults.map((d) => d.name), 'set isDefault on exactly one datasource');
    }
    return { apiVersion: 1, datasources: this.all };
  }
}
