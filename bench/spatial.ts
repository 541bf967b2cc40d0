/**
 * Hotspot benchmarks (issue 4 targets): Gi* on the 611 LLR LSOAs (≤ 20 ms after geography is loaded),
 * Gi* on 100,000 grid cells (≤ 1 s), quartic KDE of 100,000 points on a 100 m grid over LLR (≤ 2 s).
 * Each is timed warm (median of several runs after one untimed run). When Rscript with spdep is
 * installed, the same Gi* computations are timed in R in the same run (mean of several warm runs) and
 * the ratio is printed.
 * Not a test: prints numbers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runHotspots } from '../src/analysis/hotspots.js';
import { wgs84ToBng } from '../src/core/geo/bng.js';
import { bbox, mapPositions, toPolygonGeometry, type PolygonGeometry } from '../src/core/geo/polygon.js';
import { giStarAnalysis } from '../src/core/spatial/gistar.js';
import { gridCovering, gridNeighbours } from '../src/core/spatial/grid.js';
import { quarticDensity, topPercent } from '../src/core/spatial/kde.js';
import { createRng, type Rng } from '../src/core/spatial/rng.js';
import { buildNeighbours, planarCentroids } from '../src/core/spatial/weights.js';
import { silentProgress } from '../src/ingest/common/types.js';
import { ingestGeography } from '../src/ingest/geography/index.js';
import { ingestPoliceUk } from '../src/ingest/police-uk/index.js';
import { openStore } from '../src/store/open.js';

const DATA = resolve(import.meta.dirname, '../../shared/data');
const LLR = join(DATA, 'lsoa-boundaries-llr/llr-lsoa11-merged.geojson');
const LLR_LOOKUP = join(DATA, 'lsoa-lookup-llr/lsoa11-msoa11-lad17-llr.csv');
const LLR_POPULATION = join(DATA, 'population-lsoa-syoa-llr/sape23dt2-mid2020-lsoa11-syoa-persons-llr.csv');
const LLR_MONTH = join(DATA, 'police-street-crime-leicestershire/2022-06-leicestershire-street.csv.gz');
const GRID_SIDE = 317; // 317 × 317 = 100,489 cells
const KDE_POINTS = 100_000;
const KDE_CELL = 100;
const KDE_BANDWIDTH = 400;
/** LLR's extent in BNG metres, used when the boundaries are absent. */
const LLR_BOX: [number, number, number, number] = [429_000, 277_000, 510_000, 344_000];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time of `fn` in ms over `runs` runs, after one untimed run. */
function time(fn: () => unknown, runs = 7): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function poisson(rng: Rng, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = rng();
  while (u > s && k < 10_000) {
    p *= lambda / ++k;
    s += p;
  }
  return k;
}

