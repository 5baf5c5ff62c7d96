import * as k8s from '../../imports/k8s';
import { SecretKeyRef } from './secrets';
import { checkQuantity, fail } from './validate';

/** CPU and memory for a container, as Kubernetes quantities. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** ContainerResources parsed: cores and bytes. */
export interface ParsedResources {
  readonly requestCpu: number;
  readonly requestMemory: number;
  readonly limitCpu: number;
  readonly limitMemory: number;
}

/** Checks every quantity of a ContainerResources and that no request exceeds its limit. */
export function checkResources(component: string, resources: ContainerResources): ParsedResources {
  const parsed = {
    requestCpu: checkQuantity(component, 'resources.requests.cpu', resources.requests?.cpu, '500m'),
    requestMemory: checkQuantity(component, 'resources.requests.memory', resources.requests?.memory, '512Mi'),
    limitCpu: checkQuantity(component, 'resources.limits.cpu', resources.limits?.cpu, '2'),
    limitMemory: checkQuantity(component, 'resources.limits.memory', resources.limits?.memory, '2Gi'),
  };
  if (parsed.requestCpu > parsed.limitCpu) {
    fail(component, 'resources.requests.cpu', `must not exceed the limit (${resources.limits.cpu})`, resources.requests.cpu,
      'lower the request or raise the limit');
  }
  if (parsed.requestMemory > parsed.limitMemory) {
    fail(component, 'resources.requests.memory', `must not exceed the limit (${resources.limits.memory})`, resources.requests.memory,
      'lower the request or raise the limit');
  }
  return parsed;
}

/** A container's resource requirements from validated ContainerResources. */
export function resourceRequirements(resources: ContainerResources): k8s.ResourceRequirements {
  const quantities = (r: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(r.cpu), memory: k8s.Quantity.fromString(r.memory) });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/** An environment variable read from a user-created Secret. */
export function envFromSecret(name: string, ref: SecretKeyRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** The `data` volumeClaimTemplate of a StatefulSet: one ReadWriteOnce PVC per replica. */
export function dataVolumeClaim(labels: Record<string, string>, storageSize: string, storageClassName?: string): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name: 'data', labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClassName ? { storageClassName } : {}),
      resources: { requests: { storage: k8s.Quantity.fromString(storageSize) } },
    },
  };
}

/** `<service>.<namespace>.svc.cluster.local`: how other pods reach a Service. */
export function serviceFqdn(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** A TCP Service port that targets the container port of the same name. */
export function namedServicePort(name: string, port: number, appProtocol?: string): k8s.ServicePort {
  return { name, port, targetPort: k8s.IntOrString.fromString(name), protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) };
}

/** NetworkPolicy ports for the named TCP container ports. */
export function namedPolicyPorts(names: readonly string[]): k8s.NetworkPolicyPort[] {
  return names.map((name) => ({ port: k8s.IntOrString.fromString(name), protocol: 'TCP' }));
}
