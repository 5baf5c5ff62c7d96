import { deepMerge } from '../shared/merge';
import { COMPONENT_POD_LABEL, SCRAPE_JOBS, TARGET_LABELS } from '../shared/telemetry';
import { serviceFqdn } from '../shared/workload';
import { DEFAULT_PROMETHEUS_NAME, PrometheusSettings } from './settings';

/**
 * prometheus.yml as typed data, in Prometheus's own key names (the configuration reference,
 * docs/configuration/configuration.md in the prometheus/prometheus repository). Only keys that
 * Prometheus 2.53 and 3.5 both accept: CI checks the output with promtool 2.53.3, and the image
 * runs 3.5.
 */

/** `<relabel_config>`. */
export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'keepequal' | 'dropequal' | 'hashmod' | 'labelmap' | 'labeldrop' | 'labelkeep'
    | 'lowercase' | 'uppercase';
}

/** `<static_config>`. */
export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** `<kubernetes_sd_config>` (in-cluster: no api_server, the pod's ServiceAccount token). */
export interface KubernetesSdConfig {
  readonly role: 'pod' | 'endpoints' | 'endpointslice' | 'service' | 'node' | 'ingress';
  readonly namespaces?: { readonly own_namespace?: boolean; readonly names?: readonly string[] };
  readonly selectors?: ReadonlyArray<{ readonly role: string; readonly label?: string; readonly field?: string }>;
}

/** `<tls_config>` (files only: certificates come from mounted Secrets). */
export interface TlsConfig {
  readonly ca_file?: string;
  readonly cert_file?: string;
  readonly key_file?: string;
  readonly server_name?: string;
  readonly insecure_skip_verify?: boolean;
}

/** `basic_auth` with the password from a file. */
export interface BasicAuthConfig {
  readonly username: string;
  readonly password_file: string;
}

/** `authorization` with the credentials from a file. */
export interface AuthorizationConfig {
  readonly type?: string;
  readonly credentials_file: string;
}

/** `<scrape_config>`: what `addScrapeJob()` takes. */
export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly scheme?: 'http' | 'https';
  readonly honor_labels?: boolean;
  readonly params?: Readonly<Record<string, readonly string[]>>;
  readonly basic_auth?: BasicAuthConfig;
  readonly authorization?: AuthorizationConfig;
  readonly tls_config?: TlsConfig;
  readonly sample_limit?: number;
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly static_configs?: readonly StaticConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

/** `<alertmanager_config>`: static targets, or discovered pods kept by relabeling. */
export interface AlertmanagerConfig {
  readonly scheme: 'http' | 'https';
  readonly path_prefix?: string;
  readonly api_version: 'v2';
  readonly static_configs?: readonly StaticConfig[];
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
}

/** `<remote_write>`. */
export interface RemoteWriteConfig {
  readonly url: string;
  readonly name: string;
  readonly basic_auth?: BasicAuthConfig;
  readonly authorization?: AuthorizationConfig;
}

/** The whole prometheus.yml. */
export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly rule_files: readonly string[];
  readonly alerting?: { readonly alertmanagers: readonly AlertmanagerConfig[] };
  readonly scrape_configs: readonly ScrapeConfig[];
  readonly remote_write?: readonly RemoteWriteConfig[];
}

/** Where the pod finds its files. The rules engineer's promtool tests and the stack rely on these paths. */
export const PROMETHEUS_PATHS = {
  /** The ConfigMap `<name>-config`, read-only. */
  configDir: '/etc/prometheus/config',
  configFile: 'prometheus.yml',
  /** The ConfigMap `<name>-rules`, read-only; one file per key. */
  rulesDir: '/etc/prometheus/rules',
  /** The PVC: TSDB blocks and WAL. */
  dataDir: '/prometheus',
  /** The remote-write credential from its Secret, read-only. */
  remoteWriteSecretDir: '/etc/prometheus/secrets/remote-write',
} as const;

/** The keys (file names) of the rules ConfigMap. */
export const RULE_FILES = {
  /** The built-in Tempo groups (`tempoRuleGroups()`). */
  tempo: 'tempo.rules.yaml',
  /** Groups added with `addRuleGroup()`. */
  added: 'added.rules.yaml',
} as const;

