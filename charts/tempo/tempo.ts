import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { imageName } from '../shared/images';
import { selectorLabels, standardLabels } from '../shared/labels';
import { contentHash, toYaml } from '../shared/render';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../shared/security';
import {
  dataVolumeClaim, envFromSecret, namedServicePort, resourceRequirements, serviceFqdn,
} from '../shared/workload';
import { IngressRule, NamespaceSelection, NetworkPeer, checkNamespaceSelection, checkNetworkPeers, ingressPolicySpec } from '../shared/network';
import {
  TEMPO_DATA_DIR, TEMPO_ENV, TEMPO_OVERRIDES_DIR, TEMPO_OVERRIDES_FILE, TEMPO_PORTS, TempoConfig, buildTempoConfig, needsEnvExpansion, tempoAddresses,
} from './config';
import { buildTenantOverrides, tenantsActiveSeries } from './tenants';
import { TempoProps } from './props';
import { TempoSettings, resolveTempoSettings } from './settings';

/** The UID and GID the grafana/tempo image runs as. */
export const TEMPO_UID = 10001;

/** The pod-template annotation holding the hash of tempo.yaml. */
export const CONFIG_HASH_ANNOTATION = 'checksum/config';

const CONFIG_DIR = '/conf';
const CONFIG_FILE = 'tempo.yaml';
/** Where a GCS service-account key is mounted (GOOGLE_APPLICATION_CREDENTIALS points into it). */
export const GCS_CREDENTIALS_DIR = '/var/secrets/gcs';

/**
 * Grafana Tempo as a StatefulSet, single node or a memberlist cluster.
 *
 * Creates: a ServiceAccount (no API token), a ConfigMap with tempo.yaml, a ClusterIP Service
 * (`<name>`: http, grpc, otlp-grpc, otlp-http), a headless governing Service (`<name>-headless`,
 * every pod, ready or not), the StatefulSet with a PVC per replica at /var/tempo, a NetworkPolicy
 * (unless turned off), and in cluster mode a headless gossip Service (`<name>-gossip`) and a
 * PodDisruptionBudget.
 */
export class Tempo extends Construct {
  /** The resolved settings, defaults applied. */
  public readonly settings: TempoSettings;
  /** tempo.yaml as data. */
  public readonly config: TempoConfig;
  /** tempo.yaml as written into the ConfigMap. */
  public readonly configYaml: string;
  /** The name of the ClusterIP Service other components use. */
  public readonly serviceName: string;
  /** Tempo's HTTP API inside the cluster (Grafana datasource, queries), e.g. `http://tempo.tempo.svc.cluster.local:3200`. */
  public readonly httpUrl: string;
  /** Where applications send OTLP over gRPC, `host:4317`. */
  public readonly otlpGrpcEndpoint: string;
  /** Where applications send OTLP over HTTP, `http://host:4318`. */
  public readonly otlpHttpEndpoint: string;
  /** Labels that select Tempo's pods (for scraping and network policies). */
  public readonly podSelector: Record<string, string>;
  /** The name of the container port serving /metrics. */
  public readonly metricsPortName = 'http';
  /** The namespaces admitted to the OTLP ports (`otlpFromNamespaces`, validated); undefined admits none (with `otlpClients`). */
  public readonly otlpFromNamespaces?: NamespaceSelection;
  /** The pods admitted to the OTLP ports besides `otlpFromNamespaces` (`otlpClients`, validated). */
  public readonly otlpClients?: readonly NetworkPeer[];
  /** The pods admitted to the API port besides Tempo's own; undefined admits every pod (`apiClients`, validated). */
  public readonly apiClients?: readonly NetworkPeer[];

  /** The tenant ids senders and readers name in `X-Scope-OrgID`; empty with one implicit tenant. */
  public readonly tenants: readonly string[];
  /** The metrics-generator instances: every replica's, when it runs. */
  public readonly generatorInstances: number;
  /** Every Tempo pod (what Prometheus scrapes). */
  public readonly pods: number;
  /**
   * The most active series each metrics-generator instance writes: `metricsGeneratorMaxActiveSeries`,
   * or with tenants the sum of theirs (each tenant has a registry of its own).
   */
  public readonly generatorActiveSeriesPerInstance: number;
  /** The tenants' runtime overrides file as written into its ConfigMap (undefined without tenants). */
  public readonly overridesYaml?: string;

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly configMap: k8s.KubeConfigMap;
  /** The tenants' runtime overrides (`<name>-overrides`), outside the config hash: Tempo reloads it without a restart. */
  public readonly overridesConfigMap?: k8s.KubeConfigMap;
  public readonly service: k8s.KubeService;
  public readonly headlessService: k8s.KubeService;
  public readonly gossipService?: k8s.KubeService;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    super(scope, id);
    const s = resolveTempoSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    if (s.mode === 'distributed') throw new Error('Tempo: use TempoDistributed (or TempoChart) for mode \'distributed\'');
    this.settings = s;
    this.config = buildTempoConfig(s);
    this.configYaml = toYaml(this.config);

