export * from './props';
export { GATEWAY_DEFAULT_RESOURCES, TEMPO_GRPC_MAX_RECV_BYTES, resolveGatewaySettings } from './settings';
export type { GatewayAuthSettings, GatewayCredential, GatewaySettings, GatewayTlsSettings } from './settings';
export type { NginxBlock, NginxComment, NginxDirective, NginxEntry, NginxNode } from './nginx';
export { findNodes, renderNginx } from './nginx';
export { CONTAINER_PATHS, CONTAINER_RUNTIME, GATEWAY_PORTS, OTLP_GRPC_SERVICE, buildGatewayConfig } from './config';
export type { GatewayPaths, GatewayRuntime } from './config';
export * from './gateway';
export * from './chart';
