import { Construct } from 'constructs';
import { AlertmanagerChart, AlertmanagerProps } from './alertmanager';
import { GatewayChart, GatewayProps, gatewayPodSelector } from './gateway';
import { GrafanaChart, GrafanaProps, grafanaPodSelector } from './grafana';
import { MinioChart, MinioProps } from './minio';
import {
  PrometheusChart, PrometheusOperatorChart, PrometheusOperatorProps, PrometheusProps, TempoScrapeTarget, prometheusPodSelector, prometheusUrls,
} from './prometheus';
import { imageVersion } from './shared/images';
import { checkExtraLabels } from './shared/labels';
import { NamespaceChart } from './shared/namespace';
import { NetworkPeer } from './shared/network';
import { GeneratedSecret, ProvidedSecret } from './shared/secrets';
import { checkLabelValue, ConfigErrorDetail, fail } from './shared/validate';
import { Tempo, TempoChart, TempoDistributed, TempoProps, distributedPodSelector, tempoPodSelector, tempoRingMembers, tempoWarnings } from './tempo';

/**
 * Prometheus settings the stack takes; the Tempo target, the metrics-generator and its series cap come from Tempo, the
 * Alertmanager pods from the stack's Alertmanager.
 */
export type StackPrometheusProps = Omit<PrometheusProps, 'tempo' | 'namespace' | 'metricsGenerator' | 'generatorActiveSeries' | 'alertmanagers'
  | 'seriesPropNames'>;

/** Prometheus Operator settings the stack takes; the Tempo target and the metrics-generator come from Tempo. */
export type StackPrometheusOperatorProps = Omit<PrometheusOperatorProps, 'tempo' | 'namespace' | 'metricsGenerator'>;

/** Grafana settings the stack takes; the links to Tempo, Prometheus and Alertmanager come from those components. */
export interface StackGrafanaProps extends Omit<GrafanaProps, 'tempo' | 'prometheus' | 'alertmanager' | 'namespace'> {
  /**
   * The Prometheus Grafana queries, when the stack deploys none of its own (with
   * `prometheusOperator`, the operator's Prometheus), e.g.
   * `http://prometheus-operated.monitoring.svc.cluster.local:9090`.
   * @default - the stack's own Prometheus
   */
  readonly prometheusUrl?: string;
}

/** Alertmanager settings the stack takes; who may reach it comes from the stack (its Prometheus and Grafana). */
export type StackAlertmanagerProps = Omit<AlertmanagerProps, 'namespace' | 'clients'>;

/**
 * OTLP gateway settings the stack takes; where it sends traces, the largest request Tempo admits
 * and the known tenants come from Tempo.
 */
export type StackGatewayProps = Omit<GatewayProps, 'tempo' | 'namespace' | 'knownTenants'>;

/** Props of a TempoStack. */
export interface TempoStackProps {
  /** The namespace every object of the stack lives in; the stack creates it. A DNS label. */
  readonly namespace: string;
  /**
   * Labels added to every object of the stack (a team, a cost centre), beside the recommended
   * `app.kubernetes.io/*` labels, which they may not replace.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Tempo's settings. @default - TempoProps defaults */
  readonly tempo?: TempoProps;
  /**
   * Deploy the bundled single-replica MinIO and keep Tempo's blocks in it. For trying the cluster
   * on a laptop cluster only: not for production. Mutually exclusive with `tempo.storage`.
   * @default - no MinIO
   */
  readonly minio?: MinioProps;
  /**
   * The Prometheus that scrapes every Tempo pod, holds the Tempo rules and receives the
   * metrics-generator's remote write (Tempo's `metricsRemoteWriteUrl` points at it unless set).
   * `false` deploys none.
   * @default {} (deployed, with its defaults)
   */
  readonly prometheus?: StackPrometheusProps | false;
  /**
   * Instead of our own Prometheus, a `PodMonitor` and a `PrometheusRule` for a cluster that runs
   * the Prometheus Operator (kube-prometheus-stack). Tempo's `metricsRemoteWriteUrl` must then name
   * that Prometheus (with its remote-write receiver on) when the metrics-generator runs.
   * @default - none
   */
  readonly prometheusOperator?: StackPrometheusOperatorProps;
  /**
   * Grafana with the Tempo and Prometheus datasources linked to each other and the Tempo
   * dashboards. `false` deploys none.
   * @default {} (deployed, with its defaults)
   */
  readonly grafana?: StackGrafanaProps | false;
  /**
   * An Alertmanager that receives the stack's alerts from its Prometheus (every replica sent every
   * alert), groups, routes and inhibits them, and sends them to the receivers configured here
   * (Slack, PagerDuty, e-mail, ...; credentials from Secrets you create). Grafana gets an
   * Alertmanager datasource for it. Needs the stack's own Prometheus.
   * @default - none: alerts are evaluated in Prometheus and sent nowhere
   */
  readonly alertmanager?: StackAlertmanagerProps;
  /**
   * The authenticating OTLP gateway (nginx) in front of Tempo: senders outside the cluster reach
   * Tempo only through it, and Tempo's NetworkPolicy admits OTLP from the gateway and from
   * `tempo.otlpFromNamespaces` only when that is set.
   * @default - no gateway
   */
  readonly gateway?: StackGatewayProps;
}

