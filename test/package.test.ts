// The package as users get it: `npm pack`, then the tarball installed with its peers into a fresh
// cdk8s app made like the cdk8s-cli TypeScript template (its tsconfig.json and cdk8s.yaml copied
// unchanged: lib es2016, node10 module resolution, no skipLibCheck, `npx ts-node main.ts`), where
// `cdk8s synth` must work; then in a folder of that app holding nothing, `npx tempo-stack init` and
// `npx tempo-stack synth` (the GitOps use); then the same app moved to the oldest cdk8s and
// constructs the peer ranges admit, where `tsc --build` (the template's `npm run compile`) must
// pass and the compiled program must synthesize the same objects.
// One pack and one install for the whole file (the tests run in order on it). Installs are
// offline-first (npm's cache holds what `npm ci` fetched) and omit optional dependencies (cdk8s 2.68
// lists `backport`, a release tool of its own, as one: 180 packages nothing here runs). The cdk8s
// CLI itself is the repository's: it only runs the app's command.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as yaml from 'js-yaml';
import { K8sObject } from './helpers';
import { codeBlocks, runProgram } from './support/markdown';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const template = path.join(root, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
const cdk8sCli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const exec = promisify(execFile);
const npm = (args: string[], cwd: string) => exec('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd });

/** The consumer's program: the README's library example, as a reader copies it into main.ts. */
const PROGRAM = codeBlocks('README.md').filter((b) => b.lang === 'ts')[0].body;
/** What that program writes when it runs on this repository's sources (test/docs/readme.spec.ts runs the same file). */
let expected: K8sObject[] | undefined;
const expectedObjects = () => (expected ??= runProgram('test/docs/readme.generated.ts'));

const objectsOf = (files: ReadonlyMap<string, string>): K8sObject[] => [...files]
  .filter(([name]) => name.endsWith('.k8s.yaml')).sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
const readDir = (dir: string) => new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

/** A cdk8s app like the template's, depending on the tarball and the given cdk8s and constructs, installed. */
async function makeApp(dir: string, cdk8s: string, constructs: string): Promise<void> {
  fs.mkdirSync(dir);
  for (const file of ['tsconfig.json', 'cdk8s.yaml']) fs.copyFileSync(path.join(template, file), path.join(dir, file));
  const templatePackage = JSON.parse(fs.readFileSync(path.join(template, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: path.basename(dir),
    version: '1.0.0',
    private: true,
    scripts: templatePackage.scripts,
    dependencies: { 'tempo-stack': `file:${tarball}`, cdk8s, constructs },
    // The template's compiler, loader and Node.js types (its jest and the cdk8s CLI are not needed here).
    devDependencies: Object.fromEntries(['typescript', 'ts-node', '@types/node'].map((name) => [name, templatePackage.devDependencies[name]])),
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'main.ts'), PROGRAM);
  await npm(['install', '--omit=optional'], dir);
}

/** Every copy of a package installed anywhere in an app's node_modules, with its version. */
function copiesOf(app: string, name: string): string[] {
  const found: string[] = [];
  const walk = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      const scoped = entry.startsWith('@');
      const dirs = scoped ? fs.readdirSync(path.join(modules, entry)).map((e) => path.join(modules, entry, e)) : [path.join(modules, entry)];
      for (const dir of dirs) {
        if (path.relative(modules, dir) === name) {
          found.push(`${path.relative(app, dir)}@${JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version}`);
        }
        walk(path.join(dir, 'node_modules'));
      }
    }
  };
  walk(path.join(app, 'node_modules'));
  return found;
}

/** The objects `cdk8s synth` (the template's `npm run synth`, its ts-node compiling main.ts) writes in the app. */
async function cdk8sSynth(app: string): Promise<K8sObject[]> {
  fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true });
  // --no-check-upgrade: the CLI would ask the registry for its latest version.
  await exec(process.execPath, [cdk8sCli, 'synth', '--no-check-upgrade'], { cwd: app });
  return objectsOf(readDir(path.join(app, 'dist')));
}

let tmp: string;
let tarball: string;
let packed: string[];
let app: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-package-'));
  // --ignore-scripts: no build on prepack, the tests' global setup has just built lib/.
  const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], root);
  const [result] = JSON.parse(stdout);
  tarball = path.join(tmp, result.filename);
  packed = result.files.map((f: { path: string }) => f.path);
  app = path.join(tmp, 'app');
  await makeApp(app, pkg.devDependencies.cdk8s, pkg.devDependencies.constructs);
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What the tarball may hold: its metadata, the command, the compiled library with its types and data. */
const SHIPPED = /^(package\.json|README\.md|LICENSE|bin\/tempo-stack\.js|lib\/tempo-stack\.schema\.json|lib\/(charts|imports)\/.+\.(d\.ts|js|json))$/;

