/**
 * Generates every reference page and picture of the docs site from the code, before
 * `vitepress build`. Nothing written here is committed (see apps/docs/.gitignore): a change in
 * the code changes the docs on the next build.
 *
 * An input that does not exist in this checkout yet (a package still being written) gives a
 * page that says so and a warning; an input that exists but is broken fails the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consolidationFigure, contingencyTable, drFigure } from './gen-charts.ts';
import { type CliMain, cliPage, cliSession } from './gen-cli.ts';
import { clientPages } from './gen-client.ts';
import { estateFormatPage } from './gen-estate-format.ts';
import { graphqlPages, undocumented } from './gen-graphql.ts';
import { type CatalogueRule, rulesPage } from './gen-rules.ts';
import { generatedNote, safeMarkdown } from './lib/markdown.ts';

export const docsDir: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir: string = resolve(docsDir, '../..');

/** Every path this script writes, relative to apps/docs (also listed in apps/docs/.gitignore). */
export const GENERATED_PATHS = [
  '_generated',
  'reference/graphql',
  'reference/client',
  'reference/rules.md',
  'reference/estate-format.md',
  'reference/performance.md',
  'reference/cli.md',
  'public/schema',
] as const;

export interface PartReport {
  readonly part: string;
  readonly status: 'generated' | 'missing-input';
  readonly detail: string;
}

function write(path: string, content: string): void {
  const full = join(docsDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content.endsWith('\n') ? content : `${content}\n`);
}

function rel(path: string): string {
  return relative(repoDir, path);
}

/** The page written in place of a reference whose source is not in this checkout yet. */
function pendingPage(title: string, source: string, what: string): string {
  return [
    generatedNote(source),
    '',
    `# ${title}`,
    '',
    '::: warning Not generated in this build',
    `This page is generated from \`${source}\`, which does not exist in this checkout yet. ${what}`,
    ':::',
    '',
  ].join('\n');
}

async function graphqlPart(): Promise<PartReport> {
  const source = join(repoDir, 'packages/api/schema.graphql');
  if (!existsSync(source)) {
    write(
      'reference/graphql/index.md',
      pendingPage('GraphQL schema', rel(source), 'It will list every type, field and argument of the API.'),
    );
    return { part: 'graphql', status: 'missing-input', detail: `${rel(source)} not found` };
  }
  const sdl = readFileSync(source, 'utf8');
  const pages = graphqlPages(sdl, rel(source));
  for (const page of pages) write(`reference/graphql/${page.file}`, page.markdown);
  const { buildSchema } = await import('graphql');
  const missing = undocumented(buildSchema(sdl));
  return {
    part: 'graphql',
    status: 'generated',
    detail: `${pages.length} pages${missing.length > 0 ? `; ${missing.length} items have no description: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}` : ''}`,
  };
}

async function clientPart(): Promise<PartReport> {
  const entryPoint = join(repoDir, 'packages/client/src/index.ts');
  const tsconfig = join(repoDir, 'packages/client/tsconfig.json');
  if (!existsSync(entryPoint)) {
    write(
      'reference/client/index.md',
      pendingPage('Client SDK', rel(entryPoint), 'It will document every export of `@virtplan/client`.'),
    );
    return { part: 'client', status: 'missing-input', detail: `${rel(entryPoint)} not found` };
  }
  // The client's operation types are generated from the schema (git-ignored, made before its
  // build, typecheck and test); make them the same way when this checkout has not yet.
  const operations = join(repoDir, 'packages/client/src/generated/operations.gen.ts');
  if (!existsSync(operations)) {
    const run = spawnSync('npm', ['run', 'generate', '-w', '@virtplan/client'], {
      cwd: repoDir,
      encoding: 'utf8',
    });
    if (run.status !== 0)
      throw new Error(`npm run generate -w @virtplan/client failed:\n${run.stdout}\n${run.stderr}`);
  }
  const files = await clientPages({
    entryPoint,
    tsconfig: existsSync(tsconfig) ? tsconfig : join(repoDir, 'tsconfig.base.json'),
    outDir: join(docsDir, 'reference/client'),
  });
  return { part: 'client', status: 'generated', detail: `${files.length} pages from ${rel(entryPoint)}` };
}

