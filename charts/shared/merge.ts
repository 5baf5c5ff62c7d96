import { ContainerResources } from './workload';

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
