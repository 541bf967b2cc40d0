/**
 * Trends: is it changing? The current period against the same period a year earlier and against a
 * baseline period, each as a rate ratio with its exact 95% interval and a sentence that never
 * overstates; and the monthly series with rolling 12-month totals.
 *
 * Periods of different lengths (a quarter against a baseline year) are compared per day. The same
 * population stands behind both periods, so the ratio of rates is the ratio of counts per day.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { parsePeriod, type DateRange } from '../core/period.js';
import { parseQuerySpec } from '../core/query/spec.js';
import { describeChange, rateRatio, type ChangeVerdict } from '../core/stats/compare.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { Cell } from '../query/build.js';
import type { Queryable, Store } from '../store/port.js';
import { breakdownsOf, splitAnalysisInput } from './input.js';

export const trendOptionsSchema = z
  .object({
    /** The period to assess (any period syntax); default the latest 12 months with data. */
    period: z.string().trim().min(1).optional(),
    /** A baseline period, e.g. the year before the VRU began work (FY2019/20). */
    baseline: z.string().trim().min(1).optional(),
  })
  .strict();

export type TrendOptions = z.output<typeof trendOptionsSchema>;

export interface Comparison {
  comparison: 'previous_year' | 'baseline';
  /** The value of the breakdown, when the trend is broken down. */
  group?: Cell;
  current_from: string;
  current_to: string;
  current_count: number;
  reference_from: string;
  reference_to: string;
  reference_count: number;
  rate_ratio: number | null;
  ratio_lower: number | null;
  ratio_upper: number | null;
  p_value: number | null;
  verdict: ChangeVerdict;
  sentence: string;
}

export interface SeriesPoint {
  month: string;
  group?: Cell;
  count: number;
  /** Total of this month and the 11 before it; null until 12 months are available. */
  rolling_12m: number | null;
}

export interface TrendResult {
  spec: QueryResult['spec'];
  definition: QueryResult['definition'];
  period: DateRange & { label: string };
  columns: { name: string; type: string }[];
  comparisons: Comparison[];
  series: SeriesPoint[];
  caveats: string[];
}

export const COMPARISON_COLUMNS = [
  'comparison',
  'current_from',
  'current_to',
  'current_count',
  'reference_from',
  'reference_to',
  'reference_count',
  'rate_ratio',
  'ratio_lower',
  'ratio_upper',
  'p_value',
  'verdict',
  'sentence',
] as const;

