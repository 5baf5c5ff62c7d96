import { IMAGES } from '../shared/images';
import {
  checkDnsLabel, checkDnsSubdomain, checkDuration, checkImageRepository, checkImageTag, checkInteger, checkOneOf, checkPositiveNumber,
  checkQuantity, fail, formatMiB,
} from '../shared/validate';
import { ConfigOverrides, closestKey, resolveResources, secretOverridePaths, valueAtPath } from '../shared/merge';
import { checkNamespaceSelection, checkNetworkPeers } from '../shared/network';
import { ParsedResources } from '../shared/workload';
import {
  BASELINE_MEMORY_BYTES, CapacityPlan, GRPC_MAX_RECV_BYTES, RateStrategy, ResolvedLoad, planCapacity, resolveLoad, volumeSizeFor, walBytesPerReplica,
} from './capacity';
import { tempoKeysAt, unknownTempoKeys } from './keys';
import { TEMPO_PRESETS, TEMPO_PRESET_PROPS, TempoPreset, TempoPresetProp } from './presets';
import { TenantSettings, resolveTenants, tenantsActiveSeries } from './tenants';
import { DistributedSettings, distributedCapacityPlan, resolveDistributedSettings } from './distributed/settings';
import { checkStorageNames } from './storage-names';
import {
  MetricsGeneratorProcessor, TempoLogLevel, TempoMode, TempoPresetName, TempoProps, TempoResources, TempoStorage,
} from './props';
import { WorkloadIdentity, resolveWorkloadIdentity } from '../shared/workload-identity';

const C = 'tempo';

/** The preset props settings hold as they are: the prop where set, else the preset's value. */
type PlainPresetProp = Exclude<TempoPresetProp, 'expectedLoad' | 'resources' | 'storageSize'>;
const PLAIN_PRESET_PROPS = TEMPO_PRESET_PROPS.filter((k): k is PlainPresetProp => k !== 'expectedLoad' && k !== 'resources' && k !== 'storageSize');

/** Those props resolved: one field per prop, of the prop's type, never undefined. */
export type TempoPresetSettings = { readonly [K in Exclude<TempoPresetProp, 'expectedLoad' | 'resources' | 'storageSize'>]: TempoPreset[K] };

/**
 * Every Tempo setting with defaults applied and validated: the input of the config builder and the
 * construct. Fields named like a prop have that prop's type and meaning (documented on TempoProps):
 * the preset's props (TempoPresetSettings) and the others, resolved; `expectedLoad` becomes `load`,
 * `resources` is merged over the preset's, `storageSize` is derived with object storage. The rest
 * is derived once here, so neither the construct nor the stack derives it again.
 */
export interface TempoSettings extends TempoPresetSettings, WorkloadIdentity,
  Required<Pick<TempoProps, 'name' | 'namespace' | 'mode' | 'preset' | 'replicas' | 'replicationFactor' | 'image' | 'storage' | 'maxBytesPerTrace'
    | 'usageReporting' | 'metricsGeneratorMaxActiveSeries' | 'networkPolicy' | 'terminationGracePeriodSeconds'>>,
  // Optional as props: undefined is the documented default behaviour (`otlpFromNamespaces` is
  // undefined, admitting no namespace, when only `otlpClients` is set).
  Pick<TempoProps, 'storageClassName' | 'metricsRemoteWriteUrl' | 'apiClients' | 'configOverrides' | 'otlpFromNamespaces' | 'otlpClients'> {
  readonly load: ResolvedLoad;
  readonly capacity: CapacityPlan;
  readonly resources: TempoResources;
  /** `resources` parsed: cores and bytes. */
  readonly parsedResources: ParsedResources;
  readonly storageSize: string;
  /** A processor that remote-writes series runs (service-graphs or span-metrics; local-blocks only keeps blocks). */
  readonly metricsGeneratorWrites: boolean;
  /** The local-blocks processor runs (TraceQL metrics over recent blocks). */
  readonly localBlocks: boolean;
  /**
   * The most series the generators remote-write together: every replica's generator labels its own
   * series, so `replicas` x `metricsGeneratorMaxActiveSeries`; 0 when nothing is written.
   */
  readonly generatorSeriesBudget: number;
  /**
   * The largest OTLP request Tempo admits, in bytes: a distributor's token bucket never admits one
   * above its burst (each tenant's, with tenants), nor its gRPC server one above 16 MiB.
   */
  readonly maxRequestBytes: number;
  /** Distributed mode's components and per-component capacity; undefined in the other modes. */
  readonly distributed?: DistributedSettings;
  /** The tenants with their limits resolved; undefined: one implicit tenant, multitenancy off. */
  readonly tenants?: readonly TenantSettings[];
}

