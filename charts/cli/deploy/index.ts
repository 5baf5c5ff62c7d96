// `tempo-stack deploy` (and ./deploy.sh, a thin wrapper around it): deploys one environment of
// dist/ with kubectl, proves it works end to end, and manages it. Every name it uses comes from
// dist/<env>/environment (charts/manifest.ts), never from the YAML text.
import * as fs from 'fs';
import * as path from 'path';
import { CommandName, parseDeployArgs, usage, UsageError } from './args';
import { DeployContext } from './context';
import { availableEnvironments, readEnvironment } from './environment';
import { DeployIO, processDeployIO } from './io';
import { Exit, Failure, Kubectl } from './kubectl';
import { checkKubectlAndCluster, checkNamespace, clean, deploy, logs, restart, status, stop, verify } from './verbs';

export type { DeployIO, FreshSynth, CommandResult, BackgroundCommand, HttpRequest, HttpResponse } from './io';

const KUSTOMIZATION_FILE = 'Kustomization';

/**
 * How the program names itself: `./deploy.sh` sets `TEMPO_STACK_COMMAND=./deploy.sh`, so that its
 * messages read as they always did; otherwise `tempo-stack deploy`.
 */
function commandName(env: DeployIO['env']): CommandName {
  const invocation = env.TEMPO_STACK_COMMAND || 'tempo-stack deploy';
  return { invocation, program: invocation.replace(/^\.\//, '') };
}

/**
 * Runs `tempo-stack deploy <argv>` and returns the exit code: 0 success, 1 a failure (a check,
 * the apply, a rollout, a missing Secret, not deployed, not confirmed), 2 a usage error (nothing run).
 */
export async function deployMain(argv: readonly string[], io: DeployIO = processDeployIO()): Promise<number> {
  const command = commandName(io.env);
  const usageError = (message: string) => {
    io.err(`${command.program}: ${message}\nRun ${command.invocation} --help for the verbs and options.\n`);
    return 2;
  };
  let options;
  try {
    options = parseDeployArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
  if (options === 'help') {
    io.out(usage(command));
    return 0;
  }
  const inRepository = command.invocation !== 'tempo-stack deploy';
  const synth = inRepository ? 'npm run synth' : 'npx tempo-stack synth';
  const dist = path.join(io.root, 'dist');
  if (!fs.existsSync(dist)) {
    return usageError(inRepository ? `no dist/ folder next to ${command.program}: run npm ci && npm run synth first`
      : `no dist/ folder in ${io.root}: run npx tempo-stack synth first`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.env) || !fs.existsSync(path.join(dist, options.env))) {
    return usageError(`unknown environment '${options.env}': dist/ has ${availableEnvironments(dist)}`);
  }
  const kubectl = new Kubectl(io, options.context, options.verbose);
  try {
    // Synth names it Kustomization (no extension), so that `kubectl apply -f dist/<env>/` skips it.
    if (!fs.existsSync(path.join(dist, options.env, KUSTOMIZATION_FILE))) {
      throw new Failure(`dist/${options.env}/${KUSTOMIZATION_FILE} is missing: run ${synth}`);
    }
    const manifest = readEnvironment(dist, options.env, synth);
    kubectl.namespace = manifest.namespace;
    const c: DeployContext = { io, options, command, synth, dist, manifest, kubectl, contextName: '', namespaceExists: false };
    await checkKubectlAndCluster(c);
    await checkNamespace(c);
    const verbs = { deploy, status, logs, stop, restart, clean, verify };
    await verbs[options.verb](c);
    return 0;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    if (error instanceof Failure) {
      io.err(`error: ${error.message}\n${error.lines.map((l) => `  ${l}\n`).join('')}`);
      return 1;
    }
    throw error;
  }
}
