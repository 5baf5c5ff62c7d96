import { deepMerge } from '../shared/merge';
import { GENERATOR_TENANT_LABEL } from '../shared/tenancy';
import { serviceFqdn } from '../shared/workload';
import { TempoSettings } from './settings';


/** Ports Tempo listens on; the container, the Services and the config all take them from here. */
export const TEMPO_PORTS = {
  http: 3200,
  grpc: 9095,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  memberlist: 7946,
} as const;

/** Where the PersistentVolume is mounted, and the paths Tempo writes below it. */
export const TEMPO_DATA_DIR = '/var/tempo';
export const TEMPO_PATHS = {
  wal: `${TEMPO_DATA_DIR}/wal`,
  blocks: `${TEMPO_DATA_DIR}/blocks`,
  generatorWal: `${TEMPO_DATA_DIR}/generator/wal`,
  generatorTraces: `${TEMPO_DATA_DIR}/generator/traces`,
} as const;

/** Where the tenants' runtime overrides ConfigMap is mounted (a directory: a subPath mount would never see an update). */
export const TEMPO_OVERRIDES_DIR = '/runtime-config';
/** The runtime overrides file inside TEMPO_OVERRIDES_DIR. */
export const TEMPO_OVERRIDES_FILE = 'overrides.yaml';

/** Environment variables the config refers to as `${VAR}` (expanded by `-config.expand-env=true`). */
export const TEMPO_ENV = {
  podName: 'POD_NAME',
  podIp: 'POD_IP',
  azureStorageKey: 'AZURE_STORAGE_KEY',
} as const;

/** DNS names the cluster relies on, derived from the object names and the namespace. */
export interface TempoAddresses {
  /** The headless Service every pod is published in (ready or not); also the StatefulSet's governing Service. */
  readonly headlessService: string;
  /** The headless Service memberlist joins through. */
  readonly gossipService: string;
}

/** The names of the Services a Tempo deployment creates. */
export function tempoAddresses(settings: Pick<TempoSettings, 'name' | 'namespace'>): TempoAddresses {
  return { headlessService: `${settings.name}-headless`, gossipService: `${settings.name}-gossip` };
}

/** The memberlist cluster label: unique per stack, so two stacks in one network never gossip into each other. */
export function clusterLabel(settings: Pick<TempoSettings, 'name' | 'namespace'>): string {
  return `${settings.namespace}.${settings.name}`;
}

/** Whether the config needs `-config.expand-env=true` (it refers to `${VAR}`). */
export function needsEnvExpansion(settings: TempoSettings): boolean {
  return settings.mode !== 'single-node' || (settings.storage.backend === 'azure' && settings.storage.accountKey !== undefined);
}

type Dict = { [key: string]: unknown };

/**
 * The subset of Tempo 2.6's configuration this project writes. Key names are Tempo's own; every
 * key is checked against Tempo 2.6.1's key tree in the tests.
 */
export interface TempoConfig {
  target: 'all' | 'scalable-single-binary';
  /** Written only with tenants: every request must then name its tenant in X-Scope-OrgID. */
  multitenancy_enabled?: boolean;
  stream_over_http_enabled: boolean;
  server: { http_listen_port: number; grpc_listen_port: number; log_level: string; log_format: 'logfmt' };
  distributor: {
    receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
    ring?: RingConfig;
  };
  ingester: {
    trace_idle_period: string;
    flush_check_period: string;
    max_block_bytes: number;
    max_block_duration: string;
    flush_all_on_shutdown: boolean;
    lifecycler?: {
      id: string;
      address: string;
      ring: { replication_factor: number; kvstore: { store: 'memberlist' } };
      unregister_on_shutdown: boolean;
    };
  };
  compactor: {
    compaction: { block_retention: string; compaction_window: string; max_block_bytes: number };
    ring?: RingConfig;
  };
  query_frontend: { search: { duration_slo: string; throughput_bytes_slo: number; concurrent_jobs: number } };
  querier: { max_concurrent_queries: number; frontend_worker?: { frontend_address: string } };
  memberlist?: {
    join_members: string[];
    abort_if_cluster_join_fails: boolean;
    cluster_label: string;
    bind_port: number;
    advertise_addr: string;
    advertise_port: number;
  };
  metrics_generator?: {
    ring?: RingConfig;
    registry?: { inject_tenant_id_as: string };
    storage: { path: string; remote_write?: Array<{ url: string; send_exemplars: boolean }> };
    traces_storage: { path: string };
  };
  storage: { trace: { backend: string; wal: { path: string } } & Dict };
  overrides: {
    defaults: {
      ingestion: { rate_strategy: 'local' | 'global'; rate_limit_bytes: number; burst_size_bytes: number; max_traces_per_user: number };
      global: { max_bytes_per_trace: number };
      metrics_generator?: { processors: string[]; max_active_series: number };
    };
    per_tenant_override_config?: string;
  };
  usage_report: { reporting_enabled: boolean };
}

