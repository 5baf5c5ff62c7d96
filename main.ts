import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError, DEFAULT_CONFIG_FILE, loadStackConfig, synthesizeAll } from './charts';

// `npm run synth [-- --quiet] [--config <file>] [--outdir <dir>]`: reads the config file, builds
// every environment in memory, and only then replaces dist/ (a bad config leaves it as it was).
// The cdk8s CLI empties its own output folder before running the app, so cdk8s.yaml points it at a
// scratch folder and the app mirrors dist/ there.
const started = process.hrtime.bigint();
const usage = 'usage: npm run synth -- [--quiet] [--config <file>] [--outdir <dir>]';
let options: { quiet?: boolean; config?: string; outdir?: string };
try {
  options = parseArgs({
    options: { quiet: { type: 'boolean' }, config: { type: 'string' }, outdir: { type: 'string' } },
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
  if (!options.quiet) {
    const rel = path.relative(process.cwd(), outdir) || '.';
    for (const [folder, kinds] of output.kinds) {
      const total = [...kinds.values()].reduce((a, b) => a + b, 0);
      console.log(`${`${rel}/${folder}/`.padEnd(24)} ${String(total).padStart(3)} objects: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
    }
    console.log(`synthesized ${output.folders.size} folders in ${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms`);
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A settings mistake: the message names the file, the path, the value and the fix; no stack trace.
  console.error(`synth failed, ${path.relative(process.cwd(), outdir) || outdir}/ left as it was:\n  ${error.message}`);
  process.exit(1);
}

const cliOutdir = process.env.CDK8S_OUTDIR;
if (cliOutdir && path.resolve(cliOutdir) !== outdir) {
  fs.rmSync(cliOutdir, { recursive: true, force: true });
  fs.cpSync(outdir, cliOutdir, { recursive: true });
}
