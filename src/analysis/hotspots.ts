/**
 * Hotspot analyses from the store: Getis-Ord Gi* on LSOAs, MSOAs or a regular BNG grid (counts or
 * rates), quartic kernel density on a grid, hotspot stability (PAI, RRI) between two periods, and
 * emerging hot spots over a series of periods. One options schema for the CLI and the HTTP API; the
 * records are selected by the same query specification as `svo query` (filters only).
 *
 * Units and the study area come from the loaded geography: LSOA boundaries (geo_lsoa_boundaries),
 * narrowed by any area filter (lsoa, msoa, lad, csp, imd_decile); MSOAs are their LSOAs together
 * (contiguity derived from LSOA contiguity, area-weighted centroid); grid cells are those whose centre
 * lies in the study area. Statistics are computed in British National Grid metres; GeoJSON is WGS84.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { bngToWgs84, wgs84ToBng } from '../core/geo/bng.js';
import { LsoaLocator } from '../core/geo/locator.js';
import { areaCentroidBng, bbox, mapPositions, polygonsOf, type PolygonGeometry } from '../core/geo/polygon.js';
import { parseQuerySpec, type QuerySpec } from '../core/query/spec.js';
import { emergingHotspots } from '../core/spatial/emerging.js';
import { giStarAnalysis, type HotspotClass } from '../core/spatial/gistar.js';
import { cellCentre, cellId, cellPolygon, countPointsInCells, gridCovering, gridNeighbours, unitOfPoint, unitsOfCells, type Grid } from '../core/spatial/grid.js';
import { checkBandwidth, quarticDensity, topPercent } from '../core/spatial/kde.js';
import { predictiveAccuracyIndex, recaptureRateIndex } from '../core/spatial/stability.js';
import { buildNeighbours, contiguityNeighbours, formatWeightsSpec, neighboursFromLists, parseWeightsSpec, type Neighbours, type WeightsSpec } from '../core/spatial/weights.js';
import { buildPopulationQuery, type Cell, type ColumnType } from '../query/build.js';
import { breakdownsOf, splitAnalysisInput } from './input.js';
import { loadIncidentPoints, SNAPPED_POINTS_CAVEAT } from '../query/points.js';
import { runQuery } from '../query/run.js';
import type { Queryable, Store } from '../store/port.js';

type Db = Pick<Store, 'dialect'> & Queryable;

/** Hotspot options (everything else in a request is the query specification). */
export const hotspotOptionsSchema = z
  .object({
    method: z.enum(['gistar', 'kde']).default('gistar'),
    /** lsoa (default for gistar), msoa or grid (the only unit of kde). */
    unit: z.enum(['lsoa', 'msoa', 'grid']).optional(),
    /** Grid cell side in metres. */
    cell: z.coerce.number().min(1).max(100_000).default(250),
    weights: z.string().default('queen'),
    /** count, or rate per population (`per` of the query spec; LSOA and MSOA only). */
    measure: z.enum(['count', 'rate']).default('count'),
    /** Classify Gi* by Benjamini–Hochberg adjusted p-values. */
    fdr: z.boolean().default(false),
    /** KDE search radius in metres (required for kde). */
    bandwidth: z.coerce.number().positive().optional(),
    /** KDE: flag the top n% of the study area's cells. */
    top: z.coerce.number().gt(0).max(100).default(5),
  })
  .strict();
export type HotspotOptions = z.output<typeof hotspotOptionsSchema> & { unit: 'lsoa' | 'msoa' | 'grid' };

export interface Column {
  name: string;
  type: ColumnType;
}

export interface HotspotResult {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  options: HotspotOptions & { weights: string };
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Each row's polygon in WGS84, in row order (for GeoJSON). */
  geometries: PolygonGeometry[];
  caveats: string[];
}

export const GISTAR_COLUMNS = ['unit', 'count', 'gistar', 'p_value', 'p_fdr', 'class'] as const;
export const GISTAR_RATE_COLUMNS = ['unit', 'count', 'population', 'rate', 'gistar', 'p_value', 'p_fdr', 'class'] as const;
export const KDE_COLUMNS = ['unit', 'easting', 'northing', 'count', 'density', 'top'] as const;

const COLUMN_TYPES: Record<string, ColumnType> = {
  unit: 'string',
  count: 'integer',
  population: 'integer',
  rate: 'number',
  gistar: 'number',
  p_value: 'number',
  p_fdr: 'number',
  class: 'string',
  easting: 'number',
  northing: 'number',
  density: 'number',
  top: 'boolean',
};
const columnsOf = (names: readonly string[]): Column[] => names.map((name) => ({ name, type: COLUMN_TYPES[name] ?? 'string' }));

