import { Worker } from 'node:worker_threads';
import type { ConsolidationPlan, DrEvaluation } from '@virtplan/core';

export type ComputeTask =
  | {
      readonly kind: 'plan';
      readonly document: unknown;
      readonly seed: number;
      readonly stayPhysical: readonly string[];
      readonly timeLimitMs?: number | undefined;
    }
  | {
      readonly kind: 'dr';
      readonly document: unknown;
      readonly now: string;
      readonly plan?: { readonly placements: readonly { workload: string; host: string }[] } | undefined;
    };

export type ComputeResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  readonly task: ComputeTask;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

const WORKER_URL = new URL('./compute-worker.mjs', import.meta.url);

/**
 * Worker threads for plan and DR runs, so a run never blocks the event loop that serves every
 * other request (readiness, health checks). At most `size` workers, started on first use and
 * replaced if one dies; tasks beyond that wait in order (the run limiter bounds how many).
 */
export class ComputePool {
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #inFlight = new Map<Worker, { id: number; pending: Pending }>();
  #nextId = 1;
  #closed = false;

  constructor(readonly size: number) {}

  plan(task: Extract<ComputeTask, { kind: 'plan' }>): Promise<ConsolidationPlan> {
    return this.#submit(task) as Promise<ConsolidationPlan>;
  }

  dr(task: Extract<ComputeTask, { kind: 'dr' }>): Promise<DrEvaluation> {
    return this.#submit(task) as Promise<DrEvaluation>;
  }

  /** Starts one worker ahead of the first run (its start-up takes a second or two). */
  warmUp(): void {
    if (this.#slots.length === 0 && !this.#closed) this.#slots.push(this.#spawn());
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new Error('the compute pool was closed'));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
    this.#slots.length = 0;
  }

  #submit(task: ComputeTask): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the compute pool was closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on('message', (response: ComputeResponse) => {
      const running = this.#inFlight.get(worker);
      if (!running || running.id !== response.id) return;
      this.#inFlight.delete(worker);
      slot.busy = false;
      worker.unref();
      if (response.ok) running.pending.resolve(response.result);
      else running.pending.reject(new Error(response.error));
      this.#dispatch();
    });
    const fail = (error: Error) => {
      const running = this.#inFlight.get(worker);
      this.#inFlight.delete(worker);
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      running?.pending.reject(error);
      this.#dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.#closed) fail(new Error(`compute worker exited with code ${code}`));
    });
    return slot;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => !s.busy);
      if (!slot && this.#slots.length < this.size) {
        slot = this.#spawn();
        this.#slots.push(slot);
      }
      if (!slot) return;
      const pending = this.#queue.shift()!;
      const id = this.#nextId++;
      slot.busy = true;
      this.#inFlight.set(slot.worker, { id, pending });
      slot.worker.ref();
      slot.worker.postMessage({ id, task: pending.task });
    }
  }
}
