// Alertmanager in the stack: Prometheus sends to every replica and scrapes it, Grafana gets the
// datasource, the NetworkPolicy admits exactly Prometheus and Grafana; every environment's
// alertmanager.yml passes the real amtool.
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { buildEnvironment, renderEnvironment, TempoStack, TempoStackProps } from '../../charts';
import { AMTOOL, checkAlertmanagerConfig } from '../support/amtool';
import { itWith } from '../support/promtool';
import { ENVIRONMENTS, find, K8sObject, selects } from '../helpers';

const objectsOf = (props: TempoStackProps) => {
  const built = buildEnvironment({ name: 'x', ...props });
  const objects = [...renderEnvironment(built)].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([, text]) => yaml.loadAll(text) as K8sObject[]);
  return { stack: built.stack, objects };
};
const podLabels = (objects: K8sObject[], kind: string, name: string) => find(objects, kind, name).spec.template.metadata.labels;

describe('the stack with an Alertmanager', () => {
  const { stack, objects } = objectsOf({ namespace: 'tempo', alertmanager: { replicas: 3 } });
  const prometheusYml = yaml.load(find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
  const amPods = podLabels(objects, 'StatefulSet', 'alertmanager');

  test('Prometheus sends to every Alertmanager pod through pod discovery, never to the Service', () => {
    const [target] = prometheusYml.alerting.alertmanagers;
    expect(target.static_configs).toBeUndefined();
    expect(target.kubernetes_sd_configs).toEqual([expect.objectContaining({ role: 'pod', namespaces: { names: ['tempo'] } })]);
    const [keepPods, keepPort] = target.relabel_configs;
    const wanted = Object.fromEntries(keepPods.source_labels.map((l: string, i: number) => [l, keepPods.regex.split(';')[i]]));
    expect(wanted).toEqual({ __meta_kubernetes_pod_label_app_kubernetes_io_name: amPods['app.kubernetes.io/name'],
      __meta_kubernetes_pod_label_app_kubernetes_io_instance: amPods['app.kubernetes.io/instance'] });
    const ports = find(objects, 'StatefulSet', 'alertmanager').spec.template.spec.containers[0].ports.map((p: any) => p.name);
    expect(ports).toContain(keepPort.regex);
  });

  test('Prometheus scrapes every Alertmanager pod as job alertmanager and holds the Watchdog and the Alertmanager alerts for three replicas', () => {
    expect(prometheusYml.scrape_configs.map((j: any) => j.job_name)).toContain('alertmanager');
    const rules = yaml.load(find(objects, 'ConfigMap', 'prometheus-rules').data['tempo.rules.yaml']) as any;
    const groups = Object.fromEntries(rules.groups.map((g: any) => [g.name, g.rules.map((r: any) => r.alert)]));
    expect(groups.watchdog).toEqual(['Watchdog']);
    expect(groups.alertmanager).toContain('AlertmanagerClusterMembersMissing');
    const members = rules.groups.find((g: any) => g.name === 'alertmanager').rules.find((r: any) => r.alert === 'AlertmanagerClusterMembersMissing');
    expect(members.expr).toMatch(/ < 3$/);
  });

  test('Grafana\'s Alertmanager datasource points at the Alertmanager Service\'s port', () => {
    const datasources = (yaml.load(find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']) as any).datasources;
    const am = datasources.find((d: any) => d.type === 'alertmanager');
    expect(am).toMatchObject({ uid: 'alertmanager', jsonData: { implementation: 'prometheus' } });
    const service = find(objects, 'Service', 'alertmanager');
    expect(am.url).toBe(`http://alertmanager.tempo.svc.cluster.local:${service.spec.ports[0].port}`);
    expect(selects(service.spec.selector, amPods)).toBe(true);
  });

  test('9093 admits exactly the stack\'s Prometheus and Grafana pods; 9094 only the Alertmanager pods', () => {
    const policy = find(objects, 'NetworkPolicy', 'alertmanager');
    const [http, mesh] = policy.spec.ingress;
    const admitted = http.from.map((f: any) => f.podSelector.matchLabels);
    expect(admitted).toHaveLength(2);
    expect(admitted.some((sel: any) => selects(sel, podLabels(objects, 'StatefulSet', 'prometheus')))).toBe(true);
    expect(admitted.some((sel: any) => selects(sel, podLabels(objects, 'Deployment', 'grafana')))).toBe(true);
    expect(mesh.from.map((f: any) => selects(f.podSelector.matchLabels, amPods))).toEqual([true]);
  });

  test('the receivers\' Secrets are on the stack for the deploy to check', () => {
    const withReceiver = new TempoStack(new App(), 'x', {
      namespace: 'tempo', alertmanager: { receivers: [{ name: 'pager', type: 'pagerduty', routingKey: { name: 'pagerduty', key: 'routing-key' } }],
        criticalReceiver: 'pager' },
    });
    expect(withReceiver.providedSecrets).toEqual([{ name: 'pagerduty', by: 'user', keys: ['routing-key'] }]);
    expect(withReceiver.alertmanagerChart!.alertmanager.receiverSecrets[0].keys[0].purpose).toBe("pagerduty receiver 'pager' (routingKey)");
    expect(stack.providedSecrets).toEqual([]);
  });

  test('without an Alertmanager nothing about it is written', () => {
    const plain = objectsOf({ namespace: 'tempo' }).objects;
    expect(plain.filter((o) => o.metadata.name.startsWith('alertmanager'))).toEqual([]);
    const yml = yaml.load(find(plain, 'ConfigMap', 'prometheus-config').data['prometheus.yml']) as any;
    expect(yml.alerting).toBeUndefined();
    expect(find(plain, 'ConfigMap', 'prometheus-rules').data['tempo.rules.yaml']).not.toContain('Watchdog');
  });

  test.each([
    ['without the stack\'s Prometheus', { namespace: 'x', prometheus: false as const, grafana: false as const, alertmanager: {} },
      "stack: 'alertmanager' needs the stack's own Prometheus to send it alerts, got false; remove prometheus: false, or remove alertmanager"],
    ['with the Prometheus Operator', { namespace: 'x', prometheus: false as const, prometheusOperator: { release: 'kps' }, grafana: false as const,
      alertmanager: {} },
      "stack: 'alertmanager' needs the stack's own Prometheus to send it alerts, got 'prometheusOperator'; the Prometheus Operator's stack ships its "
        + "own Alertmanager"],
  ])('is refused %s', (_what, props, message) => {
    expect(() => new TempoStack(new App(), 'x', props)).toThrow(message);
  });
});

describe.each(ENVIRONMENTS.filter((e) => e.alertmanager).map((e) => [e.name, e] as const))('environment %s', (_name, env) => {
  const objects = [...renderEnvironment(buildEnvironment(env))].filter(([f]) => f.endsWith('.k8s.yaml')).flatMap(([,
    t]) => yaml.loadAll(t) as K8sObject[]);
  itWith(AMTOOL)('amtool 0.28.1 accepts its alertmanager.yml', () => {
    const r = checkAlertmanagerConfig(find(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });
});

test('the shipped single-node and cluster environments run an Alertmanager without receivers, cluster with two replicas', () => {
  const am = Object.fromEntries(ENVIRONMENTS.map((e) => [e.name, e.alertmanager]));
  expect(am).toEqual({ dev: undefined, 'single-node': {}, cluster: { replicas: 2 } });
});
