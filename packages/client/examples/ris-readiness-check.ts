/**
 * ris-readiness-check: the script a RIS team runs before the virtualisation meeting.
 *
 * It asks virtplan two questions about the application the RIS depends on (PACS by default):
 * is it ready to become virtual machines, and does its disaster recovery hold when a site is
 * lost (RPO and RTO of each of its workloads, whether a site loss takes it down, single points
 * of failure, and the DR findings about it). Then it prints what to act on.
 *
 *   VIRTPLAN_URL=https://virtplan.example.org/graphql VIRTPLAN_API_KEY=vpk_... \
 *     npx tsx examples/ris-readiness-check.ts --estate "Community Hospital" [--application PACS]
 *
 * Exit status: 0 ready and DR holds, 1 not (the findings say why), 2 the question could not
 * be asked (no such estate, refused key, API unreachable).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type ApplicationReadiness,
  createClient,
  type DrEvaluation,
  type EstateSummary,
  type FetchLike,
  isVirtplanClientError,
  type VirtplanClient,
} from '@virtplan/client';

export interface CheckOptions {
  readonly url: string;
  readonly apiKey: string;
  /** Estate name (case-insensitive) or id. */
  readonly estate: string;
  readonly application: string;
  readonly fetch?: FetchLike | undefined;
}

/** The DR verdict for one application, drawn from the whole estate's evaluation. */
export interface ApplicationDr {
  readonly holds: boolean;
  readonly workloads: DrEvaluation['workloads'];
  readonly sitesTakingItDown: readonly string[];
  readonly sitesDegradingIt: readonly string[];
  readonly singlePointsOfFailure: DrEvaluation['singlePointsOfFailure'];
  readonly findings: DrEvaluation['findings'];
}

const BLOCKING_SEVERITIES: ReadonlySet<string> = new Set(['CRITICAL', 'HIGH']);

export function applicationDr(
  evaluation: DrEvaluation,
  application: string,
  workloadIds: readonly string[],
): ApplicationDr {
  const own = new Set(workloadIds);
  const workloads = evaluation.workloads.filter((workload) => workload.application === application);
  const sitesTakingItDown = evaluation.sites
    .filter((site) => site.applicationsDown.includes(application))
    .map((site) => site.site);
  const sitesDegradingIt = evaluation.sites
    .filter((site) => site.applicationsDegraded.includes(application))
    .map((site) => site.site);
  const singlePointsOfFailure = evaluation.singlePointsOfFailure.filter(
    (spof) => spof.application === application,
  );
  const findings = evaluation.findings.filter(
    (finding) =>
      finding.application === application || (finding.workload !== null && own.has(finding.workload)),
  );
  // Single points of failure are reported, not disqualifying: a site-wide one is common and
  // acceptable when the restart elsewhere meets the RTO, which the workloads' verdicts cover.
  const holds =
    workloads.every((workload) => workload.rpo.met && workload.rto.met) &&
    sitesTakingItDown.length === 0 &&
    !findings.some((finding) => BLOCKING_SEVERITIES.has(finding.severity));
  return { holds, workloads, sitesTakingItDown, sitesDegradingIt, singlePointsOfFailure, findings };
}

/** Runs the check, printing line by line; resolves to the exit status. */
export async function risReadinessCheck(
  options: CheckOptions,
  print: (line: string) => void,
): Promise<number> {
  const client = createClient({ url: options.url, apiKey: options.apiKey, fetch: options.fetch });
  try {
    const estate = await findEstate(client, options.estate);
    if (estate === undefined) {
      print(`No estate "${options.estate}" is visible to this API key.`);
      return 2;
    }
    const { application } = options;
    print(`${estate.name} (revision ${estate.revision}), application ${application}`);
    print('');

    const readiness = await client.applicationReadiness(estate.id, application);
    printReadiness(readiness, print);
    print('');

    const evaluation = await client.evaluateDr(estate.id);
    const dr = applicationDr(evaluation, application, readiness.workloadIds);
    printDr(dr, application, print);
    print('');

    const ready = readiness.status === 'READY' || readiness.status === 'READY_WITH_CONDITIONS';
    print(
      ready && dr.holds
        ? `Verdict: ${application} can be virtualised${readiness.status === 'READY' ? '' : ' once its conditions are met'}, and its DR holds.`
        : `Verdict: not yet. ${ready ? '' : `${application} is ${readiness.status}. `}${dr.holds ? '' : 'Its DR does not hold.'}`.trimEnd(),
    );
    return ready && dr.holds ? 0 : 1;
  } catch (error) {
    if (!isVirtplanClientError(error)) throw error;
    print(`Could not ask virtplan (${error.kind}): ${error.message}`);
    return 2;
  }
}

async function findEstate(client: VirtplanClient, wanted: string): Promise<EstateSummary | undefined> {
  for await (const estate of client.estates()) {
    if (estate.id === wanted || estate.name.toLowerCase() === wanted.toLowerCase()) return estate;
  }
  return undefined;
}

function printReadiness(readiness: ApplicationReadiness, print: (line: string) => void): void {
  print(
    `Readiness: ${readiness.status} (${readiness.workloadIds.length} workloads: ${readiness.workloadIds.join(', ')})`,
  );
  if (readiness.findings.length === 0) print('  nothing stands in the way');
  for (const finding of readiness.findings) {
    print(`  ${finding.severity.padEnd(8)} ${finding.code}  ${finding.message}`);
  }
}

function printDr(dr: ApplicationDr, application: string, print: (line: string) => void): void {
  print(`Disaster recovery: ${dr.holds ? 'HOLDS' : 'DOES NOT HOLD'}`);
  for (const workload of dr.workloads) {
    const rpo = `RPO ${minutes(workload.rpo.achievableMinutes)} of ${minutes(workload.rpo.targetMinutes)} (${workload.rpo.basis})`;
    const rto = `RTO ${minutes(workload.rto.estimatedMinutes)} of ${minutes(workload.rto.targetMinutes)}`;
    const verdict = workload.rpo.met && workload.rto.met ? 'ok' : 'MISSED';
    print(`  ${workload.id.padEnd(20)} ${rpo}, ${rto}: ${verdict}`);
  }
  for (const site of dr.sitesTakingItDown) print(`  losing site ${site} takes ${application} down`);
  for (const site of dr.sitesDegradingIt) print(`  losing site ${site} leaves ${application} degraded`);
  for (const spof of dr.singlePointsOfFailure) {
    print(`  single point of failure: every ${application} workload shares ${spof.kind} ${spof.on}`);
  }
  for (const finding of dr.findings) {
    print(`  ${finding.severity.padEnd(8)} ${finding.code}  ${finding.message}`);
  }
}

function minutes(value: number | null): string {
  return value === null ? 'none' : `${Math.round(value * 10) / 10} min`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      estate: { type: 'string' },
      application: { type: 'string', default: 'PACS' },
      url: { type: 'string', default: process.env.VIRTPLAN_URL ?? 'http://localhost:4000/graphql' },
    },
  });
  const apiKey = process.env.VIRTPLAN_API_KEY;
  if (values.estate === undefined || apiKey === undefined) {
    console.error(
      'usage: VIRTPLAN_API_KEY=vpk_... ris-readiness-check --estate NAME [--application PACS] [--url URL]',
    );
    process.exitCode = 2;
    return;
  }
  process.exitCode = await risReadinessCheck(
    { url: values.url, apiKey, estate: values.estate, application: values.application },
    (line) => console.log(line),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
