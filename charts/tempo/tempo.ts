import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { toYaml } from '../shared/render';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { serviceFqdn } from '../shared/workload';
import { NamespaceSelection, NetworkPeer } from '../shared/network';
import { TEMPO_PORTS, TempoConfig, buildTempoConfig, tempoAddresses } from './config';
import { GRPC_MAX_RECV_BYTES } from './capacity';
import { TempoProps } from './props';
import { TempoSettings, resolveTempoSettings } from './settings';
import { tempoWorkloadSpec } from './workload';

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
  /** The OTLP/HTTP receiver as `host:4318`, without a scheme (for a proxy's upstream). */
  public readonly otlpHttpAddress: string;
  /** The HTTP API as `host:3200`, without a scheme (for a proxy's upstream). */
  public readonly httpAddress: string;
  /**
   * The largest OTLP request Tempo admits, in bytes: the distributor's token bucket never admits
   * one above its burst, nor its gRPC server one above 16 MiB.
   */
  public readonly maxRequestBytes: number;
  /** Labels that select Tempo's pods (for scraping and network policies). */
  public readonly podSelector: Record<string, string>;
  /** The memory limit of each Tempo container, in bytes (what Prometheus's memory alert compares with). */
  public readonly memoryLimitBytes: number;
  /** The CPU limit of each Tempo container, in cores. */
  public readonly cpuLimitCores: number;
  /** The metrics-generator remote-writes series (service-graphs or span-metrics run) to `settings.metricsRemoteWriteUrl`. */
  public readonly metricsGeneratorWrites: boolean;
  /** The local-blocks processor runs. */
  public readonly localBlocks: boolean;
  /** The most series the generators remote-write together (replicas x the per-generator cap); 0 when none. */
  public readonly generatorSeriesBudget: number;
  /** The name of the container port serving /metrics. */
  public readonly metricsPortName = 'http';
  /** The namespaces admitted to the OTLP ports (`otlpFromNamespaces`, validated); undefined admits none (with `otlpClients`). */
  public readonly otlpFromNamespaces?: NamespaceSelection;
  /** The pods admitted to the OTLP ports besides `otlpFromNamespaces` (`otlpClients`, validated). */
  public readonly otlpClients?: readonly NetworkPeer[];
  /** The pods admitted to the API port besides Tempo's own; undefined admits every pod (`apiClients`, validated). */
  public readonly apiClients?: readonly NetworkPeer[];

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly service: k8s.KubeService;
  public readonly headlessService: k8s.KubeService;
  public readonly gossipService?: k8s.KubeService;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** The workload construct holding every object above. */
  public readonly workload: RestrictedWorkload;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    super(scope, id);
    const s = resolveTempoSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    this.settings = s;
    this.config = buildTempoConfig(s);
    this.configYaml = toYaml(this.config);
    this.otlpFromNamespaces = s.otlpFromNamespaces;
    this.otlpClients = s.otlpClients;
    this.apiClients = s.apiClients;
    this.memoryLimitBytes = s.parsedResources.limitMemory;
    this.cpuLimitCores = s.parsedResources.limitCpu;
    this.metricsGeneratorWrites = s.metricsGeneratorWrites;
    this.localBlocks = s.localBlocks;
    this.generatorSeriesBudget = s.generatorSeriesBudget;

    this.serviceName = s.name;
    const fqdn = serviceFqdn(s.name, s.namespace);
    this.httpUrl = `http://${fqdn}:${TEMPO_PORTS.http}`;
    this.otlpGrpcEndpoint = `${fqdn}:${TEMPO_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = `http://${fqdn}:${TEMPO_PORTS.otlpHttp}`;
    this.otlpHttpAddress = `${fqdn}:${TEMPO_PORTS.otlpHttp}`;
    this.httpAddress = `${fqdn}:${TEMPO_PORTS.http}`;
    this.maxRequestBytes = Math.min(s.capacity.burstSizeBytes, GRPC_MAX_RECV_BYTES);

    this.workload = new RestrictedWorkload(this, 'Workload', tempoWorkloadSpec(s, this.config, this.configYaml));
    const w = this.workload;
    const addresses = tempoAddresses(s);
    this.podSelector = w.podSelector;
    this.serviceAccount = w.serviceAccount;
    this.configMap = w.configMaps[0];
    this.service = w.services[s.name];
    this.headlessService = w.services[addresses.headlessService];
    this.gossipService = w.services[addresses.gossipService];
    this.podDisruptionBudget = w.podDisruptionBudget;
    this.networkPolicy = w.networkPolicy;
    this.statefulSet = w.statefulSet!;
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}