/**
 * Splits a request into hotspot options (with the analysis's own `extra` options, checked) and the
 * query spec part, whose measure becomes incidents or rate.
 */
function splitRequest<E extends z.ZodRawShape>(input: unknown, extra: E = {} as E) {
  const { options: all, query } = splitAnalysisInput(input, hotspotOptionsSchema.extend(extra), 'hotspot');
  const o = all as z.output<typeof hotspotOptionsSchema>;
  const unit = o.unit ?? (o.method === 'kde' ? 'grid' : 'lsoa');
  if (o.method === 'kde' && unit !== 'grid') throw new UsageError('kernel density is estimated on a grid: use unit grid (--unit grid) with a cell size');
  if (o.method === 'kde') {
    if (o.bandwidth === undefined) throw new UsageError('kernel density needs a bandwidth (search radius) in metres', 'e.g. --bandwidth 400 (often 2–5 times the cell size)');
    checkBandwidth(o.bandwidth, o.cell);
  }
  if (o.measure === 'rate' && unit === 'grid') throw new UsageError('rates need a population, which grid cells do not have', 'use --unit lsoa or msoa for rates');
  if (breakdownsOf(query).length > 0) throw new UsageError('hotspots take filters only, not breakdowns: leave out by');
  query.measure = o.measure === 'rate' ? 'rate' : 'incidents';
  const options = { unit } as HotspotOptions;
  for (const key of Object.keys(hotspotOptionsSchema.shape) as (keyof HotspotOptions)[]) if (key !== 'unit') Object.assign(options, { [key]: o[key] });
  return { options, query, extra: all as z.output<z.ZodObject<E>> };
}

// ---------------------------------------------------------------------------------------------------
// Study area and units

interface LsoaArea {
  code: string;
  msoa: string | null;
  population: number | null;
  wgs84: PolygonGeometry;
  bng: PolygonGeometry;
  areaM2: number;
  centroid: [number, number];
}

interface StudyArea {
  lsoas: LsoaArea[];
  populationYear: number | null;
  caveats: string[];
}

const AREA_DIMENSIONS = ['lsoa', 'msoa', 'lad', 'csp', 'imd_decile'];

