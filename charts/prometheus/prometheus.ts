import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { imageName } from '../shared/images';
import { selectorLabels, standardLabels } from '../shared/labels';
import { contentHash, toYaml } from '../shared/render';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../shared/security';
import { fail } from '../shared/validate';
import { checkNetworkPeers, ingressPolicySpec } from '../shared/network';
import { dataVolumeClaim, namedServicePort, resourceRequirements } from '../shared/workload';
import {
  DEFAULT_PROMETHEUS_NAME, PROMETHEUS_PATHS, PROMETHEUS_PORT, PrometheusConfig, REMOTE_WRITE_FILES, RULE_FILES, ScrapeConfig, buildPrometheusConfig, prometheusUrls,
} from './config';
import { PrometheusProps } from './props';
import { RuleFile, RuleGroup, tempoRuleGroups } from './rules';
import { PrometheusSettings, resolvePrometheusSettings } from './settings';

/**
 * The labels that select the pods of the Prometheus named `name` (what `Prometheus.podSelector`
 * holds), for wiring code that needs them before the construct exists.
 */
export function prometheusPodSelector(name = DEFAULT_PROMETHEUS_NAME): Record<string, string> {
  return selectorLabels({ name: 'prometheus', instance: name });
}

/** The UID and GID Prometheus runs as: `nobody`, the image's user, written numerically for runAsNonRoot. */
export const PROMETHEUS_UID = 65534;

/** The pod-template annotation holding the hash of prometheus.yml and the rule files. */
export const PROMETHEUS_CONFIG_HASH_ANNOTATION = 'checksum/config';

/** The API resources Kubernetes service discovery reads, and the verbs it needs. */
export const DISCOVERY_RULE: k8s.PolicyRule = { apiGroups: [''], resources: ['pods', 'endpoints', 'services'], verbs: ['get', 'list', 'watch'] };

/**
 * The command-line flags. The remote-write receiver and exemplar storage only when Tempo's
 * metrics-generator writes here. Never `--enable-feature=native-histograms`: with it Prometheus 3
 * keeps only the native form of Tempo's histograms and every `_bucket` query (alerts, recording
 * rules, dashboards) returns nothing. No `--web.enable-lifecycle`: nothing calls /-/reload; a
 * config change rolls the pod through the config hash instead.
 */
export function prometheusArgs(s: PrometheusSettings): string[] {
  return [
    `--config.file=${PROMETHEUS_PATHS.configDir}/${PROMETHEUS_PATHS.configFile}`,
    `--storage.tsdb.path=${PROMETHEUS_PATHS.dataDir}`,
    `--storage.tsdb.retention.time=${s.retentionTime}`,
    `--storage.tsdb.retention.size=${s.retentionSize}`,
    `--web.listen-address=:${PROMETHEUS_PORT}`,
    ...(s.metricsGenerator ? ['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage'] : []),
  ];
}

/**
 * Prometheus scraping every Tempo pod and evaluating the Tempo alert and recording rules.
 *
 * Creates: a ServiceAccount (token mounted only in the Prometheus pod), a Role and RoleBinding in
 * Tempo's namespace (get/list/watch on pods, endpoints and services: what pod discovery needs; a
 * second pair in the Alertmanagers' namespace when that differs), a
 * ConfigMap `<name>-config` with prometheus.yml, a ConfigMap `<name>-rules` with one rule file per
 * key, a ClusterIP Service `<name>` (`http` 9090), a headless governing Service `<name>-headless`,
 * a NetworkPolicy admitting `clients` to port 9090 (unless turned off), and a StatefulSet of one
 * with a PVC at /prometheus. The pod template carries a hash of the config
 * and the rules, so any change rolls the pod.
 */
export class Prometheus extends Construct {
  /** The resolved settings, defaults applied. */
  public readonly settings: PrometheusSettings;
  /** The name of the ClusterIP Service. */
  public readonly serviceName: string;
  /** Prometheus's HTTP API and UI inside the cluster, `http://<name>.<ns>.svc.cluster.local:9090`. */
  public readonly httpUrl: string;
  /** Where remote writers (Tempo's metrics-generator) send, `<httpUrl>/api/v1/write`. */
  public readonly remoteWriteUrl: string;
  /** Labels that select the Prometheus pod. */
  public readonly podSelector: Record<string, string>;

