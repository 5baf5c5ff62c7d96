// The public API of tempo-stack: import from here to use the charts in your own cdk8s app.
export * from './shared/labels';
export * from './shared/images';
export * from './shared/secrets';
export * from './shared/validate';
export * from './shared/namespace';
export * from './minio';
export * from './tempo';
export * from './prometheus';
export * from './grafana';
export * from './gateway';
export * from './stack';
export * from './config';
export * from './argocd/applications';
export * from './app';
export * from './shared/telemetry';
export * from './shared/merge';
export * from './shared/network';
// The shared helpers a platform team composes its own objects with; the rest of shared/ is internal.
export type { ContainerResources } from './shared/workload';
export { serviceFqdn } from './shared/workload';
export { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './shared/security';
export { contentHash, toYaml } from './shared/render';
