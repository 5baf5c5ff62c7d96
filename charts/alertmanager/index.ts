export * from './props';
export * from './settings';
export * from './config';
export * from './workload';
export * from './alertmanager';
export * from './chart';
export * from './verify';
