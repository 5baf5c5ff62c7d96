import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { imageName } from '../shared/images';
import { selectorLabels, standardLabels } from '../shared/labels';
import { GeneratedSecret, SecretKeyRef } from '../shared/secrets';
import { checkNetworkPeers, ingressPolicySpec } from '../shared/network';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../shared/security';
import {
  dataVolumeClaim, envFromSecret, namedServicePort, resourceRequirements, serviceFqdn,
} from '../shared/workload';
import { MinioProps } from './props';
import { MinioSettings, resolveMinioSettings } from './settings';

/**
 * The UID and GID MinIO runs as. The image itself runs as root; any fixed non-root UID works
 * because MinIO only writes to /data (the PVC, group-owned through fsGroup) and $HOME (an emptyDir).
 * 1000 is what MinIO's own Helm chart uses.
 */
export const MINIO_UID = 1000;

/**
 * The labels that select the pod of the MinIO named `name` (what `Minio.podSelector` holds), for
 * wiring code that needs them before the construct exists.
 */
export function minioPodSelector(name = 'minio'): Record<string, string> {
  return selectorLabels({ name: 'minio', instance: name });
}

/** MinIO's ports: the S3 API and the web console. */
export const MINIO_PORTS = { api: 9000, console: 9001 } as const;

/** The Secret keys MinIO reads its root credentials from. */
export const MINIO_SECRET_KEYS = { user: 'MINIO_ROOT_USER', password: 'MINIO_ROOT_PASSWORD' } as const;

const DATA_DIR = '/data';
const HOME_DIR = '/tmp';

/**
 * A single-replica MinIO, so the Tempo cluster has S3-compatible object storage on a laptop
 * cluster (kind, k3d, minikube). NOT for production: one replica on one volume (no erasure
 * coding, no redundancy), plain HTTP, and Tempo uses the root credentials.
 *
 * Creates: a ServiceAccount (no API token), a ClusterIP Service (`<name>`: api 9000, and console
 * 9001 when asked), a headless governing Service (`<name>-headless`), a NetworkPolicy admitting
 * only `clients` (unless turned off), and a StatefulSet of one
 * with a PVC at /data. An init container creates the bucket before MinIO starts, so it exists
 * before Tempo writes. Root credentials come from a Secret the user creates (see
 * `MinioProps.credentialsSecret`); no Secret is synthesized.
 */
