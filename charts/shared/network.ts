import * as k8s from '../../imports/k8s';
import { fail } from './validate';
import { namedPolicyPorts } from './workload';

/**
 * Pods that may connect, by their labels: another component of the stack, say. In the policy's own
 * namespace unless `namespaces` says otherwise.
 */
export interface NetworkPeer {
  /** Labels that select the pods (a component's `podSelector`); `{}` selects every pod. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The namespaces those pods run in. @default - the namespace of the pods the policy protects */
  readonly namespaces?: NamespaceSelection;
}

/**
 * Which namespaces may connect: `'all'` (every namespace, the default for traffic from
 * applications or an ingress controller), or a list of namespace names.
 */
export type NamespaceSelection = 'all' | readonly string[];

/** One rule of an ingress policy: these named container ports, from these sources. */
export interface IngressRule {
  readonly ports: readonly string[];
  /** Pods, in the policy's own namespace unless a peer names others. */
  readonly peers?: readonly NetworkPeer[];
  /** Whole namespaces. */
  readonly namespaces?: NamespaceSelection;
}

/** A namespaceSelector for a NamespaceSelection (`{}` selects every namespace). */
function namespaceSelector(namespaces: NamespaceSelection): k8s.LabelSelector {
  // kubernetes.io/metadata.name is set by the API server on every namespace (1.22+).
  return namespaces === 'all' ? {} : { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...namespaces] }] };
}

/** The `from` entries of a NetworkPolicy rule. */
function sources(rule: IngressRule): k8s.NetworkPolicyPeer[] {
  const from: k8s.NetworkPolicyPeer[] = (rule.peers ?? []).map((p) => ({
    podSelector: { matchLabels: { ...p.podSelector } },
    ...(p.namespaces !== undefined ? { namespaceSelector: namespaceSelector(p.namespaces) } : {}),
  }));
  if (rule.namespaces !== undefined && (rule.namespaces === 'all' || rule.namespaces.length > 0)) {
    from.push({ namespaceSelector: namespaceSelector(rule.namespaces) });
  }
  return from;
}

/**
 * The spec of an ingress-only NetworkPolicy for the pods `podSelector` selects: each rule admits
 * its ports from its sources; everything else is refused. A rule with no source admits nobody
 * and is left out. (`kubectl port-forward` goes through the kubelet, not the pod network, so it
 * keeps working; so do the kubelet's probes.)
 */
export function ingressPolicySpec(podSelector: Readonly<Record<string, string>>, rules: readonly IngressRule[]): k8s.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: { ...podSelector } },
    policyTypes: ['Ingress'],
    ingress: rules
      .map((rule) => ({ ports: namedPolicyPorts(rule.ports), from: sources(rule) }))
      .filter((rule) => rule.from.length > 0),
  };
}

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a NamespaceSelection prop: 'all' or a list of DNS-label names. */
export function isNamespaceSelection(value: unknown): value is NamespaceSelection {
  return value === 'all' || (Array.isArray(value) && value.every((v) => typeof v === 'string' && NAMESPACE_NAME.test(v) && v.length <= 63));
}

/**
 * Validates a NamespaceSelection prop and returns it: `'all'`, or a non-empty list of distinct
 * namespace names (an empty list would admit nobody; `networkPolicy: false` is the way to drop a
 * policy, a list is the way to narrow one).
 */
export function checkNamespaceSelection(component: string, prop: string, value: unknown): NamespaceSelection {
  if (!isNamespaceSelection(value)) {
    fail(component, prop, 'must be \'all\' or a list of namespace names (lower-case letters, digits and \'-\', at most 63 characters)', value,
      'write \'all\', or list the namespaces, e.g. [\'ingress-nginx\']');
  }
  if (value !== 'all') {
    if (value.length === 0) {
      fail(component, prop, 'must name at least one namespace', value,
        'write \'all\' to admit every namespace, or list the namespaces that may connect');
    }
    const duplicate = value.find((v, i) => value.indexOf(v) !== i);
    if (duplicate !== undefined) fail(component, prop, `must not list a namespace twice ('${duplicate}')`, value, 'list each namespace once');
  }
  return value;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Validates a list of NetworkPeer props: label selectors Kubernetes accepts, and namespace selections. */
export function checkNetworkPeers(component: string, prop: string, peers: unknown): readonly NetworkPeer[] {
  if (!Array.isArray(peers)) {
    fail(component, prop, 'must be a list of peers', peers, 'write e.g. [{ podSelector: { \'app.kubernetes.io/name\': \'grafana\' } }]');
  }
  peers.forEach((peer: NetworkPeer, i) => {
    const selector = peer?.podSelector as unknown;
    if (selector === null || typeof selector !== 'object' || Array.isArray(selector)
      || Object.entries(selector).some(([k, v]) => !LABEL_KEY.test(k) || typeof v !== 'string' || !LABEL_VALUE.test(v))) {
      fail(component, `${prop}[${i}].podSelector`, 'must map label names to label values', selector,
        'write the labels of the pods that may connect, e.g. { \'app.kubernetes.io/name\': \'grafana\' }');
    }
    if (peer.namespaces !== undefined) checkNamespaceSelection(component, `${prop}[${i}].namespaces`, peer.namespaces);
  });
  return peers;
}
