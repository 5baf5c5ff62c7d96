import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { imageName } from '../shared/images';
import { selectorLabels, standardLabels } from '../shared/labels';
import { contentHash, toYaml } from '../shared/render';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../shared/security';
import { GeneratedSecret, ProvidedSecret } from '../shared/secrets';
import { NamespaceSelection, checkNamespaceSelection, ingressPolicySpec } from '../shared/network';
import { envFromSecret, namedServicePort, resourceRequirements, serviceFqdn } from '../shared/workload';
import { GRAFANA_PATHS, GRAFANA_PORT, buildGrafanaIni } from './config';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardProvidersFile, ProvisionedDashboard, buildDashboardProviders, buildDashboards, checkAddedDashboard } from './dashboards';
import {
  Datasource, DatasourceList, PROMETHEUS_DATASOURCE_UID, TEMPO_DATASOURCE_UID, alertmanagerDatasource, prometheusDatasource, tempoDatasources,
} from './datasources';
import { OAUTH_SECRET_DIR } from './auth';
import { createGrafanaExposure } from './expose';
import { GrafanaIni, serializeIni } from './ini';
import { GrafanaProps } from './props';
import { GrafanaSettings, resolveGrafanaSettings } from './settings';

/**
 * The labels that select the pods of the Grafana named `name` (what `Grafana.podSelector` holds),
 * for wiring code that needs them before the construct exists.
 */
export function grafanaPodSelector(name = 'grafana'): Record<string, string> {
  return selectorLabels({ name: 'grafana', instance: name });
}

/** The UID and GID the grafana/grafana image runs as. */
export const GRAFANA_UID = 472;

/** The keys of the admin Secret the user creates. */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** The pod-template annotation holding the hash of grafana.ini, the datasources and the dashboards. */
export const GRAFANA_CONFIG_HASH_ANNOTATION = 'checksum/config';

const INI_FILE = 'grafana.ini';
const DATASOURCES_FILE = 'datasources.yaml';
const PROVIDERS_FILE = 'dashboards.yaml';

/** A provisioned dashboard, its file in its ConfigMap, and the file's content. */
interface DashboardFile {
  readonly dashboard: ProvisionedDashboard;
  readonly file: string;
  readonly json: string;
  readonly configMap: k8s.KubeConfigMap;
}

/**
 * Grafana with provisioned Tempo and Prometheus datasources and the Tempo dashboards.
 *
 * Creates: a ServiceAccount (no API token), a ConfigMap with grafana.ini (`<name>-config`), one
 * with the datasources (`<name>-datasources`), one with the dashboard provider
 * (`<name>-dashboard-providers`), one per dashboard (`<name>-dashboard-<slug>`, ours and those
 * added with `addDashboard()`, each mounted as one file), a ClusterIP
 * Service (`<name>`, port 3000 named `http`), a PersistentVolumeClaim for SQLite (`<name>-data`,
 * unless `persistence` is off), a NetworkPolicy admitting `fromNamespaces` to port 3000 (unless
 * turned off) and the Deployment. The admin credentials come from a Secret the
 * user creates (`adminSecretName`); no Secret is synthesized.
 */
