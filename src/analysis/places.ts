/**
 * Place and deprivation: rates by area with funnel-plot limits (which areas differ from the whole
 * more than chance allows), and rates by IMD decile with the ratio of the most to the least deprived.
 * Both are rate queries underneath, so every number matches `svo query --measure rate`.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { describeChange, rateRatio } from '../core/stats/compare.js';
import { funnelLimits, funnelPosition, type FunnelPosition } from '../core/stats/funnel.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { Queryable, Store } from '../store/port.js';
import { breakdownsOf, splitAnalysisInput } from './input.js';

export const AREA_UNITS = ['lsoa', 'msoa', 'lad', 'csp'] as const;

export const areasOptionsSchema = z.object({ unit: z.enum(AREA_UNITS).default('lad') }).strict();

export interface AreaRow {
  area: string;
  count: number;
  population: number;
  rate: number;
  rate_lower: number | null;
  rate_upper: number | null;
  expected: number;
  funnel_lower_95: number;
  funnel_upper_95: number;
  funnel_lower_998: number;
  funnel_upper_998: number;
  position: FunnelPosition;
}

export const AREA_COLUMNS = [
  'area',
  'count',
  'population',
  'rate',
  'rate_lower',
  'rate_upper',
  'expected',
  'funnel_lower_95',
  'funnel_upper_95',
  'funnel_lower_998',
  'funnel_upper_998',
  'position',
] as const;

export interface AreasResult {
  spec: QueryResult['spec'];
  definition: QueryResult['definition'];
  unit: (typeof AREA_UNITS)[number];
  /** The overall rate of the areas compared: the funnel's centre line. */
  overall: { count: number; population: number; rate: number };
  rows: AreaRow[];
  caveats: string[];
}

function rateQuery(query: Record<string, unknown>, by: string[]): Record<string, unknown> {
  if (breakdownsOf(query).length) throw new UsageError('this analysis sets its own breakdown: leave out `by`', 'use filters (where) to choose a subset');
  if (query.measure !== undefined && query.measure !== 'rate') throw new UsageError('this analysis compares rates: leave out `measure` (it is rate)');
  return { ...query, measure: 'rate', by };
}

/** Rates by area with Spiegelhalter funnel limits around the overall rate, sorted by rate, highest first. */
export async function runAreas(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<AreasResult> {
  const { options, query } = splitAnalysisInput(input, areasOptionsSchema, 'areas');
  const result = await runQuery(store, rateQuery(query, [options.unit]));
  const per = result.spec.per;
  const known = result.rows.filter((r) => r[options.unit] !== null && typeof r.population === 'number' && r.population > 0);
  const count = known.reduce((s, r) => s + Number(r.count), 0);
  const population = known.reduce((s, r) => s + Number(r.population), 0);
  if (population === 0) throw new UsageError('no area has a population: load geography with population first', 'svo ingest geography');
  const overallRate = (count / population) * per;
  const rows = known.map((r): AreaRow => {
    const pop = Number(r.population);
    const rate = Number(r.rate);
    const limits = funnelLimits(overallRate, pop, per);
    return {
      area: String(r[options.unit]),
      count: Number(r.count),
      population: pop,
      rate,
      rate_lower: r.rate_lower as number | null,
      rate_upper: r.rate_upper as number | null,
      expected: (overallRate * pop) / per,
      funnel_lower_95: limits.lower95,
      funnel_upper_95: limits.upper95,
      funnel_lower_998: limits.lower998,
      funnel_upper_998: limits.upper998,
      position: funnelPosition(rate, limits),
    };
  });
  rows.sort((a, b) => b.rate - a.rate || a.area.localeCompare(b.area));
  const unplaced = result.rows.filter((r) => !known.includes(r)).reduce((s, r) => s + Number(r.count), 0);
  const caveats = [...result.caveats, 'funnel limits at 95% and 99.8% around the overall rate (Spiegelhalter 2005, Poisson); an area outside the 99.8% limits differs by more than chance would explain'];
  if (unplaced) caveats.push(`${unplaced} records have no area in the loaded geography and are left out of the comparison`);
  return { spec: result.spec, definition: result.definition, unit: options.unit, overall: { count, population, rate: overallRate }, rows, caveats };
}

export interface DeprivationResult {
  spec: QueryResult['spec'];
  definition: QueryResult['definition'];
  rows: QueryResult['rows'];
  /** Share of the records (with a decile) in the most deprived decile and quintile. */
  share_most_deprived_decile: number | null;
  share_most_deprived_quintile: number | null;
  /** Rate in decile 1 (most deprived) over decile 10 (least deprived). */
  ratio: { rate_ratio: number | null; ratio_lower: number | null; ratio_upper: number | null; p_value: number | null; sentence: string };
  caveats: string[];
}

/** Rates by IMD decile (1 = most deprived) with CIs, and the most/least deprived rate ratio. */
export async function runDeprivation(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<DeprivationResult> {
  const { query } = splitAnalysisInput(input, z.object({}).strict(), 'deprivation');
  const result = await runQuery(store, rateQuery(query, ['imd_decile']));
  const decile = (d: number) => result.rows.find((r) => r.imd_decile === d);
  const most = decile(1);
  const least = decile(10);
  const withDecile = result.rows.filter((r) => r.imd_decile !== null);
  const total = withDecile.reduce((s, r) => s + Number(r.count), 0);
  const inDeciles = (max: number) => withDecile.filter((r) => Number(r.imd_decile) <= max).reduce((s, r) => s + Number(r.count), 0);
  let ratio: DeprivationResult['ratio'] = { rate_ratio: null, ratio_lower: null, ratio_upper: null, p_value: null, sentence: 'not comparable: decile 1 or 10 has no population in the loaded geography' };
  if (most?.population && least?.population) {
    const reference = { count: Number(least.count), exposure: Number(least.population) };
    const rr = rateRatio({ count: Number(most.count), exposure: Number(most.population) }, reference);
    const times = rr.ratio !== null && rr.lower !== null && rr.upper !== null
      ? `the rate in the most deprived tenth of areas is ${rr.ratio.toFixed(1)} times that in the least deprived (95% CI ${rr.lower.toFixed(1)}–${rr.upper.toFixed(1)})${rr.lower > 1 || rr.upper < 1 ? '' : ', not statistically different'}`
      : describeChange(rr, reference).sentence;
    ratio = { rate_ratio: rr.ratio, ratio_lower: rr.lower, ratio_upper: rr.upper, p_value: rr.pValue, sentence: times };
  }
  return {
    spec: result.spec,
    definition: result.definition,
    rows: result.rows,
    share_most_deprived_decile: total ? inDeciles(1) / total : null,
    share_most_deprived_quintile: total ? inDeciles(2) / total : null,
    ratio,
    caveats: [...result.caveats, 'IMD 2019 deciles of the LSOA where the incident happened (1 = most deprived), not of where the people live'],
  };
}