/** The LSOAs of the study area: every LSOA with a boundary, narrowed by the spec's area filters. */
async function loadStudyArea(db: Db, spec: QuerySpec): Promise<StudyArea> {
  const boundaries = await db.query<{ lsoa_code: string; geometry: string }>(`SELECT lsoa_code, geometry FROM geo_lsoa_boundaries ORDER BY lsoa_code`);
  if (boundaries.length === 0) throw new UsageError('no LSOA boundaries are loaded', 'load them with svo ingest geography --boundaries <file.geojson>');
  const caveats: string[] = [];
  const geographyLoaded = (await db.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;
  const lookup = new Map<string, { msoa: string | null; population: number | null }>();
  let populationYear: number | null = null;
  if (geographyLoaded) {
    // The population query of the query layer, by LSOA and MSOA, applies the area filters.
    const pq = buildPopulationQuery({ ...spec, by: ['lsoa', 'msoa'] }, { dialect: db.dialect, definition: null, geographyLoaded: true });
    for (const r of await db.query(pq.sql, pq.params)) {
      lookup.set(String(r.k0), { msoa: r.k1 === null ? null : String(r.k1), population: r.population === null ? null : Number(r.population) });
      if (r.population_year !== null && r.population_year !== undefined) populationYear = Math.max(populationYear ?? 0, Number(r.population_year));
    }
  } else if (Object.keys(spec.where).some((d) => AREA_DIMENSIONS.includes(d))) {
    throw new UsageError('area filters need the geography lookup, which is not loaded', 'load it with svo ingest geography --lookup …');
  } else {
    caveats.push('no geography lookup is loaded: every LSOA with a boundary is in the study area, without MSOAs or population');
  }
  const lsoas: LsoaArea[] = [];
  let withoutBoundary = geographyLoaded ? lookup.size : 0;
  for (const b of boundaries) {
    const info = geographyLoaded ? lookup.get(b.lsoa_code) : { msoa: null, population: null };
    if (!info) continue;
    if (geographyLoaded) withoutBoundary--;
    const wgs84 = JSON.parse(b.geometry) as PolygonGeometry;
    const bng = mapPositions(wgs84, wgs84ToBng);
    const { areaM2, centroid } = areaCentroidBng(bng, (x, y) => [x, y]);
    lsoas.push({ code: b.lsoa_code, msoa: info.msoa, population: info.population, wgs84, bng, areaM2, centroid });
  }
  if (lsoas.length === 0) throw new UsageError('no LSOA of the study area has a boundary', 'check the area filters, or load boundaries with svo ingest geography --boundaries');
  if (withoutBoundary > 0) caveats.push(`${withoutBoundary} LSOA(s) of the study area have no boundary loaded and are left out`);
  return { lsoas, populationYear, caveats };
}

interface Units {
  kind: 'lsoa' | 'msoa' | 'grid';
  ids: string[];
  population: (number | null)[];
  areaM2: Float64Array;
  /** BNG centroids, interleaved. */
  centroids: Float64Array;
  neighbours(spec: WeightsSpec): Neighbours;
  geometry(i: number): PolygonGeometry;
  /** LSOA code → unit (lsoa, msoa). */
  unitOfLsoa?: Map<string, number>;
  grid?: Grid;
  /** Grid index of each unit (grid). */
  cells?: Int32Array;
}

function lsoaUnits(area: StudyArea): Units {
  const { lsoas } = area;
  const centroids = new Float64Array(lsoas.length * 2);
  lsoas.forEach((l, i) => {
    centroids[2 * i] = l.centroid[0];
    centroids[2 * i + 1] = l.centroid[1];
  });
  return {
    kind: 'lsoa',
    ids: lsoas.map((l) => l.code),
    population: lsoas.map((l) => l.population),
    areaM2: Float64Array.from(lsoas, (l) => l.areaM2),
    centroids,
    neighbours: (spec) => buildNeighbours(lsoas.map((l) => l.bng), spec, centroids),
    geometry: (i) => lsoas[i]!.wgs84,
    unitOfLsoa: new Map(lsoas.map((l, i) => [l.code, i])),
  };
}

function msoaUnits(area: StudyArea): Units {
  const groups = new Map<string, number[]>();
  area.lsoas.forEach((l, i) => {
    if (l.msoa === null) return;
    const list = groups.get(l.msoa);
    if (list) list.push(i);
    else groups.set(l.msoa, [i]);
  });
  if (groups.size === 0) throw new UsageError('no LSOA has an MSOA: MSOA units need the geography lookup', 'load it with svo ingest geography --lookup …');
  const ids = [...groups.keys()].sort();
  const members = ids.map((id) => groups.get(id)!);
  const unitOfLsoa = new Map<string, number>();
  members.forEach((list, u) => list.forEach((i) => unitOfLsoa.set(area.lsoas[i]!.code, u)));
  const areaM2 = Float64Array.from(members, (list) => list.reduce((s, i) => s + area.lsoas[i]!.areaM2, 0));
  const centroids = new Float64Array(ids.length * 2);
  members.forEach((list, u) => {
    // The area-weighted centroid of the union is the area-weighted mean of the parts' centroids.
    for (const i of list) {
      const l = area.lsoas[i]!;
      centroids[2 * u]! += (l.centroid[0] * l.areaM2) / areaM2[u]!;
      centroids[2 * u + 1]! += (l.centroid[1] * l.areaM2) / areaM2[u]!;
    }
  });
  const population = members.map((list) => (list.some((i) => area.lsoas[i]!.population === null) ? null : list.reduce((s, i) => s + area.lsoas[i]!.population!, 0)));
  const unitIndexOfLsoa = area.lsoas.map((l) => (l.msoa === null ? -1 : unitOfLsoa.get(l.code)!));
  return {
    kind: 'msoa',
    ids,
    population,
    areaM2,
    centroids,
    neighbours: (spec) => {
      if (spec.kind === 'distance' || spec.kind === 'knn') return buildNeighbours([], spec, centroids);
      // Two MSOAs touch when any of their LSOAs do.
      const lsoaW = contiguityNeighbours(area.lsoas.map((l) => l.bng), spec.kind);
      const lists = ids.map(() => new Set<number>());
      for (let i = 0; i < lsoaW.n; i++) {
        const u = unitIndexOfLsoa[i]!;
        if (u < 0) continue;
        for (let k = lsoaW.offsets[i]!; k < lsoaW.offsets[i + 1]!; k++) {
          const v = unitIndexOfLsoa[lsoaW.indices[k]!]!;
          if (v >= 0 && v !== u) lists[u]!.add(v);
        }
      }
      return neighboursFromLists(lists.map((s) => [...s]));
    },
    // Drawn as the MultiPolygon of its LSOAs (their shared edges are not dissolved).
    geometry: (u) => ({ type: 'MultiPolygon', coordinates: members[u]!.flatMap((i) => polygonsOf(area.lsoas[i]!.wgs84)) }),
    unitOfLsoa,
  };
}

/** Grid cells whose centre lies in the study area (or, without boundaries, all cells over the points). */
function gridUnits(area: StudyArea | null, cell: number, pointsXy: Float64Array): { units: Units; caveats: string[] } {
  const caveats: string[] = [];
  let grid: Grid;
  let cells: number[];
  if (area) {
    let [minE, minN, maxE, maxN] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const l of area.lsoas) {
      const [a, b, c, d] = bbox(l.bng);
      minE = Math.min(minE, a);
      minN = Math.min(minN, b);
      maxE = Math.max(maxE, c);
      maxN = Math.max(maxN, d);
    }
    grid = gridCovering(minE, minN, maxE, maxN, cell);
    const locator = new LsoaLocator(area.lsoas.map((l) => ({ code: l.code, geometry: l.bng })));
    cells = [];
    for (let i = 0; i < grid.cols * grid.rows; i++) {
      const [e, n] = cellCentre(grid, i);
      if (locator.locate(e, n) !== null) cells.push(i);
    }
    if (cells.length === 0) throw new UsageError(`no ${cell} m cell has its centre in the study area`, 'use a smaller --cell');
  } else {
    if (pointsXy.length === 0) throw new UsageError('no incidents with a location were found, and no boundaries are loaded to define the study area');
    let [minE, minN, maxE, maxN] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let k = 0; k < pointsXy.length; k += 2) {
      minE = Math.min(minE, pointsXy[k]!);
      maxE = Math.max(maxE, pointsXy[k]!);
      minN = Math.min(minN, pointsXy[k + 1]!);
      maxN = Math.max(maxN, pointsXy[k + 1]!);
    }
    grid = gridCovering(minE, minN, maxE, maxN, cell);
    cells = Array.from({ length: grid.cols * grid.rows }, (_, i) => i);
    caveats.push('no LSOA boundaries are loaded: the grid covers the bounding box of the incidents, so empty cells at its edges are part of the study area');
  }
  const cellIndexes = Int32Array.from(cells);
  const centroids = new Float64Array(cells.length * 2);
  cells.forEach((c, u) => {
    [centroids[2 * u], centroids[2 * u + 1]] = cellCentre(grid, c);
  });
  return {
    units: {
      kind: 'grid',
      ids: cells.map((c) => cellId(grid, c)),
      population: cells.map(() => null),
      areaM2: new Float64Array(cells.length).fill(cell * cell),
      centroids,
      neighbours: (spec) => gridNeighbours(grid, cellIndexes, spec),
      geometry: (u) => mapPositions(cellPolygon(grid, cellIndexes[u]!), bngToWgs84),
      grid,
      cells: cellIndexes,
    },
    caveats,
  };
}

