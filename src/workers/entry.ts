/**
 * How to start a worker thread whose module sits beside the caller: the compiled `<name>.js`; or, when
 * running from the TypeScript sources (vitest, `node --import tsx`), a small script that registers the
 * tsx loader in the worker and imports `<name>.ts` — on Node 20 a worker gets no loader from its
 * parent, nor from `execArgv`.
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
