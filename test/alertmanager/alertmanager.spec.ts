// The Alertmanager construct: the objects it adds to RestrictedWorkload's and how they fit together
// (the workload itself is tested in test/shared/restricted-workload.spec.ts).
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { AlertmanagerChart, AlertmanagerProps, peerAddresses } from '../../charts/alertmanager';
import { find, K8sObject, selects } from '../helpers';

function synth(props: AlertmanagerProps = {}): { chart: AlertmanagerChart; objects: K8sObject[] } {
  const chart = new AlertmanagerChart(new App(), 'alertmanager', { namespace: 'tempo', alertmanager: props });
  return { chart, objects: chart.toJson() };
}
const container = (objects: K8sObject[]) => find(objects, 'StatefulSet', 'alertmanager').spec.template.spec.containers[0];
const slack = { name: 'chat', type: 'slack' as const, apiUrl: { name: 'alertmanager-receivers', key: 'slack-url' } };

describe('Alertmanager', () => {
  test('one replica by default, pinned v0.28.1, no mesh, the config from its ConfigMap and state on a PVC', () => {
    const { objects } = synth();
    const sts = find(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec.replicas).toBe(1);
    const c = container(objects);
    expect(c.image).toBe('prom/alertmanager:v0.28.1');
    expect(c.args).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml', '--storage.path=/alertmanager', '--data.retention=120h',
      '--web.listen-address=:9093', '--cluster.listen-address=',
    ]);
    expect(c.env).toBeUndefined();
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true }, { name: 'data', mountPath: '/alertmanager' },
    ]));
    expect(sts.spec.volumeClaimTemplates.map((v: any) => [v.metadata.name, v.spec.resources.requests.storage])).toEqual([['data', '1Gi']]);
    const config = yaml.load(find(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']) as any;
    expect(config.route.receiver).toBe('null');
    // A budget of one replica would block node drains.
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });

  test('probes /-/ready and /-/healthy on the http port; restricted pod security; nobody as a number', () => {
    const { objects } = synth();
    const c = container(objects);
    expect([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.port]).toEqual(['/-/ready', 'http']);
    expect([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.port]).toEqual(['/-/healthy', 'http']);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const pod = find(objects, 'StatefulSet', 'alertmanager').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('the config hash changes when the config does', () => {
    const hash = (props: AlertmanagerProps) => find(synth(props).objects, 'StatefulSet',
      'alertmanager').spec.template.metadata.annotations['checksum/config'];
    expect(hash({})).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({ groupWait: '10s' })).not.toBe(hash({}));
    expect(hash({})).toBe(hash({}));
  });

  test('three replicas gossip: every replica a peer through the headless Service, the pod IP advertised, TCP and UDP 9094', () => {
    const { objects, chart } = synth({ replicas: 3 });
    const c = container(objects);
    const peers = ['alertmanager-0', 'alertmanager-1',
      'alertmanager-2'].map((p) => `--cluster.peer=${p}.alertmanager-headless.tempo.svc.cluster.local:9094`);
    expect(c.args).toEqual(expect.arrayContaining([
      '--cluster.listen-address=0.0.0.0:9094', '--cluster.advertise-address=[$(POD_IP)]:9094', ...peers, '--cluster.label=tempo/alertmanager',
    ]));
    expect(peerAddresses(chart.alertmanager.settings)).toHaveLength(3);
    expect(c.env).toEqual([{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 9093, protocol: 'TCP' }, { name: 'mesh', containerPort: 9094, protocol: 'TCP' },
      { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' },
    ]);
    const headless = find(objects, 'Service', 'alertmanager-headless');
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const sts = find(objects, 'StatefulSet', 'alertmanager');
    expect(sts.spec.serviceName).toBe('alertmanager-headless');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(selects(headless.spec.selector, sts.spec.template.metadata.labels)).toBe(true);
    expect(find(objects, 'PodDisruptionBudget', 'alertmanager').spec.maxUnavailable).toBe(1);
  });

  test('the NetworkPolicy admits clients to 9093 only, and only Alertmanager pods to 9094 over TCP and UDP', () => {
    const grafana = { podSelector: { 'app.kubernetes.io/name': 'grafana' } };
    const { objects, chart } = synth({ replicas: 2, clients: [grafana] });
    const policy = find(objects, 'NetworkPolicy', 'alertmanager');
    expect(policy.spec.podSelector.matchLabels).toEqual(chart.alertmanager.podSelector);
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }], from: [{ podSelector: { matchLabels: grafana.podSelector } }] },
      { ports: [{ port: 9094, protocol: 'TCP' }, { port: 9094, protocol: 'UDP' }],
        from: [{ podSelector: { matchLabels: chart.alertmanager.podSelector } }] },
    ]);
    expect(synth({ networkPolicy: false }).objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('each receiver Secret is mounted read-only with only the keys it is read for, where the *_file fields point', () => {
    const { objects, chart } = synth({ receivers: [slack, { name: 'pager', type: 'pagerduty', routingKey: { name: 'pagerduty',
      key: 'routing-key' } }] });
    const pod = find(objects, 'StatefulSet', 'alertmanager').spec.template.spec;
    const secretVolumes = pod.volumes.filter((v: any) => v.secret);
    expect(secretVolumes.map((v: any) => v.secret)).toEqual([
      { secretName: 'alertmanager-receivers', items: [{ key: 'slack-url', path: 'slack-url' }], defaultMode: 0o440 },
      { secretName: 'pagerduty', items: [{ key: 'routing-key', path: 'routing-key' }], defaultMode: 0o440 },
    ]);
    const mounts = Object.fromEntries(pod.containers[0].volumeMounts.map((m: any) => [m.name, m]));
    const config = yaml.load(chart.alertmanager.configYaml) as any;
    const files = [config.receivers[1].slack_configs[0].api_url_file, config.receivers[2].pagerduty_configs[0].routing_key_file];
    secretVolumes.forEach((v: any, i: number) => {
      expect(mounts[v.name].readOnly).toBe(true);
      expect(files[i]).toBe(`${mounts[v.name].mountPath}/${v.secret.items[0].path}`);
    });
    expect(chart.alertmanager.receiverSecrets.map((s) => [s.name, s.keys.map((k) => k.key)])).toEqual([['alertmanager-receivers', ['slack-url']],
      ['pagerduty', ['routing-key']]]);
    expect(chart.alertmanager.receiverNames).toEqual(['chat', 'pager']);
    // No Secret object is synthesized, and no credential is written anywhere.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('Prometheus is told the pods, not the Service; Grafana the Service URL', () => {
    const { chart } = synth({ replicas: 2 });
    expect(chart.alertmanager.pods).toEqual({ podSelector: chart.alertmanager.podSelector, namespace: 'tempo', portName: 'http', replicas: 2 });
    expect(chart.alertmanager.httpUrl).toBe('http://alertmanager.tempo.svc.cluster.local:9093');
  });
});
