import { type ApplicationReadiness, assessEstateWithDr, type ReadinessReport } from '@virtplan/core';
import { formatOption, parseCommandArgs, toJson } from '../args.ts';
import { loadEstate } from '../estate-file.ts';
import { type Command, UsageError } from '../io.ts';
import { renderTable } from '../table.ts';

export const assessCommand: Command = {
  name: 'assess',
  summary: 'Which workloads are ready to become virtual machines, and why not',
  help: `Usage: virtplan assess FILE [--application NAME] [--format table|json]

Readiness of every workload and application: READY, READY_WITH_CONDITIONS, UNKNOWN or NOT_READY,
with findings (a stable code, a severity and what to do).
  --application NAME   only this application (and its workloads)
  --format json        machine-readable: { dataConfidence, summary, workloads[], applications[] }
An application's findings include its disaster-recovery findings (see virtplan dr).`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, {
      application: { type: 'string' },
      format: { type: 'string' },
    });
    const format = formatOption(values.format);
    const { estate } = loadEstate(positionals[0], io);
    // DR findings join application readiness; "now" dates the contingency-plan test.
    let report: ReadinessReport = assessEstateWithDr(estate, { now: new Date().toISOString() }).readiness;
    if (values.application !== undefined) {
      const app = report.applications.find(
        (a) => a.application.toLowerCase() === values.application!.toLowerCase(),
      );
      if (!app) {
        const known = report.applications.map((a) => a.application).join(', ');
        throw new UsageError(
          `no application '${values.application}' in ${positionals[0]} (applications: ${known})`,
        );
      }
      const workloads = report.workloads.filter((w) => w.application === app.application);
      const summary = { READY: 0, READY_WITH_CONDITIONS: 0, UNKNOWN: 0, NOT_READY: 0 };
      for (const w of workloads) summary[w.status]++;
      report = { ...report, applications: [app], workloads, summary };
    }
    if (format === 'json') {
      io.stdout(
        toJson({
          estate: estate.name,
          dataConfidence: report.dataConfidence,
          summary: report.summary,
          workloads: report.workloads.map((w) => ({
            id: w.id,
            application: w.application,
            status: w.status,
            findings: w.findings.map(({ code, severity, message }) => ({ code, severity, message })),
          })),
          applications: report.applications.map((a) => ({
            application: a.application,
            status: a.status,
            findings: a.findings.map(({ code, severity, message }) => ({ code, severity, message })),
          })),
        }),
      );
      return 0;
    }
    io.stdout(renderReport(estate.name, report));
    return 0;
  },
};

function renderReport(name: string, report: ReadinessReport): string {
  const out: string[] = [];
  out.push(`Readiness of ${name}\n`);
  out.push(
    `Data confidence: ${Math.round(report.dataConfidence * 100)}% of sizing figures measured${report.dataConfidence < 0.7 ? ' (LOW: measure before you buy)' : ''}\n\n`,
  );
  out.push(
    renderTable(
      ['APPLICATION', 'STATUS', 'WORKLOADS', 'FINDINGS'],
      report.applications.map((a: ApplicationReadiness) => [
        a.application,
        a.status,
        String(a.workloads.length),
        String(a.findings.length),
      ]),
    ),
  );
  out.push('\n');
  out.push(
    renderTable(
      ['WORKLOAD', 'APPLICATION', 'STATUS'],
      report.workloads.map((w) => [w.id, w.application, w.status]),
    ),
  );
  const findings = report.applications.flatMap((a) => a.findings);
  if (findings.length > 0) {
    out.push('\nFindings:\n');
    for (const f of findings) out.push(`  [${f.severity.toUpperCase()}] ${f.code}: ${f.message}\n`);
  }
  const s = report.summary;
  out.push(
    `\n${s.READY} ready, ${s.READY_WITH_CONDITIONS} ready with conditions, ${s.UNKNOWN} unknown, ${s.NOT_READY} not ready\n`,
  );
  return out.join('');
}
