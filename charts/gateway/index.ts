export * from './props';
export * from './settings';
export * from './nginx';
export * from './config';
export * from './gateway';
export * from './chart';
