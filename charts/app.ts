import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { argoCdWarnings, ArgoCdChart } from './argocd/applications';
import { Environment, StackConfigFile } from './config/file';
import { checkEnvironments, DEFAULT_CONFIG_FILE, formatLocated, locateConfigError, locateDetail } from './config/load';
import { toYaml } from './shared/render';
import { ENVIRONMENT_FILE, environmentManifest, renderCharts, renderEnvironmentManifest } from './manifest';
import { ConfigError } from './shared/validate';
import { TempoStack } from './stack';

/** An environment built into a cdk8s App, not yet written. */
export interface BuiltEnvironment {
  readonly environment: Environment;
  readonly app: App;
  readonly stack: TempoStack;
}

/** The file that makes a folder a kustomization. Not `kustomization.yaml`: see renderEnvironment. */
export const KUSTOMIZATION_FILE = 'Kustomization';

/** Builds the App of one environment; throws a ConfigError on bad settings. */
export function buildEnvironment(environment: Environment): BuiltEnvironment {
  const app = new App();
  const stack = new TempoStack(app, environment.name, environment);
  return { environment, app, stack };
}

/**
 * The files of one environment:
 * - one manifest per chart, `NNNN-<chart id>.k8s.yaml` in dependency order, so
 *   `kubectl apply -f dist/<env>/` creates the Namespace before what lives in it (cdk8s's own
 *   file names append a path hash for charts nested in a stack construct);
 * - `Kustomization`, listing exactly those manifests, for `kubectl apply -k` and Argo CD. It is
 *   kustomize's third accepted file name; `kubectl apply -f <dir>` reads every .yaml file and would
 *   try to create a `kustomization.yaml` as an object, but skips a file without an extension;
 * - `environment` (ENVIRONMENT_FILE), the environment described for the deploy tools: its
 *   Services, workloads, Secrets to create, ownership labels (see charts/manifest.ts).
 */
export function renderEnvironment(built: BuiltEnvironment): Map<string, string> {
  return renderApp(built).files;
}

/** renderEnvironment's files, and the objects counted by kind. */
function renderApp(built: BuiltEnvironment): { files: Map<string, string>; kinds: Map<string, number> } {
  const files = new Map<string, string>();
  const objects: Array<{ kind: string }> = [];
  // cdk8s's own rendering: the charts in dependency order, each chart's objects as `cdk8s synth` writes them.
  const charts = renderCharts(built.app);
  charts.forEach(({ chart, objects: json }, index) => {
    const name = `${String(index).padStart(4, '0')}-${chart.node.id}.k8s.yaml`;
    objects.push(...json);
    files.set(name, renderManifests(json));
  });
  files.set(KUSTOMIZATION_FILE, kustomization([...files.keys()]));
  const namespaceFile = [...files.keys()].find((f) => f.endsWith(`-${built.stack.namespaceChart.node.id}.k8s.yaml`))!;
  files.set(ENVIRONMENT_FILE, renderEnvironmentManifest(environmentManifest(built.stack, built.environment.name, namespaceFile, charts)));
  return { files, kinds: countKinds(objects) };
}

/**
 * A multi-document YAML file of Kubernetes objects. js-yaml, as for every config file here: it
 * writes the same text as cdk8s's `Yaml.stringify` for these objects, in less than half the time.
 */
function renderManifests(objects: readonly unknown[]): string {
  return objects.map((o) => toYaml(o)).join('---\n');
}

function kustomization(resources: string[]): string {
  return toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}

/** The folders synth writes: each environment, and `argocd` when asked for. */
export interface RenderedOutput {
  /** Folder name under the output folder -> file name -> content. */
  readonly folders: Map<string, Map<string, string>>;
  /** Objects per folder, counted by kind, for the summary synth prints. */
  readonly kinds: Map<string, Map<string, number>>;
  /**
   * What is allowed but probably not meant, one line each in the error format and located in the
   * config file (`tempo-stack.yaml: 'argocd.repoURL' is still the example repository, ...`). The
   * synth command prints each as `warning: <line>` on stderr; warnings never fail synth.
   */
  readonly warnings: readonly string[];
}

