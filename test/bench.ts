// Benchmark: median wall time of a full synth (in process, and as the compiled `tempo-stack synth`
// process), of the build check `npm run synth` runs first, and of the test suite. Run with `npm run bench`; prints, asserts nothing.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeAll } from '../charts';
import { CONFIG } from './helpers';

const root = path.join(__dirname, '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-bench-'));
try {
  const out = path.join(tmp, 'dist');
  synthesizeAll(CONFIG, out); // warm-up: module loading and first-use costs
  const inProcess = time(20, () => synthesizeAll(CONFIG, out));
  const node = process.execPath;
  // The compiled command as `npm run synth` runs it after its build step, against a bare node
  // start-up, interleaved so both see the same machine load; and that build step on its own when
  // nothing changed (tsc -b checking that lib/ is current).
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(node, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  const synthArgs = [path.join(root, 'bin', 'tempo-stack.js'), 'synth', '--quiet', '--outdir', out];
  const synthSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < 11; i++) {
    synthSamples.push(time(1, () => execFileSync(node, synthArgs, { cwd: root, stdio: 'ignore' })));
    bareSamples.push(time(1, () => execFileSync(node, ['-e', '1'], { stdio: 'ignore' })));
  }
  const synthProcess = median(synthSamples);
  const bareNode = median(bareSamples);
  const buildCheck = time(5, () => execFileSync(node, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' }));
  const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const typecheck = time(3, () => execFileSync(node, [tsc, '-p', '.'], { cwd: root, stdio: 'ignore' }));
  // CI=true: no snapshot written; a test whose tool (promtool, alertmanager, nginx) is missing then fails instead of skipping.
  let suiteFailed = false;
  const suite = time(3, () => {
    const failed = spawnSync(node, [jest, '--silent'], { cwd: root, stdio: 'ignore', env: { ...process.env, CI: 'true' } }).status !== 0;
    suiteFailed = suiteFailed || failed;
  });

  const rows: Array<[string, number, string]> = [
    [`synth of ${CONFIG.environments.length} environments, in process (median of 20)`, inProcess, 'after the first, modules loaded'],
    ['tempo-stack synth --quiet, node bin/tempo-stack.js (median of 11)', synthProcess, 'target: within 600 ms'],
    ['bare node -e 1 (median of 11)', bareNode, 'the yardstick'],
    ['tsc -b tsconfig.build.json, lib/ already current (median of 5)', buildCheck, 'what npm run synth adds'],
    ['type-check, tsc -p . (median of 3)', typecheck, 'part of npm test'],
    [`test suite, jest (median of 3)${suiteFailed ? ', with FAILURES (run npx jest)' : ''}`, suite, 'with the type-check: target under 30 000 ms'],
  ];
  console.log(`tempo-stack benchmark on ${os.cpus().length} cores, node ${process.version}`);
  for (const [what, ms, target] of rows) console.log(`${ms.toFixed(1).padStart(9)} ms  ${what}  (${target})`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
