import { App, Chart } from 'cdk8s';
import type { AlertmanagerRouting } from './alertmanager/settings';
import { GRAFANA_ADMIN_SECRET_KEYS } from './grafana';
import { tempoDatasources } from './grafana/datasources';
import { INSTANCE_LABEL, NAME_LABEL, PART_OF } from './shared/labels';
import { SCRAPE_JOBS } from './shared/telemetry';
import { serviceFqdn } from './shared/workload';
import { ENVIRONMENT_MANIFEST_VERSION } from './shared/environment-file';
import type { TempoStack } from './stack';

export { ENVIRONMENT_FILE, ENVIRONMENT_MANIFEST_VERSION } from './shared/environment-file';

/**
 * What a Service port is for, so that tools find it without knowing Service or port names:
 * `tempo-http` (Tempo's HTTP API: /ready, traces by id, search), `otlp-http` and `otlp-grpc` (where
 * traces go in; in distributed mode the distributors' Service), `prometheus-http` (Prometheus's API and UI),
 * `grafana-http` (Grafana), `alertmanager-http` (Alertmanager's API), `gateway-otlp-http` and
 * `gateway-otlp-grpc` (the authenticating OTLP gateway, where senders outside the cluster go).
 */
export type PortRole = 'tempo-http' | 'otlp-http' | 'otlp-grpc' | 'prometheus-http' | 'grafana-http' | 'alertmanager-http'
  | 'gateway-otlp-http' | 'gateway-otlp-grpc';

/** One port of a Service. */
export interface ManifestPort {
  readonly name: string;
  readonly port: number;
  /** `<service>.<namespace>.svc.cluster.local:<port>`. */
  readonly address: string;
  /** The in-cluster URL, for HTTP ports (`http://<address>`); gRPC and gossip ports have none. */
  readonly url?: string;
  readonly role?: PortRole;
}

/** A Service of a component. */
export interface ManifestService {
  readonly name: string;
  /** A headless Service (`clusterIP: None`): DNS for every pod, no load balancing. */
  readonly headless: boolean;
  readonly ports: readonly ManifestPort[];
}

/** A workload the deploy waits for (`kubectl rollout status <resource>`). */
export interface ManifestWorkload {
  /** `StatefulSet`, `Deployment` or `DaemonSet`. */
  readonly kind: string;
  readonly name: string;
  /** kubectl's name for it, e.g. `statefulset.apps/tempo`. */
  readonly resource: string;
  /** Labels that select its pods (its `spec.selector.matchLabels`). */
  readonly selector: Readonly<Record<string, string>>;
  readonly replicas: number;
  /** The Prometheus `job` label its pods' series carry, when the stack scrapes them. */
  readonly scrapeJob?: string;
}

/** The PersistentVolumeClaims of a component: those its volumeClaimTemplates create, or its own PVC. */
export interface ManifestVolumeClaims {
  /** Labels every such PVC carries; `--clean` deletes PVCs by these only. */
  readonly selector: Readonly<Record<string, string>>;
  /** The workload whose volumeClaimTemplate makes them, e.g. `statefulset.apps/tempo`; absent for a PVC of its own. */
  readonly workload?: string;
}

/** One deployed component (a chart of the stack), described by its own objects. */
export interface ManifestComponent {
  /** The chart's id: `tempo`, `prometheus`, `grafana`, `minio`, `prometheus-operator`. */
  readonly name: string;
  readonly services: readonly ManifestService[];
  readonly workloads: readonly ManifestWorkload[];
  readonly volumeClaims: readonly ManifestVolumeClaims[];
  /** The alerting rules this component's Prometheus loads (for `--verify`). */
  readonly alertRules?: number;
  /** Grafana: the uids of the provisioned datasources, each checked by `--verify`. */
  readonly datasources?: readonly string[];
  /** Grafana: the Secret holding the admin login, and its keys. */
  readonly adminSecret?: { readonly name: string; readonly userKey: string; readonly passwordKey: string };
  /** Tempo: the tenant ids it admits (`X-Scope-OrgID`); absent without tenants. `--verify` writes and reads as each. */
  readonly tenants?: readonly string[];
  /** Alertmanager: its route tree's receivers and the configured receivers, for `--verify`'s Watchdog check. */
  readonly alerting?: { readonly routing: AlertmanagerRouting; readonly receivers: readonly string[] };
}

