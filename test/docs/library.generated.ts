// Generated from docs/library.md by the tests: do not edit. Edit docs/library.md, then run
// DOCS_EXAMPLES_UPDATE=1 npx jest test/docs
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { RestrictedWorkload, SCRAPE_JOBS, TempoStack } from '../../charts';

const app = new App();
const stack = new TempoStack(app, 'prod', {
  namespace: 'tracing',
  tempo: {
    mode: 'cluster',
    replicas: 5,
    storage: { backend: 's3', bucket: 'acme-traces', region: 'eu-west-1' },
    // Tempo, Prometheus, Grafana and MinIO take serviceAccountAnnotations and podLabels: IRSA here, GKE or Azure
    // workload identity the same way (iam.gke.io/gcp-service-account, azure.workload.identity/*).
    serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/tempo' },
    expectedLoad: { tracesPerSecond: 5000, spansPerTrace: 12 },
    resources: { requests: { cpu: '2', memory: '3Gi' }, limits: { cpu: '4', memory: '6Gi' } },
    // A Tempo key without a prop, deep-merged into tempo.yaml last and checked against Tempo
    // 2.6's key tree at synth time (a misspelt key throws with its path).
    configOverrides: { query_frontend: { max_outstanding_per_tenant: 4000 } },
  },
  prometheus: { retentionTime: '30d', storageSize: '100Gi' },
  grafana: {
    rootUrl: 'https://grafana.acme.example/',
    // A key this project does not model, merged into grafana.ini last: long TraceQL searches
    // outlive the data proxy's default 30 s.
    iniOverrides: { dataproxy: { timeout: 120 } },
  },
});

const prom = stack.prometheusChart!.prometheus;
prom.addScrapeJob({
  job_name: 'checkout',
  static_configs: [{ targets: ['checkout.shop.svc.cluster.local:8080'] }],
});
prom.addRuleGroup({
  name: 'acme-tracing',
  rules: [{
    alert: 'AcmeNoSpansReceived',
    // Tempo is up but nothing sends it spans: the applications' exporters are broken.
    expr: `sum(rate(tempo_distributor_spans_received_total{job="${SCRAPE_JOBS.tempo}", namespace="tracing"}[10m])) == 0`,
    for: '15m',
    labels: { severity: 'warning', team: 'platform' },
    annotations: {
      summary: 'Tempo received no spans for 15 minutes.',
      description: 'No application in the cluster is sending traces; check the OpenTelemetry collectors.',
      runbook_url: 'https://wiki.acme.example/runbooks/tracing#no-spans',
    },
  }],
});

const grafana = stack.grafanaChart!.grafana;
grafana.addDatasource({
  name: 'Loki', type: 'loki', uid: 'loki', access: 'proxy', url: 'http://loki-gateway.logs.svc.cluster.local',
});
grafana.addDashboard(new dashboard.DashboardBuilder('Acme / Ingestion')
  .uid('acme-ingestion')
  .withPanel(new timeseries.PanelBuilder()
    .title('Spans received per second')
    .datasource({ type: 'prometheus', uid: grafana.prometheusDatasourceUid })
    .withTarget(new prometheus.DataqueryBuilder()
      .expr('sum(rate(tempo_distributor_spans_received_total[$__rate_interval]))')
      .legendFormat('spans/s')))
  .build());

const collector = new Chart(app, 'collector', { namespace: 'tracing' });
// JSON is YAML: the collector reads it as its config.yaml.
const otelcolConfig = JSON.stringify({
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
  processors: { batch: {} },
  exporters: { otlp: { endpoint: stack.tempoChart.tempo.otlpGrpcEndpoint, tls: { insecure: true } } },
  extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
  service: { extensions: ['health_check'], pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp'] } } },
}, null, 2);
const otelcol = new RestrictedWorkload(collector, 'otelcol', {
  name: 'otelcol', namespace: 'tracing', kind: 'Deployment', replicas: 2, maxUnavailable: 1, spread: true,
  identity: { name: 'opentelemetry-collector', instance: 'otelcol', component: 'collector' },
  uid: 10001, // the image's own non-root user
  container: {
    name: 'otelcol',
    image: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.116.1' },
    ports: [{ name: 'otlp-grpc', port: 4317, appProtocol: 'grpc' }, { name: 'health', port: 13133 }],
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    probes: {
      readiness: { path: '/', port: 'health', periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
      liveness: { path: '/', port: 'health', periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 5 },
    },
  },
  configMaps: [{ name: 'otelcol-config', volume: 'config', mountPath: '/etc/otelcol-contrib', files: { 'config.yaml': otelcolConfig } }],
  services: [{ name: 'otelcol', ports: ['otlp-grpc'] }],
  networkPolicy: [{ ports: ['otlp-grpc'], namespaces: 'all' }],
});

ApiObject.of(stack.tempoChart.tempo.statefulSet)
  .addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'tracing-critical'));
ApiObject.of(otelcol.deployment!)
  .addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'tracing-critical'));
app.synth();
