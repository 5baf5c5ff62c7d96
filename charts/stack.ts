import { Construct } from 'constructs';
import { MinioChart, MinioProps } from './minio';
import { NamespaceChart } from './shared/namespace';
import { GeneratedSecret } from './shared/secrets';
import { fail } from './shared/validate';
import { TempoChart, TempoProps } from './tempo';

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
}

/**
 * The whole tracing stack of one environment. This is the one place that wires components
 * together: each exposes the names and URLs the others need, and none imports another.
 *
 * Creates the charts `namespace`, then `minio` (when asked for) and `tempo`; their files sort in
 * that order, so `kubectl apply -f` creates the Namespace first.
 */
export class TempoStack extends Construct {
  /** The namespace every object lives in. */
  public readonly namespace: string;
  /** The Secrets the stack references that the deploy script may create (listed in `secrets.txt`). */
  public readonly generatedSecrets: readonly GeneratedSecret[];
  public readonly namespaceChart: NamespaceChart;
  public readonly minioChart?: MinioChart;
  public readonly tempoChart: TempoChart;

  constructor(scope: Construct, id: string, props: TempoStackProps) {
    super(scope, id);
    const { namespace } = props;
    this.namespace = namespace;
    // The instance label tells deploy.sh which environment owns the namespace.
    this.namespaceChart = new NamespaceChart(this, 'namespace', { namespace, instance: id });

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

    this.tempoChart = new TempoChart(this, 'tempo', { namespace, tempo });
    this.tempoChart.addDependency(this.minioChart ?? this.namespaceChart);
    this.generatedSecrets = [...(this.minioChart?.minio.generatedSecrets ?? [])];
  }
}
