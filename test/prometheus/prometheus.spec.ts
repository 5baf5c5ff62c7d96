import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  Prometheus, PrometheusChart, PrometheusProps, TempoStack, TempoStackProps,
} from '../../charts';
import { validateK8sObjects } from '../support/k8s-schema';
import { K8sObject, allOf, find, podTemplates, s3, selects, tempoYaml } from '../helpers';
import { discoverPod, relabel } from './relabel';

const stacks: Array<[string, TempoStackProps]> = [
  ['single node', { namespace: 'tempo' }],
  ['cluster', { namespace: 'tempo', tempo: { mode: 'cluster', storage: s3 } }],
];

const tempoTarget = { podSelector: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' }, metricsPortName: 'http',
  replicas: 1 };

function synthPrometheus(props: Partial<PrometheusProps> = {}): { prometheus: Prometheus; objects: () => K8sObject[] } {
  const chart = new PrometheusChart(new App(), 'prometheus', { namespace: 'tempo', prometheus: { tempo: tempoTarget, ...props } });
  return { prometheus: chart.prometheus, objects: () => chart.toJson() };
}

const promConfig = (objects: K8sObject[]) => yaml.load(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
const promPod = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'prometheus').spec.template;
const promContainer = (objects: K8sObject[]) => promPod(objects).spec.containers.find((c: any) => c.name === 'prometheus');

/** Every pod the StatefulSets would create, as Kubernetes discovery sees them. */
function podsOf(objects: K8sObject[]) {
  return allOf(objects, 'StatefulSet').flatMap((sts) => Array.from({ length: sts.spec.replicas }, (_, i) => ({
    name: `${sts.metadata.name}-${i}`, namespace: sts.metadata.namespace!, labels: sts.spec.template.metadata.labels,
    containers: sts.spec.template.spec.containers,
  })));
}

