import { checkDuration, checkPositiveNumber, fail } from '../shared/validate';
import { CapacityPlan, ResolvedLoad, Topology, planCapacity, resolveLoad, MIN_WAL_STORAGE_GIB, volumeSizeFor, walBytesPerReplica } from './capacity';
import { TEMPO_PRESETS } from './presets';
import { TempoComponents, TempoProps, TempoResources } from './props';
import { COMPONENT_PROP, distributedCapacityPlan } from './distributed/settings';
import { COMPONENT_RULES, DistributedPlan, TempoComponent, ingesterWalBytes, planComponents } from './distributed/sizing';

/**
 * The deployment planner behind `npm run plan`: from a load to the Tempo deployment this project
 * generates for it, with the same capacity model synth checks against. Pure functions.
 */

const C = 'plan';
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** What the planner is asked to carry. */
export interface PlanRequest {
  /** Traces started per second. */
  readonly tracesPerSecond: number;
  /** Average spans per trace. */
  readonly spansPerTrace: number;
  /** Average span size over OTLP in bytes. @default 500 */
  readonly bytesPerSpan?: number;
  /** Smallest span size to guard against. @default 100, or bytesPerSpan if smaller */
  readonly minBytesPerSpan?: number;
  /** How long traces are kept (`compactor.compaction.block_retention`), a Go duration. @default '336h' */
  readonly retention?: string;
  /** How many times the load must still be kept. @default 2 */
  readonly headroom?: number;
  /** Average seconds from a trace's first span to its last. @default 5 */
  readonly traceDurationSeconds?: number;
  /** Run the metrics-generator in every replica. @default false */
  readonly metricsGenerator?: boolean;
}

/**
 * The bounds the planner works within. Judgments, not measurements: a replica at most a quarter of
 * a 16-core / 64 GiB node; a local volume small enough to lose or rebuild; and the replica count
 * past which Tempo's microservices deployment is the better engine (see `SSB_STOP_REASON`).
 */
export const PLAN_BOUNDS = {
  maxReplicaCpuCores: 4,
  maxReplicaMemoryBytes: 16 * GiB,
  maxLocalStorageBytes: 1024 * GiB,
  maxScalableSingleBinaryReplicas: 10,
  maxReplicas: 99,
  clusterReplicationFactor: 3,
  minClusterReplicas: 3,
  minStorageGiB: MIN_WAL_STORAGE_GIB,
} as const;

/**
 * Bytes stored per byte received. Tempo's vParquet blocks compress columns individually and
 * usually store less than the OTLP bytes received; the planner takes no credit for that, so its
 * volumes are upper bounds.
 */
export const STORED_BYTES_PER_RECEIVED_BYTE = 1;

/** Why scalable-single-binary stops being the right shape past `maxScalableSingleBinaryReplicas`. */
export const SSB_STOP_REASON = 'every replica also runs a querier, query-frontend and compactor, whose memory grows with queries and stored data, '
  + 'not with ingest, and cannot be scaled apart from the ingesters; Tempo\'s sizing guide gives them their own replicas '
  + '(a querier per 1-2 MB/s and a compactor per 3-5 MB/s of received traffic, 4-20 GB each), '
  + 'which only its microservices deployment (mode \'distributed\') can do';

/** A deployment that carries the requested load. */
export interface TempoPlan {
  readonly load: ResolvedLoad;
  readonly retention: string;
  readonly mode: 'single-node' | 'cluster' | 'distributed';
  /** Why this mode and replica count. */
  readonly why: string;
  readonly replicas: number;
  readonly replicationFactor: number;
  readonly capacity: CapacityPlan;
  readonly traceIdlePeriod: string;
  readonly flushCheckPeriod: string;
  readonly resources: TempoResources;
  /** Bytes the WAL and the ingester's local blocks take on each replica's volume. */
  readonly walBytesPerReplica: number;
  /** Bytes the blocks take at the retention, in total (after compaction removed the replicas' copies). */
  readonly storedBytes: number;
  /** `storageSize` of each replica's PVC. */
  readonly storageSize: string;
  /** Bytes/s the ingesters write as blocks (to object storage in a cluster, to the volume on one node), before compaction. */
  readonly blockWriteBytesPerSecond: number;
  /** Whether the load needs more replicas than scalable-single-binary is the right shape for. */
  readonly beyondScalableSingleBinary: boolean;
  /** The most traces/s of this shape scalable-single-binary carries within its bounds. */
  readonly scalableSingleBinaryMaxTracesPerSecond: number;
  /** The props that synthesize this deployment (storage still to choose in a cluster). */
  readonly props: TempoProps;
  /** Distributed mode: each component's replicas, resources, PVC and the rule they come from. */
  readonly components?: DistributedPlan['components'];
}

