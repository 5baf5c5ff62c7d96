export * from './props';
export * from './settings';
export * from './minio';
export * from './chart';
export * from './workload';