  /** The objects, for JSON patches (`ApiObject.addJsonPatch`). */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role: k8s.KubeRole;
  public readonly roleBinding: k8s.KubeRoleBinding;
  /** Discovery of the Alertmanager pods when they run in a namespace other than Tempo's. */
  public readonly alertmanagerRole?: k8s.KubeRole;
  public readonly alertmanagerRoleBinding?: k8s.KubeRoleBinding;
  /** `<name>-config`: prometheus.yml. */
  public readonly configMap: k8s.KubeConfigMap;
  /** `<name>-rules`: one rule file per key (RULE_FILES). */
  public readonly rulesConfigMap: k8s.KubeConfigMap;
  public readonly service: k8s.KubeService;
  public readonly headlessService: k8s.KubeService;
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** Admits `clients` to the `http` port; absent with `networkPolicy: false`. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;

  private readonly builtInGroups: readonly RuleGroup[];
  /** The built-in groups never change after construction: rendered once (the ConfigMap and the hash both read it). */
  private readonly builtInRuleFile: string;
  private readonly addedGroups: RuleGroup[] = [];
  private readonly addedJobs: ScrapeConfig[] = [];

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const s = resolvePrometheusSettings({ ...props, namespace: props.namespace ?? Chart.of(this).namespace });
    this.settings = s;
    this.builtInGroups = tempoRuleGroups(s.rules);
    checkUniqueGroups(this.builtInGroups);
    this.builtInRuleFile = toYaml({ groups: this.builtInGroups } satisfies RuleFile);

    const identity = { name: 'prometheus', instance: s.name, component: 'monitoring', version: s.image.tag };
    const labels = standardLabels(identity);
    this.podSelector = prometheusPodSelector(s.name);
    const metadata = (name: string, namespace = s.namespace) => ({ name, namespace, labels });

