import { App } from 'cdk8s';
import { PrometheusOperatorChart, PrometheusOperatorProps, TempoStack, tempoRuleGroups } from '../../charts';
import { RelabelConfig, buildPrometheusConfig, resolvePrometheusSettings } from '../../charts/prometheus';
import { knownCustomResourceKinds, validateCustomResource, validateCustomResources } from '../support/crd-schema';
import { validateK8sObjects } from '../support/k8s-schema';
import { K8sObject, find, s3 } from '../helpers';
import { discoverPod, relabel } from './relabel';

const tempo = { podSelector: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' }, metricsPortName: 'http', replicas: 3 };
const synth = (props: Partial<PrometheusOperatorProps> = {}) => {
  const chart = new PrometheusOperatorChart(new App(), 'prometheus-operator', { namespace: 'tracing', operator: { tempo,
    release: 'kube-prometheus-stack', ...props } });
  return { monitoring: chart.monitoring, objects: () => chart.toJson() as K8sObject[] };
};

/** The relabelings the Prometheus Operator (0.93) generates before a PodMonitor endpoint's own. */
function operatorPrefix(namespace: string, name: string, port: string): RelabelConfig[] {
  return [
    { action: 'replace', source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    { action: 'replace', source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { action: 'replace', target_label: 'job', replacement: `${namespace}/${name}` },
    { action: 'replace', target_label: 'endpoint', replacement: port },
  ];
}

const fromCrd = (r: any): RelabelConfig => ({
  action: r.action, source_labels: r.sourceLabels, target_label: r.targetLabel, replacement: r.replacement, regex: r.regex,
});

describe('Prometheus Operator output', () => {
  const { objects: synthObjects } = synth();
  const objects = synthObjects();
  const podMonitor = find(objects, 'PodMonitor', 'tempo');
  const rule = find(objects, 'PrometheusRule', 'tempo');

  test('the PodMonitor and PrometheusRule validate strictly against their CRDs', () => {
    expect(validateCustomResources(objects)).toEqual([]);
  });

  test('both carry the release label kube-prometheus-stack selects on', () => {
    expect(podMonitor.metadata.labels!.release).toBe('kube-prometheus-stack');
    expect(rule.metadata.labels!.release).toBe('kube-prometheus-stack');
  });

  test('the PodMonitor selects Tempo\'s pods in Tempo\'s namespace on the metrics port, every 30s', () => {
    expect(podMonitor.spec.selector).toEqual({ matchLabels: tempo.podSelector });
    expect(podMonitor.spec.namespaceSelector).toEqual({ matchNames: ['tracing'] });
    expect(podMonitor.spec.podMetricsEndpoints).toHaveLength(1);
    expect(podMonitor.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics', scheme: 'http', interval: '30s' });
  });

  test('its targets carry exactly the labels our own scrape config gives them', () => {
    const [target] = discoverPod({
      name: 'tempo-2', namespace: 'tracing', labels: tempo.podSelector,
      containers: [{ name: 'tempo', ports: [{ name: 'http', containerPort: 3200 }] }],
    }).map((t) => ({ ...t, job: 'ignored' }));
    const viaOperator = relabel(target, [...operatorPrefix('tracing', 'tempo', 'http'),
      ...podMonitor.spec.podMetricsEndpoints[0].relabelings.map(fromCrd)]);
    const ownJob = buildPrometheusConfig(resolvePrometheusSettings({ namespace: 'tracing', tempo })).scrape_configs[0];
    const viaOwn = relabel({ ...target, job: ownJob.job_name }, ownJob.relabel_configs!);
    expect(viaOperator).toEqual(viaOwn);
    expect(viaOperator).toEqual({ job: 'tempo', namespace: 'tracing', pod: 'tempo-2', container: 'tempo', instance: 'tempo-2' });
  });

  test('the PrometheusRule holds the same groups as our own rule file', () => {
    const groups = tempoRuleGroups({ tempoScrapeInterval: '30s', metricsGenerator: false });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(groups.map((g) => g.name));
    expect(rule.spec.groups.flatMap((g: any) => g.rules)).toEqual(groups.flatMap((g) => g.rules).map((r) => JSON.parse(JSON.stringify(r))));
  });

  test('addRuleGroup adds to the PrometheusRule; a taken name throws', () => {
    const { monitoring, objects: out } = synth();
    monitoring.addRuleGroup({ name: 'mine', rules: [{ alert: 'MineDown', expr: 'up == 0', labels: { severity: 'info' }, annotations: { summary: 's',
      description: 'd', runbook_url: 'u' } }] });
    const groups = find(out(), 'PrometheusRule', 'tempo').spec.groups;
    expect(groups[groups.length - 1]).toEqual({ name: 'mine', rules: [{ alert: 'MineDown', expr: 'up == 0', labels: { severity: 'info' },
      annotations: { summary: 's', description: 'd', runbook_url: 'u' } }] });
    expect(() => monitoring.addRuleGroup({ name: 'mine',
      rules: [] })).toThrow(/^prometheus: 'addRuleGroup.name' is already taken \(groups: .*mine\), got 'mine'; give the group its own name$/);
  });

  test.each([
    [{ release: 'Kube Prom' }, "prometheusOperator: 'release' must be a Helm release name, got 'Kube Prom'; pass the release name of your "
      + "kube-prometheus-stack, e.g. 'kube-prometheus-stack'"],
    [{ tempo: { ...tempo, podSelector: {} } },
      "prometheusOperator: 'tempo.podSelector' must name at least one label, got {}; pass Tempo's podSelector, which selects exactly its pods"],
    [{ name: 'Tempo' }, "prometheusOperator: 'name' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 "
      + "characters), got 'Tempo'; pick a name such as 'prometheusOperator'"],
    [{ tempoScrapeInterval: '30' }, "prometheusOperator: 'tempoScrapeInterval' must be a positive Prometheus duration such as '30s', '5m', '15d', "
      + "got '30'; write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. '1h30m')"],
  ] as Array<[Partial<PrometheusOperatorProps>, string]>)('refuses %j', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('the stack with the Prometheus Operator', () => {
  const remote = 'http://prometheus-operated.monitoring.svc:9090/api/v1/write';
  const stack = new TempoStack(new App(), 'env', {
    namespace: 'tempo', prometheusOperator: { release: 'monitoring' },
    tempo: { mode: 'cluster', storage: s3, metricsRemoteWriteUrl: remote },
    grafana: { prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090' },
  });

  test('replaces our own Prometheus: a PodMonitor and a PrometheusRule, no StatefulSet', () => {
    expect(stack.prometheusChart).toBeUndefined();
    const objects = stack.prometheusOperatorChart!.toJson() as K8sObject[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['PodMonitor/tempo', 'PrometheusRule/tempo']);
    expect(validateCustomResources(objects)).toEqual([]);
    expect(find(objects, 'PodMonitor', 'tempo').spec.selector.matchLabels).toEqual(stack.tempoChart.tempo.podSelector);
  });

  test('Tempo keeps the user\'s remote-write URL, and the generator\'s alerts are on', () => {
    expect(stack.tempoChart.tempo.settings.metricsRemoteWriteUrl).toBe(remote);
    const withGenerator = tempoRuleGroups({ tempoScrapeInterval: '30s', metricsGenerator: true, tempoMemoryLimitBytes: 3 * 2 ** 30 });
    const groups = find(stack.prometheusOperatorChart!.toJson(), 'PrometheusRule', 'tempo').spec.groups;
    expect(groups.map((g: any) => g.name)).toEqual(withGenerator.map((g) => g.name));
  });

  test('cannot be combined with our own Prometheus', () => {
    expect(() => new TempoStack(new App(), 'x', { namespace: 'tempo', prometheus: {}, prometheusOperator: { release: 'monitoring' } })).toThrow(
      "stack: 'prometheusOperator' replaces our own Prometheus and cannot be combined with prometheus, got 'monitoring'; set prometheus: false to "
        + "use the Prometheus Operator, or remove prometheusOperator");
  });

  test('prometheus: false deploys neither', () => {
    const none = new TempoStack(new App(), 'x', { namespace: 'tempo', prometheus: false, grafana: false });
    expect([none.prometheusChart, none.prometheusOperatorChart, none.grafanaChart]).toEqual([undefined, undefined, undefined]);
    expect(validateK8sObjects(none.tempoChart.toJson())).toEqual([]);
  });
});

test('without a Prometheus of its own, Grafana must be told which one to query', () => {
  expect(() => new TempoStack(new App(), 'x', { namespace: 'tempo', prometheus: false })).toThrow(
    "stack: 'grafana.prometheusUrl' is required when the stack deploys no Prometheus of its own, got undefined; "
    + "name the Prometheus Grafana should query (e.g. the Prometheus Operator's), or set grafana: false");
});

describe('CRD schema validation (test support)', () => {
  const { objects } = synth();

  test('knows the Prometheus Operator kinds kept in test/fixtures/crds', () => {
    expect(knownCustomResourceKinds()).toEqual(expect.arrayContaining(['monitoring.coreos.com/v1/PodMonitor',
      'monitoring.coreos.com/v1/PrometheusRule']));
  });

  test('rejects an unknown field, a wrong type and a missing required field', () => {
    const pm = JSON.parse(JSON.stringify(find(objects(), 'PodMonitor', 'tempo')));
    pm.spec.podMetricsEndpoints[0].relabeling = [];
    pm.spec.podMetricsEndpoints[0].interval = 30;
    delete pm.spec.selector;
    expect(validateCustomResource(pm)).toEqual(expect.arrayContaining([
      'PodMonitor/tempo: /spec/podMetricsEndpoints/0/relabeling: must NOT have additional properties (relabeling)',
      'PodMonitor/tempo: /spec/podMetricsEndpoints/0/interval: must be string',
      "PodMonitor/tempo: /spec: must have required property 'selector'",
    ]));
  });

  test('rejects a rule with a misspelt key', () => {
    const pr = JSON.parse(JSON.stringify(find(objects(), 'PrometheusRule', 'tempo')));
    pr.spec.groups[0].rules[0].annotation = {};
    expect(validateCustomResource(pr)).toEqual(['PrometheusRule/tempo: /spec/groups/0/rules/0/annotation: must NOT have additional properties '
      + '(annotation)']);
  });

  test('throws for a kind no CRD defines, so nothing passes unvalidated', () => {
    expect(() => validateCustomResource({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' } }))
      .toThrow('monitoring.coreos.com/v1 ServiceMonitor is not defined by any CRD in test/fixtures/crds/');
  });
});