interface RingConfig {
  kvstore: { store: 'memberlist' };
  instance_id: string;
  instance_addr: string;
}

/**
 * Builds tempo.yaml from resolved settings, `configOverrides` deep-merged last. Pure: the same
 * settings always give the same object.
 */
export function buildTempoConfig(s: TempoSettings): TempoConfig {
  // Distributed mode starts from the clustered config (rings on memberlist) and splits it per target.
  const cluster = s.mode !== 'single-node';
  const generator = s.metricsGeneratorProcessors.length > 0;
  const { headlessService, gossipService } = tempoAddresses(s);
  // Ring members are identified by pod name and reached at the pod IP: the defaults (hostname,
  // the address of eth0) depend on the CNI's interface naming.
  const ring = (): RingConfig => ({ kvstore: { store: 'memberlist' }, instance_id: `\${${TEMPO_ENV.podName}}`,
    instance_addr: `\${${TEMPO_ENV.podIp}}` });

  const config: TempoConfig = {
    target: cluster ? 'scalable-single-binary' : 'all',
    // Grafana's streaming search speaks gRPC over the HTTP port.
    stream_over_http_enabled: true,
    server: { http_listen_port: TEMPO_PORTS.http, grpc_listen_port: TEMPO_PORTS.grpc, log_level: s.logLevel, log_format: 'logfmt' },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            // Explicit: Tempo 2.7 changed the default bind address to localhost, which would
            // silently drop every trace from other pods after an upgrade.
            grpc: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpGrpc}` },
            http: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpHttp}` },
          },
        },
      },
      ...(cluster ? { ring: ring() } : {}),
    },
    ingester: {
      // How long a trace stays live, and so how many live traces the rate limit can fill
      // (capacity.ts sizes max_traces_per_user and the memory from both).
      trace_idle_period: s.ingesterTraceIdlePeriod,
      flush_check_period: s.ingesterFlushCheckPeriod,
      max_block_bytes: s.ingesterMaxBlockBytes,
      max_block_duration: s.ingesterMaxBlockDuration,
      // A stopping pod writes its live traces to a block, so a rolling update loses nothing.
      flush_all_on_shutdown: true,
      ...(cluster ? {
        lifecycler: {
          id: `\${${TEMPO_ENV.podName}}`,
          address: `\${${TEMPO_ENV.podIp}}`,
          ring: { replication_factor: s.replicationFactor, kvstore: { store: 'memberlist' as const } },
          // A stopping pod (rolling update, scale-down) leaves the ring after its flush, so
          // writes never wait on a member that is gone.
          unregister_on_shutdown: true,
        },
      } : {}),
    },
    compactor: {
      compaction: { block_retention: s.blockRetention, compaction_window: s.compactionWindow, max_block_bytes: s.compactorMaxBlockBytes },
      // The compactor ring shards compaction jobs across replicas; its store defaults to none.
      ...(cluster ? { ring: ring() } : {}),
    },
    query_frontend: {
      search: {
        // duration_slo only takes effect together with throughput_bytes_slo.
        duration_slo: s.searchDurationSlo,
        throughput_bytes_slo: s.searchThroughputBytesSlo,
        concurrent_jobs: s.searchConcurrentJobs,
      },
    },
    querier: {
      max_concurrent_queries: s.querierMaxConcurrentQueries,
      // Every querier pulls work from every query-frontend: the headless Service resolves to all pods.
      ...(cluster ? { frontend_worker: { frontend_address: `${serviceFqdn(headlessService, s.namespace)}:${TEMPO_PORTS.grpc}` } } : {}),
    },
    ...(cluster ? {
      memberlist: {
        join_members: [`dns+${serviceFqdn(gossipService, s.namespace)}:${TEMPO_PORTS.memberlist}`],
        // Pods start in parallel; the first one up has nobody to join yet.
        abort_if_cluster_join_fails: false,
        cluster_label: clusterLabel(s),
        bind_port: TEMPO_PORTS.memberlist,
        advertise_addr: `\${${TEMPO_ENV.podIp}}`,
        advertise_port: TEMPO_PORTS.memberlist,
      },
    } : {}),
    ...(generator ? {
      metrics_generator: {
        ...(cluster ? { ring: ring() } : {}),
        storage: {
          path: TEMPO_PATHS.generatorWal,
          ...(s.metricsRemoteWriteUrl ? { remote_write: [{ url: s.metricsRemoteWriteUrl, send_exemplars: true }] } : {}),
        },
        traces_storage: { path: TEMPO_PATHS.generatorTraces },
      },
    } : {}),
    storage: { trace: { backend: s.storage.backend, wal: { path: TEMPO_PATHS.wal }, ...storageBackendConfig(s) } },
    overrides: {
      defaults: {
        ingestion: {
          rate_strategy: s.capacity.rateStrategy,
          rate_limit_bytes: s.capacity.rateLimitBytes,
          burst_size_bytes: s.capacity.burstSizeBytes,
          max_traces_per_user: s.capacity.maxTracesPerUser,
        },
        global: { max_bytes_per_trace: s.maxBytesPerTrace },
        // Processors stay off until listed here, whatever metrics_generator says.
        ...(generator ? {
          metrics_generator: { processors: [...s.metricsGeneratorProcessors], max_active_series: s.metricsGeneratorMaxActiveSeries },
        } : {}),
      },
    },
    usage_report: { reporting_enabled: s.usageReporting },
  };
  if (s.tenants) applyTenants(config);
  // Last, so a user's key wins over the generated one.
  return deepMerge(config, s.configOverrides);
}

