/**
 * A structural check of prometheus.yml: every key at every level must be one the configuration
 * reference of Prometheus 2.53 documents (docs/configuration/configuration.md in prometheus/prometheus) and 3.5 still
 * accepts. Prometheus itself refuses unknown keys at start-up (`field x not found in type
 * config.plain`), so a typo would crash-loop the pod: the tests check the generated config, and
 * the settings check `configOverrides` at synth. Keys that only 3.x knows (e.g.
 * `always_scrape_classic_histograms`, `metric_name_escaping_scheme`) are deliberately absent.
 * Only the sections this project writes are described in full (global, rule_files, scrape_configs
 * with Kubernetes and static discovery, alerting, remote_write); a top-level section outside them
 * (`storage`, `tracing`, `otlp`, `runtime`) is refused as unknown.
 */

/** A mapping of known keys. */
export type Shape = { readonly [key: string]: Node };
/** A key's shape: a plain value, a string-to-string map, a list of items, or a mapping. */
export type Node = 'leaf' | 'map' | { readonly list: Shape | 'leaf' } | Shape;

const relabel: Shape = {
  source_labels: { list: 'leaf' }, separator: 'leaf', regex: 'leaf', modulus: 'leaf', target_label: 'leaf', replacement: 'leaf', action: 'leaf',
};
const staticConfig: Shape = { targets: { list: 'leaf' }, labels: 'map' };
const tls: Shape = { ca_file: 'leaf', cert_file: 'leaf', key_file: 'leaf', server_name: 'leaf', insecure_skip_verify: 'leaf', min_version: 'leaf' };
const basicAuth: Shape = { username: 'leaf', password: 'leaf', password_file: 'leaf' };
const authorization: Shape = { type: 'leaf', credentials: 'leaf', credentials_file: 'leaf' };
const httpClient: Shape = {
  basic_auth: basicAuth, authorization, tls_config: tls, proxy_url: 'leaf', follow_redirects: 'leaf', enable_http2: 'leaf',
};
const kubernetesSd: Shape = {
  role: 'leaf', api_server: 'leaf', kubeconfig_file: 'leaf',
  namespaces: { own_namespace: 'leaf', names: { list: 'leaf' } },
  selectors: { list: { role: 'leaf', label: 'leaf', field: 'leaf' } },
  attach_metadata: { node: 'leaf' },
  ...httpClient,
};
const scrapeConfig: Shape = {
  job_name: 'leaf', scrape_interval: 'leaf', scrape_timeout: 'leaf', scrape_protocols: { list: 'leaf' }, metrics_path: 'leaf',
  honor_labels: 'leaf', honor_timestamps: 'leaf', track_timestamps_staleness: 'leaf', scheme: 'leaf', params: 'map',
  enable_compression: 'leaf', body_size_limit: 'leaf', sample_limit: 'leaf', label_limit: 'leaf', label_name_length_limit: 'leaf',
  label_value_length_limit: 'leaf', target_limit: 'leaf', keep_dropped_targets: 'leaf',
  kubernetes_sd_configs: { list: kubernetesSd }, static_configs: { list: staticConfig },
  relabel_configs: { list: relabel }, metric_relabel_configs: { list: relabel },
  ...httpClient,
};
const alertmanager: Shape = {
  timeout: 'leaf', api_version: 'leaf', path_prefix: 'leaf', scheme: 'leaf', static_configs: { list: staticConfig },
  kubernetes_sd_configs: { list: kubernetesSd }, relabel_configs: { list: relabel }, alert_relabel_configs: { list: relabel }, ...httpClient,
};
const remoteWrite: Shape = {
  url: 'leaf', name: 'leaf', remote_timeout: 'leaf', headers: 'map', send_exemplars: 'leaf', send_native_histograms: 'leaf',
  write_relabel_configs: { list: relabel },
  queue_config: { capacity: 'leaf', max_shards: 'leaf', min_shards: 'leaf', max_samples_per_send: 'leaf', batch_send_deadline: 'leaf',
    min_backoff: 'leaf', max_backoff: 'leaf' },
  metadata_config: { send: 'leaf', send_interval: 'leaf', max_samples_per_send: 'leaf' },
  ...httpClient,
};

/** The top level of prometheus.yml. */
export const PROMETHEUS_CONFIG_SHAPE: Shape = {
  global: {
    scrape_interval: 'leaf', scrape_timeout: 'leaf', scrape_protocols: { list: 'leaf' }, evaluation_interval: 'leaf',
    rule_query_offset: 'leaf', external_labels: 'map', query_log_file: 'leaf', body_size_limit: 'leaf', sample_limit: 'leaf',
    label_limit: 'leaf', label_name_length_limit: 'leaf', label_value_length_limit: 'leaf', target_limit: 'leaf', keep_dropped_targets: 'leaf',
  },
  rule_files: { list: 'leaf' },
  scrape_config_files: { list: 'leaf' },
  scrape_configs: { list: scrapeConfig },
  alerting: { alert_relabel_configs: { list: relabel }, alertmanagers: { list: alertmanager } },
  remote_write: { list: remoteWrite },
};

function walk(value: unknown, node: Node, where: string, out: string[]): void {
  if (node === 'leaf') {
    if (value !== null && typeof value === 'object') out.push(`${where}: expected a plain value`);
    return;
  }
  if (node === 'map') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) { out.push(`${where}: expected a map`); return; }
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') out.push(`${where}.${k}: expected a string`);
    return;
  }
  if ('list' in node && !Array.isArray((node as { list: unknown }).list)) {
    const item = (node as { list: Shape | 'leaf' }).list;
    if (!Array.isArray(value)) { out.push(`${where}: expected a list`); return; }
    value.forEach((v, i) => walk(v, item, `${where}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) { out.push(`${where}: expected an object`); return; }
  for (const [k, v] of Object.entries(value)) {
    const child = (node as Shape)[k];
    if (child === undefined) out.push(`${where ? `${where}.` : ''}${k}: unknown key`);
    else walk(v, child, where ? `${where}.${k}` : k, out);
  }
}

/** Paths of keys Prometheus would refuse, e.g. `scrape_configs[0].relabel_config: unknown key`; empty when every key is known. */
export function unknownPrometheusKeys(config: unknown): string[] {
  const out: string[] = [];
  walk(config, PROMETHEUS_CONFIG_SHAPE, '', out);
  return out;
}

/**
 * The keys Prometheus knows directly under `path` (as unknownPrometheusKeys reports it, list items
 * as `[0]`), for suggesting the key a typo meant. Empty when the place is not a mapping of keys.
 */
export function prometheusKeysAt(path: string): string[] {
  let node: Node = PROMETHEUS_CONFIG_SHAPE;
  for (const segment of path ? path.split('.') : []) {
    const match = /^([^[]*)((?:\[\d*\])*)$/.exec(segment);
    if (!match || node === 'leaf' || node === 'map' || 'list' in node) return [];
    const child: Node | undefined = (node as Shape)[match[1]];
    if (child === undefined) return [];
    node = child;
    for (let i = 0; i < (match[2].match(/\[/g) ?? []).length; i++) {
      if (node === 'leaf' || node === 'map' || !('list' in node) || Array.isArray(node.list)) return [];
      node = (node as { list: Shape | 'leaf' }).list;
    }
  }
  return node === 'leaf' || node === 'map' || 'list' in node ? [] : Object.keys(node);
}