/** The glob in `rule_files`: every `*.rules.yaml` in the rules directory. */
export const RULE_FILES_GLOB = `${PROMETHEUS_PATHS.rulesDir}/*.rules.yaml`;

/** The port Prometheus serves its UI, API and /metrics on. */
export const PROMETHEUS_PORT = 9090;

/**
 * The URLs of a Prometheus named `name` in `namespace`: its API and UI, and the remote-write
 * receiver. The construct's `httpUrl` and `remoteWriteUrl` come from here; the stack uses it to
 * hand Tempo the remote-write URL before the Prometheus (which needs Tempo's pod selector) exists.
 */
export function prometheusUrls(name: string | undefined, namespace: string): { httpUrl: string; remoteWriteUrl: string } {
  const httpUrl = `http://${serviceFqdn(name ?? DEFAULT_PROMETHEUS_NAME, namespace)}:${PROMETHEUS_PORT}`;
  return { httpUrl, remoteWriteUrl: `${httpUrl}/api/v1/write` };
}

/** The file names the remote-write Secret key is mounted as. */
export const REMOTE_WRITE_FILES = { password: 'password', token: 'token' } as const;

/** A Kubernetes label name as Prometheus's discovery spells it: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Escapes a literal for an RE2 regex (Prometheus anchors relabel regexes itself). */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Relabelings that turn a discovered Tempo pod into the target labels of the label contract
 * (charts/shared/telemetry.ts): `namespace`, `pod`, `container`, and `instance` set to the pod name,
 * so a series keeps its identity when a pod restarts with a new IP. Discovery's `__meta_*` labels
 * are dropped by Prometheus after relabeling; nothing else is attached. Shared by the Tempo job and
 * the PodMonitor, so both produce the same labels.
 */
export function tempoTargetRelabelings(): RelabelConfig[] {
  return [
    { action: 'replace', source_labels: ['__meta_kubernetes_namespace'], target_label: TARGET_LABELS.namespace },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: TARGET_LABELS.pod },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_container_name'], target_label: TARGET_LABELS.container },
    // Which Tempo component (distributor, ingester, ...) the pod runs: alerts and dashboards per component.
    {
      action: 'replace', source_labels: [`__meta_kubernetes_pod_label_${sanitizeLabelName(COMPONENT_POD_LABEL)}`],
        target_label: TARGET_LABELS.component,
    },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: 'instance' },
  ];
}

/**
 * The Tempo job: Kubernetes pod discovery in Tempo's namespace, keeping the pods whose labels
 * equal Tempo's pod selector and only their metrics port, one target per pod, so `up` says which
 * replica is down.
 */
export function tempoScrapeJob(s: PrometheusSettings): ScrapeConfig {
  const targets = podTargets(s.tempo.podSelector, s.tempo.namespace, s.tempo.metricsPortName);
  return {
    job_name: SCRAPE_JOBS.tempo,
    scrape_interval: s.tempoScrapeInterval,
    metrics_path: '/metrics',
    scheme: 'http',
    kubernetes_sd_configs: targets.kubernetes_sd_configs,
    relabel_configs: [...targets.relabel_configs!, ...tempoTargetRelabelings()],
  };
}

/**
 * Pod discovery of the pods a selector selects in one namespace, keeping only those pods and their
 * container port of `portName`: one target per pod. Shared by the Tempo job, the Alertmanager job
 * and the Alertmanagers alerts go to.
 */
function podTargets(podSelector: Readonly<Record<string, string>>, namespace: string,
  portName: string): Pick<ScrapeConfig, 'kubernetes_sd_configs' | 'relabel_configs'> {
  const selector = Object.entries(podSelector);
  return {
    kubernetes_sd_configs: [{
      role: 'pod',
      namespaces: { names: [namespace] },
      // Filtered by the API server: Prometheus watches only these pods.
      selectors: [{ role: 'pod', label: selector.map(([k, v]) => `${k}=${v}`).join(',') }],
    }],
    relabel_configs: [
      {
        action: 'keep',
        source_labels: selector.map(([k]) => `__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`),
        separator: ';',
        regex: selector.map(([, v]) => escapeRegex(v)).join(';'),
      },
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: escapeRegex(portName) },
    ],
  };
}

