import { IMAGES } from '../shared/images';
import { checkDnsLabel, checkDnsSubdomain, checkImageRepository, checkImageTag, checkQuantity, fail } from '../shared/validate';
import { resolveResources } from '../shared/merge';
import { checkNetworkPeers } from '../shared/network';
import { MinioProps, MinioResources } from './props';
import { WorkloadIdentity, resolveWorkloadIdentity } from '../shared/workload-identity';

const C = 'minio';

/**
 * Every MinIO setting with defaults applied and validated: the input of the workload spec. Each
 * field is the prop of the same name (documented on MinioProps), resolved; `resources` in full.
 */
export interface MinioSettings extends WorkloadIdentity,
  Required<Pick<MinioProps, 'name' | 'namespace' | 'bucket' | 'credentialsSecret' | 'storageSize' | 'image' | 'console' | 'networkPolicy'
    | 'clients'>>,
  Pick<MinioProps, 'storageClassName'> {
  readonly resources: MinioResources;
}

/** Small enough for a laptop cluster, enough for Tempo's block writes and compaction reads. */
export const MINIO_DEFAULT_RESOURCES: MinioResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

/** Longest name: `<name>-headless` (and pod `<name>-0`) must stay a 63-character DNS label. */
const MAX_NAME_LENGTH = 40;

/** S3's rules for new buckets (MinIO enforces the same), which also keep the name shell- and path-safe. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Resolves and validates MinioProps. Throws a ConfigError naming the prop on bad input. */
export function resolveMinioSettings(props: MinioProps = {}): MinioSettings {
  const name = checkDnsLabel(C, 'name', props.name ?? 'minio', MAX_NAME_LENGTH);
  const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? 'default');
  const bucket = checkBucketName(props.bucket ?? 'tempo-traces');
  const credentialsSecret = checkDnsSubdomain(C, 'credentialsSecret', props.credentialsSecret ?? 'minio-credentials', 'minio-credentials');

  const image = props.image ?? IMAGES.minio;
  if (!image.repository) fail(C, 'image.repository', 'must not be empty', image.repository, 'use e.g. \'minio/minio\'');
  checkImageRepository(C, 'image.repository', image.repository, 'minio/minio');
  checkImageTag(C, 'image.tag', image.tag, IMAGES.minio.tag);

  const storageSize = props.storageSize ?? '10Gi';
  checkQuantity(C, 'storageSize', storageSize, '10Gi');
  if (props.storageClassName !== undefined) checkDnsSubdomain(C, 'storageClassName', props.storageClassName, 'standard');

  const { resources } = resolveResources(C, MINIO_DEFAULT_RESOURCES, props.resources, 'the default');

  return {
    name,
    namespace,
    bucket,
    credentialsSecret,
    storageSize,
    storageClassName: props.storageClassName,
    image,
    resources,
    console: props.console ?? false,
    networkPolicy: props.networkPolicy ?? true,
    // Only Tempo reaches the store: it holds traces and root credentials.
    clients: checkNetworkPeers(C, 'clients', props.clients ?? [{ podSelector: {} }]),
    ...resolveWorkloadIdentity(C, props),
  };
}

function checkBucketName(bucket: string): string {
  if (typeof bucket !== 'string' || !BUCKET_NAME.test(bucket) || bucket.includes('..') || IPV4.test(bucket)) {
    fail(C, 'bucket', 'must be a valid S3 bucket name (3 to 63 characters: lower-case letters, digits, \'.\' and \'-\', starting and ending with a '
      + 'letter or digit, no \'..\', not an IP address)',
      bucket, 'use e.g. \'tempo-traces\'');
  }
  return bucket;
}
