/**
 * Worker thread of `knoxTestParallel` (knox-parallel.ts): receives the Knox plan once (its pair arrays
 * in shared memory), then runs each range of permutations it is sent and answers with their tally.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateKnox, type KnoxPlan } from '../core/spatial/knox.js';

/** What the pool sends to a worker: permutations `from` … `to − 1`. */
export interface PermutationRange {
  from: number;
  to: number;
}

const port = parentPort;
if (port === null) throw new Error('knox-worker.ts runs only as a worker thread (see knox-parallel.ts)');
const { plan } = workerData as { plan: KnoxPlan };

port.on('message', ({ from, to }: PermutationRange) => {
  const tally = simulateKnox(plan, from, to);
  port.postMessage(tally, [tally.simulatedSum.buffer, tally.atLeastObserved.buffer]);
});
