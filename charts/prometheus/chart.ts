import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusOperatorProps, PrometheusOperatorMonitoring } from './operator';
import { Prometheus } from './prometheus';
import { PrometheusProps } from './props';

/** Props of a PrometheusChart: the chart's own (namespace, labels) and Prometheus's. */
export interface PrometheusChartProps extends ChartProps {
  /** Prometheus's settings; its namespace defaults to the chart's. */
  readonly prometheus: PrometheusProps;
}

/** A chart holding the Prometheus that scrapes Tempo; its objects land in one file. */
export class PrometheusChart extends Chart {
  /** The Prometheus construct, for its URLs, objects, `addScrapeJob()` and `addRuleGroup()`. */
  public readonly prometheus: Prometheus;

  constructor(scope: Construct, id: string, props: PrometheusChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.prometheus = new Prometheus(this, 'prometheus', { namespace: props.namespace, ...props.prometheus });
  }
}

/** Props of a PrometheusOperatorChart. */
export interface PrometheusOperatorChartProps extends ChartProps {
  /** The PodMonitor's and PrometheusRule's settings; their namespace defaults to the chart's. */
  readonly operator: PrometheusOperatorProps;
}

/** A chart holding the PodMonitor and PrometheusRule for a Prometheus Operator; its objects land in one file. */
export class PrometheusOperatorChart extends Chart {
  /** The PodMonitor and PrometheusRule, and `addRuleGroup()`. */
  public readonly monitoring: PrometheusOperatorMonitoring;

  constructor(scope: Construct, id: string, props: PrometheusOperatorChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.monitoring = new PrometheusOperatorMonitoring(this, 'prometheus-operator', { namespace: props.namespace, ...props.operator });
  }
}
