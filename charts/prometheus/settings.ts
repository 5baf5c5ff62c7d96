import { IMAGES } from '../shared/images';
import { SecretKeyRef } from '../shared/secrets';
import { checkNetworkPeers } from '../shared/network';
import {
  checkDnsLabel, checkDnsSubdomain, checkImageRepository, checkImageTag, checkInteger, checkQuantity, fail, formatMiB,
} from '../shared/validate';
import { ConfigOverrides, closestKey, resolveResources, secretOverridePaths, valueAtPath } from '../shared/merge';
import { ALERTMANAGER_SERIES_PER_POD, PrometheusCapacityPlan, RETENTION_SIZE_FRACTION, planPrometheusCapacity } from './capacity';
import { prometheusKeysAt, unknownPrometheusKeys } from './keys';
import { AlertmanagerTarget, PrometheusProps, PrometheusResources, RemoteWriteTarget, TempoScrapeTarget } from './props';
import { TempoRulesOptions } from './rules';
import { WorkloadIdentity, resolveWorkloadIdentity } from '../shared/workload-identity';

const C = 'prometheus';

/** The default name of the StatefulSet and its Service. */
export const DEFAULT_PROMETHEUS_NAME = 'prometheus';

/** The Tempo target with its namespace resolved. */
export interface ResolvedTempoTarget extends TempoScrapeTarget {
  readonly namespace: string;
}

/** The Alertmanager pods with their namespace resolved. */
export interface ResolvedAlertmanagerTarget extends AlertmanagerTarget {
  readonly namespace: string;
}

/**
 * Every Prometheus setting with defaults applied and validated: the input of the config builder
 * and the construct. Fields named like a prop have that prop's type and meaning (documented on
 * PrometheusProps), resolved; the others are derived once here.
 */
export interface PrometheusSettings extends WorkloadIdentity, Required<Pick<PrometheusProps,
  'name' | 'namespace' | 'image' | 'scrapeInterval' | 'evaluationInterval' | 'tempoScrapeInterval' | 'retentionTime' | 'retentionSize' | 'storageSize'
  | 'metricsGenerator' | 'generatorActiveSeries' | 'additionalActiveSeries' | 'networkPolicy' | 'clients'>>,
  Pick<PrometheusProps, 'storageClassName' | 'alertmanagerUrl' | 'remoteWrite' | 'configOverrides'> {
  readonly tempo: ResolvedTempoTarget;
  /** The `cluster` and `environment` props, as prometheus.yml's external labels. */
  readonly externalLabels: { readonly cluster: string; readonly environment: string };
  readonly resources: PrometheusResources;
  readonly capacity: PrometheusCapacityPlan;
  /** The `alertmanagers` prop, its namespace resolved. */
  readonly alertmanagers?: ResolvedAlertmanagerTarget;
  /** The `rules` options, with what the settings above decide for them. */
  readonly rules: TempoRulesOptions;
}

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_DURATION_UNITS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 1e-3];

/**
 * Checks a duration in Prometheus's syntax (`15s`, `1m`, `1h30m`, `15d`, `2w`; units in
 * descending order, whole numbers) and returns it in seconds. Zero is refused.
 */
export function checkPrometheusDuration(component: string, prop: string, value: string): number {
  const match = typeof value === 'string' && value !== '' ? PROM_DURATION.exec(value) : null;
  const seconds = match ? match.slice(1).reduce((sum, amount, i) => sum + Number(amount ?? 0) * PROM_DURATION_UNITS[i], 0) : 0;
  if (!match || seconds <= 0) {
    fail(component, prop, 'must be a positive Prometheus duration such as \'30s\', \'5m\', \'15d\'', value,
      'write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. \'1h30m\')');
  }
  return seconds;
}

const PROM_SIZE = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/;
const PROM_SIZE_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };

