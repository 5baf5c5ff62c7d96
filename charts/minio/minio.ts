import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { GeneratedSecret, SecretKeyRef } from '../shared/secrets';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { serviceFqdn } from '../shared/workload';
import { MinioProps } from './props';
import { MinioSettings, resolveMinioSettings } from './settings';
import { MINIO_PORTS, MINIO_SECRET_KEYS, minioWorkloadSpec } from './workload';

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
  /** The workload construct holding every object above. */
  public readonly workload: RestrictedWorkload;

  constructor(scope: Construct, id: string, props: MinioProps = {}) {
    super(scope, id);
    const s = resolveMinioSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    this.settings = s;
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

    this.workload = new RestrictedWorkload(this, 'Workload', minioWorkloadSpec(s));
    const w = this.workload;
    this.podSelector = w.podSelector;
    this.serviceAccount = w.serviceAccount;
    this.service = w.services[s.name];
    this.headlessService = w.services[`${s.name}-headless`];
    this.networkPolicy = w.networkPolicy;
    this.statefulSet = w.statefulSet!;
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}
