import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Run, World } from './world';

// deploy.sh against a recording fake kubectl (and curl, openssl, npm, sleep): the exact commands
// each verb runs, and what it makes of canned answers. No cluster, no network.

const NS_LABELS = 'app.kubernetes.io/part-of=tempo-stack';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'; // what the fake openssl answers to rand -hex 16
const JSONPATH = String.raw`-o jsonpath={.metadata.name}|{.metadata.labels.app\.kubernetes\.io/part-of}|{.metadata.labels.app\.kubernetes\.io/instance}`;
const SELECTOR_TEMPLATE = '-o go-template={{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}';
const TEMPO_SELECTOR = 'app.kubernetes.io/instance=tempo,app.kubernetes.io/name=tempo';

function namespaceYaml(name: string, env: string): string {
  return [
    'apiVersion: v1', 'kind: Namespace', 'metadata:', '  labels:',
    '    app.kubernetes.io/instance: ' + env, '    app.kubernetes.io/part-of: tempo-stack',
    '    pod-security.kubernetes.io/enforce: restricted', `  name: ${name}`, '',
  ].join('\n');
}

/** dist/dev: Tempo without the generator, Prometheus with two alert rules, Grafana. */
const DEV = {
  '0000-namespace.k8s.yaml': namespaceYaml('tempo-dev', 'dev'),
  '0001-tempo.k8s.yaml': [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: tempo-config', '  namespace: tempo-dev', 'data:',
    '  tempo.yaml: |', '    target: all', '    overrides:', '      defaults:', '        ingestion:', '          max_traces_per_user: 10000', '',
  ].join('\n'),
  '0002-prometheus.k8s.yaml': [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: prometheus-rules', '  namespace: tempo-dev', 'data:',
    '  tempo.rules.yaml: |', '    groups:', '      - name: tempo', '        rules:',
    '          - alert: TempoDown', '            expr: up{job="tempo"} == 0',
    '          - alert: TempoDiscardedSpans', '            expr: rate(tempo_discarded_spans_total[5m]) > 0', '',
  ].join('\n'),
  '0003-grafana.k8s.yaml': [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: grafana', '  namespace: tempo-dev', 'spec:', '  template:', '    spec:',
    '      containers:', '        - name: grafana', '          env:', '            - name: GF_SECURITY_ADMIN_PASSWORD',
    '              valueFrom:', '                secretKeyRef:', '                  key: admin-password', '                  name: grafana-admin', '',
  ].join('\n'),
  Kustomization: 'resources:\n  - 0000-namespace.k8s.yaml\n  - 0001-tempo.k8s.yaml\n  - 0002-prometheus.k8s.yaml\n  - 0003-grafana.k8s.yaml\n',
  'secrets.txt': '# Secrets deploy.sh creates when missing\ngrafana-admin admin-user=literal:admin admin-password=random\n',
};

/** dist/cluster: Tempo with the span-metrics processor, and MinIO credentials to generate. */
const CLUSTER = {
  '0000-namespace.k8s.yaml': namespaceYaml('tempo-cluster', 'cluster'),
  '0001-tempo.k8s.yaml': [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: tempo-config', '  namespace: tempo-cluster', 'data:',
    '  tempo.yaml: |', '    overrides:', '      defaults:', '        metrics_generator:', '          processors:',
    '            - service-graphs', '            - span-metrics', '',
  ].join('\n'),
  Kustomization: 'resources:\n  - 0000-namespace.k8s.yaml\n  - 0001-tempo.k8s.yaml\n',
  'secrets.txt': 'minio-credentials MINIO_ROOT_USER=random MINIO_ROOT_PASSWORD=random\n',
};

/** kubectl version -o yaml of a 1.30 client talking to a 1.29 server. */
const VERSIONS = 'clientVersion:\n  gitVersion: v1.30.2\n  major: "1"\n  minor: "30"\nkustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3\n'
  + 'serverVersion:\n  gitVersion: v1.29.4\n  major: "1"\n  minor: "29"\n';

const COMMON_CHECKS = [
  'config current-context',
  'version -o yaml --request-timeout=15s',
];

function world(): World {
  return new World().dist('dev', DEV).dist('cluster', CLUSTER).dist('single-node', {
    '0000-namespace.k8s.yaml': namespaceYaml('tempo', 'single-node'), Kustomization: 'resources: []\n',
  })
    .on('kubectl', 'config current-context', { stdout: 'kind-tempo\n' })
    .on('kubectl', '*version -o yaml --request-timeout=15s', { stdout: VERSIONS });
}

/** The namespace exists and carries the labels of environment `env`. */
function deployed(w: World, ns = 'tempo-dev', env = 'dev'): World {
  return w.on('kubectl', `*get namespace ${ns} *`, { stdout: `${ns}|tempo-stack|${env}` });
}

/** A running stack in tempo-dev: workloads, services, Tempo's pods, Grafana's Secret. */
function runningStack(w: World, ns = 'tempo-dev'): World {
  return w
    .on('kubectl', `*--namespace ${ns} get statefulset,deployment -l ${NS_LABELS} -o name`,
      { stdout: 'statefulset.apps/tempo\ndeployment.apps/prometheus\ndeployment.apps/grafana\n' })
    .on('kubectl', `*--namespace ${ns} get services -l ${NS_LABELS} -o name`,
      { stdout: 'service/tempo\nservice/tempo-headless\nservice/prometheus\nservice/grafana\n' })
    .on('kubectl', `*--namespace ${ns} get statefulset/tempo -o go-template=*`, { stdout: TEMPO_SELECTOR })
    .on('kubectl', `*--namespace ${ns} get pods -l ${TEMPO_SELECTOR} -o go-template=*`, { stdout: 'tempo-0 tempo-1 ' })
    .on('kubectl', `*--namespace ${ns} get secret grafana-admin -o go-template=*`, { stdout: 'admin\nPW-FROM-THE-SECRET' });
}