/** Checks a size in Prometheus's units (`512MB`, `45GB`; powers of 1024) and returns bytes. */
export function checkPrometheusSize(component: string, prop: string, value: string): number {
  const match = typeof value === 'string' ? PROM_SIZE.exec(value) : null;
  const bytes = match ? Number(match[1]) * PROM_SIZE_UNITS[match[2]] : 0;
  if (!match || bytes <= 0) {
    fail(component, prop, 'must be a positive Prometheus size', value,
      'write a whole number with one of the units B, KB, MB, GB, TB, PB, EB, e.g. \'45GB\'');
  }
  return bytes;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/** Resolves and validates PrometheusProps. Throws a ConfigError naming the prop on bad input. */
export function resolvePrometheusSettings(props: PrometheusProps): PrometheusSettings {
  const name = checkDnsLabel(C, 'name', props.name ?? DEFAULT_PROMETHEUS_NAME, 50);
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default', 63, 'tempo');

  const image = props.image ?? IMAGES.prometheus;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, 'use e.g. \'prom/prometheus\'');
  checkImageRepository(C, 'image.repository', image.repository, 'prom/prometheus');
  checkImageTag(C, 'image.tag', image.tag, IMAGES.prometheus.tag);

  const tempo = resolveTempoTarget(props.tempo, namespace);

  const scrapeInterval = props.scrapeInterval ?? '15s';
  const evaluationInterval = props.evaluationInterval ?? '15s';
  const tempoScrapeInterval = props.tempoScrapeInterval ?? '30s';
  const scrapeSeconds = checkPrometheusDuration(C, 'scrapeInterval', scrapeInterval);
  checkPrometheusDuration(C, 'evaluationInterval', evaluationInterval);
  const tempoScrapeSeconds = checkPrometheusDuration(C, 'tempoScrapeInterval', tempoScrapeInterval);
  // Prometheus refuses a scrape_timeout longer than the interval; the global timeout is 10s.
  if (scrapeSeconds < 10) fail(C, 'scrapeInterval', 'must be at least 10s (the scrape timeout)', scrapeInterval, 'use \'10s\' or longer');
  if (tempoScrapeSeconds < 10) fail(C, 'tempoScrapeInterval', 'must be at least 10s (the scrape timeout)', tempoScrapeInterval,
    'use \'10s\' or longer');

  const externalLabels = {
    cluster: checkLabelValue('cluster', props.cluster ?? 'tempo-cluster'),
    environment: checkLabelValue('environment', props.environment ?? 'production'),
  };

  const retentionTime = props.retentionTime ?? '15d';
  const retentionSeconds = checkPrometheusDuration(C, 'retentionTime', retentionTime);

  const metricsGenerator = props.metricsGenerator ?? false;
  let generatorActiveSeries = 0;
  if (metricsGenerator) {
    if (props.generatorActiveSeries === undefined) {
      fail(C, 'generatorActiveSeries', 'is required when metricsGenerator is on', props.generatorActiveSeries,
        'pass Tempo\'s metrics_generator.max_active_series (Tempo\'s default is unlimited, and memory and disk are sized from it)');
    }
    generatorActiveSeries = checkInteger(C, 'generatorActiveSeries', props.generatorActiveSeries, 1);
  } else if (props.generatorActiveSeries !== undefined) {
    fail(C, 'generatorActiveSeries', 'only applies with metricsGenerator: true', props.generatorActiveSeries,
      'remove it, or set metricsGenerator: true when Tempo\'s metrics-generator writes here');
  }
  const additionalActiveSeries = checkInteger(C, 'additionalActiveSeries', props.additionalActiveSeries ?? 0, 0);
  const alertmanagers = props.alertmanagers === undefined ? undefined : resolveAlertmanagerTarget(props.alertmanagers, namespace);
  if (alertmanagers && props.alertmanagerUrl !== undefined) {
    fail(C, 'alertmanagerUrl', 'cannot be combined with alertmanagers (the stack\'s own Alertmanager)', props.alertmanagerUrl,
      'remove alertmanagerUrl to send to the stack\'s Alertmanager, or remove the stack\'s Alertmanager to send elsewhere');
  }

  const capacity = planPrometheusCapacity({
    tempoReplicas: tempo.replicas,
    tempoScrapeIntervalSeconds: tempoScrapeSeconds,
    scrapeIntervalSeconds: scrapeSeconds,
    generatorActiveSeries,
    // The alertmanager job scrapes every replica at the global interval, like an added job.
    additionalActiveSeries: additionalActiveSeries + (alertmanagers?.replicas ?? 0) * ALERTMANAGER_SERIES_PER_POD,
    retentionSeconds,
  });

  const storageSize = props.storageSize ?? `${Math.max(10, Math.ceil(capacity.storageBytes / 2 ** 30))}Gi`;
  const storageBytes = checkQuantity(C, 'storageSize', storageSize, '20Gi');
  if (storageBytes < capacity.storageBytes) {
    const needed = `${Math.ceil(capacity.storageBytes / 2 ** 30)}Gi`;
    fail(C, 'storageSize', `is too small for ${retentionTime} of ${Math.round(capacity.activeSeries)} active series (the TSDB needs about ${needed})`,
      storageSize, `raise it to at least '${needed}', or shorten retentionTime`);
  }
  if (props.storageClassName !== undefined) checkDnsSubdomain(C, 'storageClassName', props.storageClassName, 'standard');

  let retentionSize = `${Math.floor(storageBytes * RETENTION_SIZE_FRACTION / 2 ** 20)}MB`;
  if (props.retentionSize !== undefined) {
    retentionSize = props.retentionSize;
    const bytes = checkPrometheusSize(C, 'retentionSize', retentionSize);
    if (bytes > storageBytes * 0.95) {
      fail(C, 'retentionSize', `must leave 5 % of storageSize (${storageSize}) free for compaction`, retentionSize,
        `lower it to at most '${Math.floor(storageBytes * 0.95 / 2 ** 20)}MB', or raise storageSize`);
    }
  }

  const { resources, parsed: { limitMemory } } = resolveResources(C, defaultResources(capacity.memoryBytes, props.resources?.limits?.memory),
    props.resources, 'the capacity plan\'s default');
  if (limitMemory < capacity.memoryBytes) {
    const names = props.seriesPropNames;
    const sources = [
      ...(generatorActiveSeries > 0 ? [names?.generatorActiveSeries ?? 'generatorActiveSeries'] : []),
      ...(additionalActiveSeries > 0 ? ['additionalActiveSeries'] : []),
      names?.tempoReplicas ?? 'tempo.replicas',
    ];
    fail(C, 'resources.limits.memory',
      `is too small for ${Math.round(capacity.activeSeries)} active series (Prometheus needs about ${formatMiB(capacity.memoryBytes)})`,
      resources.limits.memory, `raise it to at least ${formatMiB(capacity.memoryBytes)}, or lower the series (${sources.join(', ')})`);
  }

  if (props.alertmanagerUrl !== undefined && !HTTP_URL.test(props.alertmanagerUrl)) {
    fail(C, 'alertmanagerUrl', 'must be an http(s) URL without query or fragment', props.alertmanagerUrl,
      'use e.g. \'http://alertmanager.monitoring.svc.cluster.local:9093\'');
  }
  if (props.remoteWrite) checkRemoteWrite(props.remoteWrite);

  return {
    name,
    namespace,
    image,
    tempo,
    scrapeInterval,
    evaluationInterval,
    tempoScrapeInterval,
    externalLabels,
    retentionTime,
    retentionSize,
    storageSize,
    storageClassName: props.storageClassName,
    resources,
    metricsGenerator,
    generatorActiveSeries,
    additionalActiveSeries,
    capacity,
    alertmanagerUrl: props.alertmanagerUrl,
    alertmanagers,
    remoteWrite: props.remoteWrite,
    rules: {
      ...props.rules,
      tempoScrapeInterval,
      metricsGenerator,
      tempoMemoryLimitBytes: props.rules?.tempoMemoryLimitBytes ?? tempo.memoryLimitBytes,
      ...(props.rules?.rings ?? tempo.rings ? { rings: props.rules?.rings ?? tempo.rings } : {}),
      // Alerts that reach an Alertmanager get the Watchdog; the stack's own also its alerts.
      ...(props.alertmanagerUrl !== undefined || alertmanagers !== undefined ? { watchdog: true } : {}),
      ...(alertmanagers ? { alertmanager: { replicas: alertmanagers.replicas } } : {}),
    },
    configOverrides: checkConfigOverrides(props.configOverrides),
    networkPolicy: props.networkPolicy ?? true,
    clients: checkNetworkPeers(C, 'clients', props.clients ?? [{ podSelector: {} }]),
    ...resolveWorkloadIdentity(C, props),
  };
}

