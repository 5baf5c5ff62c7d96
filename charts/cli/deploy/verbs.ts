import * as fs from 'fs';
import * as path from 'path';
import type { ManifestSecret, ManifestWorkload } from '../../manifest';
import { DeployContext, say, warn } from './context';
import { selectorText } from './environment';
import { Exit, Failure } from './kubectl';
import { Verification } from './verify';

const FIELD_MANAGER = 'tempo-stack';
/** The label on the Secrets the deploy generated (and `--clean` may delete). */
export const GENERATED_LABEL = 'tempo-stack/generated';
const KUBECTL_MIN_MINOR = 27;

const POD_REASONS = '{{range .items}}{{.metadata.name}}: {{.status.phase}}{{range .status.conditions}}'
  + '{{if and (eq .type "PodScheduled") (eq .status "False")}}, not scheduled: {{.message}}{{end}}{{end}}'
  + '{{range .status.initContainerStatuses}}{{if .state.waiting}}, init container {{.name}} waiting: '
  + '{{.state.waiting.reason}}{{with .state.waiting.message}} ({{.}}){{end}}{{end}}{{end}}{{range .status.containerStatuses}}{{$container := .name}}'
  + '{{if .state.waiting}}, container {{.name}} waiting: {{.state.waiting.reason}}{{with .state.waiting.message}} ({{.}}){{end}}{{end}}'
  + '{{if not .ready}}{{with .lastState.terminated}}, container {{$container}} last exited: {{.reason}} (exit code {{.exitCode}}){{end}}{{end}}'
  + '{{end}}{{"\\n"}}{{end}}';
const EVENT_LINES = '{{range .items}}{{.type}} {{.reason}}: {{.message}}{{"\\n"}}{{end}}';
const NAMES = 'go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const stackSelector = (c: DeployContext) => selectorText(c.manifest.ownership.selector);
const partOf = (c: DeployContext) => Object.entries(c.manifest.ownership.selector)[0];

/** kubectl is there, new enough, and reaches the cluster of the context. */
export async function checkKubectlAndCluster(c: DeployContext): Promise<void> {
  if (!c.io.hasCommand('kubectl')) {
    throw new Failure(`kubectl is not on the PATH: install kubectl 1.${KUBECTL_MIN_MINOR} or newer (https://kubernetes.io/docs/tasks/tools/)`);
  }
  if (c.options.context) {
    c.contextName = c.options.context;
  } else {
    const current = await c.kubectl.try(['config', 'current-context']);
    if (current.code !== 0) {
      throw new Failure('kubectl has no current context: choose one with kubectl config use-context <name>, or pass --context <name>');
    }
    c.contextName = current.stdout.trim();
  }
  // One call answers both: kubectl version prints the client's version, then asks the server for its own.
  const version = await c.kubectl.try(['version', '-o', 'yaml', '--request-timeout=15s']);
  const client = /gitVersion: *v(\d+)\.(\d+)/.exec(version.stdout.split('serverVersion:')[0]);
  if (client) {
    const [major, minor] = [Number(client[1]), Number(client[2])];
    if (major < 1 || (major === 1 && minor < KUBECTL_MIN_MINOR)) {
      throw new Failure(`kubectl ${major}.${minor} is too old: server-side apply and kustomize need kubectl 1.${KUBECTL_MIN_MINOR} or newer `
        + '(https://kubernetes.io/docs/tasks/tools/)');
    }
  } else if (version.code === 0) {
    warn(c, 'could not read kubectl\'s version; continuing');
  }
  if (version.code !== 0 || !version.stdout.includes('serverVersion:')) {
    throw new Failure(`cannot reach the cluster of context '${c.contextName}':`, [version.stderr.replace(/\n$/, ''),
      'Is the cluster running (kind get clusters, k3d cluster list, minikube status)? Pick another one with --context.']);
  }
}