/**
 * The whole tracing stack of one environment. This is the one place that wires components
 * together: each exposes the names and URLs the others need, and none imports another.
 * NetworkPolicies are wired here too: each component admits the pods of the others that need it
 * (Tempo's API: Grafana and Prometheus; Prometheus: Grafana and Tempo; MinIO: Tempo), passed as
 * their pod selectors.
 *
 * Creates the charts `namespace`, then `minio` (when asked for), `tempo`, `prometheus` (or
 * `prometheus-operator`), `grafana` and `alertmanager` (when asked for); their files sort in that
 * order, so `kubectl apply -f` creates the Namespace first.
 */
export class TempoStack extends Construct {
  /** The namespace every object lives in. */
  public readonly namespace: string;
  /** The Secrets the stack references that the deploy script may create (listed in `dist/<env>/environment`). */
  public readonly generatedSecrets: readonly GeneratedSecret[];
  /** What is allowed but probably not meant (a replication factor of 2), in the error format's parts; synth prints them. */
  public readonly warnings: readonly ConfigErrorDetail[];
  /** The Secrets the stack references that the user (or cert-manager) creates: the deploy script cannot generate them. */
  public readonly providedSecrets: readonly ProvidedSecret[];
  public readonly namespaceChart: NamespaceChart;
  public readonly minioChart?: MinioChart;
  public readonly tempoChart: TempoChart;
  public readonly prometheusChart?: PrometheusChart;
  public readonly prometheusOperatorChart?: PrometheusOperatorChart;
  public readonly grafanaChart?: GrafanaChart;
  public readonly alertmanagerChart?: AlertmanagerChart;
  public readonly gatewayChart?: GatewayChart;