/** Share above the planned memory the default limit adds, for query spikes and compaction. */
export const MEMORY_HEADROOM = 1.25;

/**
 * Requests and limits from the planned memory plus headroom, rounded up to 256Mi (at least
 * 512Mi). The memory request equals the limit, so the pod is never the first evicted: a memory
 * limit the user sets alone becomes the default request too.
 */
function defaultResources(memoryBytes: number, memoryLimit: string | undefined): PrometheusResources {
  const planned = `${Math.max(512, Math.ceil(memoryBytes * MEMORY_HEADROOM / 2 ** 28) * 256)}Mi`;
  return { requests: { cpu: '250m', memory: memoryLimit ?? planned }, limits: { cpu: '1', memory: planned } };
}

function resolveTempoTarget(tempo: TempoScrapeTarget | undefined, namespace: string): ResolvedTempoTarget {
  if (!tempo) fail(C, 'tempo', 'is required', tempo,
    'pass the Tempo pods to scrape: { podSelector, metricsPortName, replicas } from the Tempo construct');
  const selector = tempo.podSelector ?? {};
  if (Object.keys(selector).length === 0) {
    fail(C, 'tempo.podSelector', 'must name at least one label', tempo.podSelector, 'pass Tempo\'s podSelector, which selects exactly its pods');
  }
  for (const [key, value] of Object.entries(selector)) {
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)
      || !/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value)) {
      fail(C, `tempo.podSelector['${key}']`, 'must be a Kubernetes label key and value', value, 'pass Tempo\'s podSelector unchanged');
    }
  }
  if (typeof tempo.metricsPortName !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(tempo.metricsPortName)) {
    fail(C, 'tempo.metricsPortName', 'must be a container port name', tempo.metricsPortName, 'pass Tempo\'s metricsPortName (\'http\')');
  }
  checkInteger(C, 'tempo.replicas', tempo.replicas, 1);
  if (tempo.memoryLimitBytes !== undefined) checkInteger(C, 'tempo.memoryLimitBytes', tempo.memoryLimitBytes, 1);
  return { ...tempo, namespace: checkDnsLabel(C, 'tempo.namespace', tempo.namespace ?? namespace, 63, 'tempo') };
}

