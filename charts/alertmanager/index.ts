export * from './props';
export * from './settings';
export * from './config';
