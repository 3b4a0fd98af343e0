/**
 * Import of an RVTools inventory (the CSV exports of its `vInfo` and `vHost` tabs) into an
 * estate document (estate-v1, `../../../../shared/spec/estate-v1.md`).
 *
 * Pure: takes the CSV text, returns the document and a report, never throws for bad input.
 * What RVTools does not know (IOPS, network demand, per-VM CPU utilisation, criticality,
 * PHI, vendor support, policies) is left out of the document so the estate parser defaults
 * it and counts it as *assumed*; the report says so and carries the data confidence.
 */
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { err, ok, type Result } from '../shared/result.ts';

/** A problem found in one of the CSV files. `row` is the file's line number (header = 1). */
export interface ImportIssue {
  /** The file label, `vInfo.csv` or `vHost.csv` unless the caller named them. */
  readonly file: string;
  readonly row: number | null;
  readonly column: string | null;
  readonly message: string;
}

export interface ImportRvtoolsOptions {
  /** Estate name; default derived from the datacenters. */
  readonly name?: string;
  /**
   * Write each VM's `cpuUtilization` as its host's `CPU usage %` from vHost. This is an
   * estimate (a host average, not the VM's 95th percentile) and is flagged in the report;
   * off by default, so the estate assumes 1 (fully busy).
   */
  readonly cpuUtilizationFromHostUsage?: boolean;
  /** How errors name the files; default `vInfo.csv` and `vHost.csv`. */
  readonly vInfoLabel?: string;
  readonly vHostLabel?: string;
}

export interface ImportRvtoolsInput {
  readonly vInfoCsv: string;
  readonly vHostCsv?: string;
  readonly options?: ImportRvtoolsOptions;
}

/** The estate-v1 document an import writes: only fields RVTools can fill are present. */
export interface RvtoolsEstateDocument {
  apiVersion: 'virtplan/v1';
  name: string;
  provenance: { source: 'rvtools'; notes: string[] };
  sites: { id: string; name: string }[];
  hosts: {
    id: string;
    site: string;
    role: 'hypervisor';
    cpuCores: number;
    cpuGhz?: number;
    memoryGiB: number;
  }[];
  workloads: {
    id: string;
    name: string;
    application: string;
    role?: 'production' | 'failover' | 'test' | 'training';
    site: string;
    currentHost?: string;
    vcpus: number;
    cpuUtilization?: number;
    memoryGiB: number;
    storageGiB?: number;
  }[];
}

export type GuessBasis =
  | 'annotation-field'
  | 'name-keyword'
  | 'annotation-keyword'
  | 'name-prefix'
  /** Nothing to go on: the application is `Unassigned`. */
  | 'none';

/** An application or role the import inferred rather than read; a person should check it. */
export interface ImportGuess {
  readonly workload: string;
  readonly field: 'application' | 'role';
  readonly value: string;
  readonly basis: GuessBasis;
}

export interface ImportReport {
  /** Data rows read from vInfo (blank rows not counted). */
  readonly vmRows: number;
  readonly workloadsImported: number;
  /** VMs not imported, by reason. */
  readonly leftOut: {
    readonly poweredOff: number;
    readonly suspended: number;
    readonly templates: number;
    readonly srmPlaceholders: number;
    readonly unnamed: number;
  };
  readonly hostsImported: number;
  /** True when no vHost was given and hosts were sized from their guests. */
  readonly hostsInferred: boolean;
  readonly sites: number;
  /** Workloads for which a figure was defaulted, per figure. */
  readonly defaulted: {
    readonly vcpus: number;
    readonly storageGiB: number;
    readonly cpuUtilization: number;
    readonly iops: number;
    readonly networkMbps: number;
    readonly currentHost: number;
  };
  readonly guesses: readonly ImportGuess[];
  readonly warnings: readonly ImportIssue[];
  /**
   * Sizing figures (cpuUtilization, iops, networkMbps, storageGiB per workload) by origin.
   * `estimated` are cpuUtilization values taken from the host average (opt-in).
   */
  readonly figures: {
    readonly measured: number;
    readonly estimated: number;
    readonly assumed: number;
    readonly total: number;
  };
  /** measured / total (estimates count as not measured); 1 when there are no workloads. */
  readonly dataConfidence: number;
  /** Human-readable summary; also written to `document.provenance.notes`. */
  readonly notes: readonly string[];
}

export interface RvtoolsImport {
  readonly document: RvtoolsEstateDocument;
  readonly report: ImportReport;
}