    this.serviceName = s.name;
    ({ httpUrl: this.httpUrl, remoteWriteUrl: this.remoteWriteUrl } = prometheusUrls(s.name, s.namespace));

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      // Only the Prometheus pod mounts the token (it opts in on its pod spec).
      automountServiceAccountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: metadata(s.name, s.tempo.namespace),
      rules: [DISCOVERY_RULE],
    });
    this.roleBinding = new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: metadata(s.name, s.tempo.namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.role.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: s.namespace }],
    });
    if (s.alertmanagers && s.alertmanagers.namespace !== s.tempo.namespace) {
      this.alertmanagerRole = new k8s.KubeRole(this, 'AlertmanagerRole', { metadata: metadata(s.name, s.alertmanagers.namespace), rules: [DISCOVERY_RULE] });
      this.alertmanagerRoleBinding = new k8s.KubeRoleBinding(this, 'AlertmanagerRoleBinding', {
        metadata: metadata(s.name, s.alertmanagers.namespace),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.alertmanagerRole.name },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: s.namespace }],
      });
    }

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${s.name}-config`),
      data: Lazy.any({ produce: () => ({ [PROMETHEUS_PATHS.configFile]: this.configYaml }) }),
    });
    this.rulesConfigMap = new k8s.KubeConfigMap(this, 'Rules', {
      metadata: metadata(`${s.name}-rules`),
      data: Lazy.any({ produce: () => this.ruleFiles }),
    });

    const http = namedServicePort('http', PROMETHEUS_PORT);
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: { type: 'ClusterIP', selector: this.podSelector, ports: [http] },
    });
    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(`${s.name}-headless`),
      spec: { clusterIp: 'None', selector: this.podSelector, ports: [http] },
    });

    const clients = checkNetworkPeers('prometheus', 'clients', props.clients ?? [{ podSelector: {} }]);
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: metadata(s.name),
        spec: ingressPolicySpec(this.podSelector, [{ ports: ['http'], peers: clients }]),
      });
    }

    const httpPort = k8s.IntOrString.fromString('http');
    const secretVolume = remoteWriteSecretVolume(s);
    const container: k8s.Container = {
      name: 'prometheus',
      image: imageName(s.image),
      imagePullPolicy: 'IfNotPresent',
      args: prometheusArgs(s),
      ports: [{ name: 'http', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
      resources: resourceRequirements(s.resources),
      // Replaying a large WAL after a restart takes minutes; liveness waits for it.
      startupProbe: { httpGet: { path: '/-/ready', port: httpPort }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
      readinessProbe: { httpGet: { path: '/-/ready', port: httpPort }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/-/healthy', port: httpPort }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 6 },
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'config', mountPath: PROMETHEUS_PATHS.configDir, readOnly: true },
        { name: 'rules', mountPath: PROMETHEUS_PATHS.rulesDir, readOnly: true },
        { name: 'data', mountPath: PROMETHEUS_PATHS.dataDir },
        ...(secretVolume ? [{ name: secretVolume.name, mountPath: PROMETHEUS_PATHS.remoteWriteSecretDir, readOnly: true }] : []),
      ],
    };

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: metadata(s.name),
      spec: {
        replicas: 1,
        serviceName: this.headlessService.name,
        selector: { matchLabels: this.podSelector },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels,
            annotations: Lazy.any({ produce: () => ({ [PROMETHEUS_CONFIG_HASH_ANNOTATION]: this.configHash }) }),
          },
          spec: {
            serviceAccountName: this.serviceAccount.name,
            // Kubernetes service discovery authenticates with the pod's ServiceAccount token.
            automountServiceAccountToken: true,
            // fsGroup makes the PVC writable for nobody.
            securityContext: restrictedPodSecurityContext(PROMETHEUS_UID, PROMETHEUS_UID),
            // Time to finish writing the head block's WAL cleanly.
            terminationGracePeriodSeconds: 300,
            enableServiceLinks: false,
            containers: [container],
            volumes: [
              { name: 'config', configMap: { name: this.configMap.name } },
              { name: 'rules', configMap: { name: this.rulesConfigMap.name } },
              ...(secretVolume ? [secretVolume] : []),
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim(this.podSelector, s.storageSize, s.storageClassName)],
      },
    });
  }

  /** prometheus.yml as data, with the jobs added so far. */
  public get config(): PrometheusConfig {
    return buildPrometheusConfig(this.settings, this.addedJobs);
  }

  /** prometheus.yml as written into the ConfigMap. */
  public get configYaml(): string {
    return toYaml(this.config);
  }

  /** Every rule group: the built-in Tempo groups, then the added ones. */
  public get ruleGroups(): RuleGroup[] {
    return [...this.builtInGroups, ...this.addedGroups];
  }

  /** The rule files as written into the rules ConfigMap: file name to YAML. */
  public get ruleFiles(): Record<string, string> {
    const files: Record<string, string> = { [RULE_FILES.tempo]: this.builtInRuleFile };
    if (this.addedGroups.length > 0) files[RULE_FILES.added] = toYaml({ groups: this.addedGroups } satisfies RuleFile);
    return files;
  }

  /** sha256 over prometheus.yml and every rule file. */
  public get configHash(): string {
    const files = this.ruleFiles;
    return contentHash(this.configYaml, ...Object.keys(files).sort().flatMap((k) => [k, files[k]]));
  }

  /** Adds a scrape job for a platform team's own targets. Throws a ConfigError when the job name is taken. */
  public addScrapeJob(job: ScrapeConfig): void {
    const taken = this.config.scrape_configs.map((j) => j.job_name);
    if (typeof job?.job_name !== 'string' || !/^\S+$/.test(job.job_name)) {
      fail('prometheus', 'addScrapeJob.job_name', 'must be a non-empty name without spaces', job?.job_name, 'name the job, e.g. \'my-app\'');
    }
    if (taken.includes(job.job_name)) {
      fail('prometheus', 'addScrapeJob.job_name', `is already taken (jobs: ${taken.join(', ')})`, job.job_name, 'give the job its own name');
    }
    this.addedJobs.push(job);
  }

  /** Adds a rule group, written to its own rule file. Throws a ConfigError when the group name is taken. */
  public addRuleGroup(group: RuleGroup): void {
    addGroup(this.ruleGroups, this.addedGroups, group);
  }

  /** The ApiObject of the StatefulSet, for JSON patches (`addJsonPatch`). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}

/** Checks a rule group's name against the taken ones and appends it. Shared with the Prometheus Operator output. */
export function addGroup(existing: readonly RuleGroup[], added: RuleGroup[], group: RuleGroup): void {
  if (typeof group?.name !== 'string' || group.name.trim() === '') {
    fail('prometheus', 'addRuleGroup.name', 'must not be empty', group?.name, 'name the group, e.g. \'my-app\'');
  }
  const taken = existing.map((g) => g.name);
  if (taken.includes(group.name)) {
    fail('prometheus', 'addRuleGroup.name', `is already taken (groups: ${taken.join(', ')})`, group.name, 'give the group its own name');
  }
  added.push(group);
}

/** Throws when two built-in groups share a name (Prometheus refuses such a rule file). */
export function checkUniqueGroups(groups: readonly RuleGroup[]): void {
  const seen: RuleGroup[] = [];
  for (const group of groups) addGroup(seen, seen, group);
}

function remoteWriteSecretVolume(s: PrometheusSettings): k8s.Volume | undefined {
  const rw = s.remoteWrite;
  const ref = rw?.basicAuth?.password ?? rw?.bearerToken;
  if (!ref) return undefined;
  const path = rw?.basicAuth ? REMOTE_WRITE_FILES.password : REMOTE_WRITE_FILES.token;
  // Only the one key, read-only for the owner and group (fsGroup).
  return { name: 'remote-write-credentials', secret: { secretName: ref.name, items: [{ key: ref.key, path }], defaultMode: 0o440 } };
}
