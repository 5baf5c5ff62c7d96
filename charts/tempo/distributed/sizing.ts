import { ContainerResources } from '../../shared/workload';
import {
  BASELINE_MEMORY_BYTES, GC_HEADROOM, GENERATOR_MEMORY_BYTES, IngestRing, PER_TRACE_OVERHEAD_BYTES, ResolvedLoad, SPANS_PER_CORE, TEMPO_DEFAULTS,
  admittedBytesPerIngesterFor, burstFor,
} from '../capacity';

/**
 * Sizing of Tempo's microservices deployment, per component: the rules behind the planner's
 * defaults and the capacity guarantee synth checks. Pure functions.
 *
 * Sources, as named in ../shared/reference/tempo-microservices.md:
 * - the write path (distributors' rate limits, ingesters' live traces and memory) uses this
 *   project's capacity model (../capacity.ts), which is measured on Tempo 2.6.1;
 * - replica counts of the other components follow Tempo's sizing guide (first published with 2.8):
 *   a distributor per 10 MB/s of received traffic, an ingester per 3-5 MB/s, a querier per 1-2 MB/s,
 *   two query-frontends, a compactor per 3-5 MB/s. ESTIMATES, not measured here;
 * - the resources of querier, query-frontend, compactor and metrics-generator are Tempo's jsonnet
 *   defaults (operations/jsonnet/microservices). ESTIMATES: their memory grows with queries and
 *   stored data, which the load does not say.
 */

/** The components of Tempo 2.6's microservices mode, in Tempo's target names. */
export type TempoComponent = 'distributor' | 'ingester' | 'querier' | 'query-frontend' | 'compactor' | 'metrics-generator';

/** Every component, in the order their objects are written. */
export const TEMPO_COMPONENTS: readonly TempoComponent[] = ['distributor', 'ingester', 'metrics-generator', 'querier', 'query-frontend', 'compactor'];

const MB = 1e6;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** The per-component rules; each says where it comes from. */
export const COMPONENT_RULES = {
  /** Sizing guide: one distributor per 10 MB/s of received traffic (2 CPU, 2 GB). Estimate. */
  distributorBytesPerSecond: 10 * MB,
  distributorResources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } as ContainerResources,
  /** Sizing guide: one ingester per 3-5 MB/s (the lower end, as a floor under the memory model). Estimate. */
  ingesterBytesPerSecond: 3 * MB,
  /** Sizing guide: one querier per 1-2 MB/s (the upper end: queries vary, queriers scale out). Estimate. */
  querierBytesPerSecond: 2 * MB,
  /** Sizing guide: a compactor per 3-5 MB/s. Estimate. */
  compactorBytesPerSecond: 4 * MB,
  /** Sizing guide: two query-frontends, for availability. */
  queryFrontendReplicas: 2,
  /** Two of each stateless component, so one can restart while the other serves. */
  minStatelessReplicas: 2,
  /** Jsonnet defaults (requests / limits). Estimates. */
  querierResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } as ContainerResources,
  queryFrontendResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } as ContainerResources,
  compactorResources: { requests: { cpu: '500m', memory: '3Gi' }, limits: { cpu: '1', memory: '5Gi' } } as ContainerResources,
  generatorResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } as ContainerResources,
  /** One generator per 10 MB/s, like a distributor: it receives a copy of every span. Estimate. */
  generatorBytesPerSecond: 10 * MB,
  /** The largest ingester the planner proposes: a quarter of a 16-core / 64 GiB node. */
  maxIngesterCpuCores: 4,
  maxIngesterMemoryBytes: 16 * GiB,
  minIngesters: 3,
  replicationFactor: 3,
  minStorageGiB: 10,
  /** The most pods of one component the planner proposes and synth accepts. */
  maxReplicas: 999,
} as const;

/** The write path's limits and needs in distributed mode: the capacity guarantee per component. */
export interface DistributedCapacity {
  /** `rate_limit_bytes`, `global`: the whole stack's rate, shared by the healthy distributors. */
  readonly rateLimitBytes: number;
  /** Bytes/s each distributor admits when all of `distributors` are healthy. */
  readonly distributorBytesPerSecond: number;
  /** `burst_size_bytes`, per distributor. */
  readonly burstSizeBytes: number;
  /** The most distributors that can run at once (the autoscaler's maximum): each adds a burst. */
  readonly distributors: number;
  readonly ingesters: number;
  readonly replicationFactor: number;
  readonly liveWindowSeconds: number;
  readonly smallestTraceBytes: number;
  /** Bytes one ingester may be handed within one live window: its share of the RF copies of what the limiter admits. */
  readonly admittedBytesPerIngester: number;
  /** `max_traces_per_user`, per ingester. */
  readonly maxTracesPerUser: number;
  /** Memory each ingester needs when the limiter admits all it can. */
  readonly ingesterMemoryBytes: number;
  /** Spans/s each ingester takes at the planned load (its share of the RF copies). */
  readonly spansPerSecondPerIngester: number;
  readonly ingesterCpuCores: number;
  /** Bytes/s each ingester writes to its WAL at the planned load. */
  readonly ingesterBytesPerSecond: number;
}

