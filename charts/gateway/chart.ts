import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { OtlpGateway } from './gateway';
import { GatewayProps } from './props';

/** Props of a GatewayChart: the chart's own (namespace, labels) and the gateway's. */
export interface GatewayChartProps extends ChartProps {
  /** The gateway's settings; `tempo` and `auth` are required. */
  readonly gateway: GatewayProps;
}

/** A chart holding the OTLP gateway; its objects land in one file. */
export class GatewayChart extends Chart {
  /** The gateway construct, for its pod selector, addresses and objects. */
  public readonly gateway: OtlpGateway;

  constructor(scope: Construct, id: string, props: GatewayChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.gateway = new OtlpGateway(this, 'gateway', { namespace: props.namespace, ...props.gateway });
  }
}
