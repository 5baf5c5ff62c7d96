// Reads the fenced code blocks of the README and docs/, so the tests can run the ones meant to run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { K8sObject } from '../helpers';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The file, relative to the repository root. */
  readonly file: string;
  /** The info string's language (`ts`, `yaml`, `sh`, `console`, ...); '' when none. */
  readonly lang: string;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The nearest `#`, `##` or `###` heading above the block. */
  readonly heading: string;
}

/** The text of a file of the repository. */
export const readDoc = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The Markdown files a reader walks: the README and every file of docs/. */
export function docFiles(): string[] {
  return ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** Every top-level fenced block of `file`, in order (blocks indented inside list items included). */
export function codeBlocks(file: string, text = readDoc(file)): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)```(\S*)\s*$/.exec(lines[i]);
    if (!open) {
      const h = /^#{1,3} (.+)$/.exec(lines[i]);
      if (h) heading = h[1];
      continue;
    }
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '```') body.push(lines[j++].slice(indent));
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code block is never closed`);
    blocks.push({ file, lang: open[2], body: body.length ? `${body.join('\n')}\n` : '', line: i + 1, heading });
    i = j;
  }
  return blocks;
}

/** The text under a `## ` heading of a Markdown text, up to the next `## ` heading. */
export function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section '## ${heading}'`);
  const next = text.indexOf('\n## ', start + heading.length + 4);
  return text.slice(start, next < 0 ? undefined : next);
}

/** What the docs' programs import the package as, and what that is inside this repository. */
const PACKAGE_IMPORT = /from 'tempo-stack'/g;
const PACKAGE_SOURCE = "from '../../charts'";

/**
 * The `ts` blocks of `file` joined into one program, as checked in at `generated` (a path relative
 * to the repository root, two folders deep, e.g. `test/docs/library.generated.ts`), so `tsc -p .`
 * type-checks exactly the documented code. With DOCS_EXAMPLES_UPDATE=1 the generated file is
 * rewritten first.
 */
export function tsProgram(file: string, generated: string): { blocks: CodeBlock[]; source: string; committed: string } {
  const blocks = codeBlocks(file).filter((b) => b.lang === 'ts');
  const source = `// Generated from ${file} by the tests: do not edit. Edit ${file}, then run\n`
    + `// DOCS_EXAMPLES_UPDATE=1 npx jest test/docs\n`
    + blocks.map((b) => b.body).join('\n').replace(PACKAGE_IMPORT, PACKAGE_SOURCE);
  const target = path.join(ROOT, generated);
  if (process.env.DOCS_EXAMPLES_UPDATE) fs.writeFileSync(target, source);
  return { blocks, source, committed: fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '' };
}

/**
 * Runs a generated program whose `app.synth()` writes into a fresh folder, and returns the objects
 * it wrote; the folder is removed afterwards.
 */
export function runProgram(generated: string): K8sObject[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-example-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    // The example is a program run for its side effect (it synthesizes into CDK8S_OUTDIR), not an import.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jest.isolateModules(() => require(path.join(ROOT, generated)));
    return fs.readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()
      .flatMap((f) => yaml.loadAll(fs.readFileSync(path.join(outdir, f), 'utf8')) as K8sObject[]);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
