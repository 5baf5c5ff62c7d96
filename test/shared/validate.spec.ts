import { checkDuration, checkQuantity, checkDnsLabel, checkImageTag, ConfigError, formatMiB } from '../../charts/shared/validate';

describe('Go durations', () => {
  test.each([
    ['30s', 30], ['5m', 300], ['1h30m', 5400], ['336h', 1_209_600], ['1.5h', 5400], ['500ms', 0.5],
  ])('%s is %d seconds', (text, seconds) => {
    expect(checkDuration('tempo', 'x', text)).toBeCloseTo(seconds);
  });

  test.each(['7d', '1 hour', '30', '-5m', '', 'h', '0s'])('%p is refused with the fix', (text) => {
    expect(() => checkDuration('tempo', 'blockRetention', text)).toThrow(ConfigError);
    expect(() => checkDuration('tempo', 'blockRetention', text)).toThrow(/^tempo: 'blockRetention' must be/);
  });

  test('days get a hint to write hours', () => {
    expect(() => checkDuration('tempo', 'blockRetention', '7d')).toThrow(
      "tempo: 'blockRetention' must be a Go duration such as '30s', '5m' or '336h', got '7d'; write it with the units ns, us, ms, s, m or h (days "
        + "are not accepted: write 7d as '168h')",
    );
  });
});

describe('Kubernetes quantities', () => {
  test.each([
    ['500m', 0.5], ['2', 2], ['0.5', 0.5], ['512Mi', 512 * 2 ** 20], ['2Gi', 2 * 2 ** 30], ['1G', 1e9], ['10Gi', 10 * 2 ** 30],
  ])('%s is %d', (text, value) => {
    expect(checkQuantity('tempo', 'x', text, '1Gi')).toBeCloseTo(value);
  });

  test.each(['-1Gi', '0', '2 Gi', 'lots', '1gb', ''])('%p is refused', (text) => {
    expect(() => checkQuantity('tempo', 'storageSize', text, '10Gi')).toThrow(
      `tempo: 'storageSize' must be a positive Kubernetes quantity, got '${text}'; write it like '10Gi'`,
    );
  });

  test('MiB formatting rounds up', () => {
    expect(formatMiB(2 ** 20 + 1)).toBe('2Mi');
  });
});

describe('names and tags', () => {
  test.each(['Tempo', 'tempo_1', '1tempo', 'tempo-', 'a'.repeat(41)])('%p is not a usable name', (name) => {
    expect(() => checkDnsLabel('tempo', 'name', name, 40)).toThrow(/^tempo: 'name' must be a DNS label/);
  });

  test('a valid label passes unchanged', () => {
    expect(checkDnsLabel('tempo', 'name', 'tempo-eu-1', 40)).toBe('tempo-eu-1');
  });

  test.each(['latest', '', 'has space'])('tag %p is not pinned', (tag) => {
    expect(() => checkImageTag('tempo', 'image.tag', tag,
      '2.6.1')).toThrow(`tempo: 'image.tag' must be a pinned image tag, got '${tag}'; use an exact version such as '2.6.1' (never 'latest')`);
  });
});
