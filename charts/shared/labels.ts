import { fail } from './validate';

/** The value of `app.kubernetes.io/part-of` on every object this project creates. */
export const PART_OF = 'tempo-stack';

/** The label keys selectors use. Selectors are immutable on StatefulSets, so they never carry a version. */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Identifies one component of one stack. */
export interface LabelIdentity {
  /** The application, e.g. `tempo`. */
  readonly name: string;
  /** The instance, unique within a namespace, e.g. the object name `tempo`. */
  readonly instance: string;
  /** The role inside the application, e.g. `tracing-backend`. */
  readonly component?: string;
  /** The application version, e.g. the image tag. */
  readonly version?: string;
}

/** The labels a selector matches: stable for the lifetime of the workload. */
export function selectorLabels(id: LabelIdentity): Record<string, string> {
  return { [NAME_LABEL]: id.name, [INSTANCE_LABEL]: id.instance };
}

/** The recommended Kubernetes labels, for metadata and pod templates. */
export function standardLabels(id: LabelIdentity): Record<string, string> {
  const labels: Record<string, string> = selectorLabels(id);
  if (id.component) labels[COMPONENT_LABEL] = id.component;
  // Image tags may be up to 128 characters; a label value only 63 (and must end alphanumeric).
  if (id.version && LABEL_VALUE.test(id.version)) labels['app.kubernetes.io/version'] = id.version;
  labels['app.kubernetes.io/part-of'] = PART_OF;
  labels['app.kubernetes.io/managed-by'] = 'cdk8s';
  return labels;
}

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const OPTIONAL_LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const keyFix = (example: string) => `use an optional DNS-subdomain prefix and a name of at most 63 letters, digits, '-', '_' or '.', e.g. `
  + `'${example}'`;

type StringMap = Readonly<Record<string, string>>;

function checkMapping(component: string, prop: string, value: unknown, example: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(component, prop, 'must be a mapping (key: value)', value, `write e.g. ${example}`);
  }
}

function checkKey(component: string, prop: string, key: string, what: string, example: string): void {
  if (!QUALIFIED_NAME.test(key) || key.length > 316) fail(component, `${prop}.${key}`, `is not a valid ${what} key`, key, keyFix(example));
}

/**
 * Checks extra labels a user adds (to every object, or to pods): valid Kubernetes label keys and
 * values, none of the recommended `app.kubernetes.io/*` ones (selectors and tools rely on those).
 */
export function checkExtraLabels(component: string, prop: string, labels: StringMap | undefined): Record<string, string> | undefined {
  if (labels === undefined) return undefined;
  checkMapping(component, prop, labels, '{ \'acme.com/team\': \'platform\' }');
  for (const [key, value] of Object.entries(labels)) {
    checkKey(component, prop, key, 'label', 'acme.com/team');
    if (key.startsWith('app.kubernetes.io/')) {
      fail(component, `${prop}.${key}`, 'would replace a label the stack sets itself (selectors and tools rely on them)', value,
        'use a key of your own, e.g. \'acme.com/team\'');
    }
    if (typeof value !== 'string' || !OPTIONAL_LABEL_VALUE.test(value)) {
      fail(component, `${prop}.${key}`, 'must be a label value (at most 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending alphanumeric)',
        value, 'shorten or simplify the value');
    }
  }
  return { ...labels };
}

/** Checks annotations a user adds: valid Kubernetes annotation keys, string values. */
export function checkAnnotations(component: string, prop: string, annotations: StringMap | undefined): Record<string, string> | undefined {
  if (annotations === undefined) return undefined;
  checkMapping(component, prop, annotations, '{ \'eks.amazonaws.com/role-arn\': \'arn:aws:iam::111122223333:role/tempo\' }');
  for (const [key, value] of Object.entries(annotations)) {
    checkKey(component, prop, key, 'annotation', 'eks.amazonaws.com/role-arn');
    if (typeof value !== 'string') fail(component, `${prop}.${key}`, 'must be a string', value, 'quote the value, e.g. \'true\'');
  }
  return { ...annotations };
}
