/**
 * The restart schedule of one lost site, as an event simulation of what a DR team does: when
 * a machine has a free boot slot (at most `concurrentBootsPerHost` at once), it boots the
 * highest-priority workload whose dependencies are all serving. Nothing starts before
 * `detectionMinutes`; each workload serves `bootMinutes` after it starts.
 */

import { IndexHeap } from './heap.ts';
import type { CriticalPathStep } from './types.ts';

export interface ScheduleInput {
  /** Per item: the machine (an index) it boots on. */
  readonly machineOf: readonly number[];
  readonly machineIds: readonly string[];
  readonly bootMinutes: readonly number[];
  /** Per item: the items (indices) it depends on among those being restarted. */
  readonly deps: readonly (readonly number[])[];
  /** Per item: its position in priority order (0 boots first when several are ready). */
  readonly priority: readonly number[];
  readonly names: readonly string[];
  /** Items that boot only once every other item has started (test and training). */
  readonly deferred: readonly boolean[];
  readonly concurrentBootsPerHost: number;
  readonly detectionMinutes: number;
}

export interface Schedule {
  readonly startMinute: Float64Array;
  readonly readyMinute: Float64Array;
  readonly criticalPath: readonly CriticalPathStep[];
  readonly completionMinute: number | null;
  /** When the last non-deferred item is ready (null when there is none). */
  readonly productionReadyMinute: number | null;
}

const DETECTION = 0;
const DEPENDENCY = 1;
const SLOT = 2;
const PRIORITY = 3;
const WAITS = ['detection', 'dependency', 'boot-slot', 'priority'] as const;

/** Throws when the items cannot all be scheduled: the caller removes cycles first (a bug otherwise). */
export function scheduleRestarts(input: ScheduleInput): Schedule {
  const n = input.machineOf.length;
  const machines = input.machineIds.length;
  const slots = Math.max(1, Math.floor(input.concurrentBootsPerHost));
  const t0 = input.detectionMinutes;
  const { priority, bootMinutes, machineOf } = input;

  const dependents: number[][] = Array.from({ length: n }, () => []);
  const remaining = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    remaining[i] = input.deps[i]!.length;
    for (const d of input.deps[i]!) dependents[d]!.push(i);
  }
  const start = new Float64Array(n).fill(Number.NaN);
  const ready = new Float64Array(n).fill(Number.NaN);
  const earliest = new Float64Array(n).fill(t0);
  const lastDep = new Int32Array(n).fill(-1);
  const waited = new Uint8Array(n);
  const pred = new Int32Array(n).fill(-1);

  const byPriority = (a: number, b: number) => priority[a]! < priority[b]!;
  const queues: IndexHeap[] = Array.from({ length: machines }, () => new IndexHeap(byPriority));
  const running = new Int32Array(machines);
  const freedBy = new Int32Array(machines).fill(-1);
  const events = new IndexHeap(
    (a, b) => ready[a]! < ready[b]! || (ready[a] === ready[b] && priority[a]! < priority[b]!),
  );

  let dirty: number[] = [];
  const isDirty = new Uint8Array(machines);
  const markDirty = (m: number) => {
    if (!isDirty[m]) {
      isDirty[m] = 1;
      dirty.push(m);
    }
  };
  // Deferred items wait in `held` until every other item has started.
  let essentialLeft = 0;
  for (let i = 0; i < n; i++) if (!input.deferred[i]) essentialLeft++;
  const held: number[] = [];
  const wasHeld = new Uint8Array(n);
  let releasedBy = -1;
  let releasedAt = Number.NaN;
  const makeReady = (i: number) => {
    if (input.deferred[i] && essentialLeft > 0) {
      held.push(i);
      wasHeld[i] = 1;
      return;
    }
    queues[machineOf[i]!]!.push(i);
    markDirty(machineOf[i]!);
  };
  for (let i = 0; i < n; i++) if (remaining[i] === 0) makeReady(i);
  let scheduled = 0;
  const startReady = (now: number) => {
    // Until nothing more can start now (releasing deferred items dirties machines again).
    while (dirty.length > 0) {
      const list = dirty;
      dirty = [];
      for (const m of list) {
        isDirty[m] = 0;
        const q = queues[m]!;
        while (running[m]! < slots && q.size > 0) {
          const i = q.pop()!;
          start[i] = now;
          ready[i] = now + bootMinutes[i]!;
          running[m]!++;
          scheduled++;
          if (!input.deferred[i] && --essentialLeft === 0) {
            releasedBy = i;
            releasedAt = now;
            for (const h of held.splice(0)) {
              queues[machineOf[h]!]!.push(h);
              markDirty(machineOf[h]!);
            }
          }
          if (wasHeld[i] && now === releasedAt && earliest[i]! < now) {
            waited[i] = PRIORITY;
            pred[i] = releasedBy;
          } else if (now === t0) waited[i] = DETECTION;
          else if (earliest[i] === now && lastDep[i]! >= 0) {
            waited[i] = DEPENDENCY;
            pred[i] = lastDep[i]!;
          } else {
            waited[i] = SLOT;
            pred[i] = freedBy[m]!;
          }
          events.push(i);
        }
      }
    }
  };

  startReady(t0);
  while (events.size > 0) {
    const now = ready[events.peek()!]!;
    while (events.size > 0 && ready[events.peek()!] === now) {
      const j = events.pop()!;
      const m = machineOf[j]!;
      running[m]!--;
      freedBy[m] = j;
      markDirty(m);
      for (const d of dependents[j]!) {
        if (now >= earliest[d]!) {
          earliest[d] = now;
          lastDep[d] = j;
        }
        if (--remaining[d]! === 0) makeReady(d);
      }
    }
    startReady(now);
  }
  if (scheduled < n)
    throw new Error(`restart schedule: ${n - scheduled} workloads left unscheduled (cycle?)`);

  // The critical path ends at the last production workload to be ready (test and training, which
  // wait for production by design, only when nothing else restarts); ties go to the lower priority.
  const anyEssential = input.deferred.some((d) => !d);
  let last = -1;
  let completion = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    completion = Math.max(completion, ready[i]!);
    if (anyEssential && input.deferred[i]) continue;
    if (last < 0 || ready[i]! > ready[last]! || (ready[i] === ready[last] && priority[i]! > priority[last]!))
      last = i;
  }
  const path: CriticalPathStep[] = [];
  for (let i = last; i >= 0; i = waited[i] === DETECTION ? -1 : pred[i]!) {
    path.push({
      workload: input.names[i]!,
      host: input.machineIds[machineOf[i]!]!,
      startMinute: start[i]!,
      readyMinute: ready[i]!,
      waitedFor: WAITS[waited[i]!]!,
    });
  }
  path.reverse();
  return {
    startMinute: start,
    readyMinute: ready,
    criticalPath: path,
    completionMinute: n > 0 ? completion : null,
    productionReadyMinute: anyEssential ? ready[last]! : null,
  };
}
