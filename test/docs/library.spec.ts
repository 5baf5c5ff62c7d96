// docs/library.md's example, kept true: its `ts` blocks are joined into one program, which must equal
// test/docs/library.generated.ts (so `tsc -p .`, the first half of `npm test`, type-checks exactly
// the documented code without a second compiler run here); the program is run (its `app.synth()`
// writes into a temporary folder) and what it wrote is checked. Edit the doc, then
// `DOCS_EXAMPLES_UPDATE=1 npx jest test/docs` rewrites the generated file.
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { RULE_FILES } from '../../charts/prometheus';
import { GRAFANA_PATHS } from '../../charts/grafana';
import { validateK8sObjects } from '../support/k8s-schema';
import { knownMetric } from '../support/metric-names';
import { checkPrometheusConfig, itWith, PROMTOOL } from '../support/promtool';
import { ROOT, runProgram, tsProgram } from '../support/markdown';
import { find, K8sObject } from '../helpers';

const GENERATED = 'test/docs/library.generated.ts';
const { blocks, source, committed } = tsProgram('docs/library.md', GENERATED);
const program = blocks.map((b) => b.body).join('\n');

let objects: K8sObject[];
beforeAll(() => {
  objects = runProgram(GENERATED);
});

const configMapFile = (name: string, file: string): string => {
  const data = find(objects, 'ConfigMap', name).data as Record<string, string>;
  expect(Object.keys(data)).toContain(file);
  return data[file];
};