/**
 * How one key of a Secret gets its value: `random` (generated at deploy time, different in every
 * cluster), `literal` (a fixed, non-secret value such as a user name), or `provided` (only the
 * user knows it: the deploy stops and says how to create the Secret). `usedAs` says whether the
 * pods read it as an environment variable or as a file, for the `kubectl create secret` hint.
 */
export type ManifestSecretKey =
  | { readonly key: string; readonly source: 'random' }
  | { readonly key: string; readonly source: 'literal'; readonly value: string }
  | { readonly key: string; readonly source: 'provided'; readonly usedAs: 'env' | 'file' };

/** A Secret the environment references. Nothing secret is ever synthesized; these are created at deploy time. */
export interface ManifestSecret {
  readonly name: string;
  /**
   * `deploy`: the deploy creates it when missing (every key random or literal); `user`: you create it first
   * (the deploy stops, naming it, while it is missing); `cert-manager`: issued from a Certificate of the stack.
   */
  readonly createdBy: 'deploy' | 'user' | 'cert-manager';
  /** The components whose pods read it. */
  readonly usedBy: readonly string[];
  /** Its keys; empty when a pod reads the whole Secret (envFrom, a volume without items). */
  readonly keys: readonly ManifestSecretKey[];
}

/** Tempo's metrics-generator. */
export interface ManifestMetricsGenerator {
  /** True when at least one processor is on. */
  readonly runs: boolean;
  readonly processors: readonly string[];
  /** True when its series are remote-written to the stack's own Prometheus (which `--verify` then queries). */
  readonly writesToStackPrometheus: boolean;
}

/** Who owns what: the labels the deploy checks before it touches a namespace, and selects the stack's objects by. */
export interface ManifestOwnership {
  /** The Namespace's labels that name the stack and the environment owning it. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels every object of the stack carries; within the environment's namespace they select exactly the stack's objects. */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * kubectl's names of the namespaced kinds the environment applies (`configmap`,
   * `statefulset.apps`, ...), PersistentVolumeClaims excepted: `--clean` deletes these by `selector`.
   */
  readonly resources: readonly string[];
}

/** `dist/<env>/environment`: what deploy tools need to know about one environment, from the constructs themselves. */
export interface EnvironmentManifest {
  readonly version: typeof ENVIRONMENT_MANIFEST_VERSION;
  readonly environment: string;
  readonly namespace: string;
  /** The file holding the Namespace, applied first (Secrets must exist before pods start). */
  readonly namespaceFile: string;
  readonly ownership: ManifestOwnership;
  readonly components: readonly ManifestComponent[];
  readonly secrets: readonly ManifestSecret[];
  readonly metricsGenerator: ManifestMetricsGenerator;
}

const WORKLOAD_KINDS = ['StatefulSet', 'Deployment', 'DaemonSet'];

/** A Secret (and key) a component's pods read. */
interface SecretReference {
  readonly component: string;
  readonly name: string;
  readonly key?: string;
  readonly usedAs: 'env' | 'file';
}

/** A chart as its file holds it: the chart, and its objects as cdk8s renders them, in dependency order. */
export interface RenderedChart {
  readonly chart: Chart;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes objects of every kind, as cdk8s renders them
  readonly objects: readonly any[];
}

/**
 * Renders every chart of an app, in dependency order (the order of the files). Once per app: each
 * chart's toJson() prepares the whole app, and the app's dependency graph grows with every object.
 */
export function renderCharts(app: App): RenderedChart[] {
  return app.charts.map((chart) => ({ chart, objects: chart.toJson() }));
}

