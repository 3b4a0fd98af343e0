export * from './assess.ts';
export * from './rules.ts';
export * from './types.ts';
