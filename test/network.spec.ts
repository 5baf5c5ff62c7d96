import { App, Chart } from 'cdk8s';
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import * as os from 'os';
import * as path from 'path';
import {
  Environment, Grafana, Minio, Prometheus, Tempo, TempoStack, buildEnvironment, loadStackConfig, parseStackConfig, renderConfig, renderEnvironment,
} from '../charts';
import { ENVIRONMENTS, K8sObject, podTemplates } from './helpers';
import { validateK8sObjects } from './support/k8s-schema';

// A small NetworkPolicy evaluator (ingress only), written from the Kubernetes API's documented
// semantics, so the tests check who can actually connect rather than the shape of the YAML.

/** A pod as the evaluator sees it: where it runs, its labels, its containers' ports. */
interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ports?: ReadonlyArray<{ name?: string; containerPort: number; protocol?: string }>;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Label selector semantics: every matchLabels entry and every expression holds; `{}` selects everything. */
function matches(selector: Selector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In': return e.key in labels && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !(e.key in labels) || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
  return byLabels && byExpressions;
}

/** The labels the API server puts on every namespace. */
const namespaceLabels = (name: string) => ({ 'kubernetes.io/metadata.name': name });

/** Does one `from` entry admit the source pod? (policyNamespace: where the policy lives) */
function peerAdmits(peer: any, source: Pod, policyNamespace: string): boolean {
  if (peer.ipBlock) return false; // pod traffic is never matched by our tests through CIDRs
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, namespaceLabels(source.namespace))
    : source.namespace === policyNamespace;
  const podOk = peer.podSelector ? matches(peer.podSelector, source.labels) : true;
  return namespaceOk && podOk;
}

/** Does one policy port admit the destination's named port? Named ports resolve against the destination's containers. */
function portAdmits(rulePort: any, destination: Pod, portName: string): boolean {
  const target = (destination.ports ?? []).find((p) => p.name === portName);
  if (!target) throw new Error(`destination has no port named ${portName}`);
  const protocol = rulePort.protocol ?? 'TCP';
  if (protocol !== (target.protocol ?? 'TCP')) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'number') return rulePort.port === target.containerPort;
  const named = (destination.ports ?? []).find((p) => p.name === rulePort.port);
  return named !== undefined && named.containerPort === target.containerPort && (named.protocol ?? 'TCP') === protocol;
}

/**
 * Whether `source` may open a connection to `destination` on its port `portName`. A pod that no
 * ingress policy selects accepts everything; a selected pod accepts what any rule of any
 * selecting policy admits.
 */
function allowed(policies: readonly K8sObject[], source: Pod, destination: Pod, portName: string): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === destination.namespace
    && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress')
    && matches(p.spec.podSelector, destination.labels));
  if (selecting.length === 0) return true;
  return selecting.some((policy) => (policy.spec.ingress ?? []).some((rule: any) => {
    const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p: any) => portAdmits(p, destination, portName));
    const fromOk = !rule.from || rule.from.length === 0 || rule.from.some((peer: any) => peerAdmits(peer, source, policy.metadata.namespace!));
    return portOk && fromOk;
  }));
}

