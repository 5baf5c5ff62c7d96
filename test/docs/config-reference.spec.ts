// docs/configuration.md is generated from tempo-stack.schema.json: it must be current, leave no key
// out, and its links must land on its own headings.
import * as fs from 'fs';
import * as path from 'path';
import { configReference, REFERENCE_FILE, SchemaNode } from '../../scripts/config-reference';

const ROOT = path.join(__dirname, '..', '..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'tempo-stack.schema.json'), 'utf8')) as SchemaNode;
const reference = configReference(schema);

/** The `## ` sections of a Markdown text, by heading. */
const sectionsOf = (text: string): Map<string, string> =>
  new Map(text.split(/^## /m).slice(1).map((s) => [s.slice(0, s.indexOf('\n')), s]));
const keysOf = (section: string): string[] => [...section.matchAll(/^- \*\*`([^`]+)`\*\*/gm)].map((m) => m[1]);
/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string): string => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');

describe('docs/configuration.md', () => {
  test('is what `npm run docs` generates from the committed schema', () => {
    const committed = fs.readFileSync(path.join(ROOT, REFERENCE_FILE), 'utf8');
    if (committed !== reference) throw new Error(`${REFERENCE_FILE} is stale: run npm run docs and commit it`);
  });

  test('has a section for every object definition of the schema, listing each of its keys', () => {
    const sections = sectionsOf(reference);
    const objects = Object.entries(schema.definitions!).filter(([, d]) => d.properties);
    expect(objects.length).toBeGreaterThan(15);
    for (const [name, definition] of objects) {
      expect({ name, keys: keysOf(sections.get(name) ?? '') }).toEqual({ name, keys: Object.keys(definition.properties!) });
    }
  });

  test('every link into the reference lands on one of its headings', () => {
    const anchors = new Set([...reference.matchAll(/^## (.+)$/gm)].map((m) => anchorOf(m[1])));
    const links = [...reference.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(40);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
  });

  test('says where each type is used, which keys are required, their defaults and their allowed values', () => {
    const sections = sectionsOf(reference);
    const environment = sections.get('Environment')!;
    expect(environment).toContain('Used at `environments[]`.');
    expect(environment).toMatch(/^- \*\*`name`\*\* \(string; required\): /m);
    expect(environment).toMatch(/^- \*\*`prometheus`\*\* \(\[StackPrometheusProps\]\(#stackprometheusprops\) or `false`; default \{\} /m);
    expect(sections.get('TempoProps')).toMatch(/^- \*\*`mode`\*\* \(`'single-node'` or `'cluster'` or `'distributed'`; default `'single-node'`\): How Tempo runs\.$/m);
    expect(sections.get('ImageRef')).toContain('`environments[].tempo.image`, `environments[].minio.image`');
    expect(sections.get('TempoStorage')).toContain('- [S3Storage](#s3storage) (`backend: s3`)');
  });
});

describe('the generator', () => {
  const tiny: SchemaNode = {
    $ref: '#/definitions/File',
    definitions: {
      File: { type: 'object', description: 'The file.', required: ['items'], properties: {
        items: { type: 'array', items: { $ref: '#/definitions/Item' }, description: 'Items.' },
        extra: { anyOf: [{ $ref: '#/definitions/Item' }, { type: 'boolean', const: false }], default: '- words' },
      } },
      Item: { type: 'object', description: 'An item.', properties: {
        size: { type: 'number', default: 3, description: 'Held in <unit> units, e.g. `<n>`.' },
        where: { type: 'object', properties: { host: { type: 'string' } }, description: 'Where.' },
        run: { type: 'string', description: 'Run:\n\n```sh a \\   --b ```\n\nDone.' },
      } },
    },
  };
  const text = configReference(tiny);

  test('follows references once, naming every path a type is used at', () => {
    expect(text).toContain('## Item\n\nUsed at `items[]`, `extra`.');
    expect(text.match(/^## Item$/gm)).toHaveLength(1);
  });

  test('gives inline objects their own section, linked from the key', () => {
    expect(text).toContain('- **`where`** ([object](#itemswhere)): Where.');
    expect(text).toContain('## `items[].where`\n\nUsed at `items[].where`.\n\nWhere.\n\n- **`host`** (string)');
  });

  test('escapes tags outside code, keeps values as code and prose defaults as words, and rebuilds a flattened fence', () => {
    expect(text).toContain('- **`size`** (number; default `3`): Held in &lt;unit&gt; units, e.g. `<n>`.');
    expect(text).toContain('- **`extra`** ([Item](#item) or `false`; default - words)');
    expect(text).toContain('Run:\n\n  ```sh\n  a \\\n    --b\n  ```\n\n  Done.');
  });
});