/** The timings that decide how long a trace stays live. */
export interface IngesterTiming {
  readonly traceIdlePeriodSeconds: number;
  readonly flushCheckPeriodSeconds: number;
}

/**
 * The write path of distributed mode. Distributors use the `global` strategy: each admits
 * `rate / healthy distributors`, so the stack admits the planned rate however many run, plus one
 * burst per distributor; ingesters hold their share of the replication factor's copies.
 */
export function planDistributedCapacity(
  load: ResolvedLoad, distributors: number, ingesters: number, replicationFactor: number, timing: IngesterTiming,
): DistributedCapacity {
  const planned = load.tracesPerSecond * load.headroom;
  const rateLimitBytes = Math.ceil(planned * load.spansPerTrace * load.bytesPerSpan);
  const distributorBytesPerSecond = rateLimitBytes / distributors;
  const burstSizeBytes = burstFor(distributorBytesPerSecond);
  const liveWindowSeconds = load.traceDurationSeconds + timing.traceIdlePeriodSeconds + timing.flushCheckPeriodSeconds;
  const ring: IngestRing = { distributors, ingesters, replicationFactor, rateStrategy: 'global' };
  const admittedBytesPerIngester = admittedBytesPerIngesterFor(rateLimitBytes, burstSizeBytes, ring, liveWindowSeconds);
  const smallestTraceBytes = load.spansPerTrace * load.minBytesPerSpan;
  const maxTracesPerUser = Math.ceil(admittedBytesPerIngester / smallestTraceBytes);
  const evenShare = Math.min(1, replicationFactor / ingesters);
  const spansPerSecondPerIngester = planned * load.spansPerTrace * evenShare;
  return {
    rateLimitBytes,
    distributorBytesPerSecond,
    burstSizeBytes,
    distributors,
    ingesters,
    replicationFactor,
    liveWindowSeconds,
    smallestTraceBytes,
    admittedBytesPerIngester,
    maxTracesPerUser,
    ingesterMemoryBytes: BASELINE_MEMORY_BYTES + GC_HEADROOM * maxTracesPerUser * (smallestTraceBytes + PER_TRACE_OVERHEAD_BYTES),
    spansPerSecondPerIngester,
    ingesterCpuCores: spansPerSecondPerIngester / SPANS_PER_CORE,
    ingesterBytesPerSecond: rateLimitBytes * evenShare,
  };
}

/** The memory a metrics-generator needs beyond Tempo's baseline (series registry, WAL, local blocks). */
export const GENERATOR_EXTRA_MEMORY_BYTES = GENERATOR_MEMORY_BYTES;

/** One component as the planner proposes it. */
export interface ComponentPlan {
  readonly replicas: number;
  readonly resources: ContainerResources;
  /** The PVC of each pod (ingesters; the generator with local blocks). @default - none */
  readonly storageSize?: string;
  /** Why this count and these resources; `estimate` marks a rule not measured here. */
  readonly rule: string;
  readonly estimate: boolean;
}

/** What the planner proposes for distributed mode. */
export interface DistributedPlan {
  readonly components: Readonly<Partial<Record<TempoComponent, ComponentPlan>>>;
  readonly capacity: DistributedCapacity;
}

/** Whole traces of a load: bytes/s received at the expected load (no headroom). */
export function receivedBytesPerSecond(load: ResolvedLoad): number {
  return load.tracesPerSecond * load.spansPerTrace * load.bytesPerSpan;
}

/**
 * What one ingester's WAL and head blocks hold: the head block until it is cut (500 MB or 30 min,
 * the production presets'), the block being completed, and complete blocks kept
 * `complete_block_timeout` (15 min) after their flush.
 */
export function ingesterWalBytes(ingesterBytesPerSecond: number, maxBlockBytes = 500_000_000, maxBlockSeconds = 1800): number {
  const headSeconds = Math.min(maxBlockSeconds, maxBlockBytes / ingesterBytesPerSecond);
  return Math.ceil(ingesterBytesPerSecond * (2 * headSeconds + TEMPO_DEFAULTS.completeBlockTimeoutSeconds));
}

