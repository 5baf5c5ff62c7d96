import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { ImageRef, imageName } from './images';
import { LabelIdentity, selectorLabels, standardLabels } from './labels';
import { IngressRule, ingressPolicySpec } from './network';
import { contentHash } from './render';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';
import { ContainerResources, dataVolumeClaim, namedServicePort, resourceRequirements } from './workload';

/** The pod-template annotation holding the hash of every config file, so a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'checksum/config';

/** A TCP container port, named: Services, probes and NetworkPolicies refer to it by name. */
export interface WorkloadPort {
  readonly name: string;
  readonly port: number;
  /** The Service port's `appProtocol`, e.g. `grpc`. @default - none */
  readonly appProtocol?: string;
}

/** An HTTP GET probe on a named container port. */
export interface HttpProbe {
  readonly path: string;
  /** A container port name. */
  readonly port: string;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  /** @default - none */
  readonly initialDelaySeconds?: number;
}

/** A Service over the workload's pods. */
export interface WorkloadService {
  /** The Service's name. */
  readonly name: string;
  /** Container port names, in the order the Service lists them. */
  readonly ports: readonly string[];
  /** `clusterIP: None`: DNS records per pod instead of a virtual IP. @default false */
  readonly headless?: boolean;
  /** DNS records for pods before they are ready (gossip, pods that find each other at start-up). @default false */
  readonly publishNotReadyAddresses?: boolean;
}

/**
 * A ConfigMap mounted read-only into the container: its files count in the config hash. `files`
 * may be a function, read when the chart is synthesized (for content added after construction).
 */
export interface WorkloadConfigMap {
  /** The ConfigMap's name. */
  readonly name: string;
  /** The volume's name in the pod. */
  readonly volume: string;
  /** Where it is mounted: a directory, or with `subPath` the path of the one file. */
  readonly mountPath: string;
  /** Mount only this file at `mountPath`. @default - the whole ConfigMap as a directory */
  readonly subPath?: string;
  readonly files: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /**
   * Hash each file's name with its content, in name order: for a ConfigMap whose set of files
   * varies, so moving content between files rolls the pods too. @default - contents only, in order
   */
  readonly hashFileNames?: boolean;
  /**
   * Count the files in the config hash. Off for files the program reloads by itself (Tempo's
   * runtime overrides), so a change does not roll the pods. @default true
   */
  readonly inConfigHash?: boolean;
}

/** A volume other than a config ConfigMap, with its mount in the container. */
export type WorkloadVolume =
  /** Scratch space, gone with the pod. */
  | { readonly kind: 'emptyDir'; readonly name: string; readonly mountPath: string; readonly sizeLimit: string }
  /**
   * A ReadWriteOnce PersistentVolumeClaim: a volumeClaimTemplate (one per replica) in a
   * StatefulSet, a PersistentVolumeClaim `<workload>-<name>` in a Deployment.
   */
  | { readonly kind: 'claim'; readonly name: string; readonly mountPath: string; readonly size: string; readonly storageClassName?: string }
  /**
   * A ConfigMap made elsewhere (shared by several workloads), read-only, left out of the config
   * hash: for files the program reloads by itself (Tempo's runtime overrides), so a change does not roll the pods.
   */
  | { readonly kind: 'configMap'; readonly name: string; readonly mountPath: string; readonly configMapName: string }
  /** Keys of a user-created Secret, read-only. */
  | {
    readonly kind: 'secret'; readonly name: string; readonly mountPath: string; readonly secretName: string;
    /** @default - every key, as a file of its name */
    readonly items?: readonly { readonly key: string; readonly path: string }[];
    /** @default - Kubernetes' 0644 */
    readonly defaultMode?: number;
  };

/** A container run to completion before the main one, with the main container's image, resources and security context. */
export interface WorkloadInitContainer {
  readonly name: string;
  readonly command: readonly string[];
  /** Names of volumes (of `volumes`) mounted at their mount paths. */
  readonly volumes: readonly string[];
}

