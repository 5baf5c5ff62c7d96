import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { COMPONENT_LABEL, NAME_LABEL, standardLabels } from '../../shared/labels';
import { NamespaceSelection, NetworkPeer, checkNamespaceSelection, checkNetworkPeers } from '../../shared/network';
import { toYaml } from '../../shared/render';
import { RestrictedWorkload, WorkloadPort, WorkloadSpec, WorkloadVolume } from '../../shared/restricted-workload';
import { namedServicePort, serviceFqdn } from '../../shared/workload';
import { TEMPO_DATA_DIR, TEMPO_OVERRIDES_DIR, TEMPO_OVERRIDES_FILE, TEMPO_PORTS } from '../config';
import { TempoProps } from '../props';
import { TempoSettings, resolveTempoSettings } from '../settings';
import { buildTenantOverrides, tenantsActiveSeries } from '../tenants';
import { GCS_CREDENTIALS_DIR, TEMPO_UID, tempoContainerEnv, tempoIngressRules } from '../workload';
import { ComponentConfig, buildComponentConfig, componentName, distributedAddresses } from './config';
import { ComponentSettings } from './settings';
import { TEMPO_COMPONENTS, TempoComponent } from './sizing';

/**
 * The pod label every component of one distributed Tempo carries (its value the Tempo name): the
 * gossip Service, Prometheus and the NetworkPolicies select all components by it.
 */
export const TEMPO_MEMBER_LABEL = 'tempo-stack/tempo';

/** The labels that select every component's pods of the distributed Tempo named `name` (what `TempoDistributed.podSelector` holds). */
export function distributedPodSelector(name = 'tempo'): Record<string, string> {
  return { [NAME_LABEL]: 'tempo', [TEMPO_MEMBER_LABEL]: name };
}

/** The node label a zone's ingesters are pinned to. */
export const ZONE_NODE_LABEL = 'topology.kubernetes.io/zone';

const CONFIG_DIR = '/conf';
const CONFIG_FILE = 'tempo.yaml';

const PORTS = {
  http: { name: 'http', port: TEMPO_PORTS.http },
  grpc: { name: 'grpc', port: TEMPO_PORTS.grpc, appProtocol: 'grpc' },
  gossip: { name: 'gossip-ring', port: TEMPO_PORTS.memberlist },
  otlpGrpc: { name: 'otlp-grpc', port: TEMPO_PORTS.otlpGrpc, appProtocol: 'grpc' },
  otlpHttp: { name: 'otlp-http', port: TEMPO_PORTS.otlpHttp },
} satisfies Record<string, WorkloadPort>;

/** One workload of a component (the ingesters have one per zone with zones). */
export interface ComponentWorkload {
  readonly component: TempoComponent;
  /** The ingester's zone, with zone-aware replication. */
  readonly zone?: string;
  readonly config: ComponentConfig;
  readonly workload: RestrictedWorkload;
}

/**
 * Grafana Tempo's microservices deployment: one workload per component, each `-target=<component>`.
 *
 * Creates: per component a RestrictedWorkload (ServiceAccount, ConfigMap with its own tempo.yaml,
 * NetworkPolicy, PodDisruptionBudget, and the StatefulSet or Deployment): ingesters (one
 * StatefulSet per zone with zones) and the metrics-generator as StatefulSets (stable pod names are
 * stable ring ids), with a PVC at /var/tempo for ingesters and a generator with local blocks, the
 * others as Deployments; a headless gossip Service (`<name>-gossip`,
 * not-ready addresses published) selecting every component; a headless query-frontend discovery
 * Service the queriers dial; the query Service `<name>` on the query-frontends; the OTLP Service
 * `<name>-distributor` on the distributors; one PodDisruptionBudget over all ingesters; optional
 * HorizontalPodAutoscalers for distributors and queriers; the tenants' runtime overrides ConfigMap.
 */
