// Generated from README.md by the tests: do not edit. Edit README.md, then run
// DOCS_EXAMPLES_UPDATE=1 npx jest test/docs
import { ApiObject, App, Chart } from 'cdk8s';
import { TempoStack } from '../../charts';

const app = new App();
const stack = new TempoStack(app, 'tracing', {
  namespace: 'tracing',
  tempo: { mode: 'cluster', storage: { backend: 's3', bucket: 'acme-traces', region: 'eu-west-1' } },
  grafana: { rootUrl: 'https://grafana.acme.example/' },
});
// Your own charts sit beside the stack's and wire to what its components expose.
const shop = new Chart(app, 'shop', { namespace: 'shop' });
new ApiObject(shop, 'otel', {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'otel-exporter' },
  data: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${stack.tempoChart.tempo.otlpGrpcEndpoint}` },
});
app.synth();
