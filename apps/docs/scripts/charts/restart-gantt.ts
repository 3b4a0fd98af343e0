import { clip, esc, n, svgRoot } from './svg.ts';

export interface GanttRow {
  readonly workload: string;
  readonly host: string;
  readonly criticality: string;
  readonly startMinute: number;
  readonly readyMinute: number;
  /** The workload's RTO, minutes from the disaster. */
  readonly rtoMinutes: number;
  readonly onCriticalPath: boolean;
  readonly pulledForwardBy: string | null;
}

export interface GanttInput {
  readonly id: string;
  readonly estateName: string;
  readonly lostSite: string;
  readonly recoverySite: string;
  readonly detectionMinutes: number;
  readonly rows: readonly GanttRow[];
  /** Workloads of the lost site that do not restart, with the reason shown under the chart. */
  readonly notRestarted: number;
}

const ROW = 20;
const LABEL_W = 180;
const PLOT_W = 480;
const TOP = 48;
const PAD = 12;

/** A tick step giving 5-10 ticks over `max` minutes. */
function tickStep(max: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440, 2880];
  return steps.find((s) => max / s <= 10) ?? 2880;
}

/**
 * The restart timeline after a site loss as a Gantt chart: one bar per restarted workload from
 * start to ready, the detection window shaded, each workload's RTO as a tick (a bar that ends
 * after it is drawn as missed), the critical path outlined.
 */
export function restartGantt(input: GanttInput): string {
  const rows = [...input.rows].sort((a, b) => a.startMinute - b.startMinute || a.readyMinute - b.readyMinute);
  // The axis shows every bar, and the RTOs up to three times the last ready minute; an RTO
  // further out is written at the right edge instead of drawn as a marker.
  const lastReady = Math.max(input.detectionMinutes, ...rows.map((r) => r.readyMinute));
  const maxMinute = Math.max(lastReady, ...rows.map((r) => Math.min(r.rtoMinutes, 3 * lastReady)));
  const span = Math.max(1, maxMinute) * 1.05;
  const x = (minute: number) => LABEL_W + (minute / span) * PLOT_W;
  const height = TOP + rows.length * ROW + 40;
  const body: string[] = [];
  body.push(
    `<text class="heading" x="${PAD}" y="${PAD + 12}">${esc(`Loss of site ${input.lostSite}: restart at ${input.recoverySite}`)}</text>`,
  );
  // Detection window and the time axis.
  body.push(
    `<rect class="detect" x="${n(x(0))}" y="${TOP - 6}" width="${n(x(input.detectionMinutes) - x(0))}" height="${n(rows.length * ROW + 6)}"><title>${esc(`detection: ${input.detectionMinutes} min from disaster to the decision to fail over`)}</title></rect>`,
  );
  const step = tickStep(span);
  for (let t = 0; t <= span; t += step) {
    body.push(
      `<line class="grid" x1="${n(x(t))}" x2="${n(x(t))}" y1="${TOP - 6}" y2="${n(TOP + rows.length * ROW)}"/>`,
    );
    body.push(
      `<text class="small muted" x="${n(x(t))}" y="${n(TOP + rows.length * ROW + 14)}" text-anchor="middle">${t}</text>`,
    );
  }
  body.push(
    `<text class="small muted" x="${n(LABEL_W + PLOT_W)}" y="${n(TOP + rows.length * ROW + 30)}" text-anchor="end">minutes after the disaster</text>`,
  );
  body.push(`<text class="small muted" x="${n(x(0) + 3)}" y="${TOP - 10}">detection</text>`);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const met = row.readyMinute <= row.rtoMinutes + 1e-9;
    body.push(
      `<text x="${PAD}" y="${n(y + 11)}">${esc(clip(row.workload, 16))}<tspan class="muted small"> ${esc(clip(row.host, 10))}</tspan></text>`,
    );
    const x0 = x(row.startMinute);
    const w = Math.max(2, x(row.readyMinute) - x0);
    const tip = `${row.workload} (${row.criticality}) on ${row.host}: starts at ${row.startMinute} min, ready at ${row.readyMinute} min; RTO ${row.rtoMinutes} min, ${met ? 'met' : 'missed'}${row.pulledForwardBy ? `; pulled forward by ${row.pulledForwardBy}` : ''}${row.onCriticalPath ? '; on the critical path' : ''}`;
    body.push(
      `<rect class="boot ${met ? 'met' : 'missed'}${row.onCriticalPath ? ' critical-path' : ''}" x="${n(x0)}" y="${n(y + 2)}" width="${n(w)}" height="12" rx="2"><title>${esc(tip)}</title></rect>`,
    );
    if (row.rtoMinutes <= span) {
      const rx = x(row.rtoMinutes);
      body.push(
        `<path class="rto" d="M${n(rx)} ${n(y)} l4 -0 l-4 8 l-4 -8 z"><title>${esc(`${row.workload}: RTO ${row.rtoMinutes} min`)}</title></path>`,
      );
    }
  });
  const legendY = height - 10;
  body.push(
    `<rect class="boot met" x="${PAD}" y="${n(legendY - 9)}" width="14" height="10" rx="2"/><text class="small" x="${PAD + 20}" y="${n(legendY)}">boot, RTO met</text>`,
    `<rect class="boot missed" x="${PAD + 120}" y="${n(legendY - 9)}" width="14" height="10" rx="2"/><text class="small" x="${PAD + 140}" y="${n(legendY)}">RTO missed</text>`,
    `<path class="rto" d="M${PAD + 228} ${n(legendY - 9)} h8 l-4 8 z"/><text class="small" x="${PAD + 242}" y="${n(legendY)}">RTO</text>`,
  );
  const missed = rows.filter((r) => r.readyMinute > r.rtoMinutes + 1e-9).length;
  return svgRoot({
    id: input.id,
    width: LABEL_W + PLOT_W + PAD * 2,
    height,
    title: `Restart timeline after the loss of site ${input.lostSite} of ${input.estateName}`,
    description: `${rows.length} workloads restart at ${input.recoverySite} after ${input.detectionMinutes} minutes of detection; ${missed} miss their RTO; ${input.notRestarted} do not restart.`,
    body,
  });
}