/** Tempo, Prometheus and Grafana answering as healthy ones do, on the fake port-forwards. */
function healthyServices(w: World): World {
  return w
    .on('curl', '*//127.0.0.1:43200/ready', { stdout: 'ready\n' })
    .on('curl', '*//127.0.0.1:49090/-/ready', { stdout: 'Prometheus Server is Ready.\n' })
    .on('curl', '*//127.0.0.1:43000/api/health', { stdout: '{\n  "database": "ok",\n  "version": "12.3.11"\n}' })
    .on('curl', '-sS * -X POST -H Content-Type: application/json --data-binary @* http://127.0.0.1:44318/v1/traces',
      { stdout: '{"partialSuccess":{}}' })
    .on('curl', `*//127.0.0.1:43200/api/traces/${TRACE_ID}`, {
      stdout: '{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"tempo-stack-verify"}}]},'
        + '"scopeSpans":[{"spans":[{"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"t61rcWkgMzE=","name":"verify"}]}]}]}',
    })
    // Tempo's search drops the id's leading zero.
    .on('curl', '*//127.0.0.1:43200/api/search', {
      stdout: '{"traces":[{"traceID":"af7651916cd43dd8448eb211c80319c","rootServiceName":"tempo-stack-verify"}]}',
    })
    .on('curl', '*query=up{job="tempo"} http://127.0.0.1:49090/api/v1/query', {
      stdout: '{"status":"success","data":{"resultType":"vector","result":['
        + '{"metric":{"__name__":"up","job":"tempo","namespace":"tempo-dev","pod":"tempo-0"},"value":[1764110000.1,"1"]},'
        + '{"metric":{"__name__":"up","job":"tempo","namespace":"tempo-dev","pod":"tempo-1"},"value":[1764110000.1,"1"]}]}}',
    })
    .on('curl', '*//127.0.0.1:49090/api/v1/rules?type=alert', {
      stdout: '{"status":"success","data":{"groups":[{"name":"tempo","file":"/etc/prometheus/rules/tempo.rules.yaml","rules":['
        + '{"state":"inactive","name":"TempoDown","type":"alerting"},{"state":"inactive","name":"TempoDiscardedSpans","type":"alerting"}]}]}}',
    })
    .on('curl', '*//127.0.0.1:43000/api/datasources/uid/tempo/health', { stdout: '{"message":"Data source successfully connected.","status":"OK"}' })
    .on('curl', '*//127.0.0.1:43000/api/datasources/uid/prometheus/health', { stdout: '{"message":"Successfully queried the Prometheus API.","status":"OK"}' });
}

/** The check lines deploy.sh printed: [status, check, what it found]. */
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
  ['ok', 'prometheus: alert rules', '2 alert rules loaded in 1 group(s) (dist/dev declares 2)'],
  ['ok', 'grafana: datasource tempo', 'OK: Data source successfully connected.'],
  ['ok', 'grafana: datasource prometheus', 'OK: Successfully queried the Prometheus API.'],
];

const APPLY = 'apply --server-side --field-manager=tempo-stack --force-conflicts';
// Started together; World sorts them.
const PORT_FORWARDS = [
  `--namespace tempo-dev get services -l ${NS_LABELS} -o name`,
  '--namespace tempo-dev port-forward svc/grafana :3000 --address 127.0.0.1',
  '--namespace tempo-dev port-forward svc/prometheus :9090 --address 127.0.0.1',
  '--namespace tempo-dev port-forward svc/tempo :3200 :4318 --address 127.0.0.1',
];
const VERIFY_READS = [
  `--namespace tempo-dev get statefulset/tempo ${SELECTOR_TEMPLATE}`,
  `--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template={{range .items}}{{.metadata.name}} {{end}}`,
  '--namespace tempo-dev get secret grafana-admin -o go-template={{index .data "admin-user" | base64decode}}{{"\\n"}}{{index .data "admin-password" | base64decode}}',
];

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
  ])('%j', (args, message) => {
    w = world();
    const run = w.run(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`${message}\nRun ./deploy.sh --help for the verbs and options.\n`);
    expect(run.stdout).toBe('');
    expect(run.kubectl).toEqual([]);
  });

  test('--help documents every verb, option and exit code, and runs nothing', () => {
    w = world();
    const run = w.run(['--help']);
    expect(run.status).toBe(0);
    for (const word of ['--status', '--logs', '--stop', '--restart', '--clean', '--verify', '--env <name>', '--context <name>',
      '--dry-run', '--yes', '--timeout <duration>', '--verbose', '--no-verify', '--follow']) {
      expect(run.stdout).toContain(word);
    }
    expect(run.stdout).toMatch(/^ {2}0 {2}success$/m);
    expect(run.stdout).toMatch(/^ {2}1 {2}failure/m);
    expect(run.stdout).toMatch(/^ {2}2 {2}usage error/m);
    expect(run.kubectl).toEqual([]);
  });
});

