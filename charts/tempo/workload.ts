import * as k8s from '../../imports/k8s';
import { selectorLabels } from '../shared/labels';
import { IngressRule, NamespaceSelection, NetworkPeer } from '../shared/network';
import { HttpProbe, WorkloadSpec, WorkloadVolume } from '../shared/restricted-workload';
import { envFromSecret } from '../shared/workload';
import {
  TEMPO_DATA_DIR, TEMPO_ENV, TEMPO_OVERRIDES_DIR, TEMPO_OVERRIDES_FILE, TEMPO_PORTS, TempoConfig, needsEnvExpansion, tempoAddresses,
} from './config';
import { TempoSettings } from './settings';

/** The UID and GID the grafana/tempo image runs as. */
export const TEMPO_UID = 10001;

/** The ConfigMap's file and where it is mounted. */
export const TEMPO_CONFIG = { dir: '/conf', file: 'tempo.yaml' } as const;

/** Where a GCS service-account key is mounted (GOOGLE_APPLICATION_CREDENTIALS points into it). */
export const GCS_CREDENTIALS_DIR = '/var/secrets/gcs';

/**
 * The labels that select the pods of the Tempo named `name` (what `Tempo.podSelector` holds), for
 * wiring code that needs them before the Tempo construct exists.
 */
export function tempoPodSelector(name = 'tempo'): Record<string, string> {
  return selectorLabels({ name: 'tempo', instance: name });
}

/**
 * Who reaches which port: OTLP from the selected namespaces and the OTLP clients (the gateway); the
 * API from the given clients (every namespace when none are given) and from Tempo itself (queriers,
 * the frontend's own calls); grpc and gossip only among Tempo's pods.
 */
export function tempoIngressRules(
  self: Readonly<Record<string, string>>, cluster: boolean, otlpFromNamespaces: NamespaceSelection | undefined,
  apiClients?: readonly NetworkPeer[], otlpClients?: readonly NetworkPeer[],
): IngressRule[] {
  return [
    {
      ports: ['otlp-grpc', 'otlp-http'], ...(otlpClients ? { peers: otlpClients } : {}),
      ...(otlpFromNamespaces ? { namespaces: otlpFromNamespaces } : {}),
    },
    apiClients === undefined
      ? { ports: ['http'], namespaces: 'all' }
      : { ports: ['http'], peers: [{ podSelector: self }, ...apiClients] },
    // Ring traffic and query-frontend work stay among Tempo's own pods.
    { ports: cluster ? ['grpc', 'gossip-ring'] : ['grpc'], peers: [{ podSelector: self }] },
  ];
}

