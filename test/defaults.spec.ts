// Defaults a user would expect from the stack, and the warnings synth gives for what is allowed but
// probably not meant. Read from the rendered objects, through the public API.
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { IMAGES, TempoStack, TempoStackProps, parseStackConfig, renderConfig, renderEnvironment } from '../charts';
import { find, K8sObject } from './helpers';

const render = (id: string, props: TempoStackProps): K8sObject[] => {
  const app = new App();
  const stack = new TempoStack(app, id, props);
  return [...renderEnvironment({ environment: { name: id, ...props }, app, stack })]
    .filter(([file]) => file.endsWith('.k8s.yaml')).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
};
const externalLabels = (objects: K8sObject[]) => (yaml.load(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any)
  .global.external_labels;
const promDatasource = (objects: K8sObject[]) => (yaml.load(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any)
  .datasources.find((d: any) => d.uid === 'prometheus');

describe('Prometheus\'s external labels name the environment', () => {
  test('environment is the stack\'s id and cluster its namespace, so two environments never look alike', () => {
    expect(externalLabels(render('staging', { namespace: 'tracing-staging' }))).toEqual({ environment: 'staging', cluster: 'tracing-staging' });
    expect(externalLabels(render('prod', { namespace: 'tracing' }))).toEqual({ environment: 'prod', cluster: 'tracing' });
  });

  test('explicit props still win', () => {
    expect(externalLabels(render('staging', { namespace: 'x', prometheus: { environment: 'qa', cluster: 'eu-1' } })))
      .toEqual({ environment: 'qa', cluster: 'eu-1' });
  });
});

describe('Grafana is told the Prometheus version it queries', () => {
  test('the stack\'s own Prometheus: its image\'s release, without the v', () => {
    expect(IMAGES.prometheus.tag).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(promDatasource(render('e', { namespace: 'x' })).jsonData.prometheusVersion).toBe(IMAGES.prometheus.tag.slice(1));
    expect(promDatasource(render('e', { namespace: 'x', prometheus: { image: { repository: 'prom/prometheus', tag: 'v2.53.3' } } }))
      .jsonData.prometheusVersion).toBe('2.53.3');
  });

  test('a Prometheus of unknown version (an external URL, a custom tag): Grafana\'s entry for every release after 2.50', () => {
    expect(promDatasource(render('e', { namespace: 'x', prometheus: false, grafana: { prometheusUrl: 'http://prom.monitoring.svc:9090' } }))
      .jsonData.prometheusVersion).toBe('2.50.1');
    expect(promDatasource(render('e', { namespace: 'x', prometheus: { image: { repository: 'acme/prometheus', tag: 'hardened-3' } } }))
      .jsonData.prometheusVersion).toBe('2.50.1');
  });
});

describe('Tempo is pinned to 2.6.1, and 2.6.0 stays selectable', () => {
  const image = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers[0].image;
  test('the default image is grafana/tempo:2.6.1', () => {
    expect(image(render('e', { namespace: 'x' }))).toBe('grafana/tempo:2.6.1');
  });
  test('image.tag 2.6.0 deploys 2.6.0', () => {
    expect(image(render('e', { namespace: 'x', tempo: { image: { repository: 'grafana/tempo', tag: '2.6.0' } } }))).toBe('grafana/tempo:2.6.0');
  });
});

describe('names Kubernetes accepts are accepted', () => {
  test('Secret and StorageClass names with dots (DNS subdomains)', () => {
    const objects = render('e', {
      namespace: 'x',
      tempo: {
        storage: {
          backend: 's3', bucket: 'acme.traces', region: 'eu-west-1', prefix: 'tempo/prod',
          credentials: { accessKeyId: { name: 'tempo.s3', key: 'id' }, secretAccessKey: { name: 'tempo.s3', key: 'secret' } },
        },
        storageClassName: 'ebs.gp3',
      },
      grafana: { adminSecretName: 'grafana.admin', storageClassName: 'ebs.gp3' },
    });
    const tempo = find(objects, 'StatefulSet', 'tempo');
    expect(tempo.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('ebs.gp3');
    const accessKey = tempo.spec.template.spec.containers[0].env.find((e: any) => e.name === 'AWS_ACCESS_KEY_ID');
    expect(accessKey.valueFrom.secretKeyRef).toEqual({ name: 'tempo.s3', key: 'id' });
  });
});

describe('synth warns about what is allowed but probably not meant, and still renders', () => {
  const config = (tempo: object, argocd?: object) => parseStackConfig({
    environments: [{ name: 'pair', namespace: 'pair', tempo }], ...(argocd ? { argocd } : {}),
  });
  const gcs = { backend: 'gcs', bucket: 'acme-traces' };

  test('a replication factor of 2 (the default of a 2-replica cluster): no write survives losing a replica', () => {
    const output = renderConfig(config({ mode: 'cluster', replicas: 2, storage: gcs }));
    expect(output.warnings).toEqual([
      "tempo-stack.yaml: 'environments[0].tempo.replicationFactor' of 2 lets no write survive losing a replica (the write quorum is 2 of 2), got 2; "
        + 'use 3 (with at least 3 replicas) to survive one replica down, or 1 if losing recent traces with a pod is acceptable',
    ]);
    expect(output.folders.has('pair')).toBe(true);
  });

  test('replication factors 1 and 3 give no warning', () => {
    expect(renderConfig(config({ mode: 'cluster', replicas: 2, replicationFactor: 1, storage: gcs })).warnings).toEqual([]);
    expect(renderConfig(config({ mode: 'cluster', replicas: 3, storage: gcs })).warnings).toEqual([]);
  });

  test('an Argo CD repoURL still pointing at the example repository; a real one gives no warning', () => {
    expect(renderConfig(config({}, { repoURL: 'https://github.com/tempo-stack/tempo-stack.git' })).warnings)
      .toEqual([expect.stringMatching(/^tempo-stack\.yaml: 'argocd\.repoURL' is still the example repository, got 'https:\/\/github\.com\/tempo-stack\/tempo-stack\.git'; /)]);
    expect(renderConfig(config({}, { repoURL: 'git@git.acme.example:platform/tracing.git' })).warnings).toEqual([]);
  });

  test('the stack exposes its warnings in the error format\'s parts', () => {
    const stack = new TempoStack(new App(), 'pair', {
      namespace: 'pair', tempo: { mode: 'cluster', replicas: 2, storage: { backend: 'gcs', bucket: 'acme-traces' } },
    });
    expect(stack.warnings.map((w) => `${w.component}: '${w.prop}' got ${w.got}`)).toEqual(["tempo: 'replicationFactor' got 2"]);
  });
});