export class TempoDistributed extends Construct {
  public readonly settings: TempoSettings;
  /** Each component's tempo.yaml, by component (the first zone's for ingesters). */
  public readonly configs: Readonly<Partial<Record<TempoComponent, ComponentConfig>>>;
  /** Every workload, in the order created. */
  public readonly workloads: readonly ComponentWorkload[];
  /** The query Service (query-frontends), as in the other modes named `<name>`. */
  public readonly serviceName: string;
  /** Tempo's HTTP API (the query-frontends), e.g. `http://tempo.tempo.svc.cluster.local:3200`. */
  public readonly httpUrl: string;
  /** Where applications send OTLP over gRPC: the distributors, `host:4317`. */
  public readonly otlpGrpcEndpoint: string;
  /** Where applications send OTLP over HTTP, `http://host:4318`. */
  public readonly otlpHttpEndpoint: string;
  /** The OTLP/HTTP receiver as `host:4318`, without a scheme (for a proxy's upstream). */
  public readonly otlpHttpAddress: string;
  /** The query API as `host:3200`, without a scheme (for a proxy's upstream). */
  public readonly httpAddress: string;
  /** Labels selecting every component's pods (scraping, network policies of other components). */
  public readonly podSelector: Record<string, string>;
  /** The name of the container port serving /metrics. */
  public readonly metricsPortName = 'http';
  /** The namespaces admitted to the distributors' OTLP ports; undefined admits none (with `otlpClients`). */
  public readonly otlpFromNamespaces?: NamespaceSelection;
  /** The pods admitted to the OTLP ports besides `otlpFromNamespaces` (the gateway's, in the stack). */
  public readonly otlpClients?: readonly NetworkPeer[];
  public readonly apiClients?: readonly NetworkPeer[];
  /** The tenant ids; empty with one implicit tenant. */
  public readonly tenants: readonly string[];
  /** Active series each metrics-generator instance writes at most. */
  public readonly generatorActiveSeriesPerInstance: number;
  /** The metrics-generator pods (0 without the generator). */
  public readonly generatorInstances: number;
  /** Every Tempo pod of every component (what Prometheus scrapes). */
  public readonly pods: number;
  public readonly overridesYaml?: string;
  public readonly overridesConfigMap?: k8s.KubeConfigMap;
  public readonly gossipService: k8s.KubeService;
  public readonly ingesterDisruptionBudget: k8s.KubePodDisruptionBudget;
  public readonly autoscalers: readonly k8s.KubeHorizontalPodAutoscalerV2[];

  constructor(scope: Construct, id: string, props: TempoProps) {
    super(scope, id);
    const s = resolveTempoSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    if (!s.distributed) throw new Error('TempoDistributed: mode must be \'distributed\'');
    this.settings = s;
    const d = s.distributed;
    const addresses = distributedAddresses(s);
    this.podSelector = distributedPodSelector(s.name);
    this.serviceName = addresses.queryService;
    this.httpUrl = `http://${serviceFqdn(addresses.queryService, s.namespace)}:${TEMPO_PORTS.http}`;
    const otlpHost = serviceFqdn(addresses.otlpService, s.namespace);
    this.otlpGrpcEndpoint = `${otlpHost}:${TEMPO_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = `http://${otlpHost}:${TEMPO_PORTS.otlpHttp}`;
    this.otlpHttpAddress = `${otlpHost}:${TEMPO_PORTS.otlpHttp}`;
    this.httpAddress = `${serviceFqdn(addresses.queryService, s.namespace)}:${TEMPO_PORTS.http}`;
    this.otlpClients = props.otlpClients === undefined ? undefined : checkNetworkPeers('tempo', 'otlpClients', props.otlpClients);
    const otlpNamespaces = props.otlpFromNamespaces ?? (this.otlpClients ? undefined : 'all');
    this.otlpFromNamespaces = otlpNamespaces === undefined ? undefined : checkNamespaceSelection('tempo', 'otlpFromNamespaces', otlpNamespaces);
    this.apiClients = props.apiClients === undefined ? undefined : checkNetworkPeers('tempo', 'apiClients', props.apiClients);
    this.tenants = (s.tenants ?? []).map((t) => t.id);
    this.generatorActiveSeriesPerInstance = s.tenants ? tenantsActiveSeries(s.tenants) : s.metricsGeneratorMaxActiveSeries;
    this.generatorInstances = d.components['metrics-generator']?.replicas ?? 0;

    // The objects every component shares carry the stack's labels for the Tempo as a whole.
    const labels = standardLabels({ name: 'tempo', instance: s.name, version: s.image.tag });
    if (s.tenants) {
      this.overridesYaml = toYaml(buildTenantOverrides(s.tenants, 'global', s.metricsGeneratorProcessors.length > 0, s.blockRetention));
      this.overridesConfigMap = new k8s.KubeConfigMap(this, 'Overrides', {
        metadata: { name: `${s.name}-overrides`, namespace: s.namespace, labels },
        data: { [TEMPO_OVERRIDES_FILE]: this.overridesYaml },
      });
    }

    this.gossipService = new k8s.KubeService(this, 'GossipService', {
      metadata: { name: addresses.gossipService, namespace: s.namespace, labels },
      spec: {
        clusterIp: 'None',
        // Members must gossip before any of them is ready.
        publishNotReadyAddresses: true,
        selector: this.podSelector,
        ports: [namedServicePort(PORTS.gossip.name, PORTS.gossip.port)],
      },
    });

    const workloads: ComponentWorkload[] = [];
    const configs: Partial<Record<TempoComponent, ComponentConfig>> = {};
    for (const component of TEMPO_COMPONENTS) {
      const c = d.components[component];
      if (!c) continue;
      const zones: Array<string | undefined> = component === 'ingester' && d.zones.length > 0 ? [...d.zones] : [undefined];
      for (const zone of zones) {
        const config = buildComponentConfig(s, component, zone);
        configs[component] ??= config;
        const spec = componentSpec(s, c, zone, config, this);
        const workload = new RestrictedWorkload(this, zone ? `${component}-${zone}` : component, spec);
        // Zone-aware ingesters run on nodes of their zone, so each copy of a trace lands in another zone.
        if (zone) workload.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { [ZONE_NODE_LABEL]: zone }));
        workloads.push({ component, ...(zone ? { zone } : {}), config, workload });
      }
    }
    this.workloads = workloads;
    this.configs = configs;
    this.pods = workloads.reduce((sum, w) => sum + w.workload.spec.replicas, 0);

    // Writes need a quorum (RF/2 + 1) of each trace's ingesters: at most RF minus a quorum may be
    // down at once (with zones, a whole zone: every trace keeps its other zones' copies).
    const quorum = Math.floor(d.replicationFactor / 2) + 1;
    const ingesters = d.components.ingester!.replicas;
    const perTrace = d.zones.length > 0 ? d.ingestersPerZone : d.replicationFactor - quorum;
    this.ingesterDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'IngesterDisruptionBudget', {
      metadata: { name: componentName(s, 'ingester'), namespace: s.namespace, labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(ingesterMaxUnavailable(ingesters, d.replicationFactor, perTrace)),
        selector: { matchLabels: { ...this.podSelector, [COMPONENT_LABEL]: 'ingester' } },
      },
    });

    this.autoscalers = workloads.filter((w) => d.components[w.component]!.autoscaling).map((w) => {
      const a = d.components[w.component]!.autoscaling!;
      return new k8s.KubeHorizontalPodAutoscalerV2(this, `Autoscaler-${w.component}`, {
        metadata: { name: w.workload.spec.name, namespace: s.namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.workload.spec.name },
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilizationPercent } },
          }],
        },
      });
    });
  }
}

