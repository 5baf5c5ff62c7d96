import { deepMerge } from '../../shared/merge';
import { serviceFqdn } from '../../shared/workload';
import { TEMPO_ENV, TEMPO_PORTS, TempoConfig, buildTempoConfig } from '../config';
import { TempoSettings } from '../settings';
import { TempoComponent } from './sizing';

/**
 * Per-target tempo.yaml for distributed mode: each component gets the sections it runs, plus
 * what every component needs (server, memberlist, storage, overrides, the ring clients). Built
 * from the clustered config (buildTempoConfig) so the keys and values are written once; a change
 * to one component's section changes (and rolls) only that component. Pure functions.
 */

type Dict = { [key: string]: unknown };

/** The names of the Services of distributed mode, derived from the Tempo name. */
export interface DistributedAddresses {
  /** Headless, not-ready addresses published, selecting every component: memberlist joins through it. */
  readonly gossipService: string;
  /** Headless, not-ready addresses published, selecting the query-frontends: the queriers' workers dial it. */
  readonly queryFrontendDiscoveryService: string;
  /** ClusterIP over the distributors' OTLP ports: what applications send to. */
  readonly otlpService: string;
  /** ClusterIP over the query-frontends' HTTP API: what Grafana queries. */
  readonly queryService: string;
}

/** The Service names of a distributed Tempo. `<name>` itself is the query Service, as in the other modes. */
export function distributedAddresses(s: Pick<TempoSettings, 'name'>): DistributedAddresses {
  return {
    gossipService: `${s.name}-gossip`,
    queryFrontendDiscoveryService: `${s.name}-query-frontend-discovery`,
    otlpService: `${s.name}-distributor`,
    queryService: s.name,
  };
}

/** One component's tempo.yaml: the clustered config's common sections and the component's own. */
export type ComponentConfig = Dict & { target: TempoComponent };

/** The workload name of a component (its StatefulSet or Deployment, ConfigMap prefix, pod names). */
export function componentName(s: Pick<TempoSettings, 'name'>, component: TempoComponent): string {
  return `${s.name}-${component}`;
}

/**
 * The tempo.yaml of one component. `zone` is the ingester's availability zone (zone-aware
 * replication), `${VAR}`s are expanded by `-config.expand-env=true`.
 */
export function buildComponentConfig(s: TempoSettings, component: TempoComponent, zone?: string): ComponentConfig {
  if (!s.distributed) throw new Error('buildComponentConfig: settings are not in distributed mode');
  // The clustered config without the user's overrides: they are merged per component, last.
  const full = buildTempoConfig({ ...s, configOverrides: undefined }) as TempoConfig & Dict;
  const addresses = distributedAddresses(s);
  const generator = full.metrics_generator !== undefined;
  const zoneAware = s.distributed.zones.length > 0;
  // Every component that writes to or reads from the ingesters' ring needs its store and the replication factor.
  const ingesterRing = {
    lifecycler: {
      ring: {
        replication_factor: s.replicationFactor,
        kvstore: { store: 'memberlist' as const },
        ...(zoneAware ? { zone_awareness_enabled: true } : {}),
      },
    },
  };
  const generatorRing = generator ? { metrics_generator: { ring: { kvstore: { store: 'memberlist' as const } } } } : {};

  const common: Dict = {
    target: component,
    ...(full.multitenancy_enabled ? { multitenancy_enabled: true } : {}),
    stream_over_http_enabled: full.stream_over_http_enabled,
    server: full.server,
    memberlist: {
      ...full.memberlist,
      join_members: [`dns+${serviceFqdn(addresses.gossipService, s.namespace)}:${TEMPO_PORTS.memberlist}`],
    },
    storage: full.storage,
    overrides: full.overrides,
    usage_report: full.usage_report,
  };

  let own: Dict;
  switch (component) {
    case 'distributor':
      own = { distributor: full.distributor, ingester: ingesterRing, ...generatorRing };
      break;
    case 'ingester': {
      const lifecycler = full.ingester.lifecycler!;
      own = {
        ingester: {
          ...full.ingester,
          lifecycler: {
            ...lifecycler,
            ring: { ...lifecycler.ring, ...(zoneAware ? { zone_awareness_enabled: true } : {}) },
            ...(zone ? { availability_zone: zone } : {}),
          },
        },
      };
      break;
    }
    case 'metrics-generator':
      if (!generator) throw new Error('buildComponentConfig: the metrics-generator does not run');
      own = { metrics_generator: full.metrics_generator, ingester: ingesterRing };
      break;
    case 'querier':
      own = {
        querier: {
          ...full.querier,
          // Every querier pulls work from every query-frontend: the headless Service resolves to all of them.
          frontend_worker: { frontend_address: `${serviceFqdn(addresses.queryFrontendDiscoveryService, s.namespace)}:${TEMPO_PORTS.grpc}` },
        },
        ingester: ingesterRing,
        ...generatorRing,
      };
      break;
    case 'query-frontend':
      own = { query_frontend: full.query_frontend };
      break;
    case 'compactor':
      own = { compactor: full.compactor };
      break;
  }
  // Last, so a user's key wins over the generated one, in every component.
  return deepMerge({ ...common, ...own } as ComponentConfig, s.configOverrides) as ComponentConfig;
}

/** The `${VAR}`s the component configs refer to, for the container's environment. */
export const COMPONENT_ENV = [TEMPO_ENV.podName, TEMPO_ENV.podIp] as const;
