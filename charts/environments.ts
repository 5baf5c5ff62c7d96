import { TempoStackProps } from './stack';

/** One deployable environment: a folder `dist/<name>/` that `kubectl apply -f` takes on its own. */
export interface Environment {
  /** Folder name under dist/. */
  readonly name: string;
  /** What the environment is for. */
  readonly description: string;
  /** The stack it deploys. */
  readonly stack: TempoStackProps;
}

/** The environments `npm run synth` writes. */
export const ENVIRONMENTS: readonly Environment[] = [
  {
    name: 'dev',
    description: 'Development: single-node Tempo with the basic preset and local storage; Prometheus keeps 3 days.',
    stack: {
      namespace: 'tempo-dev',
      tempo: { mode: 'single-node', preset: 'basic' },
      prometheus: { environment: 'dev', retentionTime: '3d', storageSize: '2Gi' },
    },
  },
  {
    name: 'single-node',
    description: 'Production single node: Tempo with compaction and retention tuned, ingestion sized for 2 000 traces/s; Prometheus with the Tempo alerts.',
    stack: { namespace: 'tempo', tempo: { mode: 'single-node', preset: 'single-node' }, prometheus: {} },
  },
  {
    name: 'cluster',
    description: 'Production cluster: three Tempo replicas gossiping over memberlist, replication factor 3, metrics-generator, '
      + 'blocks in the bundled MinIO (replace it with your S3, GCS or Azure store for production); Prometheus receiving the generator\'s metrics.',
    stack: {
      namespace: 'tempo-cluster',
      tempo: {
        mode: 'cluster',
        preset: 'with-metrics',
        replicas: 3,
      },
      minio: {},
      // The metrics-generator remote-writes here (the stack points Tempo at it).
      prometheus: {},
    },
  },
];
