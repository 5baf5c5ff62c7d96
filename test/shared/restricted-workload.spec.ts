import { App, Chart } from 'cdk8s';
import { KubeConfigMap } from '../../imports/k8s';
import { CONFIG_HASH_ANNOTATION, RestrictedWorkload, WorkloadSpec, checkSpec } from '../../charts/shared/restricted-workload';
import { K8sObject, find, selects } from '../helpers';

const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const probe = { path: '/ready', port: 'http', periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };

/** A StatefulSet with two Services, a claim, a ConfigMap and a policy: the shape most components have. */
function spec(overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    name: 'demo',
    namespace: 'obs',
    identity: { name: 'demo', instance: 'demo', component: 'thing', version: '1.2.3' },
    kind: 'StatefulSet',
    replicas: 2,
    uid: 10001,
    container: {
      name: 'demo',
      image: { repository: 'example/demo', tag: '1.2.3' },
      args: ['-config=/conf/demo.yaml'],
      ports: [{ name: 'http', port: 8080 }, { name: 'grpc', port: 9095, appProtocol: 'grpc' }, { name: 'gossip', port: 7946 }],
      resources,
      probes: { startup: { ...probe, failureThreshold: 60 }, readiness: probe, liveness: { ...probe, periodSeconds: 30 } },
    },
    configMaps: [{ name: 'demo-config', volume: 'config', mountPath: '/conf', files: { 'demo.yaml': 'a: 1\n' } }],
    volumes: [
      { kind: 'claim', name: 'data', mountPath: '/var/demo', size: '10Gi' },
      { kind: 'emptyDir', name: 'tmp', mountPath: '/tmp', sizeLimit: '100Mi' },
    ],
    services: [
      { name: 'demo', ports: ['http', 'grpc'] },
      { name: 'demo-headless', ports: ['http', 'gossip'], headless: true, publishNotReadyAddresses: true },
    ],
    networkPolicy: [{ ports: ['http'], namespaces: 'all' }],
    ...overrides,
  };
}

function synth(s: WorkloadSpec, after?: (w: RestrictedWorkload) => void): { workload: RestrictedWorkload; objects: K8sObject[] } {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true });
  const workload = new RestrictedWorkload(chart, 'Demo', s);
  after?.(workload);
  return { workload, objects: chart.toJson() };
}

const podOf = (objects: K8sObject[], kind = 'StatefulSet') => find(objects, kind, 'demo').spec.template;

