import { IMAGES } from '../shared/images';
import {
  checkDnsLabel, checkDnsSubdomain, checkImageRepository, checkImageTag, checkInteger, checkOneOf, checkPositiveNumber, checkQuantity, fail,
} from '../shared/validate';
import { resolveResources, secretOverridePaths } from '../shared/merge';
import { TENANT_ID } from '../shared/tenancy';
import { ContainerResources } from '../shared/workload';
import { checkNamespaceSelection } from '../shared/network';
import { GrafanaAuth, resolveGrafanaAuth } from './auth';
import { GrafanaExposeSettings, resolveGrafanaExpose } from './expose';
import { GrafanaIni, INI_KEY_NAME, INI_SECTION_NAME } from './ini';
import { GrafanaDatabase, GrafanaProps } from './props';
import { WorkloadIdentity, resolveWorkloadIdentity } from '../shared/workload-identity';

const C = 'grafana';

/**
 * Every Grafana setting with defaults applied and validated: the input of the builders and the
 * construct. Each field is the prop of the same name (documented on GrafanaProps), resolved;
 * `resources` in full.
 */
export interface GrafanaSettings extends WorkloadIdentity, Required<Pick<GrafanaProps,
  'name' | 'namespace' | 'image' | 'tempo' | 'prometheus' | 'adminSecretName' | 'anonymous' | 'persistence' | 'storageSize' | 'replicas'
  | 'iniOverrides' | 'networkPolicy' | 'fromNamespaces'>>, Pick<GrafanaProps, 'rootUrl' | 'storageClassName' | 'database' | 'alertmanager'> {
  /** Whether a cross-tenant Tempo datasource is provisioned (two or more tenants). */
  readonly crossTenantDatasource: boolean;
  readonly resources: ContainerResources;
  /** How Grafana is reached from outside, resolved. */
  readonly expose?: GrafanaExposeSettings;
  /** Single sign-on, checked. */
  readonly auth?: GrafanaAuth;
}

/** Enough for a few users browsing traces and the provisioned dashboards. */
export const GRAFANA_DEFAULT_RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

const URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const DATABASE_TYPES: readonly GrafanaDatabase['type'][] = ['postgres', 'mysql'];
const SSL_MODES: readonly NonNullable<GrafanaDatabase['sslMode']>[] = ['disable', 'require', 'verify-full'];

