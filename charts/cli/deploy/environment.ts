import * as fs from 'fs';
import * as path from 'path';
import type { EnvironmentManifest, ManifestPort, ManifestService, PortRole } from '../../manifest';
import { ENVIRONMENT_FILE, ENVIRONMENT_MANIFEST_VERSION } from '../../shared/environment-file';
import { Failure } from './kubectl';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The environments dist/ holds: its folders with an environment manifest, comma-separated, or `none`. */
export function availableEnvironments(dist: string): string {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dist, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(dist, d.name, ENVIRONMENT_FILE)))
      .map((d) => d.name).sort();
  } catch { /* no dist/ at all */ }
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Reads and checks `dist/<env>/environment`. Every name in it reaches kubectl or a manifest, so a
 * hand-edited or stale file fails here, before kubectl runs.
 */
export function readEnvironment(dist: string, env: string, synth: string): EnvironmentManifest {
  const rel = `dist/${env}/${ENVIRONMENT_FILE}`;
  const file = path.join(dist, env, ENVIRONMENT_FILE);
  if (!fs.existsSync(file)) throw new Failure(`${rel} is missing: run ${synth}`);
  let m: EnvironmentManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Failure(`${rel} is not JSON (${(error as Error).message}): run ${synth}`);
  }
  if (m?.version !== ENVIRONMENT_MANIFEST_VERSION) {
    throw new Failure(`${rel} has version ${JSON.stringify(m?.version)}, this deploy reads version ${ENVIRONMENT_MANIFEST_VERSION}: run ${synth}`);
  }
  if (typeof m.namespace !== 'string' || !DNS_LABEL.test(m.namespace)) {
    throw new Failure(`${rel} declares no valid namespace (got '${m.namespace}'): run ${synth}`);
  }
  if (typeof m.namespaceFile !== 'string' || !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(m.namespaceFile)) {
    throw new Failure(`${rel} names no valid Namespace file (got '${m.namespaceFile}'): run ${synth}`);
  }
  if (!fs.existsSync(path.join(dist, env, m.namespaceFile))) throw new Failure(`dist/${env}/${m.namespaceFile} is missing: run ${synth}`);
  for (const secret of m.secrets) {
    if (!SECRET_NAME.test(secret.name)) throw new Failure(`${rel}: '${secret.name}' is not a valid Secret name: run ${synth}`);
    for (const k of secret.keys) {
      if (!SECRET_KEY.test(k.key)) throw new Failure(`${rel}: '${k.key}' of Secret ${secret.name} is not a valid Secret key: run ${synth}`);
      if (!['random', 'literal', 'provided'].includes(k.source)) {
        throw new Failure(`${rel}: key ${k.key} of ${secret.name} has source '${k.source}'; use random, literal or provided`);
      }
    }
  }
  return m;
}

/** The Service and port with a role, if the environment has one. */
export function portWithRole(
  m: EnvironmentManifest, role: PortRole,
): { service: ManifestService; port: ManifestPort; component: string } | undefined {
  for (const component of m.components) {
    for (const service of component.services) {
      const port = service.ports.find((p) => p.role === role);
      if (port) return { service, port, component: component.name };
    }
  }
  return undefined;
}

/** `k=v,k2=v2`, as kubectl's -l takes it. */
export function selectorText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}
