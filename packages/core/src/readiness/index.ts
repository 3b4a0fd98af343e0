export * from './assess.ts';
export * from './rules.ts';
export * from './types.ts';
export * from './with-dr.ts';
