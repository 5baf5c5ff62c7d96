import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { toYaml } from '../shared/render';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { serviceFqdn } from '../shared/workload';
import { NamespaceSelection, NetworkPeer } from '../shared/network';
import { TEMPO_PORTS, TempoConfig, buildTempoConfig, tempoAddresses } from './config';
import { TempoProps } from './props';
import { TempoSettings, resolveTempoSettings } from './settings';
import { buildTenantOverrides, tenantsActiveSeries } from './tenants';
import { tempoWorkloadSpec } from './workload';

/**
 * Grafana Tempo as a StatefulSet, single node or a memberlist cluster.
 *
 * Creates: a ServiceAccount (no API token), a ConfigMap with tempo.yaml, a ClusterIP Service
 * (`<name>`: http, grpc, otlp-grpc, otlp-http), a headless governing Service (`<name>-headless`,
 * every pod, ready or not), the StatefulSet with a PVC per replica at /var/tempo, a NetworkPolicy
 * (unless turned off), with tenants a ConfigMap of their runtime overrides (`<name>-overrides`), and
 * in cluster mode a headless gossip Service (`<name>-gossip`) and a PodDisruptionBudget.
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
  /** The workload construct holding every object above. */
  public readonly workload: RestrictedWorkload;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    super(scope, id);
    const s = resolveTempoSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    if (s.mode === 'distributed') throw new Error('Tempo: use TempoDistributed (or TempoChart) for mode \'distributed\'');
    this.settings = s;
    this.config = buildTempoConfig(s);
    this.configYaml = toYaml(this.config);
    this.otlpFromNamespaces = s.otlpFromNamespaces;
    this.otlpClients = s.otlpClients;
    this.apiClients = s.apiClients;
    this.tenants = (s.tenants ?? []).map((t) => t.id);
    this.generatorInstances = s.metricsGeneratorProcessors.length > 0 ? s.replicas : 0;
    this.pods = s.replicas;
    this.generatorActiveSeriesPerInstance = s.tenants ? tenantsActiveSeries(s.tenants) : s.metricsGeneratorMaxActiveSeries;
    if (s.tenants) {
      const generator = s.metricsGeneratorProcessors.length > 0;
      this.overridesYaml = toYaml(buildTenantOverrides(s.tenants, s.capacity.rateStrategy, generator, s.blockRetention));
    }

    this.serviceName = s.name;
    const fqdn = serviceFqdn(s.name, s.namespace);
    this.httpUrl = `http://${fqdn}:${TEMPO_PORTS.http}`;
    this.otlpGrpcEndpoint = `${fqdn}:${TEMPO_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = `http://${fqdn}:${TEMPO_PORTS.otlpHttp}`;
    this.otlpHttpAddress = `${fqdn}:${TEMPO_PORTS.otlpHttp}`;
    this.httpAddress = `${fqdn}:${TEMPO_PORTS.http}`;

    this.workload = new RestrictedWorkload(this, 'Workload', tempoWorkloadSpec(s, this.config, this.configYaml, this.overridesYaml));
    const w = this.workload;
    const addresses = tempoAddresses(s);
    this.podSelector = w.podSelector;
    this.serviceAccount = w.serviceAccount;
    [this.configMap, this.overridesConfigMap] = w.configMaps;
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
