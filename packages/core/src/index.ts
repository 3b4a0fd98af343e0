export * from './estate/types.ts';
export * from './shared/result.ts';
export * from './shared/tolerance.ts';
