/** The generators on small inputs: what a reader sees follows from the code they read. */
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { consolidationChart } from '../scripts/charts/consolidation-chart.ts';
import { restartGantt } from '../scripts/charts/restart-gantt.ts';
import { commandNames } from '../scripts/gen-cli.ts';
import { estateFormatPage } from '../scripts/gen-estate-format.ts';
import { graphqlPages, undocumented } from '../scripts/gen-graphql.ts';
import { rulesPage } from '../scripts/gen-rules.ts';
import { safeMarkdown, text } from '../scripts/lib/markdown.ts';
import { diffRoutes, extractIds, extractLinks, parseRouteList } from './site.ts';

const SDL = `
"""An estate: what a hospital knows about its servers."""
type Estate {
  "Stable id."
  id: ID!
  "Workloads, filtered by application."
  workloads(
    "Only this application, e.g. PACS."
    application: String
    "Page size."
    first: Int = 20
  ): [Workload!]!
  old: String @deprecated(reason: "Use id.")
}

"""One workload."""
type Workload {
  "Its id."
  id: ID!
  status: Status!
}

"""Readiness status."""
enum Status {
  "Nothing stands in the way."
  READY
  NOT_READY
}

"""Where to import from."""
input ImportEstateInput {
  "The file's text."
  content: String!
}

type Query {
  "One estate by id."
  estate("Its id." id: ID!): Estate
}

type Mutation {
  "Imports an estate file."
  importEstate("The file." input: ImportEstateInput!): Estate
}
`;

describe('GraphQL reference', () => {
  const pages = graphqlPages(SDL, 'schema.graphql');
  const byFile = new Map(pages.map((p) => [p.file, p.markdown]));

  it('has an index with the operations and one page per kind of type', () => {
    expect(pages.map((p) => p.file)).toEqual([
      'index.md',
      'objects.md',
      'interfaces.md',
      'unions.md',
      'enums.md',
      'inputs.md',
      'scalars.md',
    ]);
    const index = byFile.get('index.md')!;
    expect(index).toContain('One estate by id.');
    expect(index).toContain('Imports an estate file.');
    expect(index).toContain('[`ImportEstateInput`](./inputs.md#type-importestateinput)!');
  });

  it('lists every field and argument with its description, default and deprecation', () => {
    const objects = byFile.get('objects.md')!;
    expect(objects).toContain('## Estate {#type-estate}');
    expect(objects).toContain('An estate: what a hospital knows about its servers.');
    expect(objects).toContain('Only this application, e.g. PACS.');
    expect(objects).toContain('<code>first</code>: [`Int`](./scalars.md#type-int) = <code>20</code>');
    expect(objects).toContain('\\[[`Workload`](#type-workload)!\\]!');
    expect(objects).toContain('Use id.');
    expect(byFile.get('enums.md')).toContain('Nothing stands in the way.');
  });

  it('names what has no description', () => {
    expect(undocumented(buildSchema(SDL))).toEqual(['Estate.old', 'Status.NOT_READY', 'Workload.status']);
  });
});

describe('rule catalogue', () => {
  const rule = {
    code: 'VENDOR_UNSUPPORTED',
    title: 'Vendor says no',
    severity: 'high',
    rationale: 'Support is void.',
    remedy: 'Ask.',
  };

  it('gives every rule an anchor named by its code, with why and what to do', () => {
    const page = rulesPage([
      {
        id: 'readiness',
        title: 'Readiness',
        intro: '',
        source: 'r.ts',
        exportName: 'R',
        rules: [{ ...rule, status: 'NOT_READY' }],
      },
    ]);
    expect(page).toContain('### VENDOR_UNSUPPORTED {#VENDOR_UNSUPPORTED}');
    expect(page).toContain('**Why it matters.** Support is void.');
    expect(page).toContain('**What to do.** Ask.');
    expect(page).toContain('`NOT_READY`');
  });

  it('refuses a code listed twice', () => {
    expect(() =>
      rulesPage([{ id: 'a', title: 'A', intro: '', source: 'a.ts', exportName: 'A', rules: [rule, rule] }]),
    ).toThrow(/VENDOR_UNSUPPORTED/);
  });

  it('says so when a registry is not there yet', () => {
    expect(
      rulesPage([{ id: 'dr', title: 'DR', intro: '', source: 'dr.ts', exportName: 'DR_RULES', rules: null }]),
    ).toContain('Not generated in this build');
  });
});

