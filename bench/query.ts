/**
 * Query latency on a store holding the 1,000,000-incident synthetic extract: single-dimension
 * breakdowns with one filter, and three-dimension breakdowns, each run warm (after one untimed run)
 * several times; prints p50 and p95 per query and over all runs of each kind, and the machine's load
 * average, since other work on a shared machine moves these figures more than anything in svo does.
 */
import { loadavg } from 'node:os';
import { openStore } from '../src/store/open.js';
import { runQuery } from '../src/query/run.js';

export const SINGLE_DIMENSION: Record<string, unknown>[] = [
  { by: ['month'], where: { lad: ['X06000001'] } },
  { by: ['lad'], where: { month: ['2024-05'] } },
  { by: ['hour'], where: { day_of_week: ['Saturday'] } },
  { by: ['lsoa'], where: { knife_enabled: ['true'] } },
  { by: ['crime_type'], allCrime: true, where: { domestic: ['false'] } },
  { by: ['imd_decile'], measure: 'rate', where: { year: ['2024'] } },
  { by: ['victim_age_band'], measure: 'victims', where: { victim_sex: ['male'] } },
];

export const THREE_DIMENSIONS: Record<string, unknown>[] = [
  { by: ['month', 'lad', 'sv_category'] },
  { by: ['day_of_week', 'hour', 'csp'] },
  { by: ['year', 'offender_age_band', 'offender_sex'], measure: 'offenders' },
];

const RUNS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchQueries(label: string, location: { dbPath?: string; databaseUrl?: string; pgSchema?: string }, log: (line: string) => void): Promise<void> {
  const store = await openStore(location);
  try {
    for (const [kind, specs] of [['single dimension + one filter', SINGLE_DIMENSION], ['three dimensions', THREE_DIMENSIONS]] as const) {
      const all: number[] = [];
      for (const spec of specs) {
        await runQuery(store, spec); // warm: caches, JIT, connection
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          await runQuery(store, spec);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        all.push(...times);
        log(`  ${label} ${JSON.stringify(spec)}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
      }
      all.sort((a, b) => a - b);
      const load = loadavg().map((l) => l.toFixed(1)).join(' / ');
      log(`${label} ${kind}: p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms over ${all.length} warm runs (load average ${load})`);
    }
  } finally {
    await store.close();
  }
}
