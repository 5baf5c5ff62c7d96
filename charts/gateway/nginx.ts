/**
 * nginx.conf as typed data, and the renderer that writes it. The builder (config.ts) produces a
 * tree of directives and blocks; only this file knows nginx's syntax (quoting, `;`, braces,
 * indentation), so no config is ever a template string.
 */

/** A simple directive: `name arg1 arg2;`. */
export interface NginxDirective {
  readonly kind: 'directive';
  readonly name: string;
  readonly args: readonly string[];
}

/** A block directive: `name arg1 { ... }` (`http`, `server`, `location /v1/traces`, `map $a $b`). */
export interface NginxBlock {
  readonly kind: 'block';
  readonly name: string;
  readonly args: readonly string[];
  readonly children: readonly NginxNode[];
}

/**
 * A line inside a `map` (or `types`) block: a key and its values, where the key is data (a user
 * name, a regex) rather than a directive name.
 */
export interface NginxEntry {
  readonly kind: 'entry';
  readonly key: string;
  readonly values: readonly string[];
}

/** A `# ...` line, for the reader of the rendered file (why a directive is there). */
export interface NginxComment {
  readonly kind: 'comment';
  readonly text: string;
}

/** One node of an nginx configuration. */
export type NginxNode = NginxDirective | NginxBlock | NginxEntry | NginxComment;

/** `name args...;` */
export function directive(name: string, ...args: Array<string | number>): NginxDirective {
  return { kind: 'directive', name, args: args.map(String) };
}

/** `name args... { children }` */
export function block(name: string, args: ReadonlyArray<string | number>, children: readonly NginxNode[]): NginxBlock {
  return { kind: 'block', name, args: args.map(String), children };
}

/** `key values...;` inside a map. */
export function entry(key: string, ...values: string[]): NginxEntry {
  return { kind: 'entry', key, values };
}

/** `# text` */
export function comment(text: string): NginxComment {
  return { kind: 'comment', text };
}

const NAME = /^[a-z_][a-z0-9_]*$/;
// A word nginx reads back as one token without quotes: no whitespace, quotes, ';', '{', '}', '#' or backslash.
const BARE = /^[^\s"';{}#\\]+$/;

/**
 * One argument as nginx's tokenizer reads it back: bare when it can be, else double-quoted with
 * `"` and `\` escaped. `$variables` keep working inside double quotes. Line breaks are refused:
 * nothing we write needs one, and one in a value would be a sign of injected config.
 */
export function quoteArg(arg: string): string {
  if (/[\r\n]/.test(arg)) throw new Error(`nginx: an argument cannot contain a line break, got ${JSON.stringify(arg)}`);
  if (BARE.test(arg)) return arg;
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Renders nodes as nginx.conf text: four spaces per level, one directive per line. Throws on a
 * directive name nginx would not parse.
 */
export function renderNginx(nodes: readonly NginxNode[]): string {
  const lines: string[] = [];
  const write = (node: NginxNode, depth: number): void => {
    const indent = '    '.repeat(depth);
    if (node.kind === 'comment') {
      for (const line of node.text.split('\n')) lines.push(`${indent}# ${line}`.trimEnd());
      return;
    }
    if (node.kind === 'entry') {
      lines.push(`${indent}${[node.key, ...node.values].map(quoteArg).join(' ')};`);
      return;
    }
    if (!NAME.test(node.name)) throw new Error(`nginx: '${node.name}' is not a directive name`);
    const args = node.args.map(quoteArg).join(' ');
    // `if` takes its condition in parentheses.
    const head = node.kind === 'block' && node.name === 'if' ? `if (${args})` : [node.name, ...(args ? [args] : [])].join(' ');
    if (node.kind === 'directive') {
      lines.push(`${indent}${head};`);
      return;
    }
    lines.push(`${indent}${head} {`);
    for (const child of node.children) write(child, depth + 1);
    lines.push(`${indent}}`);
  };
  nodes.forEach((node) => write(node, 0));
  return `${lines.join('\n')}\n`;
}

/**
 * The nodes a predicate selects, depth first, with the path of block heads above each: for tests
 * and for code that inspects a built config (`find(conf, (n) => n.name === 'grpc_pass')`).
 */
export function findNodes(nodes: readonly NginxNode[], match: (node: NginxDirective | NginxBlock, path: readonly string[]) => boolean,
  path: readonly string[] = []): Array<NginxDirective | NginxBlock> {
  const found: Array<NginxDirective | NginxBlock> = [];
  for (const node of nodes) {
    if (node.kind === 'comment' || node.kind === 'entry') continue;
    if (match(node, path)) found.push(node);
    if (node.kind === 'block') found.push(...findNodes(node.children, match, [...path, [node.name, ...node.args].join(' ')]));
  }
  return found;
}