/** Seconds R reports for an expression, or null when R / spdep is not installed. */
function rSeconds(script: string, dir: string): Record<string, number> | null {
  const which = spawnSync('Rscript', ['-e', 'cat(requireNamespace("spdep", quietly = TRUE))'], { encoding: 'utf8' });
  if (which.status !== 0 || !which.stdout.includes('TRUE')) return null;
  const file = join(dir, 'bench.R');
  writeFileSync(file, script);
  const run = spawnSync('Rscript', [file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`R failed:\n${run.stderr}`);
  const out: Record<string, number> = {};
  for (const m of run.stdout.matchAll(/^(\w+)=([\d.eE+-]+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Warm time of `runHotspots` (LSOA Gi* on rates, queen) on a DuckDB holding the LLR geography. */
async function endToEnd(work: string): Promise<string> {
  if (![LLR_LOOKUP, LLR_POPULATION, LLR_MONTH].every(existsSync)) return 'skipped: the LLR lookup, population or police files are absent';
  const store = await openStore({ dbPath: join(work, 'llr.duckdb') });
  try {
    const ctx = { store, user: 'bench', progress: silentProgress, log: () => {}, now: () => new Date() };
    await ingestGeography(ctx, { lookup: LLR_LOOKUP, population: LLR_POPULATION, boundaries: [LLR] });
    await ingestPoliceUk(ctx, [LLR_MONTH]);
    const request = { source: 'police-uk', where: { crime_type: ['Violence and sexual offences'] }, measure: 'rate', fdr: true };
    await runHotspots(store, request);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await runHotspots(store, request);
      times.push(performance.now() - t);
    }
    return `${median(times).toFixed(0)} ms a request (SQL counts and boundaries, projection, queen weights, Gi*)`;
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  } finally {
    await store.close();
  }
}

export async function benchSpatial(log: (line: string) => void): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'svo-bench-spatial-'));
  const rng = createRng(20240611);
  const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
  try {
    // --- Gi* on the LLR LSOAs --------------------------------------------------------------------
    let box = LLR_BOX;
    let r: Record<string, number> | null = null;
    let llr: { units: number; giMs: number; queenMs: number } | null = null;
    const rScript: string[] = ['suppressPackageStartupMessages({library(sf); library(spdep)})', 'tm <- function(e, n = 7) { ex <- substitute(e); pf <- parent.frame(); eval(ex, pf); system.time(for (i in seq_len(n)) eval(ex, pf))[["elapsed"]] / n }'];
    if (existsSync(LLR)) {
      const doc = JSON.parse(readFileSync(LLR, 'utf8')) as { features: { properties: { LSOA11CD: string }; geometry: unknown }[] };
      const t0 = performance.now();
      const polygons = doc.features.map((f) => mapPositions(toPolygonGeometry(f.geometry) as PolygonGeometry, wgs84ToBng));
      const projectMs = performance.now() - t0;
      const counts = polygons.map(() => poisson(rng, Math.exp(1.5 + 0.9 * (rng() - 0.5))));
      const centroids = planarCentroids(polygons);
      const queenMs = time(() => buildNeighbours(polygons, { kind: 'queen' }, centroids));
      const knnMs = time(() => buildNeighbours(polygons, { kind: 'knn', k: 6 }, centroids));
      const queen = buildNeighbours(polygons, { kind: 'queen' }, centroids);
      const giMs = time(() => giStarAnalysis(counts, queen, { fdr: true }), 51);
      llr = { units: polygons.length, giMs, queenMs };
      log(`Gi* on the ${polygons.length} LLR LSOAs (queen, z + p + FDR + class): ${fmt(giMs)} (target ≤ 20 ms)`);
      log(`  building the weights once: queen contiguity ${fmt(queenMs)}, knn:6 ${fmt(knnMs)}; projecting the boundaries to BNG ${fmt(projectMs)}`);
      const [minE, minN, maxE, maxN] = polygons.map(bbox).reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
      box = [minE, minN, maxE, maxN];
      writeFileSync(join(work, 'counts.txt'), counts.join('\n'));
      rScript.push(
        `BNG <- "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs"`,
        `llr <- st_transform(st_read("${LLR}", quiet = TRUE), BNG)`,
        `x <- scan("${join(work, 'counts.txt')}", quiet = TRUE)`,
        `cat("llr_queen=", tm(nb <- poly2nb(llr, snap = 0.001), 3), "\\n", sep = "")`,
        `lw <- nb2listw(include.self(nb), style = "B")`,
        `cat("llr_gistar=", tm(localG(x, lw), 51), "\\n", sep = "")`,
      );
      log(`  svo hotspots end to end from DuckDB (LLR geography and one data.police.uk month loaded): ${await endToEnd(work)}`);
    } else {
      log(`Gi* on the LLR LSOAs: skipped, ${LLR} is absent`);
    }

    // --- Gi* on 100,000 grid cells -----------------------------------------------------------------
    const grid = gridCovering(0, 0, GRID_SIDE * 100 - 1, GRID_SIDE * 100 - 1, 100);
    const cells = Int32Array.from({ length: grid.cols * grid.rows }, (_, i) => i);
    const gridCounts = Array.from(cells, () => poisson(rng, 3));
    const gridWMs = time(() => gridNeighbours(grid, cells, { kind: 'queen' }), 3);
    const gridW = gridNeighbours(grid, cells, { kind: 'queen' });
    const gridGiMs = time(() => giStarAnalysis(gridCounts, gridW, { fdr: true }), 7);
    log(`Gi* on ${cells.length.toLocaleString('en-GB')} grid cells (queen, z + p + FDR + class): ${fmt(gridGiMs)}, plus ${fmt(gridWMs)} to build the weights (target ≤ 1 s)`);
    writeFileSync(join(work, 'grid.txt'), gridCounts.join('\n'));
    rScript.push(
      `g <- scan("${join(work, 'grid.txt')}", quiet = TRUE)`,
      // cell2nb takes minutes on 100,000 cells: the queen lists are built directly (not timed).
      `n <- ${GRID_SIDE}`,
      `gnb <- lapply(seq_len(n * n), function(k) { r <- (k - 1) %% n; c <- (k - 1) %/% n; rr <- r + c(-1, -1, -1, 0, 0, 1, 1, 1); cc <- c + c(-1, 0, 1, -1, 1, -1, 0, 1); ok <- rr >= 0 & rr < n & cc >= 0 & cc < n; sort(as.integer(rr[ok] + cc[ok] * n + 1)) })`,
      `class(gnb) <- "nb"; attr(gnb, "region.id") <- as.character(seq_len(n * n)); attr(gnb, "sym") <- TRUE`,
      `glw <- nb2listw(include.self(gnb), style = "B")`,
      `cat("grid_gistar=", tm(localG(g, glw), 3), "\\n", sep = "")`,
    );

    // --- KDE, 100,000 points, 100 m grid over LLR --------------------------------------------------
    // Half the points in 40 clusters (σ 300 m), half uniform over the box.
    const centres = Array.from({ length: 40 }, () => [box[0] + rng() * (box[2] - box[0]), box[1] + rng() * (box[3] - box[1])] as const);
    const xy = new Float64Array(KDE_POINTS * 2);
    for (let i = 0; i < KDE_POINTS; i++) {
      if (i % 2 === 0) {
        const c = centres[i % centres.length]!;
        const radius = 300 * Math.sqrt(-2 * Math.log(1 - rng()));
        const angle = 2 * Math.PI * rng();
        xy[2 * i] = c[0] + radius * Math.cos(angle);
        xy[2 * i + 1] = c[1] + radius * Math.sin(angle);
      } else {
        xy[2 * i] = box[0] + rng() * (box[2] - box[0]);
        xy[2 * i + 1] = box[1] + rng() * (box[3] - box[1]);
      }
    }
    const kdeGrid = gridCovering(box[0], box[1], box[2], box[3], KDE_CELL);
    const kdeMs = time(() => topPercent(quarticDensity(xy, kdeGrid, KDE_BANDWIDTH), 5), 5);
    log(
      `KDE of ${KDE_POINTS.toLocaleString('en-GB')} points on a ${KDE_CELL} m grid over LLR (${(kdeGrid.cols * kdeGrid.rows).toLocaleString('en-GB')} cells, ` +
        `quartic, bandwidth ${KDE_BANDWIDTH} m, top 5% flagged): ${fmt(kdeMs)} (target ≤ 2 s)`,
    );

    // --- R spdep, same data, same run ---------------------------------------------------------------
    r = rSeconds(rScript.join('\n'), work);
    if (!r) {
      log('R spdep: not installed, no ratio measured');
    } else {
      log(`R ${spawnSync('Rscript', ['-e', 'cat(R.version.string, "spdep", as.character(packageVersion("spdep")))'], { encoding: 'utf8' }).stdout.trim()}, same data, same run:`);
      if (r.llr_gistar !== undefined && llr) {
        log(`  ${llr.units} LLR LSOAs: localG ${fmt(r.llr_gistar * 1000)} (svo ${fmt(llr.giMs)}, ${(r.llr_gistar * 1000 / llr.giMs).toFixed(1)}× faster); poly2nb ${fmt(r.llr_queen! * 1000)} (svo queen ${fmt(llr.queenMs)}, ${(r.llr_queen! * 1000 / llr.queenMs).toFixed(1)}×)`);
      }
      log(`  ${cells.length.toLocaleString('en-GB')} grid cells: localG ${fmt(r.grid_gistar! * 1000)} (svo ${fmt(gridGiMs)}, ${(r.grid_gistar! * 1000 / gridGiMs).toFixed(1)}× faster)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSpatial(console.log);
