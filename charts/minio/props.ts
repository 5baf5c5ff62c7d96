import { ImageRef } from '../shared/images';
import { ResourceOverrides } from '../shared/merge';
import { NetworkPeer } from '../shared/network';
import { ContainerResources } from '../shared/workload';
import { WorkloadIdentityProps } from '../shared/workload-identity';

/** CPU and memory for the MinIO container, as Kubernetes quantities (defaults: requests 100m / 256Mi, limits 1 / 1Gi). */
export type MinioResources = ContainerResources;

/**
 * Settings of a bundled, single-replica MinIO: an S3-compatible store for trying the Tempo
 * cluster on a laptop cluster (kind, k3d, minikube). NOT for production: one replica, one
 * volume, no erasure coding, plain HTTP, root credentials. Use a real object store in production.
 */
export interface MinioProps extends WorkloadIdentityProps {
  /** Name of the StatefulSet, its Services and ServiceAccount. A DNS label. @default 'minio' */
  readonly name?: string;
  /** Namespace the objects live in; it appears in the endpoint's DNS name. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /**
   * The bucket created at start-up, for Tempo's blocks. A valid S3 bucket name: 3 to 63
   * characters, lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.
   * @default 'tempo-traces'
   */
  readonly bucket?: string;
  /**
   * Name of a Secret in the same namespace with the keys `MINIO_ROOT_USER` and
   * `MINIO_ROOT_PASSWORD`. It is never synthesized (nothing secret lands in dist/): the user or the
   * deploy script creates it before applying, for example:
   *
   * ```sh
   * kubectl -n tempo create secret generic minio-credentials \
   *   --from-literal=MINIO_ROOT_USER=tempo \
   *   --from-literal=MINIO_ROOT_PASSWORD="$(openssl rand -hex 24)"
   * ```
   *
   * MinIO wants a user of at least 3 characters and a password of at least 8. Tempo uses the
   * same two keys as its S3 access key id and secret key.
   * @default 'minio-credentials'
   */
  readonly credentialsSecret?: string;
  /** Size of the PersistentVolumeClaim at /data. @default '10Gi' */
  readonly storageSize?: string;
  /** StorageClass of the PVC. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** The image; the tag must be pinned. @default minio/minio:RELEASE.2024-12-18T13-15-44Z */
  readonly image?: ImageRef;
  /**
   * CPU and memory of the MinIO container, on top of the defaults: set only the quantities to
   * change (`{ limits: { memory: '2Gi' } }` keeps the other three).
   * @default requests 100m / 256Mi, limits 1 / 1Gi
   */
  readonly resources?: ResourceOverrides;
  /** Also expose MinIO's web console (port `console`, 9001) on the ClusterIP Service. @default false */
  readonly console?: boolean;
  /**
   * An ingress NetworkPolicy admitting only `clients` to the api and console ports.
   * `kubectl port-forward` (the console, say) is not affected.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * The pods that may reach MinIO: Tempo. The stack passes its Tempo. Ignored with
   * `networkPolicy: false`.
   * @default - every pod of MinIO's namespace
   */
  readonly clients?: readonly NetworkPeer[];
}
