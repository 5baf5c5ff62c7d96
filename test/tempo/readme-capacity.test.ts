// The README's Capacity section quotes the planner and the presets; these tests keep it from going stale.
import * as fs from 'fs';
import * as path from 'path';
import { resolveTempoSettings } from '../../charts/tempo';
import { formatMiB } from '../../charts/shared/validate';
import { runPlan } from '../../charts/cli/plan';
import { remoteWrite, s3 } from '../helpers';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const capacity = readme.slice(readme.indexOf('## Capacity'), readme.indexOf('## The cluster: how it works'));

describe('README, Capacity', () => {
  const blocks = [...capacity.matchAll(/```console\n\$ npm run plan -- (.*)\n([\s\S]*?)```/g)];

  test('shows the plan for 1k, 10k and 100k traces/s', () => {
    expect(blocks.map((b) => b[1])).toEqual([1000, 10_000, 100_000].map((n) => `--traces-per-second ${n} --spans-per-trace 10`));
  });

  test.each(blocks.map((b) => [b[1], b[2]]))('the output of `npm run plan -- %s` is what the planner prints now', (args, printed) => {
    let out = '';
    expect(runPlan(args.split(' '), (t) => { out += t; }, () => undefined)).toBe(0);
    expect(printed).toBe(out);
  });

  test.each<[string, Parameters<typeof resolveTempoSettings>[0]]>([
    ['| `basic` |', { preset: 'basic' }],
    ['| `single-node` |', { preset: 'single-node' }],
    ['| `with-metrics`, single node |', { preset: 'with-metrics', metricsRemoteWriteUrl: remoteWrite }],
    ['| `with-metrics`, 3-replica cluster (`global`) |', { mode: 'cluster', preset: 'with-metrics', storage: s3, metricsRemoteWriteUrl: remoteWrite }],
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
