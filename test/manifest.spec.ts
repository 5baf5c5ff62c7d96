import * as yaml from 'js-yaml';
import {
  ENVIRONMENT_FILE, Environment, EnvironmentManifest, ManifestSecret, buildEnvironment, environmentManifest, renderConfig, renderEnvironment,
} from '../charts';
import { CONFIG, ENVIRONMENTS, K8sObject, selects } from './helpers';

// dist/<env>/environment against the objects of the same environment: what it says must be what
// the manifests hold, and a renamed Service or Secret must show up renamed.

const shipped = renderConfig(CONFIG);

function manifestOf(env: Environment): { manifest: EnvironmentManifest; objects: K8sObject[] } {
  const files = shipped.folders.get(env.name) ?? renderEnvironment(buildEnvironment(env));
  const objects = [...files].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
  return { manifest: JSON.parse(files.get(ENVIRONMENT_FILE)!), objects };
}

/** The Service port with a role, as `<service>:<port>`. */
function roleAt(manifest: EnvironmentManifest, role: string): string | undefined {
  for (const c of manifest.components) {
    for (const s of c.services) for (const p of s.ports) if (p.role === role) return `${s.name}:${p.port}`;
  }
  return undefined;
}

/** Every Secret the pod templates of the objects read, with the keys they read. */
function referencedSecrets(objects: K8sObject[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const add = (name: string, key?: string) => {
    const keys = refs.get(name) ?? new Set<string>();
    if (key) keys.add(key);
    refs.set(name, keys);
  };
  const walk = (node: any): void => {
    if (!node || typeof node !== 'object') return;
    if (node.secretKeyRef?.name) add(node.secretKeyRef.name, node.secretKeyRef.key);
    if (node.secretRef?.name) add(node.secretRef.name);
    if (node.secret?.secretName) {
      add(node.secret.secretName);
      for (const item of node.secret.items ?? []) add(node.secret.secretName, item.key);
    }
    Object.values(node).forEach(walk);
  };
  objects.forEach(walk);
  return refs;
}

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('dist/%s/environment', (name, env) => {
  const { manifest, objects } = manifestOf(env);

  test('is what synth writes into the folder, beside the manifests and the Kustomization', () => {
    expect([...shipped.folders.get(name)!.keys()].slice(-2)).toEqual(['Kustomization', ENVIRONMENT_FILE]);
    expect(manifest).toMatchObject({ version: 1, environment: name, namespace: env.namespace });
  });

  test('environmentManifest() on a built stack, rendering its charts itself, says the same as the file synth wrote', () => {
    const { stack } = buildEnvironment(env);
    expect(environmentManifest(stack, name, manifest.namespaceFile)).toEqual(manifest);
  });

  test('names the file holding the Namespace, and the labels on it that say who owns it', () => {
    const namespaceObject = yaml.load(shipped.folders.get(name)!.get(manifest.namespaceFile)!) as K8sObject;
    expect(namespaceObject).toMatchObject({ kind: 'Namespace', metadata: { name: env.namespace } });
    expect(manifest.ownership.namespaceLabels).toEqual({ 'app.kubernetes.io/part-of': 'tempo-stack', 'app.kubernetes.io/instance': name });
    expect(selects(manifest.ownership.namespaceLabels, namespaceObject.metadata.labels)).toBe(true);
  });

  test('its selector selects every object of the environment, and its resources name every namespaced kind but PVCs', () => {
    for (const o of objects) expect([o.kind, o.metadata.name, selects(manifest.ownership.selector, o.metadata.labels)]).toEqual([o.kind,
      o.metadata.name, true]);
    const kinds = new Set(objects.filter((o) => o.metadata.namespace && o.kind !== 'PersistentVolumeClaim')
      .map((o) => (o.apiVersion.includes('/') ? `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}` : o.kind.toLowerCase())));
    expect(manifest.ownership.resources).toEqual([...kinds].sort());
  });

  test('lists every Service with its ports, and no other', () => {
    const listed = manifest.components.flatMap((c) => c.services.map((s) => [s.name, s.headless, s.ports.map((p) => `${p.name}:${p.port}`)]));
    const services = objects.filter((o) => o.kind === 'Service')
      .map((o) => [o.metadata.name, o.spec.clusterIP === 'None', o.spec.ports.map((p: any) => `${p.name}:${p.port}`)]);
    // Files sort by chart dependency, components by construction: the same set, each Service once.
    expect(listed.map((l) => JSON.stringify(l)).sort()).toEqual(services.map((l) => JSON.stringify(l)).sort());
    for (const s of manifest.components.flatMap((c) => c.services)) {
      for (const p of s.ports) expect(p.address).toBe(`${s.name}.${env.namespace}.svc.cluster.local:${p.port}`);
    }
  });

  test('every workload to wait for, with the selector of its pods', () => {
    const workloads = manifest.components.flatMap((c) => c.workloads);
    const objectsListed = objects.filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind));
    expect(workloads.map((w) => `${w.kind}/${w.name}`).sort()).toEqual(objectsListed.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    for (const w of workloads) {
      const o = objectsListed.find((x) => x.kind === w.kind && x.metadata.name === w.name)!;
      expect(w.selector).toEqual(o.spec.selector.matchLabels);
      expect(w.resource).toBe(`${w.kind.toLowerCase()}.apps/${w.name}`);
      expect(selects(w.selector, o.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('the roles point at the Services Grafana and the generator use, and Tempo is scraped as job tempo', () => {
    // In distributed mode OTLP goes to the distributors' Service, queries to the query-frontends' (named like Tempo).
    const otlpService = name === 'distributed' ? 'tempo-distributor' : 'tempo';
    expect(roleAt(manifest, 'tempo-http')).toBe('tempo:3200');
    expect(roleAt(manifest, 'otlp-http')).toBe(`${otlpService}:4318`);
    expect(roleAt(manifest, 'otlp-grpc')).toBe(`${otlpService}:4317`);
    expect(roleAt(manifest, 'prometheus-http')).toBe('prometheus:9090');
    expect(roleAt(manifest, 'grafana-http')).toBe('grafana:3000');
    const tempo = manifest.components.find((c) => c.name === 'tempo')!;
    const tempoWorkloads = objects.filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind) && o.metadata.labels?.['app.kubernetes.io/name']
      ?.startsWith('tempo'));
    expect(tempo.workloads.map((w) => w.scrapeJob)).toEqual(tempoWorkloads.map(() => 'tempo'));
    if (name === 'distributed') {
      const otlp = objects.find((o) => o.kind === 'Service' && o.metadata.name === otlpService)!;
      const query = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'tempo')!;
      const podsOf = (svc: K8sObject) => tempoWorkloads.filter((o) => selects(svc.spec.selector, o.spec.template.metadata.labels))
        .map((o) => o.metadata.name);
      expect(podsOf(otlp)).toEqual(['tempo-distributor']);
      expect(podsOf(query)).toEqual(['tempo-query-frontend']);
    }
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')!;
    const promConfig = yaml.load(configMap.data['prometheus.yml']) as any;
    expect(promConfig.scrape_configs.map((j: any) => j.job_name)).toContain(tempo.workloads[0].scrapeJob);
  });

  test('PVC selectors match each claim template and the standalone PVCs, and nothing of another component', () => {
    const claims = manifest.components.flatMap((c) => c.volumeClaims.map((v) => ({ component: c.name, ...v })));
    const templates = objects.filter((o) => o.kind === 'StatefulSet').flatMap((o) => (o.spec.volumeClaimTemplates ?? [])
      .map((t: any) => ({ owner: `statefulset.apps/${o.metadata.name}`, labels: t.metadata.labels })));
    const pvcs = objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => ({ owner: undefined, labels: o.metadata.labels! }));
    expect(claims).toHaveLength(templates.length + pvcs.length);
    for (const claim of [...templates, ...pvcs]) {
      const matching = claims.filter((c) => selects(c.selector, claim.labels));
      expect(matching.map((c) => c.workload)).toEqual([claim.owner]);
    }
    for (const c of claims) expect(Object.keys(c.selector).length).toBeGreaterThanOrEqual(2);
  });

  test('every Secret the pods read is listed with the keys they read, and none is synthesized', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const refs = referencedSecrets(objects);
    expect(manifest.secrets.map((s) => s.name).sort()).toEqual([...refs.keys()].sort());
    for (const secret of manifest.secrets.filter((s) => s.createdBy === 'user')) {
      expect(secret.keys.map((k) => k.key).sort()).toEqual([...refs.get(secret.name)!].sort());
    }
    // MinIO's and Grafana's credentials are generated at deploy time; the gateway's htpasswd only the user can make.
    expect(manifest.secrets.map((s) => [s.name, s.createdBy])).toEqual([
      ...(env.minio ? [['minio-credentials', 'deploy']] : []),
      ['grafana-admin', 'deploy'],
      ...(env.gateway ? [[(env.gateway.auth as { secretName: string }).secretName, 'user']] : []),
    ]);
  });

  test('the alert rules Prometheus loads are counted from its rule files', () => {
    const rules = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules')!;
    const alerts = Object.values(rules.data as Record<string, string>)
      .flatMap((text) => (yaml.load(text) as any).groups.flatMap((g: any) => g.rules)).filter((r: any) => r.alert);
    expect(manifest.components.find((c) => c.name === 'prometheus')!.alertRules).toBe(alerts.length);
    expect(alerts.length).toBeGreaterThan(5);
  });

  test('says whether the metrics-generator runs and writes to the stack\'s Prometheus', () => {
    // The shipped cluster and distributed environments run the generator (the with-metrics processors).
    const generator = name === 'cluster' || name === 'distributed';
    expect(manifest.metricsGenerator).toEqual({
      runs: generator,
      processors: generator ? ['service-graphs', 'span-metrics', 'local-blocks'] : [],
      writesToStackPrometheus: generator,
    });
  });

  test('Alertmanager: its API has a role, its pods are scraped, and the routing verify checks the Watchdog against is there', () => {
    const am = manifest.components.find((c) => c.name === 'alertmanager');
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'alertmanager-config');
    expect(Boolean(am)).toBe(Boolean(configMap));
    if (!am || !configMap) return;
    expect(roleAt(manifest, 'alertmanager-http')).toBe('alertmanager:9093');
    expect(am.workloads.map((w) => [w.resource, w.scrapeJob])).toEqual([['statefulset.apps/alertmanager', 'alertmanager']]);
    const config = yaml.load(configMap.data['alertmanager.yml']) as any;
    const watchdogRoute = config.route.routes.find((r: any) => JSON.stringify(r.matchers ?? []).includes('Watchdog'));
    expect(am.alerting!.routing.deadMansSwitchReceiver).toBe(watchdogRoute.receiver);
    expect(am.alerting!.routing.defaultReceiver).toBe(config.route.receiver);
    expect(am.alerting!.receivers).toEqual(config.receivers.map((r: any) => r.name).filter((n: string) => n !== 'null'));
  });

  test('verify checks every Tempo datasource Grafana provisions (one per tenant) and Prometheus\'s', () => {
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-datasources')!;
    const provisioned = (yaml.load(Object.values(configMap.data as Record<string, string>)[0]) as any).datasources
      .filter((d: any) => d.type === 'tempo' || d.type === 'prometheus').map((d: any) => d.uid);
    expect([...manifest.components.find((c) => c.name === 'grafana')!.datasources!].sort()).toEqual([...provisioned].sort());
  });

  test('the gateway\'s OTLP ports have roles of their own; Tempo lists its tenants', () => {
    const gateway = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'otlp-gateway');
    expect(roleAt(manifest, 'gateway-otlp-http')).toBe(gateway ? 'otlp-gateway:4318' : undefined);
    expect(roleAt(manifest, 'gateway-otlp-grpc')).toBe(gateway ? 'otlp-gateway:4317' : undefined);
    const overrides = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'tempo-overrides');
    const tenants = overrides ? Object.keys((yaml.load(Object.values(overrides.data as Record<string, string>)[0]) as any).overrides)
      .filter((t) => t !== '*') : undefined;
    expect(manifest.components.find((c) => c.name === 'tempo')!.tenants).toEqual(tenants);
  });
});

