// Generates charts/tempo/tempo-2.6.1-keys.json, Tempo 2.6.1's config key tree, from the two
// fixtures in test/fixtures/ (see charts/tempo/keys.ts). `npm run tempo-keys`; the test suite checks
// the committed tree equals a fresh merge (test/tempo/keys.spec.ts).
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

type Mapping = Record<string, unknown>;
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');
/** Where the generated tree lives. */
export const TEMPO_KEYS_FILE = path.join(__dirname, '..', 'charts', 'tempo', 'tempo-2.6.1-keys.json');

function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isMapping(v) && Object.keys(v).length === 0);
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

/** The merged tree, serialized as the committed JSON file. */
export function renderTempoKeys(): string {
  const defaults = yaml.load(fs.readFileSync(path.join(FIXTURES, 'tempo-2.6.1-config-defaults.yaml'), 'utf8'));
  const extras = yaml.load(fs.readFileSync(path.join(FIXTURES, 'tempo-2.6.1-extra-keys.yaml'), 'utf8'));
  const merged = merge(defaults, extras, '');
  if (!isMapping(merged)) throw new Error('Tempo reference fixtures must be YAML mappings');
  return `${JSON.stringify(merged)}\n`;
}

if (require.main === module) fs.writeFileSync(TEMPO_KEYS_FILE, renderTempoKeys());
