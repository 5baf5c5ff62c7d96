import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// ./deploy.sh end to end, as a user runs it: the real bash wrapper, node, the deploy, and a
// recording fake kubectl on the PATH. A few runs only: the verbs themselves are tested in-process
// (deploy.spec.ts); here what matters is what the wrapper adds: the arguments and the exit code
// passed through, the messages in deploy.sh's name, the checks before node starts.

const REPO = path.join(__dirname, '..', '..');
const NS_LABELS = 'app.kubernetes.io/part-of=tempo-stack';

/** A checkout: deploy.sh, dist/dev, node_modules/, and a lib/ whose CLI runs the TypeScript deploy (through tsx). */
interface WrapperRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly kubectl: string[];
}

function checkout(): { root: string; run: (args: string[], env?: Record<string, string>, input?: string) => WrapperRun } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-sh-'));
  fs.copyFileSync(path.join(REPO, 'deploy.sh'), path.join(root, 'deploy.sh'));
  fs.chmodSync(path.join(root, 'deploy.sh'), 0o755);
  fs.cpSync(path.join(REPO, 'dist', 'dev'), path.join(root, 'dist', 'dev'), { recursive: true });
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'lib', 'charts', 'cli'), { recursive: true });
  fs.mkdirSync(path.join(root, 'fake'));
  fs.mkdirSync(path.join(root, 'path'));
  fs.symlinkSync(path.join(__dirname, 'fixtures', 'fake-kubectl.sh'), path.join(root, 'path', 'kubectl'));
  // The package's bin as it ships (it runs lib/charts/cli/index.js), and a lib/ built from the sources on the fly.
  fs.writeFileSync(path.join(root, 'bin', 'tempo-stack.js'), [
    "require('../lib/charts/cli/index.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });", '',
  ].join('\n'));
  fs.writeFileSync(path.join(root, 'lib', 'charts', 'cli', 'index.js'), [
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `const { deployMain } = require(${JSON.stringify(path.join(REPO, 'charts', 'cli', 'deploy', 'index.ts'))});`,
    "exports.main = async ([command, ...rest]) => (command === 'deploy' ? deployMain(rest) : 99);", '',
  ].join('\n'));
  return {
    root,
    run: (args, env = {}, input = '') => {
      const result = spawnSync(path.join(root, 'deploy.sh'), args, {
        encoding: 'utf8', timeout: 20_000, cwd: os.tmpdir(), input,
        env: { PATH: `${path.join(root, 'path')}:${process.env.PATH}`, HOME: root, FAKE_DIR: path.join(root, 'fake'), ...env },
      });
      const log = path.join(root, 'fake', 'kubectl.log');
      const kubectl = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
      fs.rmSync(log, { force: true });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, kubectl };
    },
  };
}

let c: ReturnType<typeof checkout>;
beforeAll(() => { c = checkout(); });
afterAll(() => fs.rmSync(c.root, { recursive: true, force: true }));

test('deploy.sh in the repository is executable bash that parses', () => {
  const script = path.join(REPO, 'deploy.sh');
  expect(fs.statSync(script).mode & 0o111).toBe(0o111);
  expect(fs.readFileSync(script, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env bash');
  expect(spawnSync('bash', ['-n', script]).status).toBe(0);
});

test('a usage error: deploy.sh\'s message and exit code 2, kubectl never runs', () => {
  const run = c.run(['--env', 'prod']);
  expect(run).toEqual({ status: 2, stdout: '',
    stderr: "deploy.sh: unknown environment 'prod': dist/ has dev\nRun ./deploy.sh --help for the verbs and options.\n", kubectl: [] });
});

test('--help: the usage in deploy.sh\'s name, exit 0', () => {
  const run = c.run(['--help']);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^Usage: \.\/deploy\.sh \[verb\] \[options\]\n/);
  expect(run.stdout).toContain('(./deploy.sh starts the environment again)');
});

test('dist/ is read next to deploy.sh from any folder; a verb\'s failure is exit 1 with its message', () => {
  const run = c.run(['--status']);
  expect(run.status).toBe(1);
  expect(run.stdout).toBe("environment dev is not deployed: namespace tempo-dev does not exist in context 'kind-tempo'\n");
  expect(run.kubectl).toEqual(['config current-context', 'version -o yaml --request-timeout=15s',
    expect.stringMatching(/^get namespace tempo-dev --ignore-not-found -o jsonpath=/)]);
});

test('options reach the deploy unchanged: --logs --follow --context streams kubectl\'s output, exit 0', () => {
  const run = c.run(['--logs', '--follow', '--context', 'kind-tempo'], { FAKE_NAMESPACE: 'tempo-dev|tempo-stack|dev' });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('[pod/tempo-0/tempo] level=info msg=ready\n');
  expect(run.kubectl.at(-1))
    .toBe(`--context kind-tempo --namespace tempo-dev logs -l ${NS_LABELS} --all-containers --prefix --tail=200 --max-log-requests=50 --follow`);
});

test('--clean reads the confirmation from stdin, and without it deletes nothing, exit 1', () => {
  const run = c.run(['--clean'], { FAKE_NAMESPACE: 'tempo-dev|tempo-stack|dev' }, 'nope\n');
  expect(run.status).toBe(1);
  expect(run.stderr).toBe("Type the environment name (dev) to delete it: error: not confirmed (typed 'nope'): nothing was deleted\n");
  expect(run.kubectl.filter((k) => k.includes(' delete '))).toEqual([]);
});

test('without node_modules/ or a built CLI, deploy.sh says what to run, exit 2', () => {
  fs.renameSync(path.join(c.root, 'lib'), path.join(c.root, 'lib.off'));
  try {
    expect(c.run(['--status'])).toMatchObject({
      status: 2, stderr: 'deploy.sh: the tempo-stack CLI is not built (no lib/): run npm run build\nRun ./deploy.sh --help for the verbs and '
        + 'options.\n',
    });
    fs.renameSync(path.join(c.root, 'node_modules'), path.join(c.root, 'node_modules.off'));
    expect(c.run(['--status'])).toMatchObject({
      status: 2, stderr: 'deploy.sh: node_modules/ is missing next to deploy.sh: run npm ci first\nRun ./deploy.sh --help for the verbs and '
        + 'options.\n',
    });
  } finally {
    fs.renameSync(path.join(c.root, 'lib.off'), path.join(c.root, 'lib'));
    if (fs.existsSync(path.join(c.root, 'node_modules.off'))) fs.renameSync(path.join(c.root, 'node_modules.off'), path.join(c.root, 'node_modules'));
  }
});
