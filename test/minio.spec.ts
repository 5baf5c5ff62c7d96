import { App } from 'cdk8s';
import { MINIO_PORTS, MinioChart, MinioProps, resolveMinioSettings } from '../charts/minio';
import { IMAGES } from '../charts/shared/images';
import { validateK8sObjects } from './support/k8s-schema';

function synth(minio: MinioProps = {}): { chart: MinioChart; objs: any[] } {
  const app = new App();
  const chart = new MinioChart(app, 'minio', { namespace: 'tempo', minio });
  return { chart, objs: chart.toJson() };
}

function find(objs: any[], kind: string, name: string): any {
  const found = objs.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0];
}

function podSpec(objs: any[], name = 'minio'): any {
  return find(objs, 'StatefulSet', name).spec.template.spec;
}

function allContainers(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function container(objs: any[], name: string): any {
  const found = allContainers(podSpec(objs)).filter((c) => c.name === name);
  if (found.length !== 1) throw new Error(`expected one container ${name}, found ${found.length}`);
  return found[0];
}

describe('MinIO objects', () => {
  test('synthesizes a ServiceAccount, two Services, a NetworkPolicy and a StatefulSet, all in the chart namespace', () => {
    const { objs } = synth();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['NetworkPolicy/minio', 'Service/minio', 'Service/minio-headless', 'ServiceAccount/minio', 'StatefulSet/minio']);
    for (const o of objs) expect(o.metadata.namespace).toBe('tempo');
  });

  test('the objects are valid Kubernetes 1.28 objects with no unknown fields', () => {
    expect(validateK8sObjects(synth().objs)).toEqual([]);
    expect(validateK8sObjects(synth({ console: true, storageClassName: 'local-path' }).objs)).toEqual([]);
  });

  test('the namespace defaults to "default" without a chart namespace, and a prop overrides the chart', () => {
    const app = new App();
    const bare = new MinioChart(app, 'bare');
    expect(bare.minio.settings.namespace).toBe('default');
    const other = new MinioChart(app, 'other', { namespace: 'tempo', minio: { namespace: 'storage' } });
    expect(other.minio.endpoint).toBe('minio.storage.svc.cluster.local:9000');
  });

  test('the service account mounts no API token', () => {
    const { objs } = synth();
    expect(find(objs, 'ServiceAccount', 'minio').automountServiceAccountToken).toBe(false);
    expect(podSpec(objs).automountServiceAccountToken).toBe(false);
    expect(podSpec(objs).serviceAccountName).toBe('minio');
  });
});

describe('MinIO selectors and ports', () => {

  test('the StatefulSet is governed by the headless Service minio-headless', () => {
    expect(find(synth().objs, 'StatefulSet', 'minio').spec.serviceName).toBe('minio-headless');
  });

  test('the ClusterIP Service exposes the api port, and the console only when asked', () => {
    const portNames = (objs: any[]) => find(objs, 'Service', 'minio').spec.ports.map((p: any) => p.name);
    expect(portNames(synth().objs)).toEqual(['api']);
    expect(portNames(synth({ console: true }).objs)).toEqual(['api', 'console']);
  });

  test('MinIO serves the API and the console on the ports the Services use', () => {
    const args: string[] = container(synth().objs, 'minio').args;
    expect(container(synth().objs, 'minio').command).toEqual(['minio']);
    expect(args.slice(0, 2)).toEqual(['server', '/data']);
    expect(args[args.indexOf('--address') + 1]).toBe(`:${MINIO_PORTS.api}`);
    expect(args[args.indexOf('--console-address') + 1]).toBe(`:${MINIO_PORTS.console}`);
  });
});

describe('what MinIO exposes to Tempo', () => {
  test('the endpoint names the Service and the namespace with port 9000, without a scheme', () => {
    const { chart, objs } = synth();
    const m = chart.minio;
    expect(m.serviceName).toBe(find(objs, 'Service', 'minio').metadata.name);
    expect(m.endpoint).toBe('minio.tempo.svc.cluster.local:9000');
    expect(m.endpoint).not.toMatch(/^[a-z]+:\/\//);
    expect(m.insecure).toBe(true);
    expect(m.forcePathStyle).toBe(true);
    expect(m.bucket).toBe('tempo-traces');
  });

  test('a custom name and bucket show up in the endpoint, the objects and the bucket field', () => {
    const { chart, objs } = synth({ name: 's3', bucket: 'traces.dev-1' });
    expect(chart.minio.endpoint).toBe('s3.tempo.svc.cluster.local:9000');
    expect(chart.minio.bucket).toBe('traces.dev-1');
    find(objs, 'Service', 's3');
    find(objs, 'Service', 's3-headless');
    expect(find(objs, 'StatefulSet', 's3').spec.serviceName).toBe('s3-headless');
  });

  test('the credentials point at the two keys of the user-created Secret', () => {
    const { chart } = synth({ credentialsSecret: 'laptop-s3' });
    expect(chart.minio.credentials).toEqual({
      accessKeyId: { name: 'laptop-s3', key: 'MINIO_ROOT_USER' },
      secretAccessKey: { name: 'laptop-s3', key: 'MINIO_ROOT_PASSWORD' },
    });
  });

  test('the pod selector matches the pod labels', () => {
    const { chart, objs } = synth();
    expect(find(objs, 'StatefulSet', 'minio').spec.template.metadata.labels).toMatchObject(chart.minio.podSelector);
  });
});

describe('MinIO network policy', () => {
  test('standalone, only pods of the same namespace reach the api and console ports', () => {
    const { objs } = synth();
    const policy = find(objs, 'NetworkPolicy', 'minio');
    expect(policy.spec.podSelector.matchLabels).toEqual(find(objs, 'StatefulSet', 'minio').spec.selector.matchLabels);
    expect(policy.spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: {} } }],
      ports: [{ port: 'api', protocol: 'TCP' }, { port: 'console', protocol: 'TCP' }],
    }]);
    const names = container(objs, 'minio').ports.map((p: any) => p.name);
    for (const p of policy.spec.ingress[0].ports) expect(names).toContain(p.port);
  });
});

