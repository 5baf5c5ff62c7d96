import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Minio } from './minio';
import { MinioProps } from './props';

/** Props of a MinioChart: the chart's own (namespace, labels) and MinIO's. */
export interface MinioChartProps extends ChartProps {
  /** @default - MinioProps defaults */
  readonly minio?: MinioProps;
}

/**
 * A chart holding one bundled MinIO, for trying the Tempo cluster on a laptop cluster. NOT for
 * production; its objects land in one file.
 */
export class MinioChart extends Chart {
  /** The MinIO construct, for its endpoint, bucket, credentials and objects. */
  public readonly minio: Minio;

  constructor(scope: Construct, id: string, props: MinioChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.minio = new Minio(this, 'minio', { namespace: props.namespace, ...props.minio });
  }
}