function resolveAlertmanagerTarget(target: AlertmanagerTarget, namespace: string): ResolvedAlertmanagerTarget {
  const selector = target.podSelector ?? {};
  if (typeof selector !== 'object' || Object.keys(selector).length === 0) {
    fail(C, 'alertmanagers.podSelector', 'must name at least one label', target.podSelector, 'pass the Alertmanager construct\'s pods.podSelector');
  }
  for (const [key, value] of Object.entries(selector)) {
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)
      || !/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/.test(value)) {
      fail(C, `alertmanagers.podSelector['${key}']`, 'must be a Kubernetes label key and value', value,
        'pass the Alertmanager construct\'s pods.podSelector unchanged');
    }
  }
  // An IANA_SVC_NAME, as Kubernetes checks container port names: it needs a letter.
  if (typeof target.portName !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(target.portName) || !/[a-z]/.test(target.portName)) {
    fail(C, 'alertmanagers.portName', 'must be a container port name', target.portName,
      'pass the Alertmanager construct\'s pods.portName (\'http\')');
  }
  checkInteger(C, 'alertmanagers.replicas', target.replicas, 1);
  return { ...target, namespace: checkDnsLabel(C, 'alertmanagers.namespace', target.namespace ?? namespace, 63, 'tempo') };
}

function checkLabelValue(prop: string, value: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 128 || /[\n"\\]/.test(value)) {
    fail(C, prop, 'must be a short label value (1 to 128 characters, no quotes, backslashes or newlines)', value, 'use e.g. \'eu-prod-1\'');
  }
  return value;
}

/** Checks a Secret reference: a DNS-subdomain name and a Secret key. */
export function checkSecretKeyRef(component: string, prop: string, ref: SecretKeyRef): SecretKeyRef {
  if (!ref || typeof ref.name !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(ref.name)) {
    fail(component, `${prop}.name`, 'must be the name of a Secret', ref?.name,
      'name a Secret in the same namespace, e.g. \'remote-write-credentials\'');
  }
  if (typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
    fail(component, `${prop}.key`, 'must be a Secret key (letters, digits, \'-\', \'_\', \'.\')', ref.key,
      'name the key inside the Secret, e.g. \'password\'');
  }
  return ref;
}

