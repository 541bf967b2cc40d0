/**
 * Near-repeat (Knox) benchmark: 10,000 events, 999 permutations (issue 4 target ≤ 5 s), on a seeded
 * synthetic city and, when ../shared/data is present, on 10,000 real data.police.uk Leicestershire
 * violence records (snap points, dated by month). Each is timed as `svo near-repeat` runs it (worker
 * threads, one per core, in a fresh node from the compiled dist/ that `npm run bench` builds) and in
 * one thread, and the two tables are checked to be identical. When R and surveillance are installed, R
 * surveillance::knox is timed in the same run on the same synthetic events with one threshold pair
 * (its 2×2 table); it needs all n(n−1)/2 distances, so it is timed with few permutations and its
 * 999-permutation time is extrapolated from the per-permutation slope. Not a test: prints numbers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import { wgs84ToBng } from '../src/core/geo/bng.js';
import { knoxTest, type KnoxEvent, type KnoxOptions, type KnoxResult } from '../src/core/spatial/knox.js';
import { createRng } from '../src/core/spatial/rng.js';

const SHARED = resolve(import.meta.dirname, '../../shared/data/police-street-crime-leicestershire');
const EVENTS = 10_000;

/**
 * A city-like pattern: 60% of events in a 6 km core (denser towards the centre), 40% over 30 km;
 * 10% of events are near repeats (≤ 150 m, 1–14 days after an earlier one); three years of dates.
 */
export function syntheticCity(n: number, seed: number): KnoxEvent[] {
  const rng = createRng(seed);
  const events: KnoxEvent[] = [];
  while (events.length < n) {
    const u = rng();
    if (u < 0.1 && events.length > 0) {
      const origin = events[Math.floor(rng() * events.length)]!;
      const angle = rng() * 2 * Math.PI;
      const r = rng() * 150;
      events.push({ x: origin.x + r * Math.cos(angle), y: origin.y + r * Math.sin(angle), day: origin.day + 1 + Math.floor(rng() * 14) });
    } else if (u < 0.7) {
      const angle = rng() * 2 * Math.PI;
      const r = 3000 * rng() ** 1.5;
      events.push({ x: 458_000 + r * Math.cos(angle), y: 304_000 + r * Math.sin(angle), day: Math.floor(rng() * 1095) });
    } else {
      events.push({ x: 443_000 + rng() * 30_000, y: 289_000 + rng() * 30_000, day: Math.floor(rng() * 1095) });
    }
  }
  return events.map((e) => ({ x: Math.round(e.x), y: Math.round(e.y), day: e.day }));
}

/** The first `n` violence records with a location from the real monthly files, dated the 1st of the month. */
export function realLeicestershire(n: number): KnoxEvent[] | null {
  if (!existsSync(SHARED)) return null;
  const events: KnoxEvent[] = [];
  for (const file of readdirSync(SHARED).filter((f) => f.endsWith('.csv.gz')).sort()) {
    const rows = parse(gunzipSync(readFileSync(join(SHARED, file))), { columns: true, bom: true }) as Record<string, string>[];
    for (const r of rows) {
      if (r['Crime type'] !== 'Violence and sexual offences' || !r.Longitude || !r.Latitude || !r.Month) continue;
      const [x, y] = wgs84ToBng(Number(r.Longitude), Number(r.Latitude));
      const [year, month] = r.Month.split('-').map(Number);
      events.push({ x, y, day: Date.UTC(year!, month! - 1, 1) / 86_400_000 });
      if (events.length === n) return events;
    }
  }
  return events;
}

interface Timing {
  seconds: number;
  /** CPU of the whole process, all threads. */
  cpuSeconds: number;
  closePairs: number;
  result: KnoxResult;
}

/** Wall and CPU seconds: the machine is shared, so CPU time is the steadier figure. */
async function time(run: () => KnoxResult | Promise<KnoxResult>): Promise<Timing> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, closePairs: result.closePairs, result };
}

const COMPILED = resolve(import.meta.dirname, '../dist/analysis/knox-parallel.js');

/**
 * Times `knoxTestParallel` in a fresh plain `node` from dist/ (which `npm run bench` builds): as
 * `svo near-repeat` runs it, cold, with workers that load plain JavaScript. (Inside this tsx process,
 * the workers' module loading would also go through tsx and cost more.) Only the call is timed.
 */
const CHILD = `
import { readFileSync } from 'node:fs';
const [moduleUrl, eventsFile, optionsJson] = process.argv.slice(2);
const { knoxTestParallel, workersFor } = await import(moduleUrl);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const options = JSON.parse(optionsJson);
const started = performance.now();
const cpu = process.cpuUsage();
const result = await knoxTestParallel(events, options);
const used = process.cpuUsage(cpu);
const workers = workersFor({ events: events.length, closePairs: result.closePairs, options });
process.stdout.write(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, closePairs: result.closePairs, result, workers }));
`;

