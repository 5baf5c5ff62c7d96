import { ImageRef } from '../shared/images';
import { ConfigOverrides, ResourceOverrides } from '../shared/merge';
import { NetworkPeer } from '../shared/network';
import { SecretKeyRef } from '../shared/secrets';
import { ContainerResources } from '../shared/workload';
import { TempoRulesOptions } from './rules';
import { WorkloadIdentityProps } from '../shared/workload-identity';

/**
 * The Tempo pods Prometheus scrapes, as the Tempo construct exposes them (`tempo.podSelector`,
 * `tempo.metricsPortName`, `tempo.settings.replicas`). Passed in by the stack: the Prometheus
 * component never imports Tempo.
 */
export interface TempoScrapeTarget {
  /** The labels that select every Tempo pod, and only those (`Tempo.podSelector`). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The name of the container port serving `/metrics` (`Tempo.metricsPortName`). */
  readonly metricsPortName: string;
  /** How many Tempo pods run; the capacity plan counts their series. */
  readonly replicas: number;
  /** The namespace Tempo runs in. @default - Prometheus's namespace */
  readonly namespace?: string;
  /** Tempo's container memory limit in bytes, for the TempoHighMemory alert. @default - the rules' fixed threshold */
  readonly memoryLimitBytes?: number;
  /**
   * The members each of Tempo's rings should have (`tempoRingMembers(tempo.settings)`), for the
   * `TempoRingMembersMissing` alert. @default - no ring size alert
   */
  readonly rings?: Readonly<Record<string, number>>;
}

/**
 * The Alertmanager pods Prometheus sends every alert to (each replica, so they deduplicate; never
 * one load-balanced Service) and scrapes, as the Alertmanager construct exposes them
 * (`alertmanager.pods`). Passed in by the stack: the Prometheus component never imports Alertmanager.
 */
export interface AlertmanagerTarget {
  /** The labels that select every Alertmanager pod, and only those. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The container port of Alertmanager's API and /metrics. */
  readonly portName: string;
  /** How many replicas run; the alerts check Prometheus finds them all. */
  readonly replicas: number;
  /** The namespace the pods run in. @default - Prometheus's namespace */
  readonly namespace?: string;
}

/**
 * Remote write of every series to a long-term store (Mimir, Thanos Receive, Cortex, any
 * remote-write endpoint). Credentials only by Secret reference: the Secret is mounted read-only and
 * Prometheus reads the file (`password_file`, `credentials_file`); no credential reaches the
 * ConfigMap or dist/.
 */
export interface RemoteWriteTarget {
  /** The endpoint, e.g. `https://mimir.example.com/api/v1/push`. */
  readonly url: string;
  /** A name for the queue's metrics (`remote_name` label). @default 'long-term' */
  readonly name?: string;
  /**
   * HTTP basic auth. The username is written into prometheus.yml (Prometheus's maintainers do not
   * treat it as a secret, and `username_file` is not in Prometheus 2.53); the password is read from
   * the Secret, mounted as a file.
   * @default - none
   */
  readonly basicAuth?: { readonly username: string; readonly password: SecretKeyRef };
  /** A bearer token read from the Secret, mounted as a file (`authorization.credentials_file`). @default - none */
  readonly bearerToken?: SecretKeyRef;
}

/** CPU and memory for the Prometheus container, as Kubernetes quantities. */
export type PrometheusResources = ContainerResources;

/**
 * Settings of the Prometheus that scrapes Tempo and holds its alert rules. Only `tempo` is
 * required; everything else has a default, and storage and memory are derived from the capacity
 * plan (see docs/prometheus.md, "Capacity model").
 */