/**
 * Tempo's microservices deployment for a load past scalable-single-binary: per-component replicas
 * and resources from charts/tempo/distributed/sizing.ts (the write path from the capacity model,
 * the rest from Tempo's sizing guide, marked as estimates).
 */
function planDistributed(load: ResolvedLoad, retention: string, storedBytes: number, generator: boolean, why: string): TempoPlan {
  const preset = TEMPO_PRESETS['single-node'];
  const timing = topologyFor(3, generator);
  const planned = planComponents(load, timing, generator, generator);
  if (!planned) {
    fail(C, '--traces-per-second', `needs more than ${COMPONENT_RULES.maxReplicas} ingesters of ${COMPONENT_RULES.maxIngesterCpuCores} cores / `
      + `${COMPONENT_RULES.maxIngesterMemoryBytes / GiB}Gi for ${load.spansPerTrace} spans of ${load.bytesPerSpan} bytes per trace`,
    load.tracesPerSecond,
    'lower the load, or split it over several stacks');
  }
  const ingester = planned.components.ingester!;
  const components: TempoComponents = Object.fromEntries(Object.entries(planned.components).map(([c, p]) => [COMPONENT_PROP[c as TempoComponent], {
    replicas: p.replicas, resources: p.resources, ...(p.storageSize ? { storageSize: p.storageSize } : {}),
  }]));
  const props: TempoProps = {
    mode: 'distributed',
    preset: generator ? 'with-metrics' : 'single-node',
    expectedLoad: {
      tracesPerSecond: load.tracesPerSecond, spansPerTrace: load.spansPerTrace, bytesPerSpan: load.bytesPerSpan,
      minBytesPerSpan: load.minBytesPerSpan, traceDurationSeconds: load.traceDurationSeconds, headroom: load.headroom,
    },
    components,
    blockRetention: retention,
  };
  return {
    load,
    retention,
    mode: 'distributed',
    why: `${why}; Tempo's microservices deployment scales each component apart`,
    replicas: ingester.replicas,
    replicationFactor: COMPONENT_RULES.replicationFactor,
    capacity: distributedCapacityPlan(planned.capacity, load),
    traceIdlePeriod: preset.ingesterTraceIdlePeriod,
    flushCheckPeriod: preset.ingesterFlushCheckPeriod,
    resources: ingester.resources,
    walBytesPerReplica: ingesterWalBytes(planned.capacity.ingesterBytesPerSecond),
    storedBytes,
    storageSize: ingester.storageSize!,
    blockWriteBytesPerSecond: receivedBytesPerSecond(load) * COMPONENT_RULES.replicationFactor,
    beyondScalableSingleBinary: true,
    scalableSingleBinaryMaxTracesPerSecond: scalableSingleBinaryLimit(load, generator),
    props,
    components: planned.components,
  };
}

