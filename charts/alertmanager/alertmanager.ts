import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { ingressPolicySpec } from '../shared/network';
import { ProvidedSecret } from '../shared/secrets';
import { toYaml } from '../shared/render';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { ALERTMANAGER_PORTS, AlertmanagerConfigFile, alertmanagerUrl, buildAlertmanagerConfig } from './config';
import { AlertmanagerProps } from './props';
import { AlertmanagerSettings, ReceiverSecret, resolveAlertmanagerSettings } from './settings';
import { ALERTMANAGER_PORT_NAMES, alertmanagerWorkloadSpec, headlessServiceName } from './workload';

/** What Prometheus needs to send alerts to every Alertmanager replica and to scrape each. */
export interface AlertmanagerPods {
  /** The labels that select every Alertmanager pod, and only those. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The namespace the pods run in. */
  readonly namespace: string;
  /** The container port of the API (alerts are posted to it) and /metrics. */
  readonly portName: string;
  /** How many replicas run: Prometheus must find that many. */
  readonly replicas: number;
}

/**
 * Alertmanager receiving the stack's alerts from Prometheus, grouping, routing and inhibiting
 * them, with the receivers of the props.
 *
 * Creates (through RestrictedWorkload): a ServiceAccount (no token), a ConfigMap `<name>-config`
 * with alertmanager.yml, a ClusterIP Service `<name>` (`http` 9093), a headless Service
 * `<name>-headless` (9093 and the mesh port 9094) governing a StatefulSet of `replicas` pods with a
 * PVC each at /alertmanager, the receiver Secrets mounted read-only, probes on `/-/ready` and
 * `/-/healthy`, a config hash on the pod template, and with more than one replica a
 * PodDisruptionBudget and the gossip mesh. Also a NetworkPolicy (unless turned off): 9093 from
 * `clients` only, 9094 over TCP and UDP from the Alertmanager pods only.
 */
export class Alertmanager extends Construct {
  /** The resolved settings, defaults applied. */
  public readonly settings: AlertmanagerSettings;
  /** alertmanager.yml as data. */
  public readonly config: AlertmanagerConfigFile;
  /** alertmanager.yml as written into the ConfigMap. */
  public readonly configYaml: string;
  /**
   * The API and UI through the ClusterIP Service, `http://<name>.<ns>.svc.cluster.local:9093`: for Grafana's
   * datasource, not for Prometheus, which sends to every pod.
   */
  public readonly httpUrl: string;
  /** The ClusterIP Service's name. */
  public readonly serviceName: string;
  /** The headless Service's name: each pod is `<pod>.<headless>.<ns>.svc.cluster.local`. */
  public readonly headlessServiceName: string;
  /** Labels that select the Alertmanager pods. */
  public readonly podSelector: Record<string, string>;
  /** The pods, as Prometheus's alerting and scrape config need them. */
  public readonly pods: AlertmanagerPods;
  /**
   * The Secrets the receivers read, with every key and what it is for. Never synthesized and never
   * generated: the user creates them (`kubectl create secret generic ...`); a pod whose Secret is
   * missing does not start.
   */
  public readonly receiverSecrets: readonly ReceiverSecret[];
  /** The same Secrets as the stack lists every Secret the user creates (the environment's "provided by you"). */
  public readonly providedSecrets: readonly ProvidedSecret[];
  /** The names of the configured receivers (the built-in `null` not among them). */
  public readonly receiverNames: readonly string[];
  /** The StatefulSet, Services, ConfigMap, ServiceAccount and PodDisruptionBudget. */
  public readonly workload: RestrictedWorkload;
  /** Admits `clients` to 9093 and the replicas to each other on 9094; absent with `networkPolicy: false`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    const s = resolveAlertmanagerSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    this.settings = s;
    this.config = buildAlertmanagerConfig(s);
    this.configYaml = toYaml(this.config);
    this.workload = new RestrictedWorkload(this, 'Workload', alertmanagerWorkloadSpec(s, this.configYaml));
    this.podSelector = this.workload.podSelector;
    this.serviceName = s.name;
    this.headlessServiceName = headlessServiceName(s);
    this.httpUrl = alertmanagerUrl(s.name, s.namespace);
    this.pods = { podSelector: this.podSelector, namespace: s.namespace, portName: ALERTMANAGER_PORT_NAMES.http, replicas: s.replicas };
    this.receiverSecrets = s.secrets;
    this.providedSecrets = s.secrets.map((secret) => ({ name: secret.name, by: 'user', keys: secret.keys.map((k) => k.key) }));
    this.receiverNames = s.receivers.map((r) => r.name);

    // The mesh gossips over UDP as well as TCP; RestrictedWorkload declares TCP ports only.
    this.workload.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/ports/-',
      { name: ALERTMANAGER_PORT_NAMES.meshUdp, containerPort: ALERTMANAGER_PORTS.mesh, protocol: 'UDP' }));

    if (s.networkPolicy) {
      const spec = ingressPolicySpec(this.podSelector, [{ ports: [ALERTMANAGER_PORT_NAMES.http], peers: s.clients }]);
      const meshPorts: k8s.NetworkPolicyPort[] = (['TCP',
        'UDP'] as const).map((protocol) => ({ port: k8s.IntOrString.fromNumber(ALERTMANAGER_PORTS.mesh), protocol }));
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: s.name, namespace: s.namespace, labels: this.workload.labels },
        spec: { ...spec, ingress: [...(spec.ingress ?? []), { ports: meshPorts,
          from: [{ podSelector: { matchLabels: { ...this.podSelector } } }] }] },
      });
    }
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.workload.apiObject;
  }
}
