import { createHash } from 'crypto';
import * as yaml from 'js-yaml';

/**
 * Serializes a config object to YAML. Key order is the object's own, so the output is stable
 * for the same input; no line folding, no anchors (upstream parsers differ on both).
 */
export function toYaml(data: unknown): string {
  return yaml.dump(data, { lineWidth: -1, noRefs: true });
}

/** sha256 of a rendered file, for a pod-template annotation that rolls pods when the file changes. */
export function contentHash(...contents: string[]): string {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content).update('\0');
  return hash.digest('hex');
}
