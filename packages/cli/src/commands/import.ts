import { parseArgs } from 'node:util';
import {
  formatImportIssue,
  type ImportReport,
  importRvtools,
  type RvtoolsImport,
  rvtoolsEstateYaml,
} from '@virtplan/core';
import { type Command, type Io, UsageError } from '../io.ts';

/** Warnings shown on stderr before "... and N more". */
const MAX_WARNINGS_SHOWN = 10;

const HELP = `Usage: virtplan import rvtools --vinfo VINFO.csv [--vhost VHOST.csv] [-o estate.yaml] [--name NAME]

Turns an RVTools export (the CSV of its vInfo tab, and of its vHost tab; RVTools' "Export all
to CSV" names them RVTools_tabvInfo.csv and RVTools_tabvHost.csv) into an estate file.
Datacenters become sites, vHost rows hypervisor hosts, powered-on VMs workloads; powered-off
VMs, templates and SRM placeholders are left out and counted. Either separator (, or ;),
MiB or MB columns, a BOM and any column order are accepted.

  --vinfo FILE              the vInfo tab as CSV (required)
  --vhost FILE              the vHost tab as CSV; without it hosts are inferred from the VMs
  -o, --output FILE         write the estate YAML here (default: stdout)
  --name NAME               the estate's name (default: from the datacenters)
  --cpu-from-host-usage     write each VM's cpuUtilization as its host's CPU usage % (an
                            estimate, flagged as such); default: leave it out, so 1 is assumed

RVTools has no IOPS, network demand or per-VM CPU utilisation: the summary on stderr and
provenance.notes in the file give the data confidence and everything defaulted or guessed.
Exit 0 on success, 2 on bad input or usage.`;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        vinfo: { type: 'string' },
        vhost: { type: 'string' },
        output: { type: 'string', short: 'o' },
        name: { type: 'string' },
        'cpu-from-host-usage': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The few lines a person reads after an import. */
export function importSummary(report: ImportReport, output: string | null): string {
  const out = report.leftOut;
  const leftOut = out.poweredOff + out.suspended + out.templates + out.srmPlaceholders + out.unnamed;
  const d = report.defaulted;
  const guessed = (field: 'application' | 'role') => report.guesses.filter((g) => g.field === field).length;
  const lines = [
    `imported ${plural(report.workloadsImported, 'VM')} as workloads (of ${report.vmRows} vInfo rows), ` +
      `${plural(report.hostsImported, 'host')}${report.hostsInferred ? ' (inferred: no vHost)' : ''}, ` +
      `${plural(report.sites, 'site')}`,
    `left out ${leftOut}: powered off ${out.poweredOff}, suspended ${out.suspended}, templates ${out.templates}, ` +
      `SRM placeholders ${out.srmPlaceholders}, rows without a name ${out.unnamed}`,
    `defaulted: cpuUtilization ${d.cpuUtilization}, iops ${d.iops}, networkMbps ${d.networkMbps}, ` +
      `storageGiB ${d.storageGiB}, vcpus ${d.vcpus}, currentHost ${d.currentHost}` +
      (report.figures.estimated > 0
        ? `; cpuUtilization ESTIMATED from host usage for ${report.figures.estimated}`
        : ''),
    `guessed (check them): application ${guessed('application')}, role ${guessed('role')}`,
    `data confidence ${Math.round(report.dataConfidence * 100)}% ` +
      `(${report.figures.measured} of ${report.figures.total} sizing figures measured)`,
  ];
  if (report.warnings.length > 0) {
    lines.push(`${plural(report.warnings.length, 'warning')}:`);
    for (const w of report.warnings.slice(0, MAX_WARNINGS_SHOWN)) lines.push(`  ${formatImportIssue(w)}`);
    if (report.warnings.length > MAX_WARNINGS_SHOWN) {
      lines.push(`  ... and ${report.warnings.length - MAX_WARNINGS_SHOWN} more`);
    }
  }
  if (output !== null) lines.push(`wrote ${output}`);
  return `${lines.map((l) => `import rvtools: ${l}`).join('\n')}\n`;
}

function runRvtools(argv: readonly string[], io: Io): number {
  const { values, positionals } = parse(argv);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.vinfo === undefined) throw new UsageError('missing --vinfo FILE (the vInfo tab as CSV)');
  const vInfoCsv = io.readFile(values.vinfo);
  const vHostCsv = values.vhost === undefined ? undefined : io.readFile(values.vhost);
  const result = importRvtools({
    vInfoCsv,
    ...(vHostCsv === undefined ? {} : { vHostCsv }),
    options: {
      ...(values.name === undefined ? {} : { name: values.name }),
      cpuUtilizationFromHostUsage: values['cpu-from-host-usage'] === true,
      vInfoLabel: values.vinfo,
      ...(values.vhost === undefined ? {} : { vHostLabel: values.vhost }),
    },
  });
  if (!result.ok) {
    const issues = result.error.map(formatImportIssue);
    throw new UsageError(
      issues.length === 1 ? issues[0]! : `cannot import (${issues.length} errors):\n  ${issues.join('\n  ')}`,
    );
  }
  const imported: RvtoolsImport = result.value;
  const yaml = rvtoolsEstateYaml(imported.document);
  const output = values.output ?? null;
  if (output === null || output === '-') io.stdout(yaml);
  else io.writeFile(output, yaml);
  io.stderr(importSummary(imported.report, output === '-' ? null : output));
  return 0;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Turn an inventory export (RVTools vInfo/vHost CSV) into an estate file',
  help: HELP,
  run: async (argv, io) => {
    const [format, ...rest] = argv;
    if (format === undefined) throw new UsageError('missing the export format: virtplan import rvtools ...');
    if (format !== 'rvtools') throw new UsageError(`unknown export format '${format}' (known: rvtools)`);
    return runRvtools(rest, io);
  },
};