/**
 * Describes a built stack for the deploy tools. Read from the constructs: their published URLs
 * give the ports' roles, their Kubernetes objects the Services, workloads, claims and the Secrets
 * their pods reference, their generated-Secret lists how the deploy fills those. Components added
 * later appear with their Services, workloads, claims and Secrets without any change here; only a
 * port role or a verification field needs a line.
 */
export function environmentManifest(
  stack: TempoStack,
  environment: string,
  namespaceFile: string,
  charts: readonly RenderedChart[] = renderCharts(App.of(stack) as App),
): EnvironmentManifest {
  // Single node and cluster: one Tempo; distributed: its components, each a workload of the Tempo chart.
  const tempo = stack.tempoChart.backend;
  const prometheus = stack.prometheusChart?.prometheus;
  const grafana = stack.grafanaChart?.grafana;
  const alertmanager = stack.alertmanagerChart?.alertmanager;
  const gateway = stack.gatewayChart?.gateway;
  const roles = new Map<string, PortRole>();
  const role = (endpoint: string | undefined, r: PortRole) => {
    if (endpoint) roles.set(endpoint.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, ''), r);
  };
  role(tempo.httpUrl, 'tempo-http');
  role(tempo.otlpHttpEndpoint, 'otlp-http');
  role(tempo.otlpGrpcEndpoint, 'otlp-grpc');
  role(prometheus?.httpUrl, 'prometheus-http');
  role(grafana?.httpUrl, 'grafana-http');
  role(alertmanager?.httpUrl, 'alertmanager-http');
  role(gateway?.otlpHttpUrl, 'gateway-otlp-http');
  role(gateway?.otlpGrpcAddress, 'gateway-otlp-grpc');
  // The job label Tempo's series carry, wherever they are scraped: our Prometheus or the operator's PodMonitor.
  const tempoJob = prometheus?.config.scrape_configs.some((j) => j.job_name === SCRAPE_JOBS.tempo) || stack.prometheusOperatorChart
    ? SCRAPE_JOBS.tempo : undefined;
  const alertmanagerJob = prometheus?.config.scrape_configs.some((j) => j.job_name === SCRAPE_JOBS.alertmanager)
    ? SCRAPE_JOBS.alertmanager : undefined;

  // In the order of the files (the app's dependency order), the Namespace's own chart aside.
  const components: ManifestComponent[] = [];
  const referenced: SecretReference[] = [];
  const resources = new Set<string>();
  for (const { chart, objects } of charts.filter((c) => c.chart.node.scope === stack && c.chart !== stack.namespaceChart)) {
    const services: ManifestService[] = [];
    const workloads: ManifestWorkload[] = [];
    const volumeClaims: ManifestVolumeClaims[] = [];
    for (const json of objects) {
      if (json.metadata.namespace !== undefined && json.kind !== 'PersistentVolumeClaim') resources.add(kubectlResource(json));
      if (json.kind === 'Service') services.push(describeService(json, stack.namespace, roles));
      if (json.kind === 'PersistentVolumeClaim') volumeClaims.push({ selector: stableLabels(json.metadata.labels ?? {}) });
      if (!WORKLOAD_KINDS.includes(json.kind)) continue;
      const resource = `${kubectlResource(json)}/${json.metadata.name}`;
      const job = chart === stack.tempoChart ? tempoJob : chart === stack.alertmanagerChart ? alertmanagerJob : undefined;
      workloads.push({
        kind: json.kind,
        name: json.metadata.name,
        resource,
        selector: { ...json.spec.selector.matchLabels },
        replicas: json.spec.replicas ?? 1,
        ...(job ? { scrapeJob: job } : {}),
      });
      for (const template of json.spec.volumeClaimTemplates ?? []) {
        volumeClaims.push({ selector: { ...template.metadata.labels }, workload: resource });
      }
      referenced.push(...secretReferences(json.spec.template.spec).map((r) => ({ component: chart.node.id, ...r })));
    }
    const component: ManifestComponent = { name: chart.node.id, services, workloads, volumeClaims };
    if (prometheus && chart === stack.prometheusChart) {
      components.push({ ...component, alertRules: prometheus.ruleGroups.flatMap((g) => g.rules).filter((r) => 'alert' in r).length });
    } else if (grafana && chart === stack.grafanaChart) {
      components.push({
        ...component,
        // One Tempo datasource per tenant (each sends its X-Scope-OrgID), then Prometheus.
        datasources: [...tempoDatasources(grafana.settings).map((d) => d.uid), grafana.prometheusDatasourceUid],
        adminSecret: { name: grafana.adminSecretName, userKey: GRAFANA_ADMIN_SECRET_KEYS.user, passwordKey: GRAFANA_ADMIN_SECRET_KEYS.password },
      });
    } else if (alertmanager && chart === stack.alertmanagerChart) {
      components.push({ ...component, alerting: { routing: alertmanager.settings.routing, receivers: [...alertmanager.receiverNames] } });
    } else if (chart === stack.tempoChart && tempo.tenants.length > 0) {
      components.push({ ...component, tenants: [...tempo.tenants] });
    } else {
      components.push(component);
    }
  }

  const processors = [...tempo.settings.metricsGeneratorProcessors];
  const writes = processors.some((p) => p !== 'local-blocks');
  return {
    version: ENVIRONMENT_MANIFEST_VERSION,
    environment,
    namespace: stack.namespace,
    namespaceFile,
    ownership: {
      namespaceLabels: pick(stack.namespaceChart.namespaceObject.toJson().metadata.labels, ['app.kubernetes.io/part-of', INSTANCE_LABEL]),
      selector: { 'app.kubernetes.io/part-of': PART_OF },
      resources: [...resources].sort(),
    },
    components,
    secrets: manifestSecrets(stack, referenced),
    metricsGenerator: {
      runs: processors.length > 0,
      processors,
      writesToStackPrometheus: writes && prometheus !== undefined && tempo.settings.metricsRemoteWriteUrl === prometheus.remoteWriteUrl,
    },
  };
}

