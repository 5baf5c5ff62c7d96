import * as k8s from '../../imports/k8s';
import { namedPolicyPorts } from './workload';

/** Pods of the same namespace, by their labels: another component of the stack, say. */
export interface NetworkPeer {
  /** Labels that select the pods (a component's `podSelector`). */
  readonly podSelector: Readonly<Record<string, string>>;
}

/**
 * Which namespaces may connect: `'all'` (every namespace, the default for traffic from
 * applications or an ingress controller), or a list of namespace names.
 */
export type NamespaceSelection = 'all' | readonly string[];

/** One rule of an ingress policy: these named container ports, from these sources. */
export interface IngressRule {
  readonly ports: readonly string[];
  /** Pods of the policy's own namespace. */
  readonly peers?: readonly NetworkPeer[];
  /** Whole namespaces. */
  readonly namespaces?: NamespaceSelection;
}

/** The `from` entries of a NetworkPolicy rule. */
function sources(rule: IngressRule): k8s.NetworkPolicyPeer[] {
  const from: k8s.NetworkPolicyPeer[] = (rule.peers ?? []).map((p) => ({ podSelector: { matchLabels: { ...p.podSelector } } }));
  if (rule.namespaces === 'all') from.push({ namespaceSelector: {} });
  else if (rule.namespaces && rule.namespaces.length > 0) {
    // kubernetes.io/metadata.name is set by the API server on every namespace (1.22+).
    from.push({ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...rule.namespaces] }] } });
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

/** Checks a NamespaceSelection prop: 'all' or a list of DNS-label names. */
export function isNamespaceSelection(value: unknown): value is NamespaceSelection {
  return value === 'all' || (Array.isArray(value) && value.every((v) => typeof v === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) && v.length <= 63));
}