describe('RestrictedWorkload', () => {
  test('the pod meets every field of the restricted Pod Security Standard with a numeric UID/GID and fsGroup', () => {
    const pod = podOf(synth(spec()).objects).spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('the init container is restricted too and runs the pinned image with the same resources', () => {
    const initContainers = [{ name: 'prepare', command: ['mkdir', '-p', '/var/demo/x'], volumes: ['data'] }];
    const pod = podOf(synth(spec({ initContainers })).objects).spec;
    const [init] = pod.initContainers;
    expect(init).toMatchObject({
      name: 'prepare', image: 'example/demo:1.2.3', imagePullPolicy: 'IfNotPresent', command: ['mkdir', '-p', '/var/demo/x'],
      securityContext: pod.containers[0].securityContext, resources: pod.containers[0].resources,
    });
    expect(init.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/demo' }]);
  });

  test('the container has a pinned image pulled IfNotPresent, probes on its own port, and the given requests and limits', () => {
    const [container] = podOf(synth(spec()).objects).spec.containers;
    expect(container.image).toBe('example/demo:1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.resources).toEqual(resources);
    expect(container.startupProbe).toEqual({ httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 });
    expect(container.readinessProbe.httpGet.port).toBe('http');
    expect(container.livenessProbe.periodSeconds).toBe(30);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'grpc', containerPort: 9095, protocol: 'TCP' },
      { name: 'gossip', containerPort: 7946, protocol: 'TCP' },
    ]);
  });

  test('every Service port targets a container port of the same number, and selectors match the pod labels', () => {
    const { objects } = synth(spec());
    const pod = podOf(objects);
    const ports = new Map<string, number>(pod.spec.containers[0].ports.map((p: any) => [p.name, p.containerPort]));
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      expect(selects(service.spec.selector, pod.metadata.labels)).toBe(true);
      for (const port of service.spec.ports) expect(ports.get(port.targetPort)).toBe(port.port);
    }
    expect(find(objects, 'Service', 'demo').spec.ports.find((p: any) => p.name === 'grpc').appProtocol).toBe('grpc');
    expect(selects(find(objects, 'StatefulSet', 'demo').spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    expect(selects(find(objects, 'NetworkPolicy', 'demo').spec.podSelector.matchLabels, pod.metadata.labels)).toBe(true);
  });

  test('a headless Service has no cluster IP and publishes not-ready pods only when asked', () => {
    const { objects } = synth(spec({ services: [
      { name: 'demo-headless', ports: ['http'], headless: true },
      { name: 'demo-gossip', ports: ['gossip'], headless: true, publishNotReadyAddresses: true },
      { name: 'demo', ports: ['http'] },
    ] }));
    expect(find(objects, 'Service', 'demo-headless').spec).not.toHaveProperty('publishNotReadyAddresses');
    expect(find(objects, 'Service', 'demo-headless').spec.clusterIP).toBe('None');
    expect(find(objects, 'Service', 'demo-gossip').spec.publishNotReadyAddresses).toBe(true);
    expect(find(objects, 'Service', 'demo').spec.type).toBe('ClusterIP');
    expect(find(objects, 'Service', 'demo').spec).not.toHaveProperty('clusterIP');
    // The first headless Service governs the StatefulSet unless one is named.
    expect(find(objects, 'StatefulSet', 'demo').spec.serviceName).toBe('demo-headless');
    const named = synth(spec({ governingService: 'demo-gossip', services: [
      { name: 'demo-headless', ports: ['http'], headless: true }, { name: 'demo-gossip', ports: ['gossip'], headless: true },
    ] }));
    expect(find(named.objects, 'StatefulSet', 'demo').spec.serviceName).toBe('demo-gossip');
  });

  test('names and selector labels are explicit: the construct id does not reach any object', () => {
    const objects = synth(spec()).objects;
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/demo', 'ConfigMap/demo-config', 'Service/demo', 'Service/demo-headless', 'NetworkPolicy/demo', 'StatefulSet/demo',
    ]);
    expect(find(objects, 'StatefulSet', 'demo').spec.selector.matchLabels)
      .toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo' });
    expect(JSON.stringify(objects)).not.toContain('Demo');
  });

  test('the ServiceAccount token is mounted only when asked, and the account itself never automounts', () => {
    const off = synth(spec()).objects;
    expect(podOf(off).spec.automountServiceAccountToken).toBe(false);
    expect(find(off, 'ServiceAccount', 'demo').automountServiceAccountToken).toBe(false);
    const on = synth(spec({ serviceAccount: { automountToken: true } })).objects;
    expect(podOf(on).spec.automountServiceAccountToken).toBe(true);
    expect(podOf(on).spec.serviceAccountName).toBe('demo');
    expect(find(on, 'ServiceAccount', 'demo').automountServiceAccountToken).toBe(false);
  });

  test('ServiceAccount annotations (workload identity) land on the account; extra pod labels on the pods only', () => {
    const irsa = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/tempo' };
    const { objects } = synth(spec({ serviceAccount: { annotations: irsa }, podLabels: { 'azure.workload.identity/use': 'true' } }));
    expect((find(objects, 'ServiceAccount', 'demo').metadata as any).annotations).toEqual(irsa);
    expect(podOf(objects).metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(find(objects, 'StatefulSet', 'demo').spec.selector.matchLabels).not.toHaveProperty(['azure.workload.identity/use']);
    expect(find(objects, 'StatefulSet', 'demo').metadata.labels).not.toHaveProperty(['azure.workload.identity/use']);
    expect(find(synth(spec()).objects, 'ServiceAccount', 'demo').metadata).not.toHaveProperty('annotations');
  });

  test('a Role per namespace, bound to the ServiceAccount in the workload namespace', () => {
    const rule = { apiGroups: [''], resources: ['pods'], verbs: ['list'] };
    const { objects } = synth(spec({ serviceAccount: { automountToken: true, roles: [{ namespace: 'apps', rules: [rule] }] } }));
    const role = find(objects, 'Role', 'demo');
    expect(role.metadata.namespace).toBe('apps');
    expect(role.rules).toEqual([rule]);
    const binding = find(objects, 'RoleBinding', 'demo');
    expect(binding.metadata.namespace).toBe('apps');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'demo' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'demo', namespace: 'obs' }]);
  });

  test('the config hash covers every config file and changes with any of them, and with an added ConfigMap', () => {
    const hashOf = (s: WorkloadSpec, after?: (w: RestrictedWorkload) => void) => (
      podOf(synth(s, after).objects).metadata.annotations[CONFIG_HASH_ANNOTATION]);
    const base = hashOf(spec());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(spec())).toBe(base);
    const changed = spec({ configMaps: [{ name: 'demo-config', volume: 'config', mountPath: '/conf', files: { 'demo.yaml': 'a: 2\n' } }] });
    expect(hashOf(changed)).not.toBe(base);
    const added = hashOf(spec(), (w) => w.addConfigMap({ name: 'demo-extra', volume: 'extra', mountPath: '/extra', files: { 'x.yaml': 'x\n' } }));
    expect(added).not.toBe(base);
    // Files read at synth: content that changes after construction counts.
    let content = 'one';
    const lazy = spec({ configMaps: [{ name: 'demo-config', volume: 'config', mountPath: '/conf', files: () => ({ 'demo.yaml': content }) }] });
    const before = hashOf(lazy);
    expect(hashOf(lazy, () => { content = 'two'; })).not.toBe(before);
  });

  test('with hashFileNames, renaming a file changes the hash; without, only content counts', () => {
    const hashOf = (files: Record<string, string>, hashFileNames: boolean) => podOf(synth(spec({
      configMaps: [{ name: 'demo-config', volume: 'config', mountPath: '/conf', files, hashFileNames }],
    })).objects).metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hashOf({ 'a.yaml': 'x' }, true)).not.toBe(hashOf({ 'b.yaml': 'x' }, true));
    expect(hashOf({ 'a.yaml': 'x' }, false)).toBe(hashOf({ 'b.yaml': 'x' }, false));
  });

  test('a ConfigMap kept out of the hash (files the program reloads itself) is mounted but never rolls the pods', () => {
    const hashOf = (content: string) => podOf(synth(spec({ configMaps: [
      { name: 'demo-config', volume: 'config', mountPath: '/conf', files: { 'demo.yaml': 'a: 1\n' } },
      { name: 'demo-runtime', volume: 'runtime', mountPath: '/runtime', files: { 'overrides.yaml': content }, inConfigHash: false },
    ] })).objects).metadata.annotations[CONFIG_HASH_ANNOTATION];
    expect(hashOf('x: 1')).toBe(hashOf('x: 2'));
    expect(hashOf('x: 1')).toBe(podOf(synth(spec()).objects).metadata.annotations[CONFIG_HASH_ANNOTATION]);
    const runtimeOnly = { name: 'demo-runtime', volume: 'runtime', mountPath: '/runtime', files: { f: 'x' }, inConfigHash: false };
    const { objects } = synth(spec({ configMaps: [runtimeOnly] }));
    expect(podOf(objects).spec.containers[0].volumeMounts).toContainEqual({ name: 'runtime', mountPath: '/runtime', readOnly: true });
    expect(podOf(objects).metadata).not.toHaveProperty('annotations');
  });

  test('no ConfigMap, no hash annotation', () => {
    expect(podOf(synth(spec({ configMaps: [] })).objects).metadata).not.toHaveProperty('annotations');
  });

  test('ConfigMaps mount read-only first (an added one after the others), then the volumes in order', () => {
    const extra = { name: 'demo-extra', volume: 'extra', mountPath: '/etc/x.yaml', subPath: 'x.yaml', files: { 'x.yaml': 'x' } };
    const { objects } = synth(spec(), (w) => w.addConfigMap(extra));
    const pod = podOf(objects).spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'config', mountPath: '/conf', readOnly: true },
      { name: 'extra', mountPath: '/etc/x.yaml', subPath: 'x.yaml', readOnly: true },
      { name: 'data', mountPath: '/var/demo' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: { name: 'demo-config' } },
      { name: 'extra', configMap: { name: 'demo-extra' } },
      { name: 'tmp', emptyDir: { sizeLimit: '100Mi' } },
    ]);
    expect(find(objects, 'ConfigMap', 'demo-extra').data).toEqual({ 'x.yaml': 'x' });
  });

  test('a StatefulSet gets a volumeClaimTemplate per claim; no claim, no template', () => {
    const claim = { kind: 'claim', name: 'data', mountPath: '/d', size: '5Gi', storageClassName: 'fast' } as const;
    const sts = find(synth(spec({ volumes: [claim] })).objects, 'StatefulSet', 'demo');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/instance': 'demo' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } },
    }]);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    const emptyDirOnly = synth(spec({ volumes: [{ kind: 'emptyDir', name: 'data', mountPath: '/d', sizeLimit: '1Gi' }] })).objects;
    expect(find(emptyDirOnly, 'StatefulSet', 'demo').spec).not.toHaveProperty('volumeClaimTemplates');
    expect(podOf(emptyDirOnly).spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
  });

  test('a Deployment gets a PersistentVolumeClaim per claim and the Recreate strategy; with emptyDirs it rolls', () => {
    const deploymentSpec = spec({ kind: 'Deployment', replicas: 1, services: [{ name: 'demo', ports: ['http'] }] });
    const { objects, workload } = synth(deploymentSpec);
    expect(workload.statefulSet).toBeUndefined();
    expect(workload.apiObject).toBe(workload.deployment);
    const deployment = find(objects, 'Deployment', 'demo');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec).not.toHaveProperty('volumeClaimTemplates');
    expect(find(objects, 'PersistentVolumeClaim', 'demo-data').spec)
      .toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'demo-data' } });
    const rolling = synth({ ...deploymentSpec, volumes: [{ kind: 'emptyDir', name: 'data', mountPath: '/d', sizeLimit: '1Gi' }] }).objects;
    expect(find(rolling, 'Deployment', 'demo').spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(rolling.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('a secret volume is read-only with the given items and mode', () => {
    const items = [{ key: 'k', path: 'key.json' }];
    const secret = { kind: 'secret', name: 'creds', mountPath: '/s', secretName: 'gcs', items, defaultMode: 0o440 } as const;
    const { objects } = synth(spec({ volumes: [secret] }));
    const pod = podOf(objects).spec;
    expect(pod.volumes).toContainEqual({ name: 'creds', secret: { secretName: 'gcs', items: [{ key: 'k', path: 'key.json' }], defaultMode: 0o440 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'creds', mountPath: '/s', readOnly: true });
  });

  test('a PodDisruptionBudget and spread only when asked', () => {
    const asked = synth(spec({ maxUnavailable: 1, spread: true })).objects;
    const selector = find(asked, 'StatefulSet', 'demo').spec.selector;
    expect(find(asked, 'PodDisruptionBudget', 'demo').spec).toEqual({ maxUnavailable: 1, selector });
    expect(podOf(asked).spec.topologySpreadConstraints.map((c: any) => c.whenUnsatisfiable)).toEqual(['ScheduleAnyway', 'ScheduleAnyway']);
    expect(podOf(asked).spec.affinity.podAntiAffinity).not.toHaveProperty('requiredDuringSchedulingIgnoredDuringExecution');
    const plain = synth(spec()).objects;
    expect(plain.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(podOf(plain).spec).not.toHaveProperty('affinity');
  });

  test('objects a component adds after the Services sit right after them, before the policy and the workload', () => {
    const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true });
    new RestrictedWorkload(chart, 'Demo', spec(), {
      afterServices: (w) => new KubeConfigMap(w, 'Route', { metadata: { name: 'demo-route', labels: w.labels }, data: { to: w.services.demo.name } }),
    });
    const objects = chart.toJson() as K8sObject[];
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/demo', 'ConfigMap/demo-config', 'Service/demo', 'Service/demo-headless', 'ConfigMap/demo-route',
      'NetworkPolicy/demo', 'StatefulSet/demo',
    ]);
    expect(find(objects, 'ConfigMap', 'demo-route').metadata.labels).toEqual(find(objects, 'StatefulSet', 'demo').metadata.labels);
    expect(find(objects, 'ConfigMap', 'demo-route').data).toEqual({ to: 'demo' });
  });

  test('every object is on a public field, so addJsonPatch reaches it', () => {
    const { workload, objects } = synth(spec({ maxUnavailable: 1 }));
    const fields = [
      workload.serviceAccount, ...workload.configMaps, ...Object.values(workload.services),
      workload.podDisruptionBudget, workload.networkPolicy, workload.statefulSet,
    ];
    expect(fields.map((o) => `${o!.kind}/${o!.name}`).sort()).toEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  });

  describe('a spec builder mistake is refused', () => {
    test.each<[string, Partial<WorkloadSpec>, RegExp]>([
      ['a Service port that is not a container port', { services: [{ name: 'demo-headless', ports: ['metrics'], headless: true }] },
        /Service 'demo-headless' names port 'metrics'/],
      ['a NetworkPolicy port that is not a container port', { networkPolicy: [{ ports: ['otlp'], namespaces: 'all' }] },
        /NetworkPolicy names port 'otlp'/],
      ['a StatefulSet without a headless Service', { services: [{ name: 'demo', ports: ['http'] }] }, /headless governing Service/],
      ['a governing Service that is not headless', { governingService: 'demo' }, /headless governing Service/],
      ['pod labels that would change the selector', { podLabels: { 'app.kubernetes.io/instance': 'other' } },
        /selector label 'app.kubernetes.io\/instance'/],
      ['a volume name used twice', { volumes: [{ kind: 'emptyDir', name: 'config', mountPath: '/x', sizeLimit: '1Mi' }] },
        /volume 'config' is declared twice/],
      ['an init container mounting an unknown volume', { initContainers: [{ name: 'i', command: ['true'], volumes: ['nope'] }] }, /mounts 'nope'/],
    ])('%s', (_, overrides, message) => {
      expect(() => checkSpec(spec(overrides))).toThrow(message);
    });

    test('a probe on an undeclared port', () => {
      const s = spec();
      const probes = { ...s.container.probes, readiness: { ...probe, port: 'metrics' } };
      expect(() => checkSpec({ ...s, container: { ...s.container, probes } })).toThrow(/probe names port 'metrics'/);
    });

    test('adding a ConfigMap whose volume is taken', () => {
      expect(() => synth(spec(), (w) => w.addConfigMap({ name: 'other', volume: 'tmp', mountPath: '/o', files: {} }))).toThrow(/already mounted/);
    });
  });
});
