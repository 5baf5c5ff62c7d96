import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { PART_OF } from './labels';
import { checkDnsLabel, checkLabelValue, fail } from './validate';

/** Props of a NamespaceChart. */
export interface NamespaceChartProps {
  /** The namespace to create. A DNS label. */
  readonly namespace: string;
  /**
   * The stack instance that owns the namespace (`app.kubernetes.io/instance`), e.g. the
   * environment's name: the deploy script refuses to deploy one environment over another's.
   * @default - no instance label
   */
  readonly instance?: string;
  /** Extra labels on the Namespace (the chart's labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A chart with one Namespace that enforces the "restricted" Pod Security Standard, so the API
 * server itself refuses any pod of the stack that would not meet it.
 */
export class NamespaceChart extends Chart {
  public readonly namespaceObject: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { disableResourceNameHashes: true, labels: props.labels ? { ...props.labels } : undefined });
    const name = checkDnsLabel('stack', 'namespace', props.namespace, 63, 'tempo');
    // The stack owns its namespace: it labels it restricted (every other pod there would have to
    // comply) and deploy --clean deletes it, which Kubernetes's own namespaces must never see.
    if (name === 'default' || name.startsWith('kube-')) {
      fail('stack', 'namespace', 'must be a namespace of the stack\'s own, not one Kubernetes creates', name,
        'pick a new namespace such as \'tempo\': the stack creates it, labels it restricted and may delete it');
    }
    if (props.instance !== undefined) checkLabelValue('stack', 'instance', props.instance, 'prod');
    this.namespaceObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          ...(props.instance ? { 'app.kubernetes.io/instance': props.instance } : {}),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
  }
}