/** A Role in some namespace, bound to the workload's ServiceAccount (the token must be mounted to use it). */
export interface WorkloadRole {
  readonly namespace: string;
  readonly rules: readonly k8s.PolicyRule[];
}

/**
 * Everything a RestrictedWorkload creates, as data: built by a component's pure function from its
 * settings, so it can be tested without constructs.
 */
export interface WorkloadSpec {
  /** The name of the workload, its ServiceAccount, NetworkPolicy and PodDisruptionBudget. */
  readonly name: string;
  readonly namespace: string;
  /** Who the workload is: the selector labels and the recommended labels derive from it. */
  readonly identity: LabelIdentity;
  readonly kind: 'StatefulSet' | 'Deployment';
  readonly replicas: number;
  /** Extra labels on the pods only (never on the selector). @default - none */
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly serviceAccount?: {
    /** Mount the API token: only for a workload that talks to the Kubernetes API. @default false */
    readonly automountToken?: boolean;
    /** e.g. `eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`, `azure.workload.identity/client-id`. @default - none */
    readonly annotations?: Readonly<Record<string, string>>;
    /** @default - none */
    readonly roles?: readonly WorkloadRole[];
  };
  /** The numeric UID (and GID) the container runs as, for runAsNonRoot; fsGroup is the same GID. */
  readonly uid: number;
  readonly container: {
    readonly name: string;
    readonly image: ImageRef;
    /** @default - the image's entrypoint */
    readonly command?: readonly string[];
    /** @default - none */
    readonly args?: readonly string[];
    /** @default - none */
    readonly env?: readonly k8s.EnvVar[];
    readonly ports: readonly WorkloadPort[];
    readonly resources: ContainerResources;
    /** `startup` holds off liveness until the program first answered (WAL replay, migrations). */
    readonly probes: { readonly startup?: HttpProbe; readonly readiness: HttpProbe; readonly liveness: HttpProbe };
  };
  /** @default - none */
  readonly initContainers?: readonly WorkloadInitContainer[];
  /** Mounted first, in order. @default - none */
  readonly configMaps?: readonly WorkloadConfigMap[];
  /** Mounted after the ConfigMaps, in order. @default - none */
  readonly volumes?: readonly WorkloadVolume[];
  /** Services in the order they are created. A StatefulSet needs a headless one to govern it. @default - none */
  readonly services?: readonly WorkloadService[];
  /** The StatefulSet's governing Service. @default - the first headless Service */
  readonly governingService?: string;
  /** StatefulSet only. @default - Kubernetes' OrderedReady (the field is left out) */
  readonly podManagementPolicy?: 'Parallel' | 'OrderedReady';
  /** Ingress rules of the pods' NetworkPolicy. @default - no NetworkPolicy */
  readonly networkPolicy?: readonly IngressRule[];
  /** A PodDisruptionBudget allowing this many pods down at once. @default - none */
  readonly maxUnavailable?: number;
  /** Prefer replicas on different nodes and zones (never required, so one node still schedules all). @default false */
  readonly spread?: boolean;
  /** @default - Kubernetes' 30 */
  readonly terminationGracePeriodSeconds?: number;
}

/** Objects a component adds among the workload's own, where they belong in the output. */
export interface RestrictedWorkloadHooks {
  /**
   * Creates objects that route to the Services (an Ingress, an HTTPRoute and its Certificate), with
   * the workload as their scope, right after the Services: the output keeps a route beside what it
   * routes to. The workload's labels, pod selector and Services are set by then.
   */
  readonly afterServices?: (workload: RestrictedWorkload) => void;
}

