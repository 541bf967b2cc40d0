/**
 * The Knox near-repeat test with its permutations spread over worker threads, one per core. The plan
 * (close pairs, observed table) is computed once in this thread; its two large arrays are copied once
 * into shared memory, so every worker reads the same pairs without copying them. Workers take small
 * ranges of permutations from a queue (a busy core simply takes fewer), and each permutation draws from
 * its own seeded stream (see `permutationStream` in core/spatial/knox.ts): the table is identical to
 * `knoxTest`'s whatever the number of workers and however the ranges fall.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../workers/entry.js';
import {
  addTally,
  emptyTally,
  knoxResultOf,
  prepareKnox,
  simulateKnox,
  type KnoxEvent,
  type KnoxOptions,
  type KnoxPlan,
  type KnoxResult,
  type KnoxTally,
} from '../core/spatial/knox.js';
import type { PermutationRange } from './knox-worker.js';

/**
 * Below this much work — (close pairs + events) × permutations — the permutations run in this thread:
 * starting a worker costs about 50 ms, this much work about 0.2 s in one thread.
 */
export const PARALLEL_MIN_WORK = 100_000_000;

/** Ranges per worker: small enough to even out cores that are busy with something else. */
const RANGES_PER_WORKER = 8;

export interface KnoxParallelOptions {
  /** Worker threads; default one per core (`os.availableParallelism()`), 0 for none (this thread). */
  workers?: number;
  /** Work below which no worker is started (see PARALLEL_MIN_WORK). */
  minWork?: number;
}

/** The Knox table of `knoxTest`, computed with worker threads when the input is large enough. */
export async function knoxTestParallel(events: readonly KnoxEvent[], options: KnoxOptions, parallel: KnoxParallelOptions = {}): Promise<KnoxResult> {
  const plan = prepareKnox(events, options);
  const workers = workersFor(plan, parallel);
  if (workers === 0) return knoxResultOf(plan, simulateKnox(plan, 0, options.permutations));
  return knoxResultOf(plan, await simulateInWorkers(plan, workers));
}

/**
 * Worker threads for a plan: the requested number (default one per core, none on a single core), at
 * most one per permutation, and none when the work would not pay for starting them.
 */
export function workersFor(plan: Pick<KnoxPlan, 'closePairs' | 'events' | 'options'>, parallel: KnoxParallelOptions = {}, cores = availableParallelism()): number {
  const { permutations } = plan.options;
  const requested = Math.min(parallel.workers ?? (cores > 1 ? cores : 0), permutations);
  const work = (plan.closePairs + plan.events) * permutations;
  return requested >= 1 && work >= (parallel.minWork ?? PARALLEL_MIN_WORK) ? requested : 0;
}

function inSharedMemory(array: Int32Array): Int32Array {
  const copy = new Int32Array(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}


/**
 * The tally of all the plan's permutations from `count` worker threads. Rejects (and stops the others)
 * if a worker fails.
 */
export function simulateInWorkers(plan: KnoxPlan, count: number): Promise<KnoxTally> {
  const shared: KnoxPlan = { ...plan, pairStart: inSharedMemory(plan.pairStart), pairCode: inSharedMemory(plan.pairCode) };
  const permutations = plan.options.permutations;
  const rangeSize = Math.max(1, Math.ceil(permutations / (count * RANGES_PER_WORKER)));
  const entry = workerEntry(import.meta.url, 'knox-worker');
  return new Promise((resolve, reject) => {
    const total = emptyTally(plan);
    const pool: Worker[] = [];
    const finished = new Set<Worker>();
    let next = 0;
    let settled = false;
    const stopAll = () => {
      for (const worker of pool) {
        finished.add(worker);
        void worker.terminate();
      }
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    // Ranges sent and not yet answered, per worker: two in flight, so a worker never waits for this
    // thread (which may be slow to wake on a busy machine) between ranges.
    const inFlight = new Map<Worker, number>();
    const giveWork = (worker: Worker) => {
      if (next < permutations) {
        const range: PermutationRange = { from: next, to: Math.min(permutations, next + rangeSize) };
        next = range.to;
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
        worker.postMessage(range);
        return;
      }
      if ((inFlight.get(worker) ?? 0) > 0) return;
      finished.add(worker);
      void worker.terminate();
      if (finished.size === pool.length && !settled) {
        settled = true;
        resolve(total);
      }
    };
    for (let k = 0; k < count; k++) {
      const worker = new Worker(entry.script, { ...entry.options, workerData: { plan: shared } });
      pool.push(worker);
      worker.on('message', (tally: KnoxTally) => {
        if (settled) return;
        addTally(total, tally);
        inFlight.set(worker, inFlight.get(worker)! - 1);
        giveWork(worker);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!finished.has(worker)) fail(new Error(`a Knox permutation worker stopped early (exit code ${code})`));
      });
    }
    for (let round = 0; round < 2; round++) for (const worker of pool) giveWork(worker);
  });
}
