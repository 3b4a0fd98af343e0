/**
 * Fields the spec does not define are accepted (the format may grow) but reported as
 * warnings, so a typo such as `cpuUtilisation` does not silently become a default.
 */
import { type EstateIssue, formatPath, type PathSegment } from './issues.ts';
import {
  estateSchema,
  hostSchema,
  linkSchema,
  policiesSchema,
  siteSchema,
  workloadSchema,
} from './schema.ts';

const keysOf = (shape: object): ReadonlySet<string> => new Set(Object.keys(shape));

const TOP = keysOf(estateSchema.shape);
const LIST_ITEMS: Readonly<Record<string, ReadonlySet<string>>> = {
  sites: keysOf(siteSchema.shape),
  links: keysOf(linkSchema.shape),
  hosts: keysOf(hostSchema.shape),
  workloads: keysOf(workloadSchema.shape),
};
const POLICIES = keysOf(policiesSchema.shape);
const CONSOLIDATION = new Set([
  'headroom',
  'cpuOvercommit',
  'haReserve',
  'separateRoles',
  'dedicatedIopsAbove',
]);
const HEADROOM = new Set(['cpu', 'memory', 'iops', 'network', 'storage']);
const DR = new Set([
  'recoverySites',
  'replication',
  'snapshots',
  'defaults',
  'concurrentBootsPerHost',
  'detectionMinutes',
  'contingencyPlan',
]);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function unknownFieldWarnings(document: unknown): EstateIssue[] {
  const warnings: EstateIssue[] = [];
  const check = (value: unknown, known: ReadonlySet<string>, path: PathSegment[]) => {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (!known.has(key) && !key.startsWith('x-')) {
        warnings.push({
          path: formatPath([...path, key]),
          message: 'unknown field, ignored (check the spelling; extensions may start with x-)',
          severity: 'warning',
        });
      }
    }
  };
  if (!isRecord(document)) return warnings;
  check(document, TOP, []);
  for (const [list, known] of Object.entries(LIST_ITEMS)) {
    const items = document[list];
    if (Array.isArray(items)) {
      items.forEach((item, i) => {
        check(item, known, [list, i]);
      });
    }
  }
  const policies = document.policies;
  check(policies, POLICIES, ['policies']);
  if (isRecord(policies)) {
    check(policies.consolidation, CONSOLIDATION, ['policies', 'consolidation']);
    if (isRecord(policies.consolidation)) {
      check(policies.consolidation.headroom, HEADROOM, ['policies', 'consolidation', 'headroom']);
    }
    check(policies.dr, DR, ['policies', 'dr']);
  }
  return warnings;
}