const MODES: readonly TempoMode[] = ['single-node', 'cluster', 'distributed'];
const PRESETS = Object.keys(TEMPO_PRESETS) as TempoPresetName[];
const LOG_LEVELS: readonly TempoLogLevel[] = ['debug', 'info', 'warn', 'error'];
const PROCESSORS: readonly MetricsGeneratorProcessor[] = ['service-graphs', 'span-metrics', 'local-blocks'];
const RATE_STRATEGIES: readonly RateStrategy[] = ['local', 'global'];

/** Longest name: `<name>-headless` (and pod `<name>-NN`) must stay a 63-character DNS label. */
const MAX_NAME_LENGTH = 40;

/** Resolves and validates TempoProps. Throws a ConfigError naming the prop on bad input. */
export function resolveTempoSettings(props: TempoProps = {}): TempoSettings {
  const name = checkDnsLabel(C, 'name', props.name ?? 'tempo', MAX_NAME_LENGTH);
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default');
  const mode = checkOneOf(C, 'mode', props.mode ?? 'single-node', MODES);
  const preset = checkOneOf(C, 'preset', props.preset ?? (mode === 'single-node' ? 'single-node' : 'with-metrics'), PRESETS);
  const defaults = TEMPO_PRESETS[preset];

  if (mode !== 'distributed' && props.components !== undefined) {
    fail(C, 'components', 'is only for mode \'distributed\'', Object.keys(props.components),
      'use replicas and resources in this mode, or set mode \'distributed\'');
  }
  if (mode === 'distributed' && props.replicas !== undefined) {
    fail(C, 'replicas', 'does not apply in distributed mode', props.replicas, 'set each component\'s count, e.g. components.ingester.replicas');
  }

  const image = props.image ?? IMAGES.tempo;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, 'use e.g. \'grafana/tempo\'');
  checkImageRepository(C, 'image.repository', image.repository, 'grafana/tempo');
  checkImageTag(C, 'image.tag', image.tag, '2.6.1');

  const storage = props.storage ?? { backend: 'local' };
  validateStorage(mode, storage);

  const tuned = resolvePresetProps(props, defaults);
  const processors = tuned.metricsGeneratorProcessors;
  const metricsRemoteWriteUrl = props.metricsRemoteWriteUrl;
  const metricsGeneratorWrites = processors.some((p) => p !== 'local-blocks');
  if (metricsGeneratorWrites && !metricsRemoteWriteUrl) {
    fail(C, 'metricsRemoteWriteUrl', `is required when the metrics-generator runs (preset '${preset}')`, metricsRemoteWriteUrl,
      'pass the Prometheus remote-write URL, e.g. \'http://prometheus:9090/api/v1/write\', or set metricsGeneratorProcessors to []');
  }
  if (metricsRemoteWriteUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(metricsRemoteWriteUrl)) {
    fail(C, 'metricsRemoteWriteUrl', 'must be an http(s) URL', metricsRemoteWriteUrl, 'use e.g. \'http://prometheus:9090/api/v1/write\'');
  }

  const load = resolveLoad(props.expectedLoad ?? defaults.expectedLoad);
  validateLoad(load);
  const rateStrategy = checkOneOf(C, 'rateStrategy', props.rateStrategy ?? (mode === 'single-node' ? 'local' : 'global'), RATE_STRATEGIES);
  if (mode === 'distributed' && rateStrategy !== 'global') {
    fail(C, 'rateStrategy', 'must be \'global\' in distributed mode', rateStrategy,
      'distributors scale apart from ingesters: with local each would admit the whole rate and the ingesters could not be sized');
  }
  const timing = {
    traceIdlePeriodSeconds: checkDuration(C, 'ingesterTraceIdlePeriod', tuned.ingesterTraceIdlePeriod),
    flushCheckPeriodSeconds: checkDuration(C, 'ingesterFlushCheckPeriod', tuned.ingesterFlushCheckPeriod),
  };
  let replicas: number;
  let replicationFactor: number;
  let capacity: CapacityPlan;
  let resources: TempoResources;
  let parsed: ParsedResources;
  let distributed: DistributedSettings | undefined;
  if (mode === 'distributed') {
    distributed = resolveDistributedSettings({ components: props.components, replicationFactor: props.replicationFactor, load, timing, processors });
    const tenantsNeed = props.tenants && props.components?.ingester?.resources?.limits?.memory === undefined
      ? tenantsMemoryBytes(props.tenants, distributed, load, processors) : 0;
    if (tenantsNeed > distributed.components.ingester!.parsed.limitMemory) {
      // The planner's ingester holds one tenant's limiter; with tenants it holds all of theirs.
      const memory = `${Math.ceil(tenantsNeed / (256 * 2 ** 20)) * 256}Mi`;
      const ingester = props.components?.ingester ?? {};
      const resources = {
        ...ingester.resources, limits: { ...ingester.resources?.limits, memory }, requests: { memory, ...ingester.resources?.requests },
      };
      distributed = resolveDistributedSettings({
        components: { ...props.components, ingester: { ...ingester, resources } },
        replicationFactor: props.replicationFactor, load, timing, processors,
      });
    }
    const ingester = distributed.components.ingester!;
    // What the ring and the write path are sized by: the ingesters.
    replicas = ingester.replicas;
    replicationFactor = distributed.replicationFactor;
    capacity = distributedCapacityPlan(distributed.capacity, load);
    ({ resources, parsed } = ingester);
  } else {
    replicas = resolveReplicas(mode, props.replicas);
    replicationFactor = resolveReplicationFactor(mode, replicas, props.replicationFactor);
    capacity = planCapacity(load, { replicas, replicationFactor, metricsGenerator: processors.length > 0, rateStrategy, ...timing });
    ({ resources, parsed } = resolveResources(C, defaults.resources, props.resources, `preset '${preset}'`));
    validateResources(resources, parsed, capacity, load);
  }
  const maxBytesPerTrace = checkMaxBytesPerTrace(props.maxBytesPerTrace ?? capacity.maxBytesPerTrace, load);
  const metricsGeneratorMaxActiveSeries = checkInteger(C, 'metricsGeneratorMaxActiveSeries', props.metricsGeneratorMaxActiveSeries ?? 10_000, 1,
    Number.MAX_SAFE_INTEGER, 'use a whole number >= 1 such as 10000 (Tempo\'s 0 means unlimited, which Prometheus cannot be sized for)');

  const blockRetention = tuned.blockRetention;
  const tenants = resolveTenants(props.tenants, {
    capacity,
    ring: {
      distributors: distributed ? distributed.capacity.distributors : replicas, ingesters: replicas, replicationFactor, rateStrategy,
    },
    maxBytesPerTrace,
    blockRetention,
    metricsGeneratorProcessors: processors,
    metricsGeneratorMaxActiveSeries,
    smallestTraceBytes: capacity.smallestTraceBytes,
    declaredTraceBytes: load.spansPerTrace * load.bytesPerSpan,
    memoryLimitBytes: parsed.limitMemory,
    memoryLimit: resources.limits.memory,
    generatorInIngester: !distributed,
    ...(distributed ? { memoryProp: 'components.ingester.resources.limits.memory' } : {}),
  });

  // With blocks in object storage the volume only holds the WAL: sized from the capacity plan,
  // not the preset's local-blocks size (a 3-replica cluster would ask for 3 x 200Gi).
  const blockSeconds = checkDuration(C, 'ingesterMaxBlockDuration', tuned.ingesterMaxBlockDuration);
  const storageSize = props.storageSize
    ?? (storage.backend === 'local' ? defaults.storageSize : volumeSizeFor(walBytesPerReplica(capacity, tuned.ingesterMaxBlockBytes, blockSeconds)));
  // Every generator instance labels its own series: Prometheus holds instances x each one's cap.
  const generatorInstances = distributed ? distributed.components['metrics-generator']?.replicas ?? 0 : (processors.length > 0 ? replicas : 0);
  const seriesPerInstance = tenants ? tenantsActiveSeries(tenants) : metricsGeneratorMaxActiveSeries;

  const settings: TempoSettings = {
    name,
    namespace,
    mode,
    preset,
    replicas,
    replicationFactor,
    image,
    load,
    capacity,
    resources,
    parsedResources: parsed,
    storage,
    storageSize,
    ...tuned,
    storageClassName: props.storageClassName,
    maxBytesPerTrace,
    usageReporting: props.usageReporting ?? false,
    metricsRemoteWriteUrl,
    metricsGeneratorMaxActiveSeries,
    metricsGeneratorWrites,
    localBlocks: processors.includes('local-blocks'),
    generatorSeriesBudget: metricsGeneratorWrites ? generatorInstances * seriesPerInstance : 0,
    maxRequestBytes: Math.min(...(tenants ?? [capacity]).map((c) => c.burstSizeBytes), GRPC_MAX_RECV_BYTES),
    networkPolicy: props.networkPolicy ?? true,
    // With otlpClients (the gateway) alone, no namespace reaches OTLP directly.
    otlpFromNamespaces: props.otlpFromNamespaces === undefined && props.otlpClients !== undefined
      ? undefined
      : checkNamespaceSelection(C, 'otlpFromNamespaces', props.otlpFromNamespaces ?? 'all'),
    otlpClients: props.otlpClients === undefined ? undefined : checkNetworkPeers(C, 'otlpClients', props.otlpClients),
    apiClients: props.apiClients === undefined ? undefined : checkNetworkPeers(C, 'apiClients', props.apiClients),
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 300,
    configOverrides: checkConfigOverrides(props.configOverrides),
    ...resolveWorkloadIdentity(C, props),
    ...(tenants ? { tenants } : {}),
    ...(distributed ? { distributed } : {}),
  };
  validateTuning(settings);
  return settings;
}

