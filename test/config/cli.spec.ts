import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main, USAGE } from '../../charts/cli';
import { SCHEMA_FILE } from '../../charts/cli/init';
import { SYNTH_USAGE } from '../../charts/cli/synth';
import { parseStackConfig } from '../../charts';

// The `tempo-stack` command: its main() in process (what bin/tempo-stack.js calls), and the
// compiled bin itself as a process (what `npm run synth` and `npx tempo-stack` run).
const root = path.join(__dirname, '..', '..');

/** Runs `tempo-stack <argv>` in process, in folder `cwd`. */
async function cli(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, cwd, env });
  return { status, stdout, stderr };
}

const PLACEHOLDER_WARNING = "tempo-stack.yaml: 'argocd.repoURL' is still the example repository, "
  + "got 'https://github.com/tempo-stack/tempo-stack.git'; point it at the repository (your fork) that holds this dist/, "
  + "or Argo CD deploys that repository's manifests instead of yours";

const tree = (dir: string): Record<string, string> => Object.fromEntries(
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => { const file = path.join(e.parentPath, e.name); return [path.relative(dir, file), fs.readFileSync(file, 'utf8')]; }),
);

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-cli-')); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tempo-stack', () => {
  test('--help prints the commands; no command or an unknown one is a usage error (exit 2)', async () => {
    expect(await cli(['--help'], tmp)).toEqual({ status: 0, stdout: USAGE, stderr: '' });
    for (const command of ['synth', 'validate', 'init', 'plan', 'deploy']) expect(USAGE).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(await cli([], tmp)).toEqual({ status: 2, stdout: '', stderr: USAGE });
    expect(await cli(['synthesize'], tmp)).toEqual({ status: 2, stdout: '', stderr: `tempo-stack: unknown command 'synthesize'\n\n${USAGE}` });
  });
});

