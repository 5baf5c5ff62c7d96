import { CONFIG_HASH_ANNOTATION } from '../../charts/shared/restricted-workload';
import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import {
  GRAFANA_ADMIN_SECRET_KEYS, GrafanaChart, GrafanaDatabase, GrafanaProps,
} from '../../charts/grafana';
import { validateK8sObjects } from '../support/k8s-schema';
import { allOf, find, K8sObject } from '../helpers';

const links = {
  tempo: { url: 'http://tempo.tempo.svc.cluster.local:3200', metricsGenerator: true, memoryLimitBytes: 2 * 2 ** 30, cpuLimitCores: 2 },
  prometheus: { url: 'http://prometheus.tempo.svc.cluster.local:9090' },
};
const database: GrafanaDatabase = {
  type: 'postgres', host: 'postgres.db.svc.cluster.local:5432', name: 'grafana', user: 'grafana', password: { name: 'grafana-db', key: 'password' },
};

function synth(props: Partial<GrafanaProps> = {}): { chart: GrafanaChart; objects: K8sObject[] } {
  const chart = new GrafanaChart(new App(), 'grafana', { namespace: 'tempo', grafana: { ...links, ...props } });
  return { chart, objects: chart.toJson() };
}
const deployment = (objects: K8sObject[]) => find(objects, 'Deployment', 'grafana');
const podSpec = (objects: K8sObject[]) => deployment(objects).spec.template.spec;
const container = (objects: K8sObject[]) => podSpec(objects).containers[0];
const configHash = (objects: K8sObject[]) => deployment(objects).spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