// The evaluator itself, on hand-made policies: a wrong evaluator would make every matrix below meaningless.
describe('the policy evaluator', () => {
  const db: Pod = { namespace: 'a', labels: { app: 'db' }, ports: [{ name: 'sql', containerPort: 5432 }, { name: 'admin', containerPort: 9000 }] };
  const web: Pod = { namespace: 'a', labels: { app: 'web' } };
  const elsewhere: Pod = { namespace: 'b', labels: { app: 'web' } };
  const policy = (spec: any): K8sObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' },
    spec });

  test('an unselected pod accepts everything; a selected one with no rules nothing', () => {
    expect(allowed([], elsewhere, db, 'sql')).toBe(true);
    expect(allowed([policy({ podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Ingress'], ingress: [] })], elsewhere, db,
      'sql')).toBe(true);
    expect(allowed([policy({ podSelector: {}, policyTypes: ['Ingress'] })], web, db, 'sql')).toBe(false);
  });

  test('a podSelector alone means the policy\'s namespace; with a namespaceSelector, those namespaces', () => {
    const same = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(allowed([same], web, db, 'sql')).toBe(true);
    expect(allowed([same], elsewhere, db, 'sql')).toBe(false);
    const anyNs = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } },
      namespaceSelector: {} }] }] });
    expect(allowed([anyNs], elsewhere, db, 'sql')).toBe(true);
    const onlyC = policy({ podSelector: {}, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['c'] }] } }] }] });
    expect(allowed([onlyC], elsewhere, db, 'sql')).toBe(false);
    expect(allowed([onlyC], { ...elsewhere, namespace: 'c' }, db, 'sql')).toBe(true);
  });

  test('named ports resolve against the destination\'s container ports; rules of several policies add up', () => {
    const sql = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'sql', protocol: 'TCP' }] }] });
    expect(allowed([sql], elsewhere, db, 'sql')).toBe(true);
    expect(allowed([sql], elsewhere, db, 'admin')).toBe(false);
    const byNumber = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 9000 }] }] });
    expect(allowed([sql, byNumber], elsewhere, db, 'admin')).toBe(true);
    const udp = policy({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'sql', protocol: 'UDP' }] }] });
    expect(allowed([udp], elsewhere, db, 'sql')).toBe(false);
  });
});

/** The Kubernetes objects of an environment, as `npm run synth` writes them. */
function objectsOf(env: Environment): K8sObject[] {
  return [...renderEnvironment(buildEnvironment(env))]
    .filter(([file]) => file.endsWith('.k8s.yaml'))
    .flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
}

