/**
 * Validates custom resources (Prometheus Operator `PodMonitor`/`PrometheusRule`, Argo CD
 * `Application`, ...) against the `openAPIV3Schema` of their CustomResourceDefinition, strict about
 * unknown fields the way the API server's strict field validation is: an object schema that lists
 * `properties` rejects any other key, unless it is marked `x-kubernetes-preserve-unknown-fields`.
 *
 * Why: cdk8s's imported CRD types catch typos in TypeScript, but a relabeling built from plain data
 * (or a JSON patch) can still carry a misspelt field, which the API server would drop or refuse.
 *
 * The CRDs are the files in `test/fixtures/crds/` (copied from the upstream projects, so the tests
 * need nothing outside the repository); drop another CRD file there to cover its kinds.
 */
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { describeErrors, makeStrict } from './k8s-schema';

const CRD_DIR = path.join(__dirname, '..', 'fixtures', 'crds');

interface CrdVersion { name: string; schema?: { openAPIV3Schema?: unknown } }
interface Crd { kind: string; spec: { group: string; names: { kind: string }; versions: CrdVersion[] } }

interface Loaded {
  ajv: Ajv;
  /** `group/version/kind` -> the version's openAPIV3Schema, made strict. */
  schemas: Map<string, object>;
  /** Compiled on first use: a large CRD (Argo CD's Application) costs only the tests that need it. */
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

/**
 * CRD patterns are Go RE2, which the API server evaluates; JavaScript lacks RE2's inline
 * case-insensitive flag `(?i)` (e.g. the PrometheusRule's `partial_response_strategy`), so it
 * becomes the `i` flag.
 */
function re2(pattern: string, flags: string): RegExp {
  const insensitive = pattern.includes('(?i)');
  return new RegExp(pattern.split('(?i)').join(''), insensitive ? `${flags}i` : flags);
}
re2.code = 'new RegExp';

/** The schema of every `group/version/kind` of every CRD in the fixtures folder. */
function load(): Loaded {
  if (loaded) return loaded;
  // CRD schemas use vendor keywords (x-kubernetes-*) and formats ajv does not know.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, code: { regExp: re2 } });
  const schemas = new Map<string, object>();
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of yaml.loadAll(fs.readFileSync(path.join(CRD_DIR, file), 'utf8')) as Crd[]) {
      if (doc?.kind !== 'CustomResourceDefinition') continue;
      for (const version of doc.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (!schema) throw new Error(`${file}: ${doc.spec.names.kind} ${version.name} has no openAPIV3Schema`);
        makeStrict(schema);
        schemas.set(`${doc.spec.group}/${version.name}/${doc.spec.names.kind}`, schema as object);
      }
    }
  }
  loaded = { ajv, schemas, validators: new Map() };
  return loaded;
}

function validatorFor(key: string): ValidateFunction | undefined {
  const l = load();
  let validate = l.validators.get(key);
  const schema = l.schemas.get(key);
  if (!validate && schema) {
    validate = l.ajv.compile(schema);
    l.validators.set(key, validate);
  }
  return validate;
}

/** The `group/version/kind` keys of every CRD the validator knows, e.g. `monitoring.coreos.com/v1/PodMonitor`. */
export function knownCustomResourceKinds(): string[] {
  return [...load().schemas.keys()].sort();
}

/**
 * Validates one custom resource against its CRD's schema, rejecting unknown fields.
 *
 * @returns human-readable errors, e.g. `PodMonitor/tempo: /spec/podMetricsEndpoints/0/relabeling: must NOT have
 *   additional properties (relabeling)`; empty when the object is valid.
 * @throws when no CRD in test/fixtures/crds/ defines the object's apiVersion and kind, so an unvalidated
 *   object never passes silently.
 */
export function validateCustomResource(obj: any): string[] {
  const apiVersion = String(obj?.apiVersion);
  const slash = apiVersion.indexOf('/');
  const key = `${apiVersion.slice(0, slash)}/${apiVersion.slice(slash + 1)}/${String(obj?.kind)}`;
  const validate = slash > 0 ? validatorFor(key) : undefined;
  if (!validate) throw new Error(`${apiVersion} ${String(obj?.kind)} is not defined by any CRD in test/fixtures/crds/`);
  const who = `${obj.kind}/${obj.metadata?.name ?? '<unnamed>'}`;
  const errors: string[] = [];
  if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') errors.push(`${who}: /metadata/name: must be a non-empty string`);
  if (validate(obj)) return errors;
  return errors.concat(describeErrors(obj, validate.errors));
}

/** Validates many custom resources; the errors of all of them, concatenated. */
export function validateCustomResources(objs: any[]): string[] {
  return objs.flatMap((o) => validateCustomResource(o));
}
