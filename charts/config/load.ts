import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigError, ConfigErrorDetail, describe } from '../shared/validate';
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
    throw new ConfigError(`${name}: cannot read '${file}'; run 'tempo-stack init' to write a starter config, `
      + "copy the repository's tempo-stack.yaml, or pass --config <file>");
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
    // The deepest error is the most specific one (a wrong leaf rather than its parent object); at
    // one depth an unknown key first, since a misspelt key also makes its correct spelling missing.
    const rank = (e: { keyword: string }) => (e.keyword === 'additionalProperties' ? 0 : 1);
    const error = [...errors].sort((a, b) => depth(b.instancePath) - depth(a.instancePath) || rank(a) - rank(b))[0];
    // A value of a type no branch of a union takes (`prometheus: true`): name every alternative.
    const union = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === error.instancePath);
    const node = union && schemaAt(data, error.instancePath, false);
    if (node?.anyOf && pick(node, valueAt(data, error.instancePath)) === node) {
      const got = shown(data, error.instancePath);
      throw new ConfigError(`${name}: '${dotted(error.instancePath)}' must be ${alternatives(node)}, got ${got}; `
        + 'write one of them here (see tempo-stack.schema.json)');
    }
    throw new ConfigError(`${name}: ${explain(error, data)}`);
  }
  const config = data as StackConfigFile;
  checkEnvironments(config, name);
  return config;
}

const ENVIRONMENT_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The rules that span environments, or that no component checks: each name is a DNS label (it
 * becomes the folder `dist/<name>/`, the Argo CD Application `tempo-stack-<name>` and the
 * `app.kubernetes.io/instance` label), used once and not `argocd` when the Argo CD folder is
 * written; each namespace belongs to one environment (two in one namespace would overwrite each
 * other's objects under kubectl or Argo CD, and each would prune the other's). Run by
 * parseStackConfig and again by renderConfig, for configs built in code.
 */
export function checkEnvironments(config: StackConfigFile, file = DEFAULT_CONFIG_FILE): void {
  const environments = config.environments;
  environments.forEach((env, i) => {
    const at = `environments[${i}]`;
    if (typeof env.name !== 'string' || !ENVIRONMENT_NAME.test(env.name) || env.name.length > 63) {
      throw new ConfigError(`${file}: '${at}.name' must be a DNS label `
        + '(lower-case letters, digits and \'-\', starting with a letter, at most 63 characters), '
        + `got ${describe(env.name)}; it names the folder dist/<name>/ and the Argo CD Application: pick a name such as 'staging'`);
    }
    const first = environments.findIndex((other) => other.name === env.name);
    if (first < i) {
      throw new ConfigError(`${file}: '${at}.name' is already used by environments[${first}], got ${describe(env.name)}; `
        + 'give every environment its own name');
    }
    const sameNamespace = environments.findIndex((other) => other.namespace === env.namespace);
    if (sameNamespace < i) {
      const owner = describe(environments[sameNamespace].name);
      throw new ConfigError(`${file}: '${at}.namespace' is already used by environments[${sameNamespace}] (${owner}), `
        + `got ${describe(env.namespace)}; give every environment its own namespace (two would overwrite and prune each other's objects)`);
    }
    if (config.argocd && env.name === 'argocd') {
      throw new ConfigError(`${file}: '${at}.name' collides with the Argo CD folder dist/argocd/, got 'argocd'; rename the environment`);
    }
    // Argo CD labels what it deploys with the Application's name, `tempo-stack-<name>`: a label value.
    if (config.argocd && env.name.length > 51) {
      throw new ConfigError(`${file}: '${at}.name' must be at most 51 characters with Argo CD `
        + '(its Application \'tempo-stack-<name>\' becomes a label), '
        + `got ${describe(env.name)}; shorten the name`);
    }
  });
}

/**
 * Rewrites a component's ConfigError (`tempo: 'replicas' must be ...`) raised while building
 * `environments[index]` as the path inside the config file (`environments[2].tempo.replicas`).
 */
export function locateConfigError(error: ConfigError, file: string, index: number): ConfigError {
  const d = error.detail;
  if (!d) return new ConfigError(`${file}: environments[${index}]: ${error.message}`);
  const located = locateDetail(d, index);
  return new ConfigError(formatLocated(located, file), located);
}

/**
 * A component's error or warning detail with `prop` rewritten as the path inside the config file:
 * the stack's own props sit at the top of `environments[index]`, each component's under its key;
 * Argo CD's options (index undefined) under `argocd`.
 */