function checkRemoteWrite(rw: RemoteWriteTarget): void {
  if (!HTTP_URL.test(rw.url ?? '')) {
    fail(C, 'remoteWrite.url', 'must be an http(s) URL without query or fragment', rw.url, 'use e.g. \'https://mimir.example.com/api/v1/push\'');
  }
  if (rw.name !== undefined && !/^[A-Za-z0-9_-]{1,63}$/.test(rw.name)) {
    fail(C, 'remoteWrite.name', 'must be 1 to 63 letters, digits, \'-\' or \'_\'', rw.name, 'use e.g. \'long-term\'');
  }
  if (rw.basicAuth && rw.bearerToken) {
    fail(C, 'remoteWrite', 'takes basicAuth or bearerToken, not both', 'basicAuth+bearerToken', 'keep the one your store expects');
  }
  if (rw.basicAuth) {
    if (typeof rw.basicAuth.username !== 'string' || rw.basicAuth.username === '' || /[\n"\\]/.test(rw.basicAuth.username)) {
      fail(C, 'remoteWrite.basicAuth.username', 'must be a non-empty user name', rw.basicAuth.username,
        'set the user name your store expects (for Mimir, the tenant id)');
    }
    checkSecretKeyRef(C, 'remoteWrite.basicAuth.password', rw.basicAuth.password);
  }
  if (rw.bearerToken) checkSecretKeyRef(C, 'remoteWrite.bearerToken', rw.bearerToken);
}

/** Lists an override must not replace, and the method that adds to them instead. */
const OWNED_LISTS: Record<string, string> = {
  scrape_configs: 'the Tempo and self-scrape jobs; add jobs with addScrapeJob()',
  rule_files: 'the rules directory the Tempo alerts load from; add rules with addRuleGroup()',
};

/**
 * Checks `configOverrides` against the keys Prometheus 2.53 and 3.5 accept (it refuses an unknown
 * key at start-up), so a typo fails at synth with its path.
 */
function checkConfigOverrides(overrides: ConfigOverrides | undefined): ConfigOverrides | undefined {
  if (overrides === undefined) return undefined;
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    fail(C, 'configOverrides', 'must be a mapping of prometheus.yml keys', overrides,
      'write e.g. { global: { query_log_file: \'/prometheus/query.log\' } }');
  }
  for (const [key, what] of Object.entries(OWNED_LISTS)) {
    if (key in overrides) {
      fail(C, `configOverrides.${key}`, `must not be overridden (a list replaces ${what.split(';')[0]})`, overrides[key], what.split('; ')[1]);
    }
  }
  const problem = unknownPrometheusKeys(overrides)[0];
  if (problem !== undefined) {
    const [, path, what] = /^(.*): (unknown key|expected .*)$/.exec(problem) ?? [problem, problem, 'unknown key'];
    const got = valueAtPath(overrides, path);
    if (what !== 'unknown key') {
      fail(C, `configOverrides.${path}`, `does not have the shape Prometheus expects (${what})`, got,
        `write ${what.replace('expected ', '')} at this key, as in Prometheus's configuration reference`);
    }
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? '' : path.slice(0, dot);
    const key = path.slice(dot + 1);
    const suggestion = closestKey(key, prometheusKeysAt(parent));
    fail(C, `configOverrides.${path}`, 'is not a Prometheus config key (2.53 and 3.5)', got, suggestion
      ? `did you mean '${parent ? `${parent}.` : ''}${suggestion}'? Prometheus refuses unknown keys at start-up`
      : `Prometheus refuses unknown keys at start-up; check the key and its level (${parent ? `'${parent}'` : 'the top level'}) `
        + 'against Prometheus\'s configuration reference');
  }
  const secret = secretOverridePaths(overrides)[0];
  if (secret !== undefined) {
    fail(C, `configOverrides.${secret}`, 'must not hold a credential (it would land in the ConfigMap and in dist/)', '<redacted>',
      'use a *_file key naming a file mounted from a Secret, or remoteWrite.basicAuth / remoteWrite.bearerToken (Secret references)');
  }
  return overrides;
}
