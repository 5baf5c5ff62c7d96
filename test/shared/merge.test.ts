import { deepMerge, mergeResources, overridePaths } from '../../charts';

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
  expect(mergeResources(preset, { limits: { memory: '3Gi' } })).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '3Gi' } });
  expect(mergeResources(preset, undefined)).toEqual(preset);
  expect(mergeResources(preset, { requests: { cpu: undefined, memory: '1Gi' } }).requests).toEqual({ cpu: '500m', memory: '1Gi' });
});
