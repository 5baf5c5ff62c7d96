import * as fs from 'fs';
import * as path from 'path';
import { specFiles } from '../support/specs';

// A spec file runs only through its folder's all.test.ts (jest matches *.test.ts alone): one
// missing would leave its tests silently unrun.
const TEST_ROOT = path.join(__dirname, '..');

function folders(dir: string): string[] {
  return [dir, ...fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'node_modules' && e.name !== '__snapshots__')
    .flatMap((e) => folders(path.join(dir, e.name)))];
}

describe('spec files', () => {
  const withSpecs = folders(TEST_ROOT).filter((dir) => specFiles(dir).length > 0);

  test('every folder holding spec files runs them from its all.test.ts', () => {
    expect(withSpecs.length).toBeGreaterThan(5);
    for (const dir of withSpecs) {
      const entry = path.join(dir, 'all.test.ts');
      const text = fs.existsSync(entry) ? fs.readFileSync(entry, 'utf8') : '(missing)';
      expect([path.relative(TEST_ROOT, entry), /^runSpecs\(__dirname\);$/m.test(text)]).toEqual([path.relative(TEST_ROOT, entry), true]);
    }
  });

  test('specFiles lists a folder\'s *.spec.ts files only, in name order', () => {
    const names = specFiles(__dirname);
    expect(names).toContain('specs.spec.ts');
    expect(names).toEqual([...names].sort());
    expect(names.every((n) => n.endsWith('.spec.ts'))).toBe(true);
    expect(names).not.toContain('all.test.ts');
  });
});
