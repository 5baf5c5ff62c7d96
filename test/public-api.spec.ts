// Builds and writes a whole stack the way a package outside this repository would: through the
// public exports of charts/index.ts only. A check below reads this file's own import statements,
// so a helper reached around the public API fails the test instead of hiding a missing export.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as yaml from 'js-yaml';
import { App } from 'cdk8s';
import * as api from '../charts';
import {
  ArgoCdChart, ConfigError, ConfigErrorDetail, ContainerResources, Datasource, Environment, Grafana, GrafanaChart, KUSTOMIZATION_FILE, Minio,
  MinioChart, MinioProps, NamespaceChart, Prometheus, PrometheusChart, PrometheusOperatorChart, RuleGroup, SCRAPE_JOBS, ENVIRONMENT_FILE,
  EnvironmentManifest, ScrapeConfig,
  StackConfigFile, StackGrafanaProps, StackPrometheusProps, Tempo, TempoChart, TempoProps, TempoStack, buildEnvironment, loadStackConfig,
  parseStackConfig, renderEnvironment, synthesizeAll,
} from '../charts';

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: any };

// Each part typed with its exported props type, as a user's code would be.
const tempo: TempoProps = { mode: 'cluster', replicas: 3 };
const minio: MinioProps = { storageSize: '20Gi' };
const prometheus: StackPrometheusProps = { retentionTime: '7d' };
const grafanaResources: ContainerResources = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };
const grafana: StackGrafanaProps = { anonymous: false, resources: grafanaResources };
const environment: Environment = { name: 'full', namespace: 'tracing', tempo, minio, prometheus, grafana };

const scrapeJob: ScrapeConfig = { job_name: 'shop', static_configs: [{ targets: ['shop.web.svc.cluster.local:9102'] }] };
const ruleGroup: RuleGroup = {
  name: 'shop',
  rules: [{
    record: 'job:tempo_distributor_spans_received:rate5m',
    expr: `sum by (job) (rate(tempo_distributor_spans_received_total{job="${SCRAPE_JOBS.tempo}"}[5m]))`,
  }],
};
const loki: Datasource = { name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki.logs.svc.cluster.local:3100' };

/** The objects of every manifest of one rendered environment, in file order. */
function objectsOf(files: Map<string, string>): K8sObject[] {
  return [...files].filter(([name]) => name.endsWith('.k8s.yaml')).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
}

function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`${kind}/${name}`]);
  return found[0];
}

