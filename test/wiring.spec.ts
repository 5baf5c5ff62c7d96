// Every URL one component uses to reach another resolves to a Service, in the right namespace, on a
// port that Service has and that targets a port the selected pods really open.
import * as yaml from 'js-yaml';
import { buildEnvironment, renderEnvironment } from '../charts';
import { allOf, ENVIRONMENTS, find, K8sObject, selects, tempoYaml } from './helpers';

const objectsOf = (name: string): K8sObject[] => [...renderEnvironment(buildEnvironment(ENVIRONMENTS.find((e) => e.name === name)!))]
  .filter(([file]) => file.endsWith('.k8s.yaml'))
  .flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);

/** The Service and pod container port an in-cluster URL reaches, or a reason it reaches nothing. */
function resolveUrl(objects: K8sObject[], url: string): string {
  const match = /^https?:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)(\/.*)?$/.exec(url);
  if (!match) return `not an in-cluster Service URL: ${url}`;
  const [, service, namespace, port] = match;
  const svc = allOf(objects, 'Service').find((s) => s.metadata.name === service && s.metadata.namespace === namespace);
  if (!svc) return `no Service ${namespace}/${service}`;
  const svcPort = svc.spec.ports.find((p: any) => p.port === Number(port));
  if (!svcPort) return `Service ${service} has no port ${port}`;
  const workloads = objects.filter((o) => o.spec?.template && selects(svc.spec.selector, o.spec.template.metadata.labels));
  if (workloads.length !== 1) return `Service ${service} selects ${workloads.length} workloads`;
  const containerPorts = workloads[0].spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
  const target = svcPort.targetPort;
  const opened = containerPorts.find((p: any) => p.name === target || p.containerPort === target);
  return opened ? `${workloads[0].kind}/${workloads[0].metadata.name}:${opened.containerPort}` : `no container port ${target} behind ${service}`;
}

describe.each(ENVIRONMENTS.map((e) => [e.name]))('environment %s', (name) => {
  const objects = objectsOf(name);
  const env = ENVIRONMENTS.find((e) => e.name === name)!;
  const datasources = yaml.load(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any;

  test('Grafana\'s Tempo datasource reaches Tempo\'s HTTP API', () => {
    const tempo = datasources.datasources.find((d: any) => d.type === 'tempo');
    // In distributed mode Grafana queries the query-frontends.
    expect(resolveUrl(objects, tempo.url)).toBe(env.tempo?.mode === 'distributed' ? 'Deployment/tempo-query-frontend:3200'
      : 'StatefulSet/tempo:3200');
  });

  test('Grafana\'s Prometheus datasource reaches Prometheus', () => {
    const prometheus = datasources.datasources.find((d: any) => d.type === 'prometheus');
    expect(resolveUrl(objects, prometheus.url)).toBe('StatefulSet/prometheus:9090');
  });

  test('Tempo\'s metrics-generator, when it runs, remote-writes to Prometheus', () => {
    const config = env.tempo?.mode === 'distributed' ? tempoYaml(objects, 'tempo-metrics-generator') : tempoYaml(objects);
    const remoteWrite = config.metrics_generator?.storage?.remote_write ?? [];
    for (const rw of remoteWrite) expect(resolveUrl(objects, rw.url)).toBe('StatefulSet/prometheus:9090');
    expect(remoteWrite.length).toBe(env.tempo?.preset === 'with-metrics' ? 1 : 0);
  });

  test('every object carries app.kubernetes.io/part-of', () => {
    for (const o of objects) expect([o.kind, o.metadata.name, o.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([o.kind, o.metadata.name,
      'tempo-stack']);
  });
});
