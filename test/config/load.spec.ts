import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigError, DEFAULT_CONFIG_FILE, loadStackConfig, parseStackConfig, renderConfig } from '../../charts';
import { resolveTempoSettings } from '../../charts/tempo';
import { CONFIG } from '../helpers';

const root = path.join(__dirname, '..', '..');
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};
const parse = (text: string) => parseStackConfig(yaml.load(text));

describe('the repository config file', () => {
  test('lists the shipped environments, each in its own namespace', () => {
    expect(CONFIG.environments.map((e) => [e.name, e.namespace])).toEqual([
      ['dev', 'tempo-dev'], ['single-node', 'tempo'], ['cluster', 'tempo-cluster'], ['distributed', 'tempo-distributed'],
    ]);
  });

  test('points editors at the generated schema', () => {
    expect(fs.readFileSync(path.join(root, DEFAULT_CONFIG_FILE), 'utf8').split('\n')[0])
      .toBe('# yaml-language-server: $schema=./tempo-stack.schema.json');
  });
});

describe('schema errors name the path inside the file, the value, what is allowed and the fix', () => {
  test('a value of the wrong type', () => {
    expect(errorOf(() => parse('environments: [{name: a, namespace: a, tempo: {replicas: three}}]')).message)
      .toBe("tempo-stack.yaml: 'environments[0].tempo.replicas' must be of type number, got 'three'; write a number here");
  });

  test('a misspelt key suggests the right one and lists what is allowed', () => {
    const message = errorOf(() => parse('environments: [{name: a, namespace: a, tempo: {replica: 3}}]')).message;
    expect(message).toMatch(/^tempo-stack\.yaml: 'environments\[0\]\.tempo\.replica' is not a known key, got 3; did you mean 'replicas'\? allowed keys here: /);
    expect(message).toContain('mode, ');
  });

  test('a value outside an enumeration lists the allowed values', () => {
    expect(errorOf(() => parse('environments: [{name: a, namespace: a, tempo: {mode: clustr}}]')).message)
      .toBe("tempo-stack.yaml: 'environments[0].tempo.mode' must be one of 'single-node', 'cluster', 'distributed', got 'clustr'; pick one of them");
  });

  test('a missing required key', () => {
    expect(errorOf(() => parse('environments: [{namespace: a}]')).message)
      .toBe("tempo-stack.yaml: 'environments[0].name' is required, got undefined; add it (see tempo-stack.schema.json)");
  });

  test('an unknown storage backend lists the backends', () => {
    expect(errorOf(() => parse('environments: [{name: a, namespace: a, tempo: {storage: {backend: s4}}}]')).message)
      .toBe("tempo-stack.yaml: 'environments[0].tempo.storage.backend' must be one of 'local', 's3', 'gcs', 'azure', got 's4'; pick one of them");
  });

  test('a key of another backend is reported against the chosen backend', () => {
    expect(errorOf(() => parse('environments: [{name: a, namespace: a, tempo: {storage: {backend: gcs, bucket: b, region: x}}}]')).message)
      .toMatch(/^tempo-stack\.yaml: 'environments\[0\]\.tempo\.storage\.region' is not a known key, got 'x'; allowed keys here: backend, bucket, prefix, credentials$/);
  });

  test('two environments with one name', () => {
    expect(errorOf(() => parse('environments: [{name: a, namespace: a}, {name: a, namespace: b}]')).message)
      .toBe("tempo-stack.yaml: 'environments[1].name' is already used by environments[0], got 'a'; give every environment its own name");
  });

  test('a component rule beyond the schema is located in the file', () => {
    const config = parse('environments: [{name: a, namespace: a}, {name: b, namespace: b, tempo: {mode: single-node, replicas: 3}}]');
    expect(errorOf(() => renderConfig(config)).message)
      .toBe("tempo-stack.yaml: 'environments[1].tempo.replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for more replicas");
  });
});

describe('reading the file', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-config-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('a YAML syntax error names the line and column', () => {
    const file = path.join(tmp, 'tempo-stack.yaml');
    fs.writeFileSync(file, 'environments:\n  - name: a\n   namespace: b\n');
    expect(errorOf(() => loadStackConfig(file)).message).toMatch(/^tempo-stack\.yaml:3:\d+: .+; fix the YAML at that line \(indentation, quoting, a missing ':'\)$/);
  });

  test('a missing file says how to get one', () => {
    expect(errorOf(() => loadStackConfig(path.join(tmp, 'nope.yaml'))).message)
      .toBe(`nope.yaml: cannot read '${path.join(tmp, 'nope.yaml')}'; `
        + 'run \'tempo-stack init\' to write a starter config, copy the repository\'s tempo-stack.yaml, or pass --config <file>');
  });
});

test('the README\'s tempo-stack.yaml example is a valid config that synthesizes', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### 1. Clone this repository and edit `tempo-stack.yaml`'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1];
  const config = parseStackConfig(yaml.load(example));
  const rendered = renderConfig(config);
  expect([...rendered.folders.keys()]).toEqual(['staging', 'argocd']);
  const tempo = yaml.loadAll(rendered.folders.get('staging')!.get('0001-tempo.k8s.yaml')!) as any[];
  const limits = tempo.find((o) => o.kind === 'StatefulSet').spec.template.spec.containers[0].resources;
  // Only the memory limit was set: the preset's requests and CPU limit stay.
  expect(limits.limits.memory).toBe('3Gi');
  const { resources: _set, ...withoutResources } = config.environments[0].tempo!;
  // The stack points the metrics-generator at its own Prometheus; any URL gives the same preset.
  const preset = resolveTempoSettings({ ...withoutResources, metricsRemoteWriteUrl: 'http://prometheus:9090/api/v1/write' }).resources;
  expect(limits).toEqual({ requests: preset.requests, limits: { cpu: preset.limits.cpu, memory: '3Gi' } });
});