/** Refuses a namespace another application, or another environment of this stack, owns. */
export async function checkNamespace(c: DeployContext): Promise<void> {
  const { namespace, ownership } = c.manifest;
  const [partOfKey, stack] = partOf(c);
  const instanceKey = Object.keys(ownership.namespaceLabels).find((k) => k !== partOfKey)!;
  const jsonpath = (key: string) => `{.metadata.labels.${key.replace(/\./g, '\\.')}}`;
  const labels = `jsonpath={.metadata.name}|${jsonpath(partOfKey)}|${jsonpath(instanceKey)}`;
  const out = await c.kubectl.must(['get', 'namespace', namespace, '--ignore-not-found', '-o', labels]);
  const [name, owner = '', instance = ''] = out.replace(/\n$/, '').split('|');
  c.namespaceExists = name !== '' && name !== undefined;
  if (!c.namespaceExists) return;
  const env = c.options.env;
  const expected = ownership.namespaceLabels[instanceKey];
  if (owner !== '' && owner !== stack) {
    throw new Failure(`namespace ${namespace} belongs to '${owner}' (label ${partOfKey}=${owner}), not to ${stack}; nothing was changed.`,
      [`Give environment ${env} another namespace in tempo-stack.yaml, run ${c.synth}, and deploy again.`]);
  }
  if (owner === stack && instance !== '' && instance !== expected) {
    throw new Failure(`namespace ${namespace} belongs to environment '${instance}' of ${stack} (label ${instanceKey}=${instance}), `
      + `not to '${expected}'; nothing was changed.`,
      [`Manage it with --env ${instance}, or give environment ${env} its own namespace in tempo-stack.yaml and run ${c.synth}.`]);
  }
  if (owner === '' && c.options.verb === 'deploy') {
    warn(c, `namespace ${namespace} exists without ${stack}'s labels: the deploy adopts it, `
      + 'and the restricted Pod Security Standard then applies to every pod in it');
  }
}

function requireDeployed(c: DeployContext): void {
  if (!c.namespaceExists) {
    throw new Failure(`environment ${c.options.env} is not deployed: namespace ${c.manifest.namespace} does not exist in context '${c.contextName}'. `
      + `Deploy it with ${c.command.invocation} --env ${c.options.env}`);
  }
}

/** Compares dist/<env>/ with what a fresh synth of the config writes; refuses to deploy a stale one. */
async function checkFreshDist(c: DeployContext): Promise<void> {
  const env = c.options.env;
  const fresh = await c.io.freshSynth(env);
  if (fresh.kind === 'no-config') {
    warn(c, `dist/${env} is not compared with a fresh synth (no ${path.basename(fresh.file)} next to dist/); deploying it as it is`);
    return;
  }
  if (fresh.kind === 'failed') throw new Failure(`${c.synth} failed, nothing was applied:`, [fresh.message]);
  if (fresh.kind === 'no-environment') {
    throw new Failure(`a fresh synth writes no environment '${env}': it was removed from tempo-stack.yaml; run ${c.synth}`);
  }
  const folder = path.join(c.dist, env);
  const present = fs.readdirSync(folder).sort();
  const differences: string[] = [];
  for (const name of [...new Set([...present, ...fresh.files.keys()])].sort()) {
    const here = present.includes(name);
    const content = fresh.files.get(name);
    if (content === undefined) differences.push(`Only in dist/${env}: ${name}`);
    else if (!here) differences.push(`Only in fresh synth: ${env}: ${name}`);
    else if (fs.readFileSync(path.join(folder, name), 'utf8') !== content) {
      differences.push(`Files fresh synth: ${env}/${name} and dist/${env}/${name} differ`);
    }
  }
  if (differences.length > 0) {
    throw new Failure(`dist/${env} differs from a fresh synth of the code, nothing was applied:`,
      [...differences.slice(0, 10), `Run ${c.synth}, review git diff dist/, and deploy again.`]);
  }
  say(c, `dist/${env} equals a fresh synth`);
}

/** A strong random value: 48 letters and digits from the operating system's CSPRNG. */
function randomValue(c: DeployContext): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let value = '';
  while (value.length < 48) {
    // 248 = 4 x 62: bytes above it are dropped, so every character is equally likely.
    for (const byte of c.io.randomBytes(64)) if (byte < 248 && value.length < 48) value += alphabet[byte % 62];
  }
  return value;
}

