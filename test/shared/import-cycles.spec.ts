import * as fs from 'fs';
import * as path from 'path';

const CHARTS = path.join(__dirname, '..', '..', 'charts');

/** Every .ts file under charts/ and the charts/ files it imports or re-exports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(full);
  });
  walk(CHARTS);
  const resolve = (from: string, spec: string) => {
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => files.includes(candidate));
  };
  return new Map(files.map((file) => {
    const specs = [...fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) => m[1]);
    return [file, specs.map((spec) => resolve(file, spec)).filter((f): f is string => f !== undefined)];
  }));
}

/** The first import cycle found, as a list of files relative to charts/, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return stack.slice(stack.indexOf(file)).concat(file);
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle.map((f) => path.relative(CHARTS, f));
  }
  return undefined;
}

describe('charts/ imports', () => {
  test('form no cycle: settings, config builders and constructs stay layered', () => {
    expect(findCycle(importGraph())).toBeUndefined();
  });

  test('the check finds a cycle when there is one', () => {
    const [a, b, c] = ['a.ts', 'b.ts', 'c.ts'].map((f) => path.join(CHARTS, f));
    expect(findCycle(new Map([[a, [b]], [b, [c]], [c, [b]]]))).toEqual(['b.ts', 'c.ts', 'b.ts']);
    expect(findCycle(new Map([[a, [b, c]], [b, [c]], [c, []]]))).toBeUndefined();
  });
});
