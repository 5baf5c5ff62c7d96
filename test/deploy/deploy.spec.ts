import * as fs from 'fs';
import * as path from 'path';
import { Environment, buildEnvironment, renderEnvironment } from '../../charts';
import { EnvironmentManifest } from '../../charts/manifest';
import { Run, SPAN_ID, TRACE_ID, World, repoDist } from './world';

// The deploy (charts/cli/deploy) against a recording fake kubectl and fake HTTP, in this process:
// the exact kubectl argument lists each verb runs, and what it makes of canned answers. The
// environments are the repository's own dist/ folders, and a synthesized one with every component
// renamed. No cluster, no network.

const NS_LABELS = 'app.kubernetes.io/part-of=tempo-stack';
const LABEL_PATHS = String.raw`{.metadata.labels.app\.kubernetes\.io/part-of}|{.metadata.labels.app\.kubernetes\.io/instance}`;
const JSONPATH = `-o jsonpath={.metadata.name}|${LABEL_PATHS}`;
const TEMPO_SELECTOR = 'app.kubernetes.io/instance=tempo,app.kubernetes.io/name=tempo';
const APPLY = 'apply --server-side --field-manager=tempo-stack --force-conflicts';
const DEV: EnvironmentManifest = JSON.parse(repoDist('dev').environment);
const DEV_ALERTS = DEV.components.find((c) => c.name === 'prometheus')!.alertRules!;
const CLUSTER: EnvironmentManifest = JSON.parse(repoDist('cluster').environment);
const CLUSTER_ALERTS = CLUSTER.components.find((c) => c.name === 'prometheus')!.alertRules!;

/** kubectl version -o yaml of a 1.30 client talking to a 1.29 server. */
const VERSIONS = 'clientVersion:\n  gitVersion: v1.30.2\n  major: "1"\n  minor: "30"\nkustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3\n'
  + 'serverVersion:\n  gitVersion: v1.29.4\n  major: "1"\n  minor: "29"\n';
const COMMON_CHECKS = ['config current-context', 'version -o yaml --request-timeout=15s'];

function world(): World {
  return new World().dist('dev', repoDist('dev')).dist('cluster', repoDist('cluster')).dist('single-node', repoDist('single-node'))
    .on('kubectl', 'config current-context', { stdout: 'kind-tempo\n' })
    .on('kubectl', '*version -o yaml --request-timeout=15s', { stdout: VERSIONS });
}

/** The namespace exists and carries the labels of environment `env`. */
function deployed(w: World, ns = 'tempo-dev', env = 'dev'): World {
  return w.on('kubectl', `*get namespace ${ns} *`, { stdout: `${ns}|tempo-stack|${env}` });
}

/** A running stack in the namespace: workloads, Services, Tempo's pods, Grafana's Secret. */
function runningStack(w: World, ns = 'tempo-dev'): World {
  return w
    .on('kubectl', `*--namespace ${ns} get statefulset,deployment -l ${NS_LABELS} -o name`,
      { stdout: 'statefulset.apps/tempo\nstatefulset.apps/prometheus\ndeployment.apps/grafana\n' })
    .on('kubectl', `*--namespace ${ns} get services -l ${NS_LABELS} -o name`,
      { stdout: 'service/tempo\nservice/tempo-headless\nservice/prometheus\nservice/prometheus-headless\nservice/grafana\n' })
    .on('kubectl', `*--namespace ${ns} get pods -l ${TEMPO_SELECTOR} -o go-template=*`, { stdout: 'tempo-0 tempo-1 ' })
    .on('kubectl', `*--namespace ${ns} get secret grafana-admin -o go-template=*`, { stdout: 'admin\nPW-FROM-THE-SECRET' });
}

/** Alertmanager's /api/v2/alerts holding the Watchdog, routed to the null receiver (no dead man's switch configured). */
const WATCHDOG_ALERTS = JSON.stringify([{ labels: { alertname: 'Watchdog', severity: 'none' }, startsAt: '2026-12-04T22:00:00Z',
  receivers: [{ name: 'null' }], status: { state: 'active' } }]);
const WATCHDOG_OK = 'Watchdog received from Prometheus (firing since 2026-12-04T22:00:00Z), kept in Alertmanager (no dead man\'s switch configured); '
  + 'no receiver configured: alerts are kept in Alertmanager and shown in Grafana (docs/alertmanager.md adds one)';

function alertRulesAnswer(count: number): string {
  const rules = Array.from({ length: count }, (_, i) => ({ state: 'inactive', name: `Alert${i}`, type: 'alerting' }));
  return JSON.stringify({ status: 'success', data: { groups: [
    { name: 'tempo', file: '/etc/prometheus/rules/tempo.rules.yaml', rules: rules.slice(0, 3) },
    { name: 'tempo-prometheus', file: '/etc/prometheus/rules/tempo.rules.yaml', rules: rules.slice(3) },
  ] } });
}

/** Tempo, Prometheus and Grafana answering as healthy ones do, on the fake port-forwards. */
function healthyServices(w: World, alerts = DEV_ALERTS): World {
  return w
    .on('http', 'GET http://127.0.0.1:43200/ready', { stdout: 'ready\n' })
    .on('http', 'GET http://127.0.0.1:49090/-/ready', { stdout: 'Prometheus Server is Ready.\n' })
    .on('http', 'GET http://127.0.0.1:43000/api/health', { stdout: '{\n  "database": "ok",\n  "version": "12.3.11"\n}' })
    .on('http', 'POST http://127.0.0.1:44318/v1/traces', { stdout: '{"partialSuccess":{}}' })
    .on('http', `GET http://127.0.0.1:43200/api/traces/${TRACE_ID}`, {
      stdout: '{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"tempo-stack-verify"}}]},'
        + '"scopeSpans":[{"spans":[{"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"t61rcWkgMzE=","name":"verify"}]}]}]}',
    })
    // Tempo's search drops the id's leading zero.
    .on('http', 'GET http://127.0.0.1:43200/api/search?*', {
      stdout: '{"traces":[{"traceID":"af7651916cd43dd8448eb211c80319c","rootServiceName":"tempo-stack-verify"}]}',
    })
    .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=up{job="tempo"}', {
      stdout: '{"status":"success","data":{"resultType":"vector","result":['
        + '{"metric":{"__name__":"up","job":"tempo","namespace":"tempo-dev","pod":"tempo-0"},"value":[1764110000.1,"1"]},'
        + '{"metric":{"__name__":"up","job":"tempo","namespace":"tempo-dev","pod":"tempo-1"},"value":[1764110000.1,"1"]}]}}',
    })
    .on('http', 'GET http://127.0.0.1:49090/api/v1/rules?type=alert', { stdout: alertRulesAnswer(alerts) })
    .on('http', 'GET http://127.0.0.1:43000/api/datasources/uid/tempo/health',
      { stdout: '{"message":"Data source successfully connected.","status":"OK"}' })
    .on('http', 'GET http://127.0.0.1:43000/api/datasources/uid/prometheus/health',
      { stdout: '{"message":"Successfully queried the Prometheus API.","status":"OK"}' });
}

/** The check lines printed: [status, check, what it found]. */
function checks(run: Run): string[][] {
  return run.stdout.split('\n').map((l) => /^(ok|FAIL|skip)\s+(.+?)\s{2,}(.*)$/.exec(l)).filter((m) => m !== null)
    .map((m) => [m![1], m![2], m![3]]);
}

