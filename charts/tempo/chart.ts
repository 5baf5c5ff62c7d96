import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { TempoProps } from './props';
import { Tempo } from './tempo';

/** Props of a TempoChart: the chart's own (namespace, labels) and Tempo's. */
export interface TempoChartProps extends ChartProps {
  /** @default - TempoProps defaults */
  readonly tempo?: TempoProps;
}

/** A chart holding one Tempo deployment; its objects land in one file. */
export class TempoChart extends Chart {
  /** The Tempo construct, for its names, URLs and objects. */
  public readonly tempo: Tempo;

  constructor(scope: Construct, id: string, props: TempoChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.tempo = new Tempo(this, 'tempo', { namespace: props.namespace, ...props.tempo });
  }
}
