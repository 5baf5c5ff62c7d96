import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { TempoChart, TempoProps, ingesterMaxUnavailable, tempoRingMembers } from '../../charts/tempo';
import { allOf, find, K8sObject, remoteWrite, s3, selects } from '../helpers';
import { validateK8sObjects } from '../support/k8s-schema';

const base: TempoProps = { mode: 'distributed', storage: s3, metricsRemoteWriteUrl: remoteWrite, expectedLoad: { tracesPerSecond: 500 } };
function synth(props: TempoProps = {}): { chart: TempoChart; objects: K8sObject[] } {
  const chart = new TempoChart(new App(), 'tempo', { namespace: 'tempo', tempo: { ...base, ...props } });
  return { chart, objects: chart.toJson() };
}
const workloads = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment');
const podLabels = (w: K8sObject) => w.spec.template.metadata.labels as Record<string, string>;
const selected = (objects: K8sObject[], svc: K8sObject) => workloads(objects).filter((w) => selects(svc.spec.selector, podLabels(w)));
const configOf = (objects: K8sObject[], workload: string): any => yaml.load(find(objects, 'ConfigMap', `${workload}-config`).data['tempo.yaml']);
const component = (w: K8sObject) => podLabels(w)['app.kubernetes.io/component'];

describe('distributed mode: the Kubernetes objects', () => {
  const { chart, objects } = synth();

  test('are valid Kubernetes 1.28 objects', () => {
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('one workload per component, each running its own target; ingesters and the generator are StatefulSets, with a PVC where they keep data',
    () => {
    const kinds = Object.fromEntries(workloads(objects).map((w) => [component(w), w.kind]));
    expect(kinds).toEqual({
      distributor: 'Deployment', ingester: 'StatefulSet', 'metrics-generator': 'StatefulSet',
      querier: 'Deployment', 'query-frontend': 'Deployment', compactor: 'Deployment',
    });
    for (const w of workloads(objects)) {
      const args = w.spec.template.spec.containers[0].args as string[];
      expect(args).toContain(`-target=${component(w)}`);
      expect(configOf(objects, w.metadata.name).target).toBe(component(w));
      if (w.kind === 'StatefulSet') expect(w.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toMatch(/Gi$/);
    }
  });

  test('a generator without local blocks is still a StatefulSet (stable ring ids), with scratch space instead of a PVC', () => {
    const withoutLocalBlocks = synth({ metricsGeneratorProcessors: ['span-metrics'] }).objects;
    expect(withoutLocalBlocks.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'tempo-metrics-generator')).toEqual([]);
    const generator = find(withoutLocalBlocks, 'StatefulSet', 'tempo-metrics-generator');
    expect(generator.spec.volumeClaimTemplates ?? []).toEqual([]);
    expect(generator.spec.template.spec.volumes.find((v: any) => v.name === 'data').emptyDir).toBeDefined();
    // The pod name is the ring id: the governing Service gives the pods their stable names.
    expect(find(withoutLocalBlocks, 'Service', generator.spec.serviceName).spec.clusterIP).toBe('None');
    const ringId = configOf(withoutLocalBlocks, 'tempo-metrics-generator').metrics_generator?.ring?.instance_id;
    expect(ringId === undefined || /HOSTNAME|POD_NAME/.test(ringId)).toBe(true);
  });

  test('the gossip Service is headless, publishes not-ready pods and selects every component', () => {
    const gossip = find(objects, 'Service', 'tempo-gossip');
    expect(gossip.spec.clusterIP).toBe('None');
    expect(gossip.spec.publishNotReadyAddresses).toBe(true);
    expect(selected(objects, gossip).map(component).sort())
      .toEqual(['compactor', 'distributor', 'ingester', 'metrics-generator', 'querier', 'query-frontend']);
    for (const w of workloads(objects)) {
      const join = configOf(objects, w.metadata.name).memberlist.join_members[0];
      expect(join).toBe('dns+tempo-gossip.tempo.svc.cluster.local:7946');
    }
  });

  test('every querier dials a headless Service that publishes not-ready pods and selects only query-frontends', () => {
    const address: string = configOf(objects, 'tempo-querier').querier.frontend_worker.frontend_address;
    const [host, port] = address.split(':');
    const svc = find(objects, 'Service', host.split('.')[0]);
    expect(host).toBe(`${svc.metadata.name}.tempo.svc.cluster.local`);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(selected(objects, svc).map(component)).toEqual(['query-frontend']);
    expect(svc.spec.ports.find((p: any) => p.port === Number(port))?.name).toBe('grpc');
  });

  test('the OTLP Service selects distributors only, the query Service the query-frontends only', () => {
    expect(selected(objects, find(objects, 'Service', 'tempo-distributor')).map(component)).toEqual(['distributor']);
    expect(selected(objects, find(objects, 'Service', 'tempo')).map(component)).toEqual(['query-frontend']);
    expect(chart.backend.otlpGrpcEndpoint).toBe('tempo-distributor.tempo.svc.cluster.local:4317');
    expect(chart.backend.httpUrl).toBe('http://tempo.tempo.svc.cluster.local:3200');
  });

  test('every Service port targets a container port of every pod it selects', () => {
    for (const svc of allOf(objects, 'Service')) {
      const pods = selected(objects, svc);
      expect([svc.metadata.name, pods.length > 0]).toEqual([svc.metadata.name, true]);
      for (const pod of pods) {
        const names = pod.spec.template.spec.containers[0].ports.map((p: any) => p.name);
        for (const port of svc.spec.ports) {
          expect([svc.metadata.name, pod.metadata.name, names.includes(port.targetPort)]).toEqual([svc.metadata.name, pod.metadata.name, true]);
        }
      }
    }
  });

  test('every Deployment and StatefulSet selector picks its own pods only', () => {
    for (const w of workloads(objects)) {
      const others = workloads(objects).filter((o) => o !== w && selects(w.spec.selector.matchLabels, podLabels(o)));
      expect([w.metadata.name, others.map((o) => o.metadata.name)]).toEqual([w.metadata.name, []]);
    }
  });

  test('a PodDisruptionBudget per component; the ingesters\' keeps a write quorum', () => {
    const budgets = allOf(objects, 'PodDisruptionBudget');
    for (const w of workloads(objects)) {
      const pdb = budgets.filter((b) => selects(b.spec.selector.matchLabels, podLabels(w)));
      expect([w.metadata.name, pdb.length]).toEqual([w.metadata.name, 1]);
    }
    expect(find(objects, 'PodDisruptionBudget', 'tempo-ingester').spec.maxUnavailable).toBe(1);
  });

  test('PDB arithmetic: at most replicas - (RF/2 + 1) down, and no more than a trace can lose', () => {
    expect(ingesterMaxUnavailable(3, 3, 1)).toBe(1);
    expect(ingesterMaxUnavailable(7, 3, 1)).toBe(1);
    expect(ingesterMaxUnavailable(5, 5, 2)).toBe(2);
    // With zones, a whole zone may go: every trace keeps its copies in the other zones.
    expect(ingesterMaxUnavailable(9, 3, 3)).toBe(3);
    expect(ingesterMaxUnavailable(3, 3, 1)).toBe(3 - (Math.floor(3 / 2) + 1));
    // Never 0: a node must stay drainable.
    expect(ingesterMaxUnavailable(1, 1, 0)).toBe(1);
  });

  test('pods spread over nodes and zones', () => {
    for (const w of workloads(objects)) {
      const keys = w.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
      expect([w.metadata.name, keys]).toEqual([w.metadata.name, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']]);
    }
  });

  test('zone-aware ingesters: one StatefulSet per zone, pinned to it, naming it in its config', () => {
    const zoned = synth({ components: { ingester: { replicas: 3, zones: ['eu-1a', 'eu-1b', 'eu-1c'] } } }).objects;
    const ingesters = workloads(zoned).filter((w) => component(w) === 'ingester');
    expect(ingesters.map((w) => w.metadata.name)).toEqual(['tempo-ingester-eu-1a', 'tempo-ingester-eu-1b', 'tempo-ingester-eu-1c']);
    for (const w of ingesters) {
      const zone = w.metadata.name.replace('tempo-ingester-', '');
      expect(w.kind).toBe('StatefulSet');
      expect(w.spec.replicas).toBe(1);
      expect(w.spec.template.spec.nodeSelector).toEqual({ 'topology.kubernetes.io/zone': zone });
      const lifecycler = configOf(zoned, w.metadata.name).ingester.lifecycler;
      expect(lifecycler.availability_zone).toBe(zone);
      expect(lifecycler.ring.zone_awareness_enabled).toBe(true);
    }
    // One budget over every zone's ingesters: a whole zone may go at once.
    const pdb = find(zoned, 'PodDisruptionBudget', 'tempo-ingester');
    expect(ingesters.every((w) => selects(pdb.spec.selector.matchLabels, podLabels(w)))).toBe(true);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  test('HorizontalPodAutoscalers (autoscaling/v2, CPU) for distributors and queriers when asked', () => {
    const scaled = synth({
      components: {
        distributor: { autoscaling: { minReplicas: 2, maxReplicas: 6 } },
        querier: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilizationPercent: 60 } },
      },
    }).objects;
    const hpas = allOf(scaled, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => [h.apiVersion, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name, h.spec.minReplicas, h.spec.maxReplicas,
      h.spec.metrics[0].resource.target.averageUtilization])).toEqual([
      ['autoscaling/v2', 'Deployment', 'tempo-distributor', 2, 6, 75],
      ['autoscaling/v2', 'Deployment', 'tempo-querier', 2, 4, 60],
    ]);
    expect(validateK8sObjects(hpas)).toEqual([]);
    expect(allOf(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('a change to one component\'s settings rolls only that component; a tenant\'s change rolls nothing', () => {
    const hashes = (o: K8sObject[]) => Object.fromEntries(workloads(o)
      .map((w) => [w.metadata.name, w.spec.template.metadata.annotations['checksum/config']]));
    const before = hashes(synth({ tenants: [{ id: 'a' }] }).objects);
    const querier = hashes(synth({ tenants: [{ id: 'a' }], querierMaxConcurrentQueries: 7 }).objects);
    const changed = Object.keys(before).filter((name) => before[name] !== querier[name]);
    expect(changed).toEqual(['tempo-querier']);
    expect(hashes(synth({ tenants: [{ id: 'a', blockRetention: '12h' }] }).objects)).toEqual(before);
  });

  test('with tenants every component reads the shared runtime overrides ConfigMap', () => {
    const t = synth({ tenants: [{ id: 'a' }] }).objects;
    find(t, 'ConfigMap', 'tempo-overrides');
    for (const w of workloads(t)) {
      expect(w.spec.template.spec.volumes).toContainEqual({ name: 'overrides', configMap: { name: 'tempo-overrides' } });
      expect(configOf(t, w.metadata.name).overrides.per_tenant_override_config).toBe('/runtime-config/overrides.yaml');
    }
  });

  test('TempoChart.tempo names the distributed construct instead of pretending to be a single Tempo', () => {
    expect(() => chart.tempo).toThrow(/use \.distributed/);
    expect(chart.distributed?.workloads.length).toBe(6);
  });
});

describe('tempoRingMembers: the rings each mode keeps, for the ring size alert', () => {
  const settingsOf = (props: TempoProps) => new TempoChart(new App(), 'tempo', { namespace: 'tempo', tempo: props }).backend.settings;
  test('none in single-node mode; every ring at the replicas in cluster mode, the generator\'s only with the generator', () => {
    expect(tempoRingMembers(settingsOf({}))).toBeUndefined();
    const cluster = { mode: 'cluster' as const, replicas: 3, storage: s3, metricsRemoteWriteUrl: remoteWrite };
    expect(tempoRingMembers(settingsOf(cluster))).toEqual({ ingester: 3, distributor: 3, compactor: 3, 'metrics-generator': 3 });
    expect(tempoRingMembers(settingsOf({ ...cluster, metricsGeneratorProcessors: [] }))).toEqual({ ingester: 3, distributor: 3, compactor: 3 });
  });
  test('in distributed mode each ring has its component\'s pods (an autoscaled one its minimum)', () => {
    const s = settingsOf({ ...base, components: { ingester: { replicas: 4 }, distributor: { autoscaling: { minReplicas: 2, maxReplicas: 6 } } } });
    const d = s.distributed!.components;
    expect(tempoRingMembers(s)).toEqual({ ingester: 4, distributor: 2, compactor: d.compactor!.replicas,
      'metrics-generator': d['metrics-generator']!.replicas });
  });
});
