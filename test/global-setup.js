// Before the tests: the compiled package in lib/ (what bin/tempo-stack.js runs) is brought up to
// date with the sources by an incremental build, so a test running the command never runs stale code.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = () => {
  const root = path.join(__dirname, '..');
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
};
