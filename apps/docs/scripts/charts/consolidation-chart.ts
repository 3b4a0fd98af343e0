import { clip, esc, n, pct, svgRoot } from './svg.ts';

/** The resources drawn, in the order of the estate spec's headroom policy. */
export const CHART_RESOURCES = ['cpu', 'memory', 'iops', 'network', 'storage'] as const;
export type ChartResource = (typeof CHART_RESOURCES)[number];

const RESOURCE_LABELS: Record<ChartResource, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  iops: 'Storage IO',
  network: 'Network',
  storage: 'Storage',
};

/** One machine's row: its use of each resource as a fraction of its capacity (null = unlimited). */
export interface MachineUse {
  readonly machine: string;
  readonly site: string;
  /** e.g. `physical`, `HA spare`, `dedicated`; shown after the name. */
  readonly note: string;
  /** Whether the plan's headroom applies (hypervisors in the plan; not physical machines). */
  readonly headroom: boolean;
  readonly workloads: readonly string[];
  readonly use: Readonly<Record<ChartResource, number | null>>;
}

export interface ConsolidationChartInput {
  readonly id: string;
  readonly estateName: string;
  readonly before: readonly MachineUse[];
  readonly after: readonly MachineUse[];
  /** Heading of the planned panel, e.g. `Planned: 5 hypervisor hosts, 3 physical machines kept`. */
  readonly afterTitle: string;
  /** The plan's headroom per resource (0..1), drawn as a tick on the planned rows. */
  readonly headroom: Readonly<Record<ChartResource, number>>;
}

const ROW = 22;
const LABEL_W = 160;
const COL_W = 102;
const BAR_W = 66;
const BAR_H = 12;
const PANEL_HEAD = 46;
const PAD = 12;

function panel(
  title: string,
  rows: readonly MachineUse[],
  top: number,
  kind: 'before' | 'after',
  headroom: ConsolidationChartInput['headroom'] | null,
): { body: string[]; height: number } {
  const body: string[] = [];
  body.push(`<text class="heading" x="${PAD}" y="${n(top + 16)}">${esc(title)}</text>`);
  CHART_RESOURCES.forEach((r, i) => {
    const x = LABEL_W + i * COL_W;
    body.push(`<text class="muted" x="${n(x)}" y="${n(top + 36)}">${RESOURCE_LABELS[r]}</text>`);
  });
  rows.forEach((row, j) => {
    const y = top + PANEL_HEAD + j * ROW;
    const label = clip(row.machine, 12);
    body.push(
      `<text x="${PAD}" y="${n(y + BAR_H - 1)}">${esc(label)}${row.note ? `<tspan class="muted"> ${esc(clip(row.note, 12))}</tspan>` : ''}<title>${esc(`${row.machine} (${row.site}): ${row.workloads.join(', ') || 'empty'}`)}</title></text>`,
    );
    CHART_RESOURCES.forEach((r, i) => {
      const x = LABEL_W + i * COL_W;
      const use = row.use[r];
      body.push(`<rect class="track" x="${n(x)}" y="${n(y)}" width="${BAR_W}" height="${BAR_H}" rx="2"/>`);
      if (use === null) {
        body.push(
          `<text class="muted small" x="${n(x + BAR_W + 4)}" y="${n(y + BAR_H - 2)}">n/a<title>${esc(`${row.machine}: ${RESOURCE_LABELS[r]} unlimited (not described)`)}</title></text>`,
        );
        return;
      }
      const over = use > 1 + 1e-9;
      const width = Math.max(use > 0 ? 1.5 : 0, Math.min(use, 1) * BAR_W);
      body.push(
        `<rect class="bar ${kind}${over ? ' over' : ''}" x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${BAR_H}" rx="2"><title>${esc(`${row.machine}: ${RESOURCE_LABELS[r]} ${pct(use)} of capacity`)}</title></rect>`,
      );
      if (headroom && row.headroom) {
        const hx = x + headroom[r] * BAR_W;
        body.push(
          `<line class="headroom" x1="${n(hx)}" x2="${n(hx)}" y1="${n(y - 2)}" y2="${n(y + BAR_H + 2)}"/>`,
        );
      }
      body.push(`<text class="small" x="${n(x + BAR_W + 4)}" y="${n(y + BAR_H - 2)}">${pct(use)}</text>`);
    });
  });
  return { body, height: PANEL_HEAD + rows.length * ROW + PAD };
}

/**
 * Machines and their use of each resource, today and in the plan: one row per machine, one
 * bar per resource (fraction of the machine's whole capacity), the plan's headroom as a tick.
 */
export function consolidationChart(input: ConsolidationChartInput): string {
  const width = LABEL_W + CHART_RESOURCES.length * COL_W + PAD;
  const before = panel(
    `Today: ${input.before.length} machines running workloads`,
    input.before,
    PAD,
    'before',
    null,
  );
  const after = panel(input.afterTitle, input.after, PAD + before.height + 8, 'after', input.headroom);
  const legendY = PAD + before.height + 8 + after.height + 6;
  const legend = [
    `<rect class="bar before" x="${PAD}" y="${n(legendY)}" width="14" height="10" rx="2"/>`,
    `<text class="small" x="${PAD + 20}" y="${n(legendY + 9)}">use today</text>`,
    `<rect class="bar after" x="${PAD + 100}" y="${n(legendY)}" width="14" height="10" rx="2"/>`,
    `<text class="small" x="${PAD + 120}" y="${n(legendY + 9)}">use in the plan</text>`,
    `<line class="headroom" x1="${PAD + 232}" x2="${PAD + 232}" y1="${n(legendY - 2)}" y2="${n(legendY + 12)}"/>`,
    `<text class="small" x="${PAD + 240}" y="${n(legendY + 9)}">headroom limit of the plan</text>`,
    `<rect class="bar over" x="${PAD + 420}" y="${n(legendY)}" width="14" height="10" rx="2"/>`,
    `<text class="small" x="${PAD + 440}" y="${n(legendY + 9)}">over capacity</text>`,
  ];
  return svgRoot({
    id: input.id,
    width,
    height: legendY + 22,
    title: `Consolidation plan for ${input.estateName}: machines and their use of each resource, today and planned`,
    description: `Today ${input.before.length} machines run workloads. ${input.afterTitle}. Each bar is the share of a machine's capacity a resource uses.`,
    body: [...before.body, ...after.body, ...legend],
  });
}