describe('the packed package', () => {
  test('holds the compiled library with its types, the command and the schema; no sources, tests, dist/ or CI', () => {
    for (const file of packed) expect([file, SHIPPED.test(file)]).toEqual([file, true]);
    for (const file of [pkg.main, pkg.types, pkg.bin['tempo-stack'], 'lib/tempo-stack.schema.json']) expect(packed).toContain(file);
    expect(pkg.private).not.toBe(true);
  });

  test('the declarations a consumer\'s compiler reads import only Node.js, the dependencies and the peers, all resolvable under node10', () => {
    // Every declaration file reachable from `types` through relative imports, and the packages they import.
    const installed = path.join(app, 'node_modules', 'tempo-stack');
    const reached = new Set<string>();
    const imported = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = fs.readFileSync(path.join(installed, file), 'utf8');
      for (const [, spec] of text.matchAll(/(?:from|import\(|require\()\s*['"]([^'"]+)['"]/g)) {
        if (!spec.startsWith('.')) imported.add(spec);
        else for (const candidate of [`${spec}.d.ts`, `${spec}/index.d.ts`]) {
          const target = path.join(path.dirname(file), candidate);
          if (fs.existsSync(path.join(installed, target))) { visit(target); break; }
        }
      }
    };
    visit(pkg.types);
    expect(reached.size).toBeGreaterThan(20);
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
    expect([...imported].filter((spec) => !allowed.has(packageOf(spec)) && !['fs', 'path', 'crypto'].includes(spec))).toEqual([]);
    // A subpath import needs the package's `exports`, which node10 resolution does not read, unless the file exists.
    const unresolvable = [...imported].filter((spec) => spec !== packageOf(spec) && !['.d.ts', '/index.d.ts']
      .some((ext) => fs.existsSync(path.join(app, 'node_modules', `${spec}${ext}`))));
    expect(unresolvable).toEqual([]);
  });
});

describe('in a cdk8s app made like the cdk8s-cli TypeScript template', () => {
  test('one copy of cdk8s and of constructs is installed, the app\'s own', () => {
    expect(copiesOf(app, 'cdk8s')).toEqual([expect.stringMatching(/^node_modules\/cdk8s@/)]);
    expect(copiesOf(app, 'constructs')).toEqual([expect.stringMatching(/^node_modules\/constructs@/)]);
  });

  test('`cdk8s synth` compiles the README\'s library example against the shipped types and writes what it writes from the sources', async () => {
    expect(PROGRAM).toContain("from 'tempo-stack';");
    const objects = await cdk8sSynth(app);
    expect(objects.length).toBeGreaterThan(20);
    expect(objects).toEqual(expectedObjects());
  }, 60_000);

  test('in an empty folder, `npx tempo-stack init` then `npx tempo-stack synth` write the starter config and ./dist/', async () => {
    const gitops = path.join(app, 'gitops');
    fs.mkdirSync(gitops);
    await exec('npx', ['--no-install', 'tempo-stack', 'init'], { cwd: gitops });
    expect(fs.readdirSync(gitops).sort()).toEqual(['tempo-stack.schema.json', 'tempo-stack.yaml']);
    const { stdout } = await exec('npx', ['--no-install', 'tempo-stack', 'synth'], { cwd: gitops });
    expect(stdout).toMatch(/^dist\/dev\/ +\d+ objects: .+\nsynthesized 1 folder in \d+ ms\n$/);
    const files = readDir(path.join(gitops, 'dist', 'dev'));
    expect(files.get('0000-namespace.k8s.yaml')).toContain('kind: Namespace\n');
    const manifests = [...files.keys()].filter((f) => f.endsWith('.k8s.yaml')).sort();
    expect(yaml.load(files.get('Kustomization')!)).toEqual(expect.objectContaining({ resources: manifests }));
  }, 60_000);
});

describe('on the oldest cdk8s and constructs the peer ranges admit', () => {
  const oldest = (range: string) => range.replace(/^\^/, '');

  // ts-node (in cdk8s synth, above) reports errors in main.ts only: `tsc --build` (the template's
  // `npm run compile`) checks every declaration file too, ours and the peers', under the template's
  // tsconfig. Then the compiled main.js runs, what ts-node would run.
  test('`tsc --build` compiles the program and every declaration it reads, and it synthesizes the same objects', async () => {
    expect(pkg.peerDependencies.cdk8s).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(pkg.peerDependencies.constructs).toMatch(/^\^\d+\.\d+\.\d+$/);
    const [cdk8s, constructs] = [oldest(pkg.peerDependencies.cdk8s), oldest(pkg.peerDependencies.constructs)];
    await npm(['install', '--omit=optional', '--save-exact', `cdk8s@${cdk8s}`, `constructs@${constructs}`], app);
    expect(copiesOf(app, 'cdk8s')).toEqual([`node_modules/cdk8s@${cdk8s}`]);
    expect(copiesOf(app, 'constructs')).toEqual([`node_modules/constructs@${constructs}`]);
    await exec(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '--build'], { cwd: app });
    fs.rmSync(path.join(app, 'dist'), { recursive: true, force: true });
    await exec(process.execPath, ['main.js'], { cwd: app });
    expect(objectsOf(readDir(path.join(app, 'dist')))).toEqual(expectedObjects());
  }, 120_000);
});
