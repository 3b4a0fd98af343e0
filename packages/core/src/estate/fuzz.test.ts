/**
 * Bad-input fuzzing (issue 9, part 4, core side). Every mutated estate file and RVTools CSV
 * must be answered by `parseEstate` / `importRvtools` with an error list or a valid value:
 * never a throw, never a hang. Fixed seed and fixed run counts, so CI sees the same inputs
 * every time; the counts and the slowest input are printed for the reliability docs.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import communityHospital from '../../../../examples/community-hospital.yaml?raw';
import specExample from '../../../../examples/spec-example.yaml?raw';
import { estateDocumentArbitrary } from './arbitraries.ts';
import hospitalVHost from './fixtures/rvtools/hospital-vhost.csv?raw';
import hospitalVInfo from './fixtures/rvtools/hospital-vinfo.csv?raw';
import oldVHost from './fixtures/rvtools/old-mb-vhost.csv?raw';
import oldVInfo from './fixtures/rvtools/old-mb-vinfo.csv?raw';
import {
  aliasBomb,
  csvOp,
  generatedExport,
  mutateDocument,
  mutateTable,
  mutateText,
  pathological,
  randomText,
  structuralMutation,
  textOp,
} from './mutate.fuzz.ts';
import { type EstateFormat, parseEstate } from './parse.ts';
import { importRvtools, rvtoolsEstateYaml } from './rvtools.ts';
import type { Estate } from './types.ts';

const SEED = 20261125;
/**
 * Hang detectors, not speed targets: the slowest generated input must answer within the first
 * bound; the named extreme inputs (100,000-deep nesting, 5 MB strings...) within the second.
 */
const TIME_BOUND_MS = 2_000;
const EXTREME_TIME_BOUND_MS = 10_000;
/**
 * Each property takes 5-15 s of CPU; on a shared 2-core machine the wall clock can be 4x
 * that. Hangs are caught per input by the bounds above, so the test timeout only needs room.
 */
const PROPERTY_TIMEOUT_MS = 180_000;

/** Run counts: estate inputs sum to 10,000; CSV inputs to 3,000. */
const RUNS = {
  structuralYaml: 1_500,
  structuralJson: 3_000,
  textual: 2_000,
  pathological: 1_000,
  randomText: 2_500,
  csvFixtures: 1_500,
  csvGenerated: 1_500,
} as const;

// core is compiled without DOM or node types: reach the clock and the console through globalThis.
const host = globalThis as unknown as {
  performance?: { now(): number };
  console: { log(text: string): void };
};
const now = (): number => host.performance?.now() ?? Date.now();

interface Tally {
  inputs: number;
  accepted: number;
  rejected: number;
  slowestMs: number;
}
const tallies = new Map<string, Tally>();
let slowest = { ms: 0, what: '' };
let slowestExtreme = { ms: 0, what: '' };

function record(family: string, kind: string, ms: number, accepted: boolean): void {
  const t = tallies.get(family) ?? { inputs: 0, accepted: 0, rejected: 0, slowestMs: 0 };
  t.inputs += 1;
  if (accepted) t.accepted += 1;
  else t.rejected += 1;
  t.slowestMs = Math.max(t.slowestMs, ms);
  tallies.set(family, t);
  if (family === 'extreme') {
    if (ms > slowestExtreme.ms) slowestExtreme = { ms, what: kind };
  } else if (ms > slowest.ms) slowest = { ms, what: `${family} (${kind})` };
}