describe('estate format', () => {
  const schema = {
    type: 'object',
    required: ['name', 'hosts'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The estate.' },
      hosts: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string', pattern: '^[a-z]+$' },
            role: { type: 'string', enum: ['hypervisor', 'legacy'], description: 'Default hypervisor.' },
          },
        },
      },
      policies: {
        type: 'object',
        properties: {
          recoverySites: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'Lost -> recovery.',
          },
        },
      },
    },
  };
  const page = estateFormatPage({
    schema,
    example: 'name: x\n',
    exampleSource: 'e.yaml',
    exampleSummary: 'Tiny.',
  });

  it('gives every object a section and every field a row, required marked', () => {
    expect(page).toContain('### `hosts[]` {#field-hosts}');
    expect(page).toContain('### `policies` {#field-policies}');
    expect(page).toMatch(
      /\| <code>name<\/code> \| string \| \*\*required\*\* \| not empty \| The estate\. \|/,
    );
    expect(page).toMatch(
      /\| <code>hosts<\/code> \| list of \[objects\]\(#field-hosts\) \| \*\*required\*\* \| at least 1 \|/,
    );
    expect(page).toContain('<code>hypervisor</code> \\| <code>legacy</code>');
    expect(page).toContain('map of id → string');
    expect(page).toContain('```yaml\nname: x\n```');
  });
});

