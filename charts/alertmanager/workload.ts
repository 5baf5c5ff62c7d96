import * as k8s from '../../imports/k8s';
import { selectorLabels } from '../shared/labels';
import { WorkloadSpec, WorkloadVolume } from '../shared/restricted-workload';
import { ALERTMANAGER_PATHS, ALERTMANAGER_PORTS, DEFAULT_ALERTMANAGER_NAME } from './config';
import { AlertmanagerSettings } from './settings';

/** The UID and GID Alertmanager runs as: `nobody`, the image's user, written numerically for runAsNonRoot. */
export const ALERTMANAGER_UID = 65534;

/** The container port names: the API and UI, the mesh over TCP, the mesh over UDP. */
export const ALERTMANAGER_PORT_NAMES = { http: 'http', mesh: 'mesh', meshUdp: 'mesh-udp' } as const;

/**
 * The labels that select the pods of the Alertmanager named `name` (what `Alertmanager.podSelector`
 * holds), for wiring code that needs them before the construct exists.
 */
export function alertmanagerPodSelector(name = DEFAULT_ALERTMANAGER_NAME): Record<string, string> {
  return selectorLabels({ name: 'alertmanager', instance: name });
}

/** The headless Service the replicas find each other through. */
export function headlessServiceName(s: Pick<AlertmanagerSettings, 'name'>): string {
  return `${s.name}-headless`;
}

/** Every replica's mesh address, `<pod>.<headless>.<ns>.svc.cluster.local:9094`: one `--cluster.peer` each. */
export function peerAddresses(s: AlertmanagerSettings): string[] {
  return Array.from({ length: s.replicas }, (_,
    i) => `${s.name}-${i}.${headlessServiceName(s)}.${s.namespace}.svc.cluster.local:${ALERTMANAGER_PORTS.mesh}`);
}

/**
 * The command-line flags. One replica runs without the mesh (an empty listen address turns it
 * off, so readiness does not wait for gossip to settle). More replicas gossip on 9094, advertising
 * the pod IP (bracketed, so an IPv6 pod IP parses too), with every replica as a peer and a
 * cluster label so two stacks never merge their meshes. No `--web.enable-lifecycle`-style reload:
 * a config change rolls the pods through the config hash.
 */
export function alertmanagerArgs(s: AlertmanagerSettings): string[] {
  const mesh = s.replicas > 1
    ? [
      `--cluster.listen-address=0.0.0.0:${ALERTMANAGER_PORTS.mesh}`,
      `--cluster.advertise-address=[$(POD_IP)]:${ALERTMANAGER_PORTS.mesh}`,
      ...peerAddresses(s).map((peer) => `--cluster.peer=${peer}`),
      `--cluster.label=${s.namespace}/${s.name}`,
    ]
    : ['--cluster.listen-address='];
  return [
    `--config.file=${ALERTMANAGER_PATHS.configDir}/${ALERTMANAGER_PATHS.configFile}`,
    `--storage.path=${ALERTMANAGER_PATHS.dataDir}`,
    `--data.retention=${s.retention}`,
    `--web.listen-address=:${ALERTMANAGER_PORTS.http}`,
    ...mesh,
  ];
}

/** One read-only volume per receiver Secret, only the keys the receivers read, at `<secretsDir>/<secret>/<key>`. */
function secretVolumes(s: AlertmanagerSettings): WorkloadVolume[] {
  return s.secrets.map((secret, i) => ({
    kind: 'secret' as const,
    name: `receivers-${i}`,
    mountPath: `${ALERTMANAGER_PATHS.secretsDir}/${secret.name}`,
    secretName: secret.name,
    items: secret.keys.map((k) => ({ key: k.key, path: k.key })),
    // Read-only for the owner and the group (fsGroup): only Alertmanager reads them.
    defaultMode: 0o440,
  }));
}

/**
 * What the Alertmanager StatefulSet is, as data (see RestrictedWorkload): the pods, the ConfigMap
 * with alertmanager.yml, a PVC per replica for silences and the notification log, the receiver
 * Secrets, a ClusterIP Service for the API and UI and a headless one (publishing pods before they
 * are ready, since readiness waits for the mesh) that governs the StatefulSet and carries the
 * peers' DNS names. The NetworkPolicy is the construct's own: the mesh needs UDP.
 */
export function alertmanagerWorkloadSpec(s: AlertmanagerSettings, configYaml: string): WorkloadSpec {
  const { http, mesh } = ALERTMANAGER_PORT_NAMES;
  const probe = (path: string, failureThreshold: number) => ({ path, port: http, periodSeconds: 10, timeoutSeconds: 5, failureThreshold });
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: 'alertmanager', instance: s.name, component: 'alerting', version: s.image.tag },
    kind: 'StatefulSet',
    replicas: s.replicas,
    uid: ALERTMANAGER_UID,
    container: {
      name: 'alertmanager',
      image: s.image,
      args: alertmanagerArgs(s),
      env: s.replicas > 1 ? [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } } satisfies k8s.EnvVar] : [],
      ports: [{ name: http, port: ALERTMANAGER_PORTS.http }, { name: mesh, port: ALERTMANAGER_PORTS.mesh }],
      resources: s.resources,
      probes: { readiness: probe('/-/ready', 3), liveness: probe('/-/healthy', 6) },
    },
    configMaps: [{
      name: `${s.name}-config`, volume: 'config', mountPath: ALERTMANAGER_PATHS.configDir, files: { [ALERTMANAGER_PATHS.configFile]: configYaml },
    }],
    volumes: [
      { kind: 'claim', name: 'data', mountPath: ALERTMANAGER_PATHS.dataDir, size: s.storageSize, storageClassName: s.storageClassName },
      ...secretVolumes(s),
    ],
    services: [
      { name: s.name, ports: [http] },
      { name: headlessServiceName(s), ports: [http, mesh], headless: true, publishNotReadyAddresses: true },
    ],
    governingService: headlessServiceName(s),
    // Replicas start together and find each other; ordered start-up would hold the second until the first is ready.
    podManagementPolicy: 'Parallel',
    ...(s.replicas > 1 ? { maxUnavailable: 1, spread: true } : {}),
  };
}