/**
 * Multitenancy on, the tenants' limits read from the runtime overrides file (reloaded every
 * `per_tenant_override_period`, 10 s, without a restart), and the generator's series labelled with
 * their tenant so dashboards can tell tenants apart.
 */
function applyTenants(config: TempoConfig): void {
  config.multitenancy_enabled = true;
  config.overrides.per_tenant_override_config = `${TEMPO_OVERRIDES_DIR}/${TEMPO_OVERRIDES_FILE}`;
  if (config.metrics_generator) config.metrics_generator = { registry: { inject_tenant_id_as: GENERATOR_TENANT_LABEL }, ...config.metrics_generator };
}

function storageBackendConfig(s: TempoSettings): Dict {
  const storage = s.storage;
  switch (storage.backend) {
    case 'local':
      return { local: { path: TEMPO_PATHS.blocks } };
    case 's3':
      // access_key / secret_key stay empty: Tempo then reads AWS_ACCESS_KEY_ID and
      // AWS_SECRET_ACCESS_KEY from its environment (filled from a Secret) or uses IRSA.
      return {
        s3: {
          bucket: storage.bucket,
          endpoint: storage.endpoint ?? `s3.${storage.region}.amazonaws.com`,
          ...(storage.region ? { region: storage.region } : {}),
          insecure: storage.insecure ?? false,
          forcepathstyle: storage.forcePathStyle ?? false,
          ...(storage.prefix ? { prefix: storage.prefix } : {}),
        },
      };
    case 'gcs':
      return { gcs: { bucket_name: storage.bucket, ...(storage.prefix ? { prefix: storage.prefix } : {}) } };
    case 'azure':
      return {
        azure: {
          container_name: storage.container,
          storage_account_name: storage.storageAccountName,
          ...(storage.accountKey ? { storage_account_key: `\${${TEMPO_ENV.azureStorageKey}}` } : { use_federated_token: true }),
          endpoint_suffix: storage.endpointSuffix ?? 'blob.core.windows.net',
          ...(storage.prefix ? { prefix: storage.prefix } : {}),
        },
      };
  }
}
