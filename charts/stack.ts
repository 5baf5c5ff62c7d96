import { Construct } from 'constructs';
import { NamespaceChart } from './shared/namespace';
import { TempoChart, TempoProps } from './tempo';

/** Props of a TempoStack. */
export interface TempoStackProps {
  /** The namespace every object of the stack lives in; the stack creates it. A DNS label. */
  readonly namespace: string;
  /** Tempo's settings. @default - TempoProps defaults */
  readonly tempo?: TempoProps;
}

/**
 * The whole tracing stack of one environment: its Namespace and Tempo. This is the one place
 * that wires components together (URLs one exposes, another consumes).
 *
 * Creates the charts `namespace` and `tempo`, in that order (file names sort the same way, so
 * `kubectl apply -f` creates the namespace first).
 */
export class TempoStack extends Construct {
  public readonly namespaceChart: NamespaceChart;
  public readonly tempoChart: TempoChart;

  constructor(scope: Construct, id: string, props: TempoStackProps) {
    super(scope, id);
    this.namespaceChart = new NamespaceChart(this, 'namespace', { namespace: props.namespace });
    this.tempoChart = new TempoChart(this, 'tempo', { namespace: props.namespace, tempo: props.tempo });
    this.tempoChart.addDependency(this.namespaceChart);
  }
}
