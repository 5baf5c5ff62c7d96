export * from './file';
export * from './load';
