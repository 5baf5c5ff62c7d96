import { selectorLabels } from '../shared/labels';
import { WorkloadSpec } from '../shared/restricted-workload';
import { envFromSecret } from '../shared/workload';
import { MinioSettings } from './settings';

/**
 * The UID and GID MinIO runs as. The image itself runs as root; any fixed non-root UID works
 * because MinIO only writes to /data (the PVC, group-owned through fsGroup) and $HOME (an emptyDir).
 * 1000 is what MinIO's own Helm chart uses.
 */
export const MINIO_UID = 1000;

/** MinIO's ports: the S3 API and the web console. */
export const MINIO_PORTS = { api: 9000, console: 9001 } as const;

/** The Secret keys MinIO reads its root credentials from. */
export const MINIO_SECRET_KEYS = { user: 'MINIO_ROOT_USER', password: 'MINIO_ROOT_PASSWORD' } as const;

const DATA_DIR = '/data';
const HOME_DIR = '/tmp';

/**
 * The labels that select the pod of the MinIO named `name` (what `Minio.podSelector` holds), for
 * wiring code that needs them before the construct exists.
 */
export function minioPodSelector(name = 'minio'): Record<string, string> {
  return selectorLabels({ name: 'minio', instance: name });
}

/** MinIO's StatefulSet of one and what surrounds it, from its settings. */
export function minioWorkloadSpec(s: MinioSettings): WorkloadSpec {
  const credential = (key: string) => envFromSecret(key, { name: s.credentialsSecret, key });
  return {
    name: s.name,
    namespace: s.namespace,
    identity: { name: 'minio', instance: s.name, component: 'object-storage', version: s.image.tag },
    kind: 'StatefulSet',
    replicas: 1,
    serviceAccount: { annotations: s.serviceAccountAnnotations },
    podLabels: s.podLabels,
    uid: MINIO_UID,
    container: {
      name: 'minio',
      image: s.image,
      command: ['minio'],
      args: ['server', DATA_DIR, '--address', `:${MINIO_PORTS.api}`, '--console-address', `:${MINIO_PORTS.console}`],
      env: [
        credential(MINIO_SECRET_KEYS.user),
        credential(MINIO_SECRET_KEYS.password),
        // MinIO creates its (deprecated) config dir and certs dir under $HOME/.minio at start-up,
        // even when unused. A UID without a passwd entry gets HOME=/, which is read-only here
        // (minio/minio#14763), so HOME points at the writable emptyDir.
        { name: 'HOME', value: HOME_DIR },
        // No update check against dl.min.io: a cluster should not phone home by default.
        { name: 'MINIO_UPDATE', value: 'off' },
      ],
      ports: [{ name: 'api', port: MINIO_PORTS.api }, { name: 'console', port: MINIO_PORTS.console }],
      resources: s.resources,
      probes: {
        readiness: { path: '/minio/health/ready', port: 'api', periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        // Tolerant: a laptop disk under load can stall MinIO for a while, and a restart does not help.
        liveness: { path: '/minio/health/live', port: 'api', initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      },
    },
    // A bucket is a top-level directory of a single-drive MinIO (Tempo's own MinIO examples create
    // theirs the same way). The bucket name is validated, so it is a safe path; no shell involved.
    initContainers: [{ name: 'create-bucket', command: ['mkdir', '-p', `${DATA_DIR}/${s.bucket}`], volumes: ['data'] }],
    volumes: [
      { kind: 'claim', name: 'data', mountPath: DATA_DIR, size: s.storageSize, storageClassName: s.storageClassName },
      { kind: 'emptyDir', name: 'home', mountPath: HOME_DIR, sizeLimit: '64Mi' },
    ],
    services: [
      { name: s.name, ports: s.console ? ['api', 'console'] : ['api'] },
      { name: `${s.name}-headless`, ports: ['api'], headless: true },
    ],
    networkPolicy: s.networkPolicy ? [{ ports: ['api', 'console'], peers: s.clients }] : undefined,
  };
}
