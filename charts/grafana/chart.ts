import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Grafana } from './grafana';
import { GrafanaProps } from './props';

/** Props of a GrafanaChart: the chart's own (namespace, labels) and Grafana's. */
export interface GrafanaChartProps extends ChartProps {
  /** Grafana's settings; `tempo` and `prometheus` are required. */
  readonly grafana: GrafanaProps;
}

/** A chart holding one Grafana; its objects land in one file. */
export class GrafanaChart extends Chart {
  /** The Grafana construct, for its URL, datasources, admin Secret name and objects. */
  public readonly grafana: Grafana;

  constructor(scope: Construct, id: string, props: GrafanaChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.grafana = new Grafana(this, 'grafana', { namespace: props.namespace, ...props.grafana });
  }
}