describe('MinIO credentials', () => {
  test('the root user and password come only from secretKeyRef', () => {
    const { objs } = synth();
    const env: any[] = container(objs, 'minio').env;
    for (const key of ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD']) {
      const v = env.find((e) => e.name === key);
      expect(v).toEqual({ name: key, valueFrom: { secretKeyRef: { name: 'minio-credentials', key } } });
    }
    // No other variable carries credentials in any form.
    for (const c of allContainers(podSpec(objs))) {
      for (const e of c.env ?? []) {
        if (/USER|PASSWORD|ACCESS_KEY|SECRET/.test(e.name)) expect(e.value).toBeUndefined();
      }
    }
  });

  test('no Secret is synthesized and no default password appears anywhere in the output', () => {
    const { objs } = synth();
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = JSON.stringify(objs);
    for (const literal of ['minioadmin', 'supersecret', 'password123', 'changeme']) expect(text).not.toContain(literal);
  });
});

describe('MinIO bucket', () => {
  test('an init container creates the configured bucket on the data volume before MinIO starts', () => {
    const { objs } = synth({ bucket: 'my-traces' });
    const init = container(objs, 'create-bucket');
    expect(podSpec(objs).initContainers.map((c: any) => c.name)).toEqual(['create-bucket']);
    expect(init.command).toEqual(['mkdir', '-p', '/data/my-traces']);
    expect(init.image).toBe(container(objs, 'minio').image);
    expect(init.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
  });
});

describe('MinIO pod security', () => {
  // The restricted pod itself is RestrictedWorkload's (test/shared/restricted-workload.spec.ts).
  test('MinIO runs as UID/GID 1000 with fsGroup 1000, not as the image\'s root', () => {
    expect(podSpec(synth().objs).securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
  });

  test("MinIO's home (config and certs dirs) is a writable emptyDir, since the root filesystem is read-only", () => {
    const { objs } = synth();
    const c = container(objs, 'minio');
    const home = c.env.find((e: any) => e.name === 'HOME').value;
    const mount = c.volumeMounts.find((m: any) => m.mountPath === home);
    expect(mount).toBeDefined();
    const volume = podSpec(objs).volumes.find((v: any) => v.name === mount.name);
    expect(volume.emptyDir).toBeDefined();
  });

  test('MinIO does not check dl.min.io for updates', () => {
    expect(container(synth().objs, 'minio').env).toContainEqual({ name: 'MINIO_UPDATE', value: 'off' });
  });
});

describe('MinIO container', () => {
  test('probes use the health endpoints on the api port', () => {
    const c = container(synth().objs, 'minio');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/minio/health/ready', port: 'api' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/minio/health/live', port: 'api' });
  });

  test('the image is a pinned MinIO release', () => {
    expect(container(synth().objs, 'minio').image).toMatch(/^minio\/minio:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });

  test('resources default to small requests and limits, and props override them', () => {
    expect(container(synth().objs, 'minio').resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    const custom = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
    expect(container(synth({ resources: custom }).objs, 'minio').resources).toEqual(custom);
  });

  test('the PVC at /data takes its size and class from props', () => {
    const claim = (objs: any[]) => find(objs, 'StatefulSet', 'minio').spec.volumeClaimTemplates[0];
    const defaults = claim(synth().objs);
    expect(defaults.spec.resources.requests.storage).toBe('10Gi');
    expect(defaults.spec.storageClassName).toBeUndefined();
    const custom = claim(synth({ storageSize: '2Gi', storageClassName: 'local-path' }).objs);
    expect(custom.spec.resources.requests.storage).toBe('2Gi');
    expect(custom.spec.storageClassName).toBe('local-path');
    expect(container(synth().objs, 'minio').volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  test('runs a single replica', () => {
    expect(find(synth().objs, 'StatefulSet', 'minio').spec.replicas).toBe(1);
  });
});

describe('MinIO validation', () => {
  test('a bad name is refused', () => {
    expect(() => synth({ name: 'MinIO' })).toThrow(
      'minio: \'name\' must be a DNS label (lower-case letters, digits and \'-\', starting with a letter, at most 40 characters), got \'MinIO\'; '
        + 'pick a name such as \'minio\'');
  });

  test('a name too long for "<name>-headless" is refused', () => {
    expect(() => synth({ name: 'm'.repeat(41) })).toThrow(`minio: 'name' must be a DNS label`);
  });

  test.each(['Tempo_Traces', 'ab', 'a'.repeat(64), '-traces', 'traces-', 'tempo..traces', '192.168.1.10'])('bucket name %p is refused', (bucket) => {
    expect(() => synth({ bucket })).toThrow(
      `minio: 'bucket' must be a valid S3 bucket name (3 to 63 characters: lower-case letters, digits, '.' and '-', starting and ending with a `
        + `letter or digit, no '..', not an IP address), got '${bucket}'; use e.g. 'tempo-traces'`);
  });

  test.each(['abc', 'tempo.traces-2', 'a'.repeat(63)])('bucket name %p is accepted', (bucket) => {
    expect(resolveMinioSettings({ bucket }).bucket).toBe(bucket);
  });

  test('a bad credentials Secret name is refused', () => {
    expect(() => synth({ credentialsSecret: 'Minio_Creds' })).toThrow(
      'minio: \'credentialsSecret\' must be a DNS subdomain (lower-case letters, digits, \'-\' and \'.\', starting and ending alphanumeric, at most '
        + '253 characters), got \'Minio_Creds\'; name an object such as \'minio-credentials\'');
  });

  test('a bad storage size is refused', () => {
    expect(() => synth({ storageSize: '10GB' })).toThrow('minio: \'storageSize\' must be a positive Kubernetes quantity, got \'10GB\'; write it like '
      + '\'10Gi\'');
  });

  test('a bad resource quantity is refused', () => {
    const resources = { requests: { cpu: 'lots', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(() => synth({ resources })).toThrow('minio: \'resources.requests.cpu\' must be a positive Kubernetes quantity, got \'lots\'; write it '
      + 'like \'500m\'');
  });

  test('a request above its limit is refused', () => {
    const cpu = { requests: { cpu: '2', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(() => synth({ resources: cpu })).toThrow('minio: \'resources.requests.cpu\' must not exceed the limit (1), got \'2\'; lower the request '
      + 'or raise the limit');
    const memory = { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    expect(() => synth({ resources: memory })).toThrow('minio: \'resources.requests.memory\' must not exceed the limit (1Gi), got \'2Gi\'; lower the '
      + 'request or raise the limit');
  });

  test.each(['latest', ''])('an unpinned image tag %p is refused', (tag) => {
    expect(() => synth({ image: { repository: 'minio/minio', tag } })).toThrow(
      `minio: 'image.tag' must be a pinned image tag, got '${tag}'; use an exact version such as '${IMAGES.minio.tag}' (never 'latest')`);
  });

  test('a malformed image tag is refused', () => {
    expect(() => synth({ image: { repository: 'minio/minio',
      tag: 'RELEASE 2024' } })).toThrow('minio: \'image.tag\' must be a pinned image tag, got \'RELEASE 2024\'');
  });

  test('an empty image repository is refused', () => {
    expect(() => synth({ image: { repository: '', tag: 'RELEASE.2024-12-18T13-15-44Z' } })).toThrow(
      'minio: \'image.repository\' must not be empty, got \'\'; use e.g. \'minio/minio\'');
  });

  test('a bad storage class name is refused', () => {
    expect(() => synth({ storageClassName: 'Local_Path' })).toThrow('minio: \'storageClassName\' must be a DNS subdomain');
  });
});

describe('MinIO partial resources', () => {
  test('a memory limit alone keeps the default requests and CPU limit', () => {
    expect(container(synth({ resources: { limits: { memory: '2Gi' } } }).objs, 'minio').resources)
      .toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '2Gi' } });
  });

  test('a CPU request alone above the default limit is refused naming it', () => {
    expect(() => resolveMinioSettings({ resources: { requests: { cpu: '2' } } })).toThrow(new Error(
      "minio: 'resources.requests.cpu' must not exceed the cpu limit ('1', from the default), got '2'; "
      + "also set resources.limits.cpu to at least '2', or lower the request to at most '1'"));
  });
});

describe('MinIO network policy props', () => {
  test('clients narrow the store to those pods; networkPolicy: false drops the policy', () => {
    const tempo = { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' };
    expect(find(synth({ clients: [{ podSelector: tempo }] }).objs, 'NetworkPolicy', 'minio').spec.ingress[0].from)
      .toEqual([{ podSelector: { matchLabels: tempo } }]);
    expect(synth({ networkPolicy: false }).objs.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });
});