// ---------------------------------------------------------------------------------------------------
// Counting

interface Counts {
  counts: Float64Array;
  /** Records selected but in no unit of the study area. */
  outside: number;
  definition: { id: string; version: number } | null;
  caveats: string[];
}

/** Records per unit for a query part (measure incidents), from area codes or from points. */
async function countPerUnit(db: Db, units: Units, query: Record<string, unknown>, pointsXy?: Float64Array): Promise<Counts> {
  if (units.kind === 'grid') {
    let xy = pointsXy;
    let definition: Counts['definition'] = null;
    const caveats: string[] = [];
    if (!xy) {
      const points = await loadIncidentPoints(db, { ...query, measure: 'incidents' });
      xy = pointsToXy(points.points);
      definition = points.definition;
      caveats.push(...points.caveats);
    }
    const { counts, outside } = countPointsInCells(units.grid!, units.cells!, xy);
    return { counts, outside, definition, caveats };
  }
  const result = await runQuery(db, { ...query, measure: 'incidents', by: ['lsoa'] });
  const counts = new Float64Array(units.ids.length);
  let outside = 0;
  for (const row of result.rows) {
    const u = row.lsoa === null ? undefined : units.unitOfLsoa!.get(String(row.lsoa));
    if (u === undefined) outside += Number(row.count);
    else counts[u]! += Number(row.count);
  }
  // The query layer's note about records without an area does not apply: here they are left out.
  const caveats = result.caveats.filter((c) => !c.startsWith('records whose LSOA is missing'));
  if (result.spec.source === 'police-uk') caveats.push('data.police.uk records are counted in the LSOA they are published with (their locations are snap points)');
  return { counts, outside, definition: result.definition, caveats };
}