const HEALTHY_CHECKS = [
  ['ok', 'tempo /ready', 'HTTP 200: ready'],
  ['ok', 'prometheus /-/ready', 'HTTP 200: Prometheus Server is Ready.'],
  ['ok', 'grafana /api/health', 'database ok, Grafana 12.3.11'],
  ['ok', 'otlp: send a trace', `trace ${TRACE_ID} accepted over OTLP/HTTP (HTTP 200: {"partialSuccess":{}})`],
  ['ok', 'tempo: trace by id', `trace ${TRACE_ID} read back: 1 span(s) of service tempo-stack-verify`],
  ['ok', 'tempo: TraceQL search', `found by { resource.service.name = "tempo-stack-verify" && span.tempo_stack.verify_id = "${TRACE_ID}" }`],
  ['ok', 'prometheus: scrapes every tempo pod', 'up{job="tempo"} is 1 for tempo-0, tempo-1'],
  ['ok', 'prometheus: alert rules', `${DEV_ALERTS} alert rules loaded in 2 group(s) (dist/dev declares ${DEV_ALERTS})`],
  ['ok', 'grafana: datasource tempo', 'OK: Data source successfully connected.'],
  ['ok', 'grafana: datasource prometheus', 'OK: Successfully queried the Prometheus API.'],
];

const PORT_FORWARDS = [
  `--namespace tempo-dev get services -l ${NS_LABELS} -o name`,
  '--namespace tempo-dev port-forward svc/tempo :3200 :4318 --address 127.0.0.1',
  '--namespace tempo-dev port-forward svc/prometheus :9090 --address 127.0.0.1',
  '--namespace tempo-dev port-forward svc/grafana :3000 --address 127.0.0.1',
];
const VERIFY_READS = [
  `--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template={{range .items}}{{.metadata.name}} {{end}}`,
  '--namespace tempo-dev get secret grafana-admin -o go-template={{index .data "admin-user" | base64decode}}{{"\\n"}}{{index .data '
    + '"admin-password" | base64decode}}',
];
const ROLLOUTS = (timeout = '5m', ns = 'tempo-dev') => ['statefulset.apps/tempo', 'statefulset.apps/prometheus', 'deployment.apps/grafana']
  .map((w) => `--namespace ${ns} rollout status ${w} --timeout=${timeout}`);

let w: World;
afterEach(() => w.remove());

