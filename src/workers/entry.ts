/**
 * Worker threads, shared by Knox and ingest. How to start one whose module sits beside the caller:
 * the compiled `<name>.js`; or, when running from the TypeScript sources (vitest, `node --import
 * tsx`), a small script that registers the tsx loader in the worker and imports `<name>.ts` — on
 * Node 20 a worker gets no loader from its parent, nor from `execArgv`.
 */
import type { WorkerOptions } from 'node:worker_threads';

export function workerEntry(callerUrl: string, name: string): { script: URL | string; options: WorkerOptions } {
  if (callerUrl.endsWith('.js')) return { script: new URL(`./${name}.js`, callerUrl), options: {} };
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL(`./${name}.ts`, callerUrl).href;
  return {
    script: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(worker)}); });`,
    options: { eval: true, execArgv: [] },
  };
}

/** Worker threads asked for by SVO_INGEST_WORKERS (0 = none), or null when it is not set. */
export function requestedWorkers(env: NodeJS.ProcessEnv): number | null {
  const requested = env.SVO_INGEST_WORKERS;
  if (requested === undefined || requested.trim() === '') return null;
  return Math.max(0, Math.floor(Number(requested)) || 0);
}