export interface PrometheusProps extends WorkloadIdentityProps {
  /** The Tempo pods to scrape. */
  readonly tempo: TempoScrapeTarget;
  /** Name of the StatefulSet, its Service, ServiceAccount and Role. A DNS label. @default 'prometheus' */
  readonly name?: string;
  /** Namespace the objects live in. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** The image; the tag must be pinned. @default prom/prometheus:v3.5.5 */
  readonly image?: ImageRef;
  /** `global.scrape_interval` (Prometheus duration: `15s`, `1m`, `1h30m`, `15d`). @default '15s' */
  readonly scrapeInterval?: string;
  /** `global.evaluation_interval`: how often rules are evaluated. @default '15s' */
  readonly evaluationInterval?: string;
  /** The Tempo job's scrape interval. @default '30s' (the seed's) */
  readonly tempoScrapeInterval?: string;
  /**
   * `external_labels.cluster`: names this cluster to Alertmanager and remote storage.
   * @default - in a TempoStack its namespace, else 'tempo-cluster'
   */
  readonly cluster?: string;
  /** `external_labels.environment`. @default - in a TempoStack its id (the environment's name), else 'production' */
  readonly environment?: string;
  /** `--storage.tsdb.retention.time`. @default '15d' */
  readonly retentionTime?: string;
  /**
   * `--storage.tsdb.retention.size` in Prometheus's units (`B`, `KB`, `MB`, `GB`, `TB`; powers of
   * 1024), a cap so the PVC never fills. At most 95 % of `storageSize`.
   * @default - 90 % of storageSize
   */
  readonly retentionSize?: string;
  /** Size of the PersistentVolumeClaim at /prometheus (TSDB blocks and WAL). @default - what the capacity plan needs, at least 10Gi */
  readonly storageSize?: string;
  /** StorageClass of the PVC. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * CPU and memory of the Prometheus container, on top of the defaults: set only the quantities to
   * change (`{ limits: { cpu: '2' } }` keeps the planned memory and the CPU request). A memory
   * limit set alone is also the memory request (kept equal, so the pod is never evicted first).
   * The memory limit must hold the capacity plan.
   * @default CPU requests 250m, limits 1 CPU; memory the plan's plus 25 %, rounded up to 256Mi, at least 512Mi, requests equal to limits
   */
  readonly resources?: ResourceOverrides;
  /**
   * prometheus.yml keys this project does not model, deep-merged over the generated config last:
   * mappings merge key by key, a list or scalar replaces what was there (`remote_write`,
   * `alerting.alertmanagers`), `null` removes a key. Every key is checked at synth against the keys
   * Prometheus 2.53 and 3.5 both accept (Prometheus refuses an unknown key at start-up); values are
   * not checked. `scrape_configs` and `rule_files` are refused, since a list would replace the
   * Tempo job and the rule files: add jobs with `addScrapeJob()` and rules with `addRuleGroup()`.
   * Never put a secret here (it would land in the ConfigMap and in dist/): `password`,
   * `credentials` and the like are refused; use `remoteWrite.basicAuth` / `remoteWrite.bearerToken`
   * (Secret references mounted as files).
   * @default - none
   */
  readonly configOverrides?: ConfigOverrides;
  /**
   * Tempo's metrics-generator runs and remote-writes into this Prometheus: turns on the
   * remote-write receiver and exemplar storage.
   * @default false
   */
  readonly metricsGenerator?: boolean;
  /**
   * The most series the metrics-generator writes (Tempo's per-tenant
   * `metrics_generator.max_active_series`); required with `metricsGenerator`, since Tempo's own
   * default is unlimited and memory and disk are sized from it.
   * @default - none
   */
  readonly generatorActiveSeries?: number;
  /** Series other scrape jobs or rules add (`addScrapeJob`), for the capacity plan. @default 0 */
  readonly additionalActiveSeries?: number;
  /**
   * The names a sizing error gives `generatorActiveSeries` and `tempo.replicas` in its fix, for a
   * wrapper that sets them from props of its own (the stack names Tempo's
   * `metricsGeneratorMaxActiveSeries` and `replicas`): the fix names what its user can change.
   * @default - these props' own names
   */
  readonly seriesPropNames?: { readonly generatorActiveSeries?: string; readonly tempoReplicas?: string };
  /**
   * An Alertmanager elsewhere that alerts go to, e.g. `http://alertmanager.monitoring.svc:9093`. Adds
   * the always-firing `Watchdog` alert. Not with `alertmanagers`.
   * @default - alerts are evaluated, not sent
   */
  readonly alertmanagerUrl?: string;
  /**
   * The stack's own Alertmanager pods: found by Kubernetes pod discovery, every replica sent every
   * alert and scraped (job `alertmanager`); adds the `Watchdog` and the Alertmanager alerts. Not
   * with `alertmanagerUrl`.
   * @default - none
   */
  readonly alertmanagers?: AlertmanagerTarget;
  /** Remote write of every series to a long-term store. @default - none */
  readonly remoteWrite?: RemoteWriteTarget;
  /**
   * Options of the built-in Tempo rule groups (thresholds, runbook URL). The scrape interval, the
   * metrics-generator and Tempo's memory limit come from the props above.
   * @default - the rules' defaults
   */
  readonly rules?: Partial<TempoRulesOptions>;
  /**
   * An ingress NetworkPolicy admitting only `clients` to the `http` port (9090: API, UI, remote
   * write). `kubectl port-forward` is not affected.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * The pods that may reach Prometheus: Grafana, and Tempo for the metrics-generator's remote
   * write. The stack passes its Grafana and Tempo. Ignored with `networkPolicy: false`.
   * @default - every pod of Prometheus's namespace
   */
  readonly clients?: readonly NetworkPeer[];
}
