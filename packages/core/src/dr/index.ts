export { NPRM_BACKUP_MAX_HOURS, NPRM_RESTORE_MINUTES } from './contingency.ts';
export { evaluateDr } from './evaluate.ts';
export { drFindingsForApplication } from './findings.ts';
export { MBPS_PER_GIB_PER_HOUR, SYNC_MAX_ROUND_TRIP_MS } from './replication.ts';
export { DR_RULES, type DrRule } from './rules.ts';
export type * from './types.ts';