  constructor(scope: Construct, id: string, props: TempoStackProps) {
    super(scope, id);
    // The id is the environment's `app.kubernetes.io/instance` label (and in a config file its folder name).
    checkLabelValue('stack', 'id', id, 'prod');
    const { namespace } = props;
    this.namespace = namespace;
    // The instance label tells deploy.sh which environment owns the namespace.
    const labels = checkExtraLabels('stack', 'labels', props.labels);
    this.namespaceChart = new NamespaceChart(this, 'namespace', { namespace, instance: id, labels });

    let tempo: TempoProps = props.tempo ?? {};
    // Each component's NetworkPolicy names the others' pods; the ones built later are known by their names.
    const tempoPeer: NetworkPeer = { podSelector: tempo.mode === 'distributed' ? distributedPodSelector(tempo.name) : tempoPodSelector(tempo.name) };
    if (props.minio) {
      if (tempo.storage) {
        fail('stack', 'minio', 'cannot be combined with tempo.storage', tempo.storage.backend,
          'remove minio to use your own object store, or remove tempo.storage to use the bundled MinIO');
      }
      this.minioChart = new MinioChart(this, 'minio', {
        namespace, labels, minio: { ...props.minio, clients: [...(props.minio.clients ?? []), tempoPeer] },
      });
      this.minioChart.addDependency(this.namespaceChart);
      const minio = this.minioChart.minio;
      tempo = {
        ...tempo,
        storage: {
          backend: 's3', bucket: minio.bucket, endpoint: minio.endpoint, insecure: minio.insecure,
          forcePathStyle: minio.forcePathStyle, credentials: minio.credentials,
        },
      };
    }

    if (props.prometheusOperator && props.prometheus) {
      fail('stack', 'prometheusOperator', 'replaces our own Prometheus and cannot be combined with prometheus', props.prometheusOperator.release,
        'set prometheus: false to use the Prometheus Operator, or remove prometheusOperator');
    }
    const prometheus = props.prometheusOperator ? false : props.prometheus ?? {};
    // Prometheus needs Tempo's pod selector, so it is built after Tempo; its URL is known from its name.
    const ownPrometheus = prometheus ? prometheusUrls(prometheus.name, namespace) : undefined;
    const grafana = props.grafana ?? {};
    const grafanaPeers: NetworkPeer[] = grafana ? [{ podSelector: grafanaPodSelector(grafana.name) }] : [];
    if (props.alertmanager && !prometheus) {
      fail('stack', 'alertmanager', 'needs the stack\'s own Prometheus to send it alerts', props.prometheusOperator ? 'prometheusOperator' : false,
        props.prometheusOperator
          ? 'the Prometheus Operator\'s stack ships its own Alertmanager: route the Tempo alerts there and remove alertmanager'
          : 'remove prometheus: false, or remove alertmanager');
    }
    const prometheusPeers: NetworkPeer[] = [
      ...(prometheus ? [{ podSelector: prometheusPodSelector(prometheus.name) }] : []),
      // The operator's Prometheus (kube-prometheus-stack) runs in a namespace of its own; the
      // operator labels its pods app.kubernetes.io/name=prometheus.
      ...(props.prometheusOperator ? [{ podSelector: { 'app.kubernetes.io/name': 'prometheus' }, namespaces: 'all' as const }] : []),
    ];
    const gatewayPeers: NetworkPeer[] = props.gateway ? [{ podSelector: gatewayPodSelector(props.gateway.name) }] : [];
    tempo = {
      ...tempo,
      metricsRemoteWriteUrl: tempo.metricsRemoteWriteUrl ?? ownPrometheus?.remoteWriteUrl,
      // The gateway also proxies the query API when asked to.
      apiClients: [...(tempo.apiClients ?? []), ...grafanaPeers, ...prometheusPeers, ...(props.gateway?.exposeQuery ? gatewayPeers : [])],
      ...(props.gateway ? { otlpClients: [...(tempo.otlpClients ?? []), ...gatewayPeers] } : {}),
    };

    this.tempoChart = new TempoChart(this, 'tempo', { namespace, labels, tempo });
    this.tempoChart.addDependency(this.minioChart ?? this.namespaceChart);
    const t = this.tempoChart.backend;
    const generatorWrites = t.settings.metricsGeneratorWrites;
    const writesToOwn = generatorWrites && t.settings.metricsRemoteWriteUrl === ownPrometheus?.remoteWriteUrl;

    // Built before Prometheus, which sends to its pods; its file still sorts last (see below).
    if (props.alertmanager) {
      this.alertmanagerChart = new AlertmanagerChart(this, 'alertmanager', {
        namespace,
        labels,
        alertmanager: {
          ...props.alertmanager,
          // Prometheus sends alerts and scrapes; Grafana reads alerts and silences.
          clients: [...(prometheus ? [{ podSelector: prometheusPodSelector(prometheus.name) }] : []), ...grafanaPeers],
        },
      });
    }
    const am = this.alertmanagerChart?.alertmanager;

    if (prometheus) {
      this.prometheusChart = new PrometheusChart(this, 'prometheus', {
        namespace,
        labels,
        prometheus: {
          // Alertmanager and remote storage tell environments apart by these external labels.
          environment: id,
          cluster: namespace,
          ...prometheus,
          // Grafana queries; Tempo's metrics-generator remote-writes (admitted even while it is off).
          clients: [...(prometheus.clients ?? []), ...grafanaPeers, { podSelector: t.podSelector }],
          tempo: scrapeTarget(t),
          ...(am ? { alertmanagers: am.pods } : {}),
          metricsGenerator: writesToOwn,
          ...(writesToOwn ? { generatorActiveSeries: t.settings.generatorSeriesBudget } : {}),
          // The stack sets both from Tempo's props: a sizing error names those.
          seriesPropNames: { generatorActiveSeries: 'tempo.metricsGeneratorMaxActiveSeries', tempoReplicas: 'tempo.replicas' },
        },
      });
      this.prometheusChart.addDependency(this.tempoChart);
    }
    if (props.prometheusOperator) {
      this.prometheusOperatorChart = new PrometheusOperatorChart(this, 'prometheus-operator', {
        namespace,
        labels,
        operator: { ...props.prometheusOperator, tempo: scrapeTarget(t), metricsGenerator: generatorWrites },
      });
      this.prometheusOperatorChart.addDependency(this.tempoChart);
    }

    if (grafana) {
      const { prometheusUrl, ...grafanaProps } = grafana;
      const queried = prometheusUrl ?? this.prometheusChart?.prometheus.httpUrl;
      if (!queried) {
        fail('stack', 'grafana.prometheusUrl', 'is required when the stack deploys no Prometheus of its own', prometheusUrl,
          'name the Prometheus Grafana should query (e.g. the Prometheus Operator\'s), or set grafana: false');
      }
      this.grafanaChart = new GrafanaChart(this, 'grafana', {
        namespace,
        labels,
        grafana: {
          ...grafanaProps,
          tempo: {
            url: t.httpUrl,
            // Span metrics and service graphs exist only where the generator writes to the Prometheus Grafana queries.
            metricsGenerator: prometheusUrl === undefined ? writesToOwn : generatorWrites,
            replicas: t.pods,
            memoryLimitBytes: t.settings.parsedResources.limitMemory,
            cpuLimitCores: t.settings.parsedResources.limitCpu,
            ...(t.tenants.length > 0 ? { tenants: t.tenants } : {}),
          },
          prometheus: { url: queried, version: prometheusUrl === undefined ? ownPrometheusVersion(this.prometheusChart) : undefined },
          ...(am ? { alertmanager: { url: am.httpUrl } } : {}),
        },
      });
      this.grafanaChart.addDependency(this.prometheusChart ?? this.prometheusOperatorChart ?? this.tempoChart);
    }

    if (props.gateway) {
      this.gatewayChart = new GatewayChart(this, 'gateway', {
        namespace,
        labels,
        gateway: {
          ...props.gateway,
          tempo: {
            otlpGrpc: t.otlpGrpcEndpoint,
            otlpHttp: t.otlpHttpAddress,
            query: t.httpAddress,
            maxRequestBytes: t.settings.maxRequestBytes,
          },
          // With tenants, every credential must map to one Tempo admits (the others are refused with 429).
          ...(t.tenants.length > 0 ? { knownTenants: t.tenants } : {}),
        },
      });
      this.gatewayChart.addDependency(this.tempoChart);
    }

    // Last in the file order: nothing waits for it, and the other components' files keep their names.
    for (const chart of [this.tempoChart, this.prometheusChart, this.grafanaChart, this.gatewayChart]) {
      if (chart) this.alertmanagerChart?.addDependency(chart);
    }

    this.warnings = tempoWarnings(t.settings);
    this.providedSecrets = [
      ...(this.grafanaChart?.grafana.providedSecrets ?? []),
      ...(this.gatewayChart?.gateway.providedSecrets ?? []),
      ...(am?.providedSecrets ?? []),
    ];
    this.generatedSecrets = [
      ...(this.minioChart?.minio.generatedSecrets ?? []),
      ...(this.grafanaChart?.grafana.generatedSecrets ?? []),
    ];
  }
}

/** The release of the stack's own Prometheus image, for Grafana's datasource. */
function ownPrometheusVersion(chart: PrometheusChart | undefined): string | undefined {
  return chart ? imageVersion(chart.prometheus.settings.image) : undefined;
}

/** What Prometheus needs to know about Tempo's pods, from the Tempo construct. */
function scrapeTarget(tempo: Tempo | TempoDistributed): TempoScrapeTarget {
  return {
    podSelector: tempo.podSelector,
    metricsPortName: tempo.metricsPortName,
    replicas: tempo.pods,
    namespace: tempo.settings.namespace,
    memoryLimitBytes: tempo.settings.parsedResources.limitMemory,
    ...(tempoRingMembers(tempo.settings) ? { rings: tempoRingMembers(tempo.settings) } : {}),
  };
}

