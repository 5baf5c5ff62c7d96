import { ImageRef } from '../shared/images';
import { ResourceOverrides } from '../shared/merge';
import { NamespaceSelection } from '../shared/network';
import { SecretKeyRef } from '../shared/secrets';
import { GrafanaAuth } from './auth';
import { GrafanaExpose } from './expose';
import { GrafanaIni } from './ini';
import { WorkloadIdentityProps } from '../shared/workload-identity';

/** What Grafana needs to know about Tempo: taken from what the Tempo construct exposes, never typed twice. */
export interface GrafanaTempoLink {
  /** Tempo's HTTP API inside the cluster, e.g. `http://tempo.tempo.svc.cluster.local:3200`. */
  readonly url: string;
  /** Whether Tempo's metrics-generator writes span metrics and service graphs to Prometheus. */
  readonly metricsGenerator: boolean;
  /** Tempo's replicas, for the dashboards' descriptions. @default - not shown */
  readonly replicas?: number;
  /** Each Tempo container's memory limit in bytes, drawn as a threshold on the memory panel. @default - no threshold */
  readonly memoryLimitBytes?: number;
  /** Each Tempo container's CPU limit in cores, drawn as a threshold on the CPU panel. @default - no threshold */
  readonly cpuLimitCores?: number;
  /**
   * Tempo's tenants (the Tempo construct's `tenants`): one Tempo datasource each, sending the
   * tenant in `X-Scope-OrgID`; the first is the default (uid `tempo`).
   * @default - one tenant, no header
   */
  readonly tenants?: readonly string[];
}

/** What Grafana needs to know about Prometheus. */
export interface GrafanaPrometheusLink {
  /** Prometheus's HTTP API inside the cluster, e.g. `http://prometheus.tempo.svc.cluster.local:9090`. */
  readonly url: string;
  /**
   * Its release (`3.5.5`), the datasource's `prometheusVersion`: Grafana picks the query APIs it
   * uses by it. The stack passes its own Prometheus's image version.
   * @default PROMETHEUS_VERSION_FOR_GRAFANA ('2.50.1', Grafana's entry for every newer release)
   */
  readonly version?: string;
}

/** What Grafana needs to know about Alertmanager. */
export interface GrafanaAlertmanagerLink {
  /** Alertmanager's HTTP API inside the cluster, e.g. `http://alertmanager.tempo.svc.cluster.local:9093`. */
  readonly url: string;
}

/** An external PostgreSQL or MySQL database for Grafana's state, so that more than one replica can run. */
export interface GrafanaDatabase {
  /** `postgres` or `mysql` (Grafana's `[database] type`). */
  readonly type: 'postgres' | 'mysql';
  /** `host:port`, e.g. `postgres.db.svc.cluster.local:5432`. */
  readonly host: string;
  /** The database name. */
  readonly name: string;
  /** The database user. */
  readonly user: string;
  /** The password, from a Secret the user creates; handed to Grafana as `GF_DATABASE_PASSWORD`. */
  readonly password: SecretKeyRef;
  /** PostgreSQL only: `disable`, `require` or `verify-full`. @default 'require' */
  readonly sslMode?: 'disable' | 'require' | 'verify-full';
}