describe('the library example of docs/library.md', () => {
  test('has its parts: a stack, a scrape job, an alert group, a datasource, a dashboard, an override and a patch', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const calls = ['new TempoStack(', '.addScrapeJob(', '.addRuleGroup(', '.addDatasource(', '.addDashboard(', 'iniOverrides',
      '.addJsonPatch(', 'app.synth()'];
    for (const call of calls) {
      expect(program).toContain(call);
    }
  });

  test(`imports the package by its name, and is exactly ${GENERATED}, which \`tsc -p .\` type-checks`, () => {
    expect(program).toContain("from 'tempo-stack';");
    if (committed !== source) throw new Error(`docs/library.md's example differs from ${GENERATED}: run DOCS_EXAMPLES_UPDATE=1 npx jest test/docs`);
    expect(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).toMatch(/"include":[^\]]*"test\/\*\*\/\*\.ts"/);
  });

  test('synthesizes objects that all validate against the Kubernetes 1.28 schema, none of them a Secret', () => {
    expect(objects.length).toBeGreaterThan(20);
    expect(validateK8sObjects(objects)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('tracing');
  });

  test('the stack options: 5 Tempo replicas on S3, Prometheus keeping 30 days, Grafana\'s root URL', () => {
    const sts = find(objects, 'StatefulSet', 'tempo');
    expect(sts.spec.replicas).toBe(5);
    const tempo = yaml.load(configMapFile('tempo-config', 'tempo.yaml')) as any;
    expect(tempo.storage.trace.backend).toBe('s3');
    expect(tempo.storage.trace.s3).toMatchObject({ bucket: 'acme-traces', endpoint: 's3.eu-west-1.amazonaws.com' });
    expect(find(objects, 'StatefulSet', 'prometheus').spec.template.spec.containers[0].args).toContain('--storage.tsdb.retention.time=30d');
    expect(configMapFile('grafana-config', 'grafana.ini')).toMatch(/^\[server\][^[]*^root_url = https:\/\/grafana\.acme\.example\/$/m);
  });

  test('the configOverrides key lands in tempo.yaml, next to what the preset sets there', () => {
    const tempo = yaml.load(configMapFile('tempo-config', 'tempo.yaml')) as any;
    expect(tempo.query_frontend.max_outstanding_per_tenant).toBe(4000);
    // The with-metrics preset's search settings are still there beside the merged key.
    expect(tempo.query_frontend.search).toMatchObject({ concurrent_jobs: 1000, duration_slo: '5s' });
  });

  test('the iniOverrides key lands in grafana.ini', () => {
    expect(configMapFile('grafana-config', 'grafana.ini')).toMatch(/^\[dataproxy\]\ntimeout = 120$/m);
  });

  test('the scrape job is in prometheus.yml, after the Tempo job', () => {
    const config = yaml.load(configMapFile('prometheus-config', 'prometheus.yml')) as any;
    const jobs = config.scrape_configs.map((j: any) => j.job_name);
    expect(jobs).toContain('tempo');
    expect(jobs[jobs.length - 1]).toBe('checkout');
    expect(config.scrape_configs.find((j: any) => j.job_name === 'checkout').static_configs)
      .toEqual([{ targets: ['checkout.shop.svc.cluster.local:8080'] }]);
  });

  test('the alert group is in its own rule file of the rules ConfigMap, on a metric Tempo 2.6 really exports', () => {
    const file = yaml.load(configMapFile('prometheus-rules', RULE_FILES.added)) as any;
    expect(file.groups.map((g: any) => g.name)).toEqual(['acme-tracing']);
    const alert = file.groups[0].rules[0];
    expect(alert.alert).toBe('AcmeNoSpansReceived');
    expect(alert.expr).toBe('sum(rate(tempo_distributor_spans_received_total{job="tempo", namespace="tracing"}[10m])) == 0');
    expect(knownMetric('tempo_distributor_spans_received_total')?.sources).toContain('tempo');
    // Ours are still there.
    expect(Object.keys(find(objects, 'ConfigMap', 'prometheus-rules').data)).toContain(RULE_FILES.tempo);
  });

  itWith(PROMTOOL)('promtool 2.53 accepts the prometheus.yml and every rule file, the added ones included', () => {
    const cm = find(objects, 'ConfigMap', 'prometheus-rules').data as Record<string, string>;
    const result = checkPrometheusConfig(configMapFile('prometheus-config', 'prometheus.yml'), cm);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.status).toBe(0);
  });

  test('the Loki datasource is provisioned after Tempo and Prometheus', () => {
    const file = yaml.load(configMapFile('grafana-datasources', 'datasources.yaml')) as any;
    expect(file.datasources.map((d: any) => d.uid)).toEqual(['tempo', 'prometheus', 'loki']);
    expect(file.datasources[2])
      .toEqual({ name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki-gateway.logs.svc.cluster.local' });
  });

  test('the dashboard is provisioned in its own ConfigMap, mounted into the dashboards folder, querying Prometheus', () => {
    const model = JSON.parse(configMapFile('grafana-dashboard-acme-ingestion', 'acme-ingestion.json'));
    expect(model.title).toBe('Acme / Ingestion');
    expect(model.panels.map((p: any) => [p.title, p.datasource.uid, p.targets[0].expr]))
      .toEqual([['Spans received per second', 'prometheus', 'sum(rate(tempo_distributor_spans_received_total[$__rate_interval]))']]);
    const pod = find(objects, 'Deployment', 'grafana').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'dashboard-acme-ingestion', configMap: { name: 'grafana-dashboard-acme-ingestion' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'dashboard-acme-ingestion', mountPath: `${GRAFANA_PATHS.dashboards}/acme-ingestion.json`, subPath: 'acme-ingestion.json', readOnly: true,
    });
  });

  test('the JSON patches are applied to the Tempo StatefulSet and the collector\'s Deployment', () => {
    expect(find(objects, 'StatefulSet', 'tempo').spec.template.spec.priorityClassName).toBe('tracing-critical');
    expect(find(objects, 'Deployment', 'otelcol').spec.template.spec.priorityClassName).toBe('tracing-critical');
  });

  test('Tempo\'s ServiceAccount carries the IRSA role, and its pods still mount no API token', () => {
    const sa = find(objects, 'ServiceAccount', 'tempo');
    expect(sa.metadata).toMatchObject({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/tempo' } });
    expect(find(objects, 'StatefulSet', 'tempo').spec.template.spec.serviceAccountName).toBe('tempo');
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('the collector on RestrictedWorkload: restricted pods, config mounted where the image reads it and hashed, '
    + 'exporting to Tempo\'s OTLP port', () => {
    const deployment = find(objects, 'Deployment', 'otelcol');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] } });
    expect(container.image).toBe('otel/opentelemetry-collector-contrib:0.116.1');
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'health' });
    expect(deployment.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{16,}$/);
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/etc/otelcol-contrib');
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const config = yaml.load(find(objects, 'ConfigMap', volume.configMap.name).data['config.yaml']) as any;
    const [host, port] = config.exporters.otlp.endpoint.split(':');
    const tempo = find(objects, 'Service', 'tempo');
    expect(host).toBe(`${tempo.metadata.name}.${tempo.metadata.namespace}.svc.cluster.local`);
    expect(tempo.spec.ports.find((p: any) => p.port === Number(port))?.name).toBe('otlp-grpc');
    const service = find(objects, 'Service', 'otelcol');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(find(objects, 'NetworkPolicy', 'otelcol').spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(find(objects, 'PodDisruptionBudget', 'otelcol').spec.maxUnavailable).toBe(1);
  });
});
