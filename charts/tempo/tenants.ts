import { TENANT_ID } from '../shared/tenancy';
import { checkDuration, checkInteger, checkOneOf, fail, formatMiB } from '../shared/validate';
import {
  BASELINE_MEMORY_BYTES, CapacityPlan, GC_HEADROOM, GENERATOR_MEMORY_BYTES, IngestRing, PER_TRACE_OVERHEAD_BYTES,
  admittedBytesPerIngesterFor, burstFor,
} from './capacity';
import { MetricsGeneratorProcessor, TempoTenant } from './props';

/**
 * Tenants (all modes): their ids checked, their limits resolved over the stack's defaults and
 * checked against the ingesters' memory, and the runtime overrides file Tempo reads them from.
 * Pure functions.
 */

const C = 'tempo';

/**
 * The key of the per-tenant file's wildcard entry: Tempo applies it to every tenant without an
 * entry of its own, in place of `overrides.defaults`.
 */
export const WILDCARD_TENANT = '*';

/** One tenant, every limit resolved. */
export interface TenantSettings {
  readonly id: string;
  /** `ingestion.rate_limit_bytes`. */
  readonly rateLimitBytes: number;
  /** `ingestion.burst_size_bytes`. */
  readonly burstSizeBytes: number;
  /** `ingestion.max_traces_per_user`: at least what the rate can fill. */
  readonly maxTracesPerUser: number;
  /** `global.max_bytes_per_trace`. */
  readonly maxBytesPerTrace: number;
  /** `compaction.block_retention`. */
  readonly blockRetention: string;
  /** `metrics_generator.processors`. */
  readonly metricsGeneratorProcessors: readonly MetricsGeneratorProcessor[];
  /** `metrics_generator.max_active_series`, per generator. */
  readonly metricsGeneratorMaxActiveSeries: number;
  /** Bytes of this tenant's live traces one ingester may hold: what its limiter admits in one live window, replicated. */
  readonly admittedBytesPerIngester: number;
  /** Memory this tenant's live traces take in one ingester, GC headroom included, in bytes. */
  readonly memoryBytesPerIngester: number;
}

/** The stack-wide values a tenant's limits default to, and what they are checked against. */
export interface TenantDefaults {
  readonly capacity: CapacityPlan;
  readonly ring: IngestRing;
  readonly maxBytesPerTrace: number;
  readonly blockRetention: string;
  readonly metricsGeneratorProcessors: readonly MetricsGeneratorProcessor[];
  readonly metricsGeneratorMaxActiveSeries: number;
  /** The smallest trace the model guards against, in bytes (`expectedLoad.spansPerTrace x minBytesPerSpan`). */
  readonly smallestTraceBytes: number;
  /** The smallest trace of the declared shape, which `maxBytesPerTrace` must hold. */
  readonly declaredTraceBytes: number;
  /** The memory limit of each ingester, in bytes, and how the user wrote it. */
  readonly memoryLimitBytes: number;
  readonly memoryLimit: string;
  /** Whether the metrics-generator runs in the ingesters' process (single-node, cluster): its memory counts there. */
  readonly generatorInIngester: boolean;
  /** The prop that holds the ingesters' memory limit, for messages. @default 'resources.limits.memory' */
  readonly memoryProp?: string;
}

/**
 * Resolves and checks `tenants`. Undefined when none are given (one implicit tenant). Throws a
 * ConfigError naming the tenant on a bad id, a duplicate, a limit that would drop spans after a
 * 200, or tenants whose admitted rates together do not fit the ingesters' memory.
 */
