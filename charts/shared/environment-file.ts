/**
 * The file, in every environment folder, that describes the environment for the tools that deploy
 * and verify it (`tempo-stack deploy`, `./deploy.sh`). JSON, but without an extension on purpose:
 * `kubectl apply -f dist/<env>/` reads every `.json`, `.yaml` and `.yml` file of the folder as
 * Kubernetes objects and would fail on it (as it skips `Kustomization` for the same reason);
 * kustomize reads only the files its `resources` list. Kept apart from charts/manifest.ts, so that
 * the deploy reads it without loading the charts.
 */
export const ENVIRONMENT_FILE = 'environment';

/** The version of the manifest's shape; a reader refuses another. */
export const ENVIRONMENT_MANIFEST_VERSION = 1;
