import { resolveResources } from '../../shared/merge';
import { ConfigError, checkInteger, checkQuantity, configError, fail, formatMiB } from '../../shared/validate';
import { ContainerResources, ParsedResources } from '../../shared/workload';
import { CapacityPlan, ResolvedLoad, TEMPO_DEFAULTS } from '../capacity';
import { MetricsGeneratorProcessor, TempoAutoscaling, TempoComponentProps, TempoComponents } from '../props';
import {
  COMPONENT_RULES, ComponentPlan, DistributedCapacity, IngesterTiming, TEMPO_COMPONENTS, TempoComponent,
  ingesterPlan, planComponents, planDistributedCapacity,
} from './sizing';

const C = 'tempo';

/** The props key of each component under `components`. */
export const COMPONENT_PROP: Record<TempoComponent, keyof TempoComponents> = {
  distributor: 'distributor',
  ingester: 'ingester',
  querier: 'querier',
  'query-frontend': 'queryFrontend',
  compactor: 'compactor',
  'metrics-generator': 'metricsGenerator',
};

/** One component with every value resolved. */
export interface ComponentSettings {
  readonly component: TempoComponent;
  /** Pods in total (ingesters with zones: every zone's). */
  readonly replicas: number;
  readonly resources: ContainerResources;
  readonly parsed: ParsedResources;
  readonly storageSize?: string;
  /** A HorizontalPodAutoscaler (distributors, queriers). */
  readonly autoscaling?: Required<TempoAutoscaling>;
  /** The planner's rule for the defaults, and whether it is an estimate. */
  readonly rule: string;
  readonly estimate: boolean;
}

/** Distributed mode, resolved: the components present and the write path's capacity. */
export interface DistributedSettings {
  readonly components: Readonly<Partial<Record<TempoComponent, ComponentSettings>>>;
  readonly replicationFactor: number;
  /** Ingester zones, one StatefulSet each; empty without zone awareness. */
  readonly zones: readonly string[];
  /** Ingesters per zone (with zones). */
  readonly ingestersPerZone: number;
  readonly capacity: DistributedCapacity;
}

/** What distributed mode is resolved from. */
export interface DistributedInput {
  readonly components?: TempoComponents;
  readonly replicationFactor?: number;
  readonly load: ResolvedLoad;
  readonly timing: IngesterTiming;
  readonly processors: readonly MetricsGeneratorProcessor[];
}

const ZONE = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** Re-throws a component's ConfigError with its place under `components`. */
function under<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    const d = error instanceof ConfigError ? error.detail : undefined;
    if (!d) throw error;
    throw configError({ ...d, prop: `${prefix}.${d.prop}` });
  }
}

/**
 * Resolves distributed mode: each component's replicas and resources over the planner's, zones,
 * autoscaling, and the capacity guarantee per component (the distributors' global rate limit
 * divided among them, the ingesters' live traces and memory for their share of the RF copies,
 * sized for the most distributors the autoscaler may run). Throws a ConfigError naming the prop.
 */
