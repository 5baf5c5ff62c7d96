import { closestKey, deepMerge, mergeResources, overridePaths, secretOverridePaths, valueAtPath } from '../../charts/shared/merge';

describe('deepMerge', () => {
  const base = { server: { http_listen_port: 3200, log_level: 'info' }, list: [1, 2], keep: true };

  test('merges mappings key by key and leaves the inputs unchanged', () => {
    const before = JSON.stringify(base);
    expect(deepMerge(base, { server: { log_level: 'debug' }, extra: { a: 1 } })).toEqual({
      server: { http_listen_port: 3200, log_level: 'debug' }, list: [1, 2], keep: true, extra: { a: 1 },
    });
    expect(JSON.stringify(base)).toBe(before);
  });

  test('replaces lists and scalars, and null removes a key', () => {
    expect(deepMerge(base, { list: [3], keep: null, server: 'x' })).toEqual({ server: 'x', list: [3] });
  });

  test('no overrides return the base itself', () => {
    expect(deepMerge(base, undefined)).toBe(base);
  });
});

test('overridePaths lists every leaf an override sets', () => {
  expect(overridePaths({ a: { b: 1, c: { d: 'x' } }, e: [1], f: {} })).toEqual(['a.b', 'a.c.d', 'e', 'f']);
});

test('mergeResources keeps every quantity the user did not set', () => {
  const preset = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } };
  expect(mergeResources(preset, { limits: { memory: '3Gi' } })).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2',
    memory: '3Gi' } });
  expect(mergeResources(preset, undefined)).toEqual(preset);
  expect(mergeResources(preset, { requests: { cpu: undefined, memory: '1Gi' } }).requests).toEqual({ cpu: '500m', memory: '1Gi' });
});

test('closestKey suggests the nearest candidate within two edits, and nothing further away', () => {
  expect(closestKey('log_levle', ['log_format', 'log_level'])).toBe('log_level');
  expect(closestKey('servre', ['server', 'storage'])).toBe('server');
  expect(closestKey('duration_slo', ['search', 'trace_by_id', 'metrics'])).toBeUndefined();
});

test('valueAtPath reads list items written as [] (first item holding the key) or [n]', () => {
  const root = { a: { list: [{ x: 1 }, { y: 2 }] } };
  expect(valueAtPath(root, 'a.list[].y')).toBe(2);
  expect(valueAtPath(root, 'a.list[0].x')).toBe(1);
  expect(valueAtPath(root, 'a.missing')).toBeUndefined();
});

test('secretOverridePaths finds credentials written as strings, not *_file keys, flags or empty values', () => {
  expect(secretOverridePaths({
    s3: { secret_key: 'x', access_key: 'y', use_federated_token: true, session_token: '' },
    remote_write: [{ basic_auth: { password: 'p', password_file: '/etc/p' }, tls_config: { key: 'PEM', key_file: '/k' } }],
    'auth.generic_oauth': { client_secret: 's' },
  })).toEqual(['s3.secret_key', 's3.access_key', 'remote_write[0].basic_auth.password', 'remote_write[0].tls_config.key',
    'auth.generic_oauth.client_secret']);
});
