import { Construct } from 'constructs';
import { MinioChart, MinioProps } from './minio';
import {
  PrometheusChart, PrometheusOperatorChart, PrometheusOperatorProps, PrometheusProps, TempoScrapeTarget, prometheusUrls,
} from './prometheus';
import { NamespaceChart } from './shared/namespace';
import { checkQuantity, fail } from './shared/validate';
import { Tempo, TempoChart, TempoProps } from './tempo';

/**
 * The series cap the stack budgets for Tempo's metrics-generator: Tempo's per-tenant
 * `metrics_generator.max_active_series`, which comes from Tempo's settings
 * (`metricsGeneratorMaxActiveSeries`) once Tempo exposes it.
 */
export const GENERATOR_ACTIVE_SERIES = 50_000;

/** Prometheus settings the stack takes; the Tempo target, the metrics-generator and its series cap come from Tempo. */
export type StackPrometheusProps = Omit<PrometheusProps, 'tempo' | 'namespace' | 'metricsGenerator' | 'generatorActiveSeries'>;

/** Prometheus Operator settings the stack takes; the Tempo target and the metrics-generator come from Tempo. */
export type StackPrometheusOperatorProps = Omit<PrometheusOperatorProps, 'tempo' | 'namespace' | 'metricsGenerator'>;

/** Props of a TempoStack. */
export interface TempoStackProps {
  /** The namespace every object of the stack lives in; the stack creates it. A DNS label. */
  readonly namespace: string;
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
}

/**
 * The whole tracing stack of one environment. This is the one place that wires components
 * together: each exposes the names and URLs the others need, and none imports another.
 *
 * Creates the charts `namespace`, then `minio` (when asked for), `tempo`, and `prometheus` (or
 * `prometheus-operator`); their files sort in that order, so `kubectl apply -f` creates the
 * Namespace first.
 */
export class TempoStack extends Construct {
  public readonly namespaceChart: NamespaceChart;
  public readonly minioChart?: MinioChart;
  public readonly tempoChart: TempoChart;
  public readonly prometheusChart?: PrometheusChart;
  public readonly prometheusOperatorChart?: PrometheusOperatorChart;

  constructor(scope: Construct, id: string, props: TempoStackProps) {
    super(scope, id);
    const { namespace } = props;
    this.namespaceChart = new NamespaceChart(this, 'namespace', { namespace });

    let tempo: TempoProps = props.tempo ?? {};
    if (props.minio) {
      if (tempo.storage) {
        fail('stack', 'minio', 'cannot be combined with tempo.storage', tempo.storage.backend,
          'remove minio to use your own object store, or remove tempo.storage to use the bundled MinIO');
      }
      this.minioChart = new MinioChart(this, 'minio', { namespace, minio: props.minio });
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
    const ownRemoteWriteUrl = prometheus ? prometheusUrls(prometheus.name, namespace).remoteWriteUrl : undefined;
    tempo = { ...tempo, metricsRemoteWriteUrl: tempo.metricsRemoteWriteUrl ?? ownRemoteWriteUrl };

    this.tempoChart = new TempoChart(this, 'tempo', { namespace, tempo });
    this.tempoChart.addDependency(this.minioChart ?? this.namespaceChart);
    const t = this.tempoChart.tempo;
    const generatorWrites = t.settings.metricsGeneratorProcessors.some((p) => p !== 'local-blocks');

    if (prometheus) {
      const writesHere = generatorWrites && t.settings.metricsRemoteWriteUrl === ownRemoteWriteUrl;
      this.prometheusChart = new PrometheusChart(this, 'prometheus', {
        namespace,
        prometheus: {
          ...prometheus,
          tempo: scrapeTarget(t),
          metricsGenerator: writesHere,
          ...(writesHere ? { generatorActiveSeries: GENERATOR_ACTIVE_SERIES } : {}),
        },
      });
      this.prometheusChart.addDependency(this.tempoChart);
    }
    if (props.prometheusOperator) {
      this.prometheusOperatorChart = new PrometheusOperatorChart(this, 'prometheus-operator', {
        namespace,
        operator: { ...props.prometheusOperator, tempo: scrapeTarget(t), metricsGenerator: generatorWrites },
      });
      this.prometheusOperatorChart.addDependency(this.tempoChart);
    }
  }
}

/** What Prometheus needs to know about Tempo's pods, from the Tempo construct. */
function scrapeTarget(tempo: Tempo): TempoScrapeTarget {
  return {
    podSelector: tempo.podSelector,
    metricsPortName: tempo.metricsPortName,
    replicas: tempo.settings.replicas,
    namespace: tempo.settings.namespace,
    memoryLimitBytes: checkQuantity('tempo', 'resources.limits.memory', tempo.settings.resources.limits.memory, '2Gi'),
  };
}