describe('usage errors: a message, exit code 2, and kubectl never runs', () => {
  test.each([
    [['--bogus'], "deploy.sh: unknown option '--bogus'"],
    [['--env'], 'deploy.sh: --env needs a value'],
    [['--env', '--status'], "deploy.sh: --env needs a value, got the option '--status'"],
    [['--context='], 'deploy.sh: --context needs a value'],
    [['--env', 'prod'], "deploy.sh: unknown environment 'prod': dist/ has cluster, dev, single-node"],
    [['--env', '../dev'], "deploy.sh: unknown environment '../dev': dist/ has cluster, dev, single-node"],
    [['--timeout', '5 minutes'], "deploy.sh: --timeout must be a duration such as 90s, 5m or 1h30m, got '5 minutes'"],
    [['--timeout', '0s'], "deploy.sh: --timeout must be a duration such as 90s, 5m or 1h30m, got '0s'"],
    [['--stop', '--clean'], 'deploy.sh: --stop and --clean are two verbs: run them one after the other'],
    [['--dry-run', '--status'], 'deploy.sh: --dry-run applies to deploy only, not to --status'],
    [['--no-verify', '--verify'], 'deploy.sh: --no-verify applies to deploy only, not to --verify'],
    [['--follow'], 'deploy.sh: --follow applies to --logs only'],
    [['--yes=1'], 'deploy.sh: --yes takes no value'],
    [['dev'], "deploy.sh: unexpected argument 'dev' (the environment is chosen with --env dev)"],
  ])('%j', async (args, message) => {
    w = world();
    const run = await w.run(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`${message}\nRun ./deploy.sh --help for the verbs and options.\n`);
    expect(run.stdout).toBe('');
    expect(run.kubectl).toEqual([]);
  });

  test('as tempo-stack deploy, the messages name tempo-stack deploy', async () => {
    w = world();
    const run = await w.run(['--bogus'], { env: { TEMPO_STACK_COMMAND: '' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("tempo-stack deploy: unknown option '--bogus'\nRun tempo-stack deploy --help for the verbs and options.\n");
    expect((await w.run(['--help'], { env: { TEMPO_STACK_COMMAND: '' } })).stdout).toMatch(/^Usage: tempo-stack deploy \[verb\] \[options\]\n/);
  });

  test('--help documents every verb, option and exit code, and runs nothing', async () => {
    w = world();
    const run = await w.run(['--help']);
    expect(run.status).toBe(0);
    for (const word of ['--status', '--logs', '--stop', '--restart', '--clean', '--verify', '--env <name>', '--context <name>',
      '--dry-run', '--yes', '--timeout <duration>', '--verbose', '--no-verify', '--follow']) {
      expect(run.stdout).toContain(word);
    }
    expect(run.stdout).toMatch(/^Usage: \.\/deploy\.sh \[verb\] \[options\]\n/);
    expect(run.stdout).toMatch(/^ {2}0 {2}success$/m);
    expect(run.stdout).toMatch(/^ {2}1 {2}failure/m);
    expect(run.stdout).toMatch(/^ {2}2 {2}usage error/m);
    expect(run.kubectl).toEqual([]);
  });

  test('no dist/ at all is a usage error', async () => {
    w = new World();
    const run = await w.run(['--status']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('deploy.sh: no dist/ folder next to deploy.sh: run npm ci && npm run synth first\nRun ./deploy.sh --help for the verbs '
      + 'and options.\n');
  });
});

describe('deploy', () => {
  test('from an empty cluster: namespace, missing Secrets, server-side apply, rollouts, health, end-to-end checks', async () => {
    w = healthyServices(runningStack(world()));
    const run = await w.run([]);
    expect(run.stderr).toBe('warning: dist/dev is not compared with a fresh synth (no tempo-stack.yaml next to dist/); deploying it as it is\n');
    expect(run.status).toBe(0);
    expect(run.kubectl).toEqual([
      ...COMMON_CHECKS,
      `get namespace tempo-dev --ignore-not-found ${JSONPATH}`,
      `${APPLY} -f $ROOT/dist/dev/0000-namespace.k8s.yaml`,
      '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name',
      '--namespace tempo-dev create -f -',
      `${APPLY} -k $ROOT/dist/dev/`,
      ...ROLLOUTS(),
      ...PORT_FORWARDS,
      ...VERIFY_READS,
    ]);
    expect(checks(run)).toEqual(HEALTHY_CHECKS);
    expect(run.stdout).toContain('all 10 checks passed\n');
    expect(run.stdout).toContain(`Verification trace: ${TRACE_ID} (service tempo-stack-verify)`);
    expect(run.stdout).toContain('Open Grafana: kubectl -n tempo-dev port-forward svc/grafana 3000:3000, then http://localhost:3000/explore\n');
    expect(run.stdout).toContain('Send traces to http://tempo.tempo-dev.svc.cluster.local:4318 (OTLP/HTTP) or '
      + 'tempo.tempo-dev.svc.cluster.local:4317 (OTLP/gRPC)\n');
    // Nothing polled: every check passed at the first attempt; every port-forward ended.
    expect(run.sleep).toEqual([]);
    expect(run.leftRunning).toBe(0);
  });

  test('generated Secrets: labelled, values only in the manifest on kubectl\'s stdin, never in argv or output', async () => {
    w = healthyServices(runningStack(world()));
    const run = await w.run(['--verbose']);
    expect(run.status).toBe(0);
    expect(run.stdin).toHaveLength(1);
    const [manifest] = run.stdin;
    const secret = /data:\n {2}admin-user: (\S+)\n {2}admin-password: (\S+)\n$/.exec(manifest)!;
    expect(Buffer.from(secret[1], 'base64').toString()).toBe('admin');
    const password = Buffer.from(secret[2], 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(manifest).toContain('  labels:\n    app.kubernetes.io/part-of: tempo-stack\n    app.kubernetes.io/instance: dev\n    '
      + 'tempo-stack/generated: "true"\n');
    expect(manifest).toMatch(/^apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: grafana-admin\n {2}namespace: tempo-dev\n/);
    for (const text of [run.stdout, run.stderr, ...run.kubectl, ...run.http]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(secret[2]);
      expect(text).not.toContain('PW-FROM-THE-SECRET');
    }
    // Grafana's login reached Grafana in a header only.
    const auth = run.requests.filter((r) => r.url.includes('/api/datasources/')).map((r) => r.headers?.Authorization);
    expect(auth).toEqual([0, 1].map(() => `Basic ${Buffer.from('admin:PW-FROM-THE-SECRET').toString('base64')}`));
    expect(run.stdout).toContain('Secret grafana-admin created (keys admin-user,admin-password); values are never printed');
  });

  test('--verbose prints every kubectl command, with --context, before it runs', async () => {
    w = healthyServices(runningStack(world()));
    const run = await w.run(['--verbose', '--context', 'kind-tempo', '--no-verify']);
    expect(run.status).toBe(0);
    const printed = run.stderr.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2));
    expect(printed).toHaveLength(run.kubectl.length);
    expect(printed[0]).toBe('kubectl --context kind-tempo version -o yaml --request-timeout=15s');
    expect(printed[1]).toBe(`kubectl --context kind-tempo get namespace tempo-dev --ignore-not-found -o 'jsonpath={.metadata.name}|${LABEL_PATHS}'`);
    expect(run.kubectl.every((c) => c.startsWith('--context kind-tempo '))).toBe(true);
    // No current-context lookup when the context is given.
    expect(run.kubectl).not.toContain('--context kind-tempo config current-context');
  });

  test('--no-verify: health checks only, no trace sent', async () => {
    w = healthyServices(runningStack(deployed(world())));
    w.on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' });
    const run = await w.run(['--no-verify']);
    expect(run.status).toBe(0);
    expect(checks(run)).toEqual(HEALTHY_CHECKS.slice(0, 3));
    expect(run.http.some((c) => c.includes('/v1/traces'))).toBe(false);
  });

  test('an existing Secret is never overwritten, and the namespace is not applied twice', async () => {
    w = healthyServices(runningStack(deployed(world())));
    w.on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' });
    const run = await w.run(['--no-verify']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(2, 6)).toEqual([
      `get namespace tempo-dev --ignore-not-found ${JSONPATH}`,
      '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name',
      `${APPLY} -k $ROOT/dist/dev/`,
      ROLLOUTS()[0],
    ]);
    expect(run.kubectl.filter((c) => / create | delete | replace | patch /.test(c))).toEqual([]);
    expect(run.stdin).toEqual([]);
    expect(run.stdout).toContain('Secret grafana-admin exists: kept as it is\n');
  });

  test('against the repository\'s own dist/cluster without the gateway\'s htpasswd Secret: stops after the Namespace, naming it', async () => {
    w = world();
    const run = await w.run(['--env', 'cluster', '--no-verify']);
    expect(run.status).toBe(1);
    expect(run.kubectl).toEqual([
      ...COMMON_CHECKS,
      `get namespace tempo-cluster --ignore-not-found ${JSONPATH}`,
      `${APPLY} -f $ROOT/dist/cluster/0000-namespace.k8s.yaml`,
      '--namespace tempo-cluster get secret otlp-htpasswd --ignore-not-found -o name',
    ]);
    expect(run.stderr).toContain('error: a Secret only you can create is missing in namespace tempo-cluster, nothing else was applied');
    expect(run.stderr).toContain('Secret otlp-htpasswd (keys htpasswd; read by gateway):\n');
    expect(run.stderr).toContain('  kubectl -n tempo-cluster create secret generic otlp-htpasswd --from-file=htpasswd=<file>\n');
    expect(run.stdin).toEqual([]);
  });

  test('against the repository\'s own dist/cluster, the htpasswd Secret created: its namespace, both generated Secrets (different random values), '
    + 'one apply -k, every workload', async () => {
    w = world()
      .on('kubectl', '--namespace tempo-cluster get secret otlp-htpasswd *', { stdout: 'secret/otlp-htpasswd\n' })
      .on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\n' })
      .on('http', '*/ready', { stdout: 'ready' });
    const run = await w.run(['--env', 'cluster', '--no-verify']);
    expect(run.stderr).not.toContain('error');
    expect(run.status).toBe(0);
    expect(run.kubectl).toEqual([
      ...COMMON_CHECKS,
      `get namespace tempo-cluster --ignore-not-found ${JSONPATH}`,
      `${APPLY} -f $ROOT/dist/cluster/0000-namespace.k8s.yaml`,
      '--namespace tempo-cluster get secret otlp-htpasswd --ignore-not-found -o name',
      '--namespace tempo-cluster get secret minio-credentials --ignore-not-found -o name',
      '--namespace tempo-cluster create -f -',
      '--namespace tempo-cluster get secret grafana-admin --ignore-not-found -o name',
      '--namespace tempo-cluster create -f -',
      `${APPLY} -k $ROOT/dist/cluster/`,
      // Every workload the manifests hold, in the order of their files.
      ...['statefulset.apps/minio', 'statefulset.apps/tempo', 'statefulset.apps/prometheus', 'deployment.apps/grafana',
        'deployment.apps/otlp-gateway', 'statefulset.apps/alertmanager'].map((x) => `--namespace tempo-cluster rollout status ${x} --timeout=5m`),
      `--namespace tempo-cluster get services -l ${NS_LABELS} -o name`,
      '--namespace tempo-cluster port-forward svc/tempo :3200 :4318 --address 127.0.0.1',
    ]);
    expect(run.stdout).toContain('Secret otlp-htpasswd exists: kept as it is\n');
    expect(checks(run)).toEqual([HEALTHY_CHECKS[0]]);
    const values = [...run.stdin[0].matchAll(/^ {2}MINIO_ROOT_(?:USER|PASSWORD): (\S+)$/gm)].map((m) => Buffer.from(m[1], 'base64').toString());
    expect(values).toHaveLength(2);
    expect(values[0]).not.toBe(values[1]);
    expect(values.every((v) => /^[A-Za-z0-9]{48}$/.test(v))).toBe(true);
  });

  test('--dry-run: server-side dry run, no Secret created, no rollout, no port-forward', async () => {
    w = deployed(world());
    const run = await w.run(['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.kubectl).toEqual([
      ...COMMON_CHECKS,
      `get namespace tempo-dev --ignore-not-found ${JSONPATH}`,
      '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name',
      `${APPLY} --dry-run=server -k $ROOT/dist/dev/`,
    ]);
    expect(run.stdout).toContain('Secret grafana-admin would be created with generated keys admin-user,admin-password\n');
    expect(run.stdout).toContain('dry run passed: nothing was changed\n');
  });

  test('--dry-run before the namespace exists: the Namespace server-side, the rest client-side, with a warning', async () => {
    w = world();
    const run = await w.run(['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `${APPLY} --dry-run=server -f $ROOT/dist/dev/0000-namespace.k8s.yaml`,
      'apply --dry-run=client -k $ROOT/dist/dev/',
    ]);
    expect(run.stderr).toContain('warning: namespace tempo-dev does not exist yet: the objects inside it are checked client-side only\n');
  });

  test('a namespace of another environment is refused with what to do, and nothing is applied', async () => {
    w = deployed(world(), 'tempo-dev', 'single-node');
    const run = await w.run([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: namespace tempo-dev belongs to environment 'single-node' of tempo-stack "
      + "(label app.kubernetes.io/instance=single-node), not to 'dev'; nothing was changed.\n"
      + '  Manage it with --env single-node, or give environment dev its own namespace in tempo-stack.yaml and run npm run synth.\n');
    expect(run.kubectl).toHaveLength(3);
  });

  test('a namespace of another application is refused too', async () => {
    w = world().on('kubectl', 'get namespace tempo-dev *', { stdout: 'tempo-dev|loki-stack|' });
    const run = await w.run(['--clean', '--yes']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: namespace tempo-dev belongs to 'loki-stack' (label app.kubernetes.io/part-of=loki-stack), "
      + 'not to tempo-stack; nothing was changed.\n');
    expect(run.kubectl).toHaveLength(3);
  });

  test('a namespace without labels is adopted, with a warning', async () => {
    w = healthyServices(runningStack(world().on('kubectl', 'get namespace tempo-dev *', { stdout: 'tempo-dev||' })));
    const run = await w.run(['--no-verify']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('warning: namespace tempo-dev exists without tempo-stack\'s labels: the deploy adopts it');
    expect(run.kubectl.some((c) => c.includes('0000-namespace'))).toBe(false);
  });

  test('an unreachable cluster or an old kubectl stops before anything is applied; no kubectl at all too', async () => {
    w = world().override('kubectl', 'version -o yaml *', {
      exit: 1, stdout: 'clientVersion:\n  gitVersion: v1.30.2\n', stderr: 'The connection to the server 127.0.0.1:6443 was refused\n',
    });
    const unreachable = await w.run([]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toBe("error: cannot reach the cluster of context 'kind-tempo':\n"
      + '  The connection to the server 127.0.0.1:6443 was refused\n'
      + '  Is the cluster running (kind get clusters, k3d cluster list, minikube status)? Pick another one with --context.\n');
    expect(unreachable.kubectl).toEqual(COMMON_CHECKS);
    w.remove();
    w = world().override('kubectl', 'version -o yaml *',
      { stdout: 'clientVersion:\n  gitVersion: v1.24.17\nserverVersion:\n  gitVersion: v1.29.4\n' });
    const old = await w.run([]);
    expect(old.status).toBe(1);
    expect(old.stderr).toBe('error: kubectl 1.24 is too old: server-side apply and kustomize need kubectl 1.27 or newer '
      + '(https://kubernetes.io/docs/tasks/tools/)\n');
    expect(old.kubectl).toEqual(COMMON_CHECKS);
    w.kubectlOnPath = false;
    const none = await w.run(['--status']);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe('error: kubectl is not on the PATH: install kubectl 1.27 or newer (https://kubernetes.io/docs/tasks/tools/)\n');
    expect(none.kubectl).toEqual([]);
  });

  test('a rollout that times out: which workload, its pods\' waiting reasons and last events, exit 1, no health check', async () => {
    w = runningStack(deployed(world()))
      .on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev rollout status statefulset.apps/tempo *', { exit: 1, stdout: 'Waiting for 1 pods to be ready...\n',
        stderr: 'error: timed out waiting for the condition\n' })
      .override('kubectl', `--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template={{range .items}}{{.metadata.name}}: *`, {
        stdout: 'tempo-0: Running, container tempo waiting: CrashLoopBackOff (back-off 40s restarting failed container=tempo), container tempo '
          + 'last exited: Error (exit code 1)\n',
      })
      .on('kubectl', '--namespace tempo-dev get events --field-selector involvedObject.name=tempo-0 *',
        { stdout: 'Warning BackOff: Back-off restarting failed container tempo\n' });
    const run = await w.run(['--timeout', '2m']);
    expect(run.status).toBe(1);
    expect(run.kubectl.slice(5)).toEqual([
      '--namespace tempo-dev rollout status statefulset.apps/tempo --timeout=2m',
      expect.stringMatching(new RegExp(`^--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template=`)),
      expect.stringMatching(/^--namespace tempo-dev get events --field-selector involvedObject.name=tempo --sort-by=.lastTimestamp -o go-template=/),
      expect.stringMatching(/^--namespace tempo-dev get events --field-selector involvedObject.name=tempo-0 --sort-by=.lastTimestamp -o /),
      ...ROLLOUTS('2m').slice(1),
    ]);
    expect(run.stdout).toContain([
      'statefulset.apps/tempo did not become ready within 2m: error: timed out waiting for the condition',
      '    pod tempo-0: Running, container tempo waiting: CrashLoopBackOff (back-off 40s restarting failed container=tempo), container tempo last '
        + 'exited: Error (exit code 1)',
      '    last events of tempo-0:',
      '      Warning BackOff: Back-off restarting failed container tempo',
      'statefulset.apps/prometheus is ready',
    ].join('\n'));
    expect(run.stderr).toContain('error: not ready within 2m: statefulset.apps/tempo. See ./deploy.sh --env dev --status and --logs\n');
    expect(run.kubectl.some((c) => c.includes('port-forward'))).toBe(false);
  });

  test('a workload that cannot create pods is explained by its own events', async () => {
    w = runningStack(deployed(world()))
      .on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev rollout status deployment.apps/grafana *', { exit: 1,
        stderr: 'error: timed out waiting for the condition\n' })
      .on('kubectl', '--namespace tempo-dev get events --field-selector involvedObject.name=grafana *', {
        stdout: 'Warning FailedCreate: pods "grafana-7d9f" is forbidden: violates PodSecurity "restricted:v1.28"\n',
      });
    const run = await w.run([]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain([
      'deployment.apps/grafana did not become ready within 5m: error: timed out waiting for the condition',
      '    no pods: the workload could not create any (see its events)',
      '    last events of grafana:',
      '      Warning FailedCreate: pods "grafana-7d9f" is forbidden: violates PodSecurity "restricted:v1.28"',
    ].join('\n'));
  });

  test('a dist/ that differs from a fresh synth is not applied; one equal to it is', async () => {
    w = deployed(world());
    const files = new Map(Object.entries(repoDist('dev')));
    files.set('0001-tempo.k8s.yaml', `${files.get('0001-tempo.k8s.yaml')}    usage_report: {}\n`);
    files.delete('environment');
    files.set('extra.k8s.yaml', '');
    w.fresh = { kind: 'files', files };
    const run = await w.run(['--dry-run']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: dist/dev differs from a fresh synth of the code, nothing was applied:\n'
      + '  Files fresh synth: dev/0001-tempo.k8s.yaml and dist/dev/0001-tempo.k8s.yaml differ\n'
      + '  Only in dist/dev: environment\n'
      + '  Only in fresh synth: dev: extra.k8s.yaml\n'
      + '  Run npm run synth, review git diff dist/, and deploy again.\n');
    expect(run.kubectl.some((c) => c.startsWith('apply'))).toBe(false);
    w.fresh = { kind: 'files', files: new Map(Object.entries(repoDist('dev'))) };
    const equal = await w.run(['--dry-run']);
    expect(equal.status).toBe(0);
    expect(equal.stdout).toContain('dist/dev equals a fresh synth\n');
    expect(equal.kubectl.at(-1)).toBe(`${APPLY} --dry-run=server -k $ROOT/dist/dev/`);
  });

  test('a failing fresh synth, or one without the environment, stops the deploy', async () => {
    w = deployed(world());
    w.fresh = { kind: 'failed', message: "tempo-stack.yaml: environments[0].tempo.replicas: tempo: 'replicas' must be 1 in single-node mode, got 3" };
    const failing = await w.run(['--dry-run']);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toBe('error: npm run synth failed, nothing was applied:\n'
      + "  tempo-stack.yaml: environments[0].tempo.replicas: tempo: 'replicas' must be 1 in single-node mode, got 3\n");
    w.fresh = { kind: 'no-environment' };
    const gone = await w.run([]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toBe("error: a fresh synth writes no environment 'dev': it was removed from tempo-stack.yaml; run npm run synth\n");
  });

  describe('each other failure: its message, exit 1', () => {
    const SECRET = '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name';
    const edit = (f: (m: any) => void) => (x: World) => {
      const m = JSON.parse(repoDist('dev').environment);
      f(m);
      x.dist('dev', { environment: JSON.stringify(m) });
    };
    test.each<[string, string[], (w: World) => void, string]>([
      ['no Kustomization file', ['--env', 'bare'], (x) => x.dist('bare', { environment: repoDist('dev').environment }),
        'error: dist/bare/Kustomization is missing: run npm run synth\n'],
      ['no environment file', ['--env', 'bare'], (x) => x.dist('bare', { Kustomization: 'resources: []\n' }),
        'error: dist/bare/environment is missing: run npm run synth\n'],
      ['an environment file of another version', [], edit((m) => { m.version = 2; }),
        'error: dist/dev/environment has version 2, this deploy reads version 1: run npm run synth\n'],
      ['an environment without a valid namespace', [], edit((m) => { m.namespace = 'Tempo_Dev'; }),
        "error: dist/dev/environment declares no valid namespace (got 'Tempo_Dev'): run npm run synth\n"],
      ['an invalid Secret name', [], edit((m) => { m.secrets[0].name = 'Grafana admin'; }),
        "error: dist/dev/environment: 'Grafana admin' is not a valid Secret name: run npm run synth\n"],
      ['a Namespace file outside the folder', [], edit((m) => { m.namespaceFile = '../x.yaml'; }),
        "error: dist/dev/environment names no valid Namespace file (got '../x.yaml'): run npm run synth\n"],
      ['no current context', [], (x) => x.override('kubectl', 'config current-context', { exit: 1 }),
        'error: kubectl has no current context: choose one with kubectl config use-context <name>, or pass --context <name>\n'],
      ['a Secret kubectl cannot create', ['--no-verify'], (x) => x.override('kubectl', '*create -f -', { exit: 1,
        stderr: 'Error from server (Forbidden): secrets is forbidden\n' }),
        'Error from server (Forbidden): secrets is forbidden\nerror: could not create Secret grafana-admin in namespace tempo-dev\n'],
      ['no Service tempo', [], (x) => x.override('kubectl', '*get services *', { stdout: 'service/grafana\n' }).on('kubectl', SECRET,
        { stdout: 'secret/grafana-admin' }),
        'error: no Service tempo labelled app.kubernetes.io/part-of=tempo-stack in namespace tempo-dev\n'],
      ['a failing apply: kubectl\'s own exit code and message', [], (x) => x.override('kubectl', `${APPLY} -k *`, { exit: 1,
        stderr: 'error: the server was unable to return a response\n' })
        .on('kubectl', SECRET, { stdout: 'secret/grafana-admin' }), 'error: the server was unable to return a response\n'],
      ['--stop with no workload', ['--stop'], (x) => x.override('kubectl', '*get statefulset,deployment *', { stdout: '' }),
        'error: no workload of environment dev in namespace tempo-dev to stop\n'],
      ['--restart with no workload', ['--restart'], (x) => x.override('kubectl', '*get statefulset,deployment *', { stdout: '' }),
        'error: no workload of environment dev in namespace tempo-dev to restart\n'],
    ])('%s', async (_name, args, setup, message) => {
      w = runningStack(deployed(world()));
      setup(w);
      const run = await w.run(args);
      expect(run.status).toBe(1);
      expect(run.stderr.replace(/^warning: .*\n/gm, '')).toBe(message);
    });
  });
});

describe('Secrets only the user can create', () => {
  const withStore: Environment = {
    name: 's3', namespace: 'tempo-s3', tempo: { mode: 'single-node', preset: 'basic', storage: { backend: 's3', bucket: 'traces',
      endpoint: 's3.example.com', credentials: {
      accessKeyId: { name: 'object-store', key: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { name: 'object-store', key: 'AWS_SECRET_ACCESS_KEY' } } } },
    grafana: false,
  };
  const files = Object.fromEntries(renderEnvironment(buildEnvironment(withStore)));

  test('a missing one stops the deploy after the Namespace, naming the Secret, its keys and the kubectl command; nothing is invented', async () => {
    w = world().dist('s3', files);
    const run = await w.run(['--env', 's3']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: a Secret only you can create is missing in namespace tempo-s3, nothing else was applied; create, then '
      + 'deploy again:\n'
      + '  Secret object-store (keys AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY; read by tempo):\n'
      + '    kubectl -n tempo-s3 create secret generic object-store --from-literal=AWS_ACCESS_KEY_ID=<value> '
        + '--from-literal=AWS_SECRET_ACCESS_KEY=<value>\n');
    expect(run.kubectl.slice(3)).toEqual([
      `${APPLY} -f $ROOT/dist/s3/0000-namespace.k8s.yaml`,
      '--namespace tempo-s3 get secret object-store --ignore-not-found -o name',
    ]);
    expect(run.stdin).toEqual([]);
  });

  test('once it exists, the deploy goes on; --status says whose it is', async () => {
    w = deployed(world(), 'tempo-s3', 's3').dist('s3', files)
      .on('kubectl', '--namespace tempo-s3 get secret object-store --ignore-not-found -o name', { stdout: 'secret/object-store\n' })
      .on('kubectl', '--namespace tempo-s3 get services *', { stdout: 'service/tempo\n' })
      .on('http', '*/ready', { stdout: 'ready' });
    const run = await w.run(['--env', 's3', '--no-verify']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Secret object-store exists: kept as it is\n');
    const status = await w.run(['--env', 's3', '--status']);
    expect(status.stdout).toContain('  object-store           MISSING: pods that need it cannot start; create it: '
      + 'kubectl -n tempo-s3 create secret generic object-store '
      + '--from-literal=AWS_ACCESS_KEY_ID=<value> --from-literal=AWS_SECRET_ACCESS_KEY=<value>\n');
    w.on('kubectl', '--namespace tempo-s3 get secrets -o *', { stdout: 'object-store\n' });
    expect((await w.run(['--env', 's3', '--status'])).stdout).toMatch(/^ {2}object-store +created by you$/m);
  });
});

describe('a renamed stack deploys and verifies with its own names', () => {
  const renamed: Environment = {
    name: 'renamed', namespace: 'obs',
    tempo: { name: 'traces', mode: 'single-node', preset: 'basic', metricsGeneratorProcessors: ['span-metrics'] },
    prometheus: { name: 'metrics' },
    grafana: { name: 'ui', adminSecretName: 'ui-login' },
  };
  const files = Object.fromEntries(renderEnvironment(buildEnvironment(renamed)));
  const selector = 'app.kubernetes.io/instance=traces,app.kubernetes.io/name=tempo';

  test('every Service, port-forward, workload, job and Secret is the renamed one', async () => {
    w = deployed(world(), 'obs', 'renamed').dist('renamed', files)
      .on('kubectl', `--namespace obs get services -l ${NS_LABELS} -o name`,
        { stdout: 'service/traces\nservice/traces-headless\nservice/metrics\nservice/ui\n' })
      .on('kubectl', `--namespace obs get pods -l ${selector} *`, { stdout: 'traces-0 ' })
      .on('kubectl', '--namespace obs get secret ui-login -o go-template=*', { stdout: 'admin\npw' })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=up{job="tempo"}', {
        stdout: '{"status":"success","data":{"result":[{"metric":{"pod":"traces-0"},"value":[1,"1"]}]}}',
      })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"})', {
        stdout: '{"status":"success","data":{"result":[{"metric":{},"value":[1,"1"]}]}}',
      });
    healthyServices(w, JSON.parse(files.environment).components.find((c: any) => c.name === 'prometheus').alertRules);
    const run = await w.run(['--env', 'renamed']);
    expect(run.stderr).toBe('warning: dist/renamed is not compared with a fresh synth (no tempo-stack.yaml next to dist/); deploying it as it is\n');
    expect(run.status).toBe(0);
    expect(run.kubectl.filter((c) => / rollout | port-forward | get secret | get pods /.test(c))).toEqual([
      '--namespace obs get secret ui-login --ignore-not-found -o name',
      '--namespace obs rollout status statefulset.apps/traces --timeout=5m',
      '--namespace obs rollout status statefulset.apps/metrics --timeout=5m',
      '--namespace obs rollout status deployment.apps/ui --timeout=5m',
      '--namespace obs port-forward svc/traces :3200 :4318 --address 127.0.0.1',
      '--namespace obs port-forward svc/metrics :9090 --address 127.0.0.1',
      '--namespace obs port-forward svc/ui :3000 --address 127.0.0.1',
      `--namespace obs get pods -l ${selector} -o go-template={{range .items}}{{.metadata.name}} {{end}}`,
      '--namespace obs get secret ui-login -o go-template={{index .data "admin-user" | base64decode}}{{"\\n"}}{{index .data "admin-password" | '
        + 'base64decode}}',
    ]);
    expect(run.stdin[0]).toContain('  name: ui-login\n');
    expect(checks(run).map(([s, label]) => `${s} ${label}`)).toEqual([
      'ok tempo /ready', 'ok prometheus /-/ready', 'ok grafana /api/health', 'ok otlp: send a trace', 'ok tempo: trace by id',
        'ok tempo: TraceQL search',
      'ok prometheus: scrapes every tempo pod', 'ok prometheus: alert rules', 'ok grafana: datasource tempo', 'ok grafana: datasource prometheus',
      'ok prometheus: span metrics',
    ]);
    expect(checks(run)[6][2]).toBe('up{job="tempo"} is 1 for traces-0');
    expect(run.stdout).toContain("  user: kubectl -n obs get secret ui-login -o go-template='{{index .data \"admin-user\" | base64decode}}'\n");
    expect(run.stdout).toContain('Open Grafana: kubectl -n obs port-forward svc/ui 3000:3000');
    expect(run.stdout).toContain('Send traces to http://traces.obs.svc.cluster.local:4318 (OTLP/HTTP) or traces.obs.svc.cluster.local:4317 '
      + '(OTLP/gRPC)\n');
  });
});

describe('--verify', () => {
  test('failing checks each print what they found, the verification polls within --timeout, exit 1', async () => {
    // Registered before the healthy answers, so they win.
    w = runningStack(deployed(world()))
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=up{job="tempo"}', {
        stdout: '{"status":"success","data":{"resultType":"vector","result":'
          + '[{"metric":{"__name__":"up","job":"tempo","pod":"tempo-0"},"value":[1764110000.1,"0"]}]}}',
      })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/rules?type=alert', { stdout: '{"status":"success","data":{"groups":[]}}' })
      .on('http', '*/api/datasources/uid/tempo/health', { status: 400,
        stdout: '{"message":"Unable to connect with Tempo (404 page not found)","status":"ERROR"}' })
      .on('http', 'GET http://127.0.0.1:43200/api/search?*', { stdout: '{"traces":[]}' });
    healthyServices(w);
    const run = await w.run(['--verify', '--timeout', '10s']);
    expect(run.status).toBe(1);
    expect(checks(run)).toEqual([
      ...HEALTHY_CHECKS.slice(0, 5),
      ['FAIL', 'tempo: TraceQL search',
        `not found by { resource.service.name = "tempo-stack-verify" && span.tempo_stack.verify_id = "${TRACE_ID}" }: HTTP 200 {"traces":[]}`],
      ['FAIL', 'prometheus: scrapes every tempo pod', 'up{job="tempo"}: 0 for tempo-0; no series for tempo-1'],
      ['FAIL', 'prometheus: alert rules', `0 alert rules loaded, dist/dev declares ${DEV_ALERTS} (HTTP 200)`],
      ['FAIL', 'grafana: datasource tempo', 'HTTP 400: Unable to connect with Tempo (404 page not found)'],
      HEALTHY_CHECKS[9],
    ]);
    expect(run.stderr).toBe('error: 4 of 10 checks failed. See ./deploy.sh --env dev --status and --logs\n');
    // 10s of --timeout at one attempt every 5 s: two attempts per failing check.
    expect(run.http.filter((c) => c.includes('/api/search?'))).toHaveLength(2);
    expect(run.sleep).toEqual([5, 5, 5, 5]);
    expect(run.kubectl.slice(3)).toEqual([...PORT_FORWARDS, ...VERIFY_READS]);
    expect(run.leftRunning).toBe(0);
  });

  test('a port-forward that fails is a failing check with kubectl\'s reason, and every port-forward is ended', async () => {
    w = runningStack(deployed(world()))
      .override('kubectl', '--namespace tempo-dev port-forward svc/tempo *', {
        exit: 1, stderr: 'error: unable to forward port because pod is not running. Current status=Pending\n',
      });
    healthyServices(w);
    const run = await w.run(['--verify']);
    expect(run.status).toBe(1);
    expect(checks(run)).toEqual([
      ['FAIL', 'tempo /ready', 'kubectl port-forward svc/tempo: error: unable to forward port because pod is not running. Current status=Pending '],
      HEALTHY_CHECKS[1],
      HEALTHY_CHECKS[2],
    ]);
    expect(run.http.some((c) => c.includes('/v1/traces'))).toBe(false);
    expect(run.leftRunning).toBe(0);
  });

  test('the trace sent is OTLP/JSON with the fresh trace id, a span id and current timestamps', async () => {
    w = healthyServices(runningStack(deployed(world())));
    const before = BigInt(Date.now()) * 1_000_000n;
    const run = await w.run(['--verify']);
    expect(run.status).toBe(0);
    const posted = run.requests.find((r) => r.method === 'POST')!;
    expect(posted).toMatchObject({ url: 'http://127.0.0.1:44318/v1/traces', headers: { 'Content-Type': 'application/json' } });
    const body = JSON.parse(posted.body!);
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(body.resourceSpans[0].resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'tempo-stack-verify' } }, { key: 'deployment.environment', value: { stringValue: 'dev' } },
    ]);
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, kind: 2 });
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(before);
    expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toBe(150_000_000n);
  });

  test('with the metrics-generator on (dist/cluster), span metrics of the verification service must reach Prometheus', async () => {
    w = world();
    deployed(w, 'tempo-cluster', 'cluster');
    w.on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\nservice/prometheus\nservice/alertmanager\n' })
      .on('kubectl', '--namespace tempo-cluster get pods -l *alertmanager*', { stdout: 'alertmanager-0 ' })
      .on('http', 'GET http://127.0.0.1:49093/-/ready', { stdout: 'OK' })
      .on('http', 'GET http://127.0.0.1:49093/api/v2/alerts', { stdout: WATCHDOG_ALERTS })
      .on('kubectl', '--namespace tempo-cluster get pods *', { stdout: 'tempo-0 ' })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=up{job="alertmanager"}', {
        stdout: '{"status":"success","data":{"result":[{"metric":{"job":"alertmanager","pod":"alertmanager-0"},"value":[1764110000.1,"1"]}]}}',
      })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"})',
        { stdout: '{"status":"success","data":{"resultType":"vector","result":[]}}', once: true })
      .on('http', 'GET http://127.0.0.1:49090/api/v1/query?query=sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"})',
        { stdout: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764110000.1,"1"]}]}}' });
    healthyServices(w, CLUSTER_ALERTS);
    const run = await w.run(['--verify', '--env', 'cluster']);
    expect(run.status).toBe(0);
    expect(checks(run)).toEqual([
      HEALTHY_CHECKS[0], HEALTHY_CHECKS[1], ['ok', 'alertmanager /-/ready', 'HTTP 200: OK'],
      // The cluster's Tempo has the gateway's two tenants: the trace is written and read as each.
      ...['team-a', 'team-b'].flatMap((t) => HEALTHY_CHECKS.slice(3, 6).map(([status, what, detail]) => [status, `${what} (tenant ${t})`, detail])),
      ['ok', 'prometheus: scrapes every tempo pod', 'up{job="tempo"} is 1 for tempo-0'],
      // Alertmanager's pods are scraped as a job of their own.
      ['ok', 'prometheus: scrapes every alertmanager pod', 'up{job="alertmanager"} is 1 for alertmanager-0'],
      ['ok', 'prometheus: alert rules', `${CLUSTER_ALERTS} alert rules loaded in 2 group(s) (dist/cluster declares ${CLUSTER_ALERTS})`],
      ['skip', 'grafana', 'environment cluster has no Grafana'],
      ['ok', 'alertmanager: Watchdog from Prometheus', WATCHDOG_OK],
      // The first answer had no series yet: polled once more.
      ['ok', 'prometheus: span metrics', 'sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"}) = 1'],
    ]);
    expect(run.kubectl).toContain('--namespace tempo-cluster port-forward svc/alertmanager :9093 --address 127.0.0.1');
    expect(run.stdout).toContain('all 14 checks passed\n');
    expect(run.sleep).toEqual([5]);
  });

  test('dist/cluster: no Watchdog in Alertmanager fails verify, polled within --timeout, naming the receivers configured', async () => {
    w = world();
    deployed(w, 'tempo-cluster', 'cluster');
    w.on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\nservice/alertmanager\n' })
      .on('http', 'GET http://127.0.0.1:49093/-/ready', { stdout: 'OK' })
      .on('http', 'GET http://127.0.0.1:49093/api/v2/alerts', { stdout: '[]' });
    healthyServices(w);
    const run = await w.run(['--verify', '--env', 'cluster', '--timeout', '10s']);
    expect(run.status).toBe(1);
    const watchdog = checks(run).find((c) => c[1] === 'alertmanager: Watchdog from Prometheus')!;
    expect(watchdog[0]).toBe('FAIL');
    expect(watchdog[2]).toMatch(/^Alertmanager has no Watchdog alert from Prometheus/);
    expect(watchdog[2]).toContain('no receiver configured');
    expect(run.http.filter((c) => c.endsWith('/api/v2/alerts'))).toHaveLength(2);
  });

  test('dist/distributed: waits for every component, sends to each tenant through the distributors, reads back through the query-frontends',
    async () => {
    w = world().dist('distributed', repoDist('distributed'));
    deployed(w, 'tempo-distributed', 'distributed');
    w.on('kubectl', '--namespace tempo-distributed get services *', { stdout: 'service/tempo\nservice/tempo-distributor\n' });
    healthyServices(w);
    const run = await w.run(['--env', 'distributed']);
    expect(run.status).toBe(0);
    const components = ['distributor', 'ingester', 'metrics-generator', 'querier', 'query-frontend', 'compactor'];
    for (const c of components) expect(run.kubectl.some((k) => k.includes(' rollout status ') && k.endsWith(`/tempo-${c} --timeout=5m`))).toBe(true);
    expect(run.kubectl).toContain('--namespace tempo-distributed port-forward svc/tempo :3200 --address 127.0.0.1');
    expect(run.kubectl).toContain('--namespace tempo-distributed port-forward svc/tempo-distributor :4318 --address 127.0.0.1');
    const tenants = ['shop', 'payments'];
    expect(checks(run).filter((c) => c[1].startsWith('otlp') || c[1].startsWith('tempo:')).map((c) => [c[0], c[1]])).toEqual(tenants.flatMap((t) => [
      ['ok', `otlp: send a trace (tenant ${t})`], ['ok', `tempo: trace by id (tenant ${t})`], ['ok', `tempo: TraceQL search (tenant ${t})`],
    ]));
    const asTenant = (method: string, path: string) => run.requests.filter((r) => r.method === method && r.url.includes(path))
      .map((r) => r.headers?.['X-Scope-OrgID']);
    expect(asTenant('POST', '/v1/traces')).toEqual(tenants);
    expect(asTenant('GET', `/api/traces/${TRACE_ID}`)).toEqual(tenants);
    expect(asTenant('GET', '/api/search?')).toEqual(tenants);
  });

  test('--verify of an environment that is not deployed says so', async () => {
    w = world();
    const run = await w.run(['--verify']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("error: environment dev is not deployed: namespace tempo-dev does not exist in context 'kind-tempo'. "
      + 'Deploy it with ./deploy.sh --env dev\n');
    expect(run.kubectl).toHaveLength(3);
  });
});

