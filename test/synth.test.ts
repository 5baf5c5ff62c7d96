import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildEnvironment, Environment, renderEnvironment, synthesizeAll } from '../charts';
import { validateK8sObjects } from './support/k8s-schema';
import { unknownTempoKeys } from './support/tempo-keys';
import { CONFIG, ENVIRONMENTS, K8sObject, podTemplates } from './helpers';

const rendered = ENVIRONMENTS.map((env) => ({ env, files: renderEnvironment(buildEnvironment(env)) }));
const objectsOf = (files: Map<string, string>) => [...files].filter(([name]) => name.endsWith('.k8s.yaml')).flatMap(([,
  text]) => yaml.loadAll(text) as K8sObject[]);

describe.each(rendered.map((r) => [r.env.name, r] as const))('environment %s', (_name, { env, files }) => {
  const objects = objectsOf(files);

  test('every object validates against the Kubernetes 1.28 schema', () => {
    expect(validateK8sObjects(objects)).toEqual([]);
  });

  test('the Namespace comes first and every other object lives in it', () => {
    const [first] = [...files.keys()].sort();
    expect(first).toBe('0000-namespace.k8s.yaml');
    const ns = objects.find((o) => o.kind === 'Namespace');
    expect(ns?.metadata.name).toBe(env.namespace);
    expect(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(env.namespace);
  });

  test('every tempo.yaml uses only keys Tempo 2.6 knows', () => {
    const configs = objects.filter((o) => o.kind === 'ConfigMap' && o.data?.['tempo.yaml']);
    expect(configs.length).toBeGreaterThan(0);
    for (const cm of configs) expect(unknownTempoKeys(yaml.load(cm.data['tempo.yaml']))).toEqual([]);
  });

  test('every workload is restricted, probed, resourced and pinned', () => {
    const templates = podTemplates(objects);
    expect(templates.length).toBeGreaterThan(0);
    for (const { owner, template } of templates) {
      const spec = template.spec;
      expect([owner.metadata.name, spec.securityContext?.runAsNonRoot]).toEqual([owner.metadata.name, true]);
      expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${owner.metadata.name}/${c.name}`;
        expect([where, c.securityContext]).toEqual([where, expect.objectContaining({
          allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
        })]);
        expect([where, c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.cpu && c.resources?.limits?.memory])
          .toEqual([where, expect.any(String)]);
        expect([where, c.image]).toEqual([where, expect.stringMatching(/^[^:]+:(?!latest$)[\w.-]+$/)]);
        if (!spec.initContainers?.includes(c)) {
          expect([where, Boolean(c.readinessProbe && c.livenessProbe)]).toEqual([where, true]);
        }
      }
    }
  });

  test('no Secret is synthesized (credentials are created at deploy time)', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('matches the reviewed snapshot', () => {
    expect(Object.fromEntries(files)).toMatchSnapshot();
  });
});

describe('synthesis', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tempo-stack-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const tree = (dir: string): Record<string, string> => Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => { const file = path.join(e.parentPath, e.name); return [path.relative(dir, file), fs.readFileSync(file, 'utf8')]; }),
  );

  test('is deterministic: two renders are byte-identical', () => {
    for (const env of ENVIRONMENTS) expect(renderEnvironment(buildEnvironment(env))).toEqual(renderEnvironment(buildEnvironment(env)));
  });

  test('writes one folder per environment', () => {
    const out = path.join(tmp, 'dist');
    synthesizeAll(CONFIG, out);
    expect(fs.readdirSync(out).sort()).toEqual([...ENVIRONMENTS.map((e) => e.name), 'argocd'].sort());
    const files = tree(out);
    for (const { env, files: expected } of rendered) {
      for (const [name, content] of expected) expect(files[`${env.name}/${name}`]).toBe(content);
    }
  });

  test('a failing environment leaves the previous output exactly as it was, and no temporary folder behind', () => {
    const out = path.join(tmp, 'dist');
    synthesizeAll(CONFIG, out);
    fs.writeFileSync(path.join(out, 'dev', 'marker'), 'previous run');
    const before = tree(out);
    const broken: Environment = { name: 'broken', description: 'bad', namespace: 'x', tempo: { replicas: 3 } };
    expect(() => synthesizeAll({ environments: [...ENVIRONMENTS, broken] }, out))
      .toThrow(`tempo-stack.yaml: 'environments[${ENVIRONMENTS.length}].tempo.replicas' must be 1 in single-node mode, got 3; use mode 'cluster' for `
      + `more replicas`);
    expect(tree(out)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('a successful run replaces stale files', () => {
    const out = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(out, 'old-env'), { recursive: true });
    synthesizeAll(CONFIG, out);
    expect(fs.existsSync(path.join(out, 'old-env'))).toBe(false);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('two environments with the same name are refused', () => {
    expect(() => synthesizeAll({ environments: [ENVIRONMENTS[0], ENVIRONMENTS[0]] }, path.join(tmp, 'dist')))
      .toThrow(`tempo-stack.yaml: 'environments[1].name' is already used by environments[0], got '${ENVIRONMENTS[
      0].name}'; give every environment its own name`);
  });
});