/** Plans the deployment for a load. Throws a ConfigError (component `plan`, props named as flags) when no deployment here carries it. */
export function planDeployment(request: PlanRequest): TempoPlan {
  checkPositiveNumber(C, '--traces-per-second', request.tracesPerSecond);
  checkPositiveNumber(C, '--spans-per-trace', request.spansPerTrace, 1);
  checkPositiveNumber(C, '--bytes-per-span', request.bytesPerSpan ?? 500, 1);
  checkPositiveNumber(C, '--min-bytes-per-span', request.minBytesPerSpan ?? 1, 1);
  checkPositiveNumber(C, '--headroom', request.headroom ?? 2, 1);
  checkPositiveNumber(C, '--trace-duration', request.traceDurationSeconds ?? 5);
  const load = resolveLoad({
    tracesPerSecond: request.tracesPerSecond, spansPerTrace: request.spansPerTrace, bytesPerSpan: request.bytesPerSpan,
    minBytesPerSpan: request.minBytesPerSpan, headroom: request.headroom, traceDurationSeconds: request.traceDurationSeconds,
  });
  if (load.minBytesPerSpan > load.bytesPerSpan) {
    fail(C, '--min-bytes-per-span', `must not exceed --bytes-per-span (${load.bytesPerSpan})`, load.minBytesPerSpan,
      'the smallest span cannot be larger than the average one');
  }
  const retention = request.retention ?? '336h';
  const retentionSeconds = checkDuration(C, '--retention', retention);
  const generator = request.metricsGenerator ?? false;
  const storedBytes = Math.ceil(receivedBytesPerSecond(load) * retentionSeconds * STORED_BYTES_PER_RECEIVED_BYTE);

  const single = sizeReplica(load, 1, generator);
  const singleWal = walBytes(single.capacity);
  if (single.fits && storedBytes <= PLAN_BOUNDS.maxLocalStorageBytes) {
    return finish(load, retention, 'single-node', 1, single, singleWal, storedBytes, singleWal + storedBytes, generator,
      `one replica of at most ${PLAN_BOUNDS.maxReplicaCpuCores} cores / ${PLAN_BOUNDS.maxReplicaMemoryBytes / GiB}Gi carries it, `
      + `and ${formatBytes(storedBytes)} of blocks fit the ${PLAN_BOUNDS.maxLocalStorageBytes / GiB / 1024} TiB one local volume should hold`);
  }
  const why = single.fits
    ? `${formatBytes(storedBytes)} of blocks at ${retention} exceed the ${PLAN_BOUNDS.maxLocalStorageBytes / GiB / 1024} TiB one local volume should `
    + `hold: blocks go to object storage`
    : `one replica would need ${single.resources.limits.cpu} cores / ${single.resources.limits.memory}, more than `
    + `${PLAN_BOUNDS.maxReplicaCpuCores} cores / ${PLAN_BOUNDS.maxReplicaMemoryBytes / GiB}Gi`;
  const replicas = smallestCluster(load, generator);
  if (replicas === undefined || replicas > PLAN_BOUNDS.maxScalableSingleBinaryReplicas) {
    return planDistributed(load, retention, storedBytes, generator, replicas === undefined
      ? `no scalable-single-binary cluster of up to ${PLAN_BOUNDS.maxReplicas} replicas of ${PLAN_BOUNDS.maxReplicaCpuCores} cores / `
        + `${PLAN_BOUNDS.maxReplicaMemoryBytes / GiB}Gi carries it`
      : `scalable-single-binary would need ${replicas} replicas, past the ${PLAN_BOUNDS.maxScalableSingleBinaryReplicas} it is the right shape for`);
  }
  const sized = sizeReplica(load, replicas, generator);
  const wal = walBytes(sized.capacity);
  return finish(load, retention, 'cluster', replicas, sized, wal, storedBytes, wal, generator, `${why}; ${replicas} replicas`
    + ` are the fewest (at least ${PLAN_BOUNDS.minClusterReplicas}, for replication factor ${PLAN_BOUNDS.clusterReplicationFactor})`
    + ` within ${PLAN_BOUNDS.maxReplicaCpuCores} cores / ${PLAN_BOUNDS.maxReplicaMemoryBytes / GiB}Gi each`);
}

interface SizedReplica {
  readonly capacity: CapacityPlan;
  readonly resources: TempoResources;
  readonly fits: boolean;
}

function topologyFor(replicas: number, generator: boolean): Topology {
  const timing = TEMPO_PRESETS['single-node'];
  return {
    replicas,
    replicationFactor: replicas === 1 ? 1 : PLAN_BOUNDS.clusterReplicationFactor,
    metricsGenerator: generator,
    rateStrategy: replicas === 1 ? 'local' : 'global',
    traceIdlePeriodSeconds: checkDuration(C, 'ingesterTraceIdlePeriod', timing.ingesterTraceIdlePeriod),
    flushCheckPeriodSeconds: checkDuration(C, 'ingesterFlushCheckPeriod', timing.ingesterFlushCheckPeriod),
  };
}

/**
 * Resources for one replica: CPU limit the planned (headroom) load rounded up to half a core, CPU
 * request the expected load; memory request equal to the limit, the most the admitted load can
 * fill, so the scheduler never overcommits the node under exactly the load the limits admit.
 */
