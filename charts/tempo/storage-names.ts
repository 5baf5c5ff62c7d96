import { fail } from '../shared/validate';
import { TempoStorage } from './props';

const C = 'tempo';
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const AZURE_CONTAINER = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Checks the names in Tempo's object storage that the store itself would refuse only at Tempo's
 * start-up (or, for a prefix, silently turn into odd object keys): bucket, container and account
 * names by the store's rules, the region, the Azure endpoint suffix, and the prefix as a relative
 * key path.
 */
export function checkStorageNames(storage: TempoStorage): void {
  switch (storage.backend) {
    case 's3':
      if (typeof storage.bucket === 'string' && storage.bucket.trim() !== ''
        && (!S3_BUCKET.test(storage.bucket) || storage.bucket.includes('..') || IPV4.test(storage.bucket))) {
        fail(C, 'storage.bucket', 'must be an S3 bucket name (3 to 63 lower-case letters, digits, \'.\' and \'-\', starting and ending '
          + 'with a letter or digit, no \'..\', not an IP address)', storage.bucket, 'use the bucket\'s exact name, e.g. \'acme-traces\'');
      }
      if (storage.region !== undefined && (typeof storage.region !== 'string' || !REGION.test(storage.region))) {
        fail(C, 'storage.region', 'must be a region name (lower-case letters, digits and \'-\')', storage.region, 'write e.g. \'eu-west-1\'');
      }
      break;
    case 'gcs':
      if (typeof storage.bucket === 'string' && storage.bucket.trim() !== '' && (!GCS_BUCKET.test(storage.bucket) || storage.bucket.includes('..'))) {
        fail(C, 'storage.bucket', 'must be a Cloud Storage bucket name (3 to 63 lower-case letters, digits, \'.\', \'_\' and \'-\', '
          + 'starting and ending with a letter or digit)', storage.bucket, 'use the bucket\'s exact name, e.g. \'acme-traces\'');
      }
      break;
    case 'azure': {
      if (typeof storage.container === 'string' && storage.container.trim() !== '' && !AZURE_CONTAINER.test(storage.container)) {
        fail(C, 'storage.container', 'must be an Azure blob container name (3 to 63 lower-case letters, digits and single \'-\', '
          + 'starting and ending with a letter or digit)', storage.container, 'use the container\'s exact name, e.g. \'tempo-traces\'');
      }
      const account = storage.storageAccountName;
      if (typeof account === 'string' && account.trim() !== '' && !AZURE_ACCOUNT.test(account)) {
        fail(C, 'storage.storageAccountName', 'must be an Azure storage account name (3 to 24 lower-case letters and digits)',
          storage.storageAccountName, 'use the account\'s exact name, e.g. \'acmetraces\'');
      }
      if (storage.endpointSuffix !== undefined && (typeof storage.endpointSuffix !== 'string' || !HOSTNAME.test(storage.endpointSuffix))) {
        fail(C, 'storage.endpointSuffix', 'must be a DNS name without scheme or path', storage.endpointSuffix,
          'write e.g. \'blob.core.windows.net\' (or \'blob.core.chinacloudapi.cn\')');
      }
      break;
    }
    default:
      return;
  }
  const prefix = (storage as { prefix?: unknown }).prefix;
  if (prefix !== undefined) {
    const segments = typeof prefix === 'string' ? prefix.split('/') : [];
    if (typeof prefix !== 'string' || prefix === '' || segments.some((s) => s === '' || s === '.' || s === '..') || /[\s\\]/.test(prefix)) {
      fail(C, 'storage.prefix',
        'must be a relative key path (segments separated by single \'/\', no leading or trailing \'/\', no \'.\' or \'..\', no spaces)',
        prefix, 'write e.g. \'tempo/prod\', or leave it out for the bucket\'s root');
    }
  }
}