describe('renamed components', () => {
  const renamed: Environment = {
    name: 'renamed',
    namespace: 'obs',
    tempo: { name: 'traces', mode: 'cluster', replicas: 3, metricsGeneratorProcessors: ['span-metrics'],
      storage: { backend: 's3', bucket: 'traces', endpoint: 's3.example.com', credentials: {
        accessKeyId: { name: 'object-store', key: 'id' }, secretAccessKey: { name: 'object-store', key: 'secret' } } } },
    prometheus: { name: 'metrics' },
    grafana: { name: 'ui', adminSecretName: 'ui-login' },
  };
  const { manifest } = manifestOf(renamed);

  test('a renamed Tempo, Prometheus and Grafana show up renamed, roles and all', () => {
    expect(roleAt(manifest, 'tempo-http')).toBe('traces:3200');
    expect(roleAt(manifest, 'otlp-http')).toBe('traces:4318');
    expect(roleAt(manifest, 'prometheus-http')).toBe('metrics:9090');
    expect(roleAt(manifest, 'grafana-http')).toBe('ui:3000');
    expect(manifest.components.flatMap((c) => c.workloads.map((w) => w.resource)))
      .toEqual(['statefulset.apps/traces', 'statefulset.apps/metrics', 'deployment.apps/ui']);
    expect(manifest.components.find((c) => c.name === 'tempo')!.workloads[0]).toMatchObject({ scrapeJob: 'tempo', replicas: 3 });
    expect(manifest.metricsGenerator.writesToStackPrometheus).toBe(true);
  });

  test('a renamed admin Secret is the one the deploy creates and verify logs in with; the object store\'s is the user\'s', () => {
    expect(manifest.components.find((c) => c.name === 'grafana')!.adminSecret).toEqual({ name: 'ui-login', userKey: 'admin-user',
      passwordKey: 'admin-password' });
    expect(manifest.secrets).toEqual<ManifestSecret[]>([
      { name: 'ui-login', createdBy: 'deploy', usedBy: ['grafana'], keys: [{ key: 'admin-user', source: 'literal', value: 'admin' },
        { key: 'admin-password', source: 'random' }] },
      { name: 'object-store', createdBy: 'user', usedBy: ['tempo'], keys: [{ key: 'id', source: 'provided', usedAs: 'env' }, { key: 'secret',
        source: 'provided', usedAs: 'env' }] },
    ]);
  });

  test('a key mounted as a file (GCS) is provided as a file; with the Prometheus Operator, Tempo is still scraped as job tempo', () => {
    const { manifest: gcs } = manifestOf({
      name: 'gcs', namespace: 'obs', prometheus: false, prometheusOperator: { release: 'kps' }, grafana: false,
      tempo: { mode: 'cluster', replicas: 3, metricsGeneratorProcessors: [],
        storage: { backend: 'gcs', bucket: 'traces', credentials: { name: 'gcs-key', key: 'key.json' } } },
    });
    expect(gcs.secrets).toEqual([{ name: 'gcs-key', createdBy: 'user', usedBy: ['tempo'], keys: [{ key: 'key.json', source: 'provided',
      usedAs: 'file' }] }]);
    expect(gcs.components.map((c) => c.name)).toEqual(['tempo', 'prometheus-operator']);
    expect(gcs.components[0].workloads[0].scrapeJob).toBe('tempo');
    expect(roleAt(gcs, 'prometheus-http')).toBeUndefined();
    expect(gcs.ownership.resources).toContain('podmonitor.monitoring.coreos.com');
  });
});

test('the gateway\'s Secrets: its htpasswd is the user\'s, its TLS Secret from a Certificate is cert-manager\'s (the deploy creates neither)', () => {
  const { manifest, objects } = manifestOf({
    name: 'gw', namespace: 'obs', grafana: false,
    gateway: {
      auth: { type: 'basic', secretName: 'senders' },
      tls: { issuer: { kind: 'ClusterIssuer', name: 'ca' }, dnsNames: ['otlp.example.com'] },
    },
  });
  const certificate = objects.find((o) => o.kind === 'Certificate')!;
  expect(manifest.secrets.filter((s) => s.usedBy.includes('gateway')).map((s) => [s.name, s.createdBy])).toEqual([
    ['senders', 'user'], [certificate.spec.secretName, 'cert-manager'],
  ]);
  expect(manifest.secrets.find((s) => s.name === 'senders')!.keys).toEqual([{ key: 'htpasswd', source: 'provided', usedAs: 'file' }]);
});

test('the file has no extension kubectl apply -f reads as objects (.json, .yaml, .yml)', () => {
  expect(ENVIRONMENT_FILE).not.toMatch(/\.(json|ya?ml)$/);
});
