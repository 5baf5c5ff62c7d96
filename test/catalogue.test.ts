// The catalogue of bad input: every invalid configuration is rejected at synth time with a message
// naming the field, the value and the fix, and leaves the previous output byte for byte as it was.
// File cases run through the synth command itself (`node scripts/synth.js`, what `npm run synth`
// runs); API cases through the library, as a platform team's own app would.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ConfigError, Environment, synthesizeAll, TempoStack, TempoStackProps } from '../charts';
import { CONFIG } from './helpers';

const root = path.join(__dirname, '..');
const run = promisify(execFile);

/** One environment of the repository's config, changed. */
const envWith = (index: number, change: (env: any) => void): Environment => {
  const env = structuredClone(CONFIG.environments[index]) as any;
  change(env);
  return env;
};
const fileWith = (...environments: unknown[]): string => yaml.dump(JSON.parse(JSON.stringify({ environments })));

/** [what, config file text, the one-line message synth must print]. */
const FILE_CASES: Array<[string, string, string]> = [
  ['YAML syntax: a tab-broken mapping', 'environments:\n  - name: dev\n   namespace: x\n', 'tempo-stack.yaml:3:'],
  ['YAML syntax: an unclosed flow sequence', 'environments: [{name: dev, namespace: x}\n', 'tempo-stack.yaml:2:'],
  ['not a mapping at the top', '- dev\n', "tempo-stack.yaml: '' must be of type object, got [\"dev\"]; write a mapping (key: value) here"],
  ['no environments key', 'argocd: {repoURL: x}\n', "tempo-stack.yaml: 'environments' is required, got undefined; add it"],
  ['an unknown top-level key', 'environments: []\nenvironmnets: []\n', "tempo-stack.yaml: 'environmnets' is not a known key, got []; did you mean 'environments'? allowed keys here: environments, argocd"],
  ['an environment without a name', fileWith({ namespace: 'x' }), "tempo-stack.yaml: 'environments[0].name' is required, got undefined"],
  ['an environment without a namespace', fileWith({ name: 'x' }), "tempo-stack.yaml: 'environments[0].namespace' is required, got undefined"],
  ['two environments with one name', fileWith(CONFIG.environments[0], CONFIG.environments[0]),
    "tempo-stack.yaml: 'environments[1].name' is already used by environments[0], got 'dev'; give every environment its own name"],
  ['a namespace that is not a DNS label', fileWith(envWith(0, (e) => { e.namespace = 'Tempo_Dev'; })),
    "tempo-stack.yaml: 'environments[0].namespace' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 characters), got 'Tempo_Dev'"],
  ['a misspelt Tempo prop', fileWith(envWith(0, (e) => { e.tempo.replica = 2; })),
    "tempo-stack.yaml: 'environments[0].tempo.replica' is not a known key, got 2; did you mean 'replicas'?"],
  ['replicas as text', fileWith(envWith(2, (e) => { e.tempo.replicas = 'three'; })),
    "tempo-stack.yaml: 'environments[0].tempo.replicas' must be of type number, got 'three'; write a number here"],
  ['an unknown Tempo mode', fileWith(envWith(0, (e) => { e.tempo.mode = 'ha'; })),
    "tempo-stack.yaml: 'environments[0].tempo.mode' must be one of 'single-node', 'cluster', 'distributed', got 'ha'; pick one of them"],
  ['an unknown preset', fileWith(envWith(0, (e) => { e.tempo.preset = 'huge'; })),
    "tempo-stack.yaml: 'environments[0].tempo.preset' must be one of 'basic', 'single-node', 'with-metrics', got 'huge'; pick one of them"],
  ['three replicas in single-node mode', fileWith(envWith(0, (e) => { e.tempo.replicas = 3; })),
    "tempo-stack.yaml: 'environments[0].tempo.replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for more replicas"],
  ['a cluster on local storage', fileWith(envWith(2, (e) => { delete e.minio; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.backend' must be object storage (s3, gcs or azure) in cluster mode, got 'local'"],
  ['an unknown storage backend', fileWith(envWith(0, (e) => { e.tempo.storage = { backend: 'ftp' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.backend' must be one of 'local', 's3', 'gcs', 'azure', got 'ftp'; pick one of them"],
  ['an S3 endpoint with a scheme', fileWith(envWith(0, (e) => { e.tempo.storage = { backend: 's3', bucket: 'b', endpoint: 'https://s3:9000' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.storage.endpoint' must be host:port without a scheme or path, got 'https://s3:9000'"],
  ['the bundled MinIO together with an own store', fileWith(envWith(2, (e) => { e.tempo.storage = { backend: 'gcs', bucket: 'b' }; })),
    "tempo-stack.yaml: 'environments[0].minio' cannot be combined with tempo.storage, got 'gcs'"],
  ['an unpinned Tempo image', fileWith(envWith(0, (e) => { e.tempo.image = { repository: 'grafana/tempo', tag: 'latest' }; })),
    "tempo-stack.yaml: 'environments[0].tempo.image.tag' must be a pinned image tag, got 'latest'"],
  ['a memory limit below the declared load', fileWith(envWith(1, (e) => { e.tempo.resources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '600Mi' } }; })),
    "tempo-stack.yaml: 'environments[0].tempo.resources.limits.memory' cannot hold what the rate limit admits"],
  ['a MinIO bucket name S3 refuses', fileWith(envWith(2, (e) => { e.minio = { bucket: 'Traces_1' }; })),
    "tempo-stack.yaml: 'environments[0].minio.bucket' must be"],
  ['a Prometheus retention in a unit Prometheus does not know', fileWith({ name: 'e', namespace: 'e', prometheus: { retentionTime: '15days' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.retentionTime' must be a positive Prometheus duration such as '30s', '5m', '15d', got '15days'"],
  ['a Prometheus volume too small for its retention', fileWith({ name: 'e', namespace: 'e', prometheus: { storageSize: '100Mi' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.storageSize' is too small for 15d of"],
  ['a Prometheus memory limit below its series', fileWith({ name: 'e', namespace: 'e', prometheus: { resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } } } }),
    "tempo-stack.yaml: 'environments[0].prometheus.resources.limits.memory' is too small for"],
  // The cluster's 40 000 series (docs/prometheus.md, "Capacity model"): the generator's cap is Tempo's prop in the stack.
  ['a Prometheus memory limit below the metrics-generator\'s series', fileWith(envWith(2, (e) => { e.prometheus = { resources: { limits: { memory: '128Mi' } } }; })),
    "tempo-stack.yaml: 'environments[0].prometheus.resources.limits.memory' is too small for 40000 active series (Prometheus needs about 374Mi), got '128Mi'; raise it to at least 374Mi, or lower the series (tempo.metricsGeneratorMaxActiveSeries, tempo.replicas)"],
  ['an Alertmanager address without a scheme', fileWith({ name: 'e', namespace: 'e', prometheus: { alertmanagerUrl: 'alertmanager:9093' } }),
    "tempo-stack.yaml: 'environments[0].prometheus.alertmanagerUrl' must be an http(s) URL without query or fragment, got 'alertmanager:9093'"],
  ['our own Prometheus and the Prometheus Operator together', fileWith({ name: 'e', namespace: 'e', prometheus: {}, prometheusOperator: { release: 'kps' } }),
    "tempo-stack.yaml: 'environments[0].prometheusOperator' replaces our own Prometheus and cannot be combined with prometheus, got 'kps'"],
  ['no Prometheus for Grafana to query', fileWith({ name: 'e', namespace: 'e', prometheus: false }),
    "tempo-stack.yaml: 'environments[0].grafana.prometheusUrl' is required when the stack deploys no Prometheus of its own, got undefined"],
  ['two Grafana replicas on SQLite', fileWith({ name: 'e', namespace: 'e', grafana: { replicas: 2 } }),
    "tempo-stack.yaml: 'environments[0].grafana.replicas' must be 1 with the built-in SQLite database, got 2"],
  ['an unpinned Grafana image', fileWith({ name: 'e', namespace: 'e', grafana: { image: { repository: 'grafana/grafana', tag: 'latest' } } }),
    "tempo-stack.yaml: 'environments[0].grafana.image.tag' must be a pinned image tag, got 'latest'"],
  ['a Grafana root URL without a scheme', fileWith({ name: 'e', namespace: 'e', grafana: { rootUrl: 'grafana.example.com' } }),
    "tempo-stack.yaml: 'environments[0].grafana.rootUrl' must be an http(s) URL, got 'grafana.example.com'"],
  ['OTLP open to a namespace name that cannot exist', fileWith({ name: 'e', namespace: 'e', tempo: { otlpFromNamespaces: ['Shop'] } }),
    "tempo-stack.yaml: 'environments[0].tempo.otlpFromNamespaces' must be 'all' or a list of namespace names"],
  ['a tenant id that is not a valid X-Scope-OrgID value', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'team a' }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[0].id' must be a tenant id Tempo accepts in the X-Scope-OrgID header"],
  ['two tenants with one id', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }, { id: 'shop' }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[1].id' is already used by tenants[0], got 'shop'; give every tenant its own id"],
  ['a tenant limit above the ingesters\' memory', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }, { id: 'big', ingestionRateLimitBytes: 100000000 }] } }),
    "tempo-stack.yaml: 'environments[0].tempo.tenants[1]' does not fit: tenants 'shop', 'big' together admit"],
  ['a cross-tenant datasource with one tenant', fileWith({ name: 'e', namespace: 'e', tempo: { tenants: [{ id: 'shop' }] }, grafana: { crossTenantDatasource: true } }),
    "tempo-stack.yaml: 'environments[0].grafana.crossTenantDatasource' needs at least two Tempo tenants, got [\"shop\"]"],
  ['fewer ingesters than the replication factor', fileWith({ name: 'e', namespace: 'e', minio: {}, tempo: { mode: 'distributed', components: { ingester: { replicas: 2 } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components.ingester.replicas' must be at least the replication factor (3), got 2"],
  ['fewer ingester zones than the replication factor', fileWith({ name: 'e', namespace: 'e', minio: {}, tempo: { mode: 'distributed', components: { ingester: { zones: ['a', 'b'] } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components.ingester.zones' must name at least as many zones as the replication factor (3), got [\"a\",\"b\"]"],
  ['components outside distributed mode', fileWith({ name: 'e', namespace: 'e', tempo: { components: { querier: { replicas: 2 } } } }),
    "tempo-stack.yaml: 'environments[0].tempo.components' is only for mode 'distributed', got [\"querier\"]"],
  ['an Argo CD section without a repository', 'environments: []\nargocd: {project: default}\n',
    "tempo-stack.yaml: 'argocd.repoURL' is required, got undefined"],
  ['an environment named like the Argo CD folder', fileWith(envWith(0, (e) => { e.name = 'argocd'; })) + 'argocd: {repoURL: https://example.com/r.git}\n',
    "tempo-stack.yaml: 'environments[0].name' collides with the Argo CD folder dist/argocd/, got 'argocd'; rename the environment"],
];

/** [what, stack props, message]: the same rules through the TypeScript API. */
const API_CASES: Array<[string, TempoStackProps, string]> = [
  ['API: a Grafana datasource link without a Prometheus', { namespace: 'x', prometheus: false, grafana: {} }, "stack: 'grafana.prometheusUrl' is required"],
  ['API: Grafana open to a namespace list with a bad name', { namespace: 'x', grafana: { fromNamespaces: ['Ingress_NGINX'] } }, "grafana: 'fromNamespaces' must be 'all' or a list of namespace names"],
  ['API: a namespace that is not a DNS label', { namespace: 'Bad_NS' }, "stack: 'namespace' must be a DNS label"],
  ['API: replicas in single-node mode', { namespace: 'x', tempo: { replicas: 2 } }, "tempo: 'replicas' must be 1 in single-node mode, got 2"],
];

describe('bad input is rejected at synth time and leaves dist/ as it was', () => {
  let tmp: string;
  let dist: string;
  let before: Record<string, string>;
  const tree = (dir: string): Record<string, string> => Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => { const file = path.join(e.parentPath, e.name); return [path.relative(dir, file), fs.readFileSync(file, 'utf8')]; }),
  );
  const results = new Map<string, { code: number; stderr: string }>();

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-catalogue-'));
    dist = path.join(tmp, 'dist');
    synthesizeAll(CONFIG, dist);
    before = tree(dist);
    // Run the synth command on every case, four at a time.
    const queue = FILE_CASES.map(([what, text], i) => async () => {
      const dir = path.join(tmp, `case-${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'tempo-stack.yaml'), text);
      try {
        await run(process.execPath, [path.join(root, 'scripts', 'synth.js'), '--config', 'tempo-stack.yaml', '--outdir', dist], { cwd: dir });
        results.set(what, { code: 0, stderr: '' });
      } catch (error: any) {
        results.set(what, { code: error.code, stderr: error.stderr });
      }
    });
    const workers = Array.from({ length: 4 }, async () => { for (let job = queue.shift(); job; job = queue.shift()) await job(); });
    await Promise.all(workers);
  }, 60_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the catalogue holds at least twenty-five cases', () => {
    expect(FILE_CASES.length + API_CASES.length).toBeGreaterThanOrEqual(25);
  });

  test.each(FILE_CASES)('%s', (what, _text, message) => {
    const result = results.get(what)!;
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^synth failed, .*dist\/ left as it was:$/);
    expect(lines[1].trim().startsWith(message)).toBe(true);
    // Every message ends with a fix after the value.
    expect(lines[1]).toMatch(/, got .+; .+$|^ *tempo-stack\.yaml:\d+:\d+: .+; fix the YAML/);
  });

  test.each(API_CASES)('%s', (_what, props, message) => {
    expect(() => new TempoStack(new App(), 'x', props)).toThrow(message);
    // Synthesized from a config object, the same error names its place in the environments list.
    expect(() => synthesizeAll({ environments: [{ name: 'x', ...props }] }, dist)).toThrow(ConfigError);
  });

  test('the previous output is byte for byte what it was after every case', () => {
    expect(results.size).toBe(FILE_CASES.length);
    expect(tree(dist)).toEqual(before);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.dist-'))).toEqual([]);
  });
});
