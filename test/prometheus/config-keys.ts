// The Prometheus key checker lives with the component (charts/prometheus/keys.ts), so synth checks configOverrides too.
export { PROMETHEUS_CONFIG_SHAPE, unknownPrometheusKeys } from '../../charts/prometheus/keys';