export function locateDetail(d: ConfigErrorDetail, index?: number): ConfigErrorDetail {
  if (index === undefined) return { ...d, prop: `${d.component}.${d.prop}` };
  const base = `environments[${index}]`;
  return { ...d, prop: d.component === 'stack' ? `${base}.${d.prop}` : `${base}.${d.component}.${d.prop}` };
}

/** A located detail as one line: `<file>: '<path>' <problem>, got <value>; <fix>`. */
export function formatLocated(d: ConfigErrorDetail, file: string): string {
  return `${file}: '${d.prop}' ${d.problem}, got ${d.got}; ${d.fix}`;
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
function schemaAt(data: unknown, pointer: string, pickBranch = true): SchemaNode | undefined {
  let node = resolve(SCHEMA as SchemaNode);
  let value: unknown = data;
  for (const key of pointer.split('/').slice(1)) {
    node = pick(node, value);
    node = resolve(/^\d+$/.test(key) && node?.items ? node.items : node?.properties?.[key]);
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return pickBranch ? pick(node, value) : node;
}

/**
 * The branch of a union that a value selects: by the discriminator of a tagged union, and for an
 * `anyOf` (the `Props | false` shape of `prometheus` and `grafana`) the branch of the value's JSON
 * type, so a misspelt key inside gets the allowed keys of the mapping branch.
 */
function pick(node: SchemaNode | undefined, value: unknown): SchemaNode | undefined {
  if (node?.anyOf && !node.discriminator) {
    const takes = (b: SchemaNode) => (b.const !== undefined ? b.const === value : jsonTypes(b).includes(jsonType(value)));
    return node.anyOf.map(resolve).find((b) => b !== undefined && takes(b)) ?? node;
  }
  if (!node?.oneOf || !node.discriminator) return node;
  const tag = (value as Record<string, unknown> | undefined)?.[node.discriminator.propertyName];
  return resolve(node.oneOf.map(resolve).find((b) => b?.properties?.[node.discriminator!.propertyName]?.const === tag)) ?? node;
}

/** A value's JSON Schema type. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** The JSON types a schema node accepts (a node with properties is an object). */
function jsonTypes(node: SchemaNode): string[] {
  if (node.type) return ([] as string[]).concat(node.type).map((t) => (t === 'integer' ? 'number' : t));
  return node.properties ? ['object'] : [];
}

/** What an `anyOf` node accepts, in words: 'a mapping (key: value) or false'. */
function alternatives(node: SchemaNode): string {
  const inWords = (b: SchemaNode | undefined) => (b?.const !== undefined ? describe(b.const) : typeInWords(jsonTypes(b ?? {})[0] ?? 'value'));
  return node.anyOf!.map(resolve).map(inWords).join(' or ');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ajv types each keyword's params differently
type AjvParams = Record<string, any>;

/** The definition every credential the config file names goes through: a Secret and a key. */
const SECRET_KEY_REF = (SCHEMA as { definitions: Record<string, SchemaNode> }).definitions.SecretKeyRef;

/**
 * The value at `pointer` as an error message shows it; a plain value where a Secret reference belongs
 * is most likely the credential itself (a Slack webhook URL, a password), so it is never echoed.
 */
function shown(data: unknown, pointer: string): string {
  const value = valueAt(data, pointer);
  const node = schemaAt(data, pointer, false);
  const secret = node === SECRET_KEY_REF || (node?.anyOf ?? []).some((b) => resolve(b) === SECRET_KEY_REF);
  return secret && (typeof value !== 'object' || value === null) && value !== undefined ? "'<redacted>'" : describe(value);
}

function explain(error: { instancePath: string; keyword: string; params: AjvParams; message?: string }, data: unknown): string {
  const at = dotted(error.instancePath);
  const got = shown(data, error.instancePath);
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
      return `'${at}' must be of type ${error.params.type}, got ${got}; `
        + `write ${String(error.params.type).split(',').map(typeInWords).join(' or ')} here`;
    case 'enum':
      return `'${at}' must be one of ${(error.params.allowedValues as unknown[]).map(describe).join(', ')}, got ${got}; pick one of them`;
    case 'const':
      return `'${at}' must be ${describe(error.params.allowedValue)}, got ${got}; use that value`;
    case 'discriminator': {
      const tag = error.params.tag as string;
      const union = schemaAt(data, error.instancePath);
      const options = (union?.oneOf ?? []).map((b) => resolve(b)?.properties?.[tag]?.const).filter((v) => v !== undefined);
      const value = describe(valueAt(data, `${error.instancePath}/${tag}`));
      return `'${field(tag)}' must be one of ${options.map(describe).join(', ')}, got ${value}; pick one of them`;
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
