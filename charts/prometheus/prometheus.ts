import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { toYaml } from '../shared/render';
import { RestrictedWorkload } from '../shared/restricted-workload';
import { fail } from '../shared/validate';
import { PrometheusConfig, RULE_FILES, ScrapeConfig, buildPrometheusConfig, prometheusUrls } from './config';
import { PrometheusProps } from './props';
import { RuleFile, RuleGroup, tempoRuleGroups } from './rules';
import { PrometheusSettings, resolvePrometheusSettings } from './settings';
import { prometheusWorkloadSpec } from './workload';

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
  /** The workload construct holding every object above. */
  public readonly workload: RestrictedWorkload;

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
    this.serviceName = s.name;
    ({ httpUrl: this.httpUrl, remoteWriteUrl: this.remoteWriteUrl } = prometheusUrls(s.name, s.namespace));

    // Read at synth: jobs and rule groups may be added after construction.
    const files = { config: () => this.configYaml, rules: () => this.ruleFiles };
    this.workload = new RestrictedWorkload(this, 'Workload', prometheusWorkloadSpec(s, files));
    const w = this.workload;
    this.podSelector = w.podSelector;
    this.serviceAccount = w.serviceAccount;
    this.role = w.roles[0];
    this.roleBinding = w.roleBindings[0];
    this.alertmanagerRole = w.roles[1];
    this.alertmanagerRoleBinding = w.roleBindings[1];
    [this.configMap, this.rulesConfigMap] = w.configMaps;
    this.service = w.services[s.name];
    this.headlessService = w.services[`${s.name}-headless`];
    this.networkPolicy = w.networkPolicy;
    this.statefulSet = w.statefulSet!;
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
    return this.workload.configHash;
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
