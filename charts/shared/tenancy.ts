/**
 * The tenant contract between Tempo (which checks and limits tenants), Grafana (whose datasources
 * name them) and the dashboards (which select on the generator's tenant label). Written once, here.
 */

/** The header Tempo reads the tenant from, on writes and reads. */
export const TENANT_HEADER = 'X-Scope-OrgID';

/**
 * Characters Tempo 2.6 accepts in a tenant id (dskit `tenant.ValidTenantID`, which Tempo's
 * `X-Scope-OrgID` handling calls): letters, digits and `!-_.*'()`; at most 150 of them. `|`
 * separates tenants in a cross-tenant query, so it cannot be part of an id.
 */
export const TENANT_ID = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

/** Separates tenants in one `X-Scope-OrgID` value for cross-tenant reads. */
export const TENANT_SEPARATOR = '|';

/**
 * The label the metrics-generator adds to every series it writes, holding the tenant
 * (`metrics_generator.registry.inject_tenant_id_as`); the span-metrics and service-graph series
 * carry none without it (recorded from Tempo 2.6.1: ../shared/reference/metrics/).
 */
export const GENERATOR_TENANT_LABEL = 'tenant';
