import { PrometheusProps, checkPrometheusDuration, checkPrometheusSize, resolvePrometheusSettings } from '../../charts/prometheus';

const tempo = { podSelector: { 'app.kubernetes.io/name': 'tempo' }, metricsPortName: 'http', replicas: 1 };
const three = { ...tempo, replicas: 3 };
const secret = { name: 's', key: 'k' };

describe('Prometheus settings', () => {
  test('defaults: 15d retention, 90 % of the PVC as retention size, the seed\'s intervals and labels, no generator', () => {
    const s = resolvePrometheusSettings({ tempo });
    expect(s).toMatchObject({
      name: 'prometheus', namespace: 'default', image: { repository: 'prom/prometheus', tag: 'v3.5.5' },
      scrapeInterval: '15s', evaluationInterval: '15s', tempoScrapeInterval: '30s',
      externalLabels: { cluster: 'tempo-cluster', environment: 'production' },
      retentionTime: '15d', storageSize: '10Gi', retentionSize: '9216MB', metricsGenerator: false, generatorActiveSeries: 0,
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    });
    expect(s.tempo.namespace).toBe('default');
  });

  test('the rules get the Tempo scrape interval, the generator and Tempo\'s memory limit; explicit rule options win', () => {
    expect(resolvePrometheusSettings({ tempo: { ...tempo, memoryLimitBytes: 2 ** 31 }, tempoScrapeInterval: '1m' }).rules)
      .toEqual({ tempoScrapeInterval: '1m', metricsGenerator: false, tempoMemoryLimitBytes: 2 ** 31 });
    expect(resolvePrometheusSettings({ tempo: { ...tempo, memoryLimitBytes: 2 ** 31 }, rules: { tempoMemoryLimitBytes: 1e9, runbookBaseUrl: 'https://wiki/x' } }).rules)
      .toEqual({ tempoScrapeInterval: '30s', metricsGenerator: false, tempoMemoryLimitBytes: 1e9, runbookBaseUrl: 'https://wiki/x' });
  });

  test('storage and memory are derived from the plan when not given', () => {
    const s = resolvePrometheusSettings({ tempo: three, metricsGenerator: true, generatorActiveSeries: 300_000, retentionTime: '30d' });
    expect(s.storageSize).toBe(`${Math.ceil(s.capacity.storageBytes / 2 ** 30)}Gi`);
    const memory = Number(/^(\d+)Mi$/.exec(s.resources.limits.memory)![1]) * 2 ** 20;
    expect(memory).toBeGreaterThanOrEqual(s.capacity.memoryBytes * 1.25);
    expect(memory - s.capacity.memoryBytes * 1.25).toBeLessThan(256 * 2 ** 20);
    expect(s.resources.requests.memory).toBe(s.resources.limits.memory);
  });

  test('Prometheus durations and sizes parse as Prometheus parses them', () => {
    expect(checkPrometheusDuration('p', 'x', '1h30m')).toBe(5400);
    expect(checkPrometheusDuration('p', 'x', '15d')).toBe(15 * 86400);
    expect(checkPrometheusDuration('p', 'x', '2w')).toBe(14 * 86400);
    expect(checkPrometheusDuration('p', 'x', '500ms')).toBe(0.5);
    expect(checkPrometheusSize('p', 'x', '512MB')).toBe(512 * 2 ** 20);
    expect(checkPrometheusSize('p', 'x', '45GB')).toBe(45 * 2 ** 30);
  });

  test.each([
    [{ tempo, name: 'Prom' }, "prometheus: 'name' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 50 "
      + "characters), got 'Prom'; pick a name such as 'prometheus'"],
    [{ tempo, namespace: 'A' }, "prometheus: 'namespace' must be a DNS label (lower-case letters, digits and '-', starting with a letter, at most 63 "
      + "characters), got 'A'; pick a name such as 'tempo'"],
    [{ tempo, image: { repository: 'prom/prometheus', tag: 'latest' } },
      "prometheus: 'image.tag' must be a pinned image tag, got 'latest'; use an exact version such as 'v3.5.5' (never 'latest')"],
    [{ tempo, image: { repository: '', tag: 'v1' } }, "prometheus: 'image.repository' must not be empty, got ''; use e.g. 'prom/prometheus'"],
    [{ tempo: undefined }, "prometheus: 'tempo' is required, got undefined; pass the Tempo pods to scrape: { podSelector, metricsPortName, replicas "
      + "} from the Tempo construct"],
    [{ tempo: { ...tempo, podSelector: {} } },
      "prometheus: 'tempo.podSelector' must name at least one label, got {}; pass Tempo's podSelector, which selects exactly its pods"],
    [{ tempo: { ...tempo, podSelector: { 'bad key!': 'x' } } },
      "prometheus: 'tempo.podSelector['bad key!']' must be a Kubernetes label key and value, got 'x'; pass Tempo's podSelector unchanged"],
    [{ tempo: { ...tempo, metricsPortName: 'HTTP' } },
      "prometheus: 'tempo.metricsPortName' must be a container port name, got 'HTTP'; pass Tempo's metricsPortName ('http')"],
    [{ tempo: { ...tempo, replicas: 0 } }, "prometheus: 'tempo.replicas' must be a whole number >= 1, got 0; use a whole number >= 1"],
    [{ tempo: { ...tempo, memoryLimitBytes: 1.5 } },
      "prometheus: 'tempo.memoryLimitBytes' must be a whole number >= 1, got 1.5; use a whole number >= 1"],
    [{ tempo: { ...tempo, namespace: 'Bad' } }, "prometheus: 'tempo.namespace' must be a DNS label (lower-case letters, digits and '-', starting "
      + "with a letter, at most 63 characters), got 'Bad'; pick a name such as 'tempo'"],
    [{ tempo, scrapeInterval: '15' }, "prometheus: 'scrapeInterval' must be a positive Prometheus duration such as '30s', '5m', '15d', got '15'; "
      + "write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. '1h30m')"],
    [{ tempo, scrapeInterval: '5s' }, "prometheus: 'scrapeInterval' must be at least 10s (the scrape timeout), got '5s'; use '10s' or longer"],
    [{ tempo, evaluationInterval: '1m30' }, "prometheus: 'evaluationInterval' must be a positive Prometheus duration such as '30s', '5m', '15d', got "
      + "'1m30'; write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. '1h30m')"],
    [{ tempo, tempoScrapeInterval: '0s' }, "prometheus: 'tempoScrapeInterval' must be a positive Prometheus duration such as '30s', '5m', '15d', got "
      + "'0s'; write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. '1h30m')"],
    [{ tempo, tempoScrapeInterval: '5s' },
      "prometheus: 'tempoScrapeInterval' must be at least 10s (the scrape timeout), got '5s'; use '10s' or longer"],
    [{ tempo, cluster: '' },
      "prometheus: 'cluster' must be a short label value (1 to 128 characters, no quotes, backslashes or newlines), got ''; use e.g. 'eu-prod-1'"],
    [{ tempo, environment: 'a"b' }, "prometheus: 'environment' must be a short label value (1 to 128 characters, no quotes, backslashes or "
      + "newlines), got 'a\"b'; use e.g. 'eu-prod-1'"],
    [{ tempo, retentionTime: '15 days' }, "prometheus: 'retentionTime' must be a positive Prometheus duration such as '30s', '5m', '15d', got '15 "
      + "days'; write whole numbers with the units y, w, d, h, m, s or ms, largest first (e.g. '1h30m')"],
    [{ tempo, metricsGenerator: true }, "prometheus: 'generatorActiveSeries' is required when metricsGenerator is on, got undefined; pass Tempo's "
      + "metrics_generator.max_active_series (Tempo's default is unlimited, and memory and disk are sized from it)"],
    [{ tempo, metricsGenerator: true, generatorActiveSeries: 0 },
      "prometheus: 'generatorActiveSeries' must be a whole number >= 1, got 0; use a whole number >= 1"],
    [{ tempo, generatorActiveSeries: 1000 }, "prometheus: 'generatorActiveSeries' only applies with metricsGenerator: true, got 1000; remove it, or "
      + "set metricsGenerator: true when Tempo's metrics-generator writes here"],
    [{ tempo, additionalActiveSeries: -1 }, "prometheus: 'additionalActiveSeries' must be a whole number >= 0, got -1; use a whole number >= 0"],
    [{ tempo, storageSize: '10GB' }, "prometheus: 'storageSize' must be a positive Kubernetes quantity, got '10GB'; write it like '20Gi'"],
    [{ tempo: three, storageSize: '5Gi', metricsGenerator: true, generatorActiveSeries: 50000 }, "prometheus: 'storageSize' is too small for 15d of "
      + "60000 active series (the TSDB needs about 11Gi), got '5Gi'; raise it to at least '11Gi', or shorten retentionTime"],
    [{ tempo, storageClassName: 'Fast SSD' }, "prometheus: 'storageClassName' must be a DNS subdomain (lower-case letters, digits, '-' and '.', "
      + "starting and ending alphanumeric, at most 253 characters), got 'Fast SSD'; name an object such as 'standard'"],
    [{ tempo, retentionSize: '10G' }, "prometheus: 'retentionSize' must be a positive Prometheus size, got '10G'; write a whole number with one of "
      + "the units B, KB, MB, GB, TB, PB, EB, e.g. '45GB'"],
    [{ tempo, storageSize: '10Gi', retentionSize: '10GB' }, "prometheus: 'retentionSize' must leave 5 % of storageSize (10Gi) free for compaction, "
      + "got '10GB'; lower it to at most '9728MB', or raise storageSize"],
    [{ tempo, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } } }, "prometheus: "
      + "'resources.limits.memory' is too small for 4000 active series (Prometheus needs about 268Mi), got '256Mi'; raise it to at least 268Mi, or "
      + "lower the series (tempo.replicas)"],
    [{ tempo: three, metricsGenerator: true, generatorActiveSeries: 1_000_000, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2',
      memory: '2Gi' } } }, "prometheus: 'resources.limits.memory' is too small for 1010000 active series (Prometheus needs about 3215Mi), got '2Gi'; "
        + "raise it to at least 3215Mi, or lower the series (generatorActiveSeries, tempo.replicas)"],
    [{ tempo, additionalActiveSeries: 1_000_000, resources: { limits: { memory: '2Gi' } } },
      "or lower the series (additionalActiveSeries, tempo.replicas)"],
    [{ tempo, resources: { requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
      "prometheus: 'resources.requests.cpu' must not exceed the limit (1), got '2'; lower the request or raise the limit"],
    [{ tempo, alertmanagerUrl: 'alertmanager:9093' }, "prometheus: 'alertmanagerUrl' must be an http(s) URL without query or fragment, got 'alertmanager:9093'; use e.g. 'http://alertmanager.monitoring.svc.cluster.local:9093'"],
    [{ tempo, remoteWrite: { url: 'mimir/api/v1/push' } }, "prometheus: 'remoteWrite.url' must be an http(s) URL without query or fragment, got 'mimir/api/v1/push'; use e.g. 'https://mimir.example.com/api/v1/push'"],
    [{ tempo, remoteWrite: { url: 'https://m/x', name: 'a b' } }, "prometheus: 'remoteWrite.name' must be 1 to 63 letters, digits, '-' or '_', got 'a b'; use e.g. 'long-term'"],
    [{ tempo, remoteWrite: { url: 'https://m/x', basicAuth: { username: 'u', password: secret }, bearerToken: secret } }, "prometheus: 'remoteWrite' takes basicAuth or bearerToken, not both, got 'basicAuth+bearerToken'; keep the one your store expects"],
    [{ tempo, remoteWrite: { url: 'https://m/x', basicAuth: { username: '', password: secret } } }, "prometheus: 'remoteWrite.basicAuth.username' must be a non-empty user name, got ''; set the user name your store expects (for Mimir, the tenant id)"],
    [{ tempo, remoteWrite: { url: 'https://m/x', basicAuth: { username: 'u', password: { name: 'S_x', key: 'k' } } } }, "prometheus: 'remoteWrite.basicAuth.password.name' must be the name of a Secret, got 'S_x'; name a Secret in the same namespace, e.g. 'remote-write-credentials'"],
    [{ tempo, remoteWrite: { url: 'https://m/x', bearerToken: { name: 's', key: 'k/x' } } }, "prometheus: 'remoteWrite.bearerToken.key' must be a Secret key (letters, digits, '-', '_', '.'), got 'k/x'; name the key inside the Secret, e.g. 'password'"],
  ] as Array<[PrometheusProps, string]>)('refuses %j', (props, message) => {
    expect(() => resolvePrometheusSettings(props)).toThrow(message);
  });
});
