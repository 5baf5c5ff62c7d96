import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { toYaml } from '../shared/render';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { GeneratedSecret, ProvidedSecret } from '../shared/secrets';
import { NamespaceSelection } from '../shared/network';
import { serviceFqdn } from '../shared/workload';
import { GRAFANA_PATHS, GRAFANA_PORT, buildGrafanaIni } from './config';
import { DashboardModel, DashboardProvidersFile, ProvisionedDashboard, buildDashboardProviders, buildDashboards,
  checkAddedDashboard } from './dashboards';
import {
  Datasource, DatasourceList, PROMETHEUS_DATASOURCE_UID, TEMPO_DATASOURCE_UID, alertmanagerDatasource, prometheusDatasource, tempoDatasources,
} from './datasources';
import { createGrafanaExposure } from './expose';
import { GrafanaIni, serializeIni } from './ini';
import { GrafanaProps } from './props';
import { GrafanaSettings, resolveGrafanaSettings } from './settings';
import { GRAFANA_ADMIN_SECRET_KEYS, dashboardConfigMap, grafanaWorkloadSpec } from './workload';

/** A provisioned dashboard and its ConfigMap. */
interface DashboardFile {
  readonly dashboard: ProvisionedDashboard;
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
  /** Grafana inside the cluster, e.g. `http://grafana.tempo.svc.cluster.local:3000` (named like Tempo's and Prometheus's). */
  public readonly httpUrl: string;
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
  /** The workload construct holding every object above but the exposure. */
  public readonly workload: RestrictedWorkload;

  private readonly datasourceList: DatasourceList;
  private readonly dashboardFiles: DashboardFile[] = [];

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
    this.fromNamespaces = s.fromNamespaces;
    this.serviceName = s.name;
    this.httpUrl = `http://${serviceFqdn(s.name, s.namespace)}:${GRAFANA_PORT}`;

    const builtIn = buildDashboards(s.tempo);
    const files = {
      ini: serializeIni(this.ini),
      // Rendered when the chart is synthesized, so datasources added after construction are included.
      datasources: () => toYaml(this.datasourceList.toFile()),
      providers: toYaml(this.dashboardProviders),
    };
    let exposure: Grafana['exposure'] = {};
    const expose = (w: RestrictedWorkload) => {
      if (s.expose) exposure = createGrafanaExposure(w, s.expose, { name: s.name, namespace: s.namespace, labels: w.labels }, GRAFANA_PORT);
    };
    this.workload = new RestrictedWorkload(this, 'Workload', grafanaWorkloadSpec(s, files, builtIn), { afterServices: expose });
    this.exposure = exposure;
    const w = this.workload;
    this.podSelector = w.podSelector;
    this.serviceAccount = w.serviceAccount;
    [this.configMap, this.datasourcesConfigMap, this.providersConfigMap] = w.configMaps;
    builtIn.forEach((d, i) => this.dashboardFiles.push({ dashboard: d, configMap: w.configMaps[3 + i] }));
    this.service = w.services[s.name];
    this.networkPolicy = w.networkPolicy;
    this.persistentVolumeClaim = w.persistentVolumeClaims.data;
    this.deployment = w.deployment!;
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
  public addDashboard(model: DashboardModel): ProvisionedDashboard {
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
    this.dashboardFiles.push({ dashboard: d, configMap: this.workload.addConfigMap(dashboardConfigMap(this.settings, d)) });
  }
}