/** Settings of a Grafana deployment with provisioned Tempo and Prometheus datasources and Tempo dashboards. */
export interface GrafanaProps extends WorkloadIdentityProps {
  /** Name of the Deployment, its Service (other pods reach Grafana by it) and ConfigMaps. A DNS label. @default 'grafana' */
  readonly name?: string;
  /** Namespace the objects live in. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** The image; the tag must be pinned. @default grafana/grafana:12.3.11 */
  readonly image?: ImageRef;
  /** Tempo, as the Tempo construct exposes it. */
  readonly tempo: GrafanaTempoLink;
  /** Prometheus, as the Prometheus construct exposes it. */
  readonly prometheus: GrafanaPrometheusLink;
  /**
   * With two or more Tempo tenants, one more Tempo datasource (`Tempo (all tenants)`) whose header
   * names them all (`a|b`): search, tags and trace by id across tenants. Exemplar links then open
   * traces through it, whichever tenant they belong to.
   * @default false
   */
  readonly crossTenantDatasource?: boolean;
  /**
   * An Alertmanager, as the Alertmanager construct exposes it: provisioned as an Alertmanager
   * datasource (implementation `prometheus`), so its alerts and silences show beside the traces.
   * @default - no Alertmanager datasource
   */
  readonly alertmanager?: GrafanaAlertmanagerLink;
  /**
   * Name of a Secret in the same namespace with the keys `admin-user` and `admin-password`. It is
   * never synthesized (nothing secret lands in dist/): the user or the deploy script creates it:
   *
   * ```sh
   * kubectl -n tempo create secret generic grafana-admin \
   *   --from-literal=admin-user=admin --from-literal=admin-password="$(openssl rand -hex 24)"
   * ```
   * @default 'grafana-admin'
   */
  readonly adminSecretName?: string;
  /** Let anyone who reaches Grafana browse it without logging in, as a read-only Viewer. @default false */
  readonly anonymous?: boolean;
  /** The public URL users reach Grafana at behind an Ingress (`[server] root_url`), e.g. `https://grafana.example.com/`. @default - Grafana's own */
  readonly rootUrl?: string;
  /**
   * Keep Grafana's SQLite database on a PersistentVolumeClaim; `false` uses an emptyDir (dev: lost on restart).
   * @default true without `database`, false with it
   */
  readonly persistence?: boolean;
  /** Size of the PVC at /var/lib/grafana. @default '1Gi' */
  readonly storageSize?: string;
  /** StorageClass of the PVC. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * CPU and memory of the Grafana container, on top of the defaults: set only the quantities to
   * change (`{ limits: { memory: '1Gi' } }` keeps the other three).
   * @default requests 100m / 256Mi, limits 1 / 512Mi
   */
  readonly resources?: ResourceOverrides;
  /** Number of replicas; more than one needs `database`. @default 1 */
  readonly replicas?: number;
  /** An external database instead of SQLite. @default - SQLite in /var/lib/grafana */
  readonly database?: GrafanaDatabase;
  /**
   * grafana.ini sections and keys merged over the generated ones, last: a key replaces the same
   * key of the same section, new sections and keys are added (`{ 'auth.generic_oauth': { enabled:
   * true } }`). Values are strings, numbers or booleans on one line. There is no Grafana key tree
   * here (Grafana ignores keys it does not know, so a typo is silently without effect): only names
   * and values go-ini would misread are refused (a section or key with spaces, `[`, `=`, a nested
   * mapping, a multi-line value). Never put a secret here (it would land in the ConfigMap and in
   * dist/): `password`, `secret_key`, `client_secret` and the like are refused unless the value is
   * a `$__file{...}` or `$__env{...}` reference; the admin login comes from `adminSecretName`, the
   * database password from `database.password`.
   * @default - none
   */
  readonly iniOverrides?: GrafanaIni;
  /**
   * An ingress NetworkPolicy admitting only `fromNamespaces` to the `http` port (3000).
   * `kubectl port-forward` is not affected.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * The namespaces whose pods may reach Grafana's port 3000, e.g. `['ingress-nginx']` for an
   * ingress controller. Ignored with `networkPolicy: false`.
   * @default 'all'
   */
  readonly fromNamespaces?: NamespaceSelection;
  /**
   * Reach Grafana from outside: an Ingress or a Gateway API HTTPRoute, TLS from a Secret or
   * cert-manager. `rootUrl` derives from the host unless set; the NetworkPolicy admits only
   * `controllerNamespaces` (so `fromNamespaces` is not set with it).
   * @default - ClusterIP only (`kubectl port-forward`)
   */
  readonly expose?: GrafanaExpose;
  /** Single sign-on (OAuth 2.0 / OpenID Connect); needs the public URL (`expose` or `rootUrl`). @default - the admin login only */
  readonly auth?: GrafanaAuth;
}
