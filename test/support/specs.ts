import * as fs from 'fs';
import * as path from 'path';

/** The spec files of a folder (not its subfolders), in name order. */
export function specFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.spec.ts')).sort();
}

/**
 * Runs every `*.spec.ts` file of a folder inside the calling jest file, each in a describe block
 * named after the file. A folder's `all.test.ts` is this one call: `runSpecs(__dirname)`.
 *
 * Why not one jest file per spec: jest gives every test file a fresh module registry, in which V8
 * compiles the library and all it loads once more, about 6 MB of JavaScript (2.7 MB of it
 * cdk8s-plus-28's Kubernetes types): ~0.3 s of CPU per file on the 2-core machine, a fifth of the
 * suite with 60 files. The specs of a folder share one registry, as the tests of one file do; each
 * spec's hooks stay inside its own describe block. Suites that run daemons (Alertmanager's live and
 * mesh tests, nginx) and the ones with snapshots or installs stay jest files of their own.
 */
export function runSpecs(dir: string): void {
  for (const file of specFiles(dir)) {
    describe(file, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a spec is loaded for the describe and test calls it makes
      require(path.join(dir, file));
    });
  }
}
