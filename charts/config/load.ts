import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigError, describe } from '../shared/validate';
import { StackConfigFile } from './file';
import validateSchema = require('./schema-validator.generated');
import SCHEMA = require('../../tempo-stack.schema.json');

/** The config file `npm run synth` reads, at the repository root. */
export const DEFAULT_CONFIG_FILE = 'tempo-stack.yaml';

/** A JSON Schema node, as far as error messages need it. */
interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly oneOf?: SchemaNode[];
  readonly anyOf?: SchemaNode[];
  readonly const?: unknown;
  readonly enum?: unknown[];
  readonly discriminator?: { readonly propertyName: string };
}

/**
 * Reads and checks a config file: YAML syntax, then the JSON Schema generated from the props
 * (`tempo-stack.schema.json`). Throws a ConfigError that names the file, the path inside it, the
 * value, what is allowed and the fix. Component rules beyond the schema (a memory limit too small
 * for the load, say) are checked when the stack is built: see `locateConfigError`.
 */
export function loadStackConfig(file: string): StackConfigFile {
  const name = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${name}: cannot read '${file}'; create it (the repository's tempo-stack.yaml is an example) or pass --config <file>`);
  }
  let data: unknown;
  try {
    data = yaml.load(text, { filename: name });
  } catch (error) {
    const e = error as yaml.YAMLException;
    const where = e.mark ? `${name}:${e.mark.line + 1}:${e.mark.column + 1}` : name;
    throw new ConfigError(`${where}: ${e.reason ?? e.message}; fix the YAML at that line (indentation, quoting, a missing ':')`);
  }
  return parseStackConfig(data, name);
}

/** Checks already-parsed config data against the schema; `name` is the file name for messages. */
export function parseStackConfig(data: unknown, name = DEFAULT_CONFIG_FILE): StackConfigFile {
  if (!validateSchema(data)) {
    const errors = validateSchema.errors ?? [];
    // The deepest error is the most specific one (a wrong leaf rather than its parent object).
    const error = [...errors].sort((a, b) => depth(b.instancePath) - depth(a.instancePath))[0];
    throw new ConfigError(`${name}: ${explain(error, data)}`);
  }
  const config = data as StackConfigFile;
  const names = config.environments.map((env) => env.name);
  const twice = names.findIndex((env, i) => names.indexOf(env) !== i);
  if (twice >= 0) {
    throw new ConfigError(`${name}: 'environments[${twice}].name' is already used by environments[${names.indexOf(names[twice])}], got ${describe(names[twice])}; give every environment its own name`);
  }
  return config;
}

/**
 * Rewrites a component's ConfigError (`tempo: 'replicas' must be ...`) raised while building
 * `environments[index]` as the path inside the config file (`environments[2].tempo.replicas`).
 */
export function locateConfigError(error: ConfigError, file: string, index: number): ConfigError {
  const d = error.detail;
  const base = `environments[${index}]`;
  if (!d) return new ConfigError(`${file}: ${base}: ${error.message}`);
  // The stack's own props sit at the top of an environment; each component's under its key.
  const where = d.component === 'stack' ? `${base}.${d.prop}` : `${base}.${d.component}.${d.prop}`;
  return new ConfigError(`${file}: '${where}' ${d.problem}, got ${d.got}; ${d.fix}`, { ...d, prop: where });
}

/** A JSON Schema type as the YAML it asks for: `object` as 'a mapping (key: value)'. */
function typeInWords(type: string): string {
  const words: Record<string, string> = { object: 'a mapping (key: value)', array: 'a list', integer: 'a whole number', null: 'null' };
  return words[type] ?? `a ${type}`;
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length;
}

/** `/environments/2/tempo/replicas` as `environments[2].tempo.replicas`. */
function dotted(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  while (current?.$ref) current = (SCHEMA as { definitions: Record<string, SchemaNode> }).definitions[current.$ref.replace('#/definitions/', '')];
  return current;
}

/** The schema node that describes the value at `pointer`, following the discriminator of unions. */
function schemaAt(data: unknown, pointer: string): SchemaNode | undefined {
  let node = resolve(SCHEMA as SchemaNode);
  let value: unknown = data;
  for (const key of pointer.split('/').slice(1)) {
    node = pick(node, value);
    node = resolve(/^\d+$/.test(key) && node?.items ? node.items : node?.properties?.[key]);
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return pick(node, value);
}

/** The branch of a discriminated union that a value selects. */
function pick(node: SchemaNode | undefined, value: unknown): SchemaNode | undefined {
  if (!node?.oneOf || !node.discriminator) return node;
  const tag = (value as Record<string, unknown> | undefined)?.[node.discriminator.propertyName];
  return resolve(node.oneOf.map(resolve).find((b) => b?.properties?.[node.discriminator!.propertyName]?.const === tag)) ?? node;
}

function explain(error: { instancePath: string; keyword: string; params: Record<string, any>; message?: string }, data: unknown): string {
  const at = dotted(error.instancePath);
  const got = describe(valueAt(data, error.instancePath));
  const field = (key: string) => (at ? `${at}.${key}` : key);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = error.params.additionalProperty as string;
      const allowed = Object.keys(schemaAt(data, error.instancePath)?.properties ?? {});
      const near = closest(key, allowed);
      return `'${field(key)}' is not a known key, got ${describe(valueAt(data, `${error.instancePath}/${key}`))}; `
        + `${near ? `did you mean '${near}'? ` : ''}allowed keys here: ${allowed.join(', ')}`;
    }
    case 'required':
      return `'${field(error.params.missingProperty)}' is required, got undefined; add it (see tempo-stack.schema.json)`;
    case 'type':
      return `'${at}' must be of type ${error.params.type}, got ${got}; write ${String(error.params.type).split(',').map(typeInWords).join(' or ')} here`;
    case 'enum':
      return `'${at}' must be one of ${(error.params.allowedValues as unknown[]).map(describe).join(', ')}, got ${got}; pick one of them`;
    case 'const':
      return `'${at}' must be ${describe(error.params.allowedValue)}, got ${got}; use that value`;
    case 'discriminator': {
      const tag = error.params.tag as string;
      const union = schemaAt(data, error.instancePath);
      const options = (union?.oneOf ?? []).map((b) => resolve(b)?.properties?.[tag]?.const).filter((v) => v !== undefined);
      return `'${field(tag)}' must be one of ${options.map(describe).join(', ')}, got ${describe(valueAt(data, `${error.instancePath}/${tag}`))}; pick one of them`;
    }
    default:
      return `'${at}' ${error.message ?? 'is invalid'}, got ${got}; see tempo-stack.schema.json for what is allowed`;
  }
}

/** The allowed key closest to a misspelt one (edit distance at most 2), for "did you mean". */
function closest(key: string, allowed: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const next = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = next;
      }
    }
    return row[b.length];
  };
  const scored = allowed.map((a) => ({ a, d: distance(key.toLowerCase(), a.toLowerCase()) })).sort((x, y) => x.d - y.d);
  return scored[0] && scored[0].d <= 2 ? scored[0].a : undefined;
}
