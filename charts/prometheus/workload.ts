import * as k8s from '../../imports/k8s';
import { selectorLabels } from '../shared/labels';
import { HttpProbe, WorkloadSpec, WorkloadVolume } from '../shared/restricted-workload';
import { PROMETHEUS_PATHS, PROMETHEUS_PORT, REMOTE_WRITE_FILES } from './config';
import { DEFAULT_PROMETHEUS_NAME, PrometheusSettings } from './settings';

/** The UID and GID Prometheus runs as: `nobody`, the image's user, written numerically for runAsNonRoot. */
export const PROMETHEUS_UID = 65534;

/** The API resources Kubernetes service discovery reads, and the verbs it needs. */
export const DISCOVERY_RULE: k8s.PolicyRule = { apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] };

/**
 * The labels that select the pods of the Prometheus named `name` (what `Prometheus.podSelector`
 * holds), for wiring code that needs them before the construct exists.
 */
export function prometheusPodSelector(name = DEFAULT_PROMETHEUS_NAME): Record<string, string> {
  return selectorLabels({ name: 'prometheus', instance: name });
}

/**
 * The command-line flags. The remote-write receiver and exemplar storage only when Tempo's
 * metrics-generator writes here. Never `--enable-feature=native-histograms`: with it Prometheus 3
 * keeps only the native form of Tempo's histograms and every `_bucket` query (alerts, recording
 * rules, dashboards) returns nothing. No `--web.enable-lifecycle`: nothing calls /-/reload; a
 * config change rolls the pod through the config hash instead.
 */
export function prometheusArgs(s: PrometheusSettings): string[] {
  return [
    `--config.file=${PROMETHEUS_PATHS.configDir}/${PROMETHEUS_PATHS.configFile}`,
    `--storage.tsdb.path=${PROMETHEUS_PATHS.dataDir}`,
    `--storage.tsdb.retention.time=${s.retentionTime}`,
    `--storage.tsdb.retention.size=${s.retentionSize}`,
    `--web.listen-address=:${PROMETHEUS_PORT}`,
    ...(s.metricsGenerator ? ['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage'] : []),
  ];
}

/** The files of Prometheus's two ConfigMaps, read at synth (jobs and rule groups may be added after construction). */
export interface PrometheusFiles {
  /** prometheus.yml. */
  readonly config: () => string;
  /** Rule file name to YAML. */
  readonly rules: () => Readonly<Record<string, string>>;
}

/** Prometheus's StatefulSet of one and what surrounds it, from its settings. */
export function prometheusWorkloadSpec(s: PrometheusSettings, files: PrometheusFiles): WorkloadSpec {
  const probe = (path: string, periodSeconds: number, timeoutSeconds: number, failureThreshold: number): HttpProbe => ({
    path, port: 'http', periodSeconds, timeoutSeconds, failureThreshold,
  });
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: 'prometheus', instance: s.name, component: 'monitoring', version: s.image.tag },
    kind: 'StatefulSet',
    replicas: 1,
    // Kubernetes service discovery authenticates with the pod's ServiceAccount token, in Tempo's namespace.
    serviceAccount: {
      automountToken: true,
      roles: [
        { namespace: s.tempo.namespace, rules: [DISCOVERY_RULE] },
        // The Alertmanager pods are discovered too, in their own namespace when that differs.
        ...(s.alertmanagers && s.alertmanagers.namespace !== s.tempo.namespace
          ? [{ namespace: s.alertmanagers.namespace, rules: [DISCOVERY_RULE] }]
          : []),
      ],
      annotations: s.serviceAccountAnnotations,
    },
    podLabels: s.podLabels,
    uid: PROMETHEUS_UID,
    container: {
      name: 'prometheus',
      image: s.image,
      args: prometheusArgs(s),
      ports: [{ name: 'http', port: PROMETHEUS_PORT }],
      resources: s.resources,
      probes: {
        // Replaying a large WAL after a restart takes minutes; liveness waits for it.
        startup: probe('/-/ready', 10, 5, 60),
        readiness: probe('/-/ready', 10, 5, 3),
        liveness: probe('/-/healthy', 15, 10, 6),
      },
    },
    configMaps: [
      {
        name: `${s.name}-config`, volume: 'config', mountPath: PROMETHEUS_PATHS.configDir,
        files: () => ({ [PROMETHEUS_PATHS.configFile]: files.config() }),
      },
      { name: `${s.name}-rules`, volume: 'rules', mountPath: PROMETHEUS_PATHS.rulesDir, files: files.rules, hashFileNames: true },
    ],
    volumes: [
      { kind: 'claim', name: 'data', mountPath: PROMETHEUS_PATHS.dataDir, size: s.storageSize, storageClassName: s.storageClassName },
      ...remoteWriteSecretVolume(s),
    ],
    services: [
      { name: s.name, ports: ['http'] },
      { name: `${s.name}-headless`, ports: ['http'], headless: true },
    ],
    networkPolicy: s.networkPolicy ? [{ ports: ['http'], peers: s.clients }] : undefined,
    // Time to finish writing the head block's WAL cleanly.
    terminationGracePeriodSeconds: 300,
  };
}

function remoteWriteSecretVolume(s: PrometheusSettings): WorkloadVolume[] {
  const rw = s.remoteWrite;
  const ref = rw?.basicAuth?.password ?? rw?.bearerToken;
  if (!ref) return [];
  const path = rw?.basicAuth ? REMOTE_WRITE_FILES.password : REMOTE_WRITE_FILES.token;
  // Only the one key, read-only for the owner and group (fsGroup).
  return [{
    kind: 'secret', name: 'remote-write-credentials', mountPath: PROMETHEUS_PATHS.remoteWriteSecretDir,
    secretName: ref.name, items: [{ key: ref.key, path }], defaultMode: 0o440,
  }];
}