/** The Alertmanager job: every Alertmanager pod, for its own alerts. */
export function alertmanagerScrapeJob(s: PrometheusSettings): ScrapeConfig | undefined {
  const am = s.alertmanagers;
  if (!am) return undefined;
  const targets = podTargets(am.podSelector, am.namespace, am.portName);
  return {
    job_name: SCRAPE_JOBS.alertmanager,
    metrics_path: '/metrics',
    scheme: 'http',
    kubernetes_sd_configs: targets.kubernetes_sd_configs,
    relabel_configs: [...targets.relabel_configs!, ...tempoTargetRelabelings()],
  };
}

/**
 * Prometheus scraping itself. Its config cannot read the pod's own name (no environment
 * expansion), so the labels are written as static values: a StatefulSet of one always runs as
 * `<name>-0`.
 */
export function selfScrapeJob(s: PrometheusSettings): ScrapeConfig {
  const pod = `${s.name}-0`;
  return {
    job_name: SCRAPE_JOBS.prometheus,
    static_configs: [{
      targets: [`localhost:${PROMETHEUS_PORT}`],
      labels: { [TARGET_LABELS.namespace]: s.namespace, [TARGET_LABELS.pod]: pod, [TARGET_LABELS.container]: 'prometheus', instance: pod },
    }],
  };
}

function alertmanager(url: string): AlertmanagerConfig {
  const parsed = new URL(url);
  const scheme = parsed.protocol === 'https:' ? 'https' : 'http';
  const port = parsed.port || (scheme === 'https' ? '443' : '80');
  const path = parsed.pathname.replace(/\/+$/, '');
  return {
    scheme,
    ...(path ? { path_prefix: path } : {}),
    api_version: 'v2',
    static_configs: [{ targets: [`${parsed.hostname}:${port}`] }],
  };
}

/** Every pod of the stack's Alertmanager, each sent every alert: the replicas deduplicate among themselves. */
function discoveredAlertmanagers(s: PrometheusSettings): AlertmanagerConfig | undefined {
  const am = s.alertmanagers;
  if (!am) return undefined;
  return { scheme: 'http', api_version: 'v2', ...podTargets(am.podSelector, am.namespace, am.portName) };
}

function remoteWrite(s: PrometheusSettings): RemoteWriteConfig[] | undefined {
  const rw = s.remoteWrite;
  if (!rw) return undefined;
  return [{
    url: rw.url,
    name: rw.name ?? 'long-term',
    ...(rw.basicAuth ? {
      basic_auth: { username: rw.basicAuth.username, password_file: `${PROMETHEUS_PATHS.remoteWriteSecretDir}/${REMOTE_WRITE_FILES.password}` },
    } : {}),
    ...(rw.bearerToken ? {
      authorization: { type: 'Bearer', credentials_file: `${PROMETHEUS_PATHS.remoteWriteSecretDir}/${REMOTE_WRITE_FILES.token}` },
    } : {}),
  }];
}

/**
 * Builds prometheus.yml from the settings and any jobs added by platform teams, `configOverrides`
 * deep-merged last. Pure.
 */
export function buildPrometheusConfig(s: PrometheusSettings, addedJobs: readonly ScrapeConfig[] = []): PrometheusConfig {
  const rw = remoteWrite(s);
  const alertmanagers = s.alertmanagerUrl ? alertmanager(s.alertmanagerUrl) : discoveredAlertmanagers(s);
  const amJob = alertmanagerScrapeJob(s);
  const config: PrometheusConfig = {
    global: {
      scrape_interval: s.scrapeInterval,
      scrape_timeout: '10s',
      evaluation_interval: s.evaluationInterval,
      external_labels: { cluster: s.externalLabels.cluster, environment: s.externalLabels.environment },
    },
    rule_files: [RULE_FILES_GLOB],
    ...(alertmanagers ? { alerting: { alertmanagers: [alertmanagers] } } : {}),
    scrape_configs: [tempoScrapeJob(s), selfScrapeJob(s), ...(amJob ? [amJob] : []), ...addedJobs],
    ...(rw ? { remote_write: rw } : {}),
  };
  return deepMerge(config, s.configOverrides);
}
