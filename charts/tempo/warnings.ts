import { ConfigErrorDetail, describe } from '../shared/validate';
import { TempoSettings } from './settings';

/**
 * What is allowed but probably not meant, in resolved Tempo settings, each in the error format's
 * parts (the stack locates them like errors): a replication factor of 2, whose write quorum is 2 of
 * 2, so a write fails as soon as one replica is down (no better than 1, at twice the storage).
 */
export function tempoWarnings(settings: Pick<TempoSettings, 'replicationFactor'>): ConfigErrorDetail[] {
  const warnings: ConfigErrorDetail[] = [];
  if (settings.replicationFactor === 2) {
    warnings.push({
      component: 'tempo',
      prop: 'replicationFactor',
      problem: 'of 2 lets no write survive losing a replica (the write quorum is 2 of 2)',
      got: describe(2),
      fix: 'use 3 (with at least 3 replicas) to survive one replica down, or 1 if losing recent traces with a pod is acceptable',
    });
  }
  return warnings;
}