describe('deploy', () => {
  test('from an empty cluster: namespace, missing Secrets, server-side apply, rollouts, health, end-to-end checks', () => {
    w = healthyServices(runningStack(world()));
    const run = w.run([]);
    expect(run.stderr).toContain('warning: dist/dev is not compared with a fresh synth (that needs node, npm and npm ci)');
    expect(run.status).toBe(0);
    expect(run.kubectl).toEqual([
      ...COMMON_CHECKS,
      `get namespace tempo-dev --ignore-not-found ${JSONPATH}`,
      `${APPLY} -f $ROOT/dist/dev/0000-namespace.k8s.yaml`,
      '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name',
      '--namespace tempo-dev create -f $WORK/secret-grafana-admin.yaml',
      `${APPLY} -k $ROOT/dist/dev/`,
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
      '--namespace tempo-dev rollout status statefulset.apps/tempo --timeout=5m',
      '--namespace tempo-dev rollout status deployment.apps/prometheus --timeout=5m',
      '--namespace tempo-dev rollout status deployment.apps/grafana --timeout=5m',
      ...PORT_FORWARDS,
      ...VERIFY_READS,
    ]);
    expect(checks(run)).toEqual(HEALTHY_CHECKS);
    expect(run.stdout).toContain('all 10 checks passed\n');
    expect(run.stdout).toContain(`Verification trace: ${TRACE_ID} (service tempo-stack-verify)`);
    // Nothing polled: every check passed at the first attempt.
    expect(run.sleep).toEqual([]);
  });

  test('generated Secrets: labelled, values only in the manifest handed to kubectl, never in argv or output', () => {
    w = healthyServices(runningStack(world()));
    const run = w.run(['--verbose']);
    expect(run.status).toBe(0);
    const [manifest, ...others] = w.evidence('created-');
    expect(others).toEqual([]);
    const secret = /data:\n {2}admin-user: (\S+)\n {2}admin-password: (\S+)\n$/.exec(manifest)!;
    expect(Buffer.from(secret[1], 'base64').toString()).toBe('admin');
    const password = Buffer.from(secret[2], 'base64').toString();
    // The fake openssl's value, with '/', '+' and '=' removed.
    expect(password).toMatch(/^FAKESECRET\d{3}x{39}$/);
    expect(manifest).toContain('  labels:\n    app.kubernetes.io/part-of: tempo-stack\n    app.kubernetes.io/instance: dev\n    tempo-stack/generated: "true"\n');
    for (const text of [run.stdout, run.stderr, ...run.kubectl, ...run.curl]) {
      expect(text).not.toContain('FAKESECRET');
      expect(text).not.toContain(secret[2]);
      expect(text).not.toContain('PW-FROM-THE-SECRET');
    }
    // Grafana's credentials reached curl through a config file, not its argv.
    const configs = w.evidence('curl-config-');
    expect(configs).toEqual(['user = "admin:PW-FROM-THE-SECRET"\n', 'user = "admin:PW-FROM-THE-SECRET"\n']);
    expect(run.stdout).toContain('Secret grafana-admin created (keys admin-user,admin-password); values are never printed');
    // The temp folder with the manifest and the curl config is gone.
    expect(w.leftovers()).toEqual([]);
  });

  test('--verbose prints every kubectl command, with --context, before it runs', () => {
    w = healthyServices(runningStack(world()));
    const run = w.run(['--verbose', '--context', 'kind-tempo', '--no-verify']);
    expect(run.status).toBe(0);
    const printed = run.stderr.split('\n').filter((l) => l.startsWith('+ ')).map((l) => l.slice(2));
    expect(printed.map((l) => w.normalize(l).replace(/\\/g, '')).sort()).toEqual(run.kubectl.map((l) => `kubectl ${l}`.replace(/\\/g, '')).sort());
    expect(printed[0]).toBe('kubectl --context kind-tempo version -o yaml --request-timeout=15s');
    expect(printed[1]).toBe(String.raw`kubectl --context kind-tempo get namespace tempo-dev --ignore-not-found -o jsonpath=\{.metadata.name\}\|\{.metadata.labels.app\\.kubernetes\\.io/part-of\}\|\{.metadata.labels.app\\.kubernetes\\.io/instance\}`);
    expect(run.kubectl.every((c) => c.startsWith('--context kind-tempo '))).toBe(true);
    // No current-context lookup when the context is given.
    expect(run.kubectl).not.toContain('--context kind-tempo config current-context');
  });

  test('--no-verify: health checks only, no trace sent', () => {
    w = healthyServices(runningStack(deployed(world())));
    w.on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' });
    const run = w.run(['--no-verify']);
    expect(run.status).toBe(0);
    expect(checks(run)).toEqual(HEALTHY_CHECKS.slice(0, 3));
    expect(run.curl.some((c) => c.includes('/v1/traces'))).toBe(false);
  });

  test('an existing Secret is never overwritten, and the namespace is not applied twice', () => {
    w = healthyServices(runningStack(deployed(world())));
    w.on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' });
    const run = w.run(['--no-verify']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(2, 6)).toEqual([
      `get namespace tempo-dev --ignore-not-found ${JSONPATH}`,
      '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name',
      `${APPLY} -k $ROOT/dist/dev/`,
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
    ]);
    expect(run.kubectl.filter((c) => / create | delete | replace | patch /.test(c))).toEqual([]);
    expect(w.evidence('created-')).toEqual([]);
    expect(run.stdout).toContain('Secret grafana-admin exists: kept as it is\n');
  });

  test('several random keys get different values (MinIO credentials in the cluster environment)', () => {
    w = world()
      .on('kubectl', '--namespace tempo-cluster get statefulset,deployment *', { stdout: 'statefulset.apps/tempo\n' })
      .on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\n' })
      .on('curl', '*/ready', { stdout: 'ready' });
    const run = w.run(['--env', 'cluster', '--no-verify']);
    expect(run.status).toBe(0);
    const [manifest] = w.evidence('created-');
    const values = [...manifest.matchAll(/^ {2}MINIO_ROOT_(?:USER|PASSWORD): (\S+)$/gm)].map((m) => Buffer.from(m[1], 'base64').toString());
    expect(values).toHaveLength(2);
    expect(values[0]).not.toBe(values[1]);
    expect(values.every((v) => v.length >= 32)).toBe(true);
  });

  test('without a working openssl, random values come from /dev/urandom', () => {
    w = healthyServices(runningStack(world())).override('openssl', 'rand -base64 48', { exit: 1 });
    const run = w.run(['--no-verify']);
    expect(run.status).toBe(0);
    const [manifest] = w.evidence('created-');
    const password = Buffer.from(/^ {2}admin-password: (\S+)$/m.exec(manifest)![1], 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  test('--dry-run: server-side dry run, no Secret created, no rollout, no port-forward', () => {
    w = deployed(world());
    const run = w.run(['--dry-run']);
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

  test('--dry-run before the namespace exists: the Namespace server-side, the rest client-side, with a warning', () => {
    w = world();
    const run = w.run(['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `${APPLY} --dry-run=server -f $ROOT/dist/dev/0000-namespace.k8s.yaml`,
      'apply --dry-run=client -k $ROOT/dist/dev/',
    ]);
    expect(run.stderr).toContain('warning: namespace tempo-dev does not exist yet: the objects inside it are checked client-side only\n');
  });

  test('a namespace of another environment is refused with what to do, and nothing is applied', () => {
    w = deployed(world(), 'tempo-dev', 'single-node');
    const run = w.run([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: namespace tempo-dev belongs to environment 'single-node' of tempo-stack "
      + "(label app.kubernetes.io/instance=single-node), not to 'dev'; nothing was changed.\n"
      + '  Manage it with --env single-node, or give environment dev its own namespace in charts/environments.ts and run npm run synth.\n');
    expect(run.kubectl).toHaveLength(3);
  });

  test('a namespace of another application is refused too', () => {
    w = world().on('kubectl', 'get namespace tempo-dev *', { stdout: 'tempo-dev|loki-stack|' });
    const run = w.run(['--clean', '--yes']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: namespace tempo-dev belongs to 'loki-stack' (label app.kubernetes.io/part-of=loki-stack), not to tempo-stack; nothing was changed.\n");
    expect(run.kubectl).toHaveLength(3);
  });

  test('an unreachable cluster or an old kubectl stops before anything is applied', () => {
    w = world().override('kubectl', 'version -o yaml *', {
      exit: 1, stdout: 'clientVersion:\n  gitVersion: v1.30.2\n', stderr: 'The connection to the server 127.0.0.1:6443 was refused\n',
    });
    const unreachable = w.run([]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toBe("error: cannot reach the cluster of context 'kind-tempo':\n  The connection to the server 127.0.0.1:6443 was refused\n"
      + '  Is the cluster running (kind get clusters, k3d cluster list, minikube status)? Pick another one with --context.\n');
    expect(unreachable.kubectl).toEqual(COMMON_CHECKS);
    w.remove();
    w = world().override('kubectl', 'version -o yaml *', { stdout: 'clientVersion:\n  gitVersion: v1.24.17\nserverVersion:\n  gitVersion: v1.29.4\n' });
    const old = w.run([]);
    expect(old.status).toBe(1);
    expect(old.stderr).toBe('error: kubectl 1.24 is too old: server-side apply and kustomize need kubectl 1.27 or newer (https://kubernetes.io/docs/tasks/tools/)\n');
    expect(old.kubectl).toEqual(COMMON_CHECKS);
  });

  test('a rollout that times out: which workload, its pods\' waiting reasons and last events, exit 1, no health check', () => {
    w = runningStack(deployed(world()))
      .on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev rollout status statefulset.apps/tempo *', { exit: 1, stdout: 'Waiting for 1 pods to be ready...\n', stderr: 'error: timed out waiting for the condition\n' })
      .on('kubectl', '--namespace tempo-dev get statefulset.apps/tempo -o go-template=*', { stdout: TEMPO_SELECTOR })
      .override('kubectl', `--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template={{range .items}}{{.metadata.name}}: *`, {
        stdout: 'tempo-0: Running, container tempo waiting: CrashLoopBackOff (back-off 40s restarting failed container=tempo), container tempo last exited: Error (exit code 1)\n',
      })
      .on('kubectl', '--namespace tempo-dev get events --field-selector involvedObject.name=tempo-0 *', { stdout: 'Warning BackOff: Back-off restarting failed container tempo\n' });
    const run = w.run(['--timeout', '2m']);
    expect(run.status).toBe(1);
    expect(run.kubectl.slice(6)).toEqual([
      '--namespace tempo-dev rollout status statefulset.apps/tempo --timeout=2m',
      `--namespace tempo-dev get statefulset.apps/tempo ${SELECTOR_TEMPLATE}`,
      expect.stringMatching(new RegExp(`^--namespace tempo-dev get pods -l ${TEMPO_SELECTOR} -o go-template=`)),
      expect.stringMatching(/^--namespace tempo-dev get events --field-selector involvedObject.name=tempo --sort-by=.lastTimestamp -o go-template=/),
      expect.stringMatching(/^--namespace tempo-dev get events --field-selector involvedObject.name=tempo-0 --sort-by=.lastTimestamp -o go-template=/),
      '--namespace tempo-dev rollout status deployment.apps/prometheus --timeout=2m',
      '--namespace tempo-dev rollout status deployment.apps/grafana --timeout=2m',
    ]);
    expect(run.stdout).toContain([
      'statefulset.apps/tempo did not become ready within 2m: error: timed out waiting for the condition',
      '    pod tempo-0: Running, container tempo waiting: CrashLoopBackOff (back-off 40s restarting failed container=tempo), container tempo last exited: Error (exit code 1)',
      '    last events of tempo-0:',
      '      Warning BackOff: Back-off restarting failed container tempo',
      'deployment.apps/prometheus is ready',
    ].join('\n'));
    expect(run.stderr).toContain('error: not ready within 2m: statefulset.apps/tempo. See ./deploy.sh --env dev --status and --logs\n');
    expect(run.kubectl.some((c) => c.includes('port-forward'))).toBe(false);
  });

  test('a workload that cannot create pods is explained by its own events', () => {
    w = runningStack(deployed(world()))
      .on('kubectl', '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name', { stdout: 'secret/grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev rollout status deployment.apps/grafana *', { exit: 1, stderr: 'error: timed out waiting for the condition\n' })
      .on('kubectl', '--namespace tempo-dev get deployment.apps/grafana -o go-template=*', { stdout: 'app.kubernetes.io/name=grafana' })
      .on('kubectl', '--namespace tempo-dev get events --field-selector involvedObject.name=grafana *', {
        stdout: 'Warning FailedCreate: pods "grafana-7d9f" is forbidden: violates PodSecurity "restricted:v1.28"\n',
      });
    const run = w.run([]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain([
      'deployment.apps/grafana did not become ready within 5m: error: timed out waiting for the condition',
      '    no pods: the workload could not create any (see its events)',
      '    last events of grafana:',
      '      Warning FailedCreate: pods "grafana-7d9f" is forbidden: violates PodSecurity "restricted:v1.28"',
    ].join('\n'));
  });

  test('a dist/ that differs from a fresh synth is not applied', () => {
    w = deployed(world());
    fs.mkdirSync(path.join(w.root, 'node_modules'));
    const fresh = path.join(w.root, 'fresh');
    fs.cpSync(path.join(w.root, 'dist'), fresh, { recursive: true });
    fs.appendFileSync(path.join(fresh, 'dev', '0001-tempo.k8s.yaml'), '    usage_report: {}\n');
    const run = w.run(['--dry-run'], { env: { FAKE_SYNTH_FROM: fresh } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: dist/dev differs from a fresh synth of the code, nothing was applied:\n'
      + '  Files fresh synth: dev/0001-tempo.k8s.yaml and dist/dev/0001-tempo.k8s.yaml differ\n'
      + '  Run npm run synth, review git diff dist/, and deploy again.\n');
    expect(fs.readFileSync(path.join(w.fakeDir, 'npm.log'), 'utf8')).toMatch(/^run --silent synth -- --quiet --outdir \S+\/synth\n$/);
    expect(run.kubectl.some((c) => c.startsWith('apply'))).toBe(false);
  });

  test('a dist/ equal to a fresh synth is applied; a failing synth stops the deploy', () => {
    w = deployed(world());
    fs.mkdirSync(path.join(w.root, 'node_modules'));
    const equal = w.run(['--dry-run'], { env: { FAKE_SYNTH_FROM: path.join(w.root, 'dist') } });
    expect(equal.status).toBe(0);
    expect(equal.stdout).toContain('dist/dev equals a fresh synth\n');
    expect(equal.kubectl.at(-1)).toBe(`${APPLY} --dry-run=server -k $ROOT/dist/dev/`);
    const failing = w.run(['--dry-run']);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("error: npm run synth failed, nothing was applied:\n  synth failed: tempo: 'replicas' must be 1 in single-node mode, got 3\n");
  });

  describe('each other failure: its message, exit 1', () => {
    const SECRET = '--namespace tempo-dev get secret grafana-admin --ignore-not-found -o name';
    test.each<[string, string[], (w: World) => void, string]>([
      ['no Kustomization file', ['--env', 'bare'], (x) => x.dist('bare', { '0000-namespace.k8s.yaml': namespaceYaml('bare', 'bare') }),
        'error: dist/bare/Kustomization is missing: run npm run synth\n'],
      ['no Namespace manifest', ['--env', 'bare'], (x) => x.dist('bare', { Kustomization: 'resources: []\n' }),
        'error: dist/bare/0000-namespace.k8s.yaml is missing: run npm run synth\n'],
      ['a Namespace without a valid name', ['--env', 'bare'], (x) => x.dist('bare', { Kustomization: '', '0000-namespace.k8s.yaml': 'metadata:\n  name: Tempo_Dev\n' }),
        "error: dist/bare/0000-namespace.k8s.yaml declares no valid Namespace name (got 'Tempo_Dev'): run npm run synth\n"],
      ['an invalid Secret name in secrets.txt', [], (x) => x.dist('dev', { 'secrets.txt': 'Grafana admin-user=random\n' }),
        "error: dist/dev/secrets.txt line 1: 'Grafana' is not a valid Secret name: run npm run synth\n"],
      ['a Secret without keys in secrets.txt', [], (x) => x.dist('dev', { 'secrets.txt': 'grafana-admin # keys follow\n' }),
        'error: dist/dev/secrets.txt line 1: Secret grafana-admin lists no key=kind\n'],
      ['a key without a kind in secrets.txt', [], (x) => x.dist('dev', { 'secrets.txt': 'grafana-admin admin-password\n' }),
        "error: dist/dev/secrets.txt line 1: 'admin-password' is not key=kind with a valid Secret key\n"],
      ['no current context', [], (x) => x.override('kubectl', 'config current-context', { exit: 1 }),
        'error: kubectl has no current context: choose one with kubectl config use-context <name>, or pass --context <name>\n'],
      ['a Secret kubectl cannot create', ['--no-verify'], (x) => x.override('kubectl', '*create -f *', { exit: 1, stderr: 'Error from server (Forbidden): secrets is forbidden\n' }),
        'Error from server (Forbidden): secrets is forbidden\nerror: could not create Secret grafana-admin in namespace tempo-dev\n'],
      ['no workload to wait for', [], (x) => x.override('kubectl', '*get statefulset,deployment *', { stdout: '' }).on('kubectl', SECRET, { stdout: 'secret/grafana-admin' }),
        'error: no StatefulSet or Deployment labelled app.kubernetes.io/part-of=tempo-stack in namespace tempo-dev\n'],
      ['no Service tempo', [], (x) => x.override('kubectl', '*get services *', { stdout: 'service/grafana\n' }).on('kubectl', SECRET, { stdout: 'secret/grafana-admin' }),
        'error: no Service tempo labelled app.kubernetes.io/part-of=tempo-stack in namespace tempo-dev\n'],
      ['--stop with no workload', ['--stop'], (x) => x.override('kubectl', '*get statefulset,deployment *', { stdout: '' }),
        'error: no workload of environment dev in namespace tempo-dev to stop\n'],
      ['--restart with no workload', ['--restart'], (x) => x.override('kubectl', '*get statefulset,deployment *', { stdout: '' }),
        'error: no workload of environment dev in namespace tempo-dev to restart\n'],
    ])('%s', (_name, args, setup, message) => {
      w = runningStack(deployed(world()));
      setup(w);
      const run = w.run(args);
      expect(run.status).toBe(1);
      expect(run.stderr.replace(/^warning: .*\n/gm, '')).toBe(message);
    });

    test('a fresh synth without the environment', () => {
      w = world();
      fs.mkdirSync(path.join(w.root, 'node_modules'));
      fs.mkdirSync(path.join(w.root, 'fresh', 'cluster'), { recursive: true });
      const run = w.run([], { env: { FAKE_SYNTH_FROM: path.join(w.root, 'fresh') } });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe("error: a fresh synth writes no environment 'dev': it was removed from charts/environments.ts; run npm run synth\n");
    });

    test('no dist/ at all is a usage error', () => {
      w = new World();
      const run = w.run(['--status']);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe('deploy.sh: no dist/ folder next to deploy.sh: run npm ci && npm run synth first\nRun ./deploy.sh --help for the verbs and options.\n');
    });
  });

  test('a malformed secrets.txt is reported with its line before kubectl runs', () => {
    w = world().dist('dev', { 'secrets.txt': 'grafana-admin admin-user=literal:admin\n\nminio-credentials MINIO_ROOT_USER=secret\n' });
    const run = w.run([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: dist/dev/secrets.txt line 3: key MINIO_ROOT_USER of minio-credentials has kind \'secret\'; use random or literal:<value>\n');
    expect(run.kubectl).toEqual([]);
  });
});

describe('--verify', () => {
  test('failing checks each print what they found, the verification polls within --timeout, exit 1', () => {
    // Registered before the healthy answers, so they win.
    w = runningStack(deployed(world()))
      .on('curl', '*query=up{job="tempo"} http://127.0.0.1:49090/api/v1/query', {
        stdout: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"tempo","pod":"tempo-0"},"value":[1764110000.1,"0"]}]}}',
      })
      .on('curl', '*//127.0.0.1:49090/api/v1/rules?type=alert', { stdout: '{"status":"success","data":{"groups":[]}}' })
      .on('curl', '*/api/datasources/uid/tempo/health', { status: 400, stdout: '{"message":"Unable to connect with Tempo (404 page not found)","status":"ERROR"}' })
      .on('curl', '*//127.0.0.1:43200/api/search', { stdout: '{"traces":[]}' });
    healthyServices(w);
    const run = w.run(['--verify', '--timeout', '10s']);
    expect(run.status).toBe(1);
    expect(checks(run)).toEqual([
      ...HEALTHY_CHECKS.slice(0, 5),
      ['FAIL', 'tempo: TraceQL search', `not found by { resource.service.name = "tempo-stack-verify" && span.tempo_stack.verify_id = "${TRACE_ID}" }: HTTP 200 {"traces":[]}`],
      ['FAIL', 'prometheus: scrapes every tempo pod', 'up{job="tempo"}: 0 for tempo-0; no series for tempo-1'],
      ['FAIL', 'prometheus: alert rules', '0 alert rules loaded, dist/dev declares 2 (HTTP 200)'],
      ['FAIL', 'grafana: datasource tempo', 'HTTP 400: Unable to connect with Tempo (404 page not found)'],
      HEALTHY_CHECKS[9],
    ]);
    expect(run.stderr).toContain('error: 4 of 10 checks failed. See ./deploy.sh --env dev --status and --logs\n');
    // 10s of --timeout at one attempt every 5 s: two attempts per failing check.
    expect(run.curl.filter((c) => c.endsWith('/api/search'))).toHaveLength(2);
    expect(run.sleep).toEqual(['5', '5', '5', '5']);
    expect(run.kubectl.slice(3)).toEqual([...PORT_FORWARDS, ...VERIFY_READS]);
  });

  test('a port-forward that fails is a failing check with kubectl\'s reason, and every port-forward is ended on exit', () => {
    w = runningStack(deployed(world()))
      .override('kubectl', '--namespace tempo-dev port-forward svc/tempo *', {
        exit: 1, stderr: 'error: unable to forward port because pod is not running. Current status=Pending\n',
      });
    healthyServices(w);
    const run = w.run(['--verify']);
    expect(run.status).toBe(1);
    expect(checks(run)).toEqual([
      ['FAIL', 'tempo /ready', 'kubectl port-forward svc/tempo: error: unable to forward port because pod is not running. Current status=Pending '],
      HEALTHY_CHECKS[1],
      HEALTHY_CHECKS[2],
    ]);
    expect(run.curl.some((c) => c.includes('/v1/traces'))).toBe(false);
    const pids = fs.readFileSync(path.join(w.fakeDir, 'port-forward.pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  test('the trace sent is OTLP/JSON with the fresh trace id, a span id and current timestamps', () => {
    w = healthyServices(runningStack(deployed(world())));
    const before = BigInt(Date.now()) * 1_000_000n;
    const run = w.run(['--verify']);
    expect(run.status).toBe(0);
    const [posted] = w.evidence('posted-');
    const body = JSON.parse(posted);
    const span = body.resourceSpans[0].scopeSpans[0].spans[0];
    expect(body.resourceSpans[0].resource.attributes[0]).toEqual({ key: 'service.name', value: { stringValue: 'tempo-stack-verify' } });
    expect(span).toMatchObject({ traceId: TRACE_ID, spanId: 'b7ad6b7169203331', kind: 2 });
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(before);
    expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toBe(150_000_000n);
    expect(run.curl.find((c) => c.includes('/v1/traces'))).toMatch(/-X POST -H Content-Type: application\/json --data-binary @\S+ http:\/\/127\.0\.0\.1:44318\/v1\/traces$/);
  });

  test('with the metrics-generator on, span metrics of the verification service must reach Prometheus', () => {
    w = world();
    deployed(w, 'tempo-cluster', 'cluster');
    w.on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\nservice/prometheus\n' })
      .on('kubectl', '--namespace tempo-cluster get statefulset/tempo *', { stdout: TEMPO_SELECTOR })
      .on('kubectl', '--namespace tempo-cluster get pods *', { stdout: 'tempo-0 ' })
      .on('curl', '*query=sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"}) http://127.0.0.1:49090/api/v1/query',
        { stdout: '{"status":"success","data":{"resultType":"vector","result":[]}}', once: true })
      .on('curl', '*query=sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"}) http://127.0.0.1:49090/api/v1/query',
        { stdout: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764110000.1,"1"]}]}}' })
      .on('curl', '*//127.0.0.1:49090/api/v1/rules?type=alert', { stdout: '{"status":"success","data":{"groups":[{"file":"r","rules":[{"type":"alerting"}]}]}}' });
    healthyServices(w);
    const run = w.run(['--verify', '--env', 'cluster']);
    expect(run.status).toBe(0);
    expect(checks(run)).toEqual([
      HEALTHY_CHECKS[0], HEALTHY_CHECKS[1], HEALTHY_CHECKS[3], HEALTHY_CHECKS[4], HEALTHY_CHECKS[5],
      ['ok', 'prometheus: scrapes every tempo pod', 'up{job="tempo"} is 1 for tempo-0'],
      ['ok', 'prometheus: alert rules', '1 alert rules loaded in 1 group(s) (dist/cluster declares 0)'],
      ['skip', 'grafana', 'environment cluster has no Grafana'],
      // The first answer had no series yet: polled once more.
      ['ok', 'prometheus: span metrics', 'sum(traces_spanmetrics_calls_total{service="tempo-stack-verify"}) = 1'],
    ]);
    expect(run.stdout).toContain('all 8 checks passed\n');
    expect(run.sleep).toEqual(['5']);
  });

  test('--verify of an environment that is not deployed says so', () => {
    w = world();
    const run = w.run(['--verify']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("error: environment dev is not deployed: namespace tempo-dev does not exist in context 'kind-tempo'. Deploy it with ./deploy.sh --env dev\n");
    expect(run.kubectl).toHaveLength(3);
  });
});

describe('manage', () => {
  test('--status: workloads, pods, PVCs, Services with in-cluster URLs, Secret names, warning events', () => {
    w = deployed(world())
      .on('kubectl', '--namespace tempo-dev get services *', { stdout: 'tempo http 3200\ntempo otlp-http 4318\ngrafana http 3000\n' })
      .on('kubectl', '--namespace tempo-dev get secrets -o *', { stdout: 'grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev get secrets -l tempo-stack/generated=true *', { stdout: 'grafana-admin\n' })
      .on('kubectl', '--namespace tempo-dev get pods *', { stdout: 'NAME      READY   STATUS    RESTARTS\ntempo-0   1/1     Running   2\n' });
    const run = w.run(['--status']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o wide`,
      `--namespace tempo-dev get pods -l ${NS_LABELS} -o wide`,
      '--namespace tempo-dev get pvc',
      `--namespace tempo-dev get services -l ${NS_LABELS} -o go-template={{range .items}}{{$name := .metadata.name}}{{range .spec.ports}}{{$name}} {{or .name "-"}} {{.port}}{{"\\n"}}{{end}}{{end}}`,
      '--namespace tempo-dev get secrets -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}',
      '--namespace tempo-dev get secrets -l tempo-stack/generated=true -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}',
      '--namespace tempo-dev get events --field-selector type=Warning --sort-by=.lastTimestamp',
    ]);
    expect(run.stdout).toContain('tempo-0   1/1     Running   2\n');
    expect(run.stdout).toMatch(/^ {2}tempo +otlp-http +http:\/\/tempo\.tempo-dev\.svc\.cluster\.local:4318$/m);
    expect(run.stdout).toMatch(/^ {2}grafana +http +http:\/\/grafana\.tempo-dev\.svc\.cluster\.local:3000$/m);
    expect(run.stdout).toMatch(/^ {2}grafana-admin +generated by deploy.sh; read: kubectl -n tempo-dev get secret grafana-admin -o go-template='\{\{index .data "<key>" \| base64decode\}\}'$/m);
  });

  test('--status lists a referenced Secret nobody created as missing, and one the user made as theirs', () => {
    w = deployed(world(), 'tempo-cluster', 'cluster')
      .dist('cluster', { '0002-minio.k8s.yaml': 'spec:\n  env:\n    - valueFrom:\n        secretKeyRef:\n          key: k\n          name: tempo-s3\n' })
      .on('kubectl', '--namespace tempo-cluster get secrets -o *', { stdout: 'tempo-s3\n' });
    const run = w.run(['--status', '--env', 'cluster']);
    expect(run.stdout).toMatch(/^ {2}minio-credentials +MISSING: pods that need it cannot start \(\.\/deploy\.sh creates the generated ones\)$/m);
    expect(run.stdout).toMatch(/^ {2}tempo-s3 +created by you$/m);
  });

  test('--status of an environment that is not deployed exits 1', () => {
    w = world();
    const run = w.run(['--status']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("environment dev is not deployed: namespace tempo-dev does not exist in context 'kind-tempo'\n");
  });

  test('--logs: every container of the stack, prefixed by pod; --follow streams', () => {
    w = deployed(world()).on('kubectl', '--namespace tempo-dev logs *', { stdout: '[pod/tempo-0/tempo] level=info msg=ready\n' });
    const run = w.run(['--logs']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('[pod/tempo-0/tempo] level=info msg=ready\n');
    expect(run.kubectl.at(-1)).toBe(`--namespace tempo-dev logs -l ${NS_LABELS} --all-containers --prefix --tail=200 --max-log-requests=50`);
    const follow = w.run(['--logs', '--follow']);
    expect(follow.kubectl.at(-1)).toBe(`--namespace tempo-dev logs -l ${NS_LABELS} --all-containers --prefix --tail=200 --max-log-requests=50 --follow`);
  });

  test('--stop scales every workload to zero and deletes nothing', () => {
    w = runningStack(deployed(world()));
    const run = w.run(['--stop']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
      '--namespace tempo-dev scale statefulset.apps/tempo deployment.apps/prometheus deployment.apps/grafana --replicas=0',
    ]);
    expect(run.stdout).toContain('stopped 3 workload(s); PVCs and Secrets are kept.');
  });

  test('--restart restarts every workload and waits for each rollout', () => {
    w = runningStack(deployed(world()));
    const run = w.run(['--restart', '--timeout', '90s']);
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      `--namespace tempo-dev get statefulset,deployment -l ${NS_LABELS} -o name`,
      '--namespace tempo-dev rollout restart statefulset.apps/tempo deployment.apps/prometheus deployment.apps/grafana',
      '--namespace tempo-dev rollout status statefulset.apps/tempo --timeout=90s',
      '--namespace tempo-dev rollout status deployment.apps/prometheus --timeout=90s',
      '--namespace tempo-dev rollout status deployment.apps/grafana --timeout=90s',
    ]);
  });

  test('--stop and --restart of an environment that is not deployed change nothing', () => {
    w = world();
    for (const verb of ['--stop', '--restart', '--logs']) {
      const run = w.run([verb]);
      expect(run.status).toBe(1);
      expect(run.kubectl.filter((c) => / scale | rollout | logs /.test(c))).toEqual([]);
    }
  });

  function cleanable(): World {
    return deployed(world())
      .on('kubectl', '--namespace tempo-dev get pvc -o go-template=*', { stdout: 'data-tempo-0 5Gi\ndata-prometheus-0 10Gi\n' })
      .on('kubectl', `--namespace tempo-dev get secrets -l ${NS_LABELS},tempo-stack/generated=true *`, { stdout: 'grafana-admin\n' });
  }
  const CLEAN_READS = [
    '--namespace tempo-dev get pvc -o go-template={{range .items}}{{.metadata.name}} {{.spec.resources.requests.storage}}{{"\\n"}}{{end}}',
    `--namespace tempo-dev get secrets -l ${NS_LABELS},tempo-stack/generated=true -o go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}`,
  ];

  test('--clean names what will be lost, and without the typed name deletes nothing', () => {
    w = cleanable();
    for (const input of ['', 'yes\n', 'tempo-dev\n']) {
      const run = w.run(['--clean'], { input });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`error: not confirmed (typed '${input.trim()}'): nothing was deleted\n`);
      expect(run.kubectl.slice(3)).toEqual(CLEAN_READS);
      expect(run.stdout).toContain('  - the PersistentVolumeClaims, and every trace and metric stored on them: data-tempo-0 (5Gi), data-prometheus-0 (10Gi)\n');
      expect(run.stdout).toContain('  - the Secrets deploy.sh generated (their passwords are lost): grafana-admin\n');
      expect(run.stderr).toContain('Type the environment name (dev) to delete it: ');
      fs.rmSync(path.join(w.fakeDir, 'kubectl.log'));
    }
  });

  test('--clean with the typed name deletes the applied objects, the PVCs, the generated Secrets, then the namespace', () => {
    w = cleanable();
    const run = w.run(['--clean', '--timeout', '3m'], { input: 'dev\n' });
    expect(run.status).toBe(0);
    expect(run.kubectl.slice(3)).toEqual([
      ...CLEAN_READS,
      'delete --ignore-not-found --timeout=3m -f $ROOT/dist/dev/0001-tempo.k8s.yaml -f $ROOT/dist/dev/0002-prometheus.k8s.yaml -f $ROOT/dist/dev/0003-grafana.k8s.yaml',
      '--namespace tempo-dev delete pvc --ignore-not-found --timeout=3m data-tempo-0 data-prometheus-0',
      `--namespace tempo-dev delete secret -l ${NS_LABELS},tempo-stack/generated=true`,
      '--namespace tempo-dev get secrets -o go-template={{range .items}}{{.metadata.name}} {{end}}',
      'delete --ignore-not-found --timeout=3m -f $ROOT/dist/dev/0000-namespace.k8s.yaml',
    ]);
    expect(run.stdout).toContain('environment dev deleted\n');
  });

  test('--clean --yes asks nothing, and keeps the namespace while Secrets the user created remain', () => {
    w = cleanable().on('kubectl', '--namespace tempo-dev get secrets -o go-template=*', { stdout: 'tempo-s3 ' });
    const run = w.run(['--clean', '--yes']);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('Type the environment name');
    expect(run.kubectl.some((c) => c.includes('0000-namespace.k8s.yaml'))).toBe(false);
    expect(run.stdout).toContain('namespace tempo-dev kept: it holds Secrets you created (tempo-s3 ). Delete it with: kubectl delete namespace tempo-dev\n');
  });

  test('--clean of an environment that is not deployed deletes nothing', () => {
    w = world();
    const run = w.run(['--clean', '--yes']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("nothing to clean: namespace tempo-dev does not exist in context 'kind-tempo'\n");
    expect(run.kubectl).toHaveLength(3);
  });
});

test('deploy.sh in the repository is executable bash that parses', () => {
  const script = path.join(__dirname, '..', '..', 'deploy.sh');
  expect(fs.statSync(script).mode & 0o111).toBe(0o111);
  expect(fs.readFileSync(script, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env bash');
  expect(spawnSync('bash', ['-n', script]).status).toBe(0);
});

test('docs/deploying.md documents every verb, option and exit code of --help', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'deploying.md'), 'utf8');
  const section = doc.split('## Deploy with `tempo-stack deploy`')[1].split('\n## ')[0];
  w = world();
  const help = w.run(['--help']).stdout;
  const flags = [...new Set(help.match(/--[a-z-]+/g))];
  expect(flags.length).toBeGreaterThan(12);
  for (const flag of flags) expect(section).toContain(`\`${flag}`);
  expect(section).toContain('**0** success; **1** failure');
  expect(section).toContain('**2** usage error');
});

test('against the repository\'s own dist/cluster: its namespace, both of its Secrets, one apply -k', () => {
  const real = path.join(__dirname, '..', '..', 'dist', 'cluster');
  const files = Object.fromEntries(fs.readdirSync(real).map((f) => [f, fs.readFileSync(path.join(real, f), 'utf8')]));
  w = new World().dist('cluster', files)
    .on('kubectl', 'config current-context', { stdout: 'kind-tempo\n' })
    .on('kubectl', '*version -o yaml --request-timeout=15s', { stdout: VERSIONS })
    .on('kubectl', '--namespace tempo-cluster get statefulset,deployment *', { stdout: 'statefulset.apps/tempo\n' })
    .on('kubectl', '--namespace tempo-cluster get services *', { stdout: 'service/tempo\n' })
    .on('curl', '*/ready', { stdout: 'ready' });
  const run = w.run(['--env', 'cluster', '--no-verify']);
  expect(run.status).toBe(0);
  expect(run.kubectl).toEqual(expect.arrayContaining([
    `${APPLY} -f $ROOT/dist/cluster/0000-namespace.k8s.yaml`,
    '--namespace tempo-cluster get secret minio-credentials --ignore-not-found -o name',
    '--namespace tempo-cluster create -f $WORK/secret-minio-credentials.yaml',
    '--namespace tempo-cluster get secret grafana-admin --ignore-not-found -o name',
    '--namespace tempo-cluster create -f $WORK/secret-grafana-admin.yaml',
    `${APPLY} -k $ROOT/dist/cluster/`,
  ]));
  expect(run.kubectl.filter((c) => c.includes(' -k '))).toHaveLength(1);
});