/** `vInfo.csv row 12, column 'Memory': message` */
export function formatImportIssue(issue: ImportIssue): string {
  const where = [
    issue.row === null ? null : `row ${issue.row}`,
    issue.column === null ? null : `column '${issue.column}'`,
  ].filter((part) => part !== null);
  return `${issue.file}${where.length > 0 ? ` ${where.join(', ')}` : ''}: ${issue.message}`;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV reading                                                                                 */

interface Table {
  readonly label: string;
  readonly header: readonly string[];
  /** Normalised header name -> column index (first occurrence wins). */
  readonly index: ReadonlyMap<string, number>;
  readonly rows: readonly { readonly row: number; readonly cells: readonly string[] }[];
  /** ',' or '.', the decimal separator this file's locale most likely uses. */
  readonly decimal: ',' | '.';
}

const normaliseHeader = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

function sniffDelimiter(firstLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

const shorten = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

function readTable(text: string, label: string): Result<Table, ImportIssue[]> {
  const issue = (message: string, row: number | null = null): ImportIssue => ({
    file: label,
    row,
    column: null,
    message,
  });
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.startsWith('PK\u0003\u0004')) {
    return err([
      issue(
        'an Excel workbook (.xlsx), not CSV: export the tabs as CSV (RVTools: File > Export all to CSV) or save the sheet as CSV',
      ),
    ]);
  }
  if (body.slice(0, 512).includes('\u0000')) {
    return err([issue('not UTF-8 text (UTF-16 or binary?): export or save the CSV as UTF-8')]);
  }
  let lineOffset = 0;
  let delimiter: ',' | ';' | '\t' | undefined;
  const sep = /^sep=(.)\r?\n/i.exec(body);
  if (sep) {
    const declared = sep[1];
    if (declared === ',' || declared === ';' || declared === '\t') delimiter = declared;
    body = body.slice(sep[0].length);
    lineOffset = 1;
  }
  const firstLine = /^[^\r\n]*/.exec(body)?.[0] ?? '';
  delimiter ??= sniffDelimiter(firstLine);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(body, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: unknown }).lines;
      return err([
        issue(
          `not readable as CSV: ${error.message.replace(/ at line \d+$/, '')}`,
          typeof line === 'number' ? line + lineOffset : null,
        ),
      ]);
    }
    throw error;
  }
  const [head, ...data] = records;
  if (head === undefined || head.record.every((cell) => cell.trim() === '')) {
    return err([issue('empty: no header row')]);
  }
  const header = head.record.map((cell) => cell.trim());
  const index = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normaliseHeader(name);
    if (key !== '' && !index.has(key)) index.set(key, i);
  });
  return ok({
    label,
    header,
    index,
    rows: data
      .filter((r) => r.record.some((cell) => cell.trim() !== ''))
      .map((r) => ({ row: r.info.lines + lineOffset, cells: r.record })),
    decimal: delimiter === ';' ? ',' : '.',
  });
}

function findColumn(table: Table, names: readonly string[]): { name: string; index: number } | null {
  for (const name of names) {
    const i = table.index.get(normaliseHeader(name));
    if (i !== undefined) return { name: table.header[i] ?? name, index: i };
  }
  return null;
}

function missingColumn(
  table: Table,
  names: readonly string[],
  wanted = names.map((n) => `'${n}'`).join(' or '),
): ImportIssue {
  const shown = table.header.slice(0, 15).map((h) => shorten(h, 40));
  const more = table.header.length > shown.length ? `, … ${table.header.length - shown.length} more` : '';
  return {
    file: table.label,
    row: 1,
    column: null,
    message: `no column ${wanted} (found: ${shown.join(', ')}${more})`,
  };
}

/**
 * A number as an export writes it: thousand separators (`1,024`, `1.024`, `1 024`, `1'024`),
 * either decimal separator, an optional trailing `%`. Returns null for anything else
 * (including exponents, NaN, Infinity and values too large to be finite).
 */