export class Grafana extends Construct {
  /** The resolved settings, defaults applied. */
  public readonly settings: GrafanaSettings;
  /** grafana.ini as data. */
  public readonly ini: GrafanaIni;
  /** The dashboard provider file as data. */
  public readonly dashboardProviders: DashboardProvidersFile;
  /** The name of the ClusterIP Service. */
  public readonly serviceName: string;
  /** Grafana inside the cluster, e.g. `http://grafana.tempo.svc.cluster.local:3000`. */
  public readonly url: string;
  /** The Secret (created by the user) holding `admin-user` and `admin-password`. */
  public readonly adminSecretName: string;
  /** The admin Secret, for the deploy script to create (user `admin`, a random password) when nobody has. */
  public readonly generatedSecrets: readonly GeneratedSecret[];
  /** Secrets the user creates: the OAuth client secret (with `auth`). */
  public readonly providedSecrets: readonly ProvidedSecret[];
  /** The uid of the Tempo datasource. */
  public readonly tempoDatasourceUid = TEMPO_DATASOURCE_UID;
  /** The uid of the Prometheus datasource. */
  public readonly prometheusDatasourceUid = PROMETHEUS_DATASOURCE_UID;
  /** Labels that select Grafana's pods. */
  public readonly podSelector: Record<string, string>;
  /** The namespaces admitted to port 3000 (`fromNamespaces`, validated). */
  public readonly fromNamespaces: NamespaceSelection;

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly datasourcesConfigMap: k8s.KubeConfigMap;
  public readonly providersConfigMap: k8s.KubeConfigMap;
  public readonly service: k8s.KubeService;
  public readonly persistentVolumeClaim?: k8s.KubePersistentVolumeClaim;
  public readonly deployment: k8s.KubeDeployment;
  /** Admits `fromNamespaces` to the `http` port; absent with `networkPolicy: false`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The objects exposing Grafana (`expose`): an Ingress, or an HTTPRoute and its Certificate. */
  public readonly exposure: ReturnType<typeof createGrafanaExposure>;

  private readonly datasourceList: DatasourceList;
  private readonly dashboardFiles: DashboardFile[] = [];
  private readonly metadata: (name: string) => k8s.ObjectMeta;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const s = resolveGrafanaSettings({ ...props, namespace: props?.namespace ?? Chart.of(this).namespace });
    this.settings = s;
    this.ini = buildGrafanaIni(s);
    this.datasourceList = new DatasourceList([
      ...tempoDatasources(s), prometheusDatasource(s), ...(s.alertmanager ? [alertmanagerDatasource(s.alertmanager.url)] : []),
    ]);
    this.dashboardProviders = buildDashboardProviders(GRAFANA_PATHS.dashboards);
    this.adminSecretName = s.adminSecretName;
    this.generatedSecrets = [{
      name: s.adminSecretName,
      keys: { [GRAFANA_ADMIN_SECRET_KEYS.user]: { literal: 'admin' }, [GRAFANA_ADMIN_SECRET_KEYS.password]: { random: true } },
    }];

    this.providedSecrets = s.auth ? [{ name: s.auth.clientSecret.name, by: 'user', keys: [s.auth.clientSecret.key] }] : [];

    const identity = { name: 'grafana', instance: s.name, component: 'dashboards', version: s.image.tag };
    const labels = standardLabels(identity);
    this.podSelector = grafanaPodSelector(s.name);
    const metadata = (name: string) => ({ name, namespace: s.namespace, labels });
    this.metadata = metadata;

    this.serviceName = s.name;
    this.url = `http://${serviceFqdn(s.name, s.namespace)}:${GRAFANA_PORT}`;

