import { TEMPO_PRESETS, TEMPO_PRESET_PROPS, TempoPresetName, TempoProps, resolveTempoSettings } from '../../charts/tempo';
import { remoteWrite } from '../helpers';

// Props that settings turn into something else: expectedLoad -> load, resources merged, storageSize derived.
const TRANSFORMED = new Set(['expectedLoad', 'resources', 'storageSize']);
const plain = TEMPO_PRESET_PROPS.filter((k) => !TRANSFORMED.has(k));
const base: TempoProps = { metricsRemoteWriteUrl: remoteWrite };

describe('presets', () => {
  const presets = Object.keys(TEMPO_PRESETS) as TempoPresetName[];
  test.each(presets)('preset %s: every knob it decides reaches the settings under the prop\'s name', (preset) => {
    const s = resolveTempoSettings({ ...base, preset }) as unknown as Record<string, unknown>;
    for (const k of plain) expect([k, s[k]]).toEqual([k, TEMPO_PRESETS[preset][k]]);
  });

  test('every knob a preset decides is overridden by the prop of the same name', () => {
    // The basic preset differs from single-node in most knobs (so the override is visible); not in
    // timing, log level, compaction window or processors.
    const from = TEMPO_PRESETS.basic as unknown as Record<string, unknown>;
    const into = TEMPO_PRESETS['single-node'] as unknown as Record<string, unknown>;
    const overrides = Object.fromEntries(plain.map((k) => [k, from[k]]));
    const s = resolveTempoSettings({ ...base, preset: 'single-node', ...overrides }) as unknown as Record<string, unknown>;
    for (const k of plain) expect([k, s[k]]).toEqual([k, from[k]]);
    const changed = plain.filter((k) => JSON.stringify(from[k]) !== JSON.stringify(into[k]));
    expect(changed.length).toBeGreaterThanOrEqual(7);
  });
});
