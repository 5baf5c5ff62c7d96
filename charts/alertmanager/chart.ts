import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Alertmanager } from './alertmanager';
import { AlertmanagerProps } from './props';

/** Props of an AlertmanagerChart: the chart's own (namespace, labels) and Alertmanager's. */
export interface AlertmanagerChartProps extends ChartProps {
  /** Alertmanager's settings; its namespace defaults to the chart's. @default - AlertmanagerProps defaults */
  readonly alertmanager?: AlertmanagerProps;
}

/** A chart holding the stack's Alertmanager; its objects land in one file. */
export class AlertmanagerChart extends Chart {
  /** The Alertmanager construct, for its URL, pods, receiver Secrets and objects. */
  public readonly alertmanager: Alertmanager;

  constructor(scope: Construct, id: string, props: AlertmanagerChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.alertmanager = new Alertmanager(this, 'alertmanager', { namespace: props.namespace, ...props.alertmanager });
  }
}