export function resolveDistributedSettings(input: DistributedInput): DistributedSettings {
  const props = input.components ?? {};
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    fail(C, 'components', 'must be a mapping of components', props, 'write e.g. { ingester: { replicas: 3 } }');
  }
  const generator = input.processors.length > 0;
  // With the ingesters fixed by the user, the planner proposes the rest around them instead of searching.
  const fixedIngesters = typeof props.ingester?.replicas === 'number' && Number.isInteger(props.ingester.replicas) && props.ingester.replicas >= 1
    && props.ingester.replicas <= COMPONENT_RULES.maxReplicas ? props.ingester.replicas : undefined;
  const plan = planComponents(input.load, input.timing, generator, input.processors.includes('local-blocks'), fixedIngesters);
  if (!plan) {
    fail(C, 'expectedLoad.tracesPerSecond',
      `needs more than ${COMPONENT_RULES.maxReplicas} ingesters of ${COMPONENT_RULES.maxIngesterCpuCores} cores / `
      + `${COMPONENT_RULES.maxIngesterMemoryBytes / 2 ** 30}Gi`, input.load.tracesPerSecond,
    'lower the load, split it over several stacks, or set components.ingester.replicas (and resources) yourself');
  }
  const present = TEMPO_COMPONENTS.filter((c) => plan.components[c] !== undefined);
  if (!generator && props.metricsGenerator !== undefined) {
    fail(C, 'components.metricsGenerator', 'is set but the metrics-generator does not run', props.metricsGenerator,
      'list metricsGeneratorProcessors (or use the with-metrics preset), or remove components.metricsGenerator');
  }

  const components: Partial<Record<TempoComponent, ComponentSettings>> = {};
  const resolve = (component: TempoComponent, plan: ComponentPlan) => {
    const key = COMPONENT_PROP[component];
    const own = (props[key] ?? {}) as TempoComponentProps & { autoscaling?: TempoAutoscaling; storageSize?: string };
    components[component] = resolveComponent(component, `components.${key}`, own, plan);
  };
  for (const component of present) if (component !== 'ingester') resolve(component, plan.components[component]!);

  const rf = checkInteger(C, 'replicationFactor', input.replicationFactor ?? COMPONENT_RULES.replicationFactor, 1, 99);
  const ingesterProps = props.ingester ?? {};
  const zones = resolveZones(ingesterProps.zones);
  const asked = checkInteger(C, 'components.ingester.replicas', ingesterProps.replicas ?? plan.components.ingester!.replicas,
    1, COMPONENT_RULES.maxReplicas);
  const ingestersPerZone = zones.length > 0 ? Math.ceil(asked / zones.length) : asked;
  const ingesters = zones.length > 0 ? ingestersPerZone * zones.length : asked;
  if (ingesters < rf) {
    fail(C, 'components.ingester.replicas', `must be at least the replication factor (${rf})`, ingesters,
      `each trace is written to ${rf} ingesters; raise components.ingester.replicas to at least ${rf}, or lower replicationFactor`);
  }
  if (zones.length > 0 && zones.length < rf) {
    fail(C, 'components.ingester.zones', `must name at least as many zones as the replication factor (${rf})`, zones,
      `zone-aware replication puts each copy of a trace in another zone; list ${rf} zones, or lower replicationFactor`);
  }

  // The ingesters hold what the most distributors the autoscaler may run admit: each adds a burst.
  const distributor = components.distributor!;
  const distributors = distributor.autoscaling?.maxReplicas ?? distributor.replicas;
  const capacity = planDistributedCapacity(input.load, distributors, ingesters, rf, input.timing);
  // The ingesters' defaults follow the write path as resolved (distributors, ingesters, RF), not the planner's guess.
  resolve('ingester', { ...ingesterPlan(input.load, capacity), replicas: ingesters });
  components.ingester = { ...components.ingester!, replicas: ingesters };
  const ing = components.ingester;
  if (ing.parsed.limitMemory < capacity.ingesterMemoryBytes) {
    const need = formatMiB(capacity.ingesterMemoryBytes);
    fail(C, 'components.ingester.resources.limits.memory',
      `cannot hold what the rate limit admits (${capacity.maxTracesPerUser} live traces of ${input.load.spansPerTrace} spans `
      + `of ${input.load.minBytesPerSpan} bytes `
      + `per ingester, its share of ${rf} copies from ${distributors} distributors, need about ${need})`,
      ing.resources.limits.memory, `raise it to at least ${need}, add ingesters, or lower 'expectedLoad'`);
  }
  if (ing.parsed.limitCpu < capacity.ingesterCpuCores) {
    const cores = Math.ceil(capacity.ingesterCpuCores * 10) / 10;
    fail(C, 'components.ingester.resources.limits.cpu',
      `is too small for the expected load (each ingester takes ${Math.round(capacity.spansPerSecondPerIngester)} spans/s, about ${cores} cores)`,
      ing.resources.limits.cpu, `raise it to at least '${cores}', add ingesters, or lower 'expectedLoad'`);
  }
  return { components, replicationFactor: rf, zones, ingestersPerZone, capacity };
}

