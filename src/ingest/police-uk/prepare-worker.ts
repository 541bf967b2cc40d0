/** A worker thread of prepare-parallel.ts: prepares the input paths it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { answer, type PrepareRequest } from './prepare-parallel.js';

const stored = new Set((workerData as { stored: string[] }).stored);
parentPort!.on('message', (request: PrepareRequest) => parentPort!.postMessage(answer(request, stored)));
