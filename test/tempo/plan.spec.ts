import { TempoComponent } from '../../charts/tempo/distributed/sizing';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { PLAN_BOUNDS, formatPlan, planDeployment, resolveTempoSettings } from '../../charts/tempo';
import { USAGE, parsePlanArgs, runPlan } from '../../charts/cli/plan';
import { remoteWrite, s3 } from '../helpers';

/** Synthesizes the settings the plan proposes (a cluster still needs its object store). */
function settingsOf(plan: ReturnType<typeof planDeployment>) {
  return resolveTempoSettings({ ...plan.props, ...(plan.mode !== 'single-node' ? { storage: s3 } : {}), metricsRemoteWriteUrl: remoteWrite });
}

describe('the planner', () => {
  test('a load one node carries, with blocks that fit one volume, is a single node', () => {
    const plan = planDeployment({ tracesPerSecond: 1000, spansPerTrace: 10, retention: '48h' });
    expect(plan).toMatchObject({ mode: 'single-node', replicas: 1, replicationFactor: 1 });
    // 1 000 x 10 x 500 B/s for 48 h, no compression counted.
    expect(plan.storedBytes).toBe(1000 * 10 * 500 * 48 * 3600);
    // 2 000 x 10 x 500 B/s x 20 s + 20 MB burst = 220 MB = 220 000 traces of 1 000 B; 256 MiB + 2 x 220 000 x 2 536 B -> 1 321 MiB,
    // rounded up to 256 MiB steps: 1 536Mi. CPU 20 000 spans/s / 23 000 -> limit 1 core, request half of it.
    expect(plan.capacity.maxTracesPerUser).toBe(220_000);
    expect(plan.resources).toEqual({ requests: { cpu: '500m', memory: '1536Mi' }, limits: { cpu: '1', memory: '1536Mi' } });
    // WAL 10 MB/s x (2 x 50 s head block + 900 s) = 10 GB, plus 864 GB of blocks, a fifth more: 977Gi.
    expect(plan.walBytesPerReplica).toBe(10_000_000_000);
    expect(plan.storageSize).toBe('977Gi');
  });

  test('a retention that outgrows one local volume moves the blocks to object storage in a cluster', () => {
    const plan = planDeployment({ tracesPerSecond: 1000, spansPerTrace: 10, retention: '336h' });
    expect(plan.storedBytes).toBeGreaterThan(PLAN_BOUNDS.maxLocalStorageBytes);
    expect(plan).toMatchObject({ mode: 'cluster', replicas: 3, replicationFactor: 3 });
    expect(plan.capacity.rateStrategy).toBe('global');
    // Each of the three ingesters flushes its own copy of every trace until compaction.
    expect(plan.blockWriteBytesPerSecond).toBe(3 * 1000 * 10 * 500);
  });

  test('a load one replica cannot carry gets the fewest replicas that can, each within the bounds', () => {
    const plan = planDeployment({ tracesPerSecond: 10_000, spansPerTrace: 10 });
    expect(plan.replicas).toBe(7);
    expect(Number(plan.resources.limits.cpu)).toBeLessThanOrEqual(PLAN_BOUNDS.maxReplicaCpuCores);
    const unbounded = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '64', memory: '256Gi' } };
    const fewer = resolveTempoSettings({ ...plan.props, replicas: 6, storage: s3, resources: unbounded });
    expect(fewer.capacity.cpuCoresPerReplica).toBeGreaterThan(PLAN_BOUNDS.maxReplicaCpuCores);
  });

  test.each([
    [{ tracesPerSecond: 50, spansPerTrace: 10 }],
    [{ tracesPerSecond: 1000, spansPerTrace: 10, retention: '48h' }],
    [{ tracesPerSecond: 1000, spansPerTrace: 10 }],
    [{ tracesPerSecond: 10_000, spansPerTrace: 10, metricsGenerator: true }],
    [{ tracesPerSecond: 4000, spansPerTrace: 40, bytesPerSpan: 300, minBytesPerSpan: 60 }],
  ])('the proposed props synthesize, with the limits the plan printed: %j', (request) => {
    const plan = planDeployment(request);
    const settings = settingsOf(plan);
    expect(settings.capacity).toEqual(plan.capacity);
    expect(settings.replicas).toBe(plan.replicas);
  });

  test('scalable-single-binary stops past its replica bound, and the plan says so', () => {
    const shape = { spansPerTrace: 10 };
    const limit = planDeployment({ tracesPerSecond: 1000, ...shape }).scalableSingleBinaryMaxTracesPerSecond;
    const atLimit = planDeployment({ tracesPerSecond: limit, ...shape });
    const past = planDeployment({ tracesPerSecond: limit + 1, ...shape });
    expect(atLimit.replicas).toBe(PLAN_BOUNDS.maxScalableSingleBinaryReplicas);
    expect(atLimit.beyondScalableSingleBinary).toBe(false);
    expect(past.mode).toBe('distributed');
    expect(past.beyondScalableSingleBinary).toBe(true);
    expect(past.why).toContain(`scalable-single-binary would need ${PLAN_BOUNDS.maxScalableSingleBinaryReplicas + 1} replicas`);
    expect(formatPlan(past)).toContain('shape                PAST scalable-single-binary');
    expect(formatPlan(past)).toContain('mode                 distributed');
    expect(formatPlan(atLimit)).toContain(`shape                scalable-single-binary is right: it carries up to ${limit} traces/s`);
  });

  test.each<[string, Parameters<typeof planDeployment>[0], string]>([
    ['no traffic', { tracesPerSecond: 0, spansPerTrace: 10 },
      "plan: '--traces-per-second' must be a number greater than 0, got 0; use a number greater than 0"],
    ['a smallest span above the average', { tracesPerSecond: 10, spansPerTrace: 10, bytesPerSpan: 200, minBytesPerSpan: 300 },
      "plan: '--min-bytes-per-span' must not exceed --bytes-per-span (200), got 300; the smallest span cannot be larger than the average one"],
    ['a retention in days', { tracesPerSecond: 10, spansPerTrace: 10, retention: '14d' },
      "plan: '--retention' must be a Go duration such as '30s', '5m' or '336h', got '14d'; write it with the units ns, us, ms, s, m or h (days are "
        + "not accepted: write 7d as '168h')"],
    ['a load no deployment here carries', { tracesPerSecond: 1_000_000, spansPerTrace: 10 },
      "plan: '--traces-per-second' needs more than 999 ingesters of 4 cores / 16Gi for 10 spans of 500 bytes per trace, got 1000000; "
      + 'lower the load, or split it over several stacks'],
  ])('refuses %s with the synth error format', (_what, request, message) => {
    expect(() => planDeployment(request)).toThrow(message);
  });
});