function quantity(bytes: number): string {
  const mib = Math.ceil(bytes / (256 * MiB)) * 256;
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

function cores(value: number): string {
  const milli = Math.ceil(value * 10) * 100;
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

/**
 * The ingesters for a write path: memory for the live traces the limiter can fill (x2 for Go's GC),
 * CPU for their spans/s, a PVC for the WAL at their write rate. Measured model, not an estimate.
 */
export function ingesterPlan(load: ResolvedLoad, capacity: DistributedCapacity): ComponentPlan {
  const R = COMPONENT_RULES;
  const memory = quantity(capacity.ingesterMemoryBytes);
  const cpuLimit = Math.max(1, Math.ceil(capacity.ingesterCpuCores * 2) / 2);
  const walGiB = Math.max(R.minStorageGiB, Math.ceil((ingesterWalBytes(capacity.ingesterBytesPerSecond) * 1.2) / GiB));
  return {
    replicas: capacity.ingesters,
    resources: { requests: { cpu: cores(Math.max(0.1, capacity.ingesterCpuCores / load.headroom)), memory }, limits: { cpu: `${cpuLimit}`, memory } },
    storageSize: `${walGiB}Gi`,
    estimate: false,
    rule: `${capacity.maxTracesPerUser} live traces (its share of ${capacity.replicationFactor} copies of what `
      + `${capacity.distributors} distributors admit) `
      + `x2 for Go's GC; ${Math.round(capacity.spansPerSecondPerIngester)} spans/s; at least one per ${R.ingesterBytesPerSecond / MB} MB/s received `
      + `(sizing guide) and ${R.minIngesters}`,
  };
}

/**
 * The planner's proposal for distributed mode, or undefined when no ingester count up to `maxReplicas` fits
 * `maxIngesterCpuCores` / `maxIngesterMemoryBytes`.
 */
export function planComponents(
  load: ResolvedLoad, timing: IngesterTiming, generator: boolean, localBlocks: boolean, ingesterCount?: number,
): DistributedPlan | undefined {
  const R = COMPONENT_RULES;
  const received = receivedBytesPerSecond(load);
  // Counts past maxReplicas are only proposed when the user fixed the ingesters; synth then names the prop to set.
  const count = (n: number) => (ingesterCount === undefined ? n : Math.min(n, R.maxReplicas));
  const distributors = count(Math.max(R.minStatelessReplicas, Math.ceil(received / R.distributorBytesPerSecond)));
  let ingesters = ingesterCount ?? Math.max(R.minIngesters, Math.ceil(received / R.ingesterBytesPerSecond));
  if (ingesters > R.maxReplicas) return undefined;
  let capacity = planDistributedCapacity(load, distributors, ingesters, R.replicationFactor, timing);
  const tooBig = (c: DistributedCapacity) => c.ingesterMemoryBytes > R.maxIngesterMemoryBytes || c.ingesterCpuCores > R.maxIngesterCpuCores;
  while (ingesterCount === undefined && tooBig(capacity)) {
    if (++ingesters > R.maxReplicas) return undefined;
    capacity = planDistributedCapacity(load, distributors, ingesters, R.replicationFactor, timing);
  }
  const components: Partial<Record<TempoComponent, ComponentPlan>> = {
    distributor: {
      replicas: distributors, resources: R.distributorResources, estimate: true,
      rule: `one per ${R.distributorBytesPerSecond / MB} MB/s of the ${(received / MB).toFixed(1)} MB/s received, `
        + `at least ${R.minStatelessReplicas} (sizing guide)`,
    },
    ingester: ingesterPlan(load, capacity),
    querier: {
      replicas: count(Math.max(R.minStatelessReplicas, Math.ceil(received / R.querierBytesPerSecond))), resources: R.querierResources, estimate: true,
      rule: `one per ${R.querierBytesPerSecond / MB} MB/s received, at least ${R.minStatelessReplicas} (sizing guide); jsonnet resources`,
    },
    'query-frontend': {
      replicas: R.queryFrontendReplicas, resources: R.queryFrontendResources, estimate: true,
      rule: `${R.queryFrontendReplicas} for availability (sizing guide); jsonnet resources`,
    },
    compactor: {
      replicas: count(Math.max(1, Math.ceil(received / R.compactorBytesPerSecond))), resources: R.compactorResources, estimate: true,
      rule: `one per ${R.compactorBytesPerSecond / MB} MB/s received (sizing guide); jsonnet resources`,
    },
  };
  if (generator) {
    components['metrics-generator'] = {
      replicas: count(Math.max(1, Math.ceil(received / R.generatorBytesPerSecond))), resources: R.generatorResources, estimate: true,
      ...(localBlocks ? { storageSize: `${R.minStorageGiB}Gi` } : {}),
      rule: `one per ${R.generatorBytesPerSecond / MB} MB/s received (like a distributor: it gets every span once); jsonnet resources`,
    };
  }
  return { components, capacity };
}