/** What the tenants' limiters need in each ingester of distributed mode, baseline included (their limits unchecked here). */
function tenantsMemoryBytes(
  tenants: TempoProps['tenants'], d: DistributedSettings, load: ResolvedLoad, processors: readonly MetricsGeneratorProcessor[],
): number {
  const resolved = resolveTenants(tenants, {
    capacity: distributedCapacityPlan(d.capacity, load),
    ring: { distributors: d.capacity.distributors, ingesters: d.capacity.ingesters, replicationFactor: d.replicationFactor, rateStrategy: 'global' },
    maxBytesPerTrace: Number.MAX_SAFE_INTEGER,
    blockRetention: '1h',
    metricsGeneratorProcessors: processors,
    metricsGeneratorMaxActiveSeries: 1,
    smallestTraceBytes: d.capacity.smallestTraceBytes,
    declaredTraceBytes: 1,
    memoryLimitBytes: Number.MAX_SAFE_INTEGER,
    memoryLimit: 'unlimited',
    generatorInIngester: false,
  }) ?? [];
  return BASELINE_MEMORY_BYTES + resolved.reduce((sum, t) => sum + t.memoryBytesPerIngester, 0);
}

function resolveReplicas(mode: TempoMode, replicas: number | undefined): number {
  if (mode === 'single-node') {
    if (replicas !== undefined && replicas !== 1) {
      fail(C, 'replicas', 'must be 1 in single-node mode', replicas, 'use mode \'cluster\' for more replicas');
    }
    return 1;
  }
  return checkInteger(C, 'replicas', replicas ?? 3, 2, 99,
    'a cluster needs at least 2 replicas (3 for replication factor 3); use mode \'single-node\' for one');
}