const DAY_MS = 86_400_000;
const days = (r: DateRange) => (Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / DAY_MS + 1;

/** The same dates one year earlier (29 February becomes 28 February). */
export function previousYear(range: DateRange): DateRange {
  const shift = (date: string, end: boolean) => {
    const y = Number(date.slice(0, 4)) - 1;
    const md = date.slice(5);
    if (md === '02-29') return `${y}-02-28`;
    // A period ending on 28 February of a year after a leap year ends on the 29th a year earlier.
    if (end && md === '02-28' && new Date(Date.UTC(y, 1, 29)).getUTCMonth() === 1) return `${y}-02-29`;
    return `${y}-${md}`;
  };
  return { from: shift(range.from, false), to: shift(range.to, true) };
}

/** The last `months` whole calendar months up to and including the month of `lastDay`. */
function lastMonths(lastDay: string, months: number): DateRange {
  const y = Number(lastDay.slice(0, 4));
  const m = Number(lastDay.slice(5, 7));
  const start = new Date(Date.UTC(y, m - months, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: start, to: end };
}

/** Monthly counts (per group, when broken down) with the total of each month and the 11 before it. */
function rollingSeries(result: QueryResult, group: string | undefined): SeriesPoint[] {
  const series: SeriesPoint[] = [];
  let previousKey: string | null = null;
  let window: number[] = [];
  for (const row of result.rows) {
    const key = JSON.stringify(group ? row[group] : null);
    if (key !== previousKey) {
      window = [];
      previousKey = key;
    }
    window.push(Number(row.count));
    if (window.length > 12) window.shift();
    series.push({
      month: String(row.month),
      ...(group ? { group: row[group] ?? null } : {}),
      count: Number(row.count),
      rolling_12m: window.length === 12 ? window.reduce((a, b) => a + b, 0) : null,
    });
  }
  return series;
}

/** The last `months` calendar months to the latest record of a source (data currency), as a labelled range. */
export function latestMonths(lastMonth: string, months = 12): DateRange & { label: string } {
  return { ...lastMonths(`${lastMonth}-01`, months), label: `the ${months} months to ${lastMonth}` };
}

/**
 * `fixedPeriod` overrides the period option, so several trends (e.g. the success measures) share one
 * period even when it is not a single calendar period.
 */
export async function runTrends(store: Pick<Store, 'dialect'> & Queryable, input: unknown, fixedPeriod?: DateRange & { label: string }): Promise<TrendResult> {
  const { options, query } = splitAnalysisInput(input, trendOptionsSchema, 'trends');
  const breakdowns = breakdownsOf(query);
  if (breakdowns.length > 1) throw new UsageError('a trend can be broken down by one dimension at most', 'e.g. by: crime_type');
  const spec = parseQuerySpec({ ...query, by: breakdowns });
  if (spec.measure === 'rate') {
    throw new UsageError('trends compare counts: over the same population the rate ratio equals the count ratio', 'use measure incidents, victims or offenders');
  }
  const group = spec.by[0];
  if (group && ['month', 'week', 'quarter', 'year', 'financial_year'].includes(group)) {
    throw new UsageError(`a trend is over time already: break it down by a category, not '${group}'`);
  }

  // The monthly series over the query's own range (or all the data), with rolling 12-month totals.
  const seriesResult = await runQuery(store, { ...query, by: group ? [group, 'month'] : ['month'] });
  const series = rollingSeries(seriesResult, group);

  let current: DateRange & { label: string };
  if (fixedPeriod) {
    current = fixedPeriod;
  } else if (options.period) {
    current = { ...parsePeriod(options.period), label: options.period };
  } else {
    const last = series.filter((p) => p.count > 0).at(-1)?.month;
    if (!last) throw new UsageError('no records to assess', 'ingest data first, or give period');
    current = latestMonths(last);
  }
  const references: { kind: Comparison['comparison']; range: DateRange }[] = [{ kind: 'previous_year', range: previousYear(current) }];
  if (options.baseline) references.push({ kind: 'baseline', range: parsePeriod(options.baseline) });

  const base = { ...query, by: group ? [group] : [] };
  const countIn = (range: DateRange) => runQuery(store, { ...base, from: range.from, to: range.to });
  const currentResult = await countIn(current);
  const counts = (r: QueryResult) => new Map(r.rows.map((row) => [JSON.stringify(group ? row[group] : null), Number(row.count)]));
  const currentCounts = counts(currentResult);
  const comparisons: Comparison[] = [];
  for (const reference of references) {
    const referenceCounts = counts(await countIn(reference.range));
    const groups = new Set([...currentCounts.keys(), ...referenceCounts.keys()]);
    for (const key of groups) {
      const now = { count: currentCounts.get(key) ?? 0, exposure: days(current) };
      const then = { count: referenceCounts.get(key) ?? 0, exposure: days(reference.range) };
      const rr = rateRatio(now, then);
      const { verdict, sentence } = describeChange(rr, then);
      comparisons.push({
        comparison: reference.kind,
        ...(group ? { group: JSON.parse(key) as Cell } : {}),
        current_from: current.from,
        current_to: current.to,
        current_count: now.count,
        reference_from: reference.range.from,
        reference_to: reference.range.to,
        reference_count: then.count,
        rate_ratio: rr.ratio,
        ratio_lower: rr.lower,
        ratio_upper: rr.upper,
        p_value: rr.pValue,
        verdict,
        sentence,
      });
    }
  }

  const caveats = [...currentResult.caveats];
  if (references.some((r) => days(r.range) !== days(current))) caveats.push('periods of different lengths are compared per day');
  caveats.push('rate ratios with exact 95% confidence intervals (conditional binomial test, as R poisson.test); a change whose interval includes no change is reported as not statistically significant');
  const columns = [...(group ? [{ name: group, type: 'string' }] : []), ...COMPARISON_COLUMNS.map((name) => ({ name, type: /count/.test(name) ? 'integer' : /ratio|lower|upper|p_value/.test(name) ? 'number' : 'string' }))];
  return { spec: currentResult.spec, definition: currentResult.definition, period: current, columns, comparisons, series, caveats };
}
