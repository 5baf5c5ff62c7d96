// The README's "Use the charts in your own cdk8s app" example, kept runnable.
import { App, JsonPatch } from 'cdk8s';
import { TempoStack } from '../charts';
import { validateK8sObjects } from './support/k8s-schema';
import { find } from './helpers';

test('the README library example synthesizes valid objects with the patch applied', () => {
  const app = new App();
  const stack = new TempoStack(app, 'prod', {
    namespace: 'tracing',
    tempo: {
      mode: 'cluster',
      replicas: 5,
      storage: { backend: 's3', bucket: 'acme-traces', region: 'eu-west-1' },
      expectedLoad: { tracesPerSecond: 5000, spansPerTrace: 12 },
      resources: { requests: { cpu: '2', memory: '3Gi' }, limits: { cpu: '4', memory: '6Gi' } },
      metricsRemoteWriteUrl: 'http://prometheus.monitoring:9090/api/v1/write',
    },
  });
  stack.tempoChart.tempo.statefulSet.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'high-priority'));
  const objects = stack.tempoChart.toJson();
  expect(validateK8sObjects(objects)).toEqual([]);
  const sts = find(objects, 'StatefulSet', 'tempo');
  expect(sts.spec.replicas).toBe(5);
  expect(sts.spec.template.spec.priorityClassName).toBe('high-priority');
});
