/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Four workers on two cores: several suites mostly wait on real binaries (Alertmanager's mesh and
  // live tests, Prometheus, nginx, npm) and would otherwise hold a core idle.
  maxWorkers: 4,
  // ts before js: otherwise jest would resolve stale compiled files first.
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The compiled lib/ current before any test runs bin/tempo-stack.js.
  globalSetup: '<rootDir>/test/global-setup.js',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
};