describe.each(stacks)('Prometheus in the stack (%s)', (label, props) => {
  const stack = new TempoStack(new App(), 'env', props);
  const objects = [stack.tempoChart, stack.prometheusChart!].flatMap((c) => c.toJson() as K8sObject[]);
  const tempoSts = find(objects, 'StatefulSet', 'tempo');
  const config = promConfig(objects);
  const tempoJob = config.scrape_configs.find((j: any) => j.job_name === 'tempo');
  const cluster = label === 'cluster';

  test('every object validates against the Kubernetes 1.28 schema', () => {
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('the Tempo job\'s API-server selector is exactly Tempo\'s pod selector, which matches Tempo\'s pod labels', () => {
    const [sd] = tempoJob.kubernetes_sd_configs;
    const selector = Object.fromEntries(sd.selectors[0].label.split(',').map((kv: string) => kv.split('=')));
    expect(selector).toEqual(tempoSts.spec.selector.matchLabels);
    expect(selects(selector, tempoSts.spec.template.metadata.labels)).toBe(true);
    expect(sd.namespaces.names).toEqual([tempoSts.metadata.namespace]);
  });

  test('discovery of every pod in the namespace yields one target per Tempo replica, on its http port, with the contract\'s labels', () => {
    const targets = podsOf(objects).flatMap((pod) => discoverPod(pod))
      .map((t) => relabel({ job: tempoJob.job_name, ...t }, tempoJob.relabel_configs))
      .filter(Boolean);
    const replicas = cluster ? 3 : 1;
    expect(targets).toEqual(Array.from({ length: replicas }, (_, i) => ({
      job: 'tempo', namespace: 'tempo', pod: `tempo-${i}`, container: 'tempo', instance: `tempo-${i}`, component: 'tracing-backend',
    })));
    const http = tempoSts.spec.template.spec.containers[0].ports.find((p: any) => p.name === stack.tempoChart.tempo.metricsPortName);
    expect(http.containerPort).toBe(3200);
  });

  test('the remote-write receiver and exemplar storage follow the metrics-generator; native histograms never', () => {
    const args: string[] = promContainer(objects).args;
    const generator = tempoYaml(objects).overrides.defaults.metrics_generator?.processors?.length > 0;
    expect(generator).toBe(cluster);
    expect(args.includes('--web.enable-remote-write-receiver')).toBe(generator);
    expect(args.includes('--enable-feature=exemplar-storage')).toBe(generator);
    expect(args.filter((a) => /native-histograms/.test(a))).toEqual([]);
    expect(args).not.toContain('--web.enable-lifecycle');
  });

  test('Tempo\'s metrics-generator writes to this Prometheus\'s receiver when it runs', () => {
    const rw = tempoYaml(objects).metrics_generator?.storage.remote_write;
    if (cluster) expect(rw).toEqual([{ url: stack.prometheusChart!.prometheus.remoteWriteUrl, send_exemplars: true }]);
    else expect(rw).toBeUndefined();
    expect(stack.prometheusChart!.prometheus.remoteWriteUrl).toBe('http://prometheus.tempo.svc.cluster.local:9090/api/v1/write');
  });

  test('only the Prometheus pod mounts a ServiceAccount token', () => {
    for (const { owner, template } of podTemplates(objects)) {
      expect([owner.metadata.name, template.spec.automountServiceAccountToken]).toEqual([owner.metadata.name, owner.metadata.name === 'prometheus']);
    }
    for (const sa of allOf(objects, 'ServiceAccount')) expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('TempoHighMemory is scaled to Tempo\'s memory limit', () => {
    const limit = find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers[0].resources.limits.memory;
    expect(limit).toBe(cluster ? '3Gi' : '2560Mi');
    expect(stack.prometheusChart!.prometheus.settings.rules.tempoMemoryLimitBytes).toBe(cluster ? 3 * 2 ** 30 : 2560 * 2 ** 20);
  });
});

describe('Prometheus objects', () => {
  const { prometheus, objects: synth } = synthPrometheus();
  const objects = synth();
  const pod = promPod(objects);
  const c = promContainer(objects);

  test('RBAC grants exactly get/list/watch on pods, endpoints and services in the namespace, to Prometheus\'s ServiceAccount', () => {
    expect(allOf(objects, 'ClusterRole')).toEqual([]);
    expect(allOf(objects, 'ClusterRoleBinding')).toEqual([]);
    const role = find(objects, 'Role', 'prometheus');
    expect(role.metadata.namespace).toBe('tempo');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] }]);
    const binding = find(objects, 'RoleBinding', 'prometheus');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.spec.serviceAccountName, namespace: 'tempo' }]);
  });

  // The restricted pod, selectors and Service ports are RestrictedWorkload's (test/shared/restricted-workload.spec.ts).
  test('the pod runs as nobody written numerically (65534): the image\'s user name would fail runAsNonRoot', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 });
  });

  test('the TSDB lives on the PVC at /prometheus, the only writable mount', () => {
    const sts = find(objects, 'StatefulSet', 'prometheus');
    expect(sts.spec.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual(['data']);
    expect(c.args).toContain('--storage.tsdb.path=/prometheus');
    const writable = c.volumeMounts.filter((m: any) => !m.readOnly).map((m: any) => [m.name, m.mountPath]);
    expect(writable).toEqual([['data', '/prometheus']]);
  });

  test('readiness and startup probe /-/ready, liveness /-/healthy, on the http port', () => {
    expect(c.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/-/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'http' });
  });

  test('Prometheus 3.5 with the retention flags', () => {
    expect(c.image).toBe('prom/prometheus:v3.5.5');
    expect(c.args).toEqual(expect.arrayContaining(['--storage.tsdb.retention.time=15d', '--storage.tsdb.retention.size=9216MB',
      '--config.file=/etc/prometheus/config/prometheus.yml']));
  });

  test('the Service prometheus serves port 9090, which httpUrl names', () => {
    expect(find(objects, 'Service', 'prometheus').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 9090]]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
    expect(prometheus.serviceName).toBe('prometheus');
    expect(prometheus.httpUrl).toBe('http://prometheus.tempo.svc.cluster.local:9090');
  });

  test('the pod mounts prometheus.yml and the rule files from their ConfigMaps where the config says', () => {
    const volume = (name: string) => pod.spec.volumes.find((v: any) => v.name === name);
    const mount = (name: string) => c.volumeMounts.find((m: any) => m.name === name);
    expect([volume('config').configMap.name, mount('config').mountPath]).toEqual(['prometheus-config', '/etc/prometheus/config']);
    expect([volume('rules').configMap.name, mount('rules').mountPath]).toEqual(['prometheus-rules', '/etc/prometheus/rules']);
    expect(Object.keys(find(objects, 'ConfigMap', 'prometheus-rules').data)).toEqual(['tempo.rules.yaml']);
    const rules = yaml.load(find(objects, 'ConfigMap', 'prometheus-rules').data['tempo.rules.yaml']) as any;
    expect(rules.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert ?? r.record))).toEqual(expect.arrayContaining(['TempoDown',
      'TempoHighMemory']));
  });

  test('no Secret and no credential in the output', () => {
    expect(allOf(objects, 'Secret')).toEqual([]);
  });
});