/**
 * The most ingesters a PodDisruptionBudget lets go at once: `replicas - (RF/2 + 1)` at most (the
 * chart's bound), and no more than `perTrace` (RF minus a quorum, or a zone), never under 1 so a
 * node can always be drained.
 */
export function ingesterMaxUnavailable(replicas: number, replicationFactor: number, perTrace: number): number {
  const quorum = Math.floor(replicationFactor / 2) + 1;
  return Math.max(1, Math.min(replicas - quorum, perTrace));
}

function componentSpec(
  s: TempoSettings, c: ComponentSettings, zone: string | undefined, config: ComponentConfig, owner: TempoDistributed,
): WorkloadSpec {
  const d = s.distributed!;
  const component = c.component;
  const name = zone ? `${componentName(s, component)}-${zone}` : componentName(s, component);
  const addresses = distributedAddresses(s);
  // The generator is a StatefulSet even without a volume: its ring id is the pod name, and a stable name lets a replaced
  // pod take its own ring entry back instead of leaving a stale one until the heartbeat timeout (Tempo 2.6.1 has no
  // autoforget for the generator ring).
  const stateful = component === 'ingester' || component === 'metrics-generator';
  const claim = c.storageSize !== undefined && stateful;
  const ports: WorkloadPort[] = [PORTS.http, PORTS.grpc, PORTS.gossip, ...(component === 'distributor' ? [PORTS.otlpGrpc, PORTS.otlpHttp] : [])];
  const services: WorkloadSpec['services'] = [
    // A StatefulSet's governing Service: stable pod DNS names, published before the pods are ready.
    ...(stateful ? [{ name, ports: ['http', 'grpc'], headless: true, publishNotReadyAddresses: true }] : []),
    ...(component === 'distributor' ? [{ name: addresses.otlpService, ports: ['otlp-grpc', 'otlp-http'] }] : []),
    ...(component === 'query-frontend' ? [
      { name: addresses.queryService, ports: ['http', 'grpc'] },
      // Queriers' workers must reach frontends that are not ready yet: a frontend is ready only once a querier connected.
      { name: addresses.queryFrontendDiscoveryService, ports: ['http', 'grpc'], headless: true, publishNotReadyAddresses: true },
    ] : []),
  ];
  const volumes: WorkloadVolume[] = [
    claim
      ? {
        kind: 'claim', name: 'data', mountPath: TEMPO_DATA_DIR, size: c.storageSize!,
        ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
      }
      // Tempo creates the WAL folder at start-up in every component that opens the store.
      : { kind: 'emptyDir', name: 'data', mountPath: TEMPO_DATA_DIR, sizeLimit: component === 'compactor' ? '2Gi' : '1Gi' },
    { kind: 'emptyDir', name: 'tmp', mountPath: '/tmp', sizeLimit: '100Mi' },
    ...(owner.overridesConfigMap
      ? [{ kind: 'configMap' as const, name: 'overrides', mountPath: TEMPO_OVERRIDES_DIR, configMapName: owner.overridesConfigMap.name }]
      : []),
    ...(s.storage.backend === 'gcs' && s.storage.credentials
      ? [{ kind: 'secret' as const, name: 'gcs-credentials', mountPath: GCS_CREDENTIALS_DIR, secretName: s.storage.credentials.name,
        items: [{ key: s.storage.credentials.key, path: 'key.json' }] }]
      : []),
  ];
  const http = 'http';
  return {
    name,
    namespace: s.namespace,
    identity: { name: 'tempo', instance: name, component, version: s.image.tag },
    kind: stateful ? 'StatefulSet' : 'Deployment',
    replicas: zone ? d.ingestersPerZone : c.replicas,
    podLabels: { [TEMPO_MEMBER_LABEL]: s.name, ...(zone ? { 'tempo-stack/zone': zone } : {}) },
    uid: TEMPO_UID,
    container: {
      name: 'tempo',
      image: s.image,
      args: [`-config.file=${CONFIG_DIR}/${CONFIG_FILE}`, `-target=${component}`, '-config.expand-env=true'],
      env: tempoContainerEnv(s),
      ports,
      resources: c.resources,
      probes: {
        // WAL replay (ingesters) and the compactor's ring settling (about a minute) come before /ready.
        startup: { path: '/ready', port: http, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
        readiness: { path: '/ready', port: http, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        // Tolerant: /ready also reflects ring health, and a restart does not heal a ring.
        liveness: { path: '/ready', port: http, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 10 },
      },
    },
    configMaps: [{ name: `${name}-config`, volume: 'config', mountPath: CONFIG_DIR, files: { [CONFIG_FILE]: toYaml(config) } }],
    volumes,
    services,
    ...(stateful ? { podManagementPolicy: 'Parallel' as const } : {}),
    ...(s.networkPolicy ? { networkPolicy: componentIngressRules(component, owner) } : {}),
    // The ingesters' budget spans every zone's StatefulSet; the others allow one pod down each.
    ...(component === 'ingester' ? {} : { maxUnavailable: 1 }),
    spread: true,
    // Ingesters and generators flush what they hold on shutdown.
    ...(stateful ? { terminationGracePeriodSeconds: s.terminationGracePeriodSeconds } : {}),
  };
}

/** OTLP on distributors only; the API from the clients and from Tempo itself; gRPC and gossip only among Tempo's pods. */
function componentIngressRules(component: TempoComponent, owner: TempoDistributed) {
  const rules = tempoIngressRules(owner.podSelector, true, owner.otlpFromNamespaces, owner.apiClients, owner.otlpClients);
  return component === 'distributor' ? rules : rules.filter((r) => !r.ports.includes('otlp-grpc'));
}

/** The rings Tempo keeps (the `name` label of `tempo_ring_members`). */
export type TempoRingName = 'ingester' | 'distributor' | 'compactor' | 'metrics-generator';

/**
 * The members each of Tempo's rings should have, for the ring alerts: in cluster mode every pod
 * joins every ring; in distributed mode each ring has its component's pods (an autoscaled one at
 * least its minimum); the generator's ring only where the generator runs. Undefined in single-node
 * mode: one pod is every ring, and `TempoDown` already says when it is gone.
 */
export function tempoRingMembers(s: Pick<TempoSettings, 'mode' | 'replicas' | 'metricsGeneratorProcessors' | 'distributed'>)
  : Partial<Record<TempoRingName, number>> | undefined {
  if (s.mode === 'single-node') return undefined;
  const generator = s.metricsGeneratorProcessors.length > 0;
  if (!s.distributed) {
    return { ingester: s.replicas, distributor: s.replicas, compactor: s.replicas, ...(generator ? { 'metrics-generator': s.replicas } : {}) };
  }
  const rings: Partial<Record<TempoRingName, number>> = {};
  for (const ring of ['ingester', 'distributor', 'compactor', 'metrics-generator'] as const) {
    const c = s.distributed.components[ring];
    if (c) rings[ring] = c.autoscaling?.minReplicas ?? c.replicas;
  }
  return rings;
}
