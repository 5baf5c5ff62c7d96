import { checkQuantity, fail } from './validate';
import { ContainerResources, ParsedResources } from './workload';

/** A JSON-like object whose keys a component does not model: what `configOverrides` take. */
export interface ConfigOverrides {
  readonly [key: string]: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Deep-merges `overrides` into `base`, returning a new object (neither input changes): mappings
 * merge key by key, anything else (scalars, lists) replaces what was there, and `null` removes a
 * key. The escape hatch for config keys a component does not model, applied last.
 */
export function deepMerge<T>(base: T, overrides: ConfigOverrides | undefined): T {
  if (!overrides) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key], value);
    else out[key] = value;
  }
  return out as T;
}

/** The paths of every leaf an override sets (`server.log_level`), for error messages. */
export function overridePaths(overrides: ConfigOverrides, at = ''): string[] {
  return Object.entries(overrides).flatMap(([key, value]) => {
    const path = at ? `${at}.${key}` : key;
    return isPlainObject(value) && Object.keys(value).length > 0 ? overridePaths(value, path) : [path];
  });
}

/**
 * Container resources where every quantity is optional: what a user sets on top of a preset.
 * `{ limits: { memory: '3Gi' } }` keeps the preset's requests and CPU limit.
 */
export interface ResourceOverrides {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** The preset's resources with the user's quantities on top, key by key. */
export function mergeResources(defaults: ContainerResources, overrides: ResourceOverrides | undefined): ContainerResources {
  return {
    requests: { ...defaults.requests, ...defined(overrides?.requests) },
    limits: { ...defaults.limits, ...defined(overrides?.limits) },
  } as ContainerResources;
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Where the quantities a user did not set come from, for error messages: `preset 'single-node'`, `the default`. */
export type ResourceSource = string;

const RESOURCE_SIDES: readonly string[] = ['requests', 'limits'];
const QUANTITY_EXAMPLES = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } } as const;

/**
 * Merges the user's `resources` over `defaults` (mergeResources) and validates the result: every
 * quantity, and no request above its limit. When only one side of a pair was set by the user and
 * the other comes from `source` (a raised request above the preset's limit, a lowered limit below
 * the preset's request), the error names the prop the user set, the value it collides with and
 * where that value comes from, and says which second prop to set.
 */
export function resolveResources(
  component: string, defaults: ContainerResources, overrides: ResourceOverrides | undefined, source: ResourceSource,
): { resources: ContainerResources; parsed: ParsedResources } {
  checkResourceOverrideShape(component, overrides);
  const resources = mergeResources(defaults, overrides);
  const userSet = (side: 'requests' | 'limits', kind: 'cpu' | 'memory') => overrides?.[side]?.[kind] !== undefined;
  const amount = (side: 'requests' | 'limits', kind: 'cpu' | 'memory') => checkQuantity(
    component, `resources.${side}.${kind}`, resources[side][kind], QUANTITY_EXAMPLES[side][kind]);
  const parsed: ParsedResources = {
    requestCpu: amount('requests', 'cpu'),
    requestMemory: amount('requests', 'memory'),
    limitCpu: amount('limits', 'cpu'),
    limitMemory: amount('limits', 'memory'),
  };
  for (const kind of ['cpu', 'memory'] as const) {
    const request = kind === 'cpu' ? parsed.requestCpu : parsed.requestMemory;
    const limit = kind === 'cpu' ? parsed.limitCpu : parsed.limitMemory;
    if (request <= limit) continue;
    const req = resources.requests[kind];
    const lim = resources.limits[kind];
    if (userSet('limits', kind) && !userSet('requests', kind)) {
      fail(component, `resources.limits.${kind}`, `must not be below the ${kind} request ('${req}', from ${source})`, lim,
        `also set resources.requests.${kind} to at most '${lim}', or raise the limit to at least '${req}'`);
    }
    if (userSet('requests', kind) && !userSet('limits', kind)) {
      fail(component, `resources.requests.${kind}`, `must not exceed the ${kind} limit ('${lim}', from ${source})`, req,
        `also set resources.limits.${kind} to at least '${req}', or lower the request to at most '${lim}'`);
    }
    fail(component, `resources.requests.${kind}`, `must not exceed the limit (${lim})`, req, 'lower the request or raise the limit');
  }
  return { resources, parsed };
}

function checkResourceOverrideShape(component: string, overrides: ResourceOverrides | undefined): void {
  if (overrides === undefined) return;
  if (!isPlainObject(overrides)) {
    fail(component, 'resources', 'must be an object with requests and/or limits', overrides, 'write e.g. { limits: { memory: \'3Gi\' } }');
  }
  for (const [side, value] of Object.entries(overrides)) {
    if (!RESOURCE_SIDES.includes(side)) {
      fail(component, `resources.${side}`, 'is not a resources key', value, 'use requests and/or limits, each with cpu and/or memory');
    }
    if (value === undefined) continue;
    if (!isPlainObject(value)) {
      fail(component, `resources.${side}`, 'must be an object with cpu and/or memory', value, `write e.g. { ${side}: { memory: '1Gi' } }`);
    }
    for (const [kind, quantity] of Object.entries(value)) {
      if (kind !== 'cpu' && kind !== 'memory') {
        fail(component, `resources.${side}.${kind}`, 'is not a resource this project sets', quantity, 'set cpu and/or memory');
      }
    }
  }
}

/** Levenshtein distance between two keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate closest to `key` within an edit distance of 2 (ties: the first listed), for "did you mean". */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/**
 * The value at a dotted path as the key checkers report it (`a.b[].c` or `a.b[0].c`): `[]` takes
 * the first item of the list that holds the next key.
 */
export function valueAtPath(root: unknown, path: string): unknown {
  const segments = path.split('.');
  let values: unknown[] = [root];
  for (const segment of segments) {
    const match = /^([^[\]]*)((?:\[\d*\])*)$/.exec(segment);
    const key = match ? match[1] : segment;
    let next = values.flatMap((v) => (isPlainObject(v) && key in v ? [v[key]] : []));
    for (const [, index] of (match?.[2] ?? '').matchAll(/\[(\d*)\]/g)) {
      next = next.flatMap((v) => (Array.isArray(v) ? (index === '' ? v : [v[Number(index)]]) : []));
    }
    values = next;
  }
  return values[0];
}

/**
 * Key names that hold a credential in the upstream configs (`password`, `secret_key`,
 * `access_key`, `client_secret`, `bearer_token`, `credentials`, `storage_account_key`, a TLS `key`, ...);
 * `*_file` keys, which name a file mounted from a Secret, are not among them.
 */
const SECRET_KEY = /(^|_)(password|passwd|secret|secret_key|access_key|session_token|bearer_token|token|credentials|api_key|account_key)$|^key$/i;

/**
 * The paths of an override that would write a credential into a ConfigMap (and so into dist/).
 * Overrides never carry secrets: credentials come from Secrets, through the components'
 * Secret-backed props.
 */
export function secretOverridePaths(overrides: ConfigOverrides): string[] {
  const out: string[] = [];
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (isPlainObject(value)) {
      for (const [key, v] of Object.entries(value)) {
        const path = at ? `${at}.${key}` : key;
        if (SECRET_KEY.test(key) && typeof v === 'string' && v !== '') out.push(path);
        else walk(v, path);
      }
    }
  };
  walk(overrides, '');
  return out;
}