function resolveComponent(
  component: TempoComponent, prefix: string, own: TempoComponentProps & { autoscaling?: TempoAutoscaling; storageSize?: string }, plan: ComponentPlan,
): ComponentSettings {
  const replicas = checkInteger(C, `${prefix}.replicas`, own.replicas ?? plan.replicas, 1, COMPONENT_RULES.maxReplicas);
  const { resources, parsed } = under(prefix, () => resolveResources(C, plan.resources, own.resources, 'the planner'));
  const storageSize = own.storageSize ?? plan.storageSize;
  if (own.storageSize !== undefined && plan.storageSize === undefined) {
    fail(C, `${prefix}.storageSize`, 'has no volume to size (the metrics-generator gets one only with local-blocks)', own.storageSize,
      'remove it, or add local-blocks to metricsGeneratorProcessors');
  }
  if (storageSize !== undefined) checkQuantity(C, `${prefix}.storageSize`, storageSize, '10Gi');
  let autoscaling: Required<TempoAutoscaling> | undefined;
  if (own.autoscaling !== undefined) {
    if (component !== 'distributor' && component !== 'querier') {
      fail(C, `${prefix}.autoscaling`, 'is only offered for distributors and queriers', own.autoscaling,
        'remove it: ingesters hold live traces and their ring share (scaling them moves data), the others scale by hand');
    }
    const a = own.autoscaling;
    const min = checkInteger(C, `${prefix}.autoscaling.minReplicas`, a.minReplicas, 1, COMPONENT_RULES.maxReplicas);
    const max = checkInteger(C, `${prefix}.autoscaling.maxReplicas`, a.maxReplicas, min, COMPONENT_RULES.maxReplicas,
      `use a whole number from minReplicas (${min}) to ${COMPONENT_RULES.maxReplicas}`);
    const target = checkInteger(C, `${prefix}.autoscaling.targetCpuUtilizationPercent`, a.targetCpuUtilizationPercent ?? 75, 10, 100);
    if (own.replicas !== undefined) {
      fail(C, `${prefix}.replicas`, 'cannot be set together with autoscaling (the autoscaler owns the replica count)', own.replicas,
        'remove replicas, or remove autoscaling');
    }
    autoscaling = { minReplicas: min, maxReplicas: max, targetCpuUtilizationPercent: target };
  }
  return {
    component,
    replicas: autoscaling ? autoscaling.minReplicas : replicas,
    resources,
    parsed,
    ...(storageSize !== undefined ? { storageSize } : {}),
    ...(autoscaling ? { autoscaling } : {}),
    rule: plan.rule,
    estimate: plan.estimate,
  };
}

function resolveZones(zones: readonly string[] | undefined): readonly string[] {
  if (zones === undefined) return [];
  if (!Array.isArray(zones)) {
    fail(C, 'components.ingester.zones', 'must be a list of zone names', zones, 'write e.g. [\'eu-west-1a\', \'eu-west-1b\', \'eu-west-1c\']');
  }
  zones.forEach((z, i) => {
    if (typeof z !== 'string' || !ZONE.test(z)) {
      fail(C, `components.ingester.zones[${i}]`, 'must be a zone name (lower-case letters, digits and \'-\', at most 32 characters)', z,
        'use the value of the nodes\' topology.kubernetes.io/zone label, e.g. \'eu-west-1a\'');
    }
    if (zones.indexOf(z) !== i) fail(C, `components.ingester.zones[${i}]`, 'is listed twice', z, 'list each zone once');
  });
  return zones;
}

/**
 * The capacity plan in the shape the shared config builder writes into `overrides.defaults`: the
 * ingesters' figures stand for a replica's.
 */
export function distributedCapacityPlan(c: DistributedCapacity, load: ResolvedLoad): CapacityPlan {
  return {
    maxTracesPerUser: c.maxTracesPerUser,
    rateLimitBytes: c.rateLimitBytes,
    burstSizeBytes: c.burstSizeBytes,
    rateStrategy: 'global',
    maxBytesPerTrace: Math.max(TEMPO_DEFAULTS.maxBytesPerTrace, 2 * load.spansPerTrace * load.bytesPerSpan),
    distributorBytesPerSecond: c.distributorBytesPerSecond,
    liveWindowSeconds: c.liveWindowSeconds,
    smallestTraceBytes: c.smallestTraceBytes,
    admittedBytesPerIngester: c.admittedBytesPerIngester,
    ingesterBytesPerSecond: c.ingesterBytesPerSecond,
    spansPerSecondPerReplica: c.spansPerSecondPerIngester,
    memoryBytesPerReplica: c.ingesterMemoryBytes,
    cpuCoresPerReplica: c.ingesterCpuCores,
  };
}