async function timeParallel(events: KnoxEvent[], options: KnoxOptions): Promise<Timing & { workers: number; from: string }> {
  if (!existsSync(COMPILED)) {
    const parallel = await import('../src/analysis/knox-parallel.js');
    const timing = await time(() => parallel.knoxTestParallel(events, options));
    return { ...timing, workers: parallel.workersFor({ events: events.length, closePairs: timing.closePairs, options }), from: 'src/ in this tsx process (dist/ not built)' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'svo-bench-knox-'));
  try {
    const file = join(dir, 'events.json');
    writeFileSync(file, JSON.stringify(events));
    const script = join(dir, 'knox-parallel.mjs');
    writeFileSync(script, CHILD);
    const run = spawnSync(process.execPath, [script, pathToFileURL(COMPILED).href, file, JSON.stringify(options)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`the parallel Knox run failed:\n${run.stderr}`);
    return { ...(JSON.parse(run.stdout) as Timing & { workers: number }), from: 'dist/, fresh node' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const describe = (r: Timing, permutations: number) =>
  `${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds.toFixed(2)} s; ${r.closePairs.toLocaleString('en-GB')} pairs within the last band, ${((r.cpuSeconds * 1e9) / (r.closePairs * permutations)).toFixed(1)} ns CPU per pair per permutation)`;

/** Times one data set both ways and logs both; returns the parallel wall time. */
async function timeBothWays(label: string, events: KnoxEvent[], options: KnoxOptions, log: (line: string) => void): Promise<number> {
  const threads = await timeParallel(events, options);
  const one = await time(() => knoxTest(events, options));
  log(`${label}:`);
  log(`  ${threads.workers} worker thread${threads.workers === 1 ? '' : 's'} (${threads.from}): ${describe(threads, options.permutations)}`);
  log(`  one thread (warm, in this process): ${describe(one, options.permutations)}`);
  log(`  tables identical: ${isDeepStrictEqual(threads.result, one.result) ? 'yes' : 'NO'}`);
  return threads.seconds;
}

const R_SCRIPT = `
suppressPackageStartupMessages(library(surveillance))
e <- read.csv(commandArgs(TRUE)[1])
t0 <- proc.time()[["elapsed"]]
ds <- dist(cbind(e$x, e$y)); dt <- dist(e$day)
t1 <- proc.time()[["elapsed"]]
run <- function(B) { s <- proc.time()[["elapsed"]]; k <- knox(dt, ds, eps.t = 7, eps.s = 100, B = B, .verbose = FALSE); c(proc.time()[["elapsed"]] - s, k$statistic) }
a <- run(2); b <- run(6)
cat(sprintf('{"distances":%f,"b2":%f,"b6":%f,"closeClose":%d}', t1 - t0, a[1], b[1], as.integer(a[2])))
`;

function timeR(events: KnoxEvent[], log: (line: string) => void): number | null {
  const probe = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(surveillance))'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    log('R surveillance: not installed (apt-get install r-cran-surveillance), no ratio measured');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'svo-bench-knox-'));
  try {
    const csv = join(dir, 'events.csv');
    writeFileSync(csv, ['x,y,day', ...events.map((e) => `${e.x},${e.y},${e.day}`)].join('\n') + '\n');
    const script = join(dir, 'knox.R');
    writeFileSync(script, R_SCRIPT);
    const run = spawnSync('Rscript', [script, csv], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) {
      log(`R surveillance: failed (${run.stderr.trim().split('\n').at(-1) ?? 'no message'})`);
      return null;
    }
    const r = JSON.parse(run.stdout.trim()) as { distances: number; b2: number; b6: number; closeClose: number };
    const perPermutation = (r.b6 - r.b2) / 4;
    const fixed = r.b2 - 2 * perPermutation;
    const estimate = r.distances + fixed + 999 * perPermutation;
    log(
      `R surveillance::knox (one 100 m × 7 day threshold, same events): distances ${r.distances.toFixed(1)} s, ${(perPermutation * 1000).toFixed(0)} ms per permutation (timed with 2 and 6) → 999 permutations ≈ ${estimate.toFixed(0)} s; close-close pairs ${r.closeClose}`,
    );
    return estimate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchNearRepeat(log: (line: string) => void): Promise<void> {
  log('\n## Near repeat (Knox), 10,000 events, 999 permutations (target ≤ 5 s)');
  log(`${availableParallelism()} cores`);
  const city = syntheticCity(EVENTS, 4);
  const base: KnoxOptions = { spatialBand: 100, spatialBands: 5, temporalBand: 7, temporalBands: 4, distance: 'euclidean', permutations: 999, seed: 1 };
  // Warm-up, so the figures are not JIT compilation.
  knoxTest(city.slice(0, 2000), { ...base, permutations: 20 });
  // Time grows with the pairs closer than the largest spatial band (re-counted per permutation): the
  // synthetic city is denser than the real county (about 250 such pairs per event against 40).
  const svoSeconds = await timeBothWays('synthetic city (dense core), 100 m × 5, 7 days × 4, euclidean', city, base, log);
  const real = realLeicestershire(EVENTS);
  if (real === null) log(`real data: skipped, ${SHARED} is absent`);
  else {
    const options = { ...base, temporalBand: 31, temporalBands: 3 };
    await timeBothWays(`real data.police.uk Leicestershire violence (${real.length.toLocaleString('en-GB')} snap points, monthly dates), 100 m × 5, 31 days × 3`, real, options, log);
  }
  const r = timeR(city, log);
  if (r !== null) log(`ratio R surveillance::knox (999 permutations, one threshold) / svo (999 permutations, ${(base.spatialBands + 2) * (base.temporalBands + 1)} band cells, worker threads): ${(r / svoSeconds).toFixed(0)}×`);
}

if (import.meta.url === `file://${process.argv[1]}`) void benchNearRepeat((line) => console.log(line));