/**
 * One workload under the "restricted" Pod Security Standard, with what it needs around it.
 *
 * Creates, in this order: a ServiceAccount `<name>` (token not mounted unless asked), a Role and
 * its RoleBinding `<name>` per `roles` namespace, one ConfigMap per `configMaps`, the `services` (and
 * what `hooks.afterServices` adds), a PodDisruptionBudget `<name>` (with `maxUnavailable`), a NetworkPolicy `<name>` (with
 * `networkPolicy`), a PersistentVolumeClaim `<name>-<volume>` per claim of a Deployment, and the
 * StatefulSet or Deployment `<name>`. Names and selector labels are explicit, never derived from
 * the construct path. The pod runs as a numeric non-root UID with fsGroup, RuntimeDefault seccomp,
 * every capability dropped, no privilege escalation and a read-only root filesystem; the image is
 * pinned and pulled IfNotPresent; the pod template carries a hash of every config file
 * (`checksum/config`). Every object is on a readonly field for `addJsonPatch`.
 */
export class RestrictedWorkload extends Construct {
  /** The spec, as given. */
  public readonly spec: WorkloadSpec;
  /** Labels that select the pods: the selector of the workload, its Services and NetworkPolicy. */
  public readonly podSelector: Record<string, string>;
  /** The recommended labels every object carries. */
  public readonly labels: Record<string, string>;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** One per `roles` entry, in order. */
  public readonly roles: readonly k8s.KubeRole[];
  public readonly roleBindings: readonly k8s.KubeRoleBinding[];
  /** By Service name. */
  public readonly services: Readonly<Record<string, k8s.KubeService>>;
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;
  /** A Deployment's claims, by volume name (a StatefulSet's are volumeClaimTemplates). */
  public readonly persistentVolumeClaims: Readonly<Record<string, k8s.KubePersistentVolumeClaim>>;
  /** The workload, for `addJsonPatch`: the StatefulSet or the Deployment. */
  public readonly apiObject: ApiObject;
  public readonly statefulSet?: k8s.KubeStatefulSet;
  public readonly deployment?: k8s.KubeDeployment;

  private readonly mountedConfigMaps: Array<{ spec: WorkloadConfigMap; object: k8s.KubeConfigMap }> = [];