describe('tempo-stack synth', () => {
  test('prints one line per folder with its objects by kind, then the total time', async () => {
    const run = await cli(['synth', '--config', path.join(root, 'tempo-stack.yaml'), '--outdir', 'out'], tmp);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const folders = fs.readdirSync(path.join(tmp, 'out')).sort();
    expect(lines.slice(0, -1).map((l) => l.split(' ')[0]).sort()).toEqual(folders.map((f) => `out/${f}/`));
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\S+\/ +\d+ objects: \d+ [A-Z]\w+(, \d+ [A-Z]\w+)*$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^synthesized ${folders.length} folders in \\d+ ms$`));
  });

  test('in a folder holding only tempo-stack.yaml, writes ./dist/ there', async () => {
    fs.writeFileSync(path.join(tmp, 'tempo-stack.yaml'), 'environments: [{name: solo, namespace: solo}]\n');
    const run = await cli(['synth'], tmp);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(tmp).sort()).toEqual(['dist', 'tempo-stack.yaml']);
    expect(fs.readdirSync(path.join(tmp, 'dist'))).toEqual(['solo']);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^synthesized 1 folder in \d+ ms$/);
  });

  test('--quiet prints only the warnings and writes the same files as the repository\'s dist/', async () => {
    // The repository's own config keeps the example repoURL, which synth warns about.
    const run = await cli(['synth', '--quiet', '--outdir', path.join(tmp, 'out')], root);
    expect(run).toEqual({ status: 0, stdout: '', stderr: `warning: ${PLACEHOLDER_WARNING}\n` });
    expect(tree(path.join(tmp, 'out'))).toEqual(tree(path.join(root, 'dist')));
  });

  test('warnings go to stderr, one line each, and never fail synth', async () => {
    fs.writeFileSync(path.join(tmp, 'warn.yaml'), [
      'environments:',
      '  - {name: pair, namespace: pair, tempo: {mode: cluster, replicas: 2, storage: {backend: gcs, bucket: acme-traces}}}',
      '  - {name: solo, namespace: solo}',
      'argocd: {repoURL: https://github.com/tempo-stack/tempo-stack.git}',
      '',
    ].join('\n'));
    const expected = [
      "warn.yaml: 'environments[0].tempo.replicationFactor' of 2 lets no write survive losing a replica (the write quorum is 2 of 2), got 2; "
        + 'use 3 (with at least 3 replicas) to survive one replica down, or 1 if losing recent traces with a pod is acceptable',
      PLACEHOLDER_WARNING.replace('tempo-stack.yaml', 'warn.yaml'),
    ].map((w) => `warning: ${w}\n`).join('');
    const run = await cli(['synth', '--config', 'warn.yaml', '--outdir', 'out'], tmp);
    expect([run.status, run.stderr]).toEqual([0, expected]);
    expect(fs.readdirSync(path.join(tmp, 'out')).sort()).toEqual(['argocd', 'pair', 'solo']);
    expect(await cli(['validate', '--config', 'warn.yaml', '--quiet'], tmp)).toEqual({ status: 0, stdout: '', stderr: expected });
  });

  test('under `cdk8s synth` (CDK8S_OUTDIR set), the cdk8s output folder mirrors what was written', async () => {
    fs.writeFileSync(path.join(tmp, 'tempo-stack.yaml'), 'environments: [{name: solo, namespace: solo}]\n');
    fs.mkdirSync(path.join(tmp, '.cdk8s-out'));
    fs.writeFileSync(path.join(tmp, '.cdk8s-out', 'stale.yaml'), 'kind: Stale\n');
    expect((await cli(['synth', '--quiet'], tmp, { CDK8S_OUTDIR: '.cdk8s-out' })).status).toBe(0);
    expect(tree(path.join(tmp, '.cdk8s-out'))).toEqual(tree(path.join(tmp, 'dist')));
  });

  test('--help prints the options; an unknown option is a usage error (exit 2) and writes nothing', async () => {
    expect(await cli(['synth', '--help'], tmp)).toEqual({ status: 0, stdout: SYNTH_USAGE, stderr: '' });
    const run = await cli(['synth', '--qiet', '--outdir', 'out'], tmp);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`synth: Unknown option '--qiet'\n\n${SYNTH_USAGE}`);
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  test('a bad config file exits 1 with one message and leaves the previous output byte for byte', async () => {
    expect((await cli(['synth', '--quiet', '--config', path.join(root, 'tempo-stack.yaml'), '--outdir', 'out'], tmp)).status).toBe(0);
    const before = tree(path.join(tmp, 'out'));
    fs.writeFileSync(path.join(tmp, 'bad.yaml'), 'environments: [{name: a, namespace: a, tempo: {mode: clustr}}]\n');
    const run = await cli(['synth', '--config', 'bad.yaml', '--outdir', 'out'], tmp);
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: 'synth failed, out/ left as it was:\n'
        + "  bad.yaml: 'environments[0].tempo.mode' must be one of 'single-node', 'cluster', 'distributed', got 'clustr'; pick one of them\n",
    });
    expect(tree(path.join(tmp, 'out'))).toEqual(before);
  });

  test('a missing config file exits 1 and writes nothing', async () => {
    const run = await cli(['synth'], tmp);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^synth failed, dist\/ left as it was:\n {2}tempo-stack\.yaml: cannot read '.*tempo-stack\.yaml'; .+\n$/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

describe('tempo-stack validate', () => {
  test('a valid file: exit 0, says which folders synth would write, writes nothing', async () => {
    fs.copyFileSync(path.join(root, 'tempo-stack.yaml'), path.join(tmp, 'tempo-stack.yaml'));
    const run = await cli(['validate'], tmp);
    const warning = `warning: ${PLACEHOLDER_WARNING}\n`;
    // One folder per environment of the file, then Argo CD's.
    const names = parseStackConfig(yaml.load(fs.readFileSync(path.join(tmp, 'tempo-stack.yaml'), 'utf8'))).environments.map((e) => e.name);
    const folders = [...names, 'argocd'];
    expect(run).toEqual({ status: 0, stdout: `tempo-stack.yaml is valid: ${folders.length} folders (${folders.join(', ')})\n`, stderr: warning });
    expect(fs.readdirSync(tmp)).toEqual(['tempo-stack.yaml']);
    expect(await cli(['validate', '--quiet'], tmp)).toEqual({ status: 0, stdout: '', stderr: warning });
  });

  test.each([
    ['a schema error', 'environments: [{name: a, namespace: a, tempo: {mode: clustr}}]\n',
      "my.yaml: 'environments[0].tempo.mode' must be one of 'single-node', 'cluster', 'distributed', got 'clustr'; pick one of them"],
    ['a rule only the component checks', 'environments: [{name: a, namespace: a, tempo: {replicas: 3}}]\n',
      "my.yaml: 'environments[0].tempo.replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for more replicas"],
  ])('%s: exit 1 with the one-line error, nothing written', async (_what, text, message) => {
    fs.writeFileSync(path.join(tmp, 'my.yaml'), text);
    expect(await cli(['validate', '--config', 'my.yaml'], tmp)).toEqual({ status: 1, stdout: '', stderr: `${message}\n` });
    expect(fs.readdirSync(tmp)).toEqual(['my.yaml']);
  });

  test('an option it does not know is a usage error (exit 2)', async () => {
    expect((await cli(['validate', '--outdir', 'x'], tmp)).status).toBe(2);
  });
});

describe('tempo-stack init', () => {
  test('writes a starter config with the $schema line and the schema beside it, which validates and synthesizes', async () => {
    const run = await cli(['init'], tmp);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(tmp).sort()).toEqual([SCHEMA_FILE, 'tempo-stack.yaml']);
    const text = fs.readFileSync(path.join(tmp, 'tempo-stack.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${SCHEMA_FILE}`);
    expect(fs.readFileSync(path.join(tmp, SCHEMA_FILE), 'utf8')).toBe(fs.readFileSync(path.join(root, SCHEMA_FILE), 'utf8'));
    expect(parseStackConfig(yaml.load(text)).environments.map((e) => e.name)).toEqual(['dev']);
    expect((await cli(['validate', '--quiet'], tmp)).status).toBe(0);
    expect((await cli(['synth', '--quiet'], tmp)).status).toBe(0);
    expect(fs.readdirSync(path.join(tmp, 'dist'))).toEqual(['dev']);
  });

  test.each([
    ['the config', ['tempo-stack.yaml'], 'tempo-stack.yaml already exists'],
    ['the schema', [SCHEMA_FILE], `${SCHEMA_FILE} already exists`],
    ['both', ['tempo-stack.yaml', SCHEMA_FILE], `tempo-stack.yaml and ${SCHEMA_FILE} already exist`],
  ])('refuses when %s exists: exit 1, nothing written or changed', async (_what, existing, message) => {
    for (const name of existing) fs.writeFileSync(path.join(tmp, name), 'mine\n');
    const run = await cli(['init'], tmp);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`init: ${message} in ${tmp}, nothing written;`);
    expect(tree(tmp)).toEqual(Object.fromEntries(existing.map((name) => [name, 'mine\n'])));
  });
});

describe('bin/tempo-stack.js, the compiled command', () => {
  const bin = path.join(root, 'bin', 'tempo-stack.js');
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });

  test('synth --quiet writes the repository\'s dist/ byte for byte, printing only the warning', () => {
    const result = run(['synth', '--quiet', '--outdir', path.join(tmp, 'out')], root);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', `warning: ${PLACEHOLDER_WARNING}\n`]);
    expect(tree(path.join(tmp, 'out'))).toEqual(tree(path.join(root, 'dist')));
  });

  test('exit codes: 1 for a bad config, 2 for a bad option', () => {
    fs.writeFileSync(path.join(tmp, 'tempo-stack.yaml'), 'environments: [{name: a, namespace: A}]\n');
    const bad = run(['synth'], tmp);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^synth failed, dist\/ left as it was:\n {2}tempo-stack\.yaml: 'environments\[0\]\.namespace' must be a DNS label/);
    expect(run(['synth', '--nope'], tmp).status).toBe(2);
    expect(fs.readdirSync(tmp)).toEqual(['tempo-stack.yaml']);
  });
});
