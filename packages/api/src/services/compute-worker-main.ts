/**
 * Runs plan and DR computations off the server's event loop. Receives the stored estate document
 * (validated again here: the normalised estate holds Infinity, which does not cross threads as is).
 */
import { parentPort } from 'node:worker_threads';
import { evaluateDr, planConsolidation, validateEstateDocument } from '@virtplan/core';
import type { ComputeResponse, ComputeTask } from './compute-pool.ts';

function run(task: ComputeTask): unknown {
  const parsed = validateEstateDocument(task.document);
  if (!parsed.ok) throw new Error(`stored estate no longer validates: ${parsed.error[0]?.message}`);
  const estate = parsed.value.estate;
  if (task.kind === 'plan') {
    return planConsolidation(estate, {
      seed: task.seed,
      now: () => performance.now(),
      stayPhysical: new Set(task.stayPhysical),
      ...(task.timeLimitMs === undefined ? {} : { timeLimitMs: task.timeLimitMs }),
    });
  }
  return evaluateDr(estate, { now: task.now, ...(task.plan ? { plan: task.plan } : {}) });
}

parentPort?.on('message', (message: { id: number; task: ComputeTask }) => {
  let response: ComputeResponse;
  try {
    response = { id: message.id, ok: true, result: run(message.task) };
  } catch (error) {
    response = { id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});
