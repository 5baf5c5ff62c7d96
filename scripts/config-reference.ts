// Generates docs/configuration.md, the reference of every key of tempo-stack.yaml, from
// tempo-stack.schema.json (which `npm run schema` generates from the props' types and doc comments).
// `npm run docs` writes it; `npm run docs -- --check` fails when the committed file differs (CI).
import * as fs from 'fs';
import * as path from 'path';

/** The subset of JSON Schema draft 07 that ts-json-schema-generator writes for the props. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly discriminator?: { readonly propertyName: string };
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

const root = path.join(__dirname, '..');
const SCHEMA_FILE = path.join(root, 'tempo-stack.schema.json');
/** Where the reference is written, relative to the repository root. */
export const REFERENCE_FILE = path.join('docs', 'configuration.md');

/** A section of the reference: one object type, and every path in the file where it is used. */
interface Section {
  readonly title: string;
  readonly node: SchemaNode;
  readonly paths: string[];
}

const refName = (ref: string): string => ref.replace(/^#\/definitions\//, '');
const anchor = (title: string): string => title.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
const literal = (value: unknown): string => `\`${typeof value === 'string' ? `'${value}'` : JSON.stringify(value)}\``;

/**
 * The Markdown reference of the config file described by `schema`: one section per object type
 * (definitions and inline objects alike), in the order a reader meets them from the top of the file,
 * each listing where it is used and, per key, its type, whether it is required, its default and its
 * doc comment. Pure: the same schema always gives the same text.
 */
export function configReference(schema: SchemaNode): string {
  const definitions = schema.definitions ?? {};
  const resolve = (node: SchemaNode): SchemaNode => (node.$ref ? definitions[refName(node.$ref)] ?? node : node);
  const sections = new Map<string, Section>();
  const isObject = (node: SchemaNode): boolean => !!node.properties || !!node.oneOf;

  // Depth first from the root, in key order, so sections follow the file's own nesting.
  const visit = (node: SchemaNode, at: string, inlineTitle: string): void => {
    const target = resolve(node);
    if (node.$ref && !isObject(target) && !target.anyOf) return;
    if (target.anyOf) {
      for (const option of target.anyOf) visit(option, at, inlineTitle);
      return;
    }
    if (target.type === 'array' && target.items) {
      visit(target.items, `${at}[]`, inlineTitle);
      return;
    }
    if (target.additionalProperties && typeof target.additionalProperties === 'object' && !target.properties) {
      visit(target.additionalProperties, `${at}.<key>`, inlineTitle);
      return;
    }
    if (!isObject(target)) return;
    const id = node.$ref ? refName(node.$ref) : `inline:${at}`;
    const known = sections.get(id);
    if (known) {
      if (!known.paths.includes(at)) known.paths.push(at);
      return;
    }
    sections.set(id, { title: node.$ref ? refName(node.$ref) : inlineTitle, node: target, paths: [at] });
    for (const variant of target.oneOf ?? []) visit(variant, at, inlineTitle);
    for (const [key, child] of Object.entries(target.properties ?? {})) {
      visit(child, at ? `${at}.${key}` : key, `\`${at ? `${at}.${key}` : key}\``);
    }
  };
  visit(schema, '', 'The file');

  const link = (ref: string): string => {
    const section = sections.get(refName(ref));
    return section ? `[${section.title}](#${anchor(section.title)})` : `\`${refName(ref)}\``;
  };
  const typeOf = (node: SchemaNode, at: string): string => {
    if (node.$ref) {
      const target = resolve(node);
      return isObject(target) ? link(node.$ref) : typeOf({ ...target, description: undefined }, at);
    }
    if (node.const !== undefined) return literal(node.const);
    if (node.enum) return node.enum.map(literal).join(' or ');
    const alternatives = node.anyOf ?? node.oneOf;
    if (alternatives) return alternatives.map((n) => typeOf(n, at)).join(' or ');
    if (node.type === 'array') return `list of ${node.items ? typeOf(node.items, `${at}[]`) : 'values'}`;
    if (node.properties) return `[object](#${anchor(`\`${at}\``)})`;
    if (node.type === 'object') {
      const values = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
      return values && Object.keys(values).length ? `map of ${typeOf(values, `${at}.<key>`)}` : 'map';
    }
    if (Array.isArray(node.type)) return node.type.join(' or ');
    return (node.type as string | undefined) ?? 'any value';
  };

  const out: string[] = [
    '<!-- Generated by `npm run docs` (scripts/config-reference.ts) from tempo-stack.schema.json: do not edit. -->',
    '# Configuration reference: `tempo-stack.yaml`',
    '',
    'Every key the config file takes, generated from `tempo-stack.schema.json`, which `npm run schema`',
    'generates from the TypeScript props and their doc comments (so the library takes the same keys:',
    '`Environment` is `TempoStackProps` plus `name` and `description`). Synth checks a file against the',
    'same schema, then against each component\'s own rules. Durations use Go\'s syntax (`30s`, `5m`, `336h`)',
    'unless a key says Prometheus duration; container and volume sizes are Kubernetes quantities (`10Gi`, `500m`).',
    '',
    ...[...sections.values()].map((s) => `- [${s.title}](#${anchor(s.title)})${s.paths[0] ? `: \`${s.paths[0]}\`` : ''}`),
  ];
  for (const section of sections.values()) {
    out.push('', `## ${section.title}`, '');
    if (section.paths[0]) out.push(`Used at ${section.paths.map((p) => `\`${p}\``).join(', ')}.`, '');
    if (section.node.description) out.push(prose(section.node.description), '');
    if (section.node.oneOf) {
      const by = section.node.discriminator?.propertyName;
      out.push(`One of${by ? `, chosen by \`${by}\`` : ''}:`, '');
      for (const variant of section.node.oneOf) {
        const tag = by ? resolve(variant).properties?.[by] : undefined;
        out.push(`- ${typeOf(variant, section.paths[0])}${tag ? ` (\`${by}: ${String(tag.const ?? tag.enum?.join(' | '))}\`)` : ''}`);
      }
    }
    const required = new Set(section.node.required ?? []);
    for (const [key, child] of Object.entries(section.node.properties ?? {})) {
      const at = section.paths[0] ? `${section.paths[0]}.${key}` : key;
      const facts = [typeOf(child, at), required.has(key) ? 'required' : undefined,
        child.default !== undefined ? `default ${literalDefault(child.default)}` : undefined].filter(Boolean);
      const description = child.description ?? (child.$ref ? resolve(child).description : undefined);
      out.push(`- **\`${key}\`** (${facts.join('; ')})${description ? `: ${indent(prose(description))}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * Doc comments give some defaults as words (`@default - preset's`, `1 (single-node), 3 (cluster)`):
 * those stay prose; values are shown as code.
 */
