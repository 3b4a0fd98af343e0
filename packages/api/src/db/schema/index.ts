export * from './audit.ts';
export * from './estates.ts';
export * from './organizations.ts';
export * from './results.ts';
