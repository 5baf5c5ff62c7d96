import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The synth command as package.json runs it (`npm run synth` = `node scripts/synth.js`).
const root = path.join(__dirname, '..', '..');
const synth = (args: string[], cwd = root) => spawnSync(process.execPath, [path.join(cwd, 'scripts', 'synth.js'), ...args], { cwd, encoding: 'utf8' });

const PLACEHOLDER_WARNING = "tempo-stack.yaml: 'argocd.repoURL' is still the example repository, got 'https://github.com/tempo-stack/tempo-stack.git'; "
  + "point it at the repository (your fork) that holds this dist/, or Argo CD deploys that repository's manifests instead of yours";

const tree = (dir: string): Record<string, string> => Object.fromEntries(
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => { const file = path.join(e.parentPath, e.name); return [path.relative(dir, file), fs.readFileSync(file, 'utf8')]; }),
);

describe('npm run synth', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-cli-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('prints one line per folder with its objects by kind, then the total time', () => {
    const run = synth(['--outdir', path.join(tmp, 'out')]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const folders = fs.readdirSync(path.join(tmp, 'out')).sort();
    expect(lines.slice(0, -1).map((l) => path.basename(l.split(' ')[0])).sort()).toEqual(folders);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\S+\/ +\d+ objects: \d+ [A-Z]\w+(, \d+ [A-Z]\w+)*$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^synthesized ${folders.length} folders in \\d+ ms$`));
  });

  test('one environment and no Argo CD: one folder, in the singular', () => {
    const config = path.join(tmp, 'one.yaml');
    fs.writeFileSync(config, 'environments: [{name: solo, namespace: solo}]\n');
    const run = synth(['--config', config, '--outdir', path.join(tmp, 'out')]);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['solo']);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^synthesized 1 folder in \d+ ms$/);
  });

  test('--quiet prints only the warnings and writes the same files as the repository\'s dist/', () => {
    const run = synth(['--quiet', '--outdir', path.join(tmp, 'out')]);
    // The repository's own config keeps the example repoURL, which synth warns about.
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '', `warning: ${PLACEHOLDER_WARNING}\n`]);
    expect(tree(path.join(tmp, 'out'))).toEqual(tree(path.join(root, 'dist')));
  });

  test('warnings go to stderr, one line each, never fail synth, and are said again when nothing changed', () => {
    const config = path.join(tmp, 'warn.yaml');
    fs.writeFileSync(config, [
      'environments:',
      '  - {name: pair, namespace: pair, tempo: {mode: cluster, replicas: 2, storage: {backend: gcs, bucket: acme-traces}}}',
      '  - {name: solo, namespace: solo}',
      'argocd: {repoURL: https://github.com/tempo-stack/tempo-stack.git}',
      '',
    ].join('\n'));
    const expected = [
      `${path.relative(root, config)}: 'environments[0].tempo.replicationFactor' of 2 lets no write survive losing a replica (the write quorum is 2 of 2), got 2; `
        + 'use 3 (with at least 3 replicas) to survive one replica down, or 1 if losing recent traces with a pod is acceptable',
      PLACEHOLDER_WARNING.replace('tempo-stack.yaml', path.relative(root, config)),
    ].map((w) => `warning: ${w}\n`).join('');
    const first = synth(['--config', config, '--outdir', path.join(tmp, 'out')]);
    expect([first.status, first.stderr]).toEqual([0, expected]);
    expect(fs.readdirSync(path.join(tmp, 'out')).sort()).toEqual(['argocd', 'pair', 'solo']);
    const again = synth(['--config', config, '--outdir', path.join(tmp, 'out')]);
    expect(again.stdout).toContain('unchanged since the last synth');
    expect([again.status, again.stderr]).toEqual([0, expected]);
  });

  test('an unknown option is a usage error (exit 2) and writes nothing', () => {
    const run = synth(['--qiet', '--outdir', path.join(tmp, 'out')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--qiet'");
    expect(run.stderr).toContain('usage: npm run synth -- [--quiet] [--config <file>] [--outdir <dir>] [--no-cache]');
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  test('a bad config file exits 1 with one message and leaves the previous output byte for byte', () => {
    const out = path.join(tmp, 'out');
    expect(synth(['--quiet', '--outdir', out]).status).toBe(0);
    const before = tree(out);
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(bad, 'environments: [{name: a, namespace: a, tempo: {mode: clustr}}]\n');
    const run = synth(['--config', bad, '--outdir', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^synth failed, .*out\/ left as it was:\n {2}.*bad\.yaml: 'environments\[0\]\.tempo\.mode' must be one of 'single-node', 'cluster', 'distributed', got 'clustr'; pick one of them\n$/);
    expect(tree(out)).toEqual(before);
  });

  test('a second synth of unchanged inputs renders nothing, says so, and leaves the output as it is', () => {
    const out = path.join(tmp, 'out');
    const first = synth(['--outdir', out]);
    expect(first.status).toBe(0);
    const before = tree(out);
    const second = synth(['--outdir', out]);
    expect(second.status).toBe(0);
    const lines = second.stdout.trim().split('\n');
    // The same per-folder lines as the render, then what happened instead of a render.
    expect(lines.slice(0, -1)).toEqual(first.stdout.trim().split('\n').slice(0, -1));
    expect(lines.at(-1)).toMatch(/^unchanged since the last synth: .*out\/ already holds this output \(\d+ ms; --no-cache renders anyway\)$/);
    expect(tree(out)).toEqual(before);
  });

  test('a hand-edited output, a changed config file or --no-cache render again', () => {
    const out = path.join(tmp, 'out');
    expect(synth(['--quiet', '--outdir', out]).status).toBe(0);
    const expected = tree(out);
    fs.writeFileSync(path.join(out, 'dev', 'secrets.txt'), 'edited by hand\n');
    fs.writeFileSync(path.join(out, 'dev', 'stray.yaml'), 'kind: Stray\n');
    expect(synth(['--outdir', out]).stdout).toMatch(/^synthesized \d+ folders in \d+ ms$/m);
    expect(tree(out)).toEqual(expected);
    expect(synth(['--outdir', out, '--no-cache']).stdout).toMatch(/^synthesized \d+ folders in \d+ ms$/m);
    const config = path.join(tmp, 'changed.yaml');
    fs.writeFileSync(config, fs.readFileSync(path.join(root, 'tempo-stack.yaml'), 'utf8').replace('namespace: tempo-dev', 'namespace: tempo-dev2'));
    expect(synth(['--quiet', '--config', config, '--outdir', out]).status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'dev', '0000-namespace.k8s.yaml'), 'utf8')).toContain('name: tempo-dev2\n');
  });

  test('never runs stale code: a changed source is rebuilt before the next synth', () => {
    // A copy of the sources with the real node_modules: change a constant, synthesize again.
    const copy = path.join(tmp, 'repo');
    for (const entry of ['charts', 'imports', 'scripts', 'main.ts', 'package.json', 'package-lock.json', 'tempo-stack.yaml', 'tempo-stack.schema.json', 'tsconfig.json']) {
      fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    expect(synth(['--quiet'], copy).status).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'dist', 'dev', '0000-namespace.k8s.yaml'), 'utf8')).toContain('app.kubernetes.io/part-of: tempo-stack\n');
    // The bundle is pure ASCII (a one-byte string for V8), and what its escapes stand for still works:
    // Go's duration unit 'µs' is in a regular expression esbuild leaves unescaped.
    expect(fs.readFileSync(path.join(copy, 'build', 'synth.js'), 'latin1')).not.toMatch(/[^\x00-\x7f]/);
    const micro = path.join(tmp, 'micro.yaml');
    fs.writeFileSync(micro, "environments: [{name: mu, namespace: mu, tempo: {ingesterTraceIdlePeriod: '10000000\u00b5s'}}]\n");
    expect(synth(['--quiet', '--config', micro, '--outdir', path.join(tmp, 'micro')], copy).status).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'micro', 'mu', '0001-tempo.k8s.yaml'), 'utf8')).toContain('trace_idle_period: 10000000\u00b5s\n');
    const labels = path.join(copy, 'charts', 'shared', 'labels.ts');
    fs.writeFileSync(labels, fs.readFileSync(labels, 'utf8').replace("PART_OF = 'tempo-stack'", "PART_OF = 'tempo-stack-changed'"));
    expect(synth(['--quiet'], copy).status).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'dist', 'dev', '0000-namespace.k8s.yaml'), 'utf8')).toContain('app.kubernetes.io/part-of: tempo-stack-changed\n');
  });
});