function resolveReplicationFactor(mode: TempoMode, replicas: number, replicationFactor: number | undefined): number {
  if (mode === 'single-node') {
    if (replicationFactor !== undefined && replicationFactor !== 1) {
      fail(C, 'replicationFactor', 'must be 1 in single-node mode', replicationFactor, 'use mode \'cluster\' to replicate traces');
    }
    return 1;
  }
  const rf = replicationFactor ?? Math.min(3, replicas);
  return checkInteger(C, 'replicationFactor', rf, 1, replicas,
    `it must not exceed replicas (${replicas}); raise replicas or lower replicationFactor`);
}

function validateStorage(mode: TempoMode, storage: TempoStorage): void {
  checkStorageNames(storage);
  switch (storage.backend) {
    case 'local':
      if (mode !== 'single-node') {
        fail(C, 'storage.backend', `must be object storage (s3, gcs or azure) in ${mode} mode`, storage.backend,
          'each replica would only see the blocks on its own volume, so queries would miss traces; configure s3, gcs or azure');
      }
      return;
    case 's3':
      requireText('storage.bucket', storage.bucket, 'tempo-traces');
      if (storage.endpoint !== undefined && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(storage.endpoint)) {
        fail(C, 'storage.endpoint', 'must be host:port without a scheme or path', storage.endpoint,
          'write e.g. \'minio.tempo.svc.cluster.local:9000\' (use insecure: true for plain HTTP)');
      }
      if (storage.endpoint === undefined && storage.region === undefined) {
        fail(C, 'storage.region', 'is required when no endpoint is given', storage.region, 'set region (AWS) or endpoint (S3-compatible store)');
      }
      if (storage.credentials) {
        checkSecretRef('storage.credentials.accessKeyId', storage.credentials.accessKeyId);
        checkSecretRef('storage.credentials.secretAccessKey', storage.credentials.secretAccessKey);
      }
      return;
    case 'gcs':
      requireText('storage.bucket', storage.bucket, 'tempo-traces');
      if (storage.credentials) checkSecretRef('storage.credentials', storage.credentials);
      return;
    case 'azure':
      requireText('storage.container', storage.container, 'tempo-traces');
      requireText('storage.storageAccountName', storage.storageAccountName, 'mytempoaccount');
      if (storage.accountKey) checkSecretRef('storage.accountKey', storage.accountKey);
      return;
    default:
      fail(C, 'storage.backend', 'must be one of \'local\', \'s3\', \'gcs\', \'azure\'', (storage as { backend: unknown }).backend,
        'pick one of local, s3, gcs, azure');
  }
}

