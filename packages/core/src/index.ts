export * from './consolidation/index.ts';
export * from './dr/index.ts';
export * from './estate/index.ts';
export * from './estate/rvtools.ts';
export * from './readiness/index.ts';
export * from './shared/resources.ts';
export * from './shared/result.ts';
export * from './shared/tolerance.ts';