/**
 * Builds and renders a whole config in memory. Every error is a ConfigError that names the config
 * file and the path inside it (`environments[2].tempo.replicas`).
 */
export function renderConfig(config: StackConfigFile, file = DEFAULT_CONFIG_FILE): RenderedOutput {
  checkEnvironments(config, file);
  const folders = new Map<string, Map<string, string>>();
  const kinds = new Map<string, Map<string, number>>();
  const warnings: string[] = [];
  const targets = config.environments.map((env, index) => {
    let built: BuiltEnvironment;
    try {
      built = buildEnvironment(env);
    } catch (error) {
      throw error instanceof ConfigError ? locateConfigError(error, file, index) : error;
    }
    const { files, kinds: counted } = renderApp(built);
    folders.set(env.name, files);
    kinds.set(env.name, counted);
    warnings.push(...built.stack.warnings.map((w) => formatLocated(locateDetail(w, index), file)));
    return { name: env.name, namespace: built.stack.namespace };
  });
  if (config.argocd) {
    const app = new App();
    let chart: ArgoCdChart;
    try {
      chart = new ArgoCdChart(app, 'argocd', { options: config.argocd, environments: targets });
    } catch (error) {
      const d = error instanceof ConfigError ? error.detail : undefined;
      throw d ? new ConfigError(formatLocated(locateDetail(d), file), locateDetail(d)) : error;
    }
    warnings.push(...argoCdWarnings(config.argocd).map((w) => formatLocated(locateDetail(w), file)));
    const files = new Map<string, string>();
    const objects = chart.applications.map((application) => application.toJson());
    objects.forEach((object, i) => files.set(`${targets[i].name}.k8s.yaml`, renderManifests([object])));
    files.set(KUSTOMIZATION_FILE, kustomization([...files.keys()]));
    folders.set('argocd', files);
    kinds.set('argocd', countKinds(objects));
  }
  return { folders, kinds, warnings };
}

function countKinds(objects: ReadonlyArray<{ kind: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  // Plain code-unit order: localeCompare would load ICU's collator, 10 ms of a 200 ms synth.
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Writes rendered folders into `outdir`, atomically: the files go to a temporary folder beside
 * `outdir`, and only a complete result replaces `outdir`. A failed run leaves the previous
 * `outdir` exactly as it was; when `outdir` already holds exactly this output, nothing is written.
 */
export function writeOutput(output: RenderedOutput, outdir: string): void {
  const target = path.resolve(outdir);
  if (holds(target, output)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), '.dist-'));
  try {
    for (const [folder, files] of output.folders) {
      fs.mkdirSync(path.join(staging, folder));
      for (const [file, content] of files) fs.writeFileSync(path.join(staging, folder, file), content);
    }
    const previous = `${staging}.old`;
    const hadPrevious = fs.existsSync(target);
    if (hadPrevious) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    if (hadPrevious) fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** True when `dir` holds exactly the rendered folders and files, byte for byte, and nothing else. */
function holds(dir: string, output: RenderedOutput): boolean {
  try {
    if (!sameNames(fs.readdirSync(dir), [...output.folders.keys()])) return false;
    for (const [folder, files] of output.folders) {
      if (!sameNames(fs.readdirSync(path.join(dir, folder)), [...files.keys()])) return false;
      for (const [file, content] of files) if (fs.readFileSync(path.join(dir, folder, file), 'utf8') !== content) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);
}

/** Renders a config and writes it into `outdir` atomically (see renderConfig and writeOutput). */
export function synthesizeAll(config: StackConfigFile, outdir: string, file = DEFAULT_CONFIG_FILE): RenderedOutput {
  const output = renderConfig(config, file);
  writeOutput(output, outdir);
  return output;
}