export class Minio extends Construct {
  /** The resolved settings, defaults applied. */
  public readonly settings: MinioSettings;
  /** The name of the ClusterIP Service other components use. */
  public readonly serviceName: string;
  /** The S3 endpoint as Tempo's `storage.trace.s3.endpoint` wants it: host:port, no scheme, e.g. `minio.tempo.svc.cluster.local:9000`. */
  public readonly endpoint: string;
  /** The bucket the init container creates. */
  public readonly bucket: string;
  /** The root user and password in the user's Secret, for Tempo's `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. */
  public readonly credentials: { readonly accessKeyId: SecretKeyRef; readonly secretAccessKey: SecretKeyRef };
  /** MinIO serves plain HTTP inside the cluster: S3 clients need `insecure: true`. */
  public readonly insecure = true;
  /** MinIO needs path-style requests (`endpoint/bucket/key`): no wildcard DNS for virtual-host buckets. */
  public readonly forcePathStyle = true;
  /** Labels that select MinIO's pod (for network policies). */
  public readonly podSelector: Record<string, string>;
  /** The root credentials Secret, for the deploy script to create with random values. */
  public readonly generatedSecrets: readonly GeneratedSecret[];

  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly service: k8s.KubeService;
  public readonly headlessService: k8s.KubeService;
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** Admits `clients` to the api and console ports; absent with `networkPolicy: false`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: MinioProps = {}) {
    super(scope, id);
    const s = resolveMinioSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    this.settings = s;

    const identity = { name: 'minio', instance: s.name, component: 'object-storage', version: s.image.tag };
    const labels = standardLabels(identity);
    this.podSelector = minioPodSelector(s.name);
    const metadata = (name: string) => ({ name, namespace: s.namespace, labels });

    this.serviceName = s.name;
    this.endpoint = `${serviceFqdn(s.name, s.namespace)}:${MINIO_PORTS.api}`;
    this.bucket = s.bucket;
    this.credentials = {
      accessKeyId: { name: s.credentialsSecret, key: MINIO_SECRET_KEYS.user },
      secretAccessKey: { name: s.credentialsSecret, key: MINIO_SECRET_KEYS.password },
    };
    this.generatedSecrets = [{
      name: s.credentialsSecret,
      keys: { [MINIO_SECRET_KEYS.user]: { random: true }, [MINIO_SECRET_KEYS.password]: { random: true } },
    }];

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      // MinIO never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const apiPort = namedServicePort('api', MINIO_PORTS.api);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: {
        type: 'ClusterIP',
        selector: this.podSelector,
        ports: [
          apiPort,
          ...(s.console ? [namedServicePort('console', MINIO_PORTS.console)] : []),
        ],
      },
    });

    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(`${s.name}-headless`),
      spec: { clusterIp: 'None', selector: this.podSelector, ports: [apiPort] },
    });

    // Only Tempo reaches the store: it holds traces and root credentials.
    const clients = checkNetworkPeers('minio', 'clients', props.clients ?? [{ podSelector: {} }]);
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(s.name),
        spec: ingressPolicySpec(this.podSelector, [{ ports: ['api', 'console'], peers: clients }]),
      });
    }

    const resources = resourceRequirements(s.resources);
    const api = k8s.IntOrString.fromString('api');

    // A bucket is a top-level directory of a single-drive MinIO (Tempo's own MinIO examples create
    // theirs the same way). The bucket name is validated, so it is a safe path; no shell involved.
    const createBucket: k8s.Container = {
      name: 'create-bucket',
      image: imageName(s.image),
      imagePullPolicy: 'IfNotPresent',
      command: ['mkdir', '-p', `${DATA_DIR}/${s.bucket}`],
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: 'data', mountPath: DATA_DIR }],
    };

    const container: k8s.Container = {
      name: 'minio',
      image: imageName(s.image),
      imagePullPolicy: 'IfNotPresent',
      command: ['minio'],
      args: ['server', DATA_DIR, '--address', `:${MINIO_PORTS.api}`, '--console-address', `:${MINIO_PORTS.console}`],
      env: [
        envFromSecret(MINIO_SECRET_KEYS.user, this.credentials.accessKeyId),
        envFromSecret(MINIO_SECRET_KEYS.password, this.credentials.secretAccessKey),
        // MinIO creates its (deprecated) config dir and certs dir under $HOME/.minio at start-up,
        // even when unused. A UID without a passwd entry gets HOME=/, which is read-only here
        // (minio/minio#14763), so HOME points at the writable emptyDir.
        { name: 'HOME', value: HOME_DIR },
        // No update check against dl.min.io: a cluster should not phone home by default.
        { name: 'MINIO_UPDATE', value: 'off' },
      ],
      ports: [
        { name: 'api', containerPort: MINIO_PORTS.api, protocol: 'TCP' },
        { name: 'console', containerPort: MINIO_PORTS.console, protocol: 'TCP' },
      ],
      resources,
      readinessProbe: { httpGet: { path: '/minio/health/ready', port: api }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      // Tolerant: a laptop disk under load can stall MinIO for a while, and a restart does not help.
      livenessProbe: { httpGet: { path: '/minio/health/live', port: api }, initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'data', mountPath: DATA_DIR },
        { name: 'home', mountPath: HOME_DIR },
      ],
    };

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: metadata(s.name),
      spec: {
        replicas: 1,
        serviceName: this.headlessService.name,
        selector: { matchLabels: this.podSelector },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            automountServiceAccountToken: false,
            // fsGroup makes the PVC writable for the non-root UID.
            securityContext: restrictedPodSecurityContext(MINIO_UID, MINIO_UID),
            enableServiceLinks: false,
            initContainers: [createBucket],
            containers: [container],
            volumes: [{ name: 'home', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this.podSelector, s.storageSize, s.storageClassName)],
      },
    });
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}
