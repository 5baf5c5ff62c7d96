#!/usr/bin/env node
// The `tempo-stack` command: runs the compiled CLI (charts/cli/index.ts, built into lib/ by
// `npm run build`; the published package ships lib/).
'use strict';
let cli;
try {
  cli = require('../lib/charts/cli/index.js');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('lib/charts/cli/index.js')) throw error;
  console.error('tempo-stack: lib/ is not built; run npm run build (npm run synth builds it first)');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error); process.exitCode = 1; },
);