describe('config hash and platform-team additions', () => {
  const hashOf = (objects: K8sObject[]) => promPod(objects).metadata.annotations['checksum/config'];

  test('the hash on the pod template changes with the config and with the rules', () => {
    const base = hashOf(synthPrometheus().objects());
    expect(hashOf(synthPrometheus().objects())).toBe(base);
    expect(hashOf(synthPrometheus({ scrapeInterval: '20s' }).objects())).not.toBe(base);
    const withJob = synthPrometheus();
    withJob.prometheus.addScrapeJob({ job_name: 'my-app', static_configs: [{ targets: ['my-app:8080'] }] });
    expect(hashOf(withJob.objects())).not.toBe(base);
    const withGroup = synthPrometheus();
    withGroup.prometheus.addRuleGroup({ name: 'my-app', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] });
    expect(hashOf(withGroup.objects())).not.toBe(base);
    expect(hashOf(synthPrometheus({ rules: { runbookBaseUrl: 'https://wiki.example.com/tempo' } }).objects())).not.toBe(base);
  });

  test('addScrapeJob lands in prometheus.yml; addRuleGroup lands in its own rule file', () => {
    const { prometheus, objects } = synthPrometheus();
    prometheus.addScrapeJob({ job_name: 'my-app', static_configs: [{ targets: ['my-app:8080'] }] });
    prometheus.addRuleGroup({ name: 'my-app', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] });
    const out = objects();
    expect(promConfig(out).scrape_configs.map((j: any) => j.job_name)).toEqual(['tempo', 'prometheus', 'my-app']);
    const rules = find(out, 'ConfigMap', 'prometheus-rules').data;
    expect(Object.keys(rules).sort()).toEqual(['added.rules.yaml', 'tempo.rules.yaml']);
    expect(yaml.load(rules['added.rules.yaml'])).toEqual({ groups: [{ name: 'my-app', rules: [{ record: 'job:up:sum',
      expr: 'sum by (job) (up)' }] }] });
  });

  test('a duplicate job name throws', () => {
    const { prometheus } = synthPrometheus();
    expect(() => prometheus.addScrapeJob({ job_name: 'tempo' })).toThrow(
      "prometheus: 'addScrapeJob.job_name' is already taken (jobs: tempo, prometheus), got 'tempo'; give the job its own name");
    prometheus.addScrapeJob({ job_name: 'my-app' });
    expect(() => prometheus.addScrapeJob({ job_name: 'my-app' })).toThrow(
      "prometheus: 'addScrapeJob.job_name' is already taken (jobs: tempo, prometheus, my-app), got 'my-app'; give the job its own name");
    expect(() => prometheus.addScrapeJob({ job_name: 'my app' })).toThrow(
      "prometheus: 'addScrapeJob.job_name' must be a non-empty name without spaces, got 'my app'; name the job, e.g. 'my-app'");
  });

  test('a duplicate group name throws, against the built-in groups too', () => {
    const { prometheus } = synthPrometheus();
    const builtIn = prometheus.ruleGroups.map((g) => g.name);
    expect(() => prometheus.addRuleGroup({ name: builtIn[0], rules: [] })).toThrow(
      `prometheus: 'addRuleGroup.name' is already taken (groups: ${builtIn.join(', ')}), got '${builtIn[0]}'; give the group its own name`);
    prometheus.addRuleGroup({ name: 'mine', rules: [] });
    expect(() => prometheus.addRuleGroup({ name: 'mine', rules: [] })).toThrow(
      `prometheus: 'addRuleGroup.name' is already taken (groups: ${[...builtIn, 'mine'].join(', ')}), got 'mine'; give the group its own name`);
    expect(() => prometheus.addRuleGroup({ name: ' ', rules: [] })).toThrow(
      "prometheus: 'addRuleGroup.name' must not be empty, got ' '; name the group, e.g. 'my-app'");
  });
});

describe('remote write credentials', () => {
  test('the Secret key is mounted read-only where password_file points, and no credential value is in the output', () => {
    const { objects } = synthPrometheus({
      remoteWrite: { url: 'https://mimir.example.com/api/v1/push', basicAuth: { username: 'tenant-1', password: { name: 'mimir-auth', key: 'pw' } } },
    });
    const out = objects();
    const pod = promPod(out);
    expect(pod.spec.volumes.find((v: any) => v.name === 'remote-write-credentials')).toEqual({
      name: 'remote-write-credentials', secret: { secretName: 'mimir-auth', items: [{ key: 'pw', path: 'password' }], defaultMode: 0o440 },
    });
    expect(promContainer(out).volumeMounts).toContainEqual({ name: 'remote-write-credentials', mountPath: '/etc/prometheus/secrets/remote-write',
      readOnly: true });
    expect(promConfig(out).remote_write[0].basic_auth).toEqual({ username: 'tenant-1',
      password_file: '/etc/prometheus/secrets/remote-write/password' });
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/"password"\s*:|credentials"\s*:|bearer_token"\s*:/);
    expect(allOf(out, 'Secret')).toEqual([]);
    expect(validateK8sObjects(out)).toEqual([]);
  });

  test('a bearer token is mounted as the file authorization.credentials_file names', () => {
    const { objects } = synthPrometheus({ remoteWrite: { url: 'https://thanos/api/v1/receive', bearerToken: { name: 'thanos', key: 'token' } } });
    const out = objects();
    const volume = promPod(out).spec.volumes.find((v: any) => v.name === 'remote-write-credentials');
    expect(volume.secret.items).toEqual([{ key: 'token', path: 'token' }]);
    expect(promConfig(out).remote_write[0].authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/prometheus/secrets/remote-write/token' });
  });
});
