export * from './props';
export * from './capacity';
export * from './settings';
export * from './config';
export * from './prometheus';
export * from './operator';
export * from './chart';
export * from './rules';