const preview = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** An accepted estate must really be valid: finite, in-range figures and resolved references. */
function assertSaneEstate(estate: Estate): void {
  const fail = (what: string) => {
    throw new Error(`accepted an invalid estate: ${what}`);
  };
  if (estate.sites.length === 0 || estate.machines.length === 0) fail('no sites or no machines');
  const sites = new Set(estate.sites.map((s) => s.id));
  const machines = new Set(estate.machines.map((m) => m.id));
  for (const m of estate.machines) {
    if (!sites.has(m.site)) fail(`machine ${m.id} on unknown site`);
    for (const [k, v] of Object.entries({ cpuCores: m.cpuCores, memoryGiB: m.memoryGiB, cpuGhz: m.cpuGhz })) {
      if (!Number.isFinite(v) || v <= 0) fail(`machine ${m.id} ${k} = ${v}`);
    }
    if (Number.isNaN(m.iops) || m.iops < 0 || Number.isNaN(m.storageGiB) || m.storageGiB < 0)
      fail(`machine ${m.id}`);
  }
  for (const w of estate.workloads) {
    if (!sites.has(w.site)) fail(`workload ${w.id} on unknown site`);
    if (w.currentHost !== null && !machines.has(w.currentHost)) fail(`workload ${w.id} on unknown host`);
    const figures = {
      vcpus: w.vcpus,
      memoryGiB: w.memoryGiB,
      iops: w.iops,
      storageGiB: w.storageGiB,
      networkMbps: w.networkMbps,
      rpoMinutes: w.rpoMinutes,
      rtoMinutes: w.rtoMinutes,
      cpuUtilization: w.cpuUtilization,
    };
    for (const [k, v] of Object.entries(figures)) {
      if (!Number.isFinite(v) || v < 0) fail(`workload ${w.id} ${k} = ${v}`);
    }
    if (w.cpuUtilization > 1) fail(`workload ${w.id} cpuUtilization > 1`);
  }
  const c = estate.provenance.dataConfidence;
  if (!(c >= 0 && c <= 1)) fail(`dataConfidence ${c}`);
  JSON.stringify(estate); // no cycles, no BigInt
}

/** Parses one input and checks the answer's shape; throws (failing the property) otherwise. */
function answerEstate(family: string, kind: string, text: string, format: EstateFormat): void {
  const start = now();
  let result: ReturnType<typeof parseEstate>;
  try {
    result = parseEstate(text, format);
  } catch (error) {
    throw new Error(`parseEstate threw ${String(error)} on ${format} ${preview(text)}`);
  }
  record(family, kind, now() - start, result.ok);
  if (result.ok) {
    assertSaneEstate(result.value.estate);
    return;
  }
  if (result.error.length === 0) throw new Error('rejected with no issue');
  for (const issue of result.error) {
    if (typeof issue.path !== 'string' || issue.path === '') throw new Error('issue without a path');
    if (typeof issue.message !== 'string' || issue.message === '') throw new Error('issue without a message');
    if (/\n\s+at /.test(issue.message)) throw new Error(`stack trace in message: ${issue.message}`);
  }
}

const notPolluted = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
};

/** Runs a property with the fixed seed; the global time limit must not cut it short. */
function run<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, check: (value: T) => void): number {
  let count = 0;
  fc.assert(
    fc.property(arbitrary, (value) => {
      count += 1;
      check(value);
    }),
    // The run count is part of the contract (the docs quote it): no time-based interruption.
    { seed: SEED, numRuns, interruptAfterTimeLimit: 10 * 60_000, endOnFailure: true },
  );
  return count;
}

const baseDocuments: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: estateDocumentArbitrary() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      parseYaml(specExample) as unknown,
      parseYaml(communityHospital) as unknown,
      (() => {
        const imported = importRvtools({ vInfoCsv: hospitalVInfo, vHostCsv: hospitalVHost });
        if (!imported.ok) throw new Error('fixture import failed');
        return imported.value.document as unknown;
      })(),
    ),
  },
);