describe('manage', () => {
  test('--status: workloads, pods, PVCs, Services with in-cluster URLs, Secret names, warning events', async () => {
    w = deployed(world())
      .on('kubectl', '--namespace tempo-dev get secrets -o *', { stdout: 'grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev get secrets -l tempo-stack/generated=true *', { stdout: 'grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev get pods *', { stdout: 'NAME      READY   STATUS    RESTARTS\ntempo-0   1/1     Running   2\n' });
    const run = await w.run(['--status']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o wide`,
      `--namespace tempo-dev get pods -l ${NS_LABELS} -o wide`,
      '--namespace tempo-dev get pvc',
      '--namespace tempo-dev get secrets -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}',
      '--namespace tempo-dev get secrets -l tempo-stack/generated=true -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}',
      '--namespace tempo-dev get events --field-selector type=Warning --sort-by=.lastTimestamp',
    ]);
    expect(run.stdout).toContain('== Pods\nNAME      READY   STATUS    RESTARTS\ntempo-0   1/1     Running   2\n\n== PersistentVolumeClaims\n');
    expect(run.stdout).toMatch(/^ {2}tempo +otlp-http +http:\/\/tempo\.tempo-dev\.svc\.cluster\.local:4318$/m);
    expect(run.stdout).toMatch(/^ {2}tempo +otlp-grpc +tempo\.tempo-dev\.svc\.cluster\.local:4317$/m);
    expect(run.stdout).toMatch(/^ {2}grafana +http +http:\/\/grafana\.tempo-dev\.svc\.cluster\.local:3000$/m);
    expect(run.stdout).toContain('  grafana-admin          generated by deploy.sh; read: '
      + 'kubectl -n tempo-dev get secret grafana-admin -o go-template=\'{{index .data "<key>" | base64decode}}\'\n');
  });

  test('--status lists a generated Secret nobody created as missing', async () => {
    w = deployed(world(), 'tempo-cluster', 'cluster').on('kubectl', '--namespace tempo-cluster get secrets -o *', { stdout: 'grafana-admin\n' });
    const run = await w.run(['--status', '--env', 'cluster']);
    expect(run.stdout).toMatch(/^ {2}minio-credentials +MISSING: pods that need it cannot start \(\.\/deploy\.sh creates the generated ones\)$/m);
    expect(run.stdout).toMatch(/^ {2}grafana-admin +created by you$/m);
  });

  test('--status of an environment that is not deployed exits 1', async () => {
    w = world();
    const run = await w.run(['--status']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("environment dev is not deployed: namespace tempo-dev does not exist in context 'kind-tempo'\n");
  });

  test('--logs: every container of the stack, prefixed by pod; --follow streams; kubectl\'s exit code is ours', async () => {
    w = deployed(world()).on('kubectl', '--namespace tempo-dev logs *', { stdout: '[pod/tempo-0/tempo] level=info msg=ready\n' });
    const run = await w.run(['--logs']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('[pod/tempo-0/tempo] level=info msg=ready\n');
    expect(run.kubectl.at(-1)).toBe(`--namespace tempo-dev logs -l ${NS_LABELS} --all-containers --prefix --tail=200 --max-log-requests=50`);
    const follow = await w.run(['--logs', '--follow']);
    expect(follow.kubectl.at(-1)).toBe(`${run.kubectl.at(-1)} --follow`);
    w.override('kubectl', '--namespace tempo-dev logs *', { exit: 130 });
    expect((await w.run(['--logs', '-f'])).status).toBe(130);
  });

  test('--stop scales every workload to zero and deletes nothing', async () => {
    w = runningStack(deployed(world()));
    const run = await w.run(['--stop']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
      '--namespace tempo-dev scale statefulset.apps/tempo statefulset.apps/prometheus deployment.apps/grafana --replicas=0',
    ]);
    expect(run.stdout).toContain('stopped 3 workload(s); PVCs and Secrets are kept.');
    expect(run.stdout).toContain('Start again with ./deploy.sh --env dev\n');
  });

  test('--restart restarts every workload and waits for each rollout', async () => {
    w = runningStack(deployed(world()));
    const run = await w.run(['--restart', '--timeout', '90s']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
      '--namespace tempo-dev rollout restart statefulset.apps/tempo statefulset.apps/prometheus deployment.apps/grafana',
      ...ROLLOUTS('90s'),
    ]);
  });

  test('--stop, --restart and --logs of an environment that is not deployed change nothing', async () => {
    w = world();
    for (const verb of ['--stop', '--restart', '--logs']) {
      const run = await w.run([verb]);
      expect(run.status).toBe(1);
      expect(run.kubectl.filter((c) => / scale | rollout | logs /.test(c))).toEqual([]);
    }
  });

  const PVC_TEMPLATE = 'go-template={{range .items}}{{.metadata.name}} {{.spec.resources.requests.storage}}{{"\\n"}}{{end}}';
  function cleanable(): World {
    return deployed(world())
      .on('kubectl', `--namespace tempo-dev get pvc -l ${TEMPO_SELECTOR} -o *`, { stdout: 'data-tempo-0 5Gi\n' })
      .on('kubectl', '--namespace tempo-dev get pvc -l app.kubernetes.io/instance=prometheus,app.kubernetes.io/name=prometheus -o *',
        { stdout: 'data-prometheus-0 10Gi\n' })
      .on('kubectl', `--namespace tempo-dev get secrets -l ${NS_LABELS},tempo-stack/generated=true *`, { stdout: 'grafana-admin\n' });
  }
  const CLEAN_READS = [
    `--namespace tempo-dev get pvc -l ${TEMPO_SELECTOR} -o ${PVC_TEMPLATE}`,
    `--namespace tempo-dev get pvc -l app.kubernetes.io/instance=prometheus,app.kubernetes.io/name=prometheus -o ${PVC_TEMPLATE}`,
    `--namespace tempo-dev get secrets -l ${NS_LABELS},tempo-stack/generated=true -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}`,
  ];

  test('--clean names what will be lost, and without the typed name deletes nothing', async () => {
    w = cleanable();
    for (const input of ['', 'yes\n', 'tempo-dev\n']) {
      const run = await w.run(['--clean'], { input });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`error: not confirmed (typed '${input.trim()}'): nothing was deleted\n`);
      expect(run.kubectl.slice(3)).toEqual(CLEAN_READS);
      expect(run.stdout).toContain('  - its PersistentVolumeClaims, and every trace and metric stored on them: data-tempo-0 (5Gi), '
        + 'data-prometheus-0 (10Gi)\n');
      expect(run.stdout).toContain('  - the Secrets deploy.sh generated (their passwords are lost): grafana-admin\n');
      expect(run.stderr).toContain('Type the environment name (dev) to delete it: ');
    }
  });

  test('--clean with the typed name deletes by the stack\'s labels, its PVCs by its selectors only, the generated Secrets, then the namespace',
    async () => {
    w = cleanable();
    const run = await w.run(['--clean', '--timeout', '3m'], { input: 'dev\n' });
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      ...CLEAN_READS,
      `--namespace tempo-dev delete ${DEV.ownership.resources.join(',')} -l ${NS_LABELS} --ignore-not-found --timeout=3m`,
      '--namespace tempo-dev delete pvc --ignore-not-found --timeout=3m data-tempo-0 data-prometheus-0',
      `--namespace tempo-dev delete secret -l ${NS_LABELS},tempo-stack/generated=true`,
      '--namespace tempo-dev get secrets -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}',
      'delete --ignore-not-found --timeout=3m -f $ROOT/dist/dev/0000-namespace.k8s.yaml',
    ]);
    expect(DEV.ownership.resources).toEqual(expect.arrayContaining(['configmap', 'service', 'statefulset.apps', 'deployment.apps',
      'networkpolicy.networking.k8s.io']));
    expect(DEV.ownership.resources).not.toContain('persistentvolumeclaim');
    // Never a PVC without the stack's selectors: no unselected `get pvc` or `delete pvc`.
    expect(run.kubectl.filter((c) => / pvc /.test(c) && !/ -l app\.kubernetes\.io\/instance=| data-tempo-0 data-prometheus-0$/.test(c))).toEqual([]);
    expect(run.stdout).toContain('environment dev deleted\n');
  });

  test('--clean --yes asks nothing, and keeps the namespace while Secrets the user created remain', async () => {
    w = cleanable().on('kubectl', '--namespace tempo-dev get secrets -o go-template=*', { stdout: 'tempo-s3\n' });
    const run = await w.run(['--clean', '--yes']);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('Type the environment name');
    expect(run.kubectl.some((c) => c.includes('0000-namespace.k8s.yaml'))).toBe(false);
    expect(run.stdout).toContain('namespace tempo-dev kept: it holds Secrets you created (tempo-s3). Delete it with: kubectl delete namespace '
      + 'tempo-dev\n');
  });

  test('--clean of an environment that is not deployed deletes nothing', async () => {
    w = world();
    const run = await w.run(['--clean', '--yes']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("nothing to clean: namespace tempo-dev does not exist in context 'kind-tempo'\n");
    expect(run.kubectl).toHaveLength(3);
  });
});

test('docs/deploying.md documents every verb, option and exit code of --help', async () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'deploying.md'), 'utf8');
  const section = doc.split('## Deploy with `tempo-stack deploy`')[1].split('\n## ')[0];
  w = world();
  const help = (await w.run(['--help'])).stdout;
  const flags = [...new Set(help.match(/--[a-z-]+/g))];
  expect(flags.length).toBeGreaterThan(12);
  for (const flag of flags) expect(section).toContain(`\`${flag}`);
  expect(section).toContain('**0** success; **1** failure');
  expect(section).toContain('**2** usage error');
});
