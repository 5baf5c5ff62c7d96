// The README's promises, kept true: its quick start is what CI runs, its three ways of use work
// (the config-file examples synthesize what they say, the library example compiles as
// test/docs/readme.generated.ts and builds the objects it claims), and its dist/ table is dist/.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { parseStackConfig, renderConfig } from '../../charts';
import { CONFIG, find, K8sObject } from '../helpers';
import { codeBlocks, readDoc, ROOT, runProgram, section, tsProgram } from '../support/markdown';

const README = 'README.md';
const readme = readDoc(README);
const blocks = codeBlocks(README);
const under = (heading: string, lang: string) => blocks.filter((b) => b.heading.startsWith(heading) && b.lang === lang);
const GENERATED = 'test/docs/readme.generated.ts';

test('stays short enough to read: at most 250 lines', () => {
  expect(readme.split('\n').length).toBeLessThanOrEqual(250);
});

test('the quick start is the two commands CI runs from scratch', () => {
  const [quick] = under('Quick start', 'sh');
  const commands = quick.body.split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, ''));
  expect(commands).toEqual(['npm ci && npm run synth', 'npm test']);
  const ci = readDoc('.ci/run');
  expect(ci).toMatch(/^npm ci\b/m);
  expect(ci).toMatch(/^npm test\b/m);
  const scripts = JSON.parse(readDoc('package.json')).scripts as Record<string, string>;
  expect(scripts.test).toMatch(/\btsc\b.*\bjest\b/);
});