function pointsToXy(points: readonly { easting: number; northing: number }[]): Float64Array {
  const xy = new Float64Array(points.length * 2);
  points.forEach((p, i) => {
    xy[2 * i] = p.easting;
    xy[2 * i + 1] = p.northing;
  });
  return xy;
}

const outsideCaveat = (outside: number, unit: string) =>
  `${outside.toLocaleString('en-GB')} selected record(s) are outside the study area (no ${unit === 'grid' ? 'grid cell' : 'LSOA'} of it) and are left out`;

/** Units, counts, and the points (grid only) for one query. */
async function prepare(db: Db, options: HotspotOptions, query: Record<string, unknown>) {
  const spec = parseQuerySpec(query);
  let area: StudyArea | null = null;
  const caveats: string[] = [];
  try {
    area = await loadStudyArea(db, spec);
    caveats.push(...area.caveats);
  } catch (error) {
    if (!(options.unit === 'grid' && error instanceof UsageError && /no LSOA boundaries/.test(error.message))) throw error;
  }
  let points: Awaited<ReturnType<typeof loadIncidentPoints>> | null = null;
  let xy: Float64Array | undefined;
  let units: Units;
  if (options.unit === 'grid') {
    points = await loadIncidentPoints(db, { ...query, measure: 'incidents' });
    xy = pointsToXy(points.points);
    const g = gridUnits(area, options.cell, xy);
    units = g.units;
    caveats.push(...g.caveats);
  } else {
    units = options.unit === 'msoa' ? msoaUnits(area!) : lsoaUnits(area!);
  }
  const counted = await countPerUnit(db, units, query, xy);
  if (points) {
    counted.definition = points.definition;
    counted.caveats.push(...points.caveats.filter((c) => c !== SNAPPED_POINTS_CAVEAT || spec.source === 'police-uk'));
  }
  caveats.push(...counted.caveats);
  if (counted.outside > 0) caveats.push(outsideCaveat(counted.outside, options.unit));
  return { spec, area, units, counted, xy: xy ?? null, caveats: [...new Set(caveats)] };
}

/** The value analysed per unit: the count, or the rate per `per` population. */
function valuesOf(options: HotspotOptions, spec: QuerySpec, units: Units, counts: Float64Array): { keep: number[]; values: number[]; rates: (number | null)[] } {
  const keep: number[] = [];
  const values: number[] = [];
  const rates: (number | null)[] = units.ids.map(() => null);
  for (let u = 0; u < units.ids.length; u++) {
    if (options.measure === 'rate') {
      const population = units.population[u];
      if (population === null || population === undefined || population <= 0) continue;
      rates[u] = (counts[u]! / population) * spec.per;
      values.push(rates[u]!);
    } else {
      values.push(counts[u]!);
    }
    keep.push(u);
  }
  return { keep, values, rates };
}