function sizeReplica(load: ResolvedLoad, replicas: number, generator: boolean): SizedReplica {
  const capacity = planCapacity(load, topologyFor(replicas, generator));
  const limitCores = Math.max(1, Math.ceil(capacity.cpuCoresPerReplica * 2) / 2);
  const requestMilli = Math.max(100, Math.ceil((capacity.cpuCoresPerReplica / load.headroom) * 10) * 100);
  const memoryMiB = Math.ceil(capacity.memoryBytesPerReplica / (256 * MiB)) * 256;
  const memory = memoryMiB % 1024 === 0 ? `${memoryMiB / 1024}Gi` : `${memoryMiB}Mi`;
  return {
    capacity,
    resources: {
      requests: { cpu: requestMilli % 1000 === 0 ? `${requestMilli / 1000}` : `${requestMilli}m`, memory },
      limits: { cpu: `${limitCores}`, memory },
    },
    fits: limitCores <= PLAN_BOUNDS.maxReplicaCpuCores && memoryMiB * MiB <= PLAN_BOUNDS.maxReplicaMemoryBytes,
  };
}

function smallestCluster(load: ResolvedLoad, generator: boolean): number | undefined {
  for (let n = PLAN_BOUNDS.minClusterReplicas; n <= PLAN_BOUNDS.maxReplicas; n++) {
    if (sizeReplica(load, n, generator).fits) return n;
  }
  return undefined;
}

/** The bytes/s Tempo receives at the expected load (no headroom): what ends up stored. */
function receivedBytesPerSecond(load: ResolvedLoad): number {
  return load.tracesPerSecond * load.spansPerTrace * load.bytesPerSpan;
}

/** What one replica's WAL holds with the production presets' block cutting (500 MB / 30 min). */
function walBytes(capacity: CapacityPlan): number {
  const preset = TEMPO_PRESETS['single-node'];
  return walBytesPerReplica(capacity, preset.ingesterMaxBlockBytes, checkDuration(C, 'ingesterMaxBlockDuration', preset.ingesterMaxBlockDuration));
}

function finish(
  load: ResolvedLoad, retention: string, mode: 'single-node' | 'cluster', replicas: number, sized: SizedReplica,
  wal: number, storedBytes: number, volumeBytes: number, generator: boolean, why: string,
): TempoPlan {
  const preset = TEMPO_PRESETS['single-node'];
  const storageSize = volumeSizeFor(volumeBytes, PLAN_BOUNDS.minStorageGiB);
  const replicationFactor = replicas === 1 ? 1 : PLAN_BOUNDS.clusterReplicationFactor;
  const props: TempoProps = {
    mode,
    ...(mode === 'cluster' ? { replicas } : {}),
    preset: generator ? 'with-metrics' : 'single-node',
    expectedLoad: {
      tracesPerSecond: load.tracesPerSecond, spansPerTrace: load.spansPerTrace, bytesPerSpan: load.bytesPerSpan,
      minBytesPerSpan: load.minBytesPerSpan, traceDurationSeconds: load.traceDurationSeconds, headroom: load.headroom,
    },
    resources: sized.resources,
    storageSize,
    blockRetention: retention,
  };
  return {
    load,
    retention,
    mode,
    why,
    replicas,
    replicationFactor,
    capacity: sized.capacity,
    traceIdlePeriod: preset.ingesterTraceIdlePeriod,
    flushCheckPeriod: preset.ingesterFlushCheckPeriod,
    resources: sized.resources,
    walBytesPerReplica: wal,
    storedBytes,
    storageSize,
    blockWriteBytesPerSecond: receivedBytesPerSecond(load) * replicationFactor,
    beyondScalableSingleBinary: replicas > PLAN_BOUNDS.maxScalableSingleBinaryReplicas,
    scalableSingleBinaryMaxTracesPerSecond: scalableSingleBinaryLimit(load, generator),
    props,
  };
}

/** The most whole traces/s of the load's shape that fit within `maxScalableSingleBinaryReplicas` replicas. */
function scalableSingleBinaryLimit(load: ResolvedLoad, generator: boolean): number {
  const fits = (tracesPerSecond: number) => sizeReplica({ ...load, tracesPerSecond }, PLAN_BOUNDS.maxScalableSingleBinaryReplicas, generator).fits;
  let low = 0;
  let high = 1;
  while (fits(high)) high *= 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid; else high = mid;
  }
  return low;
}