/**
 * Breaks the specification's example in a few ways a person would, and shows what the real
 * parser says: the error messages on the estate page are the product's own.
 */
function brokenExampleErrors(
  example: string,
  parseEstate: typeof import('@virtplan/core').parseEstate,
  formatIssue: typeof import('@virtplan/core').formatIssue,
): string {
  const run = (breaks: readonly (readonly [RegExp, string])[]): string[] => {
    let broken = example;
    for (const [pattern, replacement] of breaks) broken = broken.replace(pattern, replacement);
    if (broken === example) return [];
    const result = parseEstate(broken, 'yaml');
    if (result.ok) throw new Error('a broken copy of the spec example unexpectedly validates');
    return result.error.map(formatIssue);
  };
  // Values that break the schema are reported together; cross-references are checked next.
  const schemaErrors = run([
    [/^(\s+memoryGiB:\s*)64\b/m, '$1-64'],
    [/^(\s+vcpus:\s*)2(\s*)$/m, '$1two$2'],
  ]);
  const referenceErrors = run([
    [/^(\s+- id: esx\s*(?:#.*)?\n\s+site:\s*)north/m, '$1nrth'],
    [/dependsOn: \[directory\]/, 'dependsOn: [directry]'],
  ]);
  const block = (lines: string[]) => (lines.length > 0 ? ['```text', ...lines, '```', ''] : []);
  return [
    ...(schemaErrors.length > 0
      ? ['A negative memory size and a word where a number belongs:', '', ...block(schemaErrors)]
      : []),
    ...(referenceErrors.length > 0
      ? [
          'A misspelt site and a misspelt dependency, found once the values are valid:',
          '',
          ...block(referenceErrors),
        ]
      : []),
  ].join('\n');
}

async function estateFormatPart(): Promise<PartReport> {
  const schemaModule = join(repoDir, 'packages/core/src/estate/json-schema.ts');
  const exampleFile = join(repoDir, 'examples/spec-example.yaml');
  const missing = [schemaModule, exampleFile].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    write(
      'reference/estate-format.md',
      pendingPage(
        'Estate file format',
        missing.map(rel).join(' and '),
        'It will list every field of the format.',
      ),
    );
    return {
      part: 'estate-format',
      status: 'missing-input',
      detail: `${missing.map(rel).join(', ')} not found`,
    };
  }
  const { estateJsonSchema } = await import('@virtplan/core/json-schema');
  const { formatIssue, parseEstate } = await import('@virtplan/core');
  const example = readFileSync(exampleFile, 'utf8');
  const parsed = parseEstate(example, 'yaml');
  if (!parsed.ok) {
    throw new Error(`${rel(exampleFile)} does not validate: ${parsed.error.map(formatIssue).join('; ')}`);
  }
  const { estate } = parsed.value;
  const summary = `It describes ${estate.sites.length} sites, ${estate.machines.length} machines and ${estate.workloads.length} workloads of "${estate.name}".`;
  write('public/schema/estate-v1.json', JSON.stringify(estateJsonSchema(), null, 2));
  write(
    'reference/estate-format.md',
    estateFormatPage({
      schema: estateJsonSchema(),
      example,
      exampleSource: rel(exampleFile),
      exampleSummary: summary,
    }),
  );
  write('_generated/estate-errors.md', brokenExampleErrors(example, parseEstate, formatIssue));
  return { part: 'estate-format', status: 'generated', detail: `schema + ${rel(exampleFile)}` };
}

async function rulesPart(): Promise<PartReport> {
  const { READINESS_RULES, DR_RULES } = await import('@virtplan/core');
  const readiness: readonly CatalogueRule[] = READINESS_RULES;
  const dr: readonly CatalogueRule[] = DR_RULES;
  write(
    'reference/rules.md',
    rulesPage([
      {
        id: 'readiness',
        title: 'Readiness rules',
        intro:
          'Raised by `virtplan assess` for each workload: whether it can run as a virtual machine, and on what conditions. See [Readiness](../concepts/readiness.md).',
        source: 'packages/core/src/readiness/rules.ts',
        exportName: 'READINESS_RULES',
        rules: readiness,
      },
      {
        id: 'disaster-recovery',
        title: 'Disaster-recovery and HIPAA rules',
        intro:
          'Raised by `virtplan dr`: site loss, RPO and RTO, replication links, blast radius, rollback and the HIPAA contingency plan, 45 CFR 164.308(a)(7). DR findings also join the readiness of the application they concern. See [Disaster recovery](../concepts/disaster-recovery.md) and [HIPAA contingency plan](../concepts/hipaa-contingency.md).',
        source: 'packages/core/src/dr/rules.ts',
        exportName: 'DR_RULES',
        rules: dr,
      },
    ]),
  );
  return {
    part: 'rules',
    status: 'generated',
    detail: `${readiness.length} readiness + ${dr.length} DR rules`,
  };
}

/** The example the guides draw: a community hospital of about a dozen servers and two sites. */
const CHART_EXAMPLE = 'examples/community-hospital.yaml';

function pendingFragment(sentence: string): string {
  return ['::: warning Not generated in this build', sentence, ':::', ''].join('\n');
}

async function chartsPart(): Promise<PartReport> {
  const exampleFile = join(repoDir, CHART_EXAMPLE);
  const { parseEstate, formatIssue, assessEstate, planConsolidation, evaluateDr } = await import(
    '@virtplan/core'
  );
  const parsed = parseEstate(readFileSync(exampleFile, 'utf8'), 'yaml');
  if (!parsed.ok)
    throw new Error(`${CHART_EXAMPLE} does not validate: ${parsed.error.map(formatIssue).join('; ')}`);
  const { estate } = parsed.value;
  const figure = consolidationFigure({
    estate,
    readiness: assessEstate(estate),
    planConsolidation,
    exampleFile: CHART_EXAMPLE,
  });
  write('_generated/consolidation-chart.md', figure.markdown);
  // The evaluation speaks of today (the age of the last contingency-plan test depends on it),
  // on the consolidated estate: the plan's placements.
  const now = new Date().toISOString().slice(0, 10);
  const evaluation = evaluateDr(estate, { now, plan: figure.plan });
  write('_generated/dr-timeline.md', drFigure({ estate, evaluation, exampleFile: CHART_EXAMPLE, now }));
  const proposed = evaluateDr(estate, { now, plan: figure.plan, profile: 'hipaa-2025-proposed' });
  write(
    '_generated/contingency.md',
    contingencyTable({ estate, current: evaluation, proposed, exampleFile: CHART_EXAMPLE }),
  );
  return {
    part: 'charts',
    status: 'generated',
    detail: `consolidation chart + DR timeline from ${CHART_EXAMPLE}`,
  };
}

/** Terminal sessions shown in the guides: fragment name and the command's arguments. */
const CLI_SESSIONS: readonly (readonly [string, readonly string[]])[] = [
  ['cli-validate', ['validate', 'examples/community-hospital.yaml']],
  ['cli-assess', ['assess', 'examples/community-hospital.yaml', '--application', 'PACS']],
  ['cli-consolidate', ['consolidate', 'examples/community-hospital.yaml']],
  ['cli-dr', ['dr', 'examples/community-hospital.yaml']],
];

async function cliPart(): Promise<PartReport> {
  const entry = join(repoDir, 'packages/cli/src/main.ts');
  if (!existsSync(entry)) {
    write('reference/cli.md', pendingPage('Command line', rel(entry), 'It will print every command’s help.'));
    return { part: 'cli', status: 'missing-input', detail: `${rel(entry)} not found` };
  }
  // Imported by a computed name so type-checking the docs does not pull in the CLI's whole
  // module graph (the API server and its database): only `main`'s signature is used here.
  const cliModule: string = '@virtplan/cli';
  const { main } = (await import(cliModule)) as { main: CliMain };
  const { markdown, commands } = await cliPage(main);
  write('reference/cli.md', markdown);
  // Real sessions for the guides, run now on the examples.
  const readRepoFile = (path: string) => readFileSync(join(repoDir, path), 'utf8');
  for (const [fragment, argv] of CLI_SESSIONS) {
    const command = argv[0]!;
    write(
      `_generated/${fragment}.md`,
      commands.includes(command)
        ? await cliSession(main, argv, readRepoFile)
        : pendingFragment(
            `The output of \`virtplan ${argv.join(' ')}\` is captured at build time, but this checkout has no \`${command}\` command yet.`,
          ),
    );
  }
  return { part: 'cli', status: 'generated', detail: `${commands.length} commands: ${commands.join(', ')}` };
}

async function performancePart(): Promise<PartReport> {
  const source = join(repoDir, 'packages/core/bench/RESULTS.md');
  const intro = [
    // The results tables are wide: no outline column, and compact cells (charts.css).
    '---',
    'aside: false',
    'pageClass: wide-tables',
    '---',
    '',
    generatedNote(rel(source)),
    '',
    '# Performance',
    '',
    "How fast and how close to the optimum the engines are, as measured by `npm run bench` (in `packages/core`, reachable from the root). The benchmark runs classic public bin-packing instances with proven optima through the same consolidation engine the product uses, and generated estates of up to 100k workloads at scale. The tables below are the engine's own results file, included as it stands at build time; they were measured on the machine they name.",
    '',
  ];
  if (!existsSync(source)) {
    write(
      'reference/performance.md',
      [
        ...intro,
        '::: warning Not generated in this build',
        `The results file \`${rel(source)}\` does not exist in this checkout yet: run \`npm run bench\` to produce it.`,
        ':::',
      ].join('\n'),
    );
    return { part: 'performance', status: 'missing-input', detail: `${rel(source)} not found` };
  }
  // Demote the results file's headings by one level so the page keeps one h1.
  const results = safeMarkdown(readFileSync(source, 'utf8'), { demoteHeadings: true });
  write('reference/performance.md', [...intro, results].join('\n'));
  return { part: 'performance', status: 'generated', detail: rel(source) };
}

/** The quick start points at the deploy guide, which another engineer writes, once it exists. */
async function deployPointerPart(): Promise<PartReport> {
  const page = join(docsDir, 'guide/deploy.md');
  const exists = existsSync(page);
  write(
    '_generated/deploy-pointer.md',
    exists
      ? 'How to run it for a whole hospital — container, compose or Kubernetes — is in [Deploy](./deploy.md).'
      : 'How to run it for a whole hospital (container, compose, Kubernetes) will be in the deploy guide, which this checkout does not have yet.',
  );
  return exists
    ? { part: 'deploy-link', status: 'generated', detail: 'guide/deploy.md linked' }
    : { part: 'deploy-link', status: 'missing-input', detail: 'apps/docs/guide/deploy.md not found' };
}

export async function generate(): Promise<PartReport[]> {
  for (const path of GENERATED_PATHS) rmSync(join(docsDir, path), { recursive: true, force: true });
  const parts = [
    graphqlPart,
    clientPart,
    estateFormatPart,
    rulesPart,
    chartsPart,
    cliPart,
    performancePart,
    deployPointerPart,
  ];
  const reports: PartReport[] = [];
  for (const part of parts) {
    const started = performance.now();
    const report = await part();
    reports.push({ ...report, detail: `${report.detail} (${Math.round(performance.now() - started)} ms)` });
  }
  return reports;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const reports = await generate();
  for (const r of reports) {
    const line = `docs generate: ${r.part.padEnd(14)} ${r.status === 'generated' ? 'ok     ' : 'MISSING'} ${r.detail}\n`;
    (r.status === 'generated' ? process.stdout : process.stderr).write(line);
  }
  process.stdout.write(`docs generate: done in ${Math.round(performance.now() - started)} ms\n`);
}
