import { buildTempoConfig, resolveTempoSettings, TempoMode, TempoPresetName, TempoProps, TempoStorage } from '../../charts/tempo';
import { unknownTempoKeys } from '../support/tempo-keys';
import { remoteWrite } from '../helpers';


const secret = { name: 'creds', key: 'k' };
const storages: TempoStorage[] = [
  { backend: 'local' },
  { backend: 's3', bucket: 'traces', endpoint: 'minio:9000', region: 'us-east-1', insecure: true, forcePathStyle: true, prefix: 'p',
    credentials: { accessKeyId: secret, secretAccessKey: secret } },
  { backend: 'gcs', bucket: 'traces', prefix: 'p', credentials: secret },
  { backend: 'azure', container: 'traces', storageAccountName: 'acct', prefix: 'p', accountKey: secret },
  { backend: 'azure', container: 'traces', storageAccountName: 'acct' },
];
const cases: Array<[string, TempoProps]> = [];
for (const mode of ['single-node', 'cluster'] as TempoMode[]) {
  for (const preset of ['basic', 'single-node', 'with-metrics'] as TempoPresetName[]) {
    for (const storage of storages) {
      if (mode === 'cluster' && storage.backend === 'local') continue;
      cases.push([`${mode} / ${preset} / ${storage.backend}${'accountKey' in storage && storage.accountKey ? ' (key)' : ''}`,
        { mode, preset, storage, metricsRemoteWriteUrl: remoteWrite }]);
    }
  }
}

describe('every generated tempo.yaml uses only keys Tempo 2.6 knows', () => {
  test.each(cases)('%s', (_name, props) => {
    expect(unknownTempoKeys(buildTempoConfig(resolveTempoSettings(props)))).toEqual([]);
  });

  test('the check itself reports a misplaced key in a generated config', () => {
    const config: any = buildTempoConfig(resolveTempoSettings({}));
    config.query_frontend.duration_slo = config.query_frontend.search.duration_slo;
    expect(unknownTempoKeys(config)).toEqual(['query_frontend.duration_slo']);
  });
});