/** The pods of a workload (StatefulSet or Deployment) by name: labels from its template, ports of its first container. */
function podOf(objects: K8sObject[], name: string): Pod {
  const found = podTemplates(objects).filter(({ owner }) => owner.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one workload ${name}, found ${found.length}`);
  const { owner, template } = found[0];
  return { namespace: owner.metadata.namespace!, labels: template.metadata.labels, ports: template.spec.containers.flatMap((c: any) => c.ports
    ?? []) };
}

/** An application pod (say, an OpenTelemetry SDK or collector) in another namespace. */
const app = (namespace: string): Pod => ({ namespace, labels: { 'app.kubernetes.io/name': 'checkout' } });

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('network policies of %s', (_name, env) => {
  const objects = objectsOf(env);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  // In distributed mode the distributors carry every port (OTLP, API, gRPC, gossip).
  const tempo = podOf(objects, env.tempo?.mode === 'distributed' ? 'tempo-distributor' : 'tempo');
  const prometheus = podOf(objects, 'prometheus');
  const grafana = podOf(objects, 'grafana');
  const can = (from: Pod, to: Pod, port: string) => allowed(policies, from, to, port);
  const sameNamespaceApp: Pod = { namespace: tempo.namespace, labels: { app: 'debug-shell' } };

  test('are valid Kubernetes objects', () => {
    expect(policies.length).toBeGreaterThanOrEqual(3);
    expect(validateK8sObjects(policies)).toEqual([]);
  });

  test('each selects exactly one workload\'s pods', () => {
    const workloads = podTemplates(objects);
    for (const policy of policies) {
      const selected = workloads.filter(({ owner, template }) => owner.metadata.namespace === policy.metadata.namespace
        && matches(policy.spec.podSelector, template.metadata.labels));
      expect([policy.metadata.name, selected.map(({ owner }) => owner.metadata.name)]).toEqual([policy.metadata.name, [policy.metadata.name]]);
    }
  });

  test('every workload of the stack is isolated by a policy', () => {
    for (const { owner, template } of podTemplates(objects)) {
      expect([owner.metadata.name, policies.some((p) => matches(p.spec.podSelector, template.metadata.labels))]).toEqual([owner.metadata.name, true]);
    }
  });

  test('Tempo\'s API (3200) admits Grafana, Prometheus and Tempo, nobody else', () => {
    expect(can(grafana, tempo, 'http')).toBe(true);
    expect(can(prometheus, tempo, 'http')).toBe(true);
    expect(can(tempo, tempo, 'http')).toBe(true);
    expect(can(app('shop'), tempo, 'http')).toBe(false);
    expect(can(sameNamespaceApp, tempo, 'http')).toBe(false);
  });

  if (env.gateway) {
    test('OTLP (4317, 4318) reaches Tempo only through the gateway, which admits applications of every namespace', () => {
      const gateway = podOf(objects, 'otlp-gateway');
      for (const port of ['otlp-grpc', 'otlp-http']) {
        expect(can(app('shop'), tempo, port)).toBe(false);
        expect(can(sameNamespaceApp, tempo, port)).toBe(false);
        expect(can(gateway, tempo, port)).toBe(true);
        expect(can(app('shop'), gateway, port)).toBe(true);
      }
    });
  } else {
    test('OTLP (4317, 4318) admits applications of every namespace by default', () => {
      for (const port of ['otlp-grpc', 'otlp-http']) {
        expect(can(app('shop'), tempo, port)).toBe(true);
        expect(can(app('payments'), tempo, port)).toBe(true);
      }
    });
  }

  test('grpc and gossip stay between Tempo\'s pods', () => {
    const internal = tempo.ports!.some((p) => p.name === 'gossip-ring') ? ['grpc', 'gossip-ring'] : ['grpc'];
    expect(internal).toEqual(env.tempo?.mode === 'cluster' || env.tempo?.mode === 'distributed' ? ['grpc', 'gossip-ring'] : ['grpc']);
    for (const port of internal) {
      expect(can(tempo, tempo, port)).toBe(true);
      expect(can(app('shop'), tempo, port)).toBe(false);
      expect(can(grafana, tempo, port)).toBe(false);
      expect(can(prometheus, tempo, port)).toBe(false);
    }
  });

  test('Prometheus (9090) admits Grafana and Tempo, nobody else', () => {
    expect(can(grafana, prometheus, 'http')).toBe(true);
    expect(can(tempo, prometheus, 'http')).toBe(true);
    expect(can(app('shop'), prometheus, 'http')).toBe(false);
    expect(can(sameNamespaceApp, prometheus, 'http')).toBe(false);
  });

  test('Grafana (3000) admits an ingress controller\'s namespace by default', () => {
    expect(can(app('ingress-nginx'), grafana, 'http')).toBe(true);
  });

  if (env.minio) {
    test('MinIO admits Tempo only', () => {
      const minio = podOf(objects, 'minio');
      for (const port of ['api', 'console']) {
        expect(can(tempo, minio, port)).toBe(true);
        expect(can(grafana, minio, port)).toBe(false);
        expect(can(prometheus, minio, port)).toBe(false);
        expect(can(app('shop'), minio, port)).toBe(false);
      }
    });
  }

  test('narrowed selections admit the listed namespaces only', () => {
    const narrowed = objectsOf({
      ...env,
      tempo: { ...env.tempo, otlpFromNamespaces: ['shop'] },
      grafana: env.grafana && env.grafana.expose
        ? { ...env.grafana, expose: { ...env.grafana.expose, controllerNamespaces: ['ingress-nginx'] } }
        : { ...(env.grafana || {}), fromNamespaces: ['ingress-nginx'] },
    });
    const narrowedPolicies = narrowed.filter((o) => o.kind === 'NetworkPolicy');
    const t = podOf(narrowed, env.tempo?.mode === 'distributed' ? 'tempo-distributor' : 'tempo');
    const g = podOf(narrowed, 'grafana');
    expect(allowed(narrowedPolicies, app('shop'), t, 'otlp-grpc')).toBe(true);
    expect(allowed(narrowedPolicies, app('payments'), t, 'otlp-grpc')).toBe(false);
    expect(allowed(narrowedPolicies, app('payments'), t, 'otlp-http')).toBe(false);
    expect(allowed(narrowedPolicies, app('ingress-nginx'), g, 'http')).toBe(true);
    expect(allowed(narrowedPolicies, app('shop'), g, 'http')).toBe(false);
    // Narrowing OTLP does not open or close anything else.
    expect(allowed(narrowedPolicies, podOf(narrowed, 'grafana'), t, 'http')).toBe(true);
  });
});

describe('network policy wiring', () => {
  test('the pod selectors the stack passes before building a component equal the component\'s own', () => {
    for (const env of ENVIRONMENTS) {
      const { stack } = buildEnvironment(env);
      const t = stack.tempoChart.backend;
      const p = stack.prometheusChart!.prometheus;
      const g = stack.grafanaChart!.grafana;
      expect(t.apiClients).toEqual([{ podSelector: g.podSelector }, { podSelector: p.podSelector }]);
      // MinIO, where the stack bundles it, admits exactly Tempo's pods.
      if (stack.minioChart) {
        expect(stack.minioChart.minio.networkPolicy!.toJson().spec.ingress.flatMap((r: any) => r.from))
          .toEqual([{ podSelector: { matchLabels: t.podSelector } }]);
      }
    }
    expect(ENVIRONMENTS.filter((env) => env.minio !== undefined).length).toBeGreaterThan(0);
  });

  test('with custom names the policies still admit the renamed components', () => {
    const objects = [...renderEnvironment(buildEnvironment({
      name: 'x', namespace: 'obs', tempo: { name: 'traces' }, prometheus: { name: 'prom' }, grafana: { name: 'dash' },
    }))].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const [t, p, g] = [podOf(objects, 'traces'), podOf(objects, 'prom'), podOf(objects, 'dash')];
    expect(allowed(policies, g, t, 'http')).toBe(true);
    expect(allowed(policies, p, t, 'http')).toBe(true);
    expect(allowed(policies, g, p, 'http')).toBe(true);
    expect(allowed(policies, t, p, 'http')).toBe(true);
  });

  test('user-given clients are kept alongside the stack\'s own', () => {
    const extra = { podSelector: { 'app.kubernetes.io/name': 'grafana-central' }, namespaces: ['monitoring'] as string[] };
    const { stack } = buildEnvironment({ name: 'x', namespace: 'obs', tempo: { apiClients: [extra] }, prometheus: { clients: [extra] } });
    expect(stack.tempoChart.tempo.apiClients![0]).toEqual(extra);
    const objects = stack.prometheusChart!.toJson() as K8sObject[];
    const policy = objects.find((o) => o.kind === 'NetworkPolicy')!;
    expect(allowed([policy], { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana-central' } }, podOf(objects, 'prometheus'),
      'http')).toBe(true);
  });

  test('with the Prometheus Operator, its Prometheus (any namespace) reaches Tempo\'s API', () => {
    const { stack } = buildEnvironment({
      name: 'x', namespace: 'obs', prometheus: false, prometheusOperator: { release: 'kps' },
      grafana: { prometheusUrl: 'http://prometheus-operated.monitoring.svc.cluster.local:9090' },
    });
    const objects = stack.tempoChart.toJson() as K8sObject[];
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const t = podOf(objects, 'tempo');
    expect(allowed(policies, { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kps' } }, t,
      'http')).toBe(true);
    expect(allowed(policies, app('monitoring'), t, 'http')).toBe(false);
  });

  test('networkPolicy: false drops each component\'s policy', () => {
    const { stack } = buildEnvironment({
      name: 'x', namespace: 'obs', tempo: { networkPolicy: false }, prometheus: { networkPolicy: false },
      grafana: { networkPolicy: false }, minio: { networkPolicy: false },
    });
    expect([stack.tempoChart.tempo.networkPolicy, stack.prometheusChart!.prometheus.networkPolicy,
      stack.grafanaChart!.grafana.networkPolicy, stack.minioChart!.minio.networkPolicy]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('bad network props are refused with the field, the value and the fix', () => {
  const chart = () => new Chart(new App(), 'c', { namespace: 'obs' });
  const tempoLink = { url: 'http://tempo.obs.svc.cluster.local:3200', metricsGenerator: false };
  const prometheusLink = { url: 'http://prometheus.obs.svc.cluster.local:9090' };
  const scrape = { podSelector: { app: 'tempo' }, metricsPortName: 'http', replicas: 1 };

  test.each([
    ['a misspelt \'all\'', 'All', "tempo: 'otlpFromNamespaces' must be 'all' or a list of namespace names (lower-case letters, digits and '-', at "
      + "most 63 characters), got 'All'; write 'all', or list the namespaces, e.g. ['ingress-nginx']"],
    ['a bad namespace name', ['Shop'], "tempo: 'otlpFromNamespaces' must be 'all' or a list of namespace names (lower-case letters, digits and '-', "
      + "at most 63 characters), got [\"Shop\"]; write 'all', or list the namespaces, e.g. ['ingress-nginx']"],
    ['an empty list', [], "tempo: 'otlpFromNamespaces' must name at least one namespace, got []; write 'all' to admit every namespace, or list the "
      + "namespaces that may connect"],
    ['a namespace twice', ['shop', 'shop'],
      "tempo: 'otlpFromNamespaces' must not list a namespace twice ('shop'), got [\"shop\",\"shop\"]; list each namespace once"],
  ])('Tempo otlpFromNamespaces: %s', (_label, value, message) => {
    expect(() => new Tempo(chart(), 't', { otlpFromNamespaces: value as any })).toThrow(message);
  });

  test('Grafana fromNamespaces, through the stack', () => {
    expect(() => new TempoStack(new App(), 's', { namespace: 'obs', grafana: { fromNamespaces: 'everywhere' as any } })).toThrow(
      "grafana: 'fromNamespaces' must be 'all' or a list of namespace names (lower-case letters, digits and '-', at most 63 characters), got "
        + "'everywhere'; write 'all', or list the namespaces, e.g. ['ingress-nginx']");
  });

  test('a peer\'s namespaces', () => {
    expect(() => new Tempo(chart(), 't', { apiClients: [{ podSelector: { app: 'grafana' }, namespaces: [] }] })).toThrow(
      "tempo: 'apiClients[0].namespaces' must name at least one namespace, got []; write 'all' to admit every namespace, or list the namespaces that "
        + "may connect");
  });

  test('a peer without a label map', () => {
    expect(() => new Prometheus(chart(), 'p', { tempo: scrape, clients: [{ podSelector: 'grafana' as any }] })).toThrow(
      "prometheus: 'clients[0].podSelector' must map label names to label values, got 'grafana'; write the labels of the pods that may connect, e.g. "
        + "{ 'app.kubernetes.io/name': 'grafana' }");
  });

  test('a peer with a label value Kubernetes refuses', () => {
    expect(() => new Minio(chart(), 'm', { clients: [{ podSelector: { app: 'tempo' } }, { podSelector: { app: 'a b' } }] })).toThrow(
      "minio: 'clients[1].podSelector' must map label names to label values, got {\"app\":\"a b\"}; write the labels of the pods that may connect, "
        + "e.g. { 'app.kubernetes.io/name': 'grafana' }");
  });

  test('clients that are not a list', () => {
    expect(() => new Minio(chart(), 'm', { clients: { podSelector: {} } as any })).toThrow(
      "minio: 'clients' must be a list of peers, got {\"podSelector\":{}}; write e.g. [{ podSelector: { 'app.kubernetes.io/name': 'grafana' } }]");
  });

  test('valid props pass', () => {
    expect(() => new Grafana(chart(), 'g', { tempo: tempoLink, prometheus: prometheusLink, fromNamespaces: ['ingress-nginx',
      'kube-system'] })).not.toThrow();
  });
});

describe('the network policy example of docs/network-policies.md', () => {
  test('loads through the config file and admits what it says', () => {
    const section = fs.readFileSync(path.join(__dirname, '..', 'docs', 'network-policies.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-'));
    try {
      const file = path.join(dir, 'tempo-stack.yaml');
      fs.writeFileSync(file, block);
      const objects = objectsOf(loadStackConfig(file).environments[0]);
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      const tempo = podOf(objects, 'tempo');
      const centralGrafana: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } };
      expect(allowed(policies, centralGrafana, tempo, 'http')).toBe(true);
      expect(allowed(policies, { ...centralGrafana, namespace: 'shop' }, tempo, 'http')).toBe(false);
      expect(allowed(policies, app('otel-collector'), tempo, 'otlp-grpc')).toBe(true);
      expect(allowed(policies, app('default'), tempo, 'otlp-grpc')).toBe(false);
      expect(allowed(policies, app('ingress-nginx'), podOf(objects, 'grafana'), 'http')).toBe(true);
      expect(allowed(policies, app('shop'), podOf(objects, 'grafana'), 'http')).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad network props in tempo-stack.yaml are located in the file', () => {
  const messageOf = (text: string): string => {
    try {
      renderConfig(parseStackConfig(yaml.load(text)));
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected an error');
  };

  test.each([
    ['an empty OTLP selection', '{tempo: {otlpFromNamespaces: []}}',
      "tempo-stack.yaml: 'environments[0].tempo.otlpFromNamespaces' must name at least one namespace, got []; write 'all' to admit every namespace, "
        + "or list the namespaces that may connect"],
    ['a namespace twice for Grafana', '{grafana: {fromNamespaces: [shop, shop]}}',
      "tempo-stack.yaml: 'environments[0].grafana.fromNamespaces' must not list a namespace twice ('shop'), got [\"shop\",\"shop\"]; list each "
        + "namespace once"],
    ['a bad namespace of an API client', '{tempo: {apiClients: [{podSelector: {app: x}, namespaces: [Bad]}]}}',
      "tempo-stack.yaml: 'environments[0].tempo.apiClients[0].namespaces' must be 'all' or a list of namespace names (lower-case letters, digits and "
        + "'-', at most 63 characters), got [\"Bad\"]; write 'all', or list the namespaces, e.g. ['ingress-nginx']"],
    ['a bad label value of a MinIO client', '{minio: {clients: [{podSelector: {app: "a b"}}]}, tempo: {mode: cluster}}',
      "tempo-stack.yaml: 'environments[0].minio.clients[0].podSelector' must map label names to label values, got {\"app\":\"a b\"}; write the "
        + "labels of the pods that may connect, e.g. { 'app.kubernetes.io/name': 'grafana' }"],
  ])('%s', (_label, props, message) => {
    const env = yaml.load(props) as object;
    expect(messageOf(yaml.dump({ environments: [{ name: 'a', namespace: 'a', ...env }] }))).toBe(message);
  });

  test('a selection that is neither \'all\' nor a list is refused by the schema, at its path', () => {
    const message = messageOf('environments: [{name: a, namespace: a, tempo: {otlpFromNamespaces: everywhere}}]');
    expect(message).toContain("tempo-stack.yaml: 'environments[0].tempo.otlpFromNamespaces'");
    expect(message).toContain("got 'everywhere'");
  });
});

describe('standalone defaults (constructs used without the stack)', () => {
  const chartObjects = (build: (chart: Chart) => void): K8sObject[] => {
    const chart = new Chart(new App(), 'c', { namespace: 'obs', disableResourceNameHashes: true });
    build(chart);
    return chart.toJson() as K8sObject[];
  };
  const policiesOf = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'NetworkPolicy');

  test('Tempo: OTLP and the API from every namespace, grpc only from Tempo', () => {
    const objects = chartObjects((c) => new Tempo(c, 't', {}));
    const t = podOf(objects, 'tempo');
    expect(allowed(policiesOf(objects), app('shop'), t, 'otlp-http')).toBe(true);
    expect(allowed(policiesOf(objects), app('monitoring'), t, 'http')).toBe(true);
    expect(allowed(policiesOf(objects), app('shop'), t, 'grpc')).toBe(false);
  });

  test('Prometheus and MinIO: every pod of their own namespace, none of another', () => {
    const objects = chartObjects((c) => {
      new Prometheus(c, 'p', { tempo: { podSelector: { app: 'tempo' }, metricsPortName: 'http', replicas: 1 } });
      new Minio(c, 'm', {});
    });
    for (const [name, port] of [['prometheus', 'http'], ['minio', 'api']]) {
      expect(allowed(policiesOf(objects), app('obs'), podOf(objects, name), port)).toBe(true);
      expect(allowed(policiesOf(objects), app('shop'), podOf(objects, name), port)).toBe(false);
    }
  });

  test('Grafana: every namespace', () => {
    const objects = chartObjects((c) => new Grafana(c, 'g', {
      tempo: { url: 'http://tempo.obs.svc.cluster.local:3200', metricsGenerator: false },
      prometheus: { url: 'http://prometheus.obs.svc.cluster.local:9090' },
    }));
    expect(allowed(policiesOf(objects), app('ingress-nginx'), podOf(objects, 'grafana'), 'http')).toBe(true);
  });
});