/** Bytes in decimal units, three significant digits: `6.05 TB`, `430 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

/** One line per component: replicas, requests and limits, PVC, and the rule (estimates marked). */
function formatComponents(components: NonNullable<TempoPlan['components']>): string[] {
  return Object.entries(components).flatMap(([name, c]) => {
    const r = c.resources;
    return [
      `  ${name.padEnd(19)}${c.replicas} x requests cpu ${r.requests.cpu}, memory ${r.requests.memory}; `
        + `limits cpu ${r.limits.cpu}, memory ${r.limits.memory}`
        + (c.storageSize ? `; PVC ${c.storageSize}` : ''),
      `  ${''.padEnd(19)}${c.estimate ? 'ESTIMATE: ' : 'from the capacity model: '}${c.rule}`,
    ];
  });
}

/** The plan as the text `npm run plan` prints. */
export function formatPlan(plan: TempoPlan): string {
  const { load, capacity: c } = plan;
  const r = plan.resources;
  const ssb = PLAN_BOUNDS.maxScalableSingleBinaryReplicas;
  const ssbLimit = `carries up to ${plan.scalableSingleBinaryMaxTracesPerSecond} traces/s of this shape in ${ssb} replicas of `
    + `${PLAN_BOUNDS.maxReplicaCpuCores} cores / ${PLAN_BOUNDS.maxReplicaMemoryBytes / GiB}Gi`;
  const lines = [
    `Tempo plan: ${load.tracesPerSecond} traces/s x ${load.spansPerTrace} spans x ${load.bytesPerSpan} B (smallest span ${load.minBytesPerSpan} B), `
      + `${load.headroom}x headroom, traces up to ${load.traceDurationSeconds} s, retention ${plan.retention}`,
    '',
    plan.mode === 'distributed'
      ? `mode                 distributed (Tempo's microservices: one workload per -target), replication factor ${plan.replicationFactor}`
      : `mode                 ${plan.mode === 'cluster' ? 'cluster (-target=scalable-single-binary)' : 'single-node (target all)'}, `
        + `${plan.replicas} ${plan.replicas === 1 ? 'replica' : 'replicas'}, replication factor ${plan.replicationFactor}`,
    `  why                ${plan.why}`,
    ...(plan.components ? formatComponents(plan.components) : []),
    `${plan.mode === 'distributed' ? 'per ingester ' : 'per replica  '}        requests cpu ${r.requests.cpu}, memory ${r.requests.memory}; `
      + `limits cpu ${r.limits.cpu}, memory ${r.limits.memory}`,
    `  from               ${Math.round(c.spansPerSecondPerReplica)} spans/s (${(c.cpuCoresPerReplica).toFixed(2)} cores); `
      + `${c.maxTracesPerUser} live traces x (${c.smallestTraceBytes} B + overhead), x2 for Go's GC`,
    `ingestion limits     rate_strategy ${c.rateStrategy}, rate_limit_bytes ${c.rateLimitBytes}`
      + (c.rateStrategy === 'global' ? ` (${Math.floor(c.distributorBytesPerSecond)} B/s per distributor)` : ''),
    `                     burst_size_bytes ${c.burstSizeBytes}, max_traces_per_user ${c.maxTracesPerUser}, max_bytes_per_trace ${c.maxBytesPerTrace}`,
    `ingester timing      trace_idle_period ${plan.traceIdlePeriod}, flush_check_period ${plan.flushCheckPeriod} (live window `
      + `${c.liveWindowSeconds} s)`,
    `WAL per replica      ${formatBytes(plan.walBytesPerReplica)}; PVC per replica ${plan.storageSize}`
      + (plan.mode === 'single-node' ? ' (WAL and every block)' : ' (WAL only; blocks in object storage)'),
    `${plan.mode !== 'single-node' ? 'object storage       writes' : 'local blocks         writes'} `
      + `${formatBytes(plan.blockWriteBytesPerSecond)}/s before compaction; holds ${formatBytes(plan.storedBytes)} at ${plan.retention}`
      + ` (no compression counted)`,
    plan.beyondScalableSingleBinary
      ? `shape                PAST scalable-single-binary: it ${ssbLimit}; this plan uses Tempo's microservices deployment (mode distributed)`
      : `shape                scalable-single-binary is right: it ${ssbLimit}; past that, Tempo's microservices deployment (mode distributed)`,
    `  why                ${SSB_STOP_REASON}`,
    '',
    `props                ${JSON.stringify(plan.props)}`,
  ];
  return `${lines.join('\n')}\n`;
}