/** The neighbours of the kept units only (units without a population drop out of a rate analysis). */
function neighboursOfKept(units: Units, weights: WeightsSpec, keep: number[]): Neighbours {
  const all = units.neighbours(weights);
  if (keep.length === units.ids.length) return all;
  const position = new Int32Array(units.ids.length).fill(-1);
  keep.forEach((u, k) => (position[u] = k));
  return neighboursFromLists(
    keep.map((u) => {
      const list: number[] = [];
      for (let k = all.offsets[u]!; k < all.offsets[u + 1]!; k++) if (position[all.indices[k]!]! >= 0) list.push(position[all.indices[k]!]!);
      return list;
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// Gi* and KDE

/** Gi* or KDE for the request `input` (hotspot options + query specification filters). */
export async function runHotspots(db: Db, input: unknown): Promise<HotspotResult> {
  const { options, query } = splitRequest(input);
  return options.method === 'kde' ? runKde(db, options, query) : runGiStar(db, options, query);
}

async function runGiStar(db: Db, options: HotspotOptions, query: Record<string, unknown>): Promise<HotspotResult> {
  const weights = parseWeightsSpec(options.weights);
  const { spec, area, units, counted, caveats } = await prepare(db, options, query);
  const { keep, values, rates } = valuesOf(options, spec, units, counted.counts);
  if (keep.length < units.ids.length) caveats.push(`${units.ids.length - keep.length} unit(s) without a population are left out of the rate analysis`);
  if (keep.length < 3) throw new UsageError(`Gi* needs at least 3 units, the study area has ${keep.length}`);
  const w = neighboursOfKept(units, weights, keep);
  const result = giStarAnalysis(values, w, { fdr: options.fdr });
  if (Number.isNaN(result.z[0]!)) caveats.push('every unit has the same value: Gi* is undefined and nothing can be a hotspot');
  let isolated = 0;
  for (let i = 0; i < w.n; i++) if (w.offsets[i + 1]! - w.offsets[i]! === 1) isolated++;
  if (isolated > 0) caveats.push(`${isolated} unit(s) have no neighbours under ${formatWeightsSpec(weights)}: their Gi* compares them alone with the mean`);
  caveats.push(
    `Getis-Ord Gi* with ${formatWeightsSpec(weights)} weights (binary, each unit included), two-sided p-values; classes at 90/95/99% on ${options.fdr ? 'Benjamini–Hochberg FDR-adjusted' : 'unadjusted'} p-values` +
      (options.fdr ? '' : ` (with ${w.n} units about ${Math.round(w.n * 0.1)} would be at 90% by chance alone: use --fdr to control that)`),
  );
  const rate = options.measure === 'rate';
  const rows = keep.map((u, k) => {
    const row: Record<string, Cell> = { unit: units.ids[u]!, count: counted.counts[u]! };
    if (rate) {
      row.population = units.population[u] ?? null;
      row.rate = rates[u] ?? null;
    }
    row.gistar = finiteOrNull(result.z[k]!);
    row.p_value = finiteOrNull(result.p[k]!);
    row.p_fdr = finiteOrNull(result.pFdr[k]!);
    row.class = result.classes[k]!;
    return row;
  });
  if (rate) caveats.push(`rate per ${spec.per.toLocaleString('en-GB')} population${area?.populationYear ? ` (mid-${area.populationYear} estimates)` : ''}`);
  return {
    spec,
    definition: counted.definition,
    options: { ...options, weights: formatWeightsSpec(weights) },
    columns: columnsOf(rate ? GISTAR_RATE_COLUMNS : GISTAR_COLUMNS),
    rows,
    geometries: keep.map((u) => units.geometry(u)),
    caveats,
  };
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

async function runKde(db: Db, options: HotspotOptions, query: Record<string, unknown>): Promise<HotspotResult> {
  const { spec, units, counted, xy, caveats } = await prepare(db, options, query);
  const grid = units.grid!;
  const bandwidth = options.bandwidth!;
  const density = quarticDensity(xy!, grid, bandwidth);
  const inArea = Float64Array.from(units.cells!, (c) => density[c]! * 1e6);
  const top = topPercent(inArea, options.top);
  const rows: Record<string, Cell>[] = [];
  const geometries: PolygonGeometry[] = [];
  for (let u = 0; u < units.ids.length; u++) {
    if (inArea[u] === 0) continue;
    const [e, n] = cellCentre(grid, units.cells![u]!);
    rows.push({ unit: units.ids[u]!, easting: e, northing: n, count: counted.counts[u]!, density: inArea[u]!, top: top[u] === 1 });
    geometries.push(units.geometry(u));
  }
  caveats.push(
    `quartic kernel density, bandwidth ${bandwidth} m, ${options.cell} m cells, in incidents per km²; ` +
      `top ${options.top}% of the study area's ${units.ids.length.toLocaleString('en-GB')} cells flagged; cells with zero density are not listed`,
  );
  return { spec, definition: counted.definition, options: { ...options, weights: options.weights }, columns: columnsOf(KDE_COLUMNS), rows, geometries, caveats };
}

// ---------------------------------------------------------------------------------------------------
// Stability (PAI, RRI)

const periodSchema = z.object({ from: z.string().trim().min(1), to: z.string().trim().min(1) }).strict();
export const stabilityOptionsSchema = z.object({
  /** The period the hotspots are found in, and the period they are tested on. */
  first: periodSchema,
  second: periodSchema,
  /** Gi*: the lowest class counted as a hotspot (90, 95 or 99% confidence). */
  level: z.union([z.literal(90), z.literal(95), z.literal(99)]).default(95),
});

export const STABILITY_COLUMNS = ['period', 'from', 'to', 'incidents', 'in_hotspots', 'hotspots', 'hotspot_area_km2', 'study_area_km2', 'pai', 'rri'] as const;

export interface StabilityResult {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  options: HotspotOptions & { weights: string; level: number };
  columns: Column[];
  rows: Record<string, Cell>[];
  /** The hotspot units found in the first period. */
  hotspots: string[];
  caveats: string[];
}

const HOT_AT: Record<number, HotspotClass[]> = { 90: ['hot90', 'hot95', 'hot99'], 95: ['hot95', 'hot99'], 99: ['hot99'] };

/**
 * Hotspots found in the first period (Gi* classes at `level` or above, or the KDE top cells), then
 * how many incidents they hold in each period: PAI per period and the RRI from first to second.
 */
export async function runStability(db: Db, input: unknown): Promise<StabilityResult> {
  const { options, query, extra } = splitRequest(input, stabilityOptionsSchema.shape);
  if ('from' in query || 'to' in query) throw new UsageError('stability compares the first and second periods: give those instead of from/to');
  const { first, second, level } = extra;
  const firstQuery: Record<string, unknown> = { ...query, from: first.from, to: first.to };
  const firstFilters = { ...firstQuery };
  delete firstFilters.measure; // the query layer's measure; the hotspot options carry count or rate
  const found = await runHotspots(db, { ...firstFilters, ...pickOptions(options) });
  const hotspotIds = new Set(
    found.rows.filter((r) => (options.method === 'kde' ? r.top === true : HOT_AT[level]!.includes(r.class as HotspotClass))).map((r) => String(r.unit)),
  );
  // Units and areas again, for both periods (KDE rows list only cells with density).
  const { units, counted: counted1, caveats } = await prepare(db, options, { ...firstQuery, measure: 'incidents' });
  const counted2 = await countPerUnit(db, units, { ...query, measure: 'incidents', from: second.from, to: second.to });
  const isHot = units.ids.map((id) => hotspotIds.has(id));
  const studyArea = units.areaM2.reduce((s, a) => s + a, 0);
  const hotArea = units.areaM2.reduce((s, a, u) => s + (isHot[u] ? a : 0), 0);
  const sum = (counts: Float64Array, onlyHot: boolean) => counts.reduce((s, c, u) => s + (!onlyHot || isHot[u] ? c : 0), 0);
  const n1 = sum(counted1.counts, true);
  const t1 = sum(counted1.counts, false);
  const n2 = sum(counted2.counts, true);
  const t2 = sum(counted2.counts, false);
  const rri = recaptureRateIndex(n1, t1, n2, t2);
  const row = (period: string, p: { from: string; to: string }, inHot: number, total: number, withRri: boolean): Record<string, Cell> => ({
    period,
    from: p.from,
    to: p.to,
    incidents: total,
    in_hotspots: inHot,
    hotspots: hotspotIds.size,
    hotspot_area_km2: hotArea / 1e6,
    study_area_km2: studyArea / 1e6,
    pai: predictiveAccuracyIndex(inHot, total, hotArea, studyArea),
    rri: withRri ? rri : null,
  });
  caveats.push(
    `hotspots: ${options.method === 'kde' ? `the top ${options.top}% of cells by kernel density` : `Gi* classes at ${level}% or above`} in the first period; ` +
      'PAI = (incidents in hotspots / all incidents) / (hotspot area / study area); RRI = (second-period hotspot incidents / first) / (second-period incidents / first)',
  );
  if (hotspotIds.size === 0) caveats.push('no hotspot was found in the first period: PAI and RRI are undefined');
  if (counted2.outside > 0) caveats.push(`second period: ${outsideCaveat(counted2.outside, options.unit)}`);
  return {
    spec: found.spec,
    definition: found.definition,
    options: { ...found.options, level },
    columns: STABILITY_COLUMNS.map((name) => ({ name, type: name === 'period' || name === 'from' || name === 'to' ? 'string' : ['incidents', 'in_hotspots', 'hotspots'].includes(name) ? 'integer' : 'number' })),
    rows: [row('first', first, n1, t1, false), row('second', second, n2, t2, true)],
    hotspots: [...hotspotIds].sort(),
    caveats: [...new Set([...found.caveats, ...caveats, ...counted2.caveats])],
  };
}

function pickOptions(options: HotspotOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Emerging hot spots

export const emergingOptionsSchema = z.object({
  /** The time step: one Gi* per step. */
  step: z.enum(['month', 'quarter', 'year']).default('month'),
  /** Significance level of the hot/cold test per period and of the trend test. */
  alpha: z.coerce.number().gt(0).lt(1).default(0.05),
});

export const EMERGING_COLUMNS = ['unit', 'category', 'pattern', 'direction', 'periods', 'hot_periods', 'cold_periods', 'trend_tau', 'trend_p', 'last_gistar'] as const;

export interface EmergingResult {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  options: HotspotOptions & { weights: string; step: string; alpha: number };
  /** The periods analysed, oldest first. */
  periods: string[];
  columns: Column[];
  rows: Record<string, Cell>[];
  geometries: PolygonGeometry[];
  caveats: string[];
}

const periodOfDate: Record<'month' | 'quarter' | 'year', (date: string) => string> = {
  month: (d) => d.slice(0, 7),
  quarter: (d) => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) + 2) / 3)}`,
  year: (d) => d.slice(0, 4),
};

/** Gi* per period (counts) and the trend of each unit's Gi*: emerging hot spot categories. */
export async function runEmerging(db: Db, input: unknown): Promise<EmergingResult> {
  const { options, query, extra } = splitRequest(input, emergingOptionsSchema.shape);
  if (options.method !== 'gistar') throw new UsageError('emerging hot spots use Gi*: leave out method or use gistar');
  if (options.measure !== 'count') throw new UsageError('emerging hot spots are computed on counts');
  const { step, alpha } = extra;
  const weights = parseWeightsSpec(options.weights);
  const { spec, units, counted, caveats } = await prepare(db, options, query);

  // Every period of the range, zero-filled by the query layer.
  const series = await runQuery(db, { ...query, measure: 'incidents', by: [step] });
  const periods = series.rows.map((r) => String(r[step]));
  if (periods.length < 3) throw new UsageError(`emerging hot spots need at least 3 ${step}s, the selection covers ${periods.length}`, 'widen --from/--to or use a shorter step');
  const periodIndex = new Map(periods.map((p, t) => [p, t]));
  const byPeriod = periods.map(() => new Float64Array(units.ids.length));
  if (units.kind === 'grid') {
    const points = await loadIncidentPoints(db, { ...query, measure: 'incidents' });
    const unitOf = unitsOfCells(units.grid!, units.cells!);
    for (const p of points.points) {
      const t = periodIndex.get(periodOfDate[step](p.occurredDate));
      const u = unitOfPoint(units.grid!, unitOf, p.easting, p.northing);
      if (t !== undefined && u >= 0) byPeriod[t]![u]!++;
    }
  } else {
    const result = await runQuery(db, { ...query, measure: 'incidents', by: [step, 'lsoa'] });
    for (const r of result.rows) {
      const t = periodIndex.get(String(r[step]));
      const u = r.lsoa === null ? undefined : units.unitOfLsoa!.get(String(r.lsoa));
      if (t !== undefined && u !== undefined) byPeriod[t]![u]! += Number(r.count);
    }
  }
  const w = units.neighbours(weights);
  const found = emergingHotspots(byPeriod, w, { alpha, fdr: options.fdr });
  const rows = found.map((f, u) => ({
    unit: units.ids[u]!,
    category: f.direction ? `${f.pattern} ${f.direction}spot` : 'no pattern detected',
    pattern: f.pattern,
    direction: f.direction,
    periods: periods.length,
    hot_periods: f.hotPeriods,
    cold_periods: f.coldPeriods,
    trend_tau: f.tau,
    trend_p: f.trendP,
    last_gistar: f.finalZ,
    total: counted.counts[u]!,
  }));
  caveats.push(
    `Gi* (${formatWeightsSpec(weights)}) in each of ${periods.length} ${step}s (${periods[0]} to ${periods.at(-1)}), significant at p ≤ ${alpha}${options.fdr ? ' after FDR correction per period' : ''}; ` +
      `Mann–Kendall trend of each unit's Gi* at the same level; categories after ArcGIS / R sfdep emerging hot spot analysis`,
  );
  if (periods.length < 10) caveats.push(`only ${periods.length} ${step}s: ArcGIS advises at least 10 time steps for a trend`);
  return {
    spec,
    definition: counted.definition,
    options: { ...options, weights: formatWeightsSpec(weights), step, alpha },
    periods,
    columns: EMERGING_COLUMNS.map((name) => ({ name, type: ['unit', 'category', 'pattern', 'direction'].includes(name) ? 'string' : ['periods', 'hot_periods', 'cold_periods'].includes(name) ? 'integer' : 'number' })),
    rows: rows.map(({ total: _total, ...row }) => row),
    geometries: units.ids.map((_, u) => units.geometry(u)),
    caveats,
  };
}

// ---------------------------------------------------------------------------------------------------
// GeoJSON

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** A FeatureCollection of the result's rows as properties on their WGS84 polygons (6 decimals, ~0.1 m). */
export function toGeoJson(result: { rows: Record<string, Cell>[]; geometries: PolygonGeometry[]; caveats: string[] }): {
  type: 'FeatureCollection';
  features: { type: 'Feature'; properties: Record<string, Cell>; geometry: PolygonGeometry }[];
  caveats: string[];
} {
  return {
    type: 'FeatureCollection',
    features: result.rows.map((properties, i) => ({ type: 'Feature', properties, geometry: mapPositions(result.geometries[i]!, (x, y) => [round6(x), round6(y)]) })),
    caveats: result.caveats,
  };
}
