/**
 * The label contract between the components that produce metrics labels and those that select on
 * them: the Prometheus scrape config (or the Prometheus Operator's PodMonitor) attaches these
 * labels to every Tempo series, and the alert rules, recording rules and Grafana dashboards select
 * on them. Written down once, here; no component spells a label or a job name on its own.
 */

/** Target labels every scraped series carries (from Kubernetes service discovery). */
export const TARGET_LABELS = {
  /** The scrape job, a stable name per component (see SCRAPE_JOBS). */
  job: 'job',
  /** The pod's namespace. */
  namespace: 'namespace',
  /** The pod's name: one value per replica, so `up` and every alert say which replica. */
  pod: 'pod',
  /** The container's name. */
  container: 'container',
  /**
   * The Tempo component the pod runs (its `app.kubernetes.io/component` label): `distributor`,
   * `ingester`, `querier`, ... in distributed mode; `tracing-backend` for a pod running them all.
   */
  component: 'component',
} as const;

/** The pod label the `component` target label is read from. */
export const COMPONENT_POD_LABEL = 'app.kubernetes.io/component';

/** The `job` label of each scraped component. */
export const SCRAPE_JOBS = {
  /** Every Tempo pod, discovered through Kubernetes service discovery. */
  tempo: 'tempo',
  /** Prometheus scraping itself. */
  prometheus: 'prometheus',
  /** Every Alertmanager pod, discovered through Kubernetes service discovery. */
  alertmanager: 'alertmanager',
} as const;

/**
 * The label Tempo's metrics-generator puts on every series it remote-writes: the generator's
 * hostname, which is the pod name in Kubernetes. Remote-written series carry no job, namespace or
 * pod labels (recorded from Tempo 2.6.1 in test/fixtures/metrics/).
 */
export const GENERATOR_INSTANCE_LABEL = '__metrics_gen_instance';

/** The exemplar label Tempo's metrics-generator stores the trace id under. */
export const EXEMPLAR_TRACE_ID_LABEL = 'traceID';

/**
 * Recording rules shared by the alerts and the dashboards, named `level:metric:operation`
 * (Prometheus's naming convention). Each is aggregated by namespace and route; the rate window is
 * at least four scrape intervals of the Tempo job.
 */
export const RECORDING_RULES = {
  /** Requests per second by namespace, route and status_code, from `tempo_request_duration_seconds_count`. */
  requestRate: 'namespace_route_status_code:tempo_request:rate',
  /** 50th percentile request latency in seconds by namespace and route. */
  requestLatencyP50: 'namespace_route:tempo_request_duration_seconds:p50',
  /** 90th percentile request latency in seconds by namespace and route. */
  requestLatencyP90: 'namespace_route:tempo_request_duration_seconds:p90',
  /** 99th percentile request latency in seconds by namespace and route. */
  requestLatencyP99: 'namespace_route:tempo_request_duration_seconds:p99',
} as const;
