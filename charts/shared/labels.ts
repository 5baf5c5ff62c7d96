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
