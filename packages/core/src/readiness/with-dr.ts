/**
 * Readiness as the spec defines it for applications: the worst of its workloads' statuses,
 * with their findings plus the application's DR findings (site loss, RPO/RTO, single points
 * of failure). One call so the CLI, the API and the docs all join them the same way.
 */

import { evaluateDr } from '../dr/evaluate.ts';
import { drFindingsForApplication } from '../dr/findings.ts';
import type { DrEvaluation, DrOptions } from '../dr/types.ts';
import type { Estate } from '../estate/types.ts';
import { assessEstate } from './assess.ts';
import type { ReadinessReport } from './types.ts';

export interface ReadinessWithDr {
  readonly readiness: ReadinessReport;
  readonly dr: DrEvaluation;
}

export function assessEstateWithDr(estate: Estate, options: DrOptions): ReadinessWithDr {
  const dr = evaluateDr(estate, options);
  const readiness = assessEstate(estate, {
    applicationFindings: (application) => drFindingsForApplication(dr, application),
  });
  return { readiness, dr };
}
