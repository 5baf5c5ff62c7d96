// Every code block of the README and docs/ that is meant to run is run here (or, for the library
// programs, in library.spec.ts and readme.spec.ts); the blocks that need a cluster (`sh`) are checked
// for commands and options that exist; every relative link reaches a file and, when it names one, a
// heading. docs/configuration.md is generated and checked by config-reference.spec.ts.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { parseStackConfig, renderConfig } from '../../charts';
import { runPlan, USAGE as PLAN_USAGE } from '../../charts/cli/plan';
import { CodeBlock, codeBlocks, docFiles, readDoc, ROOT, section } from '../support/markdown';

const GENERATED_DOCS = ['docs/configuration.md'];
/** The files whose `ts` blocks form one program each, and where it is checked in (see tsProgram). */
const PROGRAMS: Readonly<Record<string, string>> = {
  'README.md': 'test/docs/readme.generated.ts',
  'docs/library.md': 'test/docs/library.generated.ts',
};
/** The agreed `tempo-stack` commands (COORDINATION.md, issue 14). */
const CLI_COMMANDS = ['synth', 'plan', 'init', 'validate', 'deploy'];
const SYNTH_OPTIONS = ['--config', '--outdir', '--quiet', '--help'];

const files = docFiles().filter((f) => !GENERATED_DOCS.includes(f));
const blocks = files.flatMap((f) => codeBlocks(f));
const where = (b: CodeBlock): string => `${b.file}:${b.line}`;
const ofLang = (lang: string): Array<[string, CodeBlock]> => blocks.filter((b) => b.lang === lang).map((b) => [where(b), b]);

test('the README and docs/ hold code blocks of every kind, each saying its language: ts, yaml, console or sh', () => {
  expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/deploying.md', 'docs/capacity.md', 'docs/library.md']));
  expect(blocks.filter((b) => !['ts', 'yaml', 'console', 'sh'].includes(b.lang)).map(where)).toEqual([]);
  for (const lang of ['ts', 'yaml', 'console', 'sh']) expect(ofLang(lang).length).toBeGreaterThan(0);
});

test('`ts` blocks appear only in the files whose programs the tests type-check and run', () => {
  expect(blocks.filter((b) => b.lang === 'ts' && !PROGRAMS[b.file]).map(where)).toEqual([]);
  for (const generated of Object.values(PROGRAMS)) expect(fs.existsSync(path.join(ROOT, generated))).toBe(true);
});

describe('every `yaml` block is a whole tempo-stack.yaml that synthesizes', () => {
  test.each(ofLang('yaml'))('%s', (_at, block) => {
    const config = parseStackConfig(yaml.load(block.body));
    const rendered = renderConfig(config);
    const expected = [...config.environments.map((e) => e.name), ...(config.argocd ? ['argocd'] : [])];
    expect([...rendered.folders.keys()]).toEqual(expected);
    for (const env of config.environments) expect(rendered.folders.get(env.name)!.size).toBeGreaterThan(2);
  });
});

describe('every `console` block is a `tempo-stack plan` whose output is what the planner prints now', () => {
  test.each(ofLang('console'))('%s', (_at, block) => {
    const [command, ...printed] = block.body.split('\n');
    const args = /^\$ (?:npm run plan --|npx tempo-stack plan) (.+)$/.exec(command);
    expect({ command, isPlan: !!args }).toEqual({ command, isPlan: true });
    let out = '';
    expect(runPlan(args![1].split(' '), (t) => { out += t; }, () => undefined)).toBe(0);
    expect(printed.join('\n')).toBe(out);
  });
});

describe('`sh` blocks, which need a cluster and are not run, use only scripts, commands and options that exist', () => {
  const scripts = Object.keys(JSON.parse(readDoc('package.json')).scripts as Record<string, string>);
  const help = spawnSync('bash', [path.join(ROOT, 'deploy.sh'), '--help'], { encoding: 'utf8' });
  const deployOptions = new Set(help.stdout.match(/--[a-z-]+/g));
  const planOptions = new Set(PLAN_USAGE.match(/--[a-z-]+/g));

  test('deploy.sh --help lists its options', () => {
    expect(help.status).toBe(0);
    expect([...deployOptions]).toEqual(expect.arrayContaining(['--env', '--status', '--clean', '--verify', '--context']));
  });

  /** Fails naming the line when `value` is not among `allowed`. */
  const expectKnown = (line: string, value: string, allowed: Iterable<string>): void => {
    expect({ line, value, known: [...allowed].includes(value) }).toEqual({ line, value, known: true });
  };
  const flagsOf = (text: string): string[] => text.match(/--[a-z-]+/g) ?? [];

  test.each(ofLang('sh'))('%s', (_at, block) => {
    const lines = block.body.replace(/\\\n/g, ' ').split('\n').map((l) => l.replace(/\s+#.*$/, ''));
    for (const line of lines) {
      for (const m of line.matchAll(/npm run (?:-s )?([\w:-]+)/g)) expectKnown(line, m[1], scripts);
      for (const m of line.matchAll(/(?:\.\/deploy\.sh|tempo-stack deploy)((?: +[^ ;&|]+)*)/g)) {
        for (const flag of flagsOf(m[1])) expectKnown(line, flag, deployOptions);
      }
      for (const m of line.matchAll(/tempo-stack (\w+)((?: +[^ ;&|]+)*)/g)) {
        expectKnown(line, m[1], CLI_COMMANDS);
        const options = m[1] === 'plan' ? planOptions : m[1] === 'deploy' ? deployOptions : SYNTH_OPTIONS;
        for (const flag of flagsOf(m[2])) expectKnown(line, flag, options);
      }
    }
  });
});

/** GitHub's anchor for a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
const anchorOf = (heading: string): string => heading.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
const anchorsOf = (file: string): Set<string> =>
  new Set([...readDoc(file).replace(/^ *```[\s\S]*?^ *```/gm, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));

describe('links', () => {
  const links = docFiles().flatMap((file) => [...readDoc(file).replace(/^ *```[\s\S]*?^ *```/gm, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => ({ file, target: m[1] }))
    .filter((l) => !/^[a-z]+:/.test(l.target)));

  test('every relative link reaches a file of the repository', () => {
    expect(links.length).toBeGreaterThan(30);
    const broken = links.filter(({ file, target }) => {
      const [rel] = target.split('#');
      if (!rel) return false;
      const resolved = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), rel));
      return !fs.existsSync(path.join(ROOT, resolved));
    });
    expect(broken).toEqual([]);
  });

  test('every link to a heading finds it in its file', () => {
    const missing = links.filter(({ file, target }) => {
      const [rel, anchor] = target.split('#');
      if (!anchor) return false;
      const resolved = rel ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), rel)) : file;
      if (!resolved.endsWith('.md') || !fs.existsSync(path.join(ROOT, resolved))) return false;
      return !anchorsOf(resolved).has(anchor);
    });
    expect(links.some((l) => l.target.includes('#'))).toBe(true);
    expect(missing).toEqual([]);
  });

  test('the README\'s table of contents links every file of docs/', () => {
    const toc = section(readDoc('README.md'), 'Documentation');
    const linked = [...toc.matchAll(/\]\(docs\/([^)#]+\.md)\)/g)].map((m) => m[1]).sort();
    expect(linked).toEqual(fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort());
  });
});
