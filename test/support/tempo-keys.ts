// The Tempo key-tree checker lives in charts/tempo/keys.ts (synth checks configOverrides with it);
// the tests also hand it YAML text.
import * as yaml from 'js-yaml';
import { unknownTempoKeys as unknownKeys } from '../../charts/tempo/keys';

/** Every key of a Tempo config (an object or YAML text) that Tempo 2.6 does not know at that place. */
export function unknownTempoKeys(config: unknown): string[] {
  return unknownKeys(typeof config === 'string' ? yaml.load(config) : config);
}