function literalDefault(value: unknown): string {
  return typeof value === 'string' && /[ ']/.test(value) ? escapeHtml(value) : literal(value);
}

/** `<name>` outside code spans would be read as an HTML tag and vanish. */
function escapeHtml(text: string): string {
  return text.split('`').map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;'))).join('`');
}

/**
 * A doc comment as Markdown. The schema generator joins the lines of a fenced example into one, so
 * the fence is rebuilt, breaking after each shell line continuation.
 */
function prose(text: string): string {
  const fences: string[] = [];
  // Fences are set aside while tags are escaped; `@@FENCE<n>@@` never occurs in a doc comment.
  const kept = escapeHtml(text.replace(/```[\s\S]*?```/g, (fence) => `@@FENCE${fences.push(fence) - 1}@@`));
  return kept.replace(/@@FENCE(\d+)@@/g, (_m, i: string) => fences[Number(i)])
    .replace(/```(\w*) ([\s\S]*?) ```/g, (_m, lang: string, code: string) => `\n\n\`\`\`${lang}\n${code.replace(/ \\ +/g, ' \\\n  ')}\n\`\`\`\n\n`)
    .replace(/\n{3,}/g, '\n\n').trim();
}

/** Continuation lines of a list item are indented so they stay inside it. */
function indent(text: string): string {
  return text.split('\n').map((line, i) => (i === 0 || line === '' ? line : `  ${line}`)).join('\n');
}

/** Writes the reference, or with `--check` fails (exit 1) when the committed one is stale. */
function main(argv: readonly string[]): number {
  const text = configReference(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as SchemaNode);
  const file = path.join(root, REFERENCE_FILE);
  if (argv.includes('--check')) {
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
      console.error(`${REFERENCE_FILE} differs from tempo-stack.schema.json: run npm run docs and commit the result`);
      return 1;
    }
    console.log(`${REFERENCE_FILE} matches tempo-stack.schema.json`);
    return 0;
  }
  fs.writeFileSync(file, text);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
