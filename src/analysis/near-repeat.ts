/**
 * Near-repeat analysis (Knox test by bands) of the incidents a query selects: the one entry point of
 * `svo near-repeat` and POST /api/spatial/near-repeat. The request is a query specification (filters
 * only) plus the band and permutation options.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { KNOX_DEFAULTS, KNOX_LIMITS, type DistanceMetric, type KnoxResult } from '../core/spatial/knox.js';
import { knoxTestParallel } from './knox-parallel.js';
import { splitAnalysisInput } from './input.js';
import { loadIncidentPoints, type IncidentPoints } from '../query/points.js';
import type { Queryable, Store } from '../store/port.js';

/** A whole number in [min, max], also from a string (CLI flags, query strings). */
export const wholeNumberSchema = (name: string, min: number, max: number) =>
  z.coerce
    .number()
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, `${name} must be a whole number from ${min} to ${max}`);

/** Near-repeat options (the same names on the CLI, camel-cased, and in the API). */
export const nearRepeatOptionsSchema = z
  .object({
    spatialBand: wholeNumberSchema('spatialBand (metres)', 1, 1_000_000),
    spatialBands: wholeNumberSchema('spatialBands', 1, KNOX_LIMITS.maxBands),
    temporalBand: wholeNumberSchema('temporalBand (days)', 1, 36_500),
    temporalBands: wholeNumberSchema('temporalBands', 1, KNOX_LIMITS.maxBands),
    distance: z.enum(['euclidean', 'manhattan'] satisfies readonly DistanceMetric[]).default(KNOX_DEFAULTS.distance),
    permutations: wholeNumberSchema('permutations', 1, KNOX_LIMITS.maxPermutations).default(KNOX_DEFAULTS.permutations),
    seed: wholeNumberSchema('seed', 0, 2 ** 32 - 1).default(KNOX_DEFAULTS.seed),
  })
  .strict();

export type NearRepeatOptions = z.output<typeof nearRepeatOptionsSchema>;

export const NEAR_REPEAT_COLUMNS = [
  'spatial_band',
  'spatial_from_m',
  'spatial_to_m',
  'temporal_band',
  'temporal_from_days',
  'temporal_to_days',
  'observed',
  'expected',
  'knox_ratio',
  'p_value',
] as const;

export type NearRepeatRow = Record<(typeof NEAR_REPEAT_COLUMNS)[number], string | number | null>;

export interface NearRepeatResult {
  spec: IncidentPoints['spec'];
  definition: IncidentPoints['definition'];
  options: NearRepeatOptions;
  /** Incidents tested (with a location and a date) and all their unordered pairs. */
  incidents: number;
  pairs: number;
  columns: { name: string; type: string }[];
  /** One row per (spatial band, temporal band), spatial bands outermost. */
  rows: NearRepeatRow[];
  /** The band labels in table order (rows: spatial, columns: temporal). */
  spatialBands: string[];
  temporalBands: string[];
  caveats: string[];
  seconds: number;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date: whole days between calendar dates, no time zone. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) throw new UsageError(`not a calendar date: '${date}'`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** Refuses person measures: a point per person would pair an incident with itself. */
export function requireIncidents(query: Record<string, unknown>, what: string): void {
  if (query.measure !== undefined && query.measure !== 'incidents') {
    throw new UsageError(`${what} works on incidents (one point each), not on measure '${String(query.measure)}'`, 'leave out --measure');
  }
}

export async function runNearRepeat(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<NearRepeatResult> {
  const { options, query } = splitAnalysisInput(input, nearRepeatOptionsSchema, 'near-repeat');
  requireIncidents(query, 'near-repeat analysis');
  const loaded = await loadIncidentPoints(store, query);
  const caveats = [...loaded.caveats];
  if (loaded.spec.source === 'police-uk') {
    caveats.push('data.police.uk dates are months: every incident is dated the 1st, so day bands shorter than a month only separate months');
  }
  const started = performance.now();
  // Permutations on every core for large inputs; the table is the same as in one thread.
  const knox: KnoxResult = await knoxTestParallel(
    loaded.points.map((p) => ({ x: p.easting, y: p.northing, day: dayNumber(p.occurredDate) })),
    options,
  );
  const seconds = (performance.now() - started) / 1000;
  const columns = knox.temporalBands.length;
  const rows: NearRepeatRow[] = knox.cells.map((c) => {
    const s = knox.spatialBands[c.spatialIndex]!;
    const t = knox.temporalBands[c.temporalIndex]!;
    return {
      spatial_band: s.label,
      spatial_from_m: s.fromM,
      spatial_to_m: s.toM,
      temporal_band: t.label,
      temporal_from_days: t.fromDays,
      temporal_to_days: t.toDays,
      observed: c.observed,
      expected: c.expected,
      knox_ratio: c.knoxRatio,
      p_value: c.pValue,
    };
  });
  if (rows.length !== knox.spatialBands.length * columns) throw new Error('near-repeat table has the wrong shape');
  caveats.push(
    `${knox.events.toLocaleString('en-GB')} incidents, ${knox.pairs.toLocaleString('en-GB')} pairs; expected = mean of ${options.permutations} permutations of the dates over the locations (seed ${options.seed}); p-value one-sided (more pairs than expected)`,
    'spatial bands: same location is d = 0, a band "a-b m" holds pairs with (a−1) < d ≤ b metres (spatial_from_m < d ≤ spatial_to_m); temporal bands hold whole days between calendar dates, both ends included',
  );
  if (knox.events < 20) caveats.push(`only ${knox.events} incidents: too few pairs for the table to mean much`);
  return {
    spec: loaded.spec,
    definition: loaded.definition,
    options,
    incidents: knox.events,
    pairs: knox.pairs,
    columns: NEAR_REPEAT_COLUMNS.map((name) => ({
      name,
      type: name === 'spatial_band' || name === 'temporal_band' ? 'string' : name === 'observed' || name.endsWith('_m') || name.endsWith('_days') ? 'integer' : 'number',
    })),
    rows,
    spatialBands: knox.spatialBands.map((b) => b.label),
    temporalBands: knox.temporalBands.map((b) => b.label),
    caveats,
    seconds,
  };
}

/**
 * The Ratcliffe-style matrix for reading: one row per spatial band, one column per temporal band, each
 * cell "Knox ratio (p-value)".
 */
export function nearRepeatMatrix(result: NearRepeatResult): { columns: string[]; rows: Record<string, string>[] } {
  const columns = ['distance', ...result.temporalBands];
  const rows = result.spatialBands.map((label, s) => {
    const row: Record<string, string> = { distance: label };
    result.temporalBands.forEach((t, j) => {
      const cell = result.rows[s * result.temporalBands.length + j]!;
      const ratio = cell.knox_ratio === null ? '—' : Number(cell.knox_ratio).toFixed(2);
      row[t] = `${ratio} (p ${Number(cell.p_value).toFixed(3)})`;
    });
    return row;
  });
  return { columns, rows };
}