export function parseExportNumber(raw: string, decimal: ',' | '.' = '.'): number | null {
  let s = raw.trim().replace(/[\s\u00a0\u202f'’]/g, '');
  if (s.endsWith('%')) s = s.slice(0, -1);
  if (s === '') return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  let dec: ',' | '.' = decimal;
  if (lastComma >= 0 && lastDot >= 0) dec = lastComma > lastDot ? ',' : '.';
  const group = dec === '.' ? ',' : '.';
  if (s.includes(group)) {
    const grouped = new RegExp(`^-?\\d{1,3}(\\${group}\\d{3})+(\\${dec}\\d+)?$`);
    if (grouped.test(s)) s = s.split(group).join('');
    else if (!s.includes(dec) && s.split(group).length === 2) dec = group;
    else return null;
  }
  if (dec === ',') s = s.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const value = Number(s);
  return Number.isFinite(value) ? value : null;
}

/** Rounds to `decimals`, but never turns a value > 0 into 0 or a finite one into Infinity. */
const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return Number.isFinite(rounded) && (rounded > 0 || value <= 0) ? rounded : value;
};

/* ------------------------------------------------------------------------------------------ */
/* Ids, applications, roles                                                                    */

/** Lower-case `[a-z0-9][a-z0-9-]*`, at most 63 characters; `fallback` when nothing is left. */
export function sanitiseId(text: string, fallback: string): string {
  const id = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return id === '' ? fallback : id;
}

/** Ids unique within one namespace: `base`, then `base-2`, `base-3`... (amortised linear). */
class IdAllocator {
  private readonly taken = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  allocate(base: string): string {
    let id = base;
    let n = this.nextSuffix.get(base) ?? 2;
    while (this.taken.has(id)) {
      id = `${base.slice(0, 58)}-${n}`;
      n += 1;
    }
    this.nextSuffix.set(base, n);
    this.taken.add(id);
    return id;
  }
}

/** Keyword (a token of the VM name or annotation) -> application. Earlier entries win. */
const APPLICATION_KEYWORDS: readonly [RegExp, string][] = [
  [/^(hl7|iface|interface|interfaces|mirth|rhapsody|cloverleaf|ensemble)$/, 'EMR interface'],
  [/^(pacs|pacsdb|pacsweb)$/, 'PACS'],
  [/^(ris|risdb)$/, 'RIS'],
  [/^(emr|ehr|epic|cerner|meditech|his)$/, 'EMR'],
  [/^(dicom|dcm|router|dcmrouter|dicomrouter)$/, 'DICOM router'],
  [/^(mail|exch|exchange|smtp|mx|owa)$/, 'Mail'],
  [/^(dc|ad|adds|ldap|directory)$/, 'Directory'],
  [/^(dns|dhcp|ntp)$/, 'Network services'],
  [/^(lis|lab|labs)$/, 'LIS'],
  [/^(print|prt|printing)$/, 'Print'],
  [/^(file|fs|files|fileserver)$/, 'File'],
  [/^(backup|bkp|veeam)$/, 'Backup'],
  [/^(citrix|ctx|xa|xd|vdi)$/, 'Citrix'],
  [/^(vcenter|vcsa|vc)$/, 'vCenter'],
  [/^(av|epo|antivirus)$/, 'Antivirus'],
  [/^(web|www|intranet)$/, 'Intranet'],
  [/^(pharm|pharmacy)$/, 'Pharmacy'],
];

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');

function keywordApplication(text: string): string | null {
  const ts = tokens(text);
  // "emr-iface": an interface of the EMR, not the EMR itself.
  for (const [pattern, application] of APPLICATION_KEYWORDS) {
    if (ts.some((t) => pattern.test(t) || pattern.test(t.replace(/\d+$/, '')))) return application;
  }
  return null;
}

function guessApplication(vmName: string, annotation: string): { value: string; basis: GuessBasis } | null {
  const field = /\b(?:app|application|service|system)\s*[:=]\s*([^;,\r\n|]+)/i.exec(annotation)?.[1]?.trim();
  if (field) return { value: shorten(field, 80), basis: 'annotation-field' };
  const fromName = keywordApplication(vmName);
  if (fromName) return { value: fromName, basis: 'name-keyword' };
  const fromAnnotation = keywordApplication(annotation);
  if (fromAnnotation) return { value: fromAnnotation, basis: 'annotation-keyword' };
  const prefix = tokens(vmName)
    .map((t) => t.replace(/\d+$/, ''))
    .find((t) => /^[a-z]/.test(t));
  if (prefix) {
    const value = prefix.length <= 4 ? prefix.toUpperCase() : prefix[0]!.toUpperCase() + prefix.slice(1);
    return { value: shorten(value, 80), basis: 'name-prefix' };
  }
  return null;
}

function guessRole(vmName: string): 'failover' | 'test' | 'training' | null {
  const ts = tokens(vmName).map((t) => t.replace(/\d+$/, ''));
  if (ts.some((t) => /^(test|tst|dev|qa|uat|val|staging|stg)$/.test(t))) return 'test';
  if (ts.some((t) => /^(fo|failover|standby|stby|replica|secondary)$/.test(t))) return 'failover';
  if (ts.some((t) => /^(train|trn|training|edu)$/.test(t))) return 'training';
  return null;
}

/* ------------------------------------------------------------------------------------------ */
/* Import                                                                                      */

const VINFO = {
  vm: ['VM', 'VM Name', 'Name'],
  powerstate: ['Powerstate', 'Power state'],
  template: ['Template'],
  srm: ['SRM Placeholder'],
  cpus: ['CPUs', 'Num CPU', '# CPU'],
  memory: ['Memory', 'Memory MiB', 'Memory MB'],
  inUse: ['In Use MiB', 'In Use MB'],
  provisioned: ['Provisioned MiB', 'Provisioned MB'],
  host: ['Host'],
  cluster: ['Cluster'],
  datacenter: ['Datacenter'],
  application: ['Application'],
  annotation: ['Annotation', 'Notes'],
} as const;

const VHOST = {
  host: ['Host', 'Name'],
  datacenter: ['Datacenter'],
  cores: ['# Cores', 'Num Cores'],
  sockets: ['# CPU', 'Num CPU'],
  coresPerCpu: ['Cores per CPU'],
  speed: ['Speed', 'CPU Speed'],
  memory: ['# Memory', 'Memory', 'Memory MiB', 'Memory MB'],
  cpuUsage: ['CPU usage %', 'CPU usage'],
} as const;

const DEFAULT_SITE_NAME = '(no datacenter in the export)';
/** vCPUs per core assumed when hosts are sized from their guests (no vHost). */
const INFERRED_VCPUS_PER_CORE = 4;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Errors returned at most: a broken export can have one per row, and a person reads them. */
export const MAX_IMPORT_ERRORS = 50;

function capped(errors: ImportIssue[]): ImportIssue[] {
  if (errors.length <= MAX_IMPORT_ERRORS) return errors;
  const rest = errors.length - MAX_IMPORT_ERRORS;
  const files = [...new Set(errors.slice(MAX_IMPORT_ERRORS).map((e) => e.file))];
  return [
    ...errors.slice(0, MAX_IMPORT_ERRORS),
    { file: files.join(', '), row: null, column: null, message: `… and ${rest} more errors like these` },
  ];
}

const pct = (part: number, whole: number): string =>
  whole === 0 ? '100%' : `${Math.round((100 * part) / whole)}%`;

/** `row 7` or `rows 7, 9, ... and 3 more`. */
const rowList = (rows: readonly number[]): string =>
  `row${rows.length === 1 ? '' : 's'} ${rows.length <= 8 ? rows.join(', ') : `${rows.slice(0, 8).join(', ')} and ${rows.length - 8} more`}`;

interface HostDraft {
  id: string;
  name: string;
  datacenter: string | null;
  cpuCores: number;
  cpuGhz: number | null;
  memoryGiB: number;
  cpuUsage: number | null;
}

/**
 * Turns RVTools `vInfo` (and optionally `vHost`) CSV exports into an estate document.
 * Errors (an unreadable file, a required column missing, a required figure unreadable) are
 * all returned at once; everything else the import had to decide is in the report.
 */
export function importRvtools(input: ImportRvtoolsInput): Result<RvtoolsImport, ImportIssue[]> {
  const options = input.options ?? {};
  const vInfoLabel = options.vInfoLabel ?? 'vInfo.csv';
  const vHostLabel = options.vHostLabel ?? 'vHost.csv';
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];

  const vInfo = readTable(input.vInfoCsv, vInfoLabel);
  const vHost = input.vHostCsv === undefined ? null : readTable(input.vHostCsv, vHostLabel);
  if (!vInfo.ok) errors.push(...vInfo.error);
  if (vHost && !vHost.ok) errors.push(...vHost.error);
  if (!vInfo.ok || (vHost && !vHost.ok)) return err(errors);
  const info = vInfo.value;
  const hostTable = vHost?.ok ? vHost.value : null;

  /* Columns */
  const col = (table: Table, names: readonly string[], required: boolean) => {
    const found = findColumn(table, names);
    if (!found && required) errors.push(missingColumn(table, names));
    return found;
  };
  const vi = {
    vm: col(info, VINFO.vm, true),
    powerstate: col(info, VINFO.powerstate, false),
    template: col(info, VINFO.template, false),
    srm: col(info, VINFO.srm, false),
    cpus: col(info, VINFO.cpus, false),
    memory: col(info, VINFO.memory, true),
    inUse: col(info, VINFO.inUse, false),
    provisioned: col(info, VINFO.provisioned, false),
    host: col(info, VINFO.host, false),
    datacenter: col(info, VINFO.datacenter, false),
    application: col(info, VINFO.application, false),
    annotation: col(info, VINFO.annotation, false),
  };
  const vh = hostTable
    ? {
        host: col(hostTable, VHOST.host, true),
        datacenter: col(hostTable, VHOST.datacenter, false),
        cores: findColumn(hostTable, VHOST.cores),
        sockets: findColumn(hostTable, VHOST.sockets),
        coresPerCpu: findColumn(hostTable, VHOST.coresPerCpu),
        speed: col(hostTable, VHOST.speed, false),
        memory: col(hostTable, VHOST.memory, true),
        cpuUsage: col(hostTable, VHOST.cpuUsage, false),
      }
    : null;
  if (hostTable && vh && !vh.cores && !(vh.sockets && vh.coresPerCpu)) {
    errors.push(missingColumn(hostTable, [], "'# Cores' (or '# CPU' and 'Cores per CPU')"));
  }
  if (errors.length > 0) return err(errors);

  const cell = (cells: readonly string[], c: { index: number } | null): string =>
    c === null ? '' : (cells[c.index] ?? '').trim();
  const problem = (
    list: ImportIssue[],
    table: Table,
    row: number,
    c: { name: string } | null,
    message: string,
  ): void => {
    list.push({ file: table.label, row, column: c?.name ?? null, message });
  };
  /** A figure >= 0: null when the cell is empty; undefined (and an issue) when unreadable. */
  const figure = (
    table: Table,
    row: number,
    cells: readonly string[],
    c: { name: string; index: number } | null,
    list: ImportIssue[],
    consequence: string,
  ): number | null | undefined => {
    const raw = cell(cells, c);
    if (raw === '') return null;
    const value = parseExportNumber(raw, table.decimal);
    if (value === null || value < 0) {
      problem(list, table, row, c, `'${shorten(raw, 40)}' is not a number >= 0${consequence}`);
      return undefined;
    }
    return value;
  };

  /* Hosts from vHost */
  const hostDrafts: HostDraft[] = [];
  const hostByName = new Map<string, HostDraft>();
  const hostIds = new IdAllocator();
  if (hostTable && vh) {
    for (const { row, cells } of hostTable.rows) {
      const name = cell(cells, vh.host);
      if (name === '') {
        problem(warnings, hostTable, row, vh.host, 'no host name: row left out');
        continue;
      }
      const key = name.toLowerCase();
      if (hostByName.has(key)) {
        problem(warnings, hostTable, row, vh.host, `host '${shorten(name, 60)}' listed again: row left out`);
        continue;
      }
      let cores: number | null | undefined;
      if (vh.cores) cores = figure(hostTable, row, cells, vh.cores, errors, '');
      if ((cores === null || cores === undefined) && vh.sockets && vh.coresPerCpu) {
        const sockets = figure(hostTable, row, cells, vh.sockets, errors, '');
        const perCpu = figure(hostTable, row, cells, vh.coresPerCpu, errors, '');
        if (typeof sockets === 'number' && typeof perCpu === 'number') cores = sockets * perCpu;
      }
      if (cores === null) {
        problem(errors, hostTable, row, vh.cores ?? vh.sockets, 'no core count for this host');
      } else if (typeof cores === 'number' && (!Number.isInteger(cores) || cores < 1)) {
        problem(
          errors,
          hostTable,
          row,
          vh.cores ?? vh.sockets,
          `${cores} is not a whole number of cores >= 1`,
        );
        cores = undefined;
      }
      let memoryMiB = figure(hostTable, row, cells, vh.memory, errors, '');
      if (memoryMiB === null) problem(errors, hostTable, row, vh.memory, 'no memory size for this host');
      else if (memoryMiB === 0) {
        problem(errors, hostTable, row, vh.memory, 'a host with 0 memory');
        memoryMiB = undefined;
      }
      const speedMHz = figure(hostTable, row, cells, vh.speed, warnings, ': cpuGhz defaulted');
      const usage = figure(hostTable, row, cells, vh.cpuUsage, warnings, ': not used');
      if (typeof cores !== 'number' || typeof memoryMiB !== 'number') continue;
      const draft: HostDraft = {
        id: hostIds.allocate(sanitiseId(/^[\d.]+$/.test(name) ? name : (name.split('.')[0] ?? name), 'host')),
        name,
        datacenter: cell(cells, vh.datacenter) || null,
        cpuCores: cores,
        cpuGhz: typeof speedMHz === 'number' && speedMHz > 0 ? round(speedMHz / 1000, 3) : null,
        memoryGiB: round(memoryMiB / 1024, 2),
        cpuUsage: typeof usage === 'number' ? Math.min(1, round(usage / 100, 4)) : null,
      };
      hostDrafts.push(draft);
      hostByName.set(key, draft);
    }
    if (hostDrafts.length === 0 && errors.length === 0) {
      errors.push({ file: hostTable.label, row: null, column: null, message: 'no host rows' });
    }
  }

  /* VMs */
  const leftOut = { poweredOff: 0, suspended: 0, templates: 0, srmPlaceholders: 0, unnamed: 0 };
  interface VmDraft {
    row: number;
    name: string;
    hostName: string;
    datacenter: string | null;
    vcpus: number | null;
    memoryGiB: number;
    storageGiB: number | null;
    storageFrom: 'in-use' | 'provisioned' | null;
    application: { value: string; basis: GuessBasis | 'column' } | null;
    role: 'failover' | 'test' | 'training' | null;
  }
  const vms: VmDraft[] = [];
  const isTrue = (text: string): boolean => /^(true|yes|1|x)$/i.test(text);
  const isFalse = (text: string): boolean => /^(false|no|0|)$/i.test(text);
  for (const { row, cells } of info.rows) {
    const name = cell(cells, vi.vm);
    if (name === '') {
      leftOut.unnamed += 1;
      problem(warnings, info, row, vi.vm, 'no VM name: row left out');
      continue;
    }
    const template = cell(cells, vi.template);
    if (isTrue(template)) {
      leftOut.templates += 1;
      continue;
    }
    if (!isFalse(template))
      problem(warnings, info, row, vi.template, `'${shorten(template, 40)}': read as not a template`);
    if (isTrue(cell(cells, vi.srm))) {
      leftOut.srmPlaceholders += 1;
      continue;
    }
    const power = cell(cells, vi.powerstate)
      .toLowerCase()
      .replace(/[\s_-]/g, '');
    if (power === 'poweredoff' || power === 'off') {
      leftOut.poweredOff += 1;
      continue;
    }
    if (power === 'suspended') {
      leftOut.suspended += 1;
      continue;
    }
    if (vi.powerstate && power !== 'poweredon' && power !== 'on') {
      problem(
        warnings,
        info,
        row,
        vi.powerstate,
        `'${shorten(cell(cells, vi.powerstate), 40)}': read as powered on`,
      );
    }
    const memoryMiB = figure(info, row, cells, vi.memory, errors, '');
    if (memoryMiB === null)
      problem(errors, info, row, vi.memory, `no memory size for VM '${shorten(name, 60)}'`);
    let vcpus = figure(info, row, cells, vi.cpus, warnings, ': vcpus defaulted to 1');
    if (typeof vcpus === 'number' && (!Number.isInteger(vcpus) || vcpus < 1)) {
      problem(warnings, info, row, vi.cpus, `${vcpus} is not a whole number >= 1: vcpus defaulted to 1`);
      vcpus = undefined;
    }
    const inUse = figure(info, row, cells, vi.inUse, warnings, '');
    const provisioned = figure(info, row, cells, vi.provisioned, warnings, '');
    if (typeof memoryMiB !== 'number') continue;
    const storageMiB =
      typeof inUse === 'number' ? inUse : typeof provisioned === 'number' ? provisioned : null;
    const column = cell(cells, vi.application);
    const annotation = cell(cells, vi.annotation);
    vms.push({
      row,
      name,
      hostName: cell(cells, vi.host),
      datacenter: cell(cells, vi.datacenter) || null,
      vcpus: typeof vcpus === 'number' ? vcpus : null,
      memoryGiB: round(memoryMiB / 1024, 3),
      storageGiB: storageMiB === null ? null : round(storageMiB / 1024, 2),
      storageFrom:
        typeof inUse === 'number' ? 'in-use' : typeof provisioned === 'number' ? 'provisioned' : null,
      application:
        column !== '' ? { value: shorten(column, 80), basis: 'column' } : guessApplication(name, annotation),
      role: guessRole(name),
    });
  }
  if (errors.length > 0) return err(capped(errors));

  /* Hosts inferred from vInfo when there is no vHost */
  const hostsInferred = hostTable === null;
  if (hostsInferred) {
    const guests = new Map<string, VmDraft[]>();
    for (const vm of vms) {
      if (vm.hostName === '') continue;
      const key = vm.hostName.toLowerCase();
      const list = guests.get(key);
      if (list) list.push(vm);
      else guests.set(key, [vm]);
    }
    for (const [key, list] of guests) {
      const first = list[0]!;
      const vcpus = list.reduce((sum, vm) => sum + (vm.vcpus ?? 1), 0);
      const draft: HostDraft = {
        id: hostIds.allocate(
          sanitiseId(
            /^[\d.]+$/.test(first.hostName) ? first.hostName : (first.hostName.split('.')[0] ?? ''),
            'host',
          ),
        ),
        name: first.hostName,
        datacenter: first.datacenter,
        cpuCores: Math.max(1, Math.ceil(vcpus / INFERRED_VCPUS_PER_CORE)),
        cpuGhz: null,
        memoryGiB: Math.max(1, Math.ceil(list.reduce((sum, vm) => sum + vm.memoryGiB, 0))),
        cpuUsage: null,
      };
      hostDrafts.push(draft);
      hostByName.set(key, draft);
    }
    if (hostDrafts.length === 0) {
      return err([
        {
          file: info.label,
          row: null,
          column: null,
          message: vi.host
            ? 'no powered-on VM names its host and no vHost.csv was given: the estate would have no host'
            : "no column 'Host' and no vHost.csv: the estate would have no host",
        },
      ]);
    }
  }

  /* Sites: one per datacenter */
  const siteIds = new IdAllocator();
  const siteByDatacenter = new Map<string, { id: string; name: string }>();
  const siteFor = (datacenter: string | null): string => {
    const key = datacenter ?? '';
    let site = siteByDatacenter.get(key);
    if (!site) {
      site =
        datacenter === null
          ? { id: siteIds.allocate('datacenter'), name: DEFAULT_SITE_NAME }
          : { id: siteIds.allocate(sanitiseId(datacenter, 'datacenter')), name: shorten(datacenter, 200) };
      siteByDatacenter.set(key, site);
    }
    return site.id;
  };
  // Sites in the order datacenters first appear: hosts, then VMs.
  const hostSite = new Map<HostDraft, string>();
  for (const host of hostDrafts) hostSite.set(host, siteFor(host.datacenter));

  /* Workloads */
  const workloadIds = new IdAllocator();
  const guesses: ImportGuess[] = [];
  const defaulted = { vcpus: 0, storageGiB: 0, cpuUtilization: 0, iops: 0, networkMbps: 0, currentHost: 0 };
  const unknownHosts = new Map<string, number[]>();
  const siteMismatch: number[] = [];
  const storageFromProvisioned: number[] = [];
  const vcpusDefaulted: number[] = [];
  let estimated = 0;
  let measured = 0;
  const workloads: RvtoolsEstateDocument['workloads'] = vms.map((vm) => {
    const id = workloadIds.allocate(sanitiseId(vm.name, 'vm'));
    const host = vm.hostName === '' ? undefined : hostByName.get(vm.hostName.toLowerCase());
    if (vm.hostName !== '' && !host) {
      const rows = unknownHosts.get(vm.hostName);
      if (rows) rows.push(vm.row);
      else unknownHosts.set(vm.hostName, [vm.row]);
    }
    // A workload runs where its host is (the estate requires it); the VM's own Datacenter
    // column only decides when the host is unknown.
    const ownSite = vm.datacenter !== null ? siteFor(vm.datacenter) : null;
    const site = host ? hostSite.get(host)! : (ownSite ?? siteFor(null));
    if (host && ownSite !== null && ownSite !== site) siteMismatch.push(vm.row);
    let application = vm.application?.value;
    if (vm.application === null) {
      application = 'Unassigned';
      guesses.push({ workload: id, field: 'application', value: application, basis: 'none' });
    } else if (vm.application.basis !== 'column') {
      guesses.push({
        workload: id,
        field: 'application',
        value: vm.application.value,
        basis: vm.application.basis,
      });
    }
    if (vm.role) guesses.push({ workload: id, field: 'role', value: vm.role, basis: 'name-keyword' });
    const workload: RvtoolsEstateDocument['workloads'][number] = {
      id,
      name: vm.name,
      application: application ?? 'Unassigned',
      ...(vm.role ? { role: vm.role } : {}),
      site,
      ...(host ? { currentHost: host.id } : {}),
      vcpus: vm.vcpus ?? 1,
      ...(options.cpuUtilizationFromHostUsage && host?.cpuUsage != null
        ? { cpuUtilization: host.cpuUsage }
        : {}),
      memoryGiB: vm.memoryGiB,
      ...(vm.storageGiB !== null ? { storageGiB: vm.storageGiB } : {}),
    };
    if (vm.vcpus === null) {
      defaulted.vcpus += 1;
      vcpusDefaulted.push(vm.row);
    }
    if (vm.storageGiB === null) defaulted.storageGiB += 1;
    else measured += 1;
    if (vm.storageFrom === 'provisioned') storageFromProvisioned.push(vm.row);
    if (workload.cpuUtilization === undefined) defaulted.cpuUtilization += 1;
    else estimated += 1;
    if (!host) defaulted.currentHost += 1;
    defaulted.iops += 1;
    defaulted.networkMbps += 1;
    return workload;
  });
  for (const [name, rows] of unknownHosts) {
    warnings.push({
      file: info.label,
      row: rows[0] ?? null,
      column: vi.host?.name ?? null,
      message: `host '${shorten(name, 60)}' is not in ${vHostLabel}: currentHost left out for ${plural(rows.length, 'VM')} (${rowList(rows)})`,
    });
  }
  if (siteMismatch.length > 0) {
    warnings.push({
      file: info.label,
      row: siteMismatch[0] ?? null,
      column: vi.datacenter?.name ?? null,
      message: `datacenter differs from the host's for ${plural(siteMismatch.length, 'VM')} (${rowList(siteMismatch)}): the host's datacenter was used`,
    });
  }

  const sites = [...siteByDatacenter.values()];
  const hosts: RvtoolsEstateDocument['hosts'] = hostDrafts.map((h) => ({
    id: h.id,
    site: hostSite.get(h)!,
    role: 'hypervisor',
    cpuCores: h.cpuCores,
    ...(h.cpuGhz !== null ? { cpuGhz: h.cpuGhz } : {}),
    memoryGiB: h.memoryGiB,
  }));

  /* Confidence and notes */
  const total = workloads.length * 4;
  const assumed = total - measured - estimated;
  const dataConfidence = total === 0 ? 1 : measured / total;
  const notes: string[] = [];
  const n = workloads.length;
  notes.push(
    `Imported from RVTools ${vInfoLabel} (${info.rows.length} VM rows)` +
      (hostTable ? ` and ${vHostLabel} (${hostTable.rows.length} host rows)` : '') +
      `: ${plural(n, 'workload')}, ${plural(hosts.length, 'host')}, ${plural(sites.length, 'site')}.`,
  );
  const notOn = leftOut.poweredOff + leftOut.suspended;
  const outParts = [
    notOn > 0 ? `${notOn} not powered on (off ${leftOut.poweredOff}, suspended ${leftOut.suspended})` : null,
    leftOut.templates > 0 ? plural(leftOut.templates, 'template') : null,
    leftOut.srmPlaceholders > 0 ? plural(leftOut.srmPlaceholders, 'SRM placeholder') : null,
    leftOut.unnamed > 0 ? `${plural(leftOut.unnamed, 'row')} without a VM name` : null,
  ].filter((p) => p !== null);
  if (outParts.length > 0) notes.push(`Left out: ${outParts.join(', ')}.`);
  if (hostsInferred) {
    notes.push(
      `No vHost export: ${plural(hosts.length, 'host')} inferred from the VMs' Host column and sized as the least that ` +
        `carries their guests (memory = sum of guest memory, cores = guest vCPUs / ${INFERRED_VCPUS_PER_CORE}); ` +
        'import vHost.csv for the real figures.',
    );
  }
  if (n > 0) {
    notes.push(
      `Data confidence ${pct(measured, total)}: ${measured} of ${total} sizing figures measured ` +
        `(storage from RVTools; IOPS, network and per-VM CPU utilisation are not in an RVTools export).`,
    );
    notes.push(
      `Assumed for all ${plural(n, 'workload')}: iops 0 and networkMbps 0; criticality, PHI, vendor support and RPO/RTO ` +
        'take the estate defaults (medium, no PHI, unknown): set them before relying on readiness or DR results.',
    );
    if (estimated > 0) {
      notes.push(
        `cpuUtilization of ${plural(estimated, 'workload')} is an ESTIMATE: their host's average CPU usage %, not the VM's ` +
          '95th percentile; the estate file counts it as given.',
      );
    }
    if (defaulted.cpuUtilization > 0) {
      notes.push(
        `cpuUtilization left out for ${plural(defaulted.cpuUtilization, 'workload')}, so it is assumed 1 (fully busy): measure it.`,
      );
    }
    if (defaulted.storageGiB > 0)
      notes.push(`storageGiB unknown for ${plural(defaulted.storageGiB, 'workload')} (assumed 0).`);
    if (storageFromProvisioned.length > 0) {
      notes.push(
        `storageGiB from Provisioned (In Use empty) for ${plural(storageFromProvisioned.length, 'workload')} (${rowList(storageFromProvisioned)}).`,
      );
    }
    if (vcpusDefaulted.length > 0) {
      notes.push(
        `vcpus defaulted to 1 for ${plural(vcpusDefaulted.length, 'workload')} (${rowList(vcpusDefaulted)}).`,
      );
    }
    if (defaulted.currentHost > 0)
      notes.push(`currentHost unknown for ${plural(defaulted.currentHost, 'workload')}.`);
    const byBasis = (basis: GuessBasis) =>
      guesses.filter((g) => g.field === 'application' && g.basis === basis).length;
    const appGuesses = guesses.filter((g) => g.field === 'application').length;
    if (appGuesses > 0) {
      notes.push(
        `application GUESSED for ${plural(appGuesses, 'workload')} (annotation field ${byBasis('annotation-field')}, ` +
          `name keyword ${byBasis('name-keyword')}, annotation keyword ${byBasis('annotation-keyword')}, ` +
          `name prefix ${byBasis('name-prefix')}, none: Unassigned ${byBasis('none')}): check them.`,
      );
    }
    const roleGuesses = guesses.filter((g) => g.field === 'role').length;
    if (roleGuesses > 0)
      notes.push(`role guessed from the VM name for ${plural(roleGuesses, 'workload')}: check them.`);
  }
  if (warnings.length > 0) notes.push(`${plural(warnings.length, 'row problem')} reported by the import.`);

  const datacenters = sites.filter((s) => s.name !== DEFAULT_SITE_NAME).map((s) => s.name);
  const name =
    options.name?.trim() ||
    (datacenters.length > 0 ? `RVTools import: ${shorten(datacenters.join(', '), 120)}` : 'RVTools import');

  const document: RvtoolsEstateDocument = {
    apiVersion: 'virtplan/v1',
    name,
    provenance: { source: 'rvtools', notes },
    sites,
    hosts,
    workloads,
  };
  return ok({
    document,
    report: {
      vmRows: info.rows.length,
      workloadsImported: n,
      leftOut,
      hostsImported: hosts.length,
      hostsInferred,
      sites: sites.length,
      defaulted,
      guesses,
      warnings,
      figures: { measured, estimated, assumed, total },
      dataConfidence,
      notes,
    },
  });
}

/**
 * The imported document as the YAML an estate file holds, with a comment saying where it
 * came from. Reading it back with `parseEstate(text, 'yaml')` gives the imported estate.
 */
export function rvtoolsEstateYaml(document: RvtoolsEstateDocument): string {
  const header = [
    '# Estate imported from an RVTools export by `virtplan import rvtools`.',
    '# provenance.notes says what was left out, defaulted, estimated or guessed: check it, then add',
    '# what RVTools cannot know (criticality, phi, vendorSupport, RPO/RTO, iops, networkMbps, policies).',
  ].join('\n');
  return `${header}\n${stringify(document, { lineWidth: 0 })}`;
}
