import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { TempoProps } from './props';
import { Tempo } from './tempo';
import { TempoDistributed } from './distributed/distributed';

/** Props of a TempoChart: the chart's own (namespace, labels) and Tempo's. */
export interface TempoChartProps extends ChartProps {
  /** @default - TempoProps defaults */
  readonly tempo?: TempoProps;
}

/** A chart holding one Tempo deployment; its objects land in one file. */
export class TempoChart extends Chart {
  /** In distributed mode, the TempoDistributed construct (its components, Services and objects). */
  public readonly distributed?: TempoDistributed;
  /** What other components need from Tempo in every mode (URLs, pod selector, tenants, settings). */
  public readonly backend: Tempo | TempoDistributed;
  private readonly single?: Tempo;

  constructor(scope: Construct, id: string, props: TempoChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    const tempo = { namespace: props.namespace, ...props.tempo };
    if (tempo.mode === 'distributed') {
      this.distributed = new TempoDistributed(this, 'tempo', tempo);
      this.backend = this.distributed;
    } else {
      this.single = new Tempo(this, 'tempo', tempo);
      this.backend = this.single;
    }
  }

  /** The Tempo construct (single-node and cluster modes), for its names, URLs and objects. Throws in distributed mode: use `distributed`. */
  public get tempo(): Tempo {
    if (!this.single) throw new Error('TempoChart: mode \'distributed\' has no single Tempo construct; use .distributed (or .backend)');
    return this.single;
  }
}