export function resolveTenants(tenants: readonly TempoTenant[] | undefined, d: TenantDefaults): readonly TenantSettings[] | undefined {
  if (tenants === undefined) return undefined;
  if (!Array.isArray(tenants) || tenants.length === 0) {
    fail(C, 'tenants', 'must list at least one tenant', tenants,
      'list tenants as [{ id: \'team-a\' }, ...], or leave tenants out for one implicit tenant');
  }
  const seen = new Map<string, number>();
  tenants.forEach((t, i) => {
    checkTenantId(`tenants[${i}].id`, t?.id);
    const first = seen.get(t.id);
    if (first !== undefined) fail(C, `tenants[${i}].id`, `is already used by tenants[${first}]`, t.id, 'give every tenant its own id');
    seen.set(t.id, i);
  });

  const evenRate = Math.ceil(d.capacity.rateLimitBytes / tenants.length);
  const resolved = tenants.map((t, i) => resolveTenant(t, i, evenRate, d));

  // Every tenant's limiter admits its own rate: the ingesters must hold all of them at once.
  const fixed = BASELINE_MEMORY_BYTES + (d.generatorInIngester && d.metricsGeneratorProcessors.length > 0 ? GENERATOR_MEMORY_BYTES : 0);
  let total = fixed;
  resolved.forEach((t, i) => {
    total += t.memoryBytesPerIngester;
    if (total > d.memoryLimitBytes) {
      const memoryProp = d.memoryProp ?? 'resources.limits.memory';
      const ids = resolved.slice(0, i + 1).map((r) => `'${r.id}'`).join(', ');
      fail(C, `tenants[${i}]`, `does not fit: tenants ${ids} together admit what needs about ${formatMiB(total)} per ingester `
        + `(tenant '${t.id}': ${t.maxTracesPerUser} live traces, ${formatMiB(t.memoryBytesPerIngester)}), more than ${memoryProp} (${d.memoryLimit})`,
      t.id, `raise ${memoryProp} to at least ${formatMiB(resolved.reduce((sum, r) => sum + r.memoryBytesPerIngester, fixed))}, `
        + `or lower tenants[${i}].ingestionRateLimitBytes (or another tenant's)`);
    }
  });
  return resolved;
}

/** Checks one tenant id against Tempo's rules; `*` is the overrides file's wildcard. */
export function checkTenantId(prop: string, id: unknown): string {
  if (typeof id !== 'string' || !TENANT_ID.test(id) || id === '.' || id === '..' || id === WILDCARD_TENANT) {
    fail(C, prop, 'must be a tenant id Tempo accepts in the X-Scope-OrgID header (1 to 150 letters, digits or !-_.*\'(), not \'.\', \'..\' or \'*\')',
      id, 'use e.g. \'team-a\'');
  }
  return id;
}

function resolveTenant(t: TempoTenant, i: number, evenRate: number, d: TenantDefaults): TenantSettings {
  const at = (prop: string) => `tenants[${i}].${prop}`;
  const rateLimitBytes = checkInteger(C, at('ingestionRateLimitBytes'), t.ingestionRateLimitBytes ?? evenRate, 1);
  const distributorRate = d.ring.rateStrategy === 'global' ? rateLimitBytes / d.ring.distributors : rateLimitBytes;
  const burstSizeBytes = checkInteger(C, at('ingestionBurstSizeBytes'), t.ingestionBurstSizeBytes ?? burstFor(distributorRate), 1);
  const admittedBytesPerIngester = admittedBytesPerIngesterFor(rateLimitBytes, burstSizeBytes, d.ring, d.capacity.liveWindowSeconds);
  const needed = Math.ceil(admittedBytesPerIngester / d.smallestTraceBytes);
  const maxTracesPerUser = checkInteger(C, at('maxTracesPerUser'), t.maxTracesPerUser ?? needed, 1);
  if (maxTracesPerUser < needed) {
    fail(C, at('maxTracesPerUser'), `is below the ${needed} live traces tenant '${t.id}''s rate limit can fill in one ingester`, maxTracesPerUser,
      `past it Tempo answers 200 and drops spans as live_traces_exceeded; raise it to at least ${needed}, or lower ${at('ingestionRateLimitBytes')}`);
  }
  const maxBytesPerTrace = checkInteger(C, at('maxBytesPerTrace'), t.maxBytesPerTrace ?? d.maxBytesPerTrace, 1);
  if (maxBytesPerTrace < d.declaredTraceBytes) {
    fail(C, at('maxBytesPerTrace'), `is smaller than a trace of the declared shape (${d.declaredTraceBytes} bytes)`, maxBytesPerTrace,
      `Tempo would discard such traces as trace_too_large after answering 200; raise it to at least ${d.declaredTraceBytes}`);
  }
  const blockRetention = t.blockRetention ?? d.blockRetention;
  checkDuration(C, at('blockRetention'), blockRetention);
  const processors = t.metricsGeneratorProcessors ?? d.metricsGeneratorProcessors;
  if (!Array.isArray(processors)) fail(C, at('metricsGeneratorProcessors'), 'must be a list', processors, 'list processors, e.g. [\'span-metrics\']');
  processors.forEach((p, j) => {
    checkOneOf(C, `${at('metricsGeneratorProcessors')}[${j}]`, p, ['service-graphs', 'span-metrics', 'local-blocks']);
    if (!d.metricsGeneratorProcessors.includes(p)) {
      fail(C, `${at('metricsGeneratorProcessors')}[${j}]`, 'is not among the stack\'s metricsGeneratorProcessors', p,
        `a tenant can only use processors the metrics-generator is set up for (${d.metricsGeneratorProcessors.join(', ') || 'none'}); `
          + 'add it there first');
    }
  });
  if (new Set(processors).size !== processors.length) {
    fail(C, at('metricsGeneratorProcessors'), 'must not list a processor twice', processors, 'list each processor once');
  }
  const metricsGeneratorMaxActiveSeries = checkInteger(C, at('metricsGeneratorMaxActiveSeries'),
    t.metricsGeneratorMaxActiveSeries ?? d.metricsGeneratorMaxActiveSeries, 1);
  return {
    id: t.id,
    rateLimitBytes,
    burstSizeBytes,
    maxTracesPerUser,
    maxBytesPerTrace,
    blockRetention,
    metricsGeneratorProcessors: processors,
    metricsGeneratorMaxActiveSeries,
    admittedBytesPerIngester,
    memoryBytesPerIngester: GC_HEADROOM * maxTracesPerUser * (d.smallestTraceBytes + PER_TRACE_OVERHEAD_BYTES),
  };
}