function requireText(prop: string, value: string, example: string): void {
  if (typeof value !== 'string' || value.trim() === '') fail(C, prop, 'must not be empty', value, `set it, e.g. '${example}'`);
}

function checkSecretRef(prop: string, ref: { name: string; key: string }): void {
  checkDnsSubdomain(C, `${prop}.name`, ref.name, 'tempo-object-storage');
  if (typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
    fail(C, `${prop}.key`, 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', ref.key,
      'name the key inside the Secret, e.g. \'AWS_ACCESS_KEY_ID\'');
  }
}

function validateLoad(load: ResolvedLoad): void {
  checkPositiveNumber(C, 'expectedLoad.tracesPerSecond', load.tracesPerSecond);
  checkPositiveNumber(C, 'expectedLoad.spansPerTrace', load.spansPerTrace, 1);
  checkPositiveNumber(C, 'expectedLoad.bytesPerSpan', load.bytesPerSpan, 1);
  checkPositiveNumber(C, 'expectedLoad.minBytesPerSpan', load.minBytesPerSpan, 1);
  if (load.minBytesPerSpan > load.bytesPerSpan) {
    fail(C, 'expectedLoad.minBytesPerSpan', `must not exceed expectedLoad.bytesPerSpan (${load.bytesPerSpan})`, load.minBytesPerSpan,
      'the smallest span cannot be larger than the average one: lower minBytesPerSpan or raise bytesPerSpan');
  }
  checkPositiveNumber(C, 'expectedLoad.traceDurationSeconds', load.traceDurationSeconds);
  checkPositiveNumber(C, 'expectedLoad.headroom', load.headroom, 1);
}