/** Resolves and validates GrafanaProps. Throws a ConfigError naming the prop on bad input. */
export function resolveGrafanaSettings(props: GrafanaProps): GrafanaSettings {
  const name = checkDnsLabel(C, 'name', props.name ?? 'grafana', 50);
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default');

  const image = props.image ?? IMAGES.grafana;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, 'use e.g. \'grafana/grafana\'');
  checkImageRepository(C, 'image.repository', image.repository, 'grafana/grafana');
  checkImageTag(C, 'image.tag', image.tag, IMAGES.grafana.tag);

  const tempo = props.tempo;
  if (!tempo) fail(C, 'tempo', 'is required', tempo, 'pass the Tempo construct\'s URL and whether its metrics-generator runs');
  checkUrl('tempo.url', tempo.url, 'http://tempo.tempo.svc.cluster.local:3200');
  if (typeof tempo.metricsGenerator !== 'boolean') {
    fail(C, 'tempo.metricsGenerator', 'must be true or false', tempo.metricsGenerator, 'pass whether Tempo\'s metrics-generator runs');
  }
  if (tempo.replicas !== undefined) checkInteger(C, 'tempo.replicas', tempo.replicas, 1);
  if (tempo.memoryLimitBytes !== undefined) checkPositiveNumber(C, 'tempo.memoryLimitBytes', tempo.memoryLimitBytes);
  if (tempo.cpuLimitCores !== undefined) checkPositiveNumber(C, 'tempo.cpuLimitCores', tempo.cpuLimitCores);

  const prometheus = props.prometheus;
  if (!prometheus) fail(C, 'prometheus', 'is required', prometheus, 'pass the Prometheus construct\'s URL');
  checkUrl('prometheus.url', prometheus.url, 'http://prometheus.tempo.svc.cluster.local:9090');
  if (props.alertmanager !== undefined) checkUrl('alertmanager.url', props.alertmanager?.url, 'http://alertmanager.tempo.svc.cluster.local:9093');
  if (prometheus.version !== undefined && (typeof prometheus.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(prometheus.version))) {
    fail(C, 'prometheus.version', 'must be a release number major.minor.patch', prometheus.version, 'write e.g. \'3.5.5\' (no leading v)');
  }

  const adminSecretName = checkDnsSubdomain(C, 'adminSecretName', props.adminSecretName ?? 'grafana-admin', 'grafana-admin');
  if (props.rootUrl !== undefined) checkUrl('rootUrl', props.rootUrl, 'https://grafana.example.com/');
  const expose = props.expose === undefined ? undefined : resolveGrafanaExpose(props.expose, name, namespace);
  if (expose && props.fromNamespaces !== undefined) {
    fail(C, 'fromNamespaces', 'is set by expose.controllerNamespaces when Grafana is exposed', props.fromNamespaces,
      'list the ingress controller\'s or Gateway\'s namespaces in expose.controllerNamespaces and remove fromNamespaces');
  }
  const rootUrl = props.rootUrl ?? expose?.rootUrl;
  const auth = props.auth === undefined ? undefined : resolveGrafanaAuth(props.auth);
  if (auth && rootUrl === undefined) {
    fail(C, 'auth', 'needs Grafana\'s public URL for the OAuth redirect', auth.provider,
      'set expose (the URL derives from its host) or rootUrl, and register <rootUrl>login/<provider> at the provider');
  }

  const database = props.database;
  if (database) validateDatabase(database);

  const replicas = checkInteger(C, 'replicas', props.replicas ?? 1, 1, 20);
  if (replicas > 1 && !database) {
    fail(C, 'replicas', 'must be 1 with the built-in SQLite database', replicas,
      'SQLite lives on one ReadWriteOnce volume; set database (postgres or mysql) to run more replicas');
  }
  const persistence = props.persistence ?? !database;
  if (persistence && replicas > 1) {
    fail(C, 'persistence', `cannot be true with ${replicas} replicas`, persistence,
      'a ReadWriteOnce volume cannot be shared; set persistence: false (the external database keeps the state)');
  }

  const storageSize = props.storageSize ?? '1Gi';
  checkQuantity(C, 'storageSize', storageSize, '1Gi');
  if (props.storageClassName !== undefined) checkDnsSubdomain(C, 'storageClassName', props.storageClassName, 'standard');

  const { resources } = resolveResources(C, GRAFANA_DEFAULT_RESOURCES, props.resources, 'the default');

  const iniOverrides = props.iniOverrides ?? {};
  for (const [section, entries] of Object.entries(iniOverrides)) {
    if (!INI_SECTION_NAME.test(section)) {
      fail(C, `iniOverrides['${section}']`, 'is not a grafana.ini section name go-ini reads back (letters, digits, \'_\', \'.\', \':\', \'-\')',
        section,
        'write the section as Grafana names it, e.g. \'auth.generic_oauth\'');
    }
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
      fail(C, `iniOverrides.${section}`, 'must be an object of keys and values', entries, `write e.g. { '${section}': { key: 'value' } }`);
    }
    for (const [key, value] of Object.entries(entries)) checkIniEntry(section, key, value);
    if (section === 'security' && ('admin_password' in entries || 'admin_user' in entries)) {
      fail(C, `iniOverrides.security`, 'must not set the admin user or password (it would land in dist/)', Object.keys(entries),
        'put them in the Secret named by adminSecretName');
    }
    if (section === 'database' && 'password' in entries) {
      fail(C, 'iniOverrides.database.password', 'must not be set (it would land in dist/)', '<redacted>',
        'use database.password, a Secret reference');
    }
  }
  const secret = secretOverridePaths(iniOverrides).find((path) => !/^\$__(file|env)\{[^}]+\}$/.test(String(valueAt(iniOverrides, path))));
  if (secret !== undefined) {
    fail(C, `iniOverrides.${secret}`, 'must not hold a credential (it would land in the ConfigMap and in dist/)', '<redacted>',
      'reference it instead: $__file{<path>} of a file mounted from a Secret, or $__env{<VAR>} of a variable filled from a Secret');
  }

  const tenants = tempo.tenants ?? [];
  if (!Array.isArray(tenants)) fail(C, 'tempo.tenants', 'must be a list of tenant ids', tenants, 'pass the Tempo construct\'s tenants');
  tenants.forEach((t, i) => {
    if (typeof t !== 'string' || !TENANT_ID.test(t) || t === '.' || t === '..' || t === '*') {
      fail(C, `tempo.tenants[${i}]`, 'must be a Tempo tenant id (1 to 150 letters, digits or !-_.*\'(), not \'.\', \'..\' or \'*\')', t,
        'pass the Tempo construct\'s tenants');
    }
    if (tenants.indexOf(t) !== i) fail(C, `tempo.tenants[${i}]`, 'is listed twice', t, 'list each tenant once');
  });
  const crossTenantDatasource = props.crossTenantDatasource ?? false;
  if (typeof crossTenantDatasource !== 'boolean') {
    fail(C, 'crossTenantDatasource', 'must be true or false', crossTenantDatasource, 'write true or false');
  }
  if (crossTenantDatasource && (tempo.tenants?.length ?? 0) < 2) {
    fail(C, 'crossTenantDatasource', 'needs at least two Tempo tenants', tempo.tenants ?? [],
      'list two or more tempo.tenants, or leave crossTenantDatasource out');
  }

  return {
    name,
    namespace,
    image,
    tempo,
    prometheus,
    crossTenantDatasource,
    alertmanager: props.alertmanager,
    adminSecretName,
    anonymous: props.anonymous ?? false,
    rootUrl,
    persistence,
    storageSize,
    storageClassName: props.storageClassName,
    resources,
    replicas,
    database,
    iniOverrides,
    expose,
    auth,
    networkPolicy: props.networkPolicy ?? true,
    // Exposed, only the ingress controller's or Gateway's namespaces reach port 3000.
    fromNamespaces: checkNamespaceSelection(C, 'fromNamespaces', props.fromNamespaces ?? expose?.fromNamespaces ?? 'all'),
    ...resolveWorkloadIdentity(C, props),
  };
}