describe.each([
  ['defaults', {}],
  ['no metrics-generator, anonymous, emptyDir', { tempo: { ...links.tempo, metricsGenerator: false }, anonymous: true, persistence: false }],
  ['external database, 3 replicas', { database, replicas: 3, storageClassName: 'fast' }],
] as [string, Partial<GrafanaProps>][])('Grafana objects (%s)', (_label, props) => {
  const { objects } = synth(props);

  test('every object validates against the Kubernetes 1.28 schema', () => {
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('every object lives in the chart namespace', () => {
    for (const o of objects) expect(o.metadata.namespace).toBe('tempo');
  });

  test('the Service grafana serves Grafana\'s port 3000', () => {
    expect(find(objects, 'Service', 'grafana').spec.ports.map((p: any) => [p.name, p.port])).toEqual([['http', 3000]]);
    expect(container(objects).ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
  });

  // The restricted pod, selectors and Service ports are RestrictedWorkload's (test/shared/restricted-workload.spec.ts).
  test('the pod runs as the image\'s UID/GID 472 with fsGroup 472, so it can write its volume and read the admin Secret', () => {
    expect(podSpec(objects).securityContext).toMatchObject({ runAsUser: 472, runAsGroup: 472, fsGroup: 472 });
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
  });

  test('every path Grafana writes is a writable volume; configuration and provisioning are read-only', () => {
    const mounts = container(objects).volumeMounts;
    const writable = mounts.filter((m: any) => !m.readOnly).map((m: any) => m.mountPath).sort();
    expect(writable).toEqual(['/tmp', '/var/lib/grafana', '/var/log/grafana']);
    const ini = container(objects).volumeMounts.find((m: any) => m.mountPath === '/etc/grafana/grafana.ini');
    expect(ini).toMatchObject({ subPath: 'grafana.ini', readOnly: true });
    for (const m of mounts.filter((x: any) => x.mountPath.startsWith('/etc/grafana'))) expect(m.readOnly).toBe(true);
  });

  test('probes check /api/health on the http port; the image is Grafana 12.3.11 (it still bundles the Tempo and Prometheus datasources)', () => {
    const c = container(objects);
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(probe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(c.image).toBe('grafana/grafana:12.3.11');
  });

  test('the container command is the image\'s own (its /run.sh expands the __FILE variables)', () => {
    expect(container(objects).command).toBeUndefined();
    expect(container(objects).args).toBeUndefined();
  });

  test('no secret material in the output: no Secret, no literal credential, nothing secret in grafana.ini or the datasources', () => {
    expect(allOf(objects, 'Secret')).toEqual([]);
    for (const o of objects) {
      for (const spec of o.spec?.template?.spec ? [o.spec.template.spec] : []) {
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
          for (const e of c.env ?? []) {
            if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(e.name) && !e.name.endsWith('__FILE')) {
              expect([e.name, e.value]).toEqual([e.name, undefined]);
              expect(e.valueFrom.secretKeyRef).toBeDefined();
            }
          }
        }
      }
    }
    const ini = find(objects, 'ConfigMap', 'grafana-config').data['grafana.ini'];
    expect(ini).not.toMatch(/password|secret_key|admin_user/i);
    const datasources = find(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml'];
    expect(datasources).not.toMatch(/secureJsonData|password|basicAuth/i);
  });
});

describe('admin login', () => {
  test('the admin user and password are files of the user\'s Secret, mounted read-only, named by __FILE variables', () => {
    const { chart, objects } = synth({ adminSecretName: 'ops-grafana' });
    expect(chart.grafana.adminSecretName).toBe('ops-grafana');
    const volume = podSpec(objects).volumes.find((v: any) => v.secret?.secretName === 'ops-grafana');
    expect(volume.secret.defaultMode).toBe(0o440);
    const mount = container(objects).volumeMounts.find((m: any) => m.name === volume.name);
    expect(mount.readOnly).toBe(true);
    const env = Object.fromEntries(container(objects).env.map((e: any) => [e.name, e.value]));
    expect(env.GF_SECURITY_ADMIN_USER__FILE).toBe(`${mount.mountPath}/${GRAFANA_ADMIN_SECRET_KEYS.user}`);
    expect(env.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe(`${mount.mountPath}/${GRAFANA_ADMIN_SECRET_KEYS.password}`);
    expect(GRAFANA_ADMIN_SECRET_KEYS).toEqual({ user: 'admin-user', password: 'admin-password' });
  });

  test('the Secret is named grafana-admin by default', () => {
    expect(synth().chart.grafana.adminSecretName).toBe('grafana-admin');
  });

  test('the database password comes from its Secret reference only', () => {
    const { objects } = synth({ database, replicas: 2 });
    const env = container(objects).env.find((e: any) => e.name === 'GF_DATABASE_PASSWORD');
    expect(env).toEqual({ name: 'GF_DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-db', key: 'password' } } });
  });
});

describe('storage and replicas', () => {
  test('SQLite on a ReadWriteOnce PVC, one replica, Recreate so the old pod releases the volume', () => {
    const { objects } = synth({ storageSize: '5Gi', storageClassName: 'standard' });
    const pvc = find(objects, 'PersistentVolumeClaim', 'grafana-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '5Gi' } } });
    expect(deployment(objects).spec.replicas).toBe(1);
    expect(deployment(objects).spec.strategy).toEqual({ type: 'Recreate' });
    const data = podSpec(objects).volumes.find((v: any) => v.name === 'data');
    expect(data.persistentVolumeClaim).toEqual({ claimName: 'grafana-data' });
  });

  test('persistence: false gives an emptyDir and no PVC', () => {
    const { objects } = synth({ persistence: false });
    expect(allOf(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(podSpec(objects).volumes.find((v: any) => v.name === 'data').emptyDir).toBeDefined();
    expect(deployment(objects).spec.strategy).toEqual({ type: 'RollingUpdate' });
  });

  test('an external database allows several replicas, rolling, with no PVC', () => {
    const { objects } = synth({ database, replicas: 3 });
    expect(deployment(objects).spec.replicas).toBe(3);
    expect(deployment(objects).spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(allOf(objects, 'PersistentVolumeClaim')).toEqual([]);
  });
});

describe('what Grafana exposes', () => {
  test('its URL names the Service and port; the datasource uids are the provisioned ones', () => {
    const { chart, objects } = synth();
    const g = chart.grafana;
    expect(g.httpUrl).toBe('http://grafana.tempo.svc.cluster.local:3000');
    expect(g.serviceName).toBe(find(objects, 'Service', 'grafana').metadata.name);
    expect([g.tempoDatasourceUid, g.prometheusDatasourceUid]).toEqual(['tempo', 'prometheus']);
    const provisioned = (yaml.load(find(objects, 'ConfigMap',
      'grafana-datasources').data['datasources.yaml']) as any).datasources.map((d: any) => d.uid);
    expect(provisioned).toEqual([g.tempoDatasourceUid, g.prometheusDatasourceUid]);
  });

  test('the namespace defaults to "default" without a chart namespace, and a prop overrides the chart', () => {
    const app = new App();
    expect(new GrafanaChart(app, 'bare', { grafana: links }).grafana.httpUrl).toBe('http://grafana.default.svc.cluster.local:3000');
    expect(new GrafanaChart(app, 'other', { namespace: 'tempo', grafana: { ...links, namespace: 'ops' } }).grafana.httpUrl)
      .toBe('http://grafana.ops.svc.cluster.local:3000');
  });

  test('a custom name carries into every object name', () => {
    const { objects } = synth({ name: 'dash' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/dash-config', 'ConfigMap/dash-dashboard-providers', 'ConfigMap/dash-dashboard-tempo-operations',
      'ConfigMap/dash-dashboard-tempo-services', 'ConfigMap/dash-datasources', 'Deployment/dash', 'NetworkPolicy/dash',
      'PersistentVolumeClaim/dash-data', 'Service/dash', 'ServiceAccount/dash',
    ]);
  });
});

describe('config hash', () => {
  test('is the same for the same settings (nothing random or time-dependent)', () => {
    expect(configHash(synth().objects)).toBe(configHash(synth().objects));
  });

  test('changes when a dashboard changes', () => {
    const base = synth().objects;
    const other = synth({ tempo: { ...links.tempo, memoryLimitBytes: 4 * 2 ** 30 } }).objects;
    const dash = (o: K8sObject[]) => find(o, 'ConfigMap', 'grafana-dashboard-tempo-operations').data;
    expect(dash(other)).not.toEqual(dash(base));
    expect(find(other, 'ConfigMap', 'grafana-datasources').data).toEqual(find(base, 'ConfigMap', 'grafana-datasources').data);
    expect(configHash(other)).not.toBe(configHash(base));
  });

  test('changes when grafana.ini or the datasources change', () => {
    const base = configHash(synth().objects);
    expect(configHash(synth({ anonymous: true }).objects)).not.toBe(base);
    expect(configHash(synth({ prometheus: { url: 'http://prom.other.svc.cluster.local:9090' } }).objects)).not.toBe(base);
  });
});

describe('Grafana settings errors', () => {
  const err = (props: Partial<GrafanaProps>) => () => synth(props);
  const cases: [string, Partial<GrafanaProps>, string][] = [
    ['name', { name: 'Grafana' }, "grafana: 'name' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 50 "
      + "characters), got 'Grafana'; pick a name such as 'grafana'"],
    ['namespace', { namespace: 'Tempo' }, "grafana: 'namespace' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at "
      + "most 63 characters), got 'Tempo'; pick a name such as 'grafana'"],
    ['image.repository', { image: { repository: '', tag: '12.3.11' } },
      "grafana: 'image.repository' must not be empty, got ''; use e.g. 'grafana/grafana'"],
    ['image.tag', { image: { repository: 'grafana/grafana', tag: 'latest' } },
      "grafana: 'image.tag' must be a pinned image tag, got 'latest'; use an exact version such as '12.3.11' (never 'latest')"],
    ['tempo', { tempo: undefined },
      "grafana: 'tempo' is required, got undefined; pass the Tempo construct's URL and whether its metrics-generator runs"],
    ['tempo.url', { tempo: { url: 'tempo:3200', metricsGenerator: false } }, "grafana: 'tempo.url' must be an http(s) URL, got 'tempo:3200'; use e.g. 'http://tempo.tempo.svc.cluster.local:3200'"],
    ['tempo.metricsGenerator', { tempo: { url: links.tempo.url } as any },
      "grafana: 'tempo.metricsGenerator' must be true or false, got undefined; pass whether Tempo's metrics-generator runs"],
    ['tempo.replicas', { tempo: { ...links.tempo, replicas: 0 } },
      "grafana: 'tempo.replicas' must be a whole number >= 1, got 0; use a whole number >= 1"],
    ['tempo.memoryLimitBytes', { tempo: { ...links.tempo, memoryLimitBytes: -1 } },
      "grafana: 'tempo.memoryLimitBytes' must be a number greater than 0, got -1; use a number greater than 0"],
    ['tempo.cpuLimitCores', { tempo: { ...links.tempo, cpuLimitCores: 0 } },
      "grafana: 'tempo.cpuLimitCores' must be a number greater than 0, got 0; use a number greater than 0"],
    ['prometheus', { prometheus: undefined }, "grafana: 'prometheus' is required, got undefined; pass the Prometheus construct's URL"],
    ['prometheus.url', { prometheus: { url: 'prometheus' } }, "grafana: 'prometheus.url' must be an http(s) URL, got 'prometheus'; use e.g. 'http://prometheus.tempo.svc.cluster.local:9090'"],
    ['adminSecretName', { adminSecretName: 'Admin' }, "grafana: 'adminSecretName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', "
      + "starting and ending alphanumeric, at most 253 characters), got 'Admin'; name an object such as 'grafana-admin'"],
    ['rootUrl', { rootUrl: 'grafana.example.com' }, "grafana: 'rootUrl' must be an http(s) URL, got 'grafana.example.com'; use e.g. 'https://grafana.example.com/'"],
    ['replicas with SQLite', { replicas: 2 }, "grafana: 'replicas' must be 1 with the built-in SQLite database, got 2; SQLite lives on one "
      + "ReadWriteOnce volume; set database (postgres or mysql) to run more replicas"],
    ['replicas range', { replicas: 0 }, "grafana: 'replicas' must be a whole number from 1 to 20, got 0; use a whole number from 1 to 20"],
    ['persistence with replicas', { database, replicas: 2, persistence: true }, "grafana: 'persistence' cannot be true with 2 replicas, got true; a "
      + "ReadWriteOnce volume cannot be shared; set persistence: false (the external database keeps the state)"],
    ['storageSize', { storageSize: '1GB' }, "grafana: 'storageSize' must be a positive Kubernetes quantity, got '1GB'; write it like '1Gi'"],
    ['storageClassName', { storageClassName: 'Fast_SSD' }, "grafana: 'storageClassName' must be a DNS subdomain (lower-case letters, digits, '-' and "
      + "'.', starting and ending alphanumeric, at most 253 characters), got 'Fast_SSD'; name an object such as 'standard'"],
    ['resources', { resources: { requests: { cpu: '2', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      "grafana: 'resources.requests.cpu' must not exceed the limit (1), got '2'; lower the request or raise the limit"],
    ['database.type', { database: { ...database, type: 'sqlite' as any } },
      "grafana: 'database.type' must be one of 'postgres', 'mysql', got 'sqlite'; pick one of postgres, mysql"],
    ['database.host', { database: { ...database, host: 'postgres' } },
      "grafana: 'database.host' must be host:port, got 'postgres'; write e.g. 'postgres.db.svc.cluster.local:5432'"],
    ['database.name', { database: { ...database, name: 'my db' } },
      "grafana: 'database.name' must be a plain name (letters, digits, '_', '.', '-'), got 'my db'; write e.g. 'grafana'"],
    ['database.user', { database: { ...database, user: '' } },
      "grafana: 'database.user' must be a plain name (letters, digits, '_', '.', '-'), got ''; write e.g. 'grafana'"],
    ['database.password', { database: { ...database, password: undefined as any } }, "grafana: 'database.password' is required, got undefined; "
      + "reference the Secret key holding the password, e.g. { name: 'grafana-db', key: 'password' }"],
    ['database.password.name', { database: { ...database, password: { name: 'DB', key: 'password' } } }, "grafana: 'database.password.name' must be "
      + "a DNS subdomain (lower-case letters, digits, '-' and '.', starting and ending alphanumeric, at most 253 characters), got 'DB'; name an "
      + "object such as 'grafana-db'"],
    ['database.password.key', { database: { ...database, password: { name: 'grafana-db', key: 'pass word' } } }, "grafana: 'database.password.key' "
      + "must be a Secret key (letters, digits, '-', '_', '.'), got 'pass word'; name the key inside the Secret, e.g. 'password'"],
    ['database.sslMode on mysql', { database: { ...database, type: 'mysql', sslMode: 'require' } },
      "grafana: 'database.sslMode' applies to postgres only, got 'require'; remove sslMode for mysql"],
    ['database.sslMode value', { database: { ...database, sslMode: 'prefer' as any } },
      "grafana: 'database.sslMode' must be one of 'disable', 'require', 'verify-full', got 'prefer'; pick one of disable, require, verify-full"],
    ['iniOverrides section', { iniOverrides: { server: 'x' as any } },
      "grafana: 'iniOverrides.server' must be an object of keys and values, got 'x'; write e.g. { 'server': { key: 'value' } }"],
    ['iniOverrides admin password', { iniOverrides: { security: { admin_password: 'hunter2' } } }, "grafana: 'iniOverrides.security' must not set "
      + "the admin user or password (it would land in dist/), got [\"admin_password\"]; put them in the Secret named by adminSecretName"],
    ['iniOverrides database password', { iniOverrides: { database: { password: 'hunter2' } } }, "grafana: 'iniOverrides.database.password' must not "
      + "be set (it would land in dist/), got '<redacted>'; use database.password, a Secret reference"],
  ];
  test.each(cases)('%s', (_prop, props, message) => {
    expect(err(props)).toThrow(message);
  });

  test('a refused password never appears in the error message', () => {
    expect(err({ iniOverrides: { database: { password: 'hunter2' } } })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(
      'hunter2') }));
    expect(err({ iniOverrides: { security: { admin_password: 'hunter2' } } })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(
      'hunter2') }));
  });
});
