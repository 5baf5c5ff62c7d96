export * from './props';
export * from './ini';
export * from './settings';
export * from './config';
export * from './datasources';
export * from './dashboards';
export * from './grafana';
export * from './chart';
