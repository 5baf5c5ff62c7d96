import * as yaml from 'js-yaml';
import { KUSTOMIZATION_FILE, renderConfig } from '../charts';
import { validateCustomResources } from './support/crd-schema';
import { CONFIG, ENVIRONMENTS } from './helpers';

const output = renderConfig(CONFIG);
const files = output.folders.get('argocd')!;
const applications = [...files].filter(([f]) => f.endsWith('.k8s.yaml')).map(([, text]) => yaml.load(text) as any);

describe('dist/argocd', () => {
  test('one Application per environment, each valid against Argo CD\'s Application CRD', () => {
    expect(applications.map((a) => a.metadata.name)).toEqual(ENVIRONMENTS.map((e) => `tempo-stack-${e.name}`));
    expect(validateCustomResources(applications)).toEqual([]);
  });

  test('each syncs its environment\'s folder from the configured repository into its namespace', () => {
    for (const [i, env] of ENVIRONMENTS.entries()) {
      expect(applications[i].spec).toMatchObject({
        project: CONFIG.argocd!.project,
        source: { repoURL: CONFIG.argocd!.repoURL, targetRevision: CONFIG.argocd!.targetRevision, path: `dist/${env.name}` },
        destination: { server: 'https://kubernetes.default.svc', namespace: env.namespace },
      });
      // The environment's folder is a kustomization Argo CD renders.
      expect(output.folders.get(env.name)!.has(KUSTOMIZATION_FILE)).toBe(true);
    }
  });

  test('the Namespace comes from our manifests: no CreateNamespace; server-side apply, prune last', () => {
    for (const app of applications) {
      expect(app.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'PruneLast=true', 'ApplyOutOfSyncOnly=true']);
      expect(app.spec.syncPolicy.syncOptions.some((o: string) => o.startsWith('CreateNamespace'))).toBe(false);
    }
  });

  test('automated sync with prune and self-heal is an option, off unless asked', () => {
    expect(applications.every((a) => a.spec.syncPolicy.automated === undefined)).toBe(true);
    const auto = renderConfig({ ...CONFIG, argocd: { ...CONFIG.argocd!, automated: true } }).folders.get('argocd')!;
    const app = yaml.load(auto.get(`${ENVIRONMENTS[0].name}.k8s.yaml`)!) as any;
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(validateCustomResources([app])).toEqual([]);
  });

  test('its Kustomization lists exactly the Applications', () => {
    expect((yaml.load(files.get(KUSTOMIZATION_FILE)!) as any).resources.sort())
      .toEqual([...files.keys()].filter((f) => f !== KUSTOMIZATION_FILE).sort());
  });

  test('without an argocd section there is no dist/argocd', () => {
    expect(renderConfig({ environments: CONFIG.environments }).folders.has('argocd')).toBe(false);
  });
});

describe('every environment folder', () => {
  test.each(ENVIRONMENTS.map((e) => [e.name]))('%s: its Kustomization lists exactly its manifests, in file order', (name) => {
    const folder = output.folders.get(name)!;
    const manifests = [...folder.keys()].filter((f) => f.endsWith('.k8s.yaml'));
    expect((yaml.load(folder.get(KUSTOMIZATION_FILE)!) as any)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: manifests,
    });
    expect([...manifests].sort()).toEqual(manifests);
  });
});