    const iniText = serializeIni(this.ini);
    const providersYaml = toYaml(this.dashboardProviders);
    // Rendered when the chart is synthesized, so datasources added after construction are included.
    const datasourcesYaml = () => toYaml(this.datasourceList.toFile());

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      // Grafana never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${s.name}-config`),
      data: { [INI_FILE]: iniText },
    });
    this.datasourcesConfigMap = new k8s.KubeConfigMap(this, 'Datasources', {
      metadata: metadata(`${s.name}-datasources`),
      data: { [DATASOURCES_FILE]: Lazy.any({ produce: datasourcesYaml }) },
    });
    this.providersConfigMap = new k8s.KubeConfigMap(this, 'DashboardProviders', {
      metadata: metadata(`${s.name}-dashboard-providers`),
      data: { [PROVIDERS_FILE]: providersYaml },
    });
    for (const d of buildDashboards(s.tempo)) this.provision(d);

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: { type: 'ClusterIP', selector: this.podSelector, ports: [namedServicePort('http', GRAFANA_PORT)] },
    });

    this.fromNamespaces = checkNamespaceSelection('grafana', 'fromNamespaces', props.fromNamespaces ?? s.expose?.fromNamespaces ?? 'all');
    this.exposure = s.expose ? createGrafanaExposure(this, s.expose, { name: s.name, namespace: s.namespace, labels }, GRAFANA_PORT) : {};
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(s.name),
        spec: ingressPolicySpec(this.podSelector, [{ ports: ['http'], namespaces: this.fromNamespaces }]),
      });
    }

    if (s.persistence) {
      this.persistentVolumeClaim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: metadata(`${s.name}-data`),
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(s.storageSize) } },
        },
      });
    }

    const secretFile = (key: string) => `${GRAFANA_PATHS.adminSecret}/${key}`;
    const env: k8s.EnvVar[] = [
      // The image's /run.sh reads each *__FILE variable's file into the variable itself.
      { name: 'GF_SECURITY_ADMIN_USER__FILE', value: secretFile(GRAFANA_ADMIN_SECRET_KEYS.user) },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: secretFile(GRAFANA_ADMIN_SECRET_KEYS.password) },
      // /run.sh passes these as the paths' defaults; kept equal to grafana.ini's [paths].
      { name: 'GF_PATHS_CONFIG', value: GRAFANA_PATHS.config },
      { name: 'GF_PATHS_DATA', value: GRAFANA_PATHS.data },
      { name: 'GF_PATHS_LOGS', value: GRAFANA_PATHS.logs },
      { name: 'GF_PATHS_PLUGINS', value: GRAFANA_PATHS.plugins },
      { name: 'GF_PATHS_PROVISIONING', value: GRAFANA_PATHS.provisioning },
      ...(s.database ? [envFromSecret('GF_DATABASE_PASSWORD', s.database.password)] : []),
    ];

    const http = k8s.IntOrString.fromString('http');
    const container: k8s.Container = {
      name: 'grafana',
      image: imageName(s.image),
      imagePullPolicy: 'IfNotPresent',
      env,
      ports: [{ name: 'http', containerPort: GRAFANA_PORT, protocol: 'TCP' }],
      resources: resourceRequirements(s.resources),
      // The first start migrates the database, which takes a while on a slow volume.
      startupProbe: { httpGet: { path: '/api/health', port: http }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
      readinessProbe: { httpGet: { path: '/api/health', port: http }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/api/health', port: http }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 },
      securityContext: restrictedContainerSecurityContext(),
      // Resolved at synth, so dashboards added after construction are mounted.
      volumeMounts: Lazy.any({
        produce: (): k8s.VolumeMount[] => [
          { name: 'config', mountPath: GRAFANA_PATHS.config, subPath: INI_FILE, readOnly: true },
          { name: 'datasources', mountPath: `${GRAFANA_PATHS.provisioning}/datasources`, readOnly: true },
          { name: 'dashboard-providers', mountPath: `${GRAFANA_PATHS.provisioning}/dashboards`, readOnly: true },
          // One file each, by subPath: a directory mount would also show the ConfigMap's hidden
          // timestamped folders to the provider. The config hash restarts the pod on a change.
          ...this.dashboardFiles.map(({ dashboard: d, file }) => ({
            name: `dashboard-${d.slug}`, mountPath: `${GRAFANA_PATHS.dashboards}/${file}`, subPath: file, readOnly: true,
          })),
          { name: 'admin', mountPath: GRAFANA_PATHS.adminSecret, readOnly: true },
          ...(s.auth ? [{ name: 'oauth', mountPath: OAUTH_SECRET_DIR, readOnly: true }] : []),
          { name: 'data', mountPath: GRAFANA_PATHS.data },
          { name: 'logs', mountPath: GRAFANA_PATHS.logs },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      }) as unknown as k8s.VolumeMount[],
    };

    const volumes = (): k8s.Volume[] => [
      { name: 'config', configMap: { name: this.configMap.name } },
      { name: 'datasources', configMap: { name: this.datasourcesConfigMap.name } },
      { name: 'dashboard-providers', configMap: { name: this.providersConfigMap.name } },
      ...this.dashboardFiles.map(({ dashboard: d, configMap }) => ({ name: `dashboard-${d.slug}`, configMap: { name: configMap.name } })),
      // Readable by the fsGroup only: the admin password.
      { name: 'admin', secret: { secretName: s.adminSecretName, defaultMode: 0o440 } },
      // The OAuth client secret, read by grafana.ini's $__file{...}.
      ...(s.auth ? [{ name: 'oauth', secret: { secretName: s.auth.clientSecret.name, items: [{ key: s.auth.clientSecret.key,
        path: s.auth.clientSecret.key }], defaultMode: 0o440 } }] : []),
      this.persistentVolumeClaim
        ? { name: 'data', persistentVolumeClaim: { claimName: this.persistentVolumeClaim.name } }
        : { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString(s.storageSize) } },
      { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('100Mi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('100Mi') } },
    ];

    const configHash = Lazy.any({
      produce: () => contentHash(iniText, datasourcesYaml(), providersYaml, ...this.dashboardFiles.map((d) => d.json)),
    }) as unknown as string;

    this.deployment = new k8s.KubeDeployment(this, 'Resource', {
      metadata: metadata(s.name),
      spec: {
        replicas: s.replicas,
        selector: { matchLabels: this.podSelector },
        // A ReadWriteOnce volume attaches to one node: the old pod must let go before the new one starts.
        strategy: this.persistentVolumeClaim ? { type: 'Recreate' } : { type: 'RollingUpdate' },
        template: {
          metadata: { labels, annotations: { [GRAFANA_CONFIG_HASH_ANNOTATION]: configHash } },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            // fsGroup makes the volume and the admin Secret's files readable and writable by Grafana.
            securityContext: restrictedPodSecurityContext(GRAFANA_UID, GRAFANA_UID),
            enableServiceLinks: false,
            containers: [container],
            volumes: Lazy.any({ produce: volumes }) as unknown as k8s.Volume[],
          },
        },
      },
    });
  }

  /**
   * Provisions one more datasource (Loki, a second Prometheus, ...). Throws a ConfigError on a
   * duplicate name or uid, or a second default.
   */
  public addDatasource(datasource: Datasource): void {
    this.datasourceList.add(datasource);
  }

  /**
   * Provisions a dashboard built with `@grafana/grafana-foundation-sdk` (pass
   * `new DashboardBuilder('My app').uid('my-app')...build()`) in the same folder as ours: its own
   * ConfigMap `<name>-dashboard-<slug>`, mounted into the provider's folder and counted in the
   * config hash. Throws a ConfigError when the uid is missing or malformed, the uid or title is
   * already provisioned, or a panel, query or variable names a datasource uid that is not
   * provisioned (add such datasources with `addDatasource()` first).
   */
  public addDashboard(model: dashboard.Dashboard): ProvisionedDashboard {
    const added = checkAddedDashboard(model, this.dashboards, this.datasourceList.all.map((d) => d.uid));
    this.provision(added);
    return added;
  }

  /** The dashboards provisioned, ours first, with their uids. */
  public get dashboards(): readonly ProvisionedDashboard[] {
    return this.dashboardFiles.map((d) => d.dashboard);
  }

  /** One ConfigMap per dashboard, in the order of `dashboards`. */
  public get dashboardConfigMaps(): readonly k8s.KubeConfigMap[] {
    return this.dashboardFiles.map((d) => d.configMap);
  }

  /** The datasources provisioned, in order. */
  public get datasources(): readonly Datasource[] {
    return this.datasourceList.all;
  }

  /** The ApiObject of the Deployment, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.deployment;
  }

  private provision(d: ProvisionedDashboard): void {
    const file = `${d.slug}.json`;
    const json = `${JSON.stringify(d.model, null, 2)}\n`;
    const configMap = new k8s.KubeConfigMap(this, `Dashboard-${d.slug}`, {
      metadata: this.metadata(`${this.settings.name}-dashboard-${d.slug}`),
      data: { [file]: json },
    });
    this.dashboardFiles.push({ dashboard: d, file, json, configMap });
  }
}
