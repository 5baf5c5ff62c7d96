import { ImageRef } from '../shared/images';
import { ConfigOverrides, ResourceOverrides } from '../shared/merge';
import { NamespaceSelection, NetworkPeer } from '../shared/network';
import { SecretKeyRef } from '../shared/secrets';
import { ContainerResources } from '../shared/workload';
import { WorkloadIdentityProps } from '../shared/workload-identity';


/** How Tempo runs. */
export type TempoMode =
  /** One replica with `target: all`: every module in one process, an in-memory ring. */
  | 'single-node'
  /** A StatefulSet running `-target=scalable-single-binary` whose replicas gossip over memberlist and form one ring. */
  | 'cluster'
  /**
   * Tempo's microservices deployment: distributor, ingester, querier, query-frontend, compactor
   * (and metrics-generator) as separate workloads, each `-target=<component>`, sized per component
   * (`components`). Blocks in object storage only.
   */
  | 'distributed';

/** CPU/memory and replicas of one component in distributed mode. */
export interface TempoComponentProps {
  /** @default the planner's count for `expectedLoad` */
  readonly replicas?: number;
  /** Set only the quantities to change over the planner's. @default the planner's */
  readonly resources?: ResourceOverrides;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization. */
export interface TempoAutoscaling {
  readonly minReplicas: number;
  /** The ingesters are sized for this many distributors' bursts. */
  readonly maxReplicas: number;
  /** Average CPU utilization (percent of the request) to keep. @default 75 */
  readonly targetCpuUtilizationPercent?: number;
}

/** A stateless component that may be autoscaled (distributors, queriers). */
export interface TempoAutoscaledComponentProps extends TempoComponentProps {
  /** @default - a fixed replica count, no HorizontalPodAutoscaler */
  readonly autoscaling?: TempoAutoscaling;
}

/** The ingesters: a StatefulSet (one per zone with zones) with a WAL PersistentVolumeClaim per pod. */
export interface TempoIngesterProps extends TempoComponentProps {
  /** Each ingester's PVC (WAL and head blocks). @default the planner's */
  readonly storageSize?: string;
  /**
   * Zone-aware replication: one StatefulSet per zone (`<name>-ingester-<zone>`), pinned to nodes
   * labelled `topology.kubernetes.io/zone=<zone>`, with `zone_awareness_enabled` so each trace's
   * copies land in different zones. At least as many zones as the replication factor.
   * @default - no zones
   */
  readonly zones?: readonly string[];
}

/** The metrics-generator in distributed mode; it gets a PVC when it runs local-blocks. */
export interface TempoGeneratorProps extends TempoComponentProps {
  /** @default '10Gi' */
  readonly storageSize?: string;
}

/** The components of distributed mode; every value defaults to the planner's for `expectedLoad`. */
export interface TempoComponents {
  readonly distributor?: TempoAutoscaledComponentProps;
  readonly ingester?: TempoIngesterProps;
  readonly querier?: TempoAutoscaledComponentProps;
  readonly queryFrontend?: TempoComponentProps;
  readonly compactor?: TempoComponentProps;
  readonly metricsGenerator?: TempoGeneratorProps;
}

/** Presets taken from the seed deployment guide. */
export type TempoPresetName =
  /** The guide's `tempo.yaml`: development and functional tests, small, no metrics-generator. */
  | 'basic'
  /** The guide's `tempo-single-node.yaml`: production single node, compaction and retention tuned. */
  | 'single-node'
  /** The guide's `tempo-with-metrics.yaml`: production, with the metrics-generator writing to Prometheus. */
  | 'with-metrics';

/** Tempo's log levels. */
export type TempoLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The metrics-generator processors, in Tempo's own (hyphenated) names. */
export type MetricsGeneratorProcessor = 'service-graphs' | 'span-metrics' | 'local-blocks';

/**
 * The load Tempo is expected to carry. Ingestion limits, and the check that resources fit, are
 * derived from it (see docs/capacity.md).
 */
export interface ExpectedLoad {
  /** Traces started per second, across the whole stack. */
  readonly tracesPerSecond: number;
  /** Average spans per trace. @default 10 */
  readonly spansPerTrace?: number;
  /** Average size of one span as sent over OTLP (protobuf), in bytes: sizes the byte rate limit. @default 500 */
  readonly bytesPerSpan?: number;
  /**
   * The smallest span size to guard against, in bytes: the live-trace limit and the memory are
   * sized so that even traces of `spansPerTrace` spans this small, at the full byte rate the
   * limiter admits, are kept (smaller spans mean more traces per byte). At most `bytesPerSpan`.
   * @default 100, or bytesPerSpan if smaller
   */
  readonly minBytesPerSpan?: number;
  /** Average time from a trace's first span to its last, in seconds. @default 5 */
  readonly traceDurationSeconds?: number;
  /** How many times the expected load must still be kept without discarding a span. @default 2 */
  readonly headroom?: number;
}

/**
 * CPU and memory for each Tempo container, as Kubernetes quantities. The presets' defaults are
 * the seed's production values (requests 500m / 512Mi, limits 2 / 2G, the memory limit raised to 2560Mi) for single-node.
 */
export type TempoResources = ContainerResources;

/** Blocks on the pod's own PersistentVolume. Single node only: each replica would only see its own blocks. */
export interface LocalStorage {
  readonly backend: 'local';
}

/** Amazon S3 or an S3-compatible store (MinIO, Ceph, R2, ...). */
export interface S3Storage {
  readonly backend: 's3';
  /** The bucket; it must exist. */
  readonly bucket: string;
  /**
   * `host:port` without a scheme, e.g. `s3.eu-west-1.amazonaws.com` or `minio.tempo.svc.cluster.local:9000`.
   * @default 's3.<region>.amazonaws.com' when region is set
   */
  readonly endpoint?: string;
  /** @default - none (Tempo's client decides) */
  readonly region?: string;
  /** Plain HTTP instead of HTTPS (MinIO inside the cluster). @default false */
  readonly insecure?: boolean;
  /** Path-style requests (`endpoint/bucket/key`), needed by MinIO and most non-AWS stores. @default false */
  readonly forcePathStyle?: boolean;
  /** A prefix inside the bucket, to share one bucket. @default - none */
  readonly prefix?: string;
  /**
   * Static credentials from a Secret, exposed to Tempo as `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY`. Leave unset for IAM roles for service accounts or instance roles.
   * @default - the AWS credential chain (IRSA, instance profile)
   */
  readonly credentials?: { readonly accessKeyId: SecretKeyRef; readonly secretAccessKey: SecretKeyRef };
}

/** Google Cloud Storage. */
export interface GcsStorage {
  readonly backend: 'gcs';
  /** The bucket; it must exist. */
  readonly bucket: string;
  /** A prefix inside the bucket. @default - none */
  readonly prefix?: string;
  /**
   * A service-account key file (JSON) from a Secret, mounted read-only and named by
   * `GOOGLE_APPLICATION_CREDENTIALS`. Leave unset for Workload Identity.
   * @default - Application Default Credentials (Workload Identity)
   */
  readonly credentials?: SecretKeyRef;
}

/** Azure Blob Storage. */
export interface AzureStorage {
  readonly backend: 'azure';
  /** The blob container; it must exist. */
  readonly container: string;
  /** The storage account. */
  readonly storageAccountName: string;
  /** A prefix inside the container. @default - none */
  readonly prefix?: string;
  /** @default 'blob.core.windows.net' */
  readonly endpointSuffix?: string;
  /**
   * The storage account key from a Secret, handed to Tempo as `${AZURE_STORAGE_KEY}` with
   * `-config.expand-env=true`. Leave unset for Azure Workload Identity (federated token).
   * @default - Workload Identity
   */
  readonly accountKey?: SecretKeyRef;
}

/**
 * Where Tempo keeps its blocks.
 * @discriminator backend
 */
export type TempoStorage = LocalStorage | S3Storage | GcsStorage | AzureStorage;

/**
 * One tenant of a multi-tenant Tempo: an id senders and readers put in the `X-Scope-OrgID` header,
 * and limits of its own over the stack's defaults. Every limit left out is the stack's (the
 * ingestion rate an even share of the planned one); Tempo itself would give it zero, so the stack
 * writes each tenant's entry complete.
 */
export interface TempoTenant {
  /** The tenant id: Tempo's tenant-id characters (letters, digits, `!-_.*'()`), at most 150, not `.`, `..` or `*`. */
  readonly id: string;
  /**
   * `ingestion.rate_limit_bytes` of this tenant (per distributor with `rateStrategy: local`, for the
   * whole stack with `global`). Its live-trace limit and its share of the ingesters' memory follow from it.
   * @default the stack's planned rate divided evenly among the tenants
   */
  readonly ingestionRateLimitBytes?: number;
  /** `ingestion.burst_size_bytes` of this tenant, per distributor. @default derived from its rate as for the stack (at least 20 MB) */
  readonly ingestionBurstSizeBytes?: number;
  /**
   * `ingestion.max_traces_per_user`: live traces per ingester. At least what its rate can fill (a
   * lower limit would drop spans after a 200); more costs memory.
   * @default what its rate can fill
   */
  readonly maxTracesPerUser?: number;
  /** `global.max_bytes_per_trace` of this tenant. @default the stack's maxBytesPerTrace */
  readonly maxBytesPerTrace?: number;
  /** `compaction.block_retention`: how long this tenant's traces are kept. @default the stack's blockRetention */
  readonly blockRetention?: string;
  /** `metrics_generator.processors`: a subset of the stack's processors. @default the stack's metricsGeneratorProcessors */
  readonly metricsGeneratorProcessors?: readonly MetricsGeneratorProcessor[];
  /** `metrics_generator.max_active_series` of this tenant, per generator. @default the stack's metricsGeneratorMaxActiveSeries */
  readonly metricsGeneratorMaxActiveSeries?: number;
}

/** Settings of a Tempo deployment. Every prop is optional; unset ones come from the preset. */
export interface TempoProps extends WorkloadIdentityProps {
  /** Name of the StatefulSet, its Services and ConfigMap. A DNS label. @default 'tempo' */
  readonly name?: string;
  /** Namespace the objects live in; it appears in DNS names (memberlist join address). @default 'default' */
  readonly namespace?: string;
  /** @default 'single-node' */
  readonly mode?: TempoMode;
  /** @default 'single-node' in single-node mode, 'with-metrics' in cluster and distributed mode */
  readonly preset?: TempoPresetName;
  /** Number of replicas. Must be 1 in single-node mode. @default 1 (single-node), 3 (cluster) */
  readonly replicas?: number;
  /** Ingester replication factor (cluster mode); at most `replicas`. @default min(3, replicas) */
  readonly replicationFactor?: number;
  /** The image; the tag must be pinned (2.6.0 works too). @default grafana/tempo:2.6.1 */
  readonly image?: ImageRef;
  /** The load to size ingestion limits and check resources against. @default preset's */
  readonly expectedLoad?: ExpectedLoad;
  /**
   * `overrides.defaults.ingestion.rate_strategy`. `local`: every distributor admits the whole
   * planned byte rate, so a sender pinned to one replica (one gRPC connection) gets all of it, but
   * the cluster admits up to replicas x that and every ingester must be sized for
   * replicationFactor x the planned load. `global`: the replicas share the planned rate (each
   * admits rate / healthy replicas), so ingesters are sized for their share, and senders must
   * spread over the replicas (several connections or collector replicas) or be refused with 429
   * past their share.
   * @default 'local' in single-node mode, 'global' in cluster and distributed mode (where only 'global' is accepted)
   */
  readonly rateStrategy?: 'local' | 'global';
  /**
   * `ingester.trace_idle_period`: a trace that received no span for this long is written to the
   * WAL at the next sweep. Shorter holds fewer live traces; shorter than the gap between two
   * exports of one trace's spans (OpenTelemetry SDKs export every 5 s) splits traces.
   * @default preset's ('10s', Tempo's default)
   */
  readonly ingesterTraceIdlePeriod?: string;
  /** `ingester.flush_check_period`: how often idle traces are swept out of memory. @default preset's ('5s'; Tempo's is 10s) */
  readonly ingesterFlushCheckPeriod?: string;
  /**
   * `overrides.defaults.global.max_bytes_per_trace`: larger traces are discarded as
   * `trace_too_large` after a 200. Must hold a trace of the declared shape
   * (`expectedLoad.spansPerTrace x bytesPerSpan`).
   * @default Tempo's 5 000 000, or twice the declared trace if that is larger
   */
  readonly maxBytesPerTrace?: number;
  /**
   * `overrides.defaults.metrics_generator.max_active_series`: active series each
   * metrics-generator instance keeps (series past it are not created and counted in
   * `tempo_metrics_generator_registry_series_limited_total`). Each generator labels its series
   * with its own instance, so Prometheus holds up to replicas x this. Only written when the
   * generator runs. Tempo's default 0 (unlimited) is not accepted: Prometheus could not be sized.
   * @default 10000
   */
  readonly metricsGeneratorMaxActiveSeries?: number;
  /**
   * CPU and memory of each Tempo container, on top of the preset's: set only the quantities to
   * change (`{ limits: { memory: '3Gi' } }` keeps the preset's requests and CPU limit). The result
   * must keep each request at most its limit, and the limits must fit the expected load.
   * @default preset's
   */
  readonly resources?: ResourceOverrides;
  /**
   * tempo.yaml keys this project does not model, deep-merged over the generated config last:
   * mappings merge key by key, a list or scalar replaces what was there, `null` removes a key.
   * Every key path is checked against Tempo 2.6.1's key tree at synth time (an unknown or
   * misplaced key stops Tempo at start-up): a typo throws with its path and the closest known key.
   * Values are not checked, and a key a prop sets is overwritten as written, so prefer the prop
   * when there is one. The keys the Kubernetes objects are built around are refused: `target`, the
   * listen ports and OTLP endpoints, memberlist's ports, and the paths on the volume.
   * Never put a secret here (it would land in the ConfigMap and in dist/): keys such as
   * `secret_key`, `access_key`, `password`, `credentials` are refused; credentials come from
   * Secrets through `storage.credentials` / `storage.accountKey`.
   * @default - none
   */
  readonly configOverrides?: ConfigOverrides;
  /**
   * Tenants: setting this turns on `multitenancy_enabled`, so every write and read must carry an
   * `X-Scope-OrgID` header naming one of them. Their limits live in a runtime overrides ConfigMap
   * that Tempo reloads without a restart; a tenant id not listed is refused (its rate limit is 0).
   * Without the authenticated gateway any sender allowed to reach the OTLP ports can write as any
   * listed tenant (docs/tenants.md).
   * @default - one implicit tenant, multitenancy off
   */
  readonly tenants?: readonly TempoTenant[];
  /** Per-component replicas, resources and options in distributed mode (refused in the other modes). @default the planner's */
  readonly components?: TempoComponents;
  /** Where blocks are kept. @default { backend: 'local' } */
  readonly storage?: TempoStorage;
  /**
   * Size of each replica's PersistentVolumeClaim at /var/tempo: the WAL, and every block with local
   * storage.
   * With object storage the default is what the WAL holds at the planned load (as `npm run plan`
   * reports it), a fifth to spare, at least 10Gi.
   * @default - the preset's with local storage (5Gi basic, 200Gi otherwise); the WAL's size with object storage
   */
  readonly storageSize?: string;
  /** StorageClass of the PVCs. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** `ingester.max_block_bytes`: cut the head block when it reaches this size. @default preset's */
  readonly ingesterMaxBlockBytes?: number;
  /** `ingester.max_block_duration`: cut the head block after this long. @default preset's */
  readonly ingesterMaxBlockDuration?: string;
  /** `compactor.compaction.block_retention`: how long traces are kept. @default preset's */
  readonly blockRetention?: string;
  /** `compactor.compaction.compaction_window`: blocks within this window are compacted together. @default preset's */
  readonly compactionWindow?: string;
  /** `compactor.compaction.max_block_bytes`: the largest block compaction produces. @default preset's */
  readonly compactorMaxBlockBytes?: number;
  /** `query_frontend.search.duration_slo`: searches faster than this count towards the SLO metrics. @default preset's */
  readonly searchDurationSlo?: string;
  /**
   * `query_frontend.search.throughput_bytes_slo`: searches with at least this throughput count towards the SLO (needed with duration_slo).
   * @default preset's
   */
  readonly searchThroughputBytesSlo?: number;
  /** `query_frontend.search.concurrent_jobs`. @default preset's */
  readonly searchConcurrentJobs?: number;
  /** `querier.max_concurrent_queries`. @default preset's */
  readonly querierMaxConcurrentQueries?: number;
  /** `server.log_level`. @default 'info' */
  readonly logLevel?: TempoLogLevel;
  /** Send anonymous usage statistics to Grafana Labs (`usage_report.reporting_enabled`). @default false */
  readonly usageReporting?: boolean;
  /** The Prometheus remote-write URL the metrics-generator writes to (required with the metrics-generator). @default - none */
  readonly metricsRemoteWriteUrl?: string;
  /** The metrics-generator processors to enable; an empty list turns the generator off. @default all three with 'with-metrics', none otherwise */
  readonly metricsGeneratorProcessors?: readonly MetricsGeneratorProcessor[];
  /**
   * An ingress NetworkPolicy: OTLP (otlp-grpc, otlp-http) from `otlpFromNamespaces`, the API
   * (http, also /metrics) from `apiClients` and Tempo's own pods, grpc and memberlist gossip only
   * between Tempo's own pods. `kubectl port-forward` is not affected.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /** Seconds Kubernetes waits for a stopping pod to flush before killing it. @default 300 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * The namespaces whose pods may send traces to the OTLP ports (otlp-grpc 4317, otlp-http 4318),
   * e.g. `['shop', 'payments']`. Ignored with `networkPolicy: false`.
   * @default 'all', or none with `otlpClients`
   */
  readonly otlpFromNamespaces?: NamespaceSelection;
  /**
   * Pods that may send traces to the OTLP ports besides `otlpFromNamespaces`: in the stack, the OTLP
   * gateway. When set, `otlpFromNamespaces` admits nobody unless it is set too (the gateway is
   * then the only way in).
   * @default - none: `otlpFromNamespaces` alone decides
   */
  readonly otlpClients?: readonly NetworkPeer[];
  /**
   * The pods that may use Tempo's API port (http 3200: queries, and /metrics for scraping) besides
   * Tempo's own pods: Grafana and Prometheus. In the stack, its own Grafana and Prometheus are
   * added to this list. Ignored with `networkPolicy: false`.
   * @default - standalone: every pod of every namespace (a lone Tempo does not know who queries it); in the stack: its Grafana and Prometheus
   */
  readonly apiClients?: readonly NetworkPeer[];
}