/** The manifest as written into dist/: JSON, two-space indented, one trailing newline. */
export function renderEnvironmentManifest(manifest: EnvironmentManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `statefulset.apps`, `configmap`, `networkpolicy.networking.k8s.io`: the kind kubectl resolves, with its group. */
function kubectlResource(object: { readonly apiVersion: string; readonly kind: string }): string {
  const slash = object.apiVersion.indexOf('/');
  const kind = object.kind.toLowerCase();
  return slash < 0 ? kind : `${kind}.${object.apiVersion.slice(0, slash)}`;
}

/** The parts of a Service's JSON read here. */
interface ServiceJson {
  readonly metadata: { readonly name: string };
  readonly spec: { readonly clusterIP?: string; readonly ports?: ReadonlyArray<{ name?: string; port: number; appProtocol?: string }> };
}

/** The parts of a pod spec's JSON that reference Secrets. */
interface PodJson {
  readonly initContainers?: readonly ContainerJson[];
  readonly containers?: readonly ContainerJson[];
  readonly volumes?: ReadonlyArray<{ secret?: SecretSourceJson; projected?: { sources?: ReadonlyArray<{ secret?: SecretSourceJson }> } }>;
}

interface ContainerJson {
  readonly env?: ReadonlyArray<{ valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }>;
  readonly envFrom?: ReadonlyArray<{ secretRef?: { name: string; optional?: boolean } }>;
}

/** A Secret volume (`secretName`) or a projected volume's Secret source (`name`). */
interface SecretSourceJson {
  readonly secretName?: string;
  readonly name?: string;
  readonly optional?: boolean;
  readonly items?: ReadonlyArray<{ key: string }>;
}

function describeService(json: ServiceJson, namespace: string, roles: ReadonlyMap<string, PortRole>): ManifestService {
  const name = json.metadata.name;
  const ports = (json.spec.ports ?? []).map((p): ManifestPort => {
    const address = `${serviceFqdn(name, namespace)}:${p.port}`;
    const role = json.spec.clusterIP === 'None' ? undefined : roles.get(address);
    // Ports without an application protocol are HTTP here, except memberlist's and Alertmanager's gossip.
    const http = (p.appProtocol === undefined || p.appProtocol === 'http') && !/gossip|memberlist|mesh/.test(p.name ?? '');
    return { name: p.name ?? String(p.port), port: p.port, address, ...(http ? { url: `http://${address}` } : {}), ...(role ? { role } : {}) };
  });
  return { name, headless: json.spec.clusterIP === 'None', ports };
}

/** The labels of an object that stay the same across versions (selectors must not carry a version). */
function stableLabels(labels: Record<string, string>): Record<string, string> {
  return pick(labels, [NAME_LABEL, INSTANCE_LABEL, 'app.kubernetes.io/part-of']);
}

function pick(labels: Record<string, string> | undefined, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => labels?.[k] !== undefined).map((k) => [k, labels![k]]));
}

