#!/usr/bin/env node
// `npm run synth`: runs main.ts as one prebuilt JavaScript bundle (build/synth.js), rebuilt with
// esbuild whenever a source changed, so a synth always reflects the current sources without paying
// for a TypeScript loader on every run. Plain JavaScript on purpose: it must start instantly.
// V8's code cache for the bundle (build/synth.js.cache) skips recompiling it on later runs.
// When nothing changed since the last successful synth (the same sources, config file and options,
// and the output folder still holding exactly what it wrote), there is nothing to render: it says
// so and stops. `--no-cache` always renders.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const root = path.join(__dirname, '..');
const build = path.join(root, 'build');
const bundle = path.join(build, 'synth.js');
const cache = `${bundle}.cache`;
const stampFile = path.join(build, 'synth.stamp');

/** Everything the bundle is built from: the sources, the generated validator and schema, the lockfile, the scripts. */
function sourceFiles() {
  const files = [path.join(root, 'main.ts'), path.join(root, 'package-lock.json'), path.join(root, 'tempo-stack.schema.json')];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|js|json)$/.test(entry.name)) files.push(file);
    }
  };
  walk(path.join(root, 'charts'));
  walk(path.join(root, 'imports'));
  // main.ts imports scripts/output-digest.js; this launcher's own edits count too.
  walk(path.join(root, 'scripts'));
  return files.sort();
}

/**
 * Path, size and modification time of every source file (and the Node.js version): any edit, a
 * git checkout or a new file changes it. Reading metadata only keeps the check to a few ms.
 */
function stamp() {
  const hash = crypto.createHash('sha256').update(process.version);
  for (const file of sourceFiles()) {
    const st = fs.statSync(file);
    // Relative paths: a copy of the checkout with its build/ folder stays fresh.
    hash.update(`${path.relative(root, file)}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

const current = stamp();

/**
 * Grafana's foundation SDK loads its dashboard v2 schemas (340 KB) from every panel builder module,
 * although only the v2 builders use them and this project builds v1 dashboards. In the bundle they
 * stay, but behind a proxy that loads them on first use, so a synth does not pay for them at start.
 */
const lazySdkV2Modules = {
  name: 'lazy-grafana-sdk-v2',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/dashboardv2(beta1)?$/ }, (args) => (
      /grafana-foundation-sdk[\\/]dist[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), args.path, 'index.js'), namespace: 'lazy-sdk' }
        : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-sdk' }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? true : load()[key]),
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key),
});`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/** What the last successful synth into `outdir` wrote, and from which inputs (written by main.ts); one per output folder. */
const recordFileFor = (outdir) => path.join(build, `last-synth-${crypto.createHash('sha256').update(outdir).digest('hex').slice(0, 16)}.json`);

/** The inputs of this run: the sources' stamp, the config file's bytes and the options; undefined when the options do not parse (main.ts reports that). */
function inputsKey() {
  let values;
  try {
    ({ values } = require('util').parseArgs({
      options: { quiet: { type: 'boolean' }, config: { type: 'string' }, outdir: { type: 'string' }, 'no-cache': { type: 'boolean' } },
      allowPositionals: false,
    }));
  } catch {
    return undefined;
  }
  if (values['no-cache'] || process.env.CDK8S_OUTDIR) return undefined;
  const config = path.resolve(values.config ?? path.join(root, 'tempo-stack.yaml'));
  const outdir = path.resolve(values.outdir ?? path.join(root, 'dist'));
  let text;
  try { text = fs.readFileSync(config); } catch { return undefined; }
  const key = crypto.createHash('sha256').update(current).update('\0').update(config).update('\0').update(text).update('\0').update(outdir).digest('hex');
  return { key, outdir, quiet: Boolean(values.quiet), recordFile: recordFileFor(outdir) };
}

const started = process.hrtime.bigint();
const inputs = inputsKey();
if (inputs) {
  let record;
  try { record = JSON.parse(fs.readFileSync(inputs.recordFile, 'utf8')); } catch { /* no successful synth yet */ }
  if (record && record.key === inputs.key && record.digest === require('./output-digest').digestDirectory(inputs.outdir)) {
    // The same inputs give the same warnings: say them again, as a render would.
    for (const warning of record.warnings ?? []) console.error(`warning: ${warning}`);
    if (!inputs.quiet) {
      for (const line of record.lines) console.log(line);
      console.log(`unchanged since the last synth: ${path.relative(process.cwd(), inputs.outdir) || '.'}/ already holds this output (${Math.round(Number(process.hrtime.bigint() - started) / 1e6)} ms; --no-cache renders anyway)`);
    }
    process.exit(0);
  }
  // main.ts records what it wrote under this key.
  process.env.TEMPO_STACK_SYNTH_RECORD = JSON.stringify({ file: inputs.recordFile, key: inputs.key });
}
let fresh = false;
try {
  fresh = fs.readFileSync(stampFile, 'utf8') === current && fs.existsSync(bundle);
} catch { /* no build yet */ }
/** Bundles main.ts into build/synth.js (async: esbuild runs plugins only in its async API). */
async function rebuild() {
  fs.mkdirSync(build, { recursive: true });
  const result = await require('esbuild').build({
    entryPoints: [path.join(root, 'main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
    write: false,
    plugins: [lazySdkV2Modules],
    // No "import"/"module" conditions: packages that ship both (tslib) resolve to their CommonJS
    // file, so the bundle does not copy an ES module's exports into every module that requires it.
    conditions: [],
  });
  // Several synths may start at once on a fresh checkout (the tests do): each writes its own
  // temporary file and renames it into place, so none ever reads a half-written bundle.
  const publish = (file, content) => {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  };
  publish(bundle, asciiOnly(result.outputFiles[0].text));
  fs.rmSync(cache, { force: true });
  publish(stampFile, current);
}

/**
 * The bundle with every non-ASCII character written as a \\u escape. esbuild escapes them in
 * strings but leaves them in comments and regular expressions (a few libraries have curly quotes in
 * comments); one such character makes Node decode the whole 2.5 MB file into a two-byte string,
 * 10 ms slower to read and to hand to V8 than a one-byte one. The escape means the same character
 * wherever it can stand in JavaScript: in a comment, a string, a regular expression or a name.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Runs the bundle in this process, with V8's code cache. */
function run() {
  const source = fs.readFileSync(bundle, 'utf8');
  let cachedData;
  try { cachedData = fs.readFileSync(cache); } catch { /* first run */ }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(build);
  const saveCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      const tmp = `${cache}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cache);
    } catch { /* a read-only checkout still synthesizes */ }
  };
  // main.ts may exit early (a config error): keep the cache either way.
  process.on('exit', saveCache);
  script.runInThisContext()(mod.exports, (id) => mod.require(id), mod, bundle, build);
}

if (fresh) run();
else rebuild().then(run, (error) => { console.error(error); process.exit(1); });
