// The public API of tempo-stack: import from here to use the charts in your own cdk8s app.
//
// Every name is listed on purpose (no `export *`): the constructs and charts, their props and the
// types those props and public fields are made of, the config-file loader and the functions the
// synth command is made of, and the few constants a user's own code refers to (the scrape job
// names, the pinned images). Helpers (validation, rendering, merging, the config builders) are
// internal: charts/shared/ and each component's settings and builders may change without notice.
// api/tempo-stack.api.md is the report of this surface; CI fails when the two differ
// (`npm run api` rewrites it, and the diff is the change to review).

// The stack, and the config file that describes its environments.
export { TempoStack } from './stack';
export type { StackGatewayProps, StackGrafanaProps, StackPrometheusOperatorProps, StackPrometheusProps, TempoStackProps } from './stack';
export type { ArgoCdOptions, Environment, StackConfigFile } from './config/file';
export { DEFAULT_CONFIG_FILE, loadStackConfig, parseStackConfig } from './config/load';
export { ConfigError } from './shared/validate';
export type { ConfigErrorDetail } from './shared/validate';

// What `tempo-stack synth` is made of: build, render and write environments.
export {
  buildEnvironment, KUSTOMIZATION_FILE, renderConfig, renderEnvironment, synthesizeAll, writeOutput,
} from './app';
export type { BuiltEnvironment, RenderedOutput } from './app';
// dist/<env>/environment: the typed description deploy and verify read names from.
export { ENVIRONMENT_FILE, ENVIRONMENT_MANIFEST_VERSION, environmentManifest, renderCharts, renderEnvironmentManifest } from './manifest';
export type {
  EnvironmentManifest, ManifestComponent, ManifestMetricsGenerator, ManifestOwnership, ManifestPort, ManifestSecret, ManifestSecretKey,
  ManifestService, ManifestVolumeClaims, ManifestWorkload, PortRole, RenderedChart,
} from './manifest';
export { ArgoCdChart } from './argocd/applications';
export type { ArgoCdChartProps, ArgoCdTarget } from './argocd/applications';
export { NamespaceChart } from './shared/namespace';
export type { NamespaceChartProps } from './shared/namespace';

// Tempo.
export { TEMPO_PRESET_PROPS, Tempo, TempoChart, TempoDistributed, distributedPodSelector, tempoPodSelector } from './tempo';
export type {
  AzureStorage, CapacityPlan, ExpectedLoad, GcsStorage, LocalStorage, MetricsGeneratorProcessor, RateStrategy, ResolvedLoad, S3Storage,
  TempoChartProps, TempoConfig, TempoLogLevel, TempoMode, TempoPreset, TempoPresetName, TempoPresetProp, TempoPresetSettings, TempoProps,
  TempoResources, TempoSettings, TempoStorage,
  TempoTenant, TenantSettings, TempoComponents, TempoComponentProps, TempoAutoscaledComponentProps, TempoAutoscaling, TempoIngesterProps,
  TempoGeneratorProps, TempoComponent, DistributedSettings, ComponentSettings, DistributedCapacity, ComponentConfig, ComponentWorkload,
} from './tempo';

// Prometheus, or the Prometheus Operator's resources instead.
export {
  DEFAULT_ALERT_FOR, Prometheus, PrometheusChart, PrometheusOperatorChart, PrometheusOperatorMonitoring, prometheusPodSelector,
  tempoRuleGroups,
} from './prometheus';
export type {
  AlertingRule, AlertmanagerConfig, AlertSeverity, AuthorizationConfig, BasicAuthConfig, KubernetesSdConfig, PrometheusCapacityPlan,
  PrometheusChartProps, PrometheusConfig, PrometheusOperatorChartProps, PrometheusOperatorProps, PrometheusProps, PrometheusResources,
  PrometheusSettings, RecordingRule, RelabelConfig, RemoteWriteConfig, RemoteWriteTarget, ResolvedTempoTarget, RuleGroup, ScrapeConfig,
  StaticConfig, TempoAlertName, TempoRulesOptions, TempoScrapeTarget, TlsConfig,
} from './prometheus';

// Grafana.
export { Grafana, GrafanaChart, grafanaPodSelector } from './grafana';
export type {
  DashboardDatasourceRef, DashboardModel, DashboardPanelModel, DashboardProvidersFile, Datasource, GrafanaAuth, GrafanaAuthProvider,
  GrafanaChartProps, GrafanaDatabase, GrafanaExpose, GrafanaExposeSettings, GrafanaIngress, GrafanaIni, GrafanaIssuer, GrafanaPrometheusLink,
  GrafanaProps, GrafanaRoute, GrafanaSettings, GrafanaTempoLink, IniSection, IniValue, ProvisionedDashboard,
} from './grafana';

// The OTLP gateway (authentication, tenants, limits in front of Tempo's receivers).
export { GatewayChart, gatewayPodSelector, OtlpGateway } from './gateway';
export type {
  CertManagerIssuer, GatewayAuth, GatewayAuthSettings, GatewayBasicAuth, GatewayBearerAuth, GatewayChartProps, GatewayCredential, GatewayExpose,
  GatewayParentRef, GatewayProps, GatewaySettings, GatewayTempoLink, GatewayTls, GatewayTlsSettings, NginxNode,
} from './gateway';

// Alertmanager (routing, inhibition and receivers for the alerts Prometheus evaluates).
export { Alertmanager, AlertmanagerChart, alertmanagerPodSelector } from './alertmanager';
export type {
  AlertmanagerChartProps, AlertmanagerConfigFile, AlertmanagerProps, AlertmanagerSettings, DiscordReceiver, EmailReceiver, MsTeamsReceiver,
  OpsgenieReceiver, PagerDutyReceiver, ReceiverProps, ReceiverType, SlackReceiver, TelegramReceiver, WebhookReceiver,
} from './alertmanager';

// The bundled MinIO (laptop trials only).
export { Minio, MinioChart, minioPodSelector } from './minio';
export type { MinioChartProps, MinioProps, MinioResources, MinioSettings } from './minio';

// The restricted workload every component above is assembled from (each exposes it as `workload`):
// a platform team's own component gets the same pod, Services, policy and config hash from a spec.
export { CONFIG_HASH_ANNOTATION, RestrictedWorkload } from './shared/restricted-workload';
export type {
  HttpProbe, RestrictedWorkloadHooks, WorkloadConfigMap, WorkloadInitContainer, WorkloadPort, WorkloadRole, WorkloadService, WorkloadSpec,
  WorkloadVolume,
} from './shared/restricted-workload';
export type { WorkloadIdentity, WorkloadIdentityProps } from './shared/workload-identity';
export type { LabelIdentity } from './shared/labels';
export type { IngressRule } from './shared/network';
export type { ParsedResources } from './shared/workload';

// Types the props above are made of, and the constants a user's own rules and objects refer to.
export { IMAGES } from './shared/images';
export type { ImageRef } from './shared/images';
export type { ConfigOverrides, ResourceOverrides } from './shared/merge';
export type { NamespaceSelection, NetworkPeer } from './shared/network';
export type { RouteParent } from './shared/exposure';
export type { GeneratedSecret, GeneratedSecretValue, ProvidedSecret, SecretKeyRef } from './shared/secrets';
export { SCRAPE_JOBS } from './shared/telemetry';
export type { ContainerResources } from './shared/workload';