describe('the public API (charts/index.ts), used as an outside package would', () => {
  test('this file imports nothing from the project but ../charts', () => {
    const source = fs.readFileSync(__filename, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|require\('([^']+)'\)/gm)]
      .map((m) => m[1] ?? m[2] ?? m[3]);
    expect(specifiers).toContain('../charts');
    expect(specifiers.filter((s) => s.startsWith('.') && s !== '../charts')).toEqual([]);
  });

  test('helpers stay internal: no validation, rendering or merging function is exported (Jest\'s describe is not shadowed)', () => {
    const exported = Object.keys(api);
    for (const helper of ['fail', 'describe', 'checkDnsLabel', 'configError', 'toYaml', 'contentHash', 'deepMerge', 'resolveTempoSettings',
      'buildTempoConfig', 'locateConfigError', 'renderGeneratedSecrets']) {
      expect(exported).not.toContain(helper);
    }
  });

  test('each chart stands alone: built from the public API in its own app, it synthesizes its objects', () => {
    const app = new App();
    const namespace = new NamespaceChart(app, 'ns', { namespace: 'solo' });
    const tempoChart = new TempoChart(app, 'tempo', { namespace: 'solo', tempo: {} });
    const t: Tempo = tempoChart.tempo;
    const target = { podSelector: t.podSelector, metricsPortName: t.metricsPortName, replicas: t.settings.replicas };
    const promChart = new PrometheusChart(app, 'prometheus', { namespace: 'solo', prometheus: { tempo: target } });
    const p: Prometheus = promChart.prometheus;
    const operator = new PrometheusOperatorChart(app, 'operator', { namespace: 'solo', operator: { tempo: target, release: 'kps' } });
    const grafanaChart = new GrafanaChart(app, 'grafana', {
      namespace: 'solo', grafana: { tempo: { url: t.httpUrl, metricsGenerator: false }, prometheus: { url: p.httpUrl } },
    });
    const g: Grafana = grafanaChart.grafana;
    const minioChart = new MinioChart(app, 'minio', { namespace: 'solo', minio: {} });
    const m: Minio = minioChart.minio;
    const argo = new ArgoCdChart(app, 'argocd', { options: { repoURL: 'https://git.acme.example/t.git' }, environments: [{ name: 'solo', namespace: 'solo' }] });
    const names = (chart: { toJson(): K8sObject[] }) => chart.toJson().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names(namespace)).toEqual(['Namespace/solo']);
    expect(names(tempoChart)).toContain(`StatefulSet/${t.serviceName}`);
    expect(names(promChart)).toContain(`StatefulSet/${p.serviceName}`);
    expect(names(operator)).toEqual(expect.arrayContaining(['PodMonitor/tempo', 'PrometheusRule/tempo']));
    expect(names(grafanaChart)).toContain(`Deployment/${g.serviceName}`);
    expect(names(minioChart)).toContain(`StatefulSet/${m.serviceName}`);
    expect(names(argo)).toEqual(['Application/tempo-stack-solo']);
  });

  test('bad props throw a ConfigError whose detail names the component, the prop and the fix', () => {
    let caught: unknown;
    try {
      new TempoStack(new App(), 'x', { namespace: 'x', tempo: { replicas: 3 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const detail: ConfigErrorDetail | undefined = (caught as ConfigError).detail;
    expect(detail).toMatchObject({ component: 'tempo', prop: 'replicas', got: '3' });
    expect(detail!.fix).toMatch(/cluster/);
  });

  describe('a stack with every component, extended, rendered with renderEnvironment', () => {
    const built = buildEnvironment(environment);
    const { stack } = built;
    stack.prometheusChart!.prometheus.addScrapeJob(scrapeJob);
    stack.prometheusChart!.prometheus.addRuleGroup(ruleGroup);
    stack.grafanaChart!.grafana.addDatasource(loki);
    stack.grafanaChart!.grafana.addDashboard(new dashboard.DashboardBuilder('Shop').uid('shop')
      .withPanel(new timeseries.PanelBuilder().title('Logs').datasource({ type: 'loki', uid: 'loki' })).build());
    const files = renderEnvironment(built);
    const objects = objectsOf(files);

    test('every component is there: MinIO, Tempo, Prometheus and Grafana, with their kinds', () => {
      const kinds = new Set(objects.map((o) => o.kind));
      for (const kind of ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'StatefulSet', 'Deployment', 'PersistentVolumeClaim',
        'PodDisruptionBudget', 'Role', 'RoleBinding', 'NetworkPolicy']) {
        expect(kinds).toContain(kind);
      }
      for (const [kind, name] of [['Namespace', 'tracing'], ['StatefulSet', 'minio'], ['StatefulSet', 'tempo'], ['StatefulSet', 'prometheus'],
        ['Deployment', 'grafana'], ['ConfigMap', 'tempo-config'], ['ConfigMap', 'prometheus-config'], ['ConfigMap', 'grafana-config']]) {
        one(objects, kind, name);
      }
      for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('tracing');
    });

    test('no Secret is synthesized; the ones the stack needs are listed for the deploy script', () => {
      expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      const listed = (JSON.parse(files.get(ENVIRONMENT_FILE)!) as EnvironmentManifest).secrets.map((s) => s.name);
      for (const secret of stack.generatedSecrets) expect(listed).toContain(secret.name);
      expect(stack.generatedSecrets.length).toBeGreaterThanOrEqual(2);
    });

    test('every datasource URL but the added Loki points at a Service of the stack, on a port it serves', () => {
      const file = yaml.load(one(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any;
      expect(file.datasources.map((d: any) => d.uid)).toEqual(['tempo', 'prometheus', 'loki']);
      for (const ds of file.datasources.filter((d: any) => d.uid !== 'loki')) {
        const url = new URL(ds.url);
        const [service, namespace, svc] = url.hostname.split('.');
        expect([namespace, svc]).toEqual(['tracing', 'svc']);
        const ports = one(objects, 'Service', service).spec.ports.map((p: any) => p.port);
        expect(ports).toContain(Number(url.port));
      }
    });

    test('Tempo remote-writes to the Prometheus Service, and Prometheus scrapes Tempo and the added job', () => {
      const tempo = yaml.load(one(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']) as any;
      const remoteWrite = new URL(tempo.metrics_generator.storage.remote_write[0].url);
      expect(remoteWrite.hostname).toBe(`${stack.prometheusChart!.prometheus.serviceName}.tracing.svc.cluster.local`);
      one(objects, 'Service', stack.prometheusChart!.prometheus.serviceName);
      const [host, port] = tempo.storage.trace.s3.endpoint.split(':');
      expect(host).toBe(`${stack.minioChart!.minio.serviceName}.tracing.svc.cluster.local`);
      expect(one(objects, 'Service', stack.minioChart!.minio.serviceName).spec.ports.map((p: any) => p.port)).toContain(Number(port));
      const config = yaml.load(one(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
      expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(expect.arrayContaining([SCRAPE_JOBS.tempo, 'shop']));
      const rules = one(objects, 'ConfigMap', 'prometheus-rules').data as Record<string, string>;
      expect(Object.values(rules).some((text) => (yaml.load(text) as any).groups.some((g: any) => g.name === 'shop'))).toBe(true);
    });

    test('the added dashboard has its ConfigMap, mounted into Grafana', () => {
      one(objects, 'ConfigMap', 'grafana-dashboard-shop');
      const volumes = one(objects, 'Deployment', 'grafana').spec.template.spec.volumes.map((v: any) => v.configMap?.name);
      expect(volumes).toContain('grafana-dashboard-shop');
    });

    test('the Kustomization lists exactly the manifests', () => {
      const kustomization = yaml.load(files.get(KUSTOMIZATION_FILE)!) as any;
      expect(kustomization.resources).toEqual([...files.keys()].filter((f) => f.endsWith('.k8s.yaml')));
    });
  });

  describe('a config file, through parseStackConfig and synthesizeAll into a temporary folder', () => {
    let outdir: string;
    afterAll(() => { if (outdir) fs.rmSync(outdir, { recursive: true, force: true }); });

    test('writes one folder per environment and the Argo CD Applications; a config-file load round-trips', () => {
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'public-api-'));
      const config: StackConfigFile = parseStackConfig({
        environments: [environment, { name: 'small', namespace: 'tracing-small', grafana: false }],
        argocd: { repoURL: 'https://git.acme.example/platform/tracing.git' },
      });
      const output = synthesizeAll(config, path.join(outdir, 'dist'));
      expect(fs.readdirSync(path.join(outdir, 'dist')).sort()).toEqual(['argocd', 'full', 'small']);
      expect(output.kinds.get('argocd')).toEqual(new Map([['Application', 2]]));
      expect(output.kinds.get('small')!.has('Deployment')).toBe(false);

      const full = path.join(outdir, 'dist', 'full');
      const written = new Map(fs.readdirSync(full).map((f) => [f, fs.readFileSync(path.join(full, f), 'utf8')]));
      const kinds = new Set(objectsOf(written).map((o) => o.kind));
      for (const kind of ['Namespace', 'StatefulSet', 'Deployment', 'ConfigMap', 'Service']) expect(kinds).toContain(kind);
      expect(kinds.has('Secret')).toBe(false);

      const file = path.join(outdir, 'tempo-stack.yaml');
      fs.writeFileSync(file, yaml.dump({ environments: [environment] }));
      expect(loadStackConfig(file).environments[0]).toEqual(environment);
    });

    test('a bad config is a ConfigError naming the file and the path', () => {
      const bad = { environments: [{ ...environment, tempo: { mode: 'single-node', replicas: 3 } }] };
      const never = path.join(os.tmpdir(), 'never');
      expect(() => synthesizeAll(parseStackConfig(bad), never)).toThrow(ConfigError);
      expect(() => synthesizeAll(parseStackConfig(bad), never))
        .toThrow(/^tempo-stack\.yaml: .*environments\[0\]\.tempo\.replicas/);
    });
  });
});
