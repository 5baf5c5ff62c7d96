/**
 * A small model of Prometheus's target relabeling (the actions this project uses: replace, keep,
 * drop, labeldrop), to run our relabel rules against the targets Kubernetes pod discovery would
 * produce from the pods we synthesize. Regexes are anchored as Prometheus anchors them.
 */
import { RelabelConfig } from '../../charts/prometheus';

export type Labels = Record<string, string>;

/** Applies relabel rules to one target; undefined when it is dropped. Labels starting with `__` are removed at the end, as Prometheus does. */
export function relabel(target: Labels, rules: readonly RelabelConfig[]): Labels | undefined {
  let labels: Labels = { ...target };
  for (const rule of rules) {
    const regex = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`);
    const value = (rule.source_labels ?? []).map((l) => labels[l] ?? '').join(rule.separator ?? ';');
    switch (rule.action ?? 'replace') {
      case 'keep': if (!regex.test(value)) return undefined; break;
      case 'drop': if (regex.test(value)) return undefined; break;
      case 'labeldrop': labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !regex.test(k))); break;
      case 'replace': {
        const match = regex.exec(value);
        if (!match) break;
        const result = (rule.replacement ?? '$1').replace(/\$(\d+)|\$\{(\d+)\}/g, (_m, a, b) => match[Number(a ?? b)] ?? '');
        if (result === '') delete labels[rule.target_label!];
        else labels[rule.target_label!] = result;
        break;
      }
      default: throw new Error(`relabel model: action ${rule.action} not modelled`);
    }
  }
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('__')));
}

/** The targets Kubernetes pod discovery produces for one pod: one per container port, with the `__meta_kubernetes_*` labels. */
export function discoverPod(pod: { name: string; namespace: string; labels: Labels; containers: Array<{ name: string; ports?: Array<{
  name?: string; containerPort: number }> }> }, ip = '10.0.0.1'): Labels[] {
  const base: Labels = { __meta_kubernetes_namespace: pod.namespace, __meta_kubernetes_pod_name: pod.name };
  for (const [k, v] of Object.entries(pod.labels)) base[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`] = v;
  return pod.containers.flatMap((c) => (c.ports ?? []).map((p) => ({
    ...base,
    __address__: `${ip}:${p.containerPort}`,
    __meta_kubernetes_pod_container_name: c.name,
    __meta_kubernetes_pod_container_port_name: p.name ?? '',
    __meta_kubernetes_pod_container_port_number: String(p.containerPort),
  })));
}
