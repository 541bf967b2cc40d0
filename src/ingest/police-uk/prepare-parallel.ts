/**
 * Prepares data.police.uk input paths ahead of the loader, in worker threads when there are several:
 * reading, decompressing, hashing and checking a file needs no database and is most of the work. The
 * loader takes the results in path order, so batches, counts and rejects are those of preparing each
 * path just before loading it (test/integration/police-uk-parallel.test.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FileRejectedError } from '../../core/errors.js';
import { requestedWorkers, workerEntry } from '../../workers/entry.js';
import { preparePath, refusalError, refusalOf, removeSpools, type PreparedEntry, type Refusal } from './prepare.js';

/** Paths prepared ahead of the one being loaded, per worker: bounds the memory held. */
const AHEAD_PER_WORKER = 2;

export interface PrepareRequest {
  index: number;
  path: string;
}

export type PrepareReply = { index: number; entries: PreparedEntry[] } | { index: number; refusal: Refusal } | { index: number; crash: string };

export interface Preparer {
  /** The entries of path `index`; throws FileRejectedError when the path could not be read. Call in order. */
  next(index: number): Promise<PreparedEntry[]>;
  close(): Promise<void>;
}

/**
 * Worker threads for `paths` input paths: SVO_INGEST_WORKERS if set (0 = none), else one per core up
 * to four, none on one core or for fewer than four paths (starting a worker costs about one file).
 */
export function preparerWorkers(paths: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const requested = requestedWorkers(env);
  if (requested !== null) return Math.min(paths, requested);
  return cores > 1 && paths >= 4 ? Math.min(cores, 4) : 0;
}

/** `stored` holds the sha256 of files already stored: those are only hashed, not prepared. */
export function preparer(paths: readonly string[], stored: ReadonlySet<string>, workers = preparerWorkers(paths.length)): Preparer {
  if (workers === 0) {
    return {
      next: async (index) => preparePath(paths[index]!, stored),
      close: async () => {},
    };
  }
  const { script, options } = workerEntry(import.meta.url, 'prepare-worker');
  const pool = Array.from({ length: workers }, () => new Worker(script, { ...options, workerData: { stored: [...stored] } }));
  const waiting = new Map<number, { resolve: (reply: PrepareReply) => void; reject: (error: Error) => void }>();
  const replies = new Map<number, Promise<PrepareReply>>();
  let sent = 0;
  let failure: Error | null = null;
  const idle: Worker[] = [...pool];
  const limit = () => workers * AHEAD_PER_WORKER;
  let consumed = 0;
  const pump = () => {
    while (idle.length > 0 && sent < paths.length && sent - consumed < limit()) {
      const index = sent++;
      replies.set(index, new Promise<PrepareReply>((resolve, reject) => waiting.set(index, { resolve, reject })));
      idle.pop()!.postMessage({ index, path: paths[index]! } satisfies PrepareRequest);
    }
  };
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  for (const worker of pool) {
    worker.on('message', (reply: PrepareReply) => {
      waiting.get(reply.index)?.resolve(reply);
      waiting.delete(reply.index);
      idle.push(worker);
      pump();
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`a data.police.uk preparation worker stopped with exit code ${code}`));
    });
  }
  pump();
  return {
    async next(index) {
      if (failure) throw failure;
      const reply = await replies.get(index)!;
      replies.delete(index);
      consumed++;
      pump();
      if ('crash' in reply) throw new Error(reply.crash);
      if ('refusal' in reply) throw refusalError(reply.refusal);
      return reply.entries;
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
      // Paths prepared but never taken (the run stopped early): their spool files go too.
      for (const reply of replies.values()) void reply.then((r) => 'entries' in r && removeSpools(r.entries.map((e) => e.rows)), () => undefined);
    },
  };
}

/** The work of one request (in a worker thread). */
export function answer(request: PrepareRequest, stored: ReadonlySet<string>): PrepareReply {
  try {
    return { index: request.index, entries: preparePath(request.path, stored) };
  } catch (error) {
    if (error instanceof FileRejectedError) return { index: request.index, refusal: refusalOf(error) };
    return { index: request.index, crash: (error as Error).stack ?? String(error) };
  }
}
