import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { buildEnvironment, parseStackConfig, renderEnvironment, TempoStack } from '../charts';
import { ENVIRONMENTS, find, K8sObject, tempoYaml } from './helpers';

const objectsOfEnv = (name: string): K8sObject[] => {
  const env = ENVIRONMENTS.find((e) => e.name === name)!;
  return [...renderEnvironment(buildEnvironment(env))].filter(([file]) => file.endsWith('.k8s.yaml')).flatMap(([,
    text]) => yaml.loadAll(text) as K8sObject[]);
};

describe('the stack wires the bundled MinIO into Tempo', () => {
  const objects = objectsOfEnv('cluster');
  const config = tempoYaml(objects);
  const minioSvc = find(objects, 'Service', 'minio');
  const minioSts = find(objects, 'StatefulSet', 'minio');
  const tempoContainer = find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers[0];

  test('Tempo\'s S3 endpoint is the MinIO Service, on its api port, over plain HTTP, path-style', () => {
    const api = minioSvc.spec.ports.find((p: any) => p.name === 'api');
    expect(config.storage.trace.backend).toBe('s3');
    expect(config.storage.trace.s3).toMatchObject({
      endpoint: `${minioSvc.metadata.name}.${minioSvc.metadata.namespace}.svc.cluster.local:${api.port}`,
      insecure: true,
      forcepathstyle: true,
    });
  });

  test('Tempo writes to the bucket MinIO\'s init container creates', () => {
    const init = minioSts.spec.template.spec.initContainers[0];
    expect(init.command).toEqual(['mkdir', '-p', `/data/${config.storage.trace.s3.bucket}`]);
  });

  test('Tempo and MinIO read the same Secret keys', () => {
    const minioEnv = minioSts.spec.template.spec.containers[0].env;
    const ref = (env: any[], name: string) => env.find((e) => e.name === name).valueFrom.secretKeyRef;
    expect(ref(tempoContainer.env, 'AWS_ACCESS_KEY_ID')).toEqual(ref(minioEnv, 'MINIO_ROOT_USER'));
    expect(ref(tempoContainer.env, 'AWS_SECRET_ACCESS_KEY')).toEqual(ref(minioEnv, 'MINIO_ROOT_PASSWORD'));
  });

  test('the cluster environment runs three scalable-single-binary replicas with the metrics-generator', () => {
    expect(find(objects, 'StatefulSet', 'tempo').spec.replicas).toBe(3);
    expect(tempoContainer.args).toContain('-target=scalable-single-binary');
    expect(config.ingester.lifecycler.ring.replication_factor).toBe(3);
    expect(config.overrides.defaults.metrics_generator.processors).toEqual(['service-graphs', 'span-metrics', 'local-blocks']);
    expect(config.metrics_generator.storage.remote_write[0]).toEqual({
      url: 'http://prometheus.tempo-cluster.svc.cluster.local:9090/api/v1/write', send_exemplars: true,
    });
  });

  test('files sort namespace, MinIO, Tempo, Prometheus, Grafana, the gateway', () => {
    const env = ENVIRONMENTS.find((e) => e.name === 'cluster')!;
    expect([...renderEnvironment(buildEnvironment(env)).keys()])
      .toEqual(['0000-namespace.k8s.yaml', '0001-minio.k8s.yaml', '0002-tempo.k8s.yaml', '0003-prometheus.k8s.yaml', '0004-grafana.k8s.yaml',
        '0005-gateway.k8s.yaml', '0006-alertmanager.k8s.yaml', 'Kustomization', 'environment']);
  });
});

describe('stack props', () => {
  test('the bundled MinIO and an own object store are mutually exclusive', () => {
    expect(() => new TempoStack(new App(), 'x', {
      namespace: 'tempo', minio: {}, tempo: { mode: 'cluster', storage: { backend: 'gcs', bucket: 'traces' }, metricsRemoteWriteUrl: 'http://p:9090/api/v1/write' },
    })).toThrow("stack: 'minio' cannot be combined with tempo.storage, got 'gcs'; remove minio to use your own object store, or remove tempo.storage "
      + "to use the bundled MinIO");
  });

  test('a bad namespace is refused before anything is built', () => {
    expect(() => new TempoStack(new App(), 'x', { namespace: 'Tempo NS' })).toThrow("stack: 'namespace' must be a DNS label");
  });

  test('without MinIO there is no MinIO chart', () => {
    const stack = new TempoStack(new App(), 'x', { namespace: 'tempo' });
    expect(stack.minioChart).toBeUndefined();
  });
});