/** Tempo's StatefulSet and what surrounds it, from its settings and its rendered tempo.yaml. */
export function tempoWorkloadSpec(s: TempoSettings, config: TempoConfig, configYaml: string, overridesYaml?: string): WorkloadSpec {
  const cluster = s.mode === 'cluster';
  const addresses = tempoAddresses(s);
  const gcsCredentials = s.storage.backend === 'gcs' ? s.storage.credentials : undefined;
  const ready = (periodSeconds: number, failureThreshold: number): HttpProbe => ({
    path: '/ready', port: 'http', periodSeconds, timeoutSeconds: 5, failureThreshold,
  });
  const volumes: WorkloadVolume[] = [
    { kind: 'claim', name: 'data', mountPath: TEMPO_DATA_DIR, size: s.storageSize, storageClassName: s.storageClassName },
    // The root filesystem is read-only; Go and the OTLP receivers may still want a scratch dir.
    { kind: 'emptyDir', name: 'tmp', mountPath: '/tmp', sizeLimit: '100Mi' },
    ...(gcsCredentials ? [{
      kind: 'secret', name: 'gcs-credentials', mountPath: GCS_CREDENTIALS_DIR,
      secretName: gcsCredentials.name, items: [{ key: gcsCredentials.key, path: 'key.json' }],
    } as const] : []),
  ];
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: 'tempo', instance: s.name, component: 'tracing-backend', version: s.image.tag },
    kind: 'StatefulSet',
    replicas: s.replicas,
    serviceAccount: { annotations: s.serviceAccountAnnotations },
    podLabels: s.podLabels,
    uid: TEMPO_UID,
    container: {
      name: 'tempo',
      image: s.image,
      args: [
        `-config.file=${TEMPO_CONFIG.dir}/${TEMPO_CONFIG.file}`,
        `-target=${config.target}`,
        ...(needsEnvExpansion(s) ? ['-config.expand-env=true'] : []),
      ],
      env: tempoContainerEnv(s),
      ports: [
        { name: 'http', port: TEMPO_PORTS.http },
        { name: 'grpc', port: TEMPO_PORTS.grpc, appProtocol: 'grpc' },
        { name: 'otlp-grpc', port: TEMPO_PORTS.otlpGrpc, appProtocol: 'grpc' },
        { name: 'otlp-http', port: TEMPO_PORTS.otlpHttp },
        ...(cluster ? [{ name: 'gossip-ring', port: TEMPO_PORTS.memberlist }] : []),
      ],
      resources: s.resources,
      probes: {
        // WAL replay after a crash can take minutes; liveness only starts once /ready answered.
        startup: ready(10, 60),
        readiness: ready(10, 3),
        // Tolerant: /ready also reflects ring health, and a restart does not heal a ring.
        liveness: ready(30, 10),
      },
    },
    configMaps: [
      { name: `${s.name}-config`, volume: 'config', mountPath: TEMPO_CONFIG.dir, files: { [TEMPO_CONFIG.file]: configYaml } },
      // The tenants' runtime overrides: Tempo reloads them itself, so they leave the pods running.
      ...(overridesYaml === undefined ? [] : [{
        name: `${s.name}-overrides`, volume: 'overrides', mountPath: TEMPO_OVERRIDES_DIR,
        files: { [TEMPO_OVERRIDES_FILE]: overridesYaml }, inConfigHash: false,
      }]),
    ],
    volumes,
    services: [
      { name: s.name, ports: ['http', 'grpc', 'otlp-grpc', 'otlp-http'] },
      // Pods get DNS records before they are ready: queriers find every query-frontend, and a
      // pod's own name resolves while it is still starting.
      { name: addresses.headlessService, ports: ['http', 'grpc'], headless: true, publishNotReadyAddresses: true },
      // Members must gossip before any of them is ready.
      ...(cluster ? [{ name: addresses.gossipService, ports: ['gossip-ring'], headless: true, publishNotReadyAddresses: true }] : []),
    ],
    // Cluster members must all be up to gossip and to reach replication quorum.
    podManagementPolicy: cluster ? 'Parallel' : 'OrderedReady',
    ...(cluster ? { maxUnavailable: 1, spread: true } : {}),
    networkPolicy: s.networkPolicy
      ? tempoIngressRules(tempoPodSelector(s.name), cluster, s.otlpFromNamespaces, s.apiClients, s.otlpClients)
      : undefined,
    // Long enough for flush_all_on_shutdown to write every live trace to a block.
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
  };
}

/** Environment variables: the pod's identity for the ring, and object-storage credentials from Secrets. */
export function tempoContainerEnv(s: TempoSettings): k8s.EnvVar[] {
  const env: k8s.EnvVar[] = [];
  if (s.mode !== 'single-node') {
    env.push({ name: TEMPO_ENV.podName, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    env.push({ name: TEMPO_ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  }
  const storage = s.storage;
  if (storage.backend === 's3' && storage.credentials) {
    env.push(envFromSecret('AWS_ACCESS_KEY_ID', storage.credentials.accessKeyId));
    env.push(envFromSecret('AWS_SECRET_ACCESS_KEY', storage.credentials.secretAccessKey));
  }
  if (storage.backend === 'gcs' && storage.credentials) {
    env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_CREDENTIALS_DIR}/key.json` });
  }
  if (storage.backend === 'azure' && storage.accountKey) {
    env.push(envFromSecret(TEMPO_ENV.azureStorageKey, storage.accountKey));
  }
  return env;
}
