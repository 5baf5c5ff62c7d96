/** A verb of `tempo-stack deploy` (deploy.sh's verbs); `deploy` when none is given. */
export type Verb = 'deploy' | 'status' | 'logs' | 'stop' | 'restart' | 'clean' | 'verify';

/** The parsed command line. */
export interface DeployOptions {
  readonly verb: Verb;
  /** The option that chose the verb (`--status`), for messages; empty for deploy. */
  readonly verbOption: string;
  readonly env: string;
  readonly context: string;
  readonly timeout: string;
  readonly timeoutSeconds: number;
  readonly dryRun: boolean;
  readonly noVerify: boolean;
  readonly follow: boolean;
  readonly yes: boolean;
  readonly verbose: boolean;
}

/** A mistake on the command line: printed with a pointer to --help, exit code 2, nothing run. */
export class UsageError extends Error {}

/** How the program calls itself in messages: `./deploy.sh` (the wrapper) or `tempo-stack deploy`. */
export interface CommandName {
  /** What a user types, e.g. `./deploy.sh` in "Deploy it with ./deploy.sh --env dev". */
  readonly invocation: string;
  /** The program's name, e.g. `deploy.sh` in "deploy.sh: unknown option". */
  readonly program: string;
}

/** The help text, with the command as the user calls it. */
export function usage(command: CommandName): string {
  const c = command.invocation;
  return `Usage: ${c} [verb] [options]

Deploys one environment of tempo-stack (the manifests in dist/<env>/) to the cluster of a kubectl
context, proves that it works end to end, and manages it. Every name it uses (namespace, Services,
ports, workloads, Secrets, labels) comes from dist/<env>/environment, which synth writes.

Verbs (at most one; deploy is the default):
  (none)                deploy: check kubectl, the cluster, dist/<env>/ and the namespace; create
                        the missing generated Secrets (and stop, saying how to create them, when a
                        Secret only you can create is missing); apply with server-side apply; wait
                        for every rollout; health-check Tempo, Prometheus and Grafana; then --verify
  --status              workloads, pods (readiness, restarts), PVCs, Services with their in-cluster
                        URLs, the Secrets the stack uses (names only), the last warning events
  --logs                logs of every container of the stack, each line prefixed by its pod
  --stop                scale every workload to zero; PVCs and Secrets are kept
                        (${c} starts the environment again)
  --restart             restart every workload and wait for the rollouts
  --clean               delete the stack's objects (by its labels), its PVCs (by its selectors only)
                        and the Secrets ${command.program} generated, after you type the environment's
                        name (or --yes)
  --verify              end-to-end check: send one trace over OTLP/HTTP, read it back by id and
                        with TraceQL, check that Prometheus scrapes every Tempo pod and has loaded
                        the alert rules, that Grafana's datasources are healthy and, with the
                        metrics-generator on, that span metrics arrive; one line per check
  --help, -h            this help

Options:
  --env <name>          the environment, a folder under dist/ (default: dev)
  --context <name>      the kubectl context (default: the current context)
  --timeout <duration>  how long to wait for each rollout, and for the verification trace and
                        metrics to show up (default: 5m; units s, m, h: 90s, 10m, 1h30m)
  --dry-run             deploy only: server-side dry run, nothing is changed
  --no-verify           deploy only: skip --verify (the health checks still run)
  --follow, -f          --logs only: keep streaming
  --yes, -y             --clean: do not ask for confirmation
  --verbose, -v         print every kubectl command before it runs

Exit codes:
  0  success
  1  failure: a check, the apply, a rollout or a verification failed, a Secret you must create is
     missing, the environment is not deployed (--status, --logs, --stop, --restart, --verify), or
     --clean was not confirmed
  2  usage error: unknown option, missing value, unknown environment (nothing was run)
`;
}

const VALUE_OPTIONS = ['--env', '--context', '--timeout'];
const FLAGS = ['--status', '--logs', '--stop', '--restart', '--clean', '--verify', '--dry-run', '--no-verify',
  '--follow', '-f', '--yes', '-y', '--verbose', '-v', '--help', '-h'];
const VERBS: Record<string, Verb> = {
  '--status': 'status', '--logs': 'logs', '--stop': 'stop', '--restart': 'restart', '--clean': 'clean', '--verify': 'verify',
};

/** Parses the arguments as deploy.sh did; `'help'` when --help came before any mistake. Throws a UsageError. */
export function parseDeployArgs(argv: readonly string[]): DeployOptions | 'help' {
  let verb: Verb = 'deploy';
  let verbOption = '';
  let env = 'dev';
  let context = '';
  let timeout = '5m';
  let dryRun = false;
  let noVerify = false;
  let follow = false;
  let yes = false;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    let opt = argv[i];
    let value = '';
    let inline = false;
    const eq = opt.indexOf('=');
    if (opt.startsWith('--') && eq > 0) {
      value = opt.slice(eq + 1);
      opt = opt.slice(0, eq);
      inline = true;
    }
    if (VALUE_OPTIONS.includes(opt)) {
      if (!inline) {
        if (i + 1 >= argv.length) throw new UsageError(`${opt} needs a value`);
        value = argv[++i];
        if (value.startsWith('-')) throw new UsageError(`${opt} needs a value, got the option '${value}'`);
      }
      if (value === '') throw new UsageError(`${opt} needs a value`);
      if (opt === '--env') env = value;
      else if (opt === '--context') context = value;
      else timeout = value;
    } else if (FLAGS.includes(opt)) {
      if (inline) throw new UsageError(`${opt} takes no value`);
      if (opt === '--help' || opt === '-h') return 'help';
      if (opt === '--dry-run') dryRun = true;
      else if (opt === '--no-verify') noVerify = true;
      else if (opt === '--follow' || opt === '-f') follow = true;
      else if (opt === '--yes' || opt === '-y') yes = true;
      else if (opt === '--verbose' || opt === '-v') verbose = true;
      else {
        if (verbOption !== '' && verbOption !== opt) throw new UsageError(`${verbOption} and ${opt} are two verbs: run them one after the other`);
        verbOption = opt;
        verb = VERBS[opt];
      }
    } else if (opt.startsWith('-')) {
      throw new UsageError(`unknown option '${opt}'`);
    } else {
      throw new UsageError(`unexpected argument '${opt}' (the environment is chosen with --env ${opt})`);
    }
  }
  if (dryRun && verb !== 'deploy') throw new UsageError(`--dry-run applies to deploy only, not to ${verbOption}`);
  if (noVerify && verb !== 'deploy') throw new UsageError(`--no-verify applies to deploy only, not to ${verbOption}`);
  if (follow && verb !== 'logs') throw new UsageError('--follow applies to --logs only');
  const timeoutSeconds = durationSeconds(timeout);
  if (timeoutSeconds === undefined) throw new UsageError(`--timeout must be a duration such as 90s, 5m or 1h30m, got '${timeout}'`);
  return { verb, verbOption, env, context, timeout, timeoutSeconds, dryRun, noVerify, follow, yes, verbose };
}

/** A Go duration of hours, minutes and seconds (what kubectl --timeout takes) in seconds; undefined for anything else or zero. */
export function durationSeconds(text: string): number | undefined {
  if (!/^(\d+[hms])+$/.test(text)) return undefined;
  const unit = { h: 3600, m: 60, s: 1 } as const;
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([hms])/g)) total += Number(n) * unit[u as keyof typeof unit];
  return total > 0 ? total : undefined;
}