  constructor(scope: Construct, id: string, spec: WorkloadSpec, hooks: RestrictedWorkloadHooks = {}) {
    super(scope, id);
    this.spec = spec;
    checkSpec(spec);
    this.podSelector = selectorLabels(spec.identity);
    this.labels = standardLabels(spec.identity);
    const sa = spec.serviceAccount ?? {};

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: this.metadata(spec.name, spec.namespace, sa.annotations),
      // The pod opts in on its own spec; other pods using this account never get the token.
      automountServiceAccountToken: false,
    });
    // Each Role followed by its binding.
    const rbac = (sa.roles ?? []).map((r) => {
      const role = new k8s.KubeRole(this, `Role-${r.namespace}`, { metadata: this.metadata(spec.name, r.namespace), rules: [...r.rules] });
      const binding = new k8s.KubeRoleBinding(this, `RoleBinding-${r.namespace}`, {
        metadata: this.metadata(spec.name, r.namespace),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: spec.namespace }],
      });
      return { role, binding };
    });
    this.roles = rbac.map((r) => r.role);
    this.roleBindings = rbac.map((r) => r.binding);

    for (const configMap of spec.configMaps ?? []) this.addConfigMap(configMap);

    const ports = new Map(spec.container.ports.map((p) => [p.name, p]));
    const services: Record<string, k8s.KubeService> = {};
    for (const svc of spec.services ?? []) {
      const servicePorts = svc.ports.map((name) => namedServicePort(name, ports.get(name)!.port, ports.get(name)!.appProtocol));
      services[svc.name] = new k8s.KubeService(this, `Service-${svc.name}`, {
        metadata: this.metadata(svc.name),
        spec: {
          ...(svc.headless ? { clusterIp: 'None' } : { type: 'ClusterIP' }),
          ...(svc.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
          selector: this.podSelector,
          ports: servicePorts,
        },
      });
    }
    this.services = services;
    hooks.afterServices?.(this);

    if (spec.maxUnavailable !== undefined) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: this.metadata(spec.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(spec.maxUnavailable), selector: { matchLabels: this.podSelector } },
      });
    }
    if (spec.networkPolicy) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: this.metadata(spec.name),
        spec: ingressPolicySpec(this.podSelector, spec.networkPolicy),
      });
    }

    const claims = (spec.volumes ?? []).filter((v) => v.kind === 'claim');
    const pvcs: Record<string, k8s.KubePersistentVolumeClaim> = {};
    if (spec.kind === 'Deployment') {
      for (const claim of claims) {
        pvcs[claim.name] = new k8s.KubePersistentVolumeClaim(this, `Claim-${claim.name}`, {
          metadata: this.metadata(`${spec.name}-${claim.name}`),
          spec: dataVolumeClaim({}, claim.size, claim.storageClassName).spec,
        });
      }
    }
    this.persistentVolumeClaims = pvcs;

    const template = { metadata: this.templateMetadata(), spec: this.podSpec(pvcs) };
    if (spec.kind === 'StatefulSet') {
      this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
        metadata: this.metadata(spec.name),
        spec: {
          replicas: spec.replicas,
          serviceName: spec.governingService ?? spec.services!.find((s) => s.headless)!.name,
          selector: { matchLabels: this.podSelector },
          ...(spec.podManagementPolicy ? { podManagementPolicy: spec.podManagementPolicy } : {}),
          updateStrategy: { type: 'RollingUpdate' },
          template,
          ...(claims.length > 0 ? { volumeClaimTemplates: claims.map((c) => volumeClaimTemplate(c, this.podSelector)) } : {}),
        },
      });
      this.apiObject = this.statefulSet;
    } else {
      this.deployment = new k8s.KubeDeployment(this, 'Resource', {
        metadata: this.metadata(spec.name),
        spec: {
          replicas: spec.replicas,
          selector: { matchLabels: this.podSelector },
          // A ReadWriteOnce volume attaches to one node: the old pod must let go before the new one starts.
          strategy: { type: claims.length > 0 ? 'Recreate' : 'RollingUpdate' },
          template,
        },
      });
      this.apiObject = this.deployment;
    }
  }

  /** The config ConfigMaps, in mount order (those of the spec, then the added ones). */
  public get configMaps(): readonly k8s.KubeConfigMap[] {
    return this.mountedConfigMaps.map((c) => c.object);
  }

  /**
   * Adds a config ConfigMap after construction: created now, mounted after the others, counted in
   * the config hash. Throws when its name or volume is taken.
   */
  public addConfigMap(configMap: WorkloadConfigMap): k8s.KubeConfigMap {
    const taken = [...this.mountedConfigMaps.map((c) => c.spec), ...(this.spec.volumes ?? [])];
    if (taken.some((c) => c.name === configMap.name || ('volume' in c ? c.volume : c.name) === configMap.volume)) {
      throw new Error(`${this.spec.name}: ConfigMap '${configMap.name}' (volume '${configMap.volume}') is already mounted`);
    }
    const files = configMap.files;
    const object = new k8s.KubeConfigMap(this, `ConfigMap-${configMap.name}`, {
      metadata: this.metadata(configMap.name),
      data: typeof files === 'function' ? Lazy.any({ produce: () => ({ ...files() }) }) : { ...files },
    });
    this.mountedConfigMaps.push({ spec: configMap, object });
    return object;
  }

  /** sha256 over every config file, in mount order; what `checksum/config` holds. */
  public get configHash(): string {
    return contentHash(...this.mountedConfigMaps.filter(({ spec }) => spec.inConfigHash ?? true).flatMap(({ spec }) => {
      const files = typeof spec.files === 'function' ? spec.files() : spec.files;
      return spec.hashFileNames ? Object.keys(files).sort().flatMap((name) => [name, files[name]]) : Object.values(files);
    }));
  }

  private metadata(name: string, namespace = this.spec.namespace, annotations?: Readonly<Record<string, string>>): k8s.ObjectMeta {
    const annotated = annotations !== undefined && Object.keys(annotations).length > 0;
    return { name, namespace, labels: this.labels, ...(annotated ? { annotations: { ...annotations } } : {}) };
  }

  private templateMetadata(): k8s.ObjectMeta {
    const labels = { ...this.labels, ...this.spec.podLabels };
    return {
      labels,
      // Resolved at synth, so ConfigMaps added (or files that change) after construction count.
      annotations: Lazy.any({
        produce: () => (this.mountedConfigMaps.some(({ spec: c }) => c.inConfigHash ?? true)
          ? { [CONFIG_HASH_ANNOTATION]: this.configHash }
          : undefined),
      }) as unknown as Record<string, string>,
    };
  }

  private podSpec(pvcs: Record<string, k8s.KubePersistentVolumeClaim>): k8s.PodSpec {
    const spec = this.spec;
    const c = spec.container;
    const volumes = spec.volumes ?? [];
    const mount = (v: WorkloadVolume): k8s.VolumeMount => ({
      name: v.name, mountPath: v.mountPath, ...(v.kind === 'secret' || v.kind === 'configMap' ? { readOnly: true } : {}),
    });
    const probe = (p: HttpProbe): k8s.Probe => ({
      httpGet: { path: p.path, port: k8s.IntOrString.fromString(p.port) },
      ...(p.initialDelaySeconds !== undefined ? { initialDelaySeconds: p.initialDelaySeconds } : {}),
      periodSeconds: p.periodSeconds,
      timeoutSeconds: p.timeoutSeconds,
      failureThreshold: p.failureThreshold,
    });
    const resources = resourceRequirements(c.resources);
    const container: k8s.Container = {
      name: c.name,
      image: imageName(c.image),
      imagePullPolicy: 'IfNotPresent',
      ...(c.command ? { command: [...c.command] } : {}),
      ...(c.args ? { args: [...c.args] } : {}),
      ...(c.env && c.env.length > 0 ? { env: [...c.env] } : {}),
      ports: c.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
      resources,
      ...(c.probes.startup ? { startupProbe: probe(c.probes.startup) } : {}),
      readinessProbe: probe(c.probes.readiness),
      livenessProbe: probe(c.probes.liveness),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: Lazy.any({
        produce: (): k8s.VolumeMount[] => [
          ...this.mountedConfigMaps.map(({ spec: m }) => ({
            name: m.volume, mountPath: m.mountPath, ...(m.subPath ? { subPath: m.subPath } : {}), readOnly: true,
          })),
          ...volumes.map(mount),
        ],
      }) as unknown as k8s.VolumeMount[],
    };
    const initContainers = (spec.initContainers ?? []).map((init): k8s.Container => ({
      name: init.name,
      image: imageName(c.image),
      imagePullPolicy: 'IfNotPresent',
      command: [...init.command],
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: init.volumes.map((name) => mount(volumes.find((v) => v.name === name)!)),
    }));
    const podVolume = (v: WorkloadVolume): k8s.Volume | undefined => {
      switch (v.kind) {
        case 'emptyDir': return { name: v.name, emptyDir: { sizeLimit: k8s.Quantity.fromString(v.sizeLimit) } };
        case 'secret': return {
          name: v.name,
          secret: {
            secretName: v.secretName,
            ...(v.items ? { items: v.items.map((i) => ({ ...i })) } : {}),
            ...(v.defaultMode !== undefined ? { defaultMode: v.defaultMode } : {}),
          },
        };
        case 'claim': return pvcs[v.name] ? { name: v.name, persistentVolumeClaim: { claimName: pvcs[v.name].name } } : undefined;
        case 'configMap': return { name: v.name, configMap: { name: v.configMapName } };
      }
    };
    return {
      serviceAccountName: this.serviceAccount.name,
      automountServiceAccountToken: spec.serviceAccount?.automountToken ?? false,
      securityContext: restrictedPodSecurityContext(spec.uid, spec.uid),
      ...(spec.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds } : {}),
      enableServiceLinks: false,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers: [container],
      volumes: Lazy.any({
        produce: (): k8s.Volume[] => [
          ...this.mountedConfigMaps.map(({ spec: m, object }) => ({ name: m.volume, configMap: { name: object.name } })),
          ...volumes.map(podVolume).filter((v): v is k8s.Volume => v !== undefined),
        ],
      }) as unknown as k8s.Volume[],
      ...(spec.spread ? spreadReplicas(this.podSelector) : {}),
    };
  }
}