describe('fuzz: estate files (parseEstate)', () => {
  it.each([['yaml' as const], ['json' as const]])(
    'structural mutations of valid files, as %s',
    (format) => {
      const runs = format === 'yaml' ? RUNS.structuralYaml : RUNS.structuralJson;
      const count = run(
        fc.tuple(baseDocuments, fc.array(structuralMutation(format), { minLength: 1, maxLength: 4 })),
        runs,
        ([doc, mutations]) => {
          answerEstate(
            `structural ${format}`,
            mutations.map((m) => m.op.kind).join('+'),
            mutateDocument(doc, mutations, format),
            format,
          );
        },
      );
      expect(count).toBe(runs);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'text mutations of valid files (truncation, inserted bytes, duplicated lines...)',
    () => {
      const baseTexts = fc.oneof(
        fc.constantFrom<[string, EstateFormat]>(
          [specExample, 'yaml'],
          [communityHospital, 'yaml'],
          [JSON.stringify(parseYaml(specExample), null, 2), 'json'],
        ),
        fc
          .tuple(estateDocumentArbitrary({ maxWorkloads: 6 }), fc.constantFrom<EstateFormat>('yaml', 'json'))
          .map(([doc, format]): [string, EstateFormat] => [
            format === 'json' ? JSON.stringify(doc, null, 2) : stringify(doc),
            format,
          ]),
      );
      const count = run(
        fc.tuple(baseTexts, fc.array(textOp, { minLength: 1, maxLength: 5 })),
        RUNS.textual,
        ([[text, format], ops]) => {
          answerEstate(`text ${format}`, ops.map((o) => o.kind).join('+'), mutateText(text, ops), format);
        },
      );
      expect(count).toBe(RUNS.textual);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'pathological files (alias bombs, deep nesting, many keys, count amplification...)',
    () => {
      const count = run(pathological, RUNS.pathological, (p) => {
        answerEstate(`pathological ${p.format}`, p.kind, p.text, p.format);
      });
      expect(count).toBe(RUNS.pathological);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'random text and random bytes',
    () => {
      const count = run(
        fc.tuple(randomText, fc.constantFrom<EstateFormat>('yaml', 'json')),
        RUNS.randomText,
        ([text, format]) => {
          answerEstate(`random ${format}`, 'random', text, format);
        },
      );
      expect(count).toBe(RUNS.randomText);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  describe('extreme sizes, once each', () => {
    const minimal = 'apiVersion: virtplan/v1\nname: x\nsites: [{id: a}]\n';
    it.each<[string, () => string, EstateFormat]>([
      ['YAML flow nesting 100,000 deep', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'yaml'],
      ['JSON nesting 100,000 deep', () => `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 'json'],
      [
        'YAML block nesting 3,000 deep',
        () => Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
        'yaml',
      ],
      ['billion laughs (9 levels of 9)', () => aliasBomb(9, 9), 'yaml'],
      ['billion laughs (30 levels of 2)', () => aliasBomb(30, 2), 'yaml'],
      ['a 5 MB string', () => `${minimal}name2: ${'x'.repeat(5_000_000)}\n`, 'yaml'],
      [
        'a 5 MB JSON string',
        () => JSON.stringify({ apiVersion: 'virtplan/v1', name: 'y'.repeat(5_000_000) }),
        'json',
      ],
      [
        '300 host entries of count 100,000 (30 million machines)',
        () =>
          `${minimal}hosts:\n${Array.from({ length: 300 }, (_, i) => `  - {id: h${i}, site: a, cpuCores: 1, memoryGiB: 1, count: 100000}`).join('\n')}\nworkloads: []\n`,
        'yaml',
      ],
    ])('%s', (name, make, format) => {
      answerEstate('extreme', name, make(), format);
      notPolluted();
    });
  });

  it('regression: 50,000 keys in one YAML mapping answer in linear time (was quadratic: 100,000 took 165 s)', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const start = now();
    const result = parseEstate(`${text}\nk7: dup\n`, 'yaml');
    const ms = now() - start;
    record('extreme', '50,000 keys', ms, result.ok);
    expect(result.ok ? [] : result.error.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '50001: not valid YAML: Map keys must be unique',
    ]);
    // Quadratic took ~40 s for 50,000 keys here; linear takes about 1 s (3 s on a loaded machine).
    expect(ms).toBeLessThan(EXTREME_TIME_BOUND_MS);
  });

  it('regression: duplicate keys in JSON are rejected like duplicate keys in YAML (JSON.parse kept the last)', () => {
    const yaml =
      'apiVersion: virtplan/v1\nname: a\nname: b\nsites: [{id: a}]\nhosts: [{id: h, site: a, cpuCores: 1, memoryGiB: 1}]\nworkloads: []\n';
    const json = (workload: string) =>
      `{"apiVersion": "virtplan/v1", "name": "a", "sites": [{"id": "a"}],\n "hosts": [{"id": "h", "site": "a", "cpuCores": 1, "memoryGiB": 1}],\n "workloads": [{"id": "w", "application": "x", "memoryGiB": 1}, ${workload}]}`;
    const issues = (text: string, format: EstateFormat) => {
      const result = parseEstate(text, format);
      return result.ok ? [] : result.error.map((e) => `${e.path} (line ${e.line}): ${e.message}`);
    };
    expect(issues(yaml, 'yaml')).toEqual(['(root) (line 3): not valid YAML: Map keys must be unique']);
    expect(issues(json('{"id": "v", "application": "x", "memoryGiB": 8, "memoryGiB": 800}'), 'json')).toEqual(
      ['workloads[1].memoryGiB (line 3): not valid JSON: this key is given twice in one object'],
    );
    // Equal after unescaping is equal; the same key in different objects is fine.
    expect(
      issues(json('{"id": "v", "application": "x", "memoryGiB": 8, "memory\\u0047iB": 9}'), 'json'),
    ).toHaveLength(1);
    expect(
      issues(json('{"id": "v", "application": "x", "memoryGiB": 8, "tags": {"id": 1}}'), 'json'),
    ).toEqual([]);
  });

  it(
    'regression: a dependency cycle through 2,000 workloads is named by its ends, not listed whole',
    () => {
      const n = 2_000;
      const workloads = Array.from(
        { length: n },
        (_, i) => `  - {id: w${i}, application: x, memoryGiB: 1, dependsOn: [w${(i + 1) % n}]}`,
      );
      const result = parseEstate(
        `apiVersion: virtplan/v1\nname: x\nsites: [{id: a}]\nhosts: [{id: h, site: a, cpuCores: 1, memoryGiB: 1}]\nworkloads:\n${workloads.join('\n')}\n`,
        'yaml',
      );
      expect(result.ok ? [] : result.error.map((e) => `${e.path}: ${e.message}`)).toEqual([
        'workloads[0].dependsOn: dependency cycle: w0 -> w1 -> w2 -> w3 -> w4 -> w5 -> … 1992 more … -> w1998 -> w1999 -> w0',
      ]);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('regression: host count is bounded in total, not only per entry', () => {
    const hosts = Array.from(
      { length: 50 },
      (_, i) => `  - {id: h${i}, site: a, cpuCores: 1, memoryGiB: 1, count: 100000}`,
    );
    const result = parseEstate(
      `apiVersion: virtplan/v1\nname: x\nsites: [{id: a}]\nhosts:\n${hosts.join('\n')}\nworkloads: []\n`,
      'yaml',
    );
    expect(result.ok ? [] : result.error.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'hosts: the hosts expand into 5000000 machines (count summed); the limit is 100000',
    ]);
  });
});

/* ------------------------------------------------------------------------------------------ */

function answerImport(
  family: string,
  vInfoCsv: string,
  vHostCsv: string | undefined,
  estimate: boolean,
  kind = 'csv',
): void {
  const start = now();
  let result: ReturnType<typeof importRvtools>;
  try {
    result = importRvtools({
      vInfoCsv,
      ...(vHostCsv === undefined ? {} : { vHostCsv }),
      options: { cpuUtilizationFromHostUsage: estimate },
    });
  } catch (error) {
    throw new Error(
      `importRvtools threw ${String(error)} on ${preview(vInfoCsv)} / ${preview(vHostCsv ?? '')}`,
    );
  }
  record(family, kind, now() - start, result.ok);
  if (!result.ok) {
    if (result.error.length === 0) throw new Error('rejected with no issue');
    for (const issue of result.error) {
      // The "... and N more" line may name both files.
      if (!issue.file.split(', ').every((f) => f === 'vInfo.csv' || f === 'vHost.csv')) {
        throw new Error(`issue names ${issue.file}`);
      }
      if (issue.message === '') throw new Error('issue without a message');
    }
    return;
  }
  const { document, report } = result.value;
  if (document.workloads.length !== report.workloadsImported) throw new Error('report count differs');
  if (report.figures.total !== 4 * report.workloadsImported) throw new Error('figure total');
  const out = report.leftOut;
  if (
    report.workloadsImported +
      out.poweredOff +
      out.suspended +
      out.templates +
      out.srmPlaceholders +
      out.unnamed >
    report.vmRows
  ) {
    throw new Error('more VMs accounted for than rows read');
  }
  // The promise of the import: what it writes, the estate parser accepts.
  const yaml = rvtoolsEstateYaml(document);
  const parsed = parseEstate(yaml, 'yaml');
  if (!parsed.ok) {
    throw new Error(
      `import output rejected: ${parsed.error.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  assertSaneEstate(parsed.value.estate);
  if (parsed.value.estate.workloads.length !== report.workloadsImported)
    throw new Error('round trip lost workloads');
  if (!estimate && parsed.value.estate.provenance.dataConfidence !== report.dataConfidence) {
    throw new Error('confidence differs after the round trip');
  }
  if (!parseEstate(JSON.stringify(document), 'json').ok) throw new Error('import output rejected as JSON');
}

const CSV_HEADER = 'VM,Powerstate,CPUs,Memory,In Use MiB,Host\n';

const table = (csv: string, delimiter: string): string[][] =>
  csv
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split(/\r?\n/)
    .map((line) => line.split(delimiter));

describe('fuzz: RVTools CSVs (importRvtools)', () => {
  // The fixtures as tables (their quoted thousands become extra cells: more mutation for free).
  const fixtures = [
    { vInfo: table(hospitalVInfo, ','), vHost: table(hospitalVHost, ',') },
    { vInfo: table(oldVInfo, ';'), vHost: table(oldVHost, ';') },
  ];

  it(
    'mutated fixture exports',
    () => {
      const count = run(
        fc.record({
          fixture: fc.constantFrom(...fixtures),
          infoOps: fc.array(csvOp, { maxLength: 5 }),
          hostOps: fc.array(csvOp, { maxLength: 3 }),
          delimiter: fc.constantFrom<',' | ';' | '\t'>(',', ';', '\t'),
          lineEnd: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
          withHosts: fc.boolean(),
          textOps: fc.array(textOp, { maxLength: 2 }),
          estimate: fc.boolean(),
        }),
        RUNS.csvFixtures,
        (c) => {
          const vInfo = mutateText(
            mutateTable(c.fixture.vInfo, c.infoOps, c.delimiter, c.lineEnd),
            c.textOps,
          );
          const vHost = c.withHosts
            ? mutateTable(c.fixture.vHost, c.hostOps, c.delimiter, c.lineEnd)
            : undefined;
          answerImport('csv fixtures', vInfo, vHost, c.estimate);
        },
      );
      expect(count).toBe(RUNS.csvFixtures);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'generated exports, mutated',
    () => {
      const count = run(
        fc.record({
          generated: generatedExport,
          ops: fc.array(csvOp, { maxLength: 3 }),
          delimiter: fc.constantFrom<',' | ';'>(',', ';'),
          bom: fc.boolean(),
          estimate: fc.boolean(),
        }),
        RUNS.csvGenerated,
        (c) => {
          const vInfo = (c.bom ? '\uFEFF' : '') + mutateTable(c.generated.vInfo, c.ops, c.delimiter, '\r\n');
          answerImport(
            'csv generated',
            vInfo,
            mutateTable(c.generated.vHost, [], c.delimiter, '\n'),
            c.estimate,
          );
        },
      );
      expect(count).toBe(RUNS.csvGenerated);
      notPolluted();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it.each<[string, () => string]>([
    ['5,000 VMs of the same name', () => `${CSV_HEADER}${'pacs,poweredOn,2,4096,100,esx1\n'.repeat(5_000)}`],
    ['a 1 MB cell', () => `${CSV_HEADER}"${'a'.repeat(1_000_000)}",poweredOn,2,4096,100,esx1\n`],
    ['5,000 header cells', () => `${'VM,'.repeat(5_000)}Memory,Host\n`],
    ['100,001 quotes', () => `${CSV_HEADER}${'"'.repeat(100_001)}\n`],
    ['10,000 NUL bytes', () => '\u0000'.repeat(10_000)],
  ])('extreme CSV: %s', (name, make) => {
    answerImport('extreme', make(), undefined, false, name);
  });
});

describe('fuzz: summary', () => {
  afterAll(() => {
    const rows = [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b));
    const estateInputs = rows.filter(([f]) => !f.startsWith('csv')).reduce((n, [, t]) => n + t.inputs, 0);
    const csvInputs = rows.filter(([f]) => f.startsWith('csv')).reduce((n, [, t]) => n + t.inputs, 0);
    const lines = [
      `Fuzzing summary (fast-check seed ${SEED}): ${estateInputs} estate inputs to parseEstate, ${csvInputs} RVTools CSV pairs to importRvtools; 0 throws, 0 hangs.`,
      `slowest generated input: ${slowest.ms.toFixed(0)} ms (${slowest.what}), bound ${TIME_BOUND_MS} ms; ` +
        `slowest extreme input: ${slowestExtreme.ms.toFixed(0)} ms (${slowestExtreme.what}), bound ${EXTREME_TIME_BOUND_MS} ms`,
      '| family | inputs | accepted | rejected with errors | slowest ms |',
      '|---|---:|---:|---:|---:|',
      ...rows.map(
        ([f, t]) => `| ${f} | ${t.inputs} | ${t.accepted} | ${t.rejected} | ${t.slowestMs.toFixed(0)} |`,
      ),
    ];
    host.console.log(lines.join('\n'));
  });

  it('ran at least 10,000 estate inputs, and every input answered within the bound', () => {
    const estateInputs = [...tallies.entries()]
      .filter(([f]) => !f.startsWith('csv') && f !== 'extreme')
      .reduce((n, [, t]) => n + t.inputs, 0);
    expect(estateInputs).toBeGreaterThanOrEqual(10_000);
    expect(slowest.ms).toBeLessThan(TIME_BOUND_MS);
    expect(slowestExtreme.ms).toBeLessThan(EXTREME_TIME_BOUND_MS);
  });
});
