/**
 * Validates synthesized Kubernetes objects against the Kubernetes 1.28 OpenAPI schemas, strict about
 * unknown fields the way `kubeconform -strict` is.
 *
 * Why: the API server silently drops (or, with server-side field validation, rejects) fields it does
 * not know, so a typo such as `securityContext.runAsNonroot` would never show up in a unit test that
 * only inspects the objects we built. Validating against the real schema catches typos, wrong types
 * and missing required fields before anything reaches a cluster.
 *
 * The schema is `test/fixtures/k8s-1.28.0-definitions.json`, the file `cdk8s import k8s@1.28.0` uses
 * (cdk8s-team/cdk8s `kubernetes-schemas/v1.28.0/_definitions.json`); it is kept in the repository so
 * the tests need nothing outside it.
 *
 * Scope: only built-in kinds. Custom resources (Prometheus Operator `ServiceMonitor`/`PodMonitor`/
 * `PrometheusRule`, Argo CD `Application`, ...) are NOT in this schema, so `validateK8sObject` throws
 * for them rather than pretending they are valid; they need validating against their own CRD schemas
 * (separate work). Callers that hold a mixed list must filter CRD objects out deliberately.
 */
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';

const DEFINITIONS_FILE = path.join(__dirname, '..', 'fixtures', 'k8s-1.28.0-definitions.json');
/** `$id` under which all definitions are registered once; the file's own `#/definitions/...` refs resolve against it. */
const SCHEMA_ID = 'k8s';

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface Loaded {
  ajv: Ajv;
  /** "group/version/kind" (group "" for the core API) → definition name. */
  byGvk: Map<string, string>;
  /** One compiled validator per definition name, compiled on first use. */
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

/**
 * Makes every object schema that lists `properties` but says nothing about `additionalProperties`
 * reject unknown keys, as kubeconform's `-strict` does. Schemas without `properties` (RawExtension,
 * FieldsV1, JSON, ...) are deliberately left open: they hold arbitrary data by design, and so does
 * any schema marked `x-kubernetes-preserve-unknown-fields` (CRDs use it). Maps such as `labels`
 * declare `additionalProperties: {type: string}` and have no `properties`, so they stay maps.
 *
 * Walks schema positions only (properties values, items, additionalProperties, *Of), never the keys of
 * a `properties` map themselves, so a field that happens to be named `properties` (JSONSchemaProps)
 * is not mistaken for a schema keyword. Shared with the CRD validator (crd-schema.ts).
 */
export function makeStrict(schema: unknown): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, any>;
  if (s.properties && typeof s.properties === 'object') {
    if (s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) s.additionalProperties = false;
    for (const sub of Object.values(s.properties)) makeStrict(sub);
  }
  if (s.items !== undefined) {
    for (const sub of Array.isArray(s.items) ? s.items : [s.items]) makeStrict(sub);
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') makeStrict(s.additionalProperties);
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (Array.isArray(s[key])) for (const sub of s[key]) makeStrict(sub);
  }
}

function load(): Loaded {
  if (loaded) return loaded;
  // A fresh parse is already a deep copy: the file on disk is never changed.
  const { definitions } = JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')) as {
    definitions: Record<string, any>;
  };
  const byGvk = new Map<string, string>();
  for (const [name, def] of Object.entries(definitions)) {
    makeStrict(def);
    for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as GroupVersionKind[]) {
      byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
  }
  const ajv = new Ajv({
    // The Kubernetes schemas use vendor keywords (x-kubernetes-*) and OpenAPI formats (int32,
    // int-or-string, byte, ...) that ajv's strict mode and format checks would reject or not know.
    strict: false,
    validateFormats: false,
    allErrors: true,
  });
  // Registered once, not compiled: compilation happens per kind on first use and pulls in only the
  // definitions that kind references, which keeps the first validation fast (measured on the 2-core
  // dev machine: ~75-105 ms for parsing the file plus the first ConfigMap, ~110-220 ms more for the
  // first PodSpec-bearing kind, single-digit ms for each further kind, ~2 µs per cached call).
  ajv.addSchema({ $id: SCHEMA_ID, definitions });
  loaded = { ajv, byGvk, validators: new Map() };
  return loaded;
}

/** Splits `apps/v1` into group "apps", version "v1"; the core API (`v1`) has group "". */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function validatorFor(apiVersion: unknown, kind: unknown): ValidateFunction {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw new Error(`object has no string apiVersion/kind (apiVersion=${String(apiVersion)}, kind=${String(kind)})`);
  }
  const l = load();
  const { group, version } = splitApiVersion(apiVersion);
  const name = l.byGvk.get(`${group}/${version}/${kind}`);
  if (!name) {
    throw new Error(
      `${apiVersion} ${kind} is not a Kubernetes 1.28 built-in kind; custom resources (CRDs) are not covered by this validator`,
    );
  }
  let validate = l.validators.get(name);
  if (!validate) {
    validate = l.ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/${name}` });
    l.validators.set(name, validate);
  }
  return validate;
}

/**
 * Validates one Kubernetes object against the 1.28 schema, rejecting unknown fields.
 *
 * @returns human-readable errors, e.g.
 *   `StatefulSet/tempo: /spec/template/spec/containers/0/foo: must NOT have additional properties (foo)`;
 *   empty when the object is valid.
 * @throws if the object's apiVersion/kind is not a built-in kind of Kubernetes 1.28 (custom resources
 *   included), so that an unvalidated object never passes silently.
 */
export function validateK8sObject(obj: any): string[] {
  const validate = validatorFor(obj?.apiVersion, obj?.kind);
  if (validate(obj)) return [];
  return describeErrors(obj, validate.errors);
}

/** ajv's errors for an object as `Kind/name: /path: problem` lines (shared with crd-schema.ts). */
export function describeErrors(obj: any, errors: ValidateFunction['errors']): string[] {
  const who = `${obj.kind}/${obj.metadata?.name ?? '<unnamed>'}`;
  return (errors ?? []).map((e) => {
    let where = e.instancePath;
    let detail = e.message ?? 'invalid';
    if (e.keyword === 'additionalProperties') {
      // ajv points at the parent object; name the offending field itself so the path is the typo's.
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      where += `/${extra}`;
      detail += ` (${extra})`;
    }
    return `${who}: ${where || '/'}: ${detail}`;
  });
}

/** Validates many objects (e.g. the output of `Chart.toJson()`); the errors of all of them, concatenated. */
export function validateK8sObjects(objs: any[]): string[] {
  return objs.flatMap((o) => validateK8sObject(o));
}
