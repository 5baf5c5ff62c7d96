/**
 * Checks that every key of a generated Tempo configuration exists in Tempo 2.6.
 *
 * Why: Tempo 2.6 parses its config strictly, so an unknown or misplaced key (a typo, a key from
 * another Tempo version, `duration_slo` one level too high) stops the process at start-up — in the
 * cluster, long after the unit tests passed. This checker finds those keys at test time.
 *
 * The reference is the union of two fixtures:
 *  - `test/fixtures/tempo-2.6.1-config-defaults.yaml`: every key of Tempo 2.6.1 with its default,
 *    dumped from the running binary (`/status/config?mode=defaults`);
 *  - `test/fixtures/tempo-2.6.1-extra-keys.yaml`: the keys the dump cannot show because their zero
 *    value is omitted (`omitempty`), each group citing its Go struct and yaml tag. Its header
 *    documents the shape conventions (`"<map>"`, `"<any>"`, list item schemas) used below.
 *
 * It checks key names and the mapping/list/scalar shape only, not value types or ranges.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const DEFAULTS_FILE = path.join(FIXTURES, 'tempo-2.6.1-config-defaults.yaml');
const EXTRAS_FILE = path.join(FIXTURES, 'tempo-2.6.1-extra-keys.yaml');

/** Free-form mapping: any key, scalar values (string→string maps such as s3 `tags` or remote_write `headers`). */
const FREE_MAP = '<map>';
/** Opaque value: nothing below it is checked. */
const ANY = '<any>';

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isMapping(v) && Object.keys(v).length === 0);
}

function has(m: Mapping, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

/**
 * Unions the dump with the extras. Extras fill what the dump leaves empty ({}, [], null) and add
 * keys to its mappings; anything else would mean the extras file contradicts the binary's own
 * dump, which is a fixture bug worth failing loudly on.
 */
function merge(defaults: unknown, extras: unknown, at: string): unknown {
  if (extras === undefined) return defaults;
  if (defaults === undefined || isEmpty(defaults)) return extras;
  if (isMapping(defaults) && isMapping(extras)) {
    const out: Mapping = { ...defaults };
    for (const [k, v] of Object.entries(extras)) out[k] = merge(defaults[k], v, join(at, k));
    return out;
  }
  throw new Error(`tempo-2.6.1-extra-keys.yaml contradicts the defaults dump at ${at || '(root)'}`);
}

let reference: Mapping | undefined;

/** The merged reference tree, loaded once per test process (module-level cache). */
function loadReference(): Mapping {
  if (!reference) {
    const defaults = yaml.load(fs.readFileSync(DEFAULTS_FILE, 'utf8'));
    const extras = yaml.load(fs.readFileSync(EXTRAS_FILE, 'utf8'));
    const merged = merge(defaults, extras, '');
    if (!isMapping(merged)) throw new Error('Tempo reference fixtures must be YAML mappings');
    reference = merged;
  }
  return reference;
}

/** The item schema of a reference list: the union of its mapping items, or its first scalar. */
function itemSchema(ref: unknown[]): unknown {
  const mappings = ref.filter(isMapping);
  if (mappings.length === 0) return ref[0];
  return mappings.reduce<Mapping>((acc, m) => ({ ...acc, ...m }), {});
}

function check(value: unknown, ref: unknown, at: string, out: string[]): void {
  // Unset (null) is always allowed: Tempo keeps the default. A null reference (pointer fields such
  // as storage.trace.memcached or querier.search.google_cloud_run) has no known shape: opaque.
  if (value === null || value === undefined || ref === null || ref === ANY) return;

  if (ref === FREE_MAP) {
    if (!isMapping(value)) {
      out.push(`${at} (expected a mapping)`);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (isMapping(v) || Array.isArray(v)) out.push(`${join(at, k)} (expected a scalar)`);
    }
    return;
  }

  if (isMapping(ref)) {
    if (!isMapping(value)) {
      out.push(`${at} (expected a mapping)`);
      return;
    }
    // An empty reference mapping that the extras did not describe accepts no keys at all.
    for (const [k, v] of Object.entries(value)) {
      if (!has(ref, k)) out.push(join(at, k));
      else check(v, ref[k], join(at, k), out);
    }
    return;
  }

  if (Array.isArray(ref)) {
    if (!Array.isArray(value)) {
      out.push(`${at} (expected a list)`);
      return;
    }
    // An empty reference list has no item schema: only list-ness is checked.
    if (ref.length === 0) return;
    const item = itemSchema(ref);
    for (const v of value) check(v, item, `${at}[]`, out);
    return;
  }

  // The reference is a scalar (string, number, boolean).
  if (isMapping(value) || Array.isArray(value)) out.push(`${at} (expected a scalar)`);
}

/**
 * Lists every key of `config` that Tempo 2.6 does not know at that place.
 *
 * @param config the generated Tempo configuration, as an object or as a YAML string.
 * @returns dotted paths, list items written as `[]` (e.g. `metrics_generator.storage.remote_write[].url`);
 *   shape mismatches carry a suffix: `path (expected a scalar)`, `(expected a mapping)`,
 *   `(expected a list)`. Empty when every key exists.
 *
 * Legacy flat overrides (`overrides.max_traces_per_user`) are reported although Tempo 2.6 still
 * falls back to that deprecated format: this project writes the scoped `overrides.defaults.*` format
 * only (see the extras fixture for the reasoning).
 */
export function unknownTempoKeys(config: unknown): string[] {
  const parsed = typeof config === 'string' ? yaml.load(config) : config;
  const out: string[] = [];
  if (!isMapping(parsed)) return ['(root) (expected a mapping)'];
  check(parsed, loadReference(), '', out);
  return out;
}
