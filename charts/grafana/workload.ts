import * as k8s from '../../imports/k8s';
import { selectorLabels } from '../shared/labels';
import { HttpProbe, WorkloadConfigMap, WorkloadSpec } from '../shared/restricted-workload';
import { envFromSecret } from '../shared/workload';
import { OAUTH_SECRET_DIR } from './auth';
import { GRAFANA_PATHS, GRAFANA_PORT } from './config';
import { ProvisionedDashboard } from './dashboards';
import { GrafanaSettings } from './settings';

/** The UID and GID the grafana/grafana image runs as. */
export const GRAFANA_UID = 472;

/** The keys of the admin Secret the user creates. */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: 'admin-user', password: 'admin-password' } as const;

/** The file names inside Grafana's ConfigMaps. */
export const GRAFANA_FILES = { ini: 'grafana.ini', datasources: 'datasources.yaml', providers: 'dashboards.yaml' } as const;

/**
 * The labels that select the pods of the Grafana named `name` (what `Grafana.podSelector` holds),
 * for wiring code that needs them before the construct exists.
 */
export function grafanaPodSelector(name = 'grafana'): Record<string, string> {
  return selectorLabels({ name: 'grafana', instance: name });
}

/** The rendered files of Grafana's config ConfigMaps; the datasources are read at synth (more may be added). */
export interface GrafanaFiles {
  readonly ini: string;
  readonly datasources: () => string;
  readonly providers: string;
}

/**
 * The ConfigMap of one dashboard, `<name>-dashboard-<slug>`, mounted as one file by subPath: a
 * directory mount would also show the ConfigMap's hidden timestamped folders to the provider. The
 * config hash restarts the pod on a change.
 */
export function dashboardConfigMap(s: GrafanaSettings, d: ProvisionedDashboard): WorkloadConfigMap {
  const file = `${d.slug}.json`;
  return {
    name: `${s.name}-dashboard-${d.slug}`,
    volume: `dashboard-${d.slug}`,
    mountPath: `${GRAFANA_PATHS.dashboards}/${file}`,
    subPath: file,
    files: { [file]: `${JSON.stringify(d.model, null, 2)}\n` },
  };
}

/** Grafana's Deployment and what surrounds it, from its settings, its files and its built-in dashboards. */
export function grafanaWorkloadSpec(s: GrafanaSettings, files: GrafanaFiles, dashboards: readonly ProvisionedDashboard[]): WorkloadSpec {
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
  const health = (periodSeconds: number, timeoutSeconds: number, failureThreshold: number): HttpProbe => ({
    path: '/api/health', port: 'http', periodSeconds, timeoutSeconds, failureThreshold,
  });
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: 'grafana', instance: s.name, component: 'dashboards', version: s.image.tag },
    kind: 'Deployment',
    replicas: s.replicas,
    serviceAccount: { annotations: s.serviceAccountAnnotations },
    podLabels: s.podLabels,
    // fsGroup makes the volume and the admin Secret's files readable and writable by Grafana.
    uid: GRAFANA_UID,
    container: {
      name: 'grafana',
      image: s.image,
      env,
      ports: [{ name: 'http', port: GRAFANA_PORT }],
      resources: s.resources,
      probes: {
        // The first start migrates the database, which takes a while on a slow volume.
        startup: health(5, 3, 60),
        readiness: health(10, 3, 3),
        liveness: health(30, 5, 5),
      },
    },
    configMaps: [
      {
        name: `${s.name}-config`, volume: 'config', mountPath: GRAFANA_PATHS.config, subPath: GRAFANA_FILES.ini,
        files: { [GRAFANA_FILES.ini]: files.ini },
      },
      {
        name: `${s.name}-datasources`, volume: 'datasources', mountPath: `${GRAFANA_PATHS.provisioning}/datasources`,
        files: () => ({ [GRAFANA_FILES.datasources]: files.datasources() }),
      },
      {
        name: `${s.name}-dashboard-providers`, volume: 'dashboard-providers', mountPath: `${GRAFANA_PATHS.provisioning}/dashboards`,
        files: { [GRAFANA_FILES.providers]: files.providers },
      },
      ...dashboards.map((d) => dashboardConfigMap(s, d)),
    ],
    volumes: [
      // Readable by the fsGroup only: the admin password.
      { kind: 'secret', name: 'admin', mountPath: GRAFANA_PATHS.adminSecret, secretName: s.adminSecretName, defaultMode: 0o440 },
      // The OAuth client secret, read by grafana.ini's $__file{...}.
      ...(s.auth ? [{
        kind: 'secret', name: 'oauth', mountPath: OAUTH_SECRET_DIR, secretName: s.auth.clientSecret.name,
        items: [{ key: s.auth.clientSecret.key, path: s.auth.clientSecret.key }], defaultMode: 0o440,
      } as const] : []),
      s.persistence
        ? { kind: 'claim', name: 'data', mountPath: GRAFANA_PATHS.data, size: s.storageSize, storageClassName: s.storageClassName }
        : { kind: 'emptyDir', name: 'data', mountPath: GRAFANA_PATHS.data, sizeLimit: s.storageSize },
      { kind: 'emptyDir', name: 'logs', mountPath: GRAFANA_PATHS.logs, sizeLimit: '100Mi' },
      { kind: 'emptyDir', name: 'tmp', mountPath: '/tmp', sizeLimit: '100Mi' },
    ],
    services: [{ name: s.name, ports: ['http'] }],
    networkPolicy: s.networkPolicy ? [{ ports: ['http'], namespaces: s.fromNamespaces }] : undefined,
  };
}