/** Every Secret a pod spec reads, required ones only (an optional reference lets the pod start without it). */
function secretReferences(pod: PodJson): Array<{ name: string; key?: string; usedAs: 'env' | 'file' }> {
  const refs: Array<{ name: string; key?: string; usedAs: 'env' | 'file' }> = [];
  for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref && !ref.optional) refs.push({ name: ref.name, key: ref.key, usedAs: 'env' });
    }
    for (const from of container.envFrom ?? []) {
      if (from.secretRef && !from.secretRef.optional) refs.push({ name: from.secretRef.name, usedAs: 'env' });
    }
  }
  const fromVolume = (secret: SecretSourceJson | undefined) => {
    if (!secret || secret.optional) return;
    const name = secret.secretName ?? secret.name ?? '';
    if (!secret.items?.length) refs.push({ name, usedAs: 'file' });
    for (const item of secret.items ?? []) refs.push({ name, key: item.key, usedAs: 'file' });
  };
  for (const volume of pod.volumes ?? []) {
    fromVolume(volume.secret);
    for (const source of volume.projected?.sources ?? []) fromVolume(source.secret);
  }
  return refs;
}

/**
 * The Secrets: those a component generates (its `generatedSecrets`, created by the deploy), then
 * every other Secret its pods reference: the user's, or cert-manager's where the stack's
 * `providedSecrets` says so (that list also gives the keys a whole-Secret mount reads).
 */
function manifestSecrets(stack: TempoStack, referenced: readonly SecretReference[]): ManifestSecret[] {
  const usedBy = (name: string) => [...new Set(referenced.filter((r) => r.name === name).map((r) => r.component))];
  const generated = stack.generatedSecrets.map((s): ManifestSecret => ({
    name: s.name,
    createdBy: 'deploy',
    usedBy: usedBy(s.name),
    keys: Object.entries(s.keys).map(([key, v]): ManifestSecretKey => (
      'random' in v ? { key, source: 'random' } : { key, source: 'literal', value: v.literal })),
  }));
  const provided = new Map<string, { usedBy: Set<string>; keys: Map<string, 'env' | 'file'> }>();
  for (const ref of referenced) {
    if (generated.some((s) => s.name === ref.name)) continue;
    const entry = provided.get(ref.name) ?? { usedBy: new Set<string>(), keys: new Map<string, 'env' | 'file'>() };
    entry.usedBy.add(ref.component);
    if (ref.key !== undefined && !entry.keys.has(ref.key)) entry.keys.set(ref.key, ref.usedAs);
    provided.set(ref.name, entry);
  }
  return [
    ...generated,
    ...[...provided].map(([name, e]): ManifestSecret => ({
      name,
      createdBy: stack.providedSecrets.find((p) => p.name === name)?.by ?? 'user',
      usedBy: [...e.usedBy],
      keys: [...e.keys].map(([key, usedAs]) => ({ key, source: 'provided', usedAs })),
    })),
  ];
}
