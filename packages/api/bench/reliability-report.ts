/**
 * Regenerates the docs page "Reliability and security" (apps/docs/reliability.md) from the runs:
 *
 *   npm run reliability:report -w @virtplan/api             # run everything, then write the page
 *   npm run reliability:report -w @virtplan/api -- --render # only write the page from bench/results
 *
 * "Everything" is: the reliability suites (test/reliability, with DATABASE_URL when set), the load
 * benchmark on PGlite and, with DATABASE_URL, on Postgres, and core's estate/RVTools fuzzing. Each
 * leaves JSON in packages/api/bench/results/; the page is written from those files only, so the
 * figures on it are exactly the ones measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const apiDir = resolve(here, '..');
const repo = resolve(apiDir, '../..');
const resultsDir = join(here, 'results');
const page = join(repo, 'apps/docs/reliability.md');

const { values } = parseArgs({
  options: {
    render: { type: 'boolean', default: false },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
  },
});

function run(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): string {
  console.error(`== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stderr.write(result.stdout.slice(-4_000));
  if (result.status !== 0) console.error(`!! ${label} exited ${result.status}: its figures show the failure`);
  return result.stdout;
}

function measure(): void {
  mkdirSync(resultsDir, { recursive: true });
  for (const f of readdirSync(resultsDir)) if (f.endsWith('.json')) writeFileSync(join(resultsDir, f), '');
  const vitest = join(repo, 'node_modules/.bin/vitest');
  const tsx = join(repo, 'node_modules/.bin/tsx');
  run('reliability suites', vitest, ['run', 'test/reliability'], apiDir, {
    VIRTPLAN_RESULTS_DIR: resultsDir,
  });
  const common = ['bench/load.ts', '--connections', values.connections!, '--duration', values.duration!];
  run('load on PGlite', tsx, [...common, '--json', join(resultsDir, 'load.pglite.json')], apiDir);
  if (process.env.DATABASE_URL) {
    run(
      'load on Postgres',
      tsx,
      [...common, '--postgres', '--json', join(resultsDir, 'load.postgres.json')],
      apiDir,
    );
    run(
      'load on Postgres, run limit raised',
      tsx,
      // The pool has a worker thread per run slot: 100 slots would mean 100 threads on this machine,
      // so the raised limit runs plans on the event loop instead.
      [
        ...common,
        '--postgres',
        '--max-runs',
        '100',
        '--compute-workers',
        '0',
        '--json',
        join(resultsDir, 'load.postgres-unlimited.json'),
      ],
      apiDir,
    );
  }
  const fuzz = run('core fuzzing', vitest, ['run', 'src/estate/fuzz.test.ts'], join(repo, 'packages/core'));
  const summary = fuzz.split('\n').filter((l) => /Fuzzing summary|^slowest|^\s*\|/.test(l));
  writeFileSync(
    join(resultsDir, 'fuzz.core.json'),
    `${JSON.stringify({ lines: summary, at: new Date().toISOString() }, null, 2)}\n`,
  );
}

// ------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function load(name: string): Json | null {
  const file = join(resultsDir, `${name}.json`);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  return text ? (JSON.parse(text) as Json) : null;
}

const n = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-GB') : String(v ?? '—'));
const missing = (what: string) =>
  `_No result: ${what} did not run (or was skipped) in the last report run._\n`;

function loadSection(): string {
  const out: string[] = [];
  const titles = {
    pglite: 'PGlite (embedded)',
    postgres: 'PostgreSQL 15 (local)',
    'postgres-unlimited':
      'PostgreSQL 15, run limit raised to 100, plans on the event loop (nothing shed: does it hold the load?)',
  } as const;
  for (const db of ['pglite', 'postgres', 'postgres-unlimited'] as const) {
    const r = load(`load.${db}`);
    const title = titles[db];
    out.push(`### ${title}\n`);
    if (!r) {
      out.push(missing(`the ${db} load run`));
      continue;
    }
    out.push(
      `${n(r.connections)} connections for ${n(r.durationSeconds)} s on loopback, plan/DR run limit: ${n(r.maxConcurrentRuns)}, ` +
        `worker threads for runs: ${String(r.computeWorkers ?? 'server default')}, ` +
        `measured ${String(r.at ?? '').slice(0, 10)} (Node ${r.node}, ${n(r.cpus)} CPUs shared by server and load generator, ` +
        `load average ${n(r.loadAverageBefore)} before the run).\n`,
    );
    out.push(
      '| request | count | req/s | p50 ms | p99 ms | 5xx other than 503 | shed (503 + Retry-After) | wrong answers |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const k of r.byKind as Json[]) {
      out.push(
        `| ${k.kind} | ${n(k.requests)} | ${n(k.perSecond)} | ${n(k.p50Ms)} | ${n(k.p99Ms)} | ${n(k.status5xx)} | ${n(k.shed503)} | ${n(k.wrong)} |`,
      );
    }
    out.push(
      `| **all** | ${n(r.requests)} | ${n(r.requestsPerSecond)} | ${n(r.latencyP50Ms)} | ${n(r.latencyP99Ms)} | ${n(r.status5xx)} | ${n(r.shed503)} | ${n(r.wrongAnswers)} |`,
    );
    out.push('');
    out.push(
      `Connection errors ${n(r.errors)}, client timeouts ${n(r.timeouts)}. Workload edits acknowledged: ${n(r.editsAcknowledged)} ` +
        `on ${n(r.editEstates)} estates; **lost updates: ${n(r.lostUpdates)}**.\n`,
    );
  }
  return out.join('\n');
}

function faultsSection(): string {
  const out: string[] = [];
  const pg = load('faults.postgres');
  out.push('### PostgreSQL stopped and started during writes\n');
  if (pg) {
    out.push('| figure | value |');
    out.push('|---|---:|');
    const rows: [string, unknown][] = [
      ['database down for (ms)', pg.downForMs],
      ['/readyz answers while down (all 503)', pg.readyzDuringOutage],
      ['ready again after the database (ms)', pg.readyAgainAfterMs],
      ['write attempts', pg.attempts],
      ['acknowledged', pg.acknowledged],
      ['failed with a clear error', pg.failedWithError],
      ['hung past the 20 s timeout', pg.hung],
      ['unacknowledged but wholly stored', pg.unacknowledgedPresent],
      ['unacknowledged and wholly absent', pg.unacknowledgedAbsent],
      ['**acknowledged writes lost**', pg.lostWrites],
    ];
    for (const [k, v] of rows) out.push(`| ${k} | ${n(v)} |`);
    const whileDown = (pg.whileDown as { status: number; ms: number; message: string }[] | undefined) ?? [];
    if (whileDown[0]) {
      out.push('');
      out.push(
        `A request while the database was down got HTTP ${whileDown[0].status} in ${whileDown[0].ms} ms: “${whileDown[0].message}”`,
      );
    }
    out.push('');
  } else out.push(missing('the Postgres fault test (it needs DATABASE_URL and a local cluster)'));
  const pl = load('faults.pglite');
  out.push('### PGlite server killed with SIGKILL during writes\n');
  if (pl) {
    out.push('| figure | value |');
    out.push('|---|---:|');
    const rows: [string, unknown][] = [
      ['kills (each followed by a restart on the same folder)', pl.kills],
      ['write attempts', pl.attempts],
      ['acknowledged', pl.acknowledged],
      ['unacknowledged but wholly stored', pl.unacknowledgedPresent],
      ['unacknowledged and wholly absent', pl.unacknowledgedAbsent],
      ['**acknowledged writes lost**', pl.lostWrites],
    ];
    for (const [k, v] of rows) out.push(`| ${k} | ${n(v)} |`);
    out.push('');
  } else out.push(missing('the PGlite crash test'));
  return out.join('\n');
}

function sheddingSection(): string {
  const r = load('shedding');
  if (!r) return missing('the shedding test');
  return [
    `A burst of ${n(r.burst)} plan and DR runs against a server allowing ${n(r.maxConcurrentRuns)} at a time ` +
      `(${String(r.database ?? '')}): ${n(r.served)} served, **${n(r.shed)} refused at once with 503 and ` +
      `\`Retry-After: ${n(r.retryAfterSeconds)}\`**; every refused client that waited and retried was served ` +
      `(${n(r.retriesUntilAllServed)} retries in all), and each estate ended with exactly one stored plan.`,
    '',
  ].join('\n');
}

function concurrencySection(): string {
  const out: string[] = [];
  for (const db of ['pglite', 'postgres']) {
    const r = load(`concurrency.${db}`);
    if (!r) continue;
    out.push(
      `- ${db === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${n(r.clients)} clients incrementing one workload field with ` +
        `read-modify-write: ${n(r.acknowledged)} increments acknowledged, ${n(r.staleRefusals)} stale revisions refused ` +
        `(and retried), **lost updates: ${n(r.lostUpdates)}**.`,
    );
  }
  return out.length ? `${out.join('\n')}\n` : missing('the concurrency test');
}

function badInputSection(): string {
  const out: string[] = [];
  const bi = load('bad-input');
  if (bi) {
    const tried = bi.tried as { name: string; status: number; ms: number }[];
    out.push(
      `${n(tried.length)} malformed or abusive GraphQL requests and the status each got: refused with 4xx, or ` +
        '(200) answered with a typed validation error or “not found”; never a stack trace, SQL or a crash, and the ' +
        'server logged no unexpected error:\n',
    );
    out.push('| request | status | ms |');
    out.push('|---|---:|---:|');
    for (const t of tried) out.push(`| ${t.name} | ${t.status} | ${t.ms} |`);
    out.push('');
  } else out.push(missing('the bad-input test'));
  const fuzz = load('fuzz.core');
  out.push('### Estate files and RVTools CSVs (core, fast-check with a fixed seed)\n');
  if (fuzz && (fuzz.lines as string[]).length) {
    let inTable = false;
    for (const l of fuzz.lines as string[]) {
      const row = l.trimStart().startsWith('|');
      // Markdown needs a blank line between paragraphs and before a table.
      if (!row || !inTable) out.push('');
      out.push(l.trim());
      inTable = row;
    }
    out.push('');
  } else out.push(missing('the core fuzzing'));
  return out.join('\n');
}

function securitySection(): string {
  const out: string[] = [];
  for (const db of ['pglite', 'postgres']) {
    const r = load(`security.${db}`);
    if (!r) continue;
    out.push(
      `- ${db === 'pglite' ? 'PGlite' : 'PostgreSQL'}: ${n((r.rules as string[]).length)} rules checked in ${n(r.requests)} requests; ` +
        `${n(r.idFieldsCovered)} root fields that take ids called with another organization's ids` +
        (typeof r.revocationSeenAfterMs === 'number'
          ? `; a key revoked while serving was refused after ${n(r.revocationSeenAfterMs)} ms.`
          : '.'),
    );
  }
  return out.length ? `${out.join('\n')}\n` : missing('the security test');
}

function render(): string {
  const loadPg = load('load.postgres-unlimited') ?? load('load.postgres') ?? load('load.pglite');
  const faults = [load('faults.postgres'), load('faults.pglite')].filter(Boolean) as Json[];
  const lost =
    faults.reduce((s, f) => s + Number(f.lostWrites ?? 0), 0) +
    [load('load.pglite'), load('load.postgres'), load('load.postgres-unlimited')].reduce(
      (s, r) => s + Number(r?.lostUpdates ?? 0),
      0,
    );
  const fuzzLines = (load('fuzz.core')?.lines as string[] | undefined) ?? [];
  const fuzzHeadline =
    fuzzLines
      .find((l) => l.includes('Fuzzing summary'))
      ?.replace(/.*Fuzzing summary/, 'Fuzzing')
      .replace(/\.\s*$/, '') ?? '';
  const tried = ((load('bad-input')?.tried as unknown[]) ?? []).length;
  return `---
title: Reliability and security
---

# Reliability and security

<!-- Generated by \`npm run reliability:report -w @virtplan/api\` from packages/api/bench/results/*.json. Do not edit by hand. -->

What the API was put through, and what it did. Every figure below comes from a run of the tests
and benchmarks in \`packages/api/test/reliability\`, \`packages/api/bench/load.ts\` and
\`packages/core/src/estate/fuzz.test.ts\`; the page is rewritten from their results with one command:

\`\`\`sh
npm run reliability:report -w @virtplan/api            # measure again, then write this page
npm run reliability:report -w @virtplan/api -- --render  # only rewrite it from the last results
\`\`\`

## In short

| | |
|---|---|
| Load held | ${loadPg ? `${n(loadPg.connections)} connections for ${n(loadPg.durationSeconds)} s (${loadPg.database}): ${n(loadPg.requests)} requests, ${n(loadPg.requestsPerSecond)} req/s, p99 ${n(loadPg.latencyP99Ms)} ms, ${n(Number(loadPg.status5xx) + Number(loadPg.shed503))} responses 5xx (run limit ${n(loadPg.maxConcurrentRuns)}, nothing shed), ${n(loadPg.wrongAnswers)} wrong answers; at the default run limit the server shed ${n(load('load.postgres')?.shed503)} plan runs with 503 + Retry-After and answered the rest` : '—'} |
| Faults survived | ${faults.length ? faults.map((f) => ('kills' in f ? `PGlite killed ${n(f.kills)} times` : `PostgreSQL stopped for ${n(f.downForMs)} ms mid-load`)).join('; ') : '—'} |
| Inputs tried | ${fuzzHeadline || '—'}${tried ? `; ${n(tried)} malformed GraphQL requests` : ''} |
| Lost writes | **${lost}** |

## Load

The benchmark drives a real \`virtplan serve\` on loopback with autocannon: per connection a
cycle of 20 requests (4 \`/readyz\`, 5 estate reads, 5 application-readiness queries, 3 plan runs
of which one is of an estate being edited, 3 workload edits with optimistic concurrency). Every
response is checked: reads of the estate nobody edits must be byte-identical to the answer given
before the run; edits must be \`EstateChanged\` (revision + 1) or \`StaleRevisionError\`; after the run
each edited estate's revision must be one plus the edits acknowledged on it. Plan and DR runs past
the server's limit are refused at once with 503 and \`Retry-After\` (counted apart from errors).

${loadSection()}
## Load shedding

${sheddingSection()}
## Database faults

${faultsSection()}
## Concurrent edits

Every change names the estate revision it was made against; a stale one is refused with
\`StaleRevisionError\` (expected and current revision, “reload it and apply the change again”) and
stores nothing.

${concurrencySection()}
## Bad input

${badInputSection()}
## Security

One test per rule, against the real server, on every database the run had: no key, malformed
keys, a revoked key, a real key id with a wrong secret (401 with the same message as an unknown
key); every root field that takes an id (enumerated from the live schema, so a new field without
a test fails) called with another organization's ids returns nothing of theirs and changes
nothing; a read key cannot run any mutation (again enumerated from the schema) and a write key
cannot delete; keys are stored only as SHA-256 hashes and no table holds a key or secret; the audit
log has one entry per change naming the key, is append-only, and no mutation reaches it; on
PostgreSQL a key revoked while the server runs stops working within seconds (keys are cached for
about a second); the server's logs and every error message are free of keys, secrets and SQL.

${securitySection()}`;
}

if (!values.render) measure();
writeFileSync(page, render());
console.error(`wrote ${page}`);