    const cluster = s.mode === 'cluster';
    const identity = { name: 'tempo', instance: s.name, component: 'tracing-backend', version: s.image.tag };
    const labels = standardLabels(identity);
    this.podSelector = tempoPodSelector(s.name);
    const addresses = tempoAddresses(s);
    const metadata = (name: string) => ({ name, namespace: s.namespace, labels });

    this.serviceName = s.name;
    const fqdn = serviceFqdn(s.name, s.namespace);
    this.httpUrl = `http://${fqdn}:${TEMPO_PORTS.http}`;
    this.otlpGrpcEndpoint = `${fqdn}:${TEMPO_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = `http://${fqdn}:${TEMPO_PORTS.otlpHttp}`;

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      // Tempo never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${s.name}-config`),
      data: { [CONFIG_FILE]: this.configYaml },
    });

    this.tenants = (s.tenants ?? []).map((t) => t.id);
    this.generatorInstances = s.metricsGeneratorProcessors.length > 0 ? s.replicas : 0;
    this.pods = s.replicas;
    this.generatorActiveSeriesPerInstance = s.tenants ? tenantsActiveSeries(s.tenants) : s.metricsGeneratorMaxActiveSeries;
    if (s.tenants) {
      const generator = s.metricsGeneratorProcessors.length > 0;
      this.overridesYaml = toYaml(buildTenantOverrides(s.tenants, s.capacity.rateStrategy, generator, s.blockRetention));
      this.overridesConfigMap = new k8s.KubeConfigMap(this, 'Overrides', {
        metadata: metadata(`${s.name}-overrides`),
        data: { [TEMPO_OVERRIDES_FILE]: this.overridesYaml },
      });
    }

    const apiPorts: k8s.ServicePort[] = [
      namedServicePort('http', TEMPO_PORTS.http),
      namedServicePort('grpc', TEMPO_PORTS.grpc, 'grpc'),
    ];
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: {
        type: 'ClusterIP',
        selector: this.podSelector,
        ports: [
          ...apiPorts,
          namedServicePort('otlp-grpc', TEMPO_PORTS.otlpGrpc, 'grpc'),
          namedServicePort('otlp-http', TEMPO_PORTS.otlpHttp),
        ],
      },
    });

    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(addresses.headlessService),
      spec: {
        clusterIp: 'None',
        // Pods get DNS records before they are ready: queriers find every query-frontend, and a
        // pod's own name resolves while it is still starting.
        publishNotReadyAddresses: true,
        selector: this.podSelector,
        ports: apiPorts,
      },
    });

    if (cluster) {
      this.gossipService = new k8s.KubeService(this, 'GossipService', {
        metadata: metadata(addresses.gossipService),
        spec: {
          clusterIp: 'None',
          // Members must gossip before any of them is ready.
          publishNotReadyAddresses: true,
          selector: this.podSelector,
          ports: [namedServicePort('gossip-ring', TEMPO_PORTS.memberlist)],
        },
      });
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: metadata(s.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.podSelector } },
      });
    }

    this.otlpClients = props.otlpClients === undefined ? undefined : checkNetworkPeers('tempo', 'otlpClients', props.otlpClients);
    const otlpNamespaces = props.otlpFromNamespaces ?? (this.otlpClients ? undefined : 'all');
    this.otlpFromNamespaces = otlpNamespaces === undefined ? undefined : checkNamespaceSelection('tempo', 'otlpFromNamespaces', otlpNamespaces);
    this.apiClients = props.apiClients === undefined ? undefined : checkNetworkPeers('tempo', 'apiClients', props.apiClients);
    if (s.networkPolicy) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(s.name),
        spec: ingressPolicySpec(this.podSelector, tempoIngressRules(this.podSelector, cluster, this.otlpFromNamespaces, this.apiClients,
          this.otlpClients)),
      });
    }

    const env = tempoContainerEnv(s);
    const http = k8s.IntOrString.fromString('http');
    const container: k8s.Container = {
      name: 'tempo',
      image: imageName(s.image),
      imagePullPolicy: 'IfNotPresent',
      args: [
        `-config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
        `-target=${this.config.target}`,
        ...(needsEnvExpansion(s) ? ['-config.expand-env=true'] : []),
      ],
      ...(env.length > 0 ? { env } : {}),
      ports: [
        { name: 'http', containerPort: TEMPO_PORTS.http, protocol: 'TCP' },
        { name: 'grpc', containerPort: TEMPO_PORTS.grpc, protocol: 'TCP' },
        { name: 'otlp-grpc', containerPort: TEMPO_PORTS.otlpGrpc, protocol: 'TCP' },
        { name: 'otlp-http', containerPort: TEMPO_PORTS.otlpHttp, protocol: 'TCP' },
        ...(cluster ? [{ name: 'gossip-ring', containerPort: TEMPO_PORTS.memberlist, protocol: 'TCP' }] : []),
      ],
      resources: resourceRequirements(s.resources),
      // WAL replay after a crash can take minutes; liveness only starts once /ready answered.
      startupProbe: { httpGet: { path: '/ready', port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
      readinessProbe: { httpGet: { path: '/ready', port: http }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      // Tolerant: /ready also reflects ring health, and a restart does not heal a ring.
      livenessProbe: { httpGet: { path: '/ready', port: http }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 10 },
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
        { name: 'data', mountPath: TEMPO_DATA_DIR },
        { name: 'tmp', mountPath: '/tmp' },
        ...(this.overridesConfigMap ? [{ name: 'overrides', mountPath: TEMPO_OVERRIDES_DIR, readOnly: true }] : []),
        ...(s.storage.backend === 'gcs' && s.storage.credentials ? [{ name: 'gcs-credentials', mountPath: GCS_CREDENTIALS_DIR, readOnly: true }] : []),
      ],
    };

    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: this.configMap.name } },
      // The root filesystem is read-only; Go and the OTLP receivers may still want a scratch dir.
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('100Mi') } },
    ];
    if (this.overridesConfigMap) volumes.push({ name: 'overrides', configMap: { name: this.overridesConfigMap.name } });
    if (s.storage.backend === 'gcs' && s.storage.credentials) {
      volumes.push({ name: 'gcs-credentials', secret: { secretName: s.storage.credentials.name, items: [{ key: s.storage.credentials.key, path: 'key.json' }] } });
    }

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: metadata(s.name),
      spec: {
        replicas: s.replicas,
        serviceName: this.headlessService.name,
        selector: { matchLabels: this.podSelector },
        // Cluster members must all be up to gossip and to reach replication quorum.
        podManagementPolicy: cluster ? 'Parallel' : 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels,
            annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(this.configYaml) },
          },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(TEMPO_UID, TEMPO_UID),
            // Long enough for flush_all_on_shutdown to write every live trace to a block.
            terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
            enableServiceLinks: false,
            containers: [container],
            volumes,
            ...(cluster ? spreadReplicas(this.podSelector) : {}),
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this.podSelector, s.storageSize, s.storageClassName)],
      },
    });
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}

/**
 * The labels that select the pods of the Tempo named `name` (what `Tempo.podSelector` holds), for
 * wiring code that needs them before the Tempo construct exists.
 */
export function tempoPodSelector(name = 'tempo'): Record<string, string> {
  return selectorLabels({ name: 'tempo', instance: name });
}

/**
 * Who reaches which port: OTLP from the selected namespaces and the OTLP clients (the gateway); the API from the given clients (every
 * namespace when none are given) and from Tempo itself (queriers, the frontend's own calls); grpc
 * and gossip only among Tempo's pods.
 */
export function tempoIngressRules(
  self: Readonly<Record<string, string>>, cluster: boolean, otlpFromNamespaces: NamespaceSelection | undefined, apiClients?: readonly NetworkPeer[],
  otlpClients?: readonly NetworkPeer[],
): IngressRule[] {
  return [
    { ports: ['otlp-grpc', 'otlp-http'], ...(otlpClients ? { peers: otlpClients } : {}),
      ...(otlpFromNamespaces ? { namespaces: otlpFromNamespaces } : {}) },
    apiClients === undefined
      ? { ports: ['http'], namespaces: 'all' }
      : { ports: ['http'], peers: [{ podSelector: self }, ...apiClients] },
    // Ring traffic and query-frontend work stay among Tempo's own pods.
    { ports: cluster ? ['grpc', 'gossip-ring'] : ['grpc'], peers: [{ podSelector: self }] },
  ];
}

/** Environment variables: the pod's identity for the ring, and object-storage credentials from Secrets. */
export function tempoContainerEnv(s: TempoSettings): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [];
  if (s.mode !== 'single-node') {
    env.push({ name: TEMPO_ENV.podName, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    env.push({ name: TEMPO_ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  }
  const storage = s.storage;
  if (storage.backend === 's3' && storage.credentials) {
    env.push(envFromSecret('AWS_ACCESS_KEY_ID', storage.credentials.accessKeyId));
    env.push(envFromSecret('AWS_SECRET_ACCESS_KEY', storage.credentials.secretAccessKey));
  }
  if (storage.backend === 'gcs' && storage.credentials) {
    env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_CREDENTIALS_DIR}/key.json` });
  }
  if (storage.backend === 'azure' && storage.accountKey) {
    env.push(envFromSecret(TEMPO_ENV.azureStorageKey, storage.accountKey));
  }
  return env;
}

/**
 * Replicas on different nodes and zones when the cluster allows it. Preferred, not required, so
 * a one-node test cluster still schedules all of them.
 */
function spreadReplicas(selector: Record<string, string>): Pick<k8s.PodSpec, 'affinity' | 'topologySpreadConstraints'> {
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
        }],
      },
    },
    topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    })),
  };
}