describe('1. clone and edit', () => {
  const [example] = under('1. Clone', 'yaml');

  test('the example names the generated schema, and a misspelt key in it is refused with the one line the README quotes', () => {
    expect(example.body.split('\n')[0]).toBe('# yaml-language-server: $schema=./tempo-stack.schema.json');
    const quoted = /`(tempo-stack\.yaml: '[^`]+)`/.exec(section(readme, 'Three ways to use it'))![1];
    const config = yaml.load(example.body) as { environments: Array<{ tempo: Record<string, unknown> }> };
    config.environments[0].tempo.replica = 3;
    expect(() => parseStackConfig(config)).toThrow(quoted);
  });
});

describe('2. a GitOps repository', () => {
  const [example] = under('2. A GitOps', 'yaml');

  test('the file synthesizes a three-replica Tempo on GCS and an Application synced automatically', () => {
    const rendered = renderConfig(parseStackConfig(yaml.load(example.body)));
    const objects = [...rendered.folders.get('production')!.values()].flatMap((t) => yaml.loadAll(t) as K8sObject[]);
    expect(find(objects, 'StatefulSet', 'tempo').spec.replicas).toBe(3);
    const tempo = yaml.load(find(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any;
    expect(tempo.storage.trace).toMatchObject({ backend: 'gcs', gcs: { bucket_name: 'acme-traces' } });
    const apps = [...rendered.folders.get('argocd')!.values()].flatMap((t) => yaml.loadAll(t) as K8sObject[]);
    const app = apps.find((o) => o.kind === 'Application')!;
    expect(app.spec.source).toMatchObject({ repoURL: 'https://github.com/acme/tracing-gitops.git', path: 'dist/production' });
    expect(app.spec.syncPolicy.automated).toMatchObject({ prune: true, selfHeal: true });
  });
});

describe('3. the library', () => {
  const { blocks: ts, source, committed } = tsProgram(README, GENERATED);
  let objects: K8sObject[];
  beforeAll(() => {
    objects = runProgram(GENERATED);
  });

  test(`imports the package by its name, and is exactly ${GENERATED}, which \`tsc -p .\` type-checks`, () => {
    expect(ts).toHaveLength(1);
    expect(ts[0].body).toContain("import { TempoStack } from 'tempo-stack';");
    if (committed !== source) throw new Error(`the README's library example differs from ${GENERATED}: DOCS_EXAMPLES_UPDATE=1 npx jest test/docs`);
  });

  test('builds the stack it configures: a Tempo cluster on S3 in namespace tracing, Grafana at its public URL', () => {
    const sts = find(objects, 'StatefulSet', 'tempo');
    expect([sts.metadata.namespace, sts.spec.replicas]).toEqual(['tracing', 3]);
    const tempo = yaml.load(find(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any;
    expect(tempo.storage.trace).toMatchObject({ backend: 's3', s3: { bucket: 'acme-traces' } });
    expect(find(objects, 'ConfigMap', 'grafana-config').data['grafana.ini']).toMatch(/^root_url = https:\/\/grafana\.acme\.example\/$/m);
  });

  test('its own chart points at a port Tempo\'s Service really serves OTLP gRPC on', () => {
    const otel = find(objects, 'ConfigMap', 'otel-exporter');
    expect(otel.metadata.namespace).toBe('shop');
    const url = new URL(otel.data.OTEL_EXPORTER_OTLP_ENDPOINT);
    const service = find(objects, 'Service', 'tempo');
    expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`);
    expect(service.spec.ports.find((p: any) => p.port === Number(url.port))?.name).toBe('otlp-grpc');
  });
});

describe('what lands in dist/', () => {
  const table = section(readme, 'What lands in `dist/`');
  const rows = [...table.matchAll(/^\| `dist\/([^/]+)\/` \| `([^`]+)` \|/gm)].map((m) => [m[1], m[2]]);

  test('the table lists exactly the folders of dist/, each with its namespace', () => {
    const folders = fs.readdirSync(path.join(ROOT, 'dist')).filter((f) => fs.statSync(path.join(ROOT, 'dist', f)).isDirectory()).sort();
    expect(rows.map((r) => r[0]).sort()).toEqual(folders);
    expect(rows.filter((r) => r[0] !== 'argocd')).toEqual(CONFIG.environments.map((e) => [e.name, e.namespace]));
  });

  test('every environment folder holds the files the README names, and no Secret', () => {
    const named = [...table.matchAll(/^- `([A-Za-z.]+)`:/gm)].map((m) => m[1]);
    expect(named).toEqual(['Kustomization', 'environment']);
    for (const env of CONFIG.environments) {
      const dir = path.join(ROOT, 'dist', env.name);
      const present = fs.readdirSync(dir);
      expect(present.filter((f) => /^\d{4}-[a-z-]+\.k8s\.yaml$/.test(f)).length).toBeGreaterThan(2);
      for (const file of named) expect(present).toContain(file);
      for (const f of present.filter((x) => x.endsWith('.yaml'))) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toMatch(/^kind: Secret$/m);
    }
  });
});

describe('the cluster environment\'s placeholders', () => {
  const dist = section(readme, 'What lands in `dist/`');
  const text = dist.slice(dist.indexOf('\n### The cluster environment\'s placeholders\n'));
  const cluster = (yaml.load(readDoc('tempo-stack.yaml')) as { environments: any[] }).environments.find((e) => e.name === 'cluster');
  const manifests = fs.readdirSync(path.join(ROOT, 'dist/cluster')).filter((f) => f.endsWith('.yaml'))
    .map((f) => fs.readFileSync(path.join(ROOT, 'dist/cluster', f), 'utf8')).join('\n');

  test('names every host and the issuer the shipped cluster environment uses, and they are in dist/cluster/', () => {
    const hosts = [...manifests.matchAll(/^ +- host: (\S+)$/gm)].map((m) => m[1]);
    expect(new Set(hosts)).toEqual(new Set(['grafana.example.com', 'otlp.example.com', 'otlp-grpc.example.com']));
    for (const host of hosts) expect(text).toContain(`\`${host}\``);
    const issuers = new Set([...manifests.matchAll(/cert-manager\.io\/cluster-issuer: (\S+)$/gm)].map((m) => m[1]));
    expect([...issuers]).toEqual([cluster.grafana.expose.ingress.tls.issuer.name]);
    expect(text).toContain(`\`${[...issuers][0]}\``);
  });

  test('the Secret to create is the one the gateway mounts, in the environment\'s namespace, with the users and tenants it maps', () => {
    expect(manifests).toMatch(new RegExp(`secretName: ${cluster.gateway.auth.secretName}$`, 'm'));
    expect(text).toContain(`\`${cluster.gateway.auth.secretName}\` in \`${cluster.namespace}\``);
    for (const [user, tenant] of Object.entries(cluster.gateway.auth.tenants as Record<string, string>)) {
      expect(text).toContain(`\`${user}\``);
      expect(text).toContain(`\`${tenant}\``);
    }
    expect(manifests).not.toMatch(/^kind: Secret$/m);
    const environment = JSON.parse(readDoc('dist/cluster/environment')) as { secrets: Array<{ name: string; createdBy: string }> };
    expect(environment.secrets.filter((x) => x.createdBy === 'user').map((x) => x.name)).toEqual([cluster.gateway.auth.secretName]);
  });
});
