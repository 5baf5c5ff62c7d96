import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { Environment } from './environments';
import { ConfigError } from './shared/validate';
import { TempoStack } from './stack';

/** An environment built into a cdk8s App, not yet written. */
export interface BuiltEnvironment {
  readonly environment: Environment;
  readonly app: App;
  readonly stack: TempoStack;
}

/** Builds the App of one environment; throws a ConfigError on bad settings. */
export function buildEnvironment(environment: Environment): BuiltEnvironment {
  const app = new App();
  const stack = new TempoStack(app, environment.name, environment.stack);
  return { environment, app, stack };
}

/**
 * The files of one environment: one per chart, `NNNN-<chart id>.k8s.yaml` in dependency order,
 * so `kubectl apply -f dist/<env>/` creates the Namespace before what lives in it. (cdk8s's own
 * file names append a path hash for charts nested in a stack construct.)
 */
export function renderEnvironment(built: BuiltEnvironment): Map<string, string> {
  const files = new Map<string, string>();
  built.app.charts.forEach((chart, index) => {
    const name = `${String(index).padStart(4, '0')}-${chart.node.id}.k8s.yaml`;
    files.set(name, Yaml.stringify(...chart.toJson()));
  });
  return files;
}

/**
 * Synthesizes every environment into `outdir/<name>/`, atomically: every environment is built
 * and rendered in memory first (any error throws before a file is written), the files go to a
 * temporary folder beside `outdir`, and only a complete result replaces `outdir`. A failed run
 * leaves the previous `outdir` exactly as it was.
 */
export function synthesizeAll(environments: readonly Environment[], outdir: string): void {
  const names = environments.map((env) => env.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError(`environments: '${duplicate}' is listed twice; give every environment its own name`);
  const rendered = environments.map((env) => ({ name: env.name, files: renderEnvironment(buildEnvironment(env)) }));

  const target = path.resolve(outdir);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), '.dist-'));
  try {
    for (const { name, files } of rendered) {
      fs.mkdirSync(path.join(staging, name));
      for (const [file, content] of files) fs.writeFileSync(path.join(staging, name, file), content);
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