/**
 * Checks what a spec builder could get wrong (never a user value: settings check those): every
 * Service and probe port is a container port, names are unique, a StatefulSet has a governing
 * headless Service, extra pod labels leave the selector alone. Throws a plain Error.
 */
export function checkSpec(spec: WorkloadSpec): void {
  const problem = (text: string): never => { throw new Error(`${spec.name}: workload spec: ${text}`); };
  const ports = spec.container.ports.map((p) => p.name);
  const duplicate = <T>(items: readonly T[]) => items.find((x, i) => items.indexOf(x) !== i);
  if (duplicate(ports) !== undefined) problem(`container port '${duplicate(ports)}' is declared twice`);
  for (const svc of spec.services ?? []) {
    for (const port of svc.ports.filter((p) => !ports.includes(p))) {
      problem(`Service '${svc.name}' names port '${port}', not a container port (${ports.join(', ')})`);
    }
    if (svc.ports.length === 0) problem(`Service '${svc.name}' has no ports`);
  }
  const serviceNames = (spec.services ?? []).map((s) => s.name);
  if (duplicate(serviceNames) !== undefined) problem(`Service '${duplicate(serviceNames)}' is declared twice`);
  for (const rule of spec.networkPolicy ?? []) {
    for (const port of rule.ports.filter((p) => !ports.includes(p))) {
      problem(`the NetworkPolicy names port '${port}', not a container port (${ports.join(', ')})`);
    }
  }
  const { startup, readiness, liveness } = spec.container.probes;
  for (const p of [startup, readiness, liveness]) if (p && !ports.includes(p.port)) problem(`a probe names port '${p.port}', not a container port`);
  const volumeNames = [...(spec.configMaps ?? []).map((c) => c.volume), ...(spec.volumes ?? []).map((v) => v.name)];
  if (duplicate(volumeNames) !== undefined) problem(`volume '${duplicate(volumeNames)}' is declared twice`);
  for (const init of spec.initContainers ?? []) {
    const unknown = init.volumes.find((v) => !(spec.volumes ?? []).some((x) => x.name === v));
    if (unknown !== undefined) problem(`init container '${init.name}' mounts '${unknown}', not a volume`);
  }
  if (spec.kind === 'StatefulSet') {
    const governing = spec.governingService ?? spec.services?.find((s) => s.headless)?.name;
    if (!(spec.services ?? []).some((s) => s.name === governing && s.headless)) problem('a StatefulSet needs a headless governing Service');
  } else if (spec.podManagementPolicy || spec.governingService) {
    problem('podManagementPolicy and governingService are for StatefulSets');
  }
  const selector = selectorLabels(spec.identity);
  for (const key of Object.keys(spec.podLabels ?? {})) if (key in selector) problem(`podLabels must not set the selector label '${key}'`);
}

/** A StatefulSet's claim per replica, labelled with the selector labels (what the claim belongs to). */
function volumeClaimTemplate(claim: Extract<WorkloadVolume, { kind: 'claim' }>, labels: Record<string, string>): k8s.KubePersistentVolumeClaimProps {
  return { ...dataVolumeClaim(labels, claim.size, claim.storageClassName), metadata: { name: claim.name, labels } };
}

/**
 * Replicas on different nodes and zones when the cluster allows it. Preferred, not required, so
 * a one-node test cluster still schedules all of them.
 */
function spreadReplicas(selector: Record<string, string>): Pick<k8s.PodSpec, 'affinity' | 'topologySpreadConstraints'> {
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
        }],
      },
    },
    topologySpreadConstraints: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    })),
  };
}