/** A Secret manifest with base64 data, handed to kubectl on stdin: values never reach argv, a file or the output. */
function secretManifest(c: DeployContext, secret: ManifestSecret): string {
  const [partOfKey, stack] = partOf(c);
  const [instanceKey, instance] = Object.entries(c.manifest.ownership.namespaceLabels).find(([k]) => k !== partOfKey)!;
  const data = secret.keys.map((k) => {
    const value = k.source === 'literal' ? k.value : randomValue(c);
    return `  ${k.key}: ${Buffer.from(value).toString('base64')}\n`;
  }).join('');
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${secret.name}\n  namespace: ${c.manifest.namespace}\n`
    + `  labels:\n    ${partOfKey}: ${stack}\n    ${instanceKey}: ${instance}\n    ${GENERATED_LABEL}: "true"\ntype: Opaque\ndata:\n${data}`;
}

/** How to create a Secret only the user can fill: one `kubectl create secret` line. */
export function createSecretCommand(namespace: string, secret: ManifestSecret): string {
  const keys = secret.keys.length > 0 ? secret.keys : [{ key: '<key>', source: 'provided' as const, usedAs: 'env' as const }];
  const args = keys.map((k) => (k.source === 'provided' && k.usedAs === 'file' ? `--from-file=${k.key}=<file>` : `--from-literal=${k.key}=<value>`));
  return `kubectl -n ${namespace} create secret generic ${secret.name} ${args.join(' ')}`;
}

async function secretExists(c: DeployContext, name: string): Promise<boolean> {
  const r = await c.kubectl.tryShown(c.kubectl.ns('get', 'secret', name, '--ignore-not-found', '-o', 'name'));
  return r.stdout.trim() !== '';
}

/**
 * The Secrets first: those only the user can create must exist (the deploy stops, saying how to
 * create each, and never invents a value); the generated ones missing are created, never
 * overwriting one that exists.
 */
async function ensureSecrets(c: DeployContext): Promise<void> {
  const ns = c.manifest.namespace;
  const keysOf = (s: ManifestSecret) => s.keys.map((k) => k.key).join(',');
  const missing: ManifestSecret[] = [];
  for (const secret of c.manifest.secrets.filter((s) => s.createdBy === 'user')) {
    if (!c.namespaceExists) {
      say(c, `Secret ${secret.name} must be created by you once namespace ${ns} exists: ${createSecretCommand(ns, secret)}`);
    } else if (await secretExists(c, secret.name)) {
      say(c, `Secret ${secret.name} exists: kept as it is`);
    } else {
      missing.push(secret);
    }
  }
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'a Secret only you can create is' : `${missing.length} Secrets only you can create are`;
    throw new Failure(`${what} missing in namespace ${ns}, `
      + 'nothing else was applied; create, then deploy again:', missing.flatMap((s) => [
      `Secret ${s.name} (${s.keys.length > 0 ? `keys ${keysOf(s)}` : 'every key its pods read'}; read by ${s.usedBy.join(', ')}):`,
      `  ${createSecretCommand(ns, s)}`,
    ]));
  }
  for (const secret of c.manifest.secrets.filter((s) => s.createdBy === 'deploy')) {
    const keys = keysOf(secret);
    if (!c.namespaceExists) {
      say(c, `Secret ${secret.name} would be created with generated keys ${keys}`);
      continue;
    }
    if (await secretExists(c, secret.name)) {
      say(c, `Secret ${secret.name} exists: kept as it is`);
      continue;
    }
    if (c.options.dryRun) {
      say(c, `Secret ${secret.name} would be created with generated keys ${keys}`);
      continue;
    }
    // create, not apply: a Secret someone made in the meantime is never overwritten.
    const created = await c.kubectl.try(c.kubectl.ns('create', '-f', '-'), { input: secretManifest(c, secret) });
    if (created.stderr) c.io.err(created.stderr);
    if (created.code !== 0) throw new Failure(`could not create Secret ${secret.name} in namespace ${ns}`);
    say(c, `Secret ${secret.name} created (keys ${keys}); values are never printed: read one with `
      + `kubectl -n ${ns} get secret ${secret.name} -o go-template='{{index .data "<key>" | base64decode}}'`);
  }
}

async function applyEnvironment(c: DeployContext): Promise<void> {
  const apply = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--force-conflicts'];
  const folder = `${path.join(c.dist, c.options.env)}/`;
  const namespaceFile = path.join(folder, c.manifest.namespaceFile);
  if (c.options.dryRun) {
    if (!c.namespaceExists) {
      // The API server cannot dry-run objects inside a namespace that does not exist yet.
      await c.kubectl.must([...apply, '--dry-run=server', '-f', namespaceFile], { passthrough: true });
      warn(c, `namespace ${c.manifest.namespace} does not exist yet: the objects inside it are checked client-side only`);
      await c.kubectl.must(['apply', '--dry-run=client', '-k', folder], { passthrough: true });
    } else {
      await c.kubectl.must([...apply, '--dry-run=server', '-k', folder], { passthrough: true });
    }
    return;
  }
  if (!c.namespaceExists) {
    // The namespace first, so the Secrets exist before any pod that reads them starts.
    await c.kubectl.must([...apply, '-f', namespaceFile], { passthrough: true });
    c.namespaceExists = true;
  }
  await ensureSecrets(c);
  await c.kubectl.must([...apply, '-k', folder], { passthrough: true });
}

/** The stack's StatefulSets and Deployments in the cluster, by its labels (`statefulset.apps/tempo`). */
async function listWorkloads(c: DeployContext): Promise<string[]> {
  return lines(await c.kubectl.must(c.kubectl.ns('get', 'statefulset,deployment', '-l', stackSelector(c), '-o', 'name')));
}

/** Why a workload is not ready: its pods' waiting reasons and the last events of it and its pods. */
async function explainNotReady(c: DeployContext, workload: string, known?: ManifestWorkload): Promise<void> {
  const k = c.kubectl;
  let selector = known ? selectorText(known.selector) : '';
  if (!known) {
    const r = await k.tryShown(k.ns('get', workload, '-o', 'go-template={{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}'));
    selector = r.code === 0 ? r.stdout.replace(/,$/, '') : '';
  }
  let pods: string[] = [];
  if (selector) {
    const r = await k.tryShown(k.ns('get', 'pods', '-l', selector, '-o', `go-template=${POD_REASONS}`));
    if (r.code === 0) pods = lines(r.stdout);
  }
  if (pods.length > 0) for (const pod of pods) say(c, `    pod ${pod}`);
  else say(c, '    no pods: the workload could not create any (see its events)');
  for (const name of [workload.slice(workload.indexOf('/') + 1), ...pods.map((p) => p.slice(0, p.indexOf(':')))]) {
    const r = await k.tryShown(k.ns('get', 'events', '--field-selector', `involvedObject.name=${name}`, '--sort-by=.lastTimestamp',
      '-o', `go-template=${EVENT_LINES}`));
    const events = r.code === 0 ? lines(r.stdout).slice(-5) : [];
    if (events.length > 0) {
      say(c, `    last events of ${name}:`);
      for (const event of events) say(c, `      ${event}`);
    }
  }
}

/** Waits for each workload's rollout; explains and fails for those not ready within --timeout. */
async function waitRollouts(c: DeployContext, workloads: readonly string[]): Promise<void> {
  const known = new Map(c.manifest.components.flatMap((x) => x.workloads).map((w) => [w.resource, w]));
  const failed: string[] = [];
  for (const workload of workloads) {
    const r = await c.kubectl.try(c.kubectl.ns('rollout', 'status', workload, `--timeout=${c.options.timeout}`));
    if (r.code === 0) {
      say(c, `${workload} is ready`);
      continue;
    }
    say(c, `${workload} did not become ready within ${c.options.timeout}: ${lines(`${r.stdout}\n${r.stderr}`).at(-1) ?? ''}`);
    await explainNotReady(c, workload, known.get(workload));
    failed.push(workload);
  }
  if (failed.length > 0) {
    throw new Failure(`not ready within ${c.options.timeout}: ${failed.join(', ')}. `
      + `See ${c.command.invocation} --env ${c.options.env} --status and --logs`);
  }
}

async function withVerification(c: DeployContext, run: (v: Verification) => Promise<void>): Promise<void> {
  const v = new Verification(c);
  try {
    await run(v);
  } finally {
    await v.close();
  }
}

/** deploy: the fresh-synth check, Secrets, server-side apply, rollouts, health checks, verification. */
export async function deploy(c: DeployContext): Promise<void> {
  const env = c.options.env;
  const where = `namespace ${c.manifest.namespace}, context '${c.contextName}'`;
  await checkFreshDist(c);
  if (c.options.dryRun) {
    say(c, `Dry run of dist/${env} in ${where} (nothing is changed)`);
    await ensureSecrets(c);
    await applyEnvironment(c);
    say(c, 'dry run passed: nothing was changed');
    return;
  }
  say(c, `Deploying dist/${env} to ${where}`);
  await applyEnvironment(c);
  const workloads = c.manifest.components.flatMap((x) => x.workloads).map((w) => w.resource);
  if (workloads.length === 0) throw new Failure(`dist/${env}/ declares no StatefulSet or Deployment to wait for`);
  await waitRollouts(c, workloads);
  await withVerification(c, async (v) => {
    await v.healthChecks();
    if (!c.options.noVerify && v.passing) await v.endToEnd();
    v.summary();
    v.nextSteps();
  });
}

/** --verify: health checks and the end-to-end checks of a deployed environment. */
export async function verify(c: DeployContext): Promise<void> {
  requireDeployed(c);
  await withVerification(c, async (v) => {
    await v.healthChecks();
    if (v.passing) await v.endToEnd();
    v.summary();
    v.nextSteps();
  });
}

/** --status: workloads, pods, PVCs, Services with in-cluster URLs, the Secrets (names only), warning events. */
export async function status(c: DeployContext): Promise<void> {
  const { namespace, components, secrets } = c.manifest;
  const k = c.kubectl;
  if (!c.namespaceExists) {
    say(c, `environment ${c.options.env} is not deployed: namespace ${namespace} does not exist in context '${c.contextName}'`);
    throw new Exit(1);
  }
  const selector = stackSelector(c);
  say(c, `Environment ${c.options.env}: namespace ${namespace}, context '${c.contextName}'`);
  say(c);
  say(c, '== Workloads');
  await k.must(k.ns('get', 'statefulset,deployment', '-l', selector, '-o', 'wide'), { passthrough: true });
  say(c);
  say(c, '== Pods');
  await k.must(k.ns('get', 'pods', '-l', selector, '-o', 'wide'), { passthrough: true });
  say(c);
  say(c, '== PersistentVolumeClaims');
  await k.must(k.ns('get', 'pvc'), { passthrough: true });
  say(c);
  say(c, '== Services (in-cluster URLs)');
  for (const service of components.flatMap((x) => x.services)) {
    for (const port of service.ports) say(c, `  ${service.name.padEnd(18)} ${port.name.padEnd(12)} ${port.url ?? port.address}`);
  }
  say(c);
  say(c, '== Secrets (names only)');
  const existing = lines(await k.must(k.ns('get', 'secrets', '-o', NAMES)));
  const generated = lines(await k.must(k.ns('get', 'secrets', '-l', `${GENERATED_LABEL}=true`, '-o', NAMES)));
  for (const secret of [...secrets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    let state: string;
    if (generated.includes(secret.name)) {
      state = `generated by ${c.command.program}; read: `
        + `kubectl -n ${namespace} get secret ${secret.name} -o go-template='{{index .data "<key>" | base64decode}}'`;
    } else if (existing.includes(secret.name)) {
      state = 'created by you';
    } else if (secret.createdBy === 'deploy') {
      state = `MISSING: pods that need it cannot start (${c.command.invocation} creates the generated ones)`;
    } else {
      state = `MISSING: pods that need it cannot start; create it: ${createSecretCommand(namespace, secret)}`;
    }
    say(c, `  ${secret.name.padEnd(22)} ${state}`);
  }
  say(c);
  say(c, '== Last warning events');
  const events = await k.must(k.ns('get', 'events', '--field-selector', 'type=Warning', '--sort-by=.lastTimestamp'));
  for (const line of lines(events).slice(-10)) say(c, line);
}

/** --logs: every container of the stack, prefixed by pod; --follow streams. */
export async function logs(c: DeployContext): Promise<void> {
  requireDeployed(c);
  await c.kubectl.must(c.kubectl.ns('logs', '-l', stackSelector(c), '--all-containers', '--prefix', '--tail=200', '--max-log-requests=50',
    ...(c.options.follow ? ['--follow'] : [])), { passthrough: true });
}

/** --stop: every workload of the stack scaled to zero; nothing deleted. */
export async function stop(c: DeployContext): Promise<void> {
  requireDeployed(c);
  const workloads = await listWorkloads(c);
  if (workloads.length === 0) throw new Failure(`no workload of environment ${c.options.env} in namespace ${c.manifest.namespace} to stop`);
  await c.kubectl.must(c.kubectl.ns('scale', ...workloads, '--replicas=0'), { passthrough: true });
  say(c, `stopped ${workloads.length} workload(s); PVCs and Secrets are kept. `
    + 'Pods stop after their grace period (Tempo flushes its live traces first).');
  say(c, `Start again with ${c.command.invocation} --env ${c.options.env}`);
}

/** --restart: every workload restarted, then each rollout awaited. */
export async function restart(c: DeployContext): Promise<void> {
  requireDeployed(c);
  const workloads = await listWorkloads(c);
  if (workloads.length === 0) throw new Failure(`no workload of environment ${c.options.env} in namespace ${c.manifest.namespace} to restart`);
  await c.kubectl.must(c.kubectl.ns('rollout', 'restart', ...workloads), { passthrough: true });
  await waitRollouts(c, workloads);
}

/**
 * --clean: what carries the stack's labels (of the kinds it applies), the PVCs its selectors
 * match (never another PVC of the namespace), the Secrets it generated, then the namespace unless
 * Secrets the user created remain. Asks for the environment's name first, unless --yes.
 */
export async function clean(c: DeployContext): Promise<void> {
  const { namespace, ownership, namespaceFile } = c.manifest;
  const env = c.options.env;
  const k = c.kubectl;
  if (!c.namespaceExists) {
    say(c, `nothing to clean: namespace ${namespace} does not exist in context '${c.contextName}'`);
    return;
  }
  const selector = stackSelector(c);
  const pvcs = new Map<string, string>();
  for (const claims of c.manifest.components.flatMap((x) => x.volumeClaims)) {
    const out = await k.must(k.ns('get', 'pvc', '-l', selectorText(claims.selector), '-o',
      'go-template={{range .items}}{{.metadata.name}} {{.spec.resources.requests.storage}}{{"\\n"}}{{end}}'));
    for (const line of lines(out)) pvcs.set(line.split(' ')[0], line.slice(line.indexOf(' ') + 1));
  }
  const generatedSelector = `${selector},${GENERATED_LABEL}=true`;
  const generated = lines(await k.must(k.ns('get', 'secrets', '-l', generatedSelector, '-o', NAMES)));
  say(c, `--clean deletes environment ${env} from context '${c.contextName}', namespace ${namespace}:`);
  say(c, `  - every object of the stack (labelled ${selector}): ${ownership.resources.join(', ')}`);
  if (pvcs.size > 0) {
    say(c, `  - its PersistentVolumeClaims, and every trace and metric stored on them: ${[...pvcs].map(([n, size]) => `${n} (${size})`).join(', ')}`);
  } else {
    say(c, '  - no PersistentVolumeClaims');
  }
  if (generated.length > 0) say(c, `  - the Secrets ${c.command.program} generated (their passwords are lost): ${generated.join(', ')}`);
  say(c, '  - then the namespace, unless Secrets you created remain in it (they are kept)');
  if (!c.options.yes) {
    c.io.err(`Type the environment name (${env}) to delete it: `);
    const answer = (await c.io.readLine()) ?? '';
    if (answer !== env) throw new Failure(`not confirmed (typed '${answer}'): nothing was deleted`);
  }
  const timeout = `--timeout=${c.options.timeout}`;
  if (ownership.resources.length > 0) {
    await k.must(k.ns('delete', ownership.resources.join(','), '-l', selector, '--ignore-not-found', timeout), { passthrough: true });
  }
  if (pvcs.size > 0) await k.must(k.ns('delete', 'pvc', '--ignore-not-found', timeout, ...pvcs.keys()), { passthrough: true });
  if (generated.length > 0) await k.must(k.ns('delete', 'secret', '-l', generatedSelector), { passthrough: true });
  const remaining = lines(await k.must(k.ns('get', 'secrets', '-o', NAMES)));
  if (remaining.length > 0) {
    say(c, `namespace ${namespace} kept: it holds Secrets you created (${remaining.join(', ')}). `
      + `Delete it with: kubectl delete namespace ${namespace}`);
  } else {
    await k.must(['delete', '--ignore-not-found', timeout, '-f', path.join(c.dist, env, namespaceFile)], { passthrough: true });
  }
  say(c, `environment ${env} deleted`);
}