function checkUrl(prop: string, value: string, example: string): void {
  if (typeof value !== 'string' || !URL.test(value)) fail(C, prop, 'must be an http(s) URL', value, `use e.g. '${example}'`);
}

function validateDatabase(db: GrafanaDatabase): void {
  checkOneOf(C, 'database.type', db.type, DATABASE_TYPES);
  if (typeof db.host !== 'string' || !HOST_PORT.test(db.host)) {
    fail(C, 'database.host', 'must be host:port', db.host, 'write e.g. \'postgres.db.svc.cluster.local:5432\'');
  }
  for (const key of ['name', 'user'] as const) {
    if (typeof db[key] !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(db[key])) {
      fail(C, `database.${key}`, 'must be a plain name (letters, digits, \'_\', \'.\', \'-\')', db[key], 'write e.g. \'grafana\'');
    }
  }
  if (!db.password) fail(C, 'database.password', 'is required', db.password,
    'reference the Secret key holding the password, e.g. { name: \'grafana-db\', key: \'password\' }');
  checkDnsSubdomain(C, 'database.password.name', db.password.name, 'grafana-db');
  if (typeof db.password.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(db.password.key)) {
    fail(C, 'database.password.key', 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', db.password.key,
      'name the key inside the Secret, e.g. \'password\'');
  }
  if (db.sslMode !== undefined) {
    if (db.type !== 'postgres') fail(C, 'database.sslMode', 'applies to postgres only', db.sslMode, 'remove sslMode for mysql');
    checkOneOf(C, 'database.sslMode', db.sslMode, SSL_MODES);
  }
}

/** A grafana.ini entry go-ini reads back as written: a plain key name and a one-line scalar. */
function checkIniEntry(section: string, key: string, value: unknown): void {
  if (!INI_KEY_NAME.test(key)) {
    fail(C, `iniOverrides.${section}['${key}']`, 'is not a grafana.ini key name go-ini reads back (letters, digits, \'_\', \'.\', \'-\')', key,
      'write the key as Grafana names it, e.g. \'root_url\'');
  }
  const scalar = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  if (!scalar) {
    fail(C, `iniOverrides.${section}.${key}`, 'must be a string, number or boolean (grafana.ini has no nesting or lists)', value,
      'write one value; a list is a comma-separated string in grafana.ini, e.g. \'a,b\'');
  }
  if (typeof value === 'string' && /[\r\n]/.test(value)) {
    fail(C, `iniOverrides.${section}.${key}`, 'must fit on one line (go-ini ends a value at the line break)', value.replace(/\r?\n|\r/g, '\\n'),
      'write the value on one line');
  }
  if (typeof value === 'string' && value.includes('`') && (value !== value.trim() || /[;#"]/.test(value))) {
    fail(C, `iniOverrides.${section}.${key}`,
      'cannot hold a backtick together with spaces at its ends, \';\', \'#\' or \'"\' (such values are quoted with backticks)', value,
      'remove the backtick, or the characters that need quoting');
  }
}

function valueAt(ini: GrafanaIni, path: string): unknown {
  const dot = path.lastIndexOf('.');
  return ini[path.slice(0, dot)]?.[path.slice(dot + 1)];
}
