import { generatedNote, table, text } from './lib/markdown.ts';

/** What the catalogue needs of a rule; both core registries (readiness, DR) have these fields. */
export interface CatalogueRule {
  readonly code: string;
  readonly title: string;
  readonly severity: string;
  readonly rationale: string;
  readonly remedy: string;
  /** Readiness rules: the status a workload gets from the finding alone. */
  readonly status?: string;
}

export interface RuleGroup {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  /** Where the registry lives, said on the page so a reader can find the code. */
  readonly source: string;
  /** The registry's export name in @virtplan/core. */
  readonly exportName: string;
  /** null when the registry is not exported by @virtplan/core in this checkout yet. */
  readonly rules: readonly CatalogueRule[] | null;
}

const SEVERITY_BADGE: Record<string, 'danger' | 'warning' | 'tip' | 'info'> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'tip',
  info: 'info',
};

/** The anchor of a rule: its code, as printed in reports, so `rules#VENDOR_UNSUPPORTED` works. */
export function ruleAnchor(code: string): string {
  return code;
}

function badge(value: string, type: string): string {
  return `<Badge type="${type}" text="${text(value)}" />`;
}

function renderRule(rule: CatalogueRule): string {
  return [
    `### ${rule.code} {#${ruleAnchor(rule.code)}}`,
    '',
    `**${text(rule.title)}** ${badge(rule.severity, SEVERITY_BADGE[rule.severity] ?? 'info')}${
      rule.status ? ` ${badge(rule.status, 'info')}` : ''
    }`,
    '',
    `**Why it matters.** ${text(rule.rationale)}`,
    '',
    `**What to do.** ${text(rule.remedy)}`,
    '',
  ].join('\n');
}

export function rulesPage(groups: readonly RuleGroup[]): string {
  const duplicates = findDuplicates(groups.flatMap((g) => g.rules ?? []).map((r) => r.code));
  if (duplicates.length > 0) throw new Error(`rule codes listed twice: ${duplicates.join(', ')}`);
  const sections = groups.flatMap((group) => {
    const head = [`## ${group.title} {#${group.id}}`, '', group.intro, ''];
    if (group.rules === null) {
      return [
        ...head,
        '::: warning Not generated in this build',
        `The registry \`${group.exportName}\` (\`${group.source}\`) is not exported by \`@virtplan/core\` in this checkout yet.`,
        ':::',
        '',
      ];
    }
    const hasStatus = group.rules.some((r) => r.status !== undefined);
    const rows = group.rules.map((r) => [
      `[\`${r.code}\`](#${ruleAnchor(r.code)})`,
      text(r.title),
      text(r.severity),
      ...(hasStatus ? [r.status ? `\`${r.status}\`` : '—'] : []),
    ]);
    return [
      ...head,
      `${group.rules.length} rules, from \`${group.exportName}\` in \`${group.source}\`.`,
      '',
      table(['Code', 'Title', 'Severity', ...(hasStatus ? ['Status it gives'] : [])], rows),
      '',
      ...group.rules.map(renderRule),
    ];
  });
  return [
    generatedNote(groups.map((g) => g.source).join(' and ')),
    '',
    '# Rule catalogue',
    '',
    'Every finding virtplan can report, with the stable code you see in the command line, the API and the reports. The page is generated from the rule registries in `@virtplan/core` at each docs build, so a rule added to the code appears here on the next build. Link to a rule with its code as the anchor, for example `rules#VENDOR_UNSUPPORTED`.',
    '',
    'Severities run `critical`, `high`, `medium`, `low`, `info`. A readiness rule also sets the status its finding alone gives a workload; a workload takes the worst status of its findings, and an application the worst of its workloads.',
    '',
    ...sections,
  ].join('\n');
}

function findDuplicates(codes: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of codes) (seen.has(c) ? dup : seen).add(c);
  return [...dup];
}