/** One tenant's entry in the runtime overrides file (Tempo 2.6's new overrides format). */
export interface TenantOverrides {
  ingestion: { rate_strategy: 'local' | 'global'; rate_limit_bytes: number; burst_size_bytes: number; max_traces_per_user: number };
  global: { max_bytes_per_trace: number };
  compaction: { block_retention: string };
  metrics_generator?: { processors: string[]; max_active_series: number };
}

/** The runtime overrides file (`overrides.per_tenant_override_config`). */
export interface TenantOverridesFile {
  overrides: Record<string, TenantOverrides>;
}

/**
 * The per-tenant file, new format only (Tempo refuses a file that mixes it with the legacy one).
 * Each tenant's entry is complete: Tempo gives a listed tenant zero for every key its entry leaves
 * out, and a zero burst refuses every push. The wildcard entry admits nothing, so a sender naming
 * an unlisted tenant is refused with 429 instead of getting a limiter (and memory) of its own; the
 * capacity model only has to hold the listed tenants.
 */
export function buildTenantOverrides(
  tenants: readonly TenantSettings[], rateStrategy: 'local' | 'global', generator: boolean, stackBlockRetention: string,
): TenantOverridesFile {
  const overrides: Record<string, TenantOverrides> = {};
  for (const t of tenants) {
    overrides[t.id] = {
      ingestion: {
        rate_strategy: rateStrategy,
        rate_limit_bytes: t.rateLimitBytes,
        burst_size_bytes: t.burstSizeBytes,
        max_traces_per_user: t.maxTracesPerUser,
      },
      global: { max_bytes_per_trace: t.maxBytesPerTrace },
      compaction: { block_retention: t.blockRetention },
      ...(generator
        ? { metrics_generator: { processors: [...t.metricsGeneratorProcessors], max_active_series: t.metricsGeneratorMaxActiveSeries } }
        : {}),
    };
  }
  overrides[WILDCARD_TENANT] = {
    ingestion: { rate_strategy: rateStrategy, rate_limit_bytes: 0, burst_size_bytes: 0, max_traces_per_user: 1 },
    global: { max_bytes_per_trace: 1 },
    // Blocks written before tenants were listed (tenant `single-tenant`) keep the stack's retention.
    compaction: { block_retention: stackBlockRetention },
    ...(generator ? { metrics_generator: { processors: [], max_active_series: 1 } } : {}),
  };
  return { overrides };
}

/** The most active series the generators hold for all tenants together, per generator instance. */
export function tenantsActiveSeries(tenants: readonly TenantSettings[]): number {
  return tenants.reduce((sum, t) => sum + (t.metricsGeneratorProcessors.length > 0 ? t.metricsGeneratorMaxActiveSeries : 0), 0);
}
