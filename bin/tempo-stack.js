#!/usr/bin/env node
// The `tempo-stack` command: runs the compiled CLI (charts/cli/index.ts, built into lib/ by
// `npm run build`; the published package ships lib/).
'use strict';
require('../lib/charts/cli/index.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error); process.exitCode = 1; },
);