describe('markdown escaping', () => {
  it('makes a results file safe outside code, and leaves code alone', () => {
    const input = ['| a <b | {{x}} | `<T>` |', '```ts', 'const x: Array<T> = {{}};', '```', 'n<1.3'].join(
      '\n',
    );
    expect(safeMarkdown(input)).toBe(
      ['| a &lt;b | {&#8203;{x}} | `<T>` |', '```ts', 'const x: Array<T> = {{}};', '```', 'n&lt;1.3'].join(
        '\n',
      ),
    );
    expect(safeMarkdown('# Results\n```sh\n# comment\n```', { demoteHeadings: true })).toBe(
      '## Results\n```sh\n# comment\n```',
    );
  });

  it('keeps HTML and Vue interpolation out of text from the code', () => {
    expect(text('<script>alert(1)</script> {{ x }} a|b')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; {&#8203;{ x }&#8203;} a\\|b',
    );
  });
});

describe('CLI reference', () => {
  it('reads the command names from the usage text', () => {
    const usage =
      'Usage: virtplan <command>\n\nCommands:\n  validate  Check a file\n  dr        Site loss\n\nRun it.\n';
    expect(commandNames(usage)).toEqual(['validate', 'dr']);
  });
});

describe('charts', () => {
  const use = { cpu: 0.5, memory: 1.5, iops: null, network: 0, storage: 0.25 };
  const svg = consolidationChart({
    id: 'c',
    estateName: 'H',
    before: [{ machine: 'srv-1', site: 's', note: 'physical', headroom: false, workloads: ['a'], use }],
    after: [
      {
        machine: 'esx-1',
        site: 's',
        note: '',
        headroom: true,
        workloads: ['a'],
        use: { ...use, memory: 0.5 },
      },
    ],
    afterTitle: 'Planned: 1 hypervisor host powered',
    headroom: { cpu: 0.8, memory: 0.9, iops: 0.8, network: 0.7, storage: 0.85 },
  });

  it('draws one bar per machine and measured resource, over capacity marked, scaled to the track', () => {
    expect(svg.match(/class="bar before/g)).toHaveLength(4 + 1); // 4 resources + legend swatch
    expect(svg).toContain('class="bar before over"');
    expect(svg).toContain('Memory 150% of capacity');
    expect(svg).toMatch(/class="bar after" x="\d+(\.\d)?" y="[\d.]+" width="33"/); // 50% of a 66px track
    expect(svg.match(/class="headroom"/g)).toHaveLength(4 + 1); // planned host only, + legend
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws the restart timeline with missed RTOs marked', () => {
    const gantt = restartGantt({
      id: 'g',
      estateName: 'H',
      lostSite: 'main',
      recoverySite: 'dr',
      detectionMinutes: 10,
      notRestarted: 0,
      rows: [
        {
          workload: 'db',
          host: 'dr-1',
          criticality: 'critical',
          startMinute: 10,
          readyMinute: 18,
          rtoMinutes: 60,
          onCriticalPath: true,
          pulledForwardBy: null,
        },
        {
          workload: 'app',
          host: 'dr-1',
          criticality: 'high',
          startMinute: 18,
          readyMinute: 90,
          rtoMinutes: 60,
          onCriticalPath: true,
          pulledForwardBy: null,
        },
      ],
    });
    expect(gantt.match(/class="boot met critical-path"/g)).toHaveLength(1);
    expect(gantt.match(/class="boot missed critical-path"/g)).toHaveLength(1);
    expect(gantt).toContain('1 miss their RTO');
    expect(gantt).not.toMatch(/NaN|Infinity/);
  });
});

describe('route list and links', () => {
  it('notices deleted and added pages', () => {
    const committed = parseRouteList('# comment\n/\n/guide/a\n\n/guide/b\n');
    expect(diffRoutes(committed, ['/', '/guide/b', '/guide/c'])).toEqual({
      deleted: ['/guide/a'],
      added: ['/guide/c'],
    });
  });

  it('reads links, resources and ids from HTML', () => {
    const html = '<a class="x" href="/a.html#b&amp;c">x</a><img src="/i.svg"><h2 id="b&amp;c">t</h2>';
    expect(extractLinks(html)).toEqual({ hrefs: ['/a.html#b&c'], srcs: ['/i.svg'] });
    expect(extractIds(html)).toEqual(new Set(['b&c']));
  });
});

describe('figures drawn by the real engines from the community hospital example', async () => {
  const core = await import('@virtplan/core');
  const { consolidationFigure, drFigure } = await import('../scripts/gen-charts.ts');
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL('../../../examples/community-hospital.yaml', import.meta.url), 'utf8');
  const parsed = core.parseEstate(text, 'yaml');
  if (!parsed.ok) throw new Error('the community hospital example does not parse');
  const { estate } = parsed.value;

  it('charts every powered host of the plan with its headroom, and every machine running something today', () => {
    const { markdown, plan } = consolidationFigure({
      estate,
      readiness: core.assessEstate(estate),
      planConsolidation: core.planConsolidation,
      exampleFile: 'examples/community-hospital.yaml',
    });
    for (const host of plan.hosts) expect(markdown).toContain(`${host.host}:`);
    const today = new Set(estate.workloads.map((w) => w.currentHost).filter((h) => h !== null));
    expect(markdown).toContain(`Today: ${today.size} machines running workloads`);
    // Five resources per planned hypervisor, plus the legend's tick.
    expect(markdown.match(/class="headroom"/g)).toHaveLength(plan.hosts.length * 5 + 1);
    expect(markdown).not.toMatch(/NaN|Infinity/);
  });

  it('draws a bar for every workload the evaluation restarts', () => {
    const evaluation = core.evaluateDr(estate, { now: '2026-11-25' });
    const markdown = drFigure({
      estate,
      evaluation,
      exampleFile: 'examples/community-hospital.yaml',
      now: '2026-11-25',
    });
    const restarted = evaluation.sites.reduce((n, s) => n + s.restarted.length, 0);
    expect(restarted).toBeGreaterThan(0);
    // Bars carry a tooltip; the legend's swatches do not.
    expect(markdown.match(/<rect class="boot [^"]*"[^>]*><title>/g)).toHaveLength(restarted);
    expect(markdown).not.toMatch(/NaN|Infinity/);
  });
});

describe('the test server maps URLs like a static host', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { resolveFile } = await import('./static-server.ts');
  const root = mkdtempSync(join(tmpdir(), 'docs-dist-'));
  mkdirSync(join(root, 'guide'));
  writeFileSync(join(root, 'index.html'), '');
  writeFileSync(join(root, 'guide/quick-start.html'), '');
  writeFileSync(join(root, 'guide/index.html'), '');

  it('serves pages with and without .html, and directory indexes', () => {
    expect(resolveFile(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveFile(root, '/guide/quick-start.html#x')).toBe(join(root, 'guide/quick-start.html'));
    expect(resolveFile(root, '/guide/quick-start?q=1')).toBe(join(root, 'guide/quick-start.html'));
    expect(resolveFile(root, '/guide/')).toBe(join(root, 'guide/index.html'));
  });

  it('finds nothing outside the site or absent', () => {
    expect(resolveFile(root, '/../../etc/passwd')).toBeNull();
    expect(resolveFile(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveFile(root, '/missing')).toBeNull();
    expect(resolveFile(root, '/%E0%A4%A')).toBeNull();
  });
});
