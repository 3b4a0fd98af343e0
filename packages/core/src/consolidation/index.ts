export * from './place-onto.ts';
export * from './types.ts';
