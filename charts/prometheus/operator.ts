import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelings, PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
    PodMonitorSpecPodMetricsEndpointsScheme,
} from '../../imports/monitoring-podmonitor-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroups,
  PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring-prometheusrule-monitoring.coreos.com';
import { standardLabels } from '../shared/labels';
import { SCRAPE_JOBS, TARGET_LABELS } from '../shared/telemetry';
import { checkDnsLabel, fail } from '../shared/validate';
import { RelabelConfig, tempoTargetRelabelings } from './config';
import { TempoScrapeTarget } from './props';
import { addGroup, checkUniqueGroups } from './prometheus';
import { RuleGroup, TempoRulesOptions, tempoRuleGroups } from './rules';
import { checkPrometheusDuration } from './settings';

const C = 'prometheusOperator';

/** Output for a cluster that already runs the Prometheus Operator (kube-prometheus-stack), instead of our own Prometheus. */
export interface PrometheusOperatorProps {
  /** The Tempo pods to scrape. */
  readonly tempo: TempoScrapeTarget;
  /**
   * The `release` label kube-prometheus-stack's Prometheus selects PodMonitors and PrometheusRules
   * by (its Helm release name).
   */
  readonly release: string;
  /** Name of the PodMonitor and the PrometheusRule. A DNS label. @default 'tempo' */
  readonly name?: string;
  /** Namespace of both objects. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** The Tempo job's scrape interval. @default '30s' */
  readonly tempoScrapeInterval?: string;
  /** Tempo's metrics-generator runs (adds its alerts). @default false */
  readonly metricsGenerator?: boolean;
  /** Options of the built-in Tempo rule groups. @default - the rules' defaults */
  readonly rules?: Partial<TempoRulesOptions>;
}

/**
 * The Tempo scrape and rules as Prometheus Operator resources: a `PodMonitor` selecting Tempo's
 * pods on their metrics port, with relabelings that produce exactly the labels of our own scrape
 * config (job `tempo`, namespace, pod, container, instance = pod), and a `PrometheusRule` with the
 * same rule groups. Both carry `release: <release>`, the label kube-prometheus-stack selects on.
 */
export class PrometheusOperatorMonitoring extends Construct {
  /** The PodMonitor scraping Tempo's pods. */
  public readonly podMonitor: PodMonitor;
  /** The PrometheusRule with every rule group. */
  public readonly prometheusRule: PrometheusRule;
  private readonly builtInGroups: readonly RuleGroup[];
  private readonly addedGroups: RuleGroup[] = [];

  constructor(scope: Construct, id: string, props: PrometheusOperatorProps) {
    super(scope, id);
    const name = checkDnsLabel(C, 'name', props.name ?? 'tempo');
    const namespace = checkDnsLabel(C, 'namespace', props.namespace ?? Chart.of(this).namespace ?? 'default');
    if (typeof props.release !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(props.release)) {
      fail(C, 'release', 'must be a Helm release name', props.release,
        'pass the release name of your kube-prometheus-stack, e.g. \'kube-prometheus-stack\'');
    }
    const tempo = props.tempo;
    if (!tempo || Object.keys(tempo.podSelector ?? {}).length === 0) {
      fail(C, 'tempo.podSelector', 'must name at least one label', tempo?.podSelector, 'pass Tempo\'s podSelector, which selects exactly its pods');
    }
    const tempoScrapeInterval = props.tempoScrapeInterval ?? '30s';
    checkPrometheusDuration(C, 'tempoScrapeInterval', tempoScrapeInterval);
    const tempoNamespace = checkDnsLabel(C, 'tempo.namespace', tempo.namespace ?? namespace);

    this.builtInGroups = tempoRuleGroups({
      ...props.rules,
      tempoScrapeInterval,
      metricsGenerator: props.metricsGenerator ?? false,
      tempoMemoryLimitBytes: props.rules?.tempoMemoryLimitBytes ?? tempo.memoryLimitBytes,
      ...(props.rules?.rings ?? tempo.rings ? { rings: props.rules?.rings ?? tempo.rings } : {}),
    }, C);
    checkUniqueGroups(this.builtInGroups);

    const labels = { ...standardLabels({ name: 'tempo', instance: name, component: 'monitoring' }), release: props.release };
    this.podMonitor = new PodMonitor(this, 'PodMonitor', {
      metadata: { name, namespace, labels },
      spec: {
        selector: { matchLabels: { ...tempo.podSelector } },
        namespaceSelector: { matchNames: [tempoNamespace] },
        podMetricsEndpoints: [{
          port: tempo.metricsPortName,
          path: '/metrics',
          scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
          interval: tempoScrapeInterval,
          relabelings: podMonitorRelabelings(),
        }],
      },
    });

    this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
      metadata: { name, namespace, labels },
      spec: { groups: Lazy.any({ produce: () => this.ruleGroups.map(toCrdGroup) }) },
    });
  }

  /** Every rule group: the built-in Tempo groups, then the added ones. */
  public get ruleGroups(): RuleGroup[] {
    return [...this.builtInGroups, ...this.addedGroups];
  }

  /** Adds a rule group to the PrometheusRule. Throws a ConfigError when the group name is taken. */
  public addRuleGroup(group: RuleGroup): void {
    addGroup(this.ruleGroups, this.addedGroups, group);
  }
}

/**
 * The operator attaches `namespace`, `pod`, `container`, `endpoint` and a `job` of
 * `<namespace>/<PodMonitor name>` before these run; they reset `job` to the contract's stable
 * name, set the contract's labels as our own scrape config does, and drop `endpoint`.
 */
export function podMonitorRelabelings(): PodMonitorSpecPodMetricsEndpointsRelabelings[] {
  const contract: RelabelConfig[] = [
    { action: 'replace', target_label: TARGET_LABELS.job, replacement: SCRAPE_JOBS.tempo },
    ...tempoTargetRelabelings(),
    { action: 'labeldrop', regex: 'endpoint' },
  ];
  return contract.map((r) => ({
    action: r.action as PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
    ...(r.source_labels ? { sourceLabels: [...r.source_labels] } : {}),
    ...(r.target_label ? { targetLabel: r.target_label } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
  }));
}

function toCrdGroup(group: RuleGroup): PrometheusRuleSpecGroups {
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    rules: group.rules.map((rule) => ({
      ...('alert' in rule ? { alert: rule.alert } : { record: rule.record }),
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
      ...('for' in rule && rule.for ? { for: rule.for } : {}),
      ...(rule.labels ? { labels: { ...rule.labels } } : {}),
      ...('annotations' in rule ? { annotations: { ...rule.annotations } } : {}),
    })),
  };
}