function validateResources(resources: TempoResources, { limitCpu, limitMemory }: ParsedResources, capacity: CapacityPlan, load: ResolvedLoad): void {
  if (limitMemory < capacity.memoryBytesPerReplica) {
    const need = formatMiB(capacity.memoryBytesPerReplica);
    fail(C, 'resources.limits.memory',
      `cannot hold what the rate limit admits (${capacity.maxTracesPerUser} live traces of ${load.spansPerTrace} spans of `
        + `${load.minBytesPerSpan} bytes per replica need about ${need})`,
      resources.limits.memory,
      `raise it to at least ${need}, lower 'expectedLoad', raise 'expectedLoad.minBytesPerSpan' if spans are never that small, `
        + 'shorten \'ingesterFlushCheckPeriod\', or add replicas in cluster mode');
  }
  if (limitCpu < capacity.cpuCoresPerReplica) {
    const cores = Math.ceil(capacity.cpuCoresPerReplica * 10) / 10;
    fail(C, 'resources.limits.cpu',
      `is too small for the expected load (each replica ingests ${Math.round(capacity.spansPerSecondPerReplica)} spans/s, about ${cores} cores)`,
      resources.limits.cpu, `raise it to at least '${cores}', lower 'expectedLoad', or add replicas in cluster mode`);
  }
}

function checkMaxBytesPerTrace(maxBytesPerTrace: number, load: ResolvedLoad): number {
  checkInteger(C, 'maxBytesPerTrace', maxBytesPerTrace, 1);
  const declared = load.spansPerTrace * load.bytesPerSpan;
  if (maxBytesPerTrace < declared) {
    fail(C, 'maxBytesPerTrace', `is smaller than a trace of the declared shape (expectedLoad.spansPerTrace x bytesPerSpan = ${declared} bytes)`,
      maxBytesPerTrace, `Tempo would discard such traces as trace_too_large after answering 200; raise it to at least ${declared}`);
  }
  return maxBytesPerTrace;
}

function validateTuning(s: TempoSettings): void {
  checkQuantity(C, 'storageSize', s.storageSize, '10Gi');
  if (s.storageClassName !== undefined) checkDnsSubdomain(C, 'storageClassName', s.storageClassName, 'standard');
  checkInteger(C, 'terminationGracePeriodSeconds', s.terminationGracePeriodSeconds, 30, 3600,
    'Tempo needs time to flush its blocks on shutdown; use 30 to 3600 seconds');
}

/** One check per preset prop: the type makes a new knob come with its check. */
const PRESET_PROP_CHECKS: { readonly [K in keyof TempoPresetSettings]: (value: TempoPresetSettings[K]) => unknown } = {
  ingesterTraceIdlePeriod: (v) => checkDuration(C, 'ingesterTraceIdlePeriod', v),
  ingesterFlushCheckPeriod: (v) => checkDuration(C, 'ingesterFlushCheckPeriod', v),
  ingesterMaxBlockBytes: (v) => checkInteger(C, 'ingesterMaxBlockBytes', v, 1),
  ingesterMaxBlockDuration: (v) => checkDuration(C, 'ingesterMaxBlockDuration', v),
  blockRetention: (v) => checkDuration(C, 'blockRetention', v),
  compactionWindow: (v) => checkDuration(C, 'compactionWindow', v),
  compactorMaxBlockBytes: (v) => checkInteger(C, 'compactorMaxBlockBytes', v, 1),
  searchDurationSlo: (v) => checkDuration(C, 'searchDurationSlo', v),
  searchThroughputBytesSlo: (v) => checkInteger(C, 'searchThroughputBytesSlo', v, 1),
  searchConcurrentJobs: (v) => checkInteger(C, 'searchConcurrentJobs', v, 1),
  querierMaxConcurrentQueries: (v) => checkInteger(C, 'querierMaxConcurrentQueries', v, 1),
  logLevel: (v) => checkOneOf(C, 'logLevel', v, LOG_LEVELS),
  metricsGeneratorProcessors: (processors) => {
    processors.forEach((p, i) => checkOneOf(C, `metricsGeneratorProcessors[${i}]`, p, PROCESSORS));
    if (new Set(processors).size !== processors.length) {
      fail(C, 'metricsGeneratorProcessors', 'must not list a processor twice', processors, 'list each processor once');
    }
  },
};

/** The preset props: each the prop where set, else the preset's value; each checked. */
function resolvePresetProps(props: TempoProps, preset: TempoPreset): TempoPresetSettings {
  const resolved = Object.fromEntries(PLAIN_PRESET_PROPS.map((k) => [k, props[k] ?? preset[k]])) as unknown as TempoPresetSettings;
  for (const k of PLAIN_PRESET_PROPS) (PRESET_PROP_CHECKS[k] as (value: unknown) => unknown)(resolved[k]);
  return resolved;
}