describe('the planner past scalable-single-binary', () => {
  const plan = planDeployment({ tracesPerSecond: 100_000, spansPerTrace: 10, metricsGenerator: true });

  test('recommends distributed mode with every component, the generator included', () => {
    expect(plan.mode).toBe('distributed');
    expect(Object.keys(plan.components!).sort()).toEqual(['compactor', 'distributor', 'ingester', 'metrics-generator', 'querier', 'query-frontend']);
  });

  test('its props synthesize to the capacity it printed, every component as proposed', () => {
    const settings = settingsOf(plan);
    expect(settings.capacity).toEqual(plan.capacity);
    for (const [component, proposed] of Object.entries(plan.components!)) {
      const got = settings.distributed!.components[component as TempoComponent]!;
      expect([component, got.replicas, got.resources]).toEqual([component, proposed.replicas, proposed.resources]);
    }
  });

  test('prints each component with its replicas, resources, PVC and rule, estimates marked', () => {
    const text = formatPlan(plan);
    for (const [component, c] of Object.entries(plan.components!)) {
      expect(text).toContain(`  ${component.padEnd(19)}${c.replicas} x requests cpu ${c.resources.requests.cpu}`);
    }
    expect(text).toMatch(/ingester .*; PVC \d+Gi\n +from the capacity model: /);
    expect(text).toMatch(/querier .*\n +ESTIMATE: one per 2 MB\/s received/);
    expect(text).toContain('"mode":"distributed"');
  });
});

describe('the plan command line', () => {
  const run = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = runPlan(argv, (t) => { out += t; }, (t) => { err += t; });
    return { code, out, err };
  };

  test('takes --flag value and --flag=value', () => {
    expect(parsePlanArgs(['--traces-per-second', '1000', '--spans-per-trace=12', '--bytes-per-span', '300.5', '--retention=48h',
      '--metrics-generator']))
      .toEqual({ tracesPerSecond: 1000, spansPerTrace: 12, bytesPerSpan: 300.5, retention: '48h', metricsGenerator: true });
  });

  test('prints the plan and exits 0', () => {
    const { code, out, err } = run(['--traces-per-second', '1000', '--spans-per-trace', '10']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(formatPlan(planDeployment({ tracesPerSecond: 1000, spansPerTrace: 10 })));
  });

  test('--help prints the usage and exits 0', () => {
    expect(run(['--help'])).toEqual({ code: 0, out: USAGE, err: '' });
  });

  test.each([
    [['--spans-per-trace', '10'], 'plan: --traces-per-second is required'],
    [['--traces-per-second', '10'], 'plan: --spans-per-trace is required'],
    [['--traces-per-second', 'many', '--spans-per-trace', '10'], "plan: --traces-per-second must be a number, got 'many'"],
    [['--traces-per-second', '-5', '--spans-per-trace', '10'], "plan: --traces-per-second must be a number, got '-5'"],
    [['--traces-per-second', '10', '--spans-per-trace'], 'plan: --spans-per-trace needs a value'],
    [['--traces-per-second', '10', '--spans-per-trace', '10', '--tps', '5'], "plan: unknown argument '--tps'"],
    [['--traces-per-second', '10', '--traces-per-second', '20', '--spans-per-trace', '10'], 'plan: --traces-per-second given twice'],
    [['--traces-per-second', '10', '--spans-per-trace', '10', '--metrics-generator=yes'], 'plan: --metrics-generator takes no value'],
  ])('bad flags %j exit 2 with the usage', (argv, message) => {
    const { code, out, err } = run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`${message}\n\n${USAGE}`);
  });

  test('an impossible plan exits 1 with the error, as synth reports one', () => {
    const { code, out, err } = run(['--traces-per-second', '0', '--spans-per-trace', '10']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe("plan failed:\n  plan: '--traces-per-second' must be a number greater than 0, got 0; use a number greater than 0\n");
  });
});

describe('tempo-stack plan as a process (what npm run plan runs)', () => {
  const bin = path.join(__dirname, '..', '..', 'bin', 'tempo-stack.js');
  const node = (args: string[]) => spawnSync(process.execPath, [bin, 'plan', ...args], { encoding: 'utf8' });

  test('exits 0 with the plan, and 2 with the usage on a bad flag', () => {
    const ok = node(['--traces-per-second=50', '--spans-per-trace=10']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(formatPlan(planDeployment({ tracesPerSecond: 50, spansPerTrace: 10 })));
    const bad = node(['--traces-per-second=50']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`plan: --spans-per-trace is required\n\n${USAGE}`);
  });
});
