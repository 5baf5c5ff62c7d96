import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError, DEFAULT_CONFIG_FILE, loadStackConfig, synthesizeAll } from './charts';
import { digestRendered } from './scripts/output-digest';

// `npm run synth [-- --quiet] [--config <file>] [--outdir <dir>]`: reads the config file, builds
// every environment in memory, and only then replaces dist/ (a bad config leaves it as it was).
// The cdk8s CLI empties its own output folder before running the app, so cdk8s.yaml points it at a
// scratch folder and the app mirrors dist/ there.
const started = process.hrtime.bigint();
const usage = 'usage: npm run synth -- [--quiet] [--config <file>] [--outdir <dir>] [--no-cache]';
let options: { quiet?: boolean; config?: string; outdir?: string };
try {
  options = parseArgs({
    // --no-cache is read by the launcher (scripts/synth.js): render even when nothing changed.
    options: { quiet: { type: 'boolean' }, config: { type: 'string' }, outdir: { type: 'string' }, 'no-cache': { type: 'boolean' } },
    allowPositionals: false,
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}

const root = __dirname.endsWith(`${path.sep}build`) ? path.dirname(__dirname) : __dirname;
const configFile = path.resolve(options.config ?? path.join(root, DEFAULT_CONFIG_FILE));
const outdir = path.resolve(options.outdir ?? path.join(root, 'dist'));
try {
  const output = synthesizeAll(loadStackConfig(configFile), outdir, path.relative(process.cwd(), configFile) || configFile);
  // Allowed but probably not meant (a placeholder repoURL, a replication factor of 2): said, never fatal.
  for (const warning of output.warnings) console.error(`warning: ${warning}`);
  const rel = path.relative(process.cwd(), outdir) || '.';
  const lines = [...output.kinds].map(([folder, kinds]) => {
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    return `${`${rel}/${folder}/`.padEnd(24)} ${String(total).padStart(3)} objects: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`;
  });
  if (!options.quiet) {
    for (const line of lines) console.log(line);
    console.log(`synthesized ${output.folders.size} folder${output.folders.size === 1 ? '' : 's'} in ${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms`);
  }
  recordOutput(output.folders, lines, output.warnings);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A settings mistake: the message names the file, the path, the value and the fix; no stack trace.
  console.error(`synth failed, ${path.relative(process.cwd(), outdir) || outdir}/ left as it was:\n  ${error.message}`);
  process.exit(1);
}

/**
 * For the launcher's "nothing changed" check: the digest of what was just written, under the key
 * of this run's inputs (sources, config file, options) that the launcher computed.
 */
function recordOutput(folders: ReadonlyMap<string, ReadonlyMap<string, string>>, lines: string[], warnings: readonly string[]): void {
  const request = process.env.TEMPO_STACK_SYNTH_RECORD;
  if (!request) return;
  const { file, key } = JSON.parse(request) as { file: string; key: string };
  try {
    fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ key, digest: digestRendered(folders), lines, warnings }));
    fs.renameSync(`${file}.${process.pid}.tmp`, file);
  } catch { /* a read-only checkout still synthesizes, it only renders every time */ }
}

const cliOutdir = process.env.CDK8S_OUTDIR;
if (cliOutdir && path.resolve(cliOutdir) !== outdir) {
  fs.rmSync(cliOutdir, { recursive: true, force: true });
  fs.cpSync(outdir, cliOutdir, { recursive: true });
}

// Done: exit now instead of when the event loop runs dry. A natural exit first waits for V8's
// background threads, which by then are optimizing functions that will never run again (10 ms, a
// twentieth of a synth). Unless the summary is still queued for a pipe that is not reading: then
// the natural exit writes it out first.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(0);
