// Benchmark: median wall time of a full synth (in-process, and as the `npm run synth` process)
// and of the test suite. Run with `npm run bench`; prints, asserts nothing.
import { execFileSync } from 'child_process';
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
  // The synth command as package.json runs it, against a bare node start-up in the same run,
  // interleaved so all three see the same machine load: with unchanged inputs (what a repeated
  // synth, npm run check and deploy.sh's comparison do) and forced to render (--no-cache). The
  // first run may rebuild the bundle: warm up.
  const synthArgs = [path.join(root, 'scripts', 'synth.js'), '--quiet', '--outdir', out];
  execFileSync(node, synthArgs, { cwd: root, stdio: 'ignore' });
  const cachedSamples: number[] = [];
  const renderSamples: number[] = [];
  const bareSamples: number[] = [];
  for (let i = 0; i < 11; i++) {
    cachedSamples.push(time(1, () => execFileSync(node, synthArgs, { cwd: root, stdio: 'ignore' })));
    renderSamples.push(time(1, () => execFileSync(node, [...synthArgs, '--no-cache'], { cwd: root, stdio: 'ignore' })));
    bareSamples.push(time(1, () => execFileSync(node, ['-e', '1'], { stdio: 'ignore' })));
  }
  const synthProcess = median(cachedSamples);
  const renderProcess = median(renderSamples);
  const bareNode = median(bareSamples);
  const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typecheck = time(3, () => execFileSync(node, [tsc, '-p', '.'], { cwd: root, stdio: 'ignore' }));
  const suite = time(3, () => execFileSync(node, [jest, '--silent'], { cwd: root, stdio: 'ignore', env: { ...process.env, CI: 'true' } }));

  const rows: Array<[string, number, string]> = [
    [`synth of ${CONFIG.environments.length} environments, in process (median of 20)`, inProcess, 'target: well under 1 000 ms'],
    ['synth command, inputs unchanged (median of 11)', synthProcess, 'target: at most 3x a bare node start-up'],
    ['synth command forced to render, --no-cache (median of 11)', renderProcess, 'target: at most 3x a bare node start-up'],
    ['bare node -e 1 (median of 11)', bareNode, 'the yardstick'],
    ['type-check, tsc -p . (median of 3)', typecheck, 'part of npm test'],
    ['test suite, jest (median of 3)', suite, 'with the type-check: target under 30 000 ms'],
  ];
  console.log(`tempo-stack benchmark on ${os.cpus().length} cores, node ${process.version}`);
  for (const [what, ms, target] of rows) console.log(`${ms.toFixed(1).padStart(9)} ms  ${what}  (${target})`);
  console.log(`${(synthProcess / bareNode).toFixed(2).padStart(9)} x   synth command, inputs unchanged / bare node start-up (target: at most 3)`);
  console.log(`${(renderProcess / bareNode).toFixed(2).padStart(9)} x   synth command rendering everything / bare node start-up (target: at most 3)`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
