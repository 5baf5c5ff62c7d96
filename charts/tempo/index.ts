export * from './props';
export * from './presets';
export * from './capacity';
export * from './settings';
export * from './config';
export * from './tempo';
export * from './chart';
export * from './plan';