describe('the stack deploys Prometheus in every environment', () => {
  test.each(ENVIRONMENTS.map((e) => [e.name,
    e] as const))('%s: Prometheus scrapes its Tempo, and its file comes after Tempo\'s and before Grafana\'s', (_name, env) => {
    const built = buildEnvironment(env);
    const prometheus = built.stack.prometheusChart!.prometheus;
    expect(prometheus.serviceName).toBe('prometheus');
    expect(prometheus.settings.tempo.podSelector).toEqual(built.stack.tempoChart.backend.podSelector);
    expect(prometheus.settings.tempo.replicas).toBe(built.stack.tempoChart.backend.pods);
    const manifests = [...renderEnvironment(built).keys()].filter((f) => f.endsWith('.k8s.yaml')).map((f) => f.replace(/^\d+-|\.k8s\.yaml$/g, ''));
    expect(manifests.filter((m) => ['tempo', 'prometheus', 'grafana'].includes(m))).toEqual(['tempo', 'prometheus', 'grafana']);
    // An Alertmanager's file comes after all of them.
    if (env.alertmanager) expect(manifests[manifests.length - 1]).toBe('alertmanager');
  });

  test('the cluster\'s metrics-generator writes to the Prometheus construct\'s receiver, which is on', () => {
    const built = buildEnvironment(ENVIRONMENTS.find((e) => e.name === 'cluster')!);
    const prometheus = built.stack.prometheusChart!.prometheus;
    expect(built.stack.tempoChart.backend.settings.metricsRemoteWriteUrl).toBe(prometheus.remoteWriteUrl);
    expect(prometheus.settings.metricsGenerator).toBe(true);
    expect(ENVIRONMENTS.find((e) => e.name === 'cluster')!.tempo?.metricsRemoteWriteUrl).toBeUndefined();
  });
});

describe('extra labels', () => {
  test('land on every object of every chart, beside the recommended ones', () => {
    const stack = new TempoStack(new App(), 'x', { namespace: 'tempo', labels: { 'acme.com/team': 'tracing', tier: 'observability' }, minio: {},
      tempo: { mode: 'cluster' } });
    const objects = stack.node.children.flatMap((c: any) => (typeof c.toJson === 'function' ? c.toJson() : [])) as K8sObject[];
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) {
      expect([o.kind, o.metadata.name, o.metadata.labels]).toEqual([o.kind, o.metadata.name, expect.objectContaining({
        'acme.com/team': 'tracing', tier: 'observability', 'app.kubernetes.io/part-of': 'tempo-stack',
      })]);
    }
  });

  test.each([
    [{ 'Acme/Team': 'x' },
      "stack: 'labels.Acme/Team' is not a valid label key, got 'Acme/Team'; use an optional DNS-subdomain prefix and a name of at most 63 "
        + "letters, digits, '-', '_' or '.', e.g. 'acme.com/team'"],
    [{ 'app.kubernetes.io/name': 'mine' },
      "stack: 'labels.app.kubernetes.io/name' would replace a label the stack sets itself (selectors and tools rely on them), got 'mine'; use "
        + "a key of your own, e.g. 'acme.com/team'"],
    [{ team: 'platform team' },
      "stack: 'labels.team' must be a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric), got "
        + "'platform team'; shorten or simplify the value"],
  ])('refuses %j', (labels, message) => {
    expect(() => new TempoStack(new App(), 'x', { namespace: 'tempo', labels })).toThrow(message);
  });
});

describe('workload identity from the config file', () => {
  // IRSA for Tempo's S3 access, Azure Workload Identity's pod label on Grafana, a label on every component's pods.
  const file = yaml.load(`
environments:
  - name: cloud
    namespace: tracing
    tempo:
      mode: cluster
      storage: { backend: s3, bucket: traces, region: eu-west-1 }
      serviceAccountAnnotations: { eks.amazonaws.com/role-arn: 'arn:aws:iam::111122223333:role/tempo' }
      podLabels: { acme.com/cost-centre: tracing }
    prometheus: { podLabels: { acme.com/cost-centre: tracing } }
    grafana:
      serviceAccountAnnotations: { azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000 }
      podLabels: { azure.workload.identity/use: 'true' }
`);
  const [env] = parseStackConfig(file).environments;
  const objects = [...renderEnvironment(buildEnvironment(env))].filter(([name]) => name.endsWith('.k8s.yaml'))
    .flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
  const annotations = (name: string) => (find(objects, 'ServiceAccount', name).metadata as any).annotations;
  const podLabels = (kind: string, name: string) => find(objects, kind, name).spec.template.metadata.labels;

  test('ServiceAccount annotations land on that component\'s ServiceAccount only', () => {
    expect(annotations('tempo')).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/tempo' });
    expect(annotations('grafana')).toEqual({ 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' });
    expect(annotations('prometheus')).toBeUndefined();
  });

  test('pod labels land on the pods, not on the selectors or the other objects', () => {
    expect(podLabels('StatefulSet', 'tempo')['acme.com/cost-centre']).toBe('tracing');
    expect(podLabels('StatefulSet', 'prometheus')['acme.com/cost-centre']).toBe('tracing');
    expect(podLabels('Deployment', 'grafana')['azure.workload.identity/use']).toBe('true');
    expect(find(objects, 'StatefulSet', 'tempo').spec.selector.matchLabels).not.toHaveProperty(['acme.com/cost-centre']);
    expect(find(objects, 'Service', 'tempo').metadata.labels).not.toHaveProperty(['acme.com/cost-centre']);
  });

  test('with IRSA, Tempo gets no static S3 credentials', () => {
    const env = find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).not.toContain('AWS_ACCESS_KEY_ID');
  });
});
