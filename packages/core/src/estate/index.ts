export * from './defaults.ts';
export * from './issues.ts';
export * from './json-schema.ts';
export * from './normalize.ts';
export * from './parse.ts';
export * from './schema.ts';
export * from './types.ts';
