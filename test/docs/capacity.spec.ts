// docs/capacity.md quotes the planner and the presets; these tests keep it from going stale (docs.spec.ts
// runs every plan it shows and compares the output).
import * as fs from 'fs';
import * as path from 'path';
import { resolveTempoSettings } from '../../charts/tempo';
import { formatMiB } from '../../charts/shared/validate';
import { buildEnvironment } from '../../charts';
import { CONFIG, remoteWrite, s3 } from '../helpers';

const capacity = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'capacity.md'), 'utf8');

describe('docs/capacity.md', () => {
  // The planner's command in this repository, or the packaged CLI's.
  const blocks = [...capacity.matchAll(/```console\n\$ (?:npm run plan --|npx tempo-stack plan) (.*)\n([\s\S]*?)```/g)];

  test('shows the plan for 1k, 10k and 100k traces/s', () => {
    expect(blocks.map((b) => b[1])).toEqual([1000, 10_000, 100_000].map((n) => `--traces-per-second ${n} --spans-per-trace 10`));
  });

  test.each<[string, Parameters<typeof resolveTempoSettings>[0]]>([
    ['| `basic` |', { preset: 'basic' }],
    ['| `single-node` |', { preset: 'single-node' }],
    ['| `with-metrics`, single node |', { preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite }],
    ['| `with-metrics`, 3-replica cluster (`global`) |',
      { mode: 'cluster', preset: 'with-metrics', storage: s3, metricsRemoteWriteUrl: remoteWrite }],
  ])('the preset row %s has the numbers synth computes', (row, props) => {
    const line = capacity.split('\n').find((l) => l.startsWith(row));
    expect(line).toBeDefined();
    const cells = line!.split('|').map((c) => c.trim());
    const c = resolveTempoSettings(props).capacity;
    const number = (cell: string) => Number(cell.split(' for ')[0].replace(/ /g, ''));
    expect([number(cells[3]), number(cells[4]), number(cells[5]), cells[6]])
      .toEqual([c.maxTracesPerUser, c.rateLimitBytes, c.burstSizeBytes, formatMiB(c.memoryBytesPerReplica)]);
  });
});

describe('docs/prometheus.md, Capacity model', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'prometheus.md'), 'utf8');
  const rows = new Map(doc.split('\n').filter((l) => /^\| `[a-z-]+` \| [\d ]+/.test(l))
    .map((l) => l.split('|').map((c) => c.trim())).map((c) => [c[1].replace(/`/g, ''), c.slice(2, 7)]));

  const environments = CONFIG.environments.map((e) => [e.name, e] as const);
  test.each(environments)('the row of %s has the plan synth computes and the sizes it deploys', (name, env) => {
    const prometheus = buildEnvironment(env).stack.prometheusChart!.prometheus;
    const { capacity, resources, storageSize, retentionTime } = prometheus.settings;
    const whole = (cell: string) => Number(cell.split(' (')[0].replace(/ /g, ''));
    const [series, samples, memory, disk, retention] = rows.get(name)!;
    expect([whole(series), whole(samples), memory, disk, retention]).toEqual([
      capacity.activeSeries, Math.round(capacity.samplesPerSecond), `${formatMiB(capacity.memoryBytes)} / ${resources.limits.memory}`,
      `${(capacity.storageBytes / 2 ** 30).toFixed(1)}GiB / ${storageSize}`, retentionTime,
    ]);
  });
});