const PORTS_WIRED = 'the container ports, Services, probes and NetworkPolicy use the generated value';
const PATHS_WIRED = 'it lies on the PersistentVolume mounted at /var/tempo';

/** tempo.yaml keys the Kubernetes objects are built around: an override would silently break them. */
const WIRED_KEYS: Record<string, string> = {
  target: 'it follows mode (all, or scalable-single-binary for a cluster); set mode instead',
  'server.http_listen_port': PORTS_WIRED,
  'server.grpc_listen_port': PORTS_WIRED,
  'distributor.receivers.otlp.protocols.grpc.endpoint': PORTS_WIRED,
  'distributor.receivers.otlp.protocols.http.endpoint': PORTS_WIRED,
  'memberlist.bind_port': PORTS_WIRED,
  'memberlist.advertise_port': PORTS_WIRED,
  'storage.trace.wal.path': PATHS_WIRED,
  'storage.trace.local.path': PATHS_WIRED,
  'metrics_generator.storage.path': PATHS_WIRED,
  'metrics_generator.traces_storage.path': PATHS_WIRED,
  multitenancy_enabled: 'it follows tenants (on when tenants are listed); set tenants instead',
  'overrides.per_tenant_override_config': 'it names the tenants\' runtime overrides ConfigMap; set tenants instead',
  'metrics_generator.registry.inject_tenant_id_as': 'the dashboards select on the label it names; set tenants instead',
};

const SHAPES: Record<string, string> = { mapping: 'a mapping of keys', list: 'a list', scalar: 'a single value (not a mapping or list)' };

/**
 * Checks `configOverrides` against Tempo 2.6.1's key tree: Tempo refuses an unknown or misplaced
 * key at start-up, so it is refused here, at synth, with its path.
 */
function checkConfigOverrides(overrides: ConfigOverrides | undefined): ConfigOverrides | undefined {
  if (overrides === undefined) return undefined;
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    fail(C, 'configOverrides', 'must be a mapping of tempo.yaml keys', overrides, 'write e.g. { server: { log_format: \'json\' } }');
  }
  for (const problem of unknownTempoKeys(overrides)) {
    const shape = / \(expected an? (mapping|list|scalar)\)$/.exec(problem);
    const path = shape ? problem.slice(0, shape.index) : problem;
    const got = valueAtPath(overrides, path);
    if (shape) {
      fail(C, `configOverrides.${path}`, `must be ${SHAPES[shape[1]]} in Tempo 2.6's config`, got,
        `write it as ${SHAPES[shape[1]]}, as in Tempo's configuration reference`);
    }
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? '' : path.slice(0, dot);
    const key = path.slice(dot + 1);
    const suggestion = closestKey(key, tempoKeysAt(parent));
    const place = parent ? `'${parent}'` : 'the top level';
    fail(C, `configOverrides.${path}`, 'is not a Tempo 2.6 config key', got, suggestion
      ? `did you mean '${parent ? `${parent}.` : ''}${suggestion}'? Tempo refuses unknown keys at start-up`
      : `Tempo refuses unknown keys at start-up; check the key and its level (${place}) against Tempo 2.6's configuration reference`);
  }
  const secret = secretOverridePaths(overrides)[0];
  if (secret !== undefined) {
    fail(C, `configOverrides.${secret}`, 'must not hold a credential (it would land in the ConfigMap and in dist/)', '<redacted>',
      'leave it out: object-storage credentials come from a Secret through storage.credentials (s3, gcs) or storage.accountKey (azure)');
  }
  for (const [path, why] of Object.entries(WIRED_KEYS)) {
    const got = valueAtPath(overrides, path);
    if (got !== undefined) fail(C, `configOverrides.${path}`, 'cannot be overridden: the Kubernetes objects are built around it', got,
      `leave it out: ${why}`);
    // `null` on a parent removes the wired key with it.
    const segments = path.split('.');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('.');
      if (valueAtPath(overrides, parent) === null) {
        fail(C, `configOverrides.${parent}`, `cannot be removed: it holds ${path}, which the Kubernetes objects are built around`, null,
          `remove single keys under it instead (${why})`);
      }
    }
  }
  return overrides;
}
