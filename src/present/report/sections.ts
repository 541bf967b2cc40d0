/**
 * The sections of the weekly, monthly and quarterly packs. Every figure comes from the analysis layer
 * (src/analysis/*) or the query specification (`ctx.query`: runQuery, or runDisclosedQuery for partner
 * and public packs) — the same numbers the API returns; no SQL of its own for figures. Sentences are
 * written from the figures shown, so a suppressed or rounded figure is never contradicted by the text.
 */
import { runSpc, type SpcResult } from '../../analysis/spc.js';
import { runTrends, type Comparison, type SeriesPoint } from '../../analysis/trends.js';
import { runMeasures } from '../../analysis/measures.js';
import { runPeople } from '../../analysis/people.js';
import { runAreas, runDeprivation } from '../../analysis/places.js';
import { runHotspots } from '../../analysis/hotspots.js';
import { SvoError, UsageError } from '../../core/errors.js';
import { disclosedAverage, disclosedCount, DisclosureRefusedError, SUPPRESSED } from '../../core/disclosure/rules.js';
import type { DateRange } from '../../core/period.js';
import { describeChange, rateRatio } from '../../core/stats/compare.js';
import type { HotspotClass } from '../../core/spatial/gistar.js';
import { runDisclosedSpc, DISCLOSURE_CAVEAT } from '../../security/disclosed-query.js';
import { barChartOption, funnelPlotOption, heatmapOption, hotspotMapOption, spcChartOption, trendChartOption, HOTSPOT_STYLE, WEEKDAYS } from '../charts/index.js';
import type { Block, Cell, KeyFigure, ReportSection, ReportTable, TableColumn } from './model.js';
import { toCell, toRows, type ReportContext } from './context.js';
import { addDays, longDate, monthsBack } from './period.js';
import { capitalise, formatCount, formatDecimal, formatInteger, formatRatio, humanise } from './format.js';
import { previousYear } from '../../analysis/trends.js';

const DAY_MS = 86_400_000;
const daysIn = (r: DateRange) => (Date.parse(`${r.to}T00:00:00Z`) - Date.parse(`${r.from}T00:00:00Z`)) / DAY_MS + 1;
const col = (key: string, label: string, type: TableColumn['type'] = 'text', digits?: number): TableColumn => ({ key, label, type, ...(digits !== undefined ? { digits } : {}) });
const numberOrNull = (v: Cell | undefined): number | null => (typeof v === 'number' ? v : null);

/** Figures that can never be shown to a partner or public audience are left out with this note. */
function internalOnly(ctx: ReportContext, what: string): void {
  ctx.caveats.push(`${what} is for internal circulation only: it rests on small-area or person-level counts that the platform's disclosure control cannot protect, so this ${ctx.options.circulation} pack leaves it out`);
}

// ---------------------------------------------------------------------------------------------------
// Headline: the subject and its sub-measures against last year and the baseline

interface HeadlineRow {
  group: string;
  comparison: 'previous_year' | 'baseline';
  current_count: number | string;
  reference_label: string;
  reference_from: string;
  reference_to: string;
  reference_count: number | string;
  rate_ratio: number | null;
  ratio_lower: number | null;
  ratio_upper: number | null;
  p_value: number | null;
  sentence: string;
}

export interface Headline {
  section: ReportSection;
  /** Current-period counts by category (for the categories chart). */
  categories: { category: string; count: number | string }[];
  /** The monthly series of the total (internal packs; from runTrends). */
  series: SeriesPoint[] | null;
}

function fromComparison(group: string, c: Comparison, baselineLabel: string | null): HeadlineRow {
  return {
    group,
    comparison: c.comparison,
    current_count: c.current_count,
    reference_label: c.comparison === 'previous_year' ? 'Same period last year' : `Baseline ${baselineLabel ?? ''}`.trim(),
    reference_from: c.reference_from,
    reference_to: c.reference_to,
    reference_count: c.reference_count,
    rate_ratio: c.rate_ratio,
    ratio_lower: c.ratio_lower,
    ratio_upper: c.ratio_upper,
    p_value: c.p_value,
    sentence: c.sentence,
  };
}

/** The comparison of two disclosed counts, computed from the rounded counts that are shown. */
function disclosedComparison(current: Cell, reference: Cell, now: DateRange, then: DateRange): Pick<HeadlineRow, 'rate_ratio' | 'ratio_lower' | 'ratio_upper' | 'p_value' | 'sentence'> {
  if (typeof current !== 'number' || typeof reference !== 'number') {
    return { rate_ratio: null, ratio_lower: null, ratio_upper: null, p_value: null, sentence: 'not shown: small numbers (disclosure control)' };
  }
  const rr = rateRatio({ count: current, exposure: daysIn(now) }, { count: reference, exposure: daysIn(then) });
  const { sentence } = describeChange(rr, { count: reference, exposure: daysIn(then) });
  return { rate_ratio: rr.ratio, ratio_lower: rr.lower, ratio_upper: rr.upper, p_value: rr.pValue, sentence };
}

export async function headlineSection(ctx: ReportContext): Promise<Headline> {
  const { period, baseline } = ctx;
  const fixed = { from: period.from, to: period.to, label: period.label };
  const rows: HeadlineRow[] = [];
  let series: SeriesPoint[] | null = null;
  const total = capitalise(ctx.subject);
  if (!ctx.disclosed) {
    const withBaseline = (extra: Record<string, unknown>) => ({ ...ctx.base, ...extra, ...(baseline ? { baseline: baseline.label } : {}) });
    const overall = await runTrends(ctx.store, withBaseline({}), fixed);
    series = overall.series;
    for (const c of overall.comparisons) rows.push(fromComparison(total, c, baseline?.label ?? null));
    const byCategory = await runTrends(ctx.store, withBaseline({ by: [ctx.categoryDimension] }), fixed);
    const groups = [...new Set(byCategory.comparisons.map((c) => String(c.group ?? '')))].sort();
    for (const g of groups) for (const c of byCategory.comparisons.filter((x) => String(x.group ?? '') === g)) rows.push(fromComparison(humanise(g), c, baseline?.label ?? null));
    ctx.caveats.push(...overall.caveats);
  } else {
    if (ctx.options.kind === 'weekly') throw new UsageError('weekly packs are for internal circulation only: disclosure control works on whole months', 'use --circulation internal, or a monthly pack for partners');
    const references: { kind: HeadlineRow['comparison']; label: string; range: DateRange }[] = [{ kind: 'previous_year', label: 'Same period last year', range: previousYear(period) }];
    if (baseline) references.push({ kind: 'baseline', label: `Baseline ${baseline.label}`, range: baseline });
    const count = async (range: DateRange, by: string[]) => ctx.query({ ...ctx.base, by, from: range.from.slice(0, 7), to: range.to.slice(0, 7) });
    const tryCount = async (range: DateRange, by: string[]) => {
      try {
        return (await count(range, by)).rows;
      } catch (error) {
        if (error instanceof UsageError || error instanceof DisclosureRefusedError) return null;
        throw error;
      }
    };
    for (const by of [[], [ctx.categoryDimension]]) {
      const now = await tryCount(period, by);
      if (!now) {
        ctx.caveats.push(`${by.length ? 'sub-measures' : 'the total'} cannot be shown under disclosure control for this area and period`);
        continue;
      }
      for (const ref of references) {
        const then = (await tryCount(ref.range, by)) ?? [];
        const key = (r: Record<string, Cell>) => (by.length ? String(r[by[0]!] ?? '') : '');
        const groups = [...new Set([...now.map(key), ...then.map(key)])].sort();
        for (const g of groups) {
          const c = now.find((r) => key(r) === g)?.count ?? 0;
          const t = then.find((r) => key(r) === g)?.count ?? 0;
          rows.push({
            group: by.length ? humanise(g) : total,
            comparison: ref.kind,
            current_count: c as number | string,
            reference_label: ref.label,
            reference_from: ref.range.from,
            reference_to: ref.range.to,
            reference_count: t as number | string,
            ...disclosedComparison(c, t, period, ref.range),
          });
        }
      }
    }
    ctx.caveats.push('under disclosure control, changes and their confidence intervals are computed from the rounded counts shown');
  }
  // Keep the total first, sub-measures after, previous year before baseline within each.
  rows.sort((a, b) => (a.group === total ? 0 : 1) - (b.group === total ? 0 : 1) || a.group.localeCompare(b.group) || a.comparison.localeCompare(b.comparison) * -1);

  const totalNow = rows.find((r) => r.group === total);
  const figures: KeyFigure[] = [];
  if (totalNow) {
    const prev = rows.find((r) => r.group === total && r.comparison === 'previous_year');
    const base = rows.find((r) => r.group === total && r.comparison === 'baseline');
    const tone = (r: HeadlineRow | undefined): KeyFigure['tone'] =>
      r?.sentence.includes('statistically significant') && !r.sentence.includes('not statistically') ? (r.sentence.startsWith('fell') ? 'improvement' : 'concern') : 'neutral';
    figures.push({ label: `${total}, ${period.label}`, value: formatCount(totalNow.current_count) });
    if (prev) figures.push({ label: 'Against the same period last year', value: formatRatio(prev.rate_ratio, prev.ratio_lower, prev.ratio_upper), sentence: `${total} ${prev.sentence} compared with the same period last year (${formatCount(prev.reference_count)}).`, tone: tone(prev) });
    if (base) figures.push({ label: `Against the baseline (${baseline?.label})`, value: formatRatio(base.rate_ratio, base.ratio_lower, base.ratio_upper), sentence: `Per day, ${ctx.subject} ${base.sentence} compared with the baseline ${baseline?.label} (${formatCount(base.reference_count)} in the year).`, tone: tone(base) });
  }
  const table: ReportTable = {
    id: 'headline',
    title: `${total} and its sub-measures: ${period.label} against last year and the baseline`,
    columns: [
      col('group', 'Measure'),
      col('reference_label', 'Compared with'),
      col('current_count', 'This period', 'integer'),
      col('reference_count', 'Comparison period', 'integer'),
      col('rate_ratio', 'Rate ratio', 'decimal', 2),
      col('ratio_lower', '95% CI lower', 'decimal', 2),
      col('ratio_upper', '95% CI upper', 'decimal', 2),
      col('sentence', 'Verdict'),
    ],
    rows: rows.map((r) => ({ ...r })) as unknown as Record<string, Cell>[],
    notes: [
      'Rate ratios compare counts per day (the same population stands behind both periods), with exact 95% confidence intervals; a change whose interval includes no change is called not statistically significant.',
      ...(baseline ? [`Baseline: ${baseline.label} (${longDate(baseline.from)} to ${longDate(baseline.to)}).`] : ['No baseline: the data do not hold a complete financial year before the comparison period.']),
    ],
  };
  const categories = rows.filter((r) => r.group !== total && r.comparison === 'previous_year').map((r) => ({ category: r.group, count: r.current_count }));
  const blocks: Block[] = [{ type: 'figures', figures }, { type: 'table', table }];
  if (!ctx.disclosed) blocks.splice(1, 0, { type: 'paragraph', text: headlineSentence(ctx, rows, total) });
  return { section: { id: 'headline', title: 'Headline', blocks }, categories, series };
}

/** One plain sentence on the sub-measures: which changed significantly, and that the rest did not. */
function headlineSentence(ctx: ReportContext, rows: HeadlineRow[], total: string): string {
  const sub = rows.filter((r) => r.group !== total && r.comparison === 'previous_year');
  const significant = sub.filter((r) => r.sentence.endsWith(', statistically significant'));
  if (sub.length === 0) return `There are no sub-measures of ${ctx.subject} to compare.`;
  if (significant.length === 0) return `Against the same period last year, no sub-measure of ${ctx.subject} changed by more than chance would explain.`;
  return `Against the same period last year: ${significant.map((r) => `${r.group.toLowerCase()} ${r.sentence.replace(', statistically significant', '')}`).join('; ')} (statistically significant); ${sub.length - significant.length} other sub-measure(s) showed no statistically significant change.`;
}

// ---------------------------------------------------------------------------------------------------
// Home Office success measures

export async function measuresSection(ctx: ReportContext): Promise<ReportSection | null> {
  if (ctx.options.source !== 'police') {
    ctx.caveats.push('Home Office success measures need record-level police data (knife flag, domestic flag, victim ages): not available from data.police.uk');
    return null;
  }
  if (ctx.area) {
    ctx.caveats.push('Home Office success measures are reported for the whole VRU area only (see the whole-area pack)');
    return null;
  }
  if (ctx.disclosed) {
    internalOnly(ctx, 'The table of Home Office success measures');
    return null;
  }
  let result;
  try {
    result = await runMeasures(ctx.store, {
      ...(ctx.options.definition ? { definition: ctx.options.definition } : {}),
      period: ctx.options.kind === 'quarterly' || ctx.options.kind === 'monthly' ? ctx.period.code : undefined,
      ...(ctx.baseline ? { baseline: ctx.baseline.label } : {}),
    });
  } catch (error) {
    // E.g. no population by single year of age for the under-25 rate: say why, keep the pack.
    if (!(error instanceof SvoError)) throw error;
    ctx.caveats.push(`Home Office success measures are not available: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    return null;
  }
  ctx.caveats.push(...result.caveats);
  const rows = result.rows.map((r) => ({
    measure: r.description,
    comparison: r.verdict === 'not_available' ? '—' : r.comparison === 'previous_year' ? 'Same period last year' : `Baseline ${ctx.baseline?.label ?? ''}`.trim(),
    current_count: r.current_count,
    rate: r.rate,
    rate_per: r.rate_per,
    reference_count: r.reference_count,
    rate_ratio: r.rate_ratio,
    ratio_lower: r.ratio_lower,
    ratio_upper: r.ratio_upper,
    sentence: r.sentence,
  }));
  return {
    id: 'measures',
    title: 'Home Office VRU success measures',
    blocks: [
      {
        type: 'table',
        table: {
          id: 'measures',
          title: `Success measures, ${ctx.period.label}`,
          columns: [
            col('measure', 'Measure'),
            col('comparison', 'Compared with'),
            col('current_count', 'This period', 'integer'),
            col('rate', 'Rate', 'rate', 2),
            col('rate_per', 'Rate per', 'integer'),
            col('reference_count', 'Comparison period', 'integer'),
            col('rate_ratio', 'Rate ratio', 'decimal', 2),
            col('ratio_lower', '95% CI lower', 'decimal', 2),
            col('ratio_upper', '95% CI upper', 'decimal', 2),
            col('sentence', 'Verdict'),
          ],
          rows,
          notes: ['Rates are for the period, not annualised. Homicides per 1,000,000 population, other measures per 100,000, as the national evaluation reports them.'],
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// SPC of the monthly series

/** The last whole month of the period (a week ending mid-month charts up to the month before). */
function lastWholeMonth(ctx: ReportContext): string {
  const to = ctx.period.to;
  const nextDay = addDays(to, 1);
  return nextDay.slice(8) === '01' ? to.slice(0, 7) : monthsBack(to.slice(0, 7), 1);
}

export async function spcSection(ctx: ReportContext): Promise<ReportSection> {
  const to = lastWholeMonth(ctx);
  const from = ctx.dataFrom && ctx.dataFrom.slice(0, 7) > monthsBack(to, 35) ? ctx.dataFrom.slice(0, 7) : monthsBack(to, 35);
  const input = { ...ctx.base, from, to };
  let spc: SpcResult;
  try {
    spc = ctx.disclosed ? await runDisclosedSpc(ctx.store, input) : await runSpc(ctx.store, input);
  } catch (error) {
    if (error instanceof DisclosureRefusedError || (error instanceof UsageError && ctx.disclosed)) {
      return { id: 'spc', title: 'Statistical process control', blocks: [{ type: 'paragraph', text: `The SPC chart is not shown for this circulation: ${error.message}.` }] };
    }
    throw error;
  }
  ctx.caveats.push(...spc.caveats);
  const last = spc.rows.at(-1);
  const recent = spc.rows.slice(-12);
  const count = (signal: string) => recent.filter((r) => r.signal === signal).length;
  const lastText = last
    ? `In ${last.period} the value was ${formatDecimal(last.value, 0)} against a mean of ${formatDecimal(last.mean, 1)} (process limits ${formatDecimal(Math.max(0, last.lower), 1)}–${formatDecimal(last.upper, 1)}): ${last.signal === 'common' ? 'common cause variation — no signal of change' : `a special cause signal of ${last.signal}`}.`
    : '';
  const table: ReportTable = {
    id: 'spc-table',
    title: `Monthly ${ctx.subject}: XmR chart values`,
    columns: [col('period', 'Month'), col('value', 'Value', 'integer'), col('mean', 'Mean', 'decimal', 1), col('lower', 'Lower limit', 'decimal', 1), col('upper', 'Upper limit', 'decimal', 1), col('signal', 'Signal'), col('rule', 'Rule')],
    rows: spc.rows.map((r) => ({ period: r.period, value: r.value, mean: r.mean, lower: r.lower, upper: r.upper, signal: r.signal, rule: r.rule ?? '' })),
  };
  return {
    id: 'spc',
    title: 'Statistical process control',
    blocks: [
      {
        type: 'paragraph',
        text: `${lastText} Over the last ${recent.length} months, ${count('improvement')} point(s) signal improvement and ${count('concern')} signal concern (NHS "Making Data Count" rules; for violence, lower is better).`,
      },
      { type: 'chart', id: 'spc-chart', title: `Monthly ${ctx.subject}, ${spc.rows[0]?.period ?? ''} to ${last?.period ?? ''} (XmR chart)`, option: spcChartOption(spc, { valueLabel: 'Incidents' }), table, height: 330 },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Weekly: the last 13 weeks and the weekday × hour heat map

export async function recentWeeksSection(ctx: ReportContext): Promise<ReportSection> {
  const from = addDays(ctx.period.from, -12 * 7);
  const result = await ctx.query({ ...ctx.base, by: ['week'], from, to: ctx.period.to });
  ctx.caveats.push(...result.caveats);
  const rows = result.rows.map((r) => ({ week: String(r.week), week_ending: addDays(String(r.week), 6), count: r.count ?? null }));
  const counts = rows.map((r) => numberOrNull(r.count) ?? 0);
  const thisWeek = counts.at(-1) ?? 0;
  const previous = counts.slice(0, -1);
  const mean = previous.length ? previous.reduce((a, b) => a + b, 0) / previous.length : 0;
  const max = Math.max(...previous, 0);
  const min = Math.min(...previous);
  const position = thisWeek > max ? 'higher than in any of' : thisWeek < min ? 'lower than in any of' : 'within the range of';
  return {
    id: 'weeks',
    title: 'The last 13 weeks',
    blocks: [
      {
        type: 'paragraph',
        text: `This week: ${formatInteger(thisWeek)} incident(s), ${position} the previous ${previous.length} weeks (average ${formatDecimal(mean, 1)}, range ${formatInteger(min)}–${formatInteger(max)}). Weekly counts are small and vary by chance; the monthly SPC chart shows whether a change is more than that.`,
      },
      {
        type: 'chart',
        id: 'weeks-chart',
        title: `Weekly ${ctx.subject}, 13 weeks to ${longDate(ctx.period.to)}`,
        option: barChartOption({ categories: rows.map((r) => r.week), values: rows.map((r) => r.count), valueLabel: 'Incidents' }),
        table: {
          id: 'weeks-table',
          title: 'Incidents by week (weeks start on Monday)',
          columns: [col('week', 'Week starting', 'date'), col('week_ending', 'Week ending', 'date'), col('count', 'Incidents', 'integer')],
          rows,
        },
        height: 260,
      },
    ],
  };
}

export async function heatmapSection(ctx: ReportContext, range: DateRange & { label: string }): Promise<ReportSection | null> {
  if (ctx.options.source === 'police-uk') {
    ctx.caveats.push('data.police.uk records carry the month only: no day of week or hour, so the heat map is left out');
    return null;
  }
  const result = await ctx.query({ ...ctx.base, by: ['day_of_week', 'hour'], from: ctx.disclosed ? range.from.slice(0, 7) : range.from, to: ctx.disclosed ? range.to.slice(0, 7) : range.to });
  const byDay = new Map<string, Record<string, Cell>>();
  for (const day of WEEKDAYS) byDay.set(day, { day });
  for (const r of result.rows) {
    const row = byDay.get(String(r.day_of_week));
    if (row && typeof r.hour === 'number') row[`h${String(r.hour).padStart(2, '0')}`] = r.count ?? null;
  }
  const cells = result.rows.map((r) => ({ day_of_week: r.day_of_week as string, hour: r.hour as number, value: r.count ?? null }));
  const numeric = result.rows.filter((r) => typeof r.count === 'number' && r.hour !== null);
  const peak = [...numeric].sort((a, b) => Number(b.count) - Number(a.count))[0];
  const weekend = numeric.filter((r) => r.day_of_week === 'Saturday' || r.day_of_week === 'Sunday').reduce((s, r) => s + Number(r.count), 0);
  const all = numeric.reduce((s, r) => s + Number(r.count), 0);
  const text = peak
    ? `The busiest hour was ${peak.day_of_week} ${String(peak.hour).padStart(2, '0')}:00–${String(peak.hour).padStart(2, '0')}:59 (${formatCount(peak.count ?? null)}). Saturdays and Sundays held ${all ? formatDecimal((100 * weekend) / all, 0) : '0'}% of the incidents shown (2 of 7 days are 29%).`
    : 'No incidents in the period.';
  return {
    id: 'heatmap',
    title: `When: day of week and hour (${range.label})`,
    blocks: [
      { type: 'paragraph', text },
      {
        type: 'chart',
        id: 'heatmap-chart',
        title: `${capitalise(ctx.subject)} by day of week and hour, ${range.label}`,
        option: heatmapOption(cells, { valueLabel: 'incidents' }),
        table: {
          id: 'heatmap-table',
          title: 'Incidents by day of week (rows) and hour starting (columns)',
          columns: [col('day', 'Day'), ...Array.from({ length: 24 }, (_, h) => col(`h${String(h).padStart(2, '0')}`, String(h).padStart(2, '0'), 'integer'))],
          rows: [...byDay.values()],
        },
        height: 280,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Monthly trend and categories

export async function trendSection(ctx: ReportContext, headlineSeries: SeriesPoint[] | null): Promise<ReportSection> {
  const toMonth = ctx.period.to.slice(0, 7);
  const fromMonth = monthsBack(toMonth, 35);
  let series: { month: string; count: Cell; rolling_12m: Cell }[];
  if (headlineSeries) {
    series = headlineSeries.filter((p) => p.month <= toMonth).slice(-36);
  } else {
    // Disclosure-controlled: the protected monthly counts; rolling totals from the rounded counts shown.
    const result = await ctx.query({ ...ctx.base, by: ['month'], from: monthsBack(fromMonth, 11), to: toMonth });
    const counts = result.rows.map((r) => ({ month: String(r.month), count: r.count ?? null }));
    series = counts.map((p, i) => {
      const window = counts.slice(Math.max(0, i - 11), i + 1);
      const complete = window.length === 12 && window.every((w) => typeof w.count === 'number');
      return { ...p, rolling_12m: complete ? window.reduce((s, w) => s + Number(w.count), 0) : null };
    }).filter((p) => p.month >= fromMonth);
  }
  const last = series.at(-1);
  const yearAgo = series.find((p) => p.month === monthsBack(toMonth, 12));
  const text =
    last && typeof last.rolling_12m === 'number' && yearAgo && typeof yearAgo.rolling_12m === 'number'
      ? `The rolling 12-month total to ${last.month} is ${formatInteger(last.rolling_12m)}, against ${formatInteger(yearAgo.rolling_12m)} a year earlier (${last.rolling_12m >= yearAgo.rolling_12m ? '+' : '−'}${formatDecimal(Math.abs(100 * (last.rolling_12m / Math.max(1, yearAgo.rolling_12m) - 1)), 1)}%; see the headline for whether changes are statistically significant).`
      : 'Rolling 12-month totals need 12 months of data.';
  return {
    id: 'trend',
    title: 'Trend',
    blocks: [
      { type: 'paragraph', text },
      {
        type: 'chart',
        id: 'trend-chart',
        title: `Monthly ${ctx.subject} and rolling 12-month total`,
        option: trendChartOption(series, { valueLabel: 'Incidents' }),
        table: { id: 'trend-table', title: 'Incidents by month', columns: [col('month', 'Month'), col('count', 'Incidents', 'integer'), col('rolling_12m', 'Rolling 12 months', 'integer')], rows: series },
        height: 300,
      },
    ],
  };
}

export function categoriesSection(ctx: ReportContext, categories: Headline['categories']): ReportSection {
  const sorted = [...categories].sort((a, b) => (numberOrNull(b.count as Cell) ?? -1) - (numberOrNull(a.count as Cell) ?? -1));
  return {
    id: 'categories',
    title: 'What: categories',
    blocks: [
      {
        type: 'chart',
        id: 'categories-chart',
        title: `${capitalise(ctx.subject)} by ${ctx.categoryDimension === 'sv_category' ? 'category' : 'data.police.uk category'}, ${ctx.period.label}`,
        option: barChartOption({ categories: sorted.map((c) => c.category), values: sorted.map((c) => c.count), horizontal: true, valueLabel: 'Incidents' }),
        table: { id: 'categories-table', title: 'Incidents by category', columns: [col('category', 'Category'), col('count', 'Incidents', 'integer')], rows: sorted },
        height: Math.max(160, 40 + 32 * sorted.length),
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Where: areas (rates, funnel plot), hot spots, deprivation

async function areaNames(ctx: ReportContext, unit: string): Promise<Map<string, string>> {
  const column = unit === 'lsoa' ? 'lsoa' : unit;
  const rows = await ctx.store.query(`SELECT DISTINCT ${column}_code AS code, ${column}_name AS name FROM geo_lsoa WHERE ${column}_code IS NOT NULL`);
  return new Map(rows.map((r) => [String(r.code), String(r.name ?? r.code)]));
}

export async function areasSection(ctx: ReportContext, withFunnel: boolean): Promise<ReportSection | null> {
  if (!ctx.geographyLoaded) {
    ctx.caveats.push('no geography is loaded: area rates are left out');
    return null;
  }
  // Within one local authority compare its MSOAs; otherwise compare local authorities.
  const unit: 'lad' | 'msoa' = ctx.area ? 'msoa' : 'lad';
  const names = await areaNames(ctx, unit);
  const per = 1000;
  const blocks: Block[] = [];
  let rows: Record<string, Cell>[];
  if (!ctx.disclosed) {
    const areas = await runAreas(ctx.store, { ...ctx.base, per, from: ctx.period.from, to: ctx.period.to, unit });
    ctx.caveats.push(...areas.caveats);
    rows = areas.rows.map((r) => ({ area: r.area, name: names.get(r.area) ?? r.area, count: r.count, population: r.population, rate: r.rate, rate_lower: r.rate_lower, rate_upper: r.rate_upper, position: r.position.replace('_', ' ') }));
    const above = areas.rows.filter((r) => r.position === 'above_99.8');
    blocks.push({
      type: 'paragraph',
      text: `The overall rate was ${formatDecimal(areas.overall.rate, 2)} per ${formatInteger(per)} population. ${above.length ? `${above.length} area(s) were above the 99.8% funnel limit — higher than chance would explain: ${above.slice(0, 5).map((r) => names.get(r.area) ?? r.area).join(', ')}.` : 'No area was above the 99.8% funnel limit.'}`,
    });
    if (withFunnel) {
      blocks.push({
        type: 'chart',
        id: 'funnel-chart',
        title: `Funnel plot: ${ctx.subject} rate by ${unit === 'lad' ? 'local authority' : 'MSOA'}, ${ctx.period.label}`,
        option: funnelPlotOption(areas, { per, names: Object.fromEntries(names) }),
        table: {
          id: 'funnel-table',
          title: 'Funnel plot limits by area',
          columns: [col('area', 'Code'), col('name', 'Area'), col('count', 'Incidents', 'integer'), col('population', 'Population', 'integer'), col('rate', 'Rate', 'rate', 2), col('funnel_lower_998', '99.8% lower', 'rate', 2), col('funnel_upper_998', '99.8% upper', 'rate', 2), col('position', 'Position')],
          rows: areas.rows.map((r) => ({ area: r.area, name: names.get(r.area) ?? r.area, count: r.count, population: r.population, rate: r.rate, funnel_lower_998: r.funnel_lower_998, funnel_upper_998: r.funnel_upper_998, position: r.position.replace('_', ' ') })),
        },
        height: 360,
      });
    }
  } else {
    const result = await ctx.query({ ...ctx.base, measure: 'rate', per, by: [unit], from: ctx.period.from.slice(0, 7), to: ctx.period.to.slice(0, 7) });
    rows = result.rows.filter((r) => r[unit] !== null).map((r) => ({ area: String(r[unit]), name: names.get(String(r[unit])) ?? String(r[unit]), count: r.count ?? null, population: r.population ?? null, rate: r.rate ?? null, rate_lower: r.rate_lower ?? null, rate_upper: r.rate_upper ?? null, position: null }));
    rows.sort((a, b) => (numberOrNull(b.rate) ?? -1) - (numberOrNull(a.rate) ?? -1));
    if (withFunnel) ctx.caveats.push('the funnel plot is left out under disclosure control: its limits would be drawn around unrounded counts');
  }
  const top = rows.slice(0, 25);
  blocks.push({
    type: 'chart',
    id: 'areas-chart',
    title: `Rate per ${formatInteger(per)} population by ${unit === 'lad' ? 'local authority' : 'MSOA'}, ${ctx.period.label}${rows.length > top.length ? ` (highest ${top.length})` : ''}`,
    option: barChartOption({ categories: top.map((r) => String(r.name)), values: top.map((r) => r.rate ?? null), horizontal: true, valueLabel: `Rate per ${formatInteger(per)}`, digits: 2 }),
    table: {
      id: 'areas-table',
      title: `Rates by ${unit === 'lad' ? 'local authority' : 'MSOA'}`,
      columns: [col('area', 'Code'), col('name', 'Area'), col('count', 'Incidents', 'integer'), col('population', 'Population', 'integer'), col('rate', 'Rate', 'rate', 2), col('rate_lower', '95% CI lower', 'rate', 2), col('rate_upper', '95% CI upper', 'rate', 2), ...(ctx.disclosed ? [] : [col('position', 'Funnel position')])],
      rows,
    },
    height: Math.max(180, 40 + 22 * top.length),
  });
  return { id: 'areas', title: 'Where: areas', blocks };
}

export interface MapPayload {
  name: string;
  geojson: { type: 'FeatureCollection'; features: object[] };
}

export async function hotspotSection(ctx: ReportContext, maps: Map<string, MapPayload['geojson']>): Promise<ReportSection | null> {
  if (ctx.disclosed) {
    internalOnly(ctx, 'The LSOA hot spot map');
    return null;
  }
  let result;
  try {
    result = await runHotspots(ctx.store, { ...ctx.base, from: ctx.period.from, to: ctx.period.to, method: 'gistar', unit: 'lsoa', weights: 'queen', fdr: true });
  } catch (error) {
    if (error instanceof SvoError) {
      ctx.caveats.push(`no hot spot map: ${error.message}`);
      return null;
    }
    throw error;
  }
  ctx.caveats.push(...result.caveats);
  const mapName = 'lsoa-hotspots';
  maps.set(mapName, {
    type: 'FeatureCollection',
    features: result.rows.map((r, i) => ({ type: 'Feature', properties: { name: String(r.unit) }, geometry: result.geometries[i] })),
  });
  const classes: Record<string, HotspotClass> = {};
  for (const r of result.rows) classes[String(r.unit)] = r.class as HotspotClass;
  const names = await areaNames(ctx, 'lsoa');
  const significant = result.rows.filter((r) => r.class !== 'not_significant').sort((a, b) => Number(b.gistar) - Number(a.gistar));
  const hot = significant.filter((r) => String(r.class).startsWith('hot'));
  const hotCount = hot.reduce((s, r) => s + Number(r.count), 0);
  const total = result.rows.reduce((s, r) => s + Number(r.count), 0);
  return {
    id: 'hotspots',
    title: 'Where: hot spots (Getis-Ord Gi*)',
    pageBreakBefore: true,
    blocks: [
      {
        type: 'paragraph',
        text: `${hot.length} of ${result.rows.length} LSOAs were hot spots (Gi*, false discovery rate controlled); they held ${formatInteger(hotCount)} of ${formatInteger(total)} incidents (${total ? formatDecimal((100 * hotCount) / total, 0) : '0'}%). ${significant.length - hot.length} LSOA(s) were cold spots.`,
      },
      {
        type: 'chart',
        id: 'hotspot-map',
        title: `Hot and cold spots of ${ctx.subject} by LSOA, ${ctx.period.label}`,
        option: hotspotMapOption(mapName, classes),
        table: {
          id: 'hotspots-table',
          title: 'Significant hot and cold spots',
          columns: [col('unit', 'LSOA'), col('name', 'Name'), col('count', 'Incidents', 'integer'), col('gistar', 'Gi* z', 'decimal', 2), col('p_fdr', 'p (FDR)', 'decimal', 4), col('class', 'Class')],
          rows: significant.map((r) => ({ unit: toCell(r.unit), name: names.get(String(r.unit)) ?? String(r.unit), count: toCell(r.count), gistar: toCell(r.gistar), p_fdr: toCell(r.p_fdr), class: HOTSPOT_STYLE[r.class as HotspotClass]?.label ?? String(r.class) })),
          notes: ['LSOAs that are not significant are not listed; every LSOA is on the map.'],
        },
        height: 460,
      },
    ],
  };
}

export async function deprivationSection(ctx: ReportContext): Promise<ReportSection | null> {
  if (!ctx.geographyLoaded) return null;
  const per = 1000;
  let rows: Record<string, Cell>[];
  let sentence: string;
  if (!ctx.disclosed) {
    const d = await runDeprivation(ctx.store, { ...ctx.base, per, from: ctx.period.from, to: ctx.period.to });
    ctx.caveats.push(...d.caveats);
    rows = toRows(d.rows).filter((r) => r.imd_decile !== null);
    sentence = `${capitalise(d.ratio.sentence)}.${d.share_most_deprived_decile !== null ? ` The most deprived tenth of areas held ${formatDecimal(100 * d.share_most_deprived_decile, 0)}% of the incidents.` : ''}`;
  } else {
    const r = await ctx.query({ ...ctx.base, measure: 'rate', per, by: ['imd_decile'], from: ctx.period.from.slice(0, 7), to: ctx.period.to.slice(0, 7) });
    rows = r.rows.filter((x) => x.imd_decile !== null);
    const most = rows.find((x) => x.imd_decile === 1);
    const least = rows.find((x) => x.imd_decile === 10);
    sentence =
      typeof most?.rate === 'number' && typeof least?.rate === 'number' && least.rate > 0
        ? `The rate in the most deprived tenth of areas is ${formatDecimal(most.rate / least.rate, 1)} times that in the least deprived (from rounded counts).`
        : 'The most and least deprived tenths cannot be compared for this audience (small numbers).';
  }
  return {
    id: 'deprivation',
    title: 'Deprivation gradient',
    blocks: [
      { type: 'paragraph', text: sentence },
      {
        type: 'chart',
        id: 'deprivation-chart',
        title: `Rate per ${formatInteger(per)} by IMD 2019 decile (1 = most deprived), ${ctx.period.label}`,
        option: barChartOption({ categories: rows.map((r) => String(r.imd_decile)), values: rows.map((r) => r.rate ?? null), valueLabel: `Rate per ${formatInteger(per)}`, digits: 2 }),
        table: {
          id: 'deprivation-table',
          title: 'Rates by IMD decile',
          columns: [col('imd_decile', 'IMD decile', 'integer'), col('count', 'Incidents', 'integer'), col('population', 'Population', 'integer'), col('rate', 'Rate', 'rate', 2), col('rate_lower', '95% CI lower', 'rate', 2), col('rate_upper', '95% CI upper', 'rate', 2)],
          rows: rows.map((r) => ({ imd_decile: r.imd_decile ?? null, count: r.count ?? null, population: r.population ?? null, rate: r.rate ?? null, rate_lower: r.rate_lower ?? null, rate_upper: r.rate_upper ?? null })),
        },
        height: 260,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Who: victims and offenders, repeat victimisation

const SEX_COLUMNS = ['female', 'male', 'other', 'unknown'] as const;

export async function peopleSection(ctx: ReportContext): Promise<ReportSection | null> {
  if (ctx.options.source !== 'police') {
    ctx.caveats.push('data.police.uk has no victims or offenders (no ages, no sex, no identifiers): the people profile and repeat victimisation are left out');
    return null;
  }
  const blocks: Block[] = [];
  for (const role of ['victims', 'offenders'] as const) {
    const prefix = role === 'victims' ? 'victim' : 'offender';
    const range = { from: ctx.period.from, to: ctx.period.to };
    let profile: Record<string, Cell>[];
    let repeat: { band: string; people: Cell }[];
    let share: string | null;
    if (!ctx.disclosed) {
      const p = await runPeople(ctx.store, { ...ctx.base, ...range, role });
      ctx.caveats.push(...p.caveats);
      profile = toRows(p.profile);
      repeat = p.repeat.times_seen.map((t) => ({ band: t.band, people: t.people }));
      share =
        p.repeat.repeat_share === null
          ? null
          : `${formatDecimal(100 * p.repeat.repeat_share, 0)}% of the incidents with an identified ${prefix} involved someone seen in two or more incidents in the period (${formatInteger(p.repeat.repeat_incidents)} of ${formatInteger(p.repeat.incidents)}).`;
    } else {
      const r = await ctx.query({ ...ctx.base, measure: role, by: [`${prefix}_age_band`, `${prefix}_sex`], from: ctx.period.from.slice(0, 7), to: ctx.period.to.slice(0, 7) });
      profile = r.rows;
      // Repeat counts are about people, outside any query lattice: each band is suppressed and rounded
      // on its own and no total is shown, so no band can be worked out from the others.
      const p = await runPeople(ctx.store, { ...ctx.base, ...range, role });
      repeat = p.repeat.times_seen.map((t) => ({ band: t.band, people: disclosedCount(t.people) }));
      const shown = disclosedAverage(p.repeat.incidents, p.repeat.repeat_share);
      share = shown === null ? null : `About ${formatDecimal(100 * shown, 0)}% of the incidents with an identified ${prefix} involved someone seen in two or more incidents in the period.`;
    }
    const bands = [...new Set(profile.map((r) => String(r[`${prefix}_age_band`] ?? 'unknown')))];
    const pivot = bands.map((band) => {
      const row: Record<string, Cell> = { age_band: band };
      let sum = 0;
      let suppressed = false;
      for (const sex of SEX_COLUMNS) {
        const v = profile.find((r) => String(r[`${prefix}_age_band`] ?? 'unknown') === band && r[`${prefix}_sex`] === sex)?.count ?? 0;
        row[sex] = v;
        if (typeof v === 'number') sum += v;
        else suppressed = true;
      }
      // Under disclosure control a row total would reveal suppressed cells: show it only without them.
      row.total = suppressed ? SUPPRESSED : sum;
      return row;
    });
    const u25 = pivot.filter((r) => ['0-9', '10-14', '15-19', '20-24'].includes(String(r.age_band)));
    const known = pivot.filter((r) => r.age_band !== 'unknown');
    const sumOf = (rows: Record<string, Cell>[]) => (rows.every((r) => typeof r.total === 'number') ? rows.reduce((s, r) => s + Number(r.total), 0) : null);
    const u25n = sumOf(u25);
    const knownN = sumOf(known);
    const peak = [...pivot].filter((r) => r.age_band !== 'unknown').flatMap((r) => SEX_COLUMNS.filter((s) => s !== 'unknown' && s !== 'other').map((s) => ({ band: r.age_band, sex: s, n: r[s] }))).filter((x) => typeof x.n === 'number').sort((a, b) => Number(b.n) - Number(a.n))[0];
    const text = [
      u25n !== null && knownN ? `${formatDecimal((100 * u25n) / knownN, 0)}% of ${role} with a recorded age were under 25.` : null,
      peak ? `The largest group was ${peak.sex} ${role} aged ${peak.band} (${formatCount(peak.n as Cell)}).` : null,
    ].filter(Boolean).join(' ');
    blocks.push({ type: 'paragraph', text: `${capitalise(role)}: ${text || 'no people recorded in the period.'}` });
    blocks.push({
      type: 'chart',
      id: `${role}-chart`,
      title: `${capitalise(role)} by age band, ${ctx.period.label}`,
      option: barChartOption({ categories: pivot.map((r) => String(r.age_band)), values: pivot.map((r) => r.total ?? null), valueLabel: capitalise(role) }),
      table: {
        id: `${role}-profile`,
        title: `${capitalise(role)} by age band and sex (a person counted once per incident)`,
        columns: [col('age_band', 'Age band'), ...SEX_COLUMNS.map((s) => col(s, capitalise(s), 'integer')), col('total', 'Total', 'integer')],
        rows: pivot,
      },
      height: 240,
    });
    if (repeat) {
      if (share) blocks.push({ type: 'paragraph', text: share });
      blocks.push({
        type: 'table',
        table: {
          id: `${role}-repeat`,
          title: `Repeat ${role}: people by number of incidents in the period`,
          columns: [col('band', 'Incidents per person'), col('people', 'People', 'integer')],
          rows: repeat,
          notes: ['Matched on pseudonymised identifiers; no identities are held in or shown by this report.'],
        },
      });
    }
  }
  return { id: 'people', title: 'Who: victims and offenders', pageBreakBefore: true, blocks };
}

// ---------------------------------------------------------------------------------------------------
// Caveats and methods

export function caveatsSection(ctx: ReportContext): ReportSection {
  const items = [...new Set([...ctx.caveats, ...(ctx.disclosed ? [DISCLOSURE_CAVEAT] : [])].map((c) => capitalise(c.trim().replace(/\.$/, '')) + '.'))];
  return { id: 'caveats', title: 'Caveats', blocks: [{ type: 'caveats', items }] };
}

export function methodsSection(ctx: ReportContext): ReportSection {
  const items = [
    ctx.definition
      ? `Definition: ${ctx.definition.name} (${ctx.definition.id} v${ctx.definition.version}); every incident is classified under this version from its Home Office Counting Rules code, location type, domestic flag and weapon text.`
      : 'Source: data.police.uk street-level crime, categories Violence and sexual offences, Robbery and Possession of weapons, as an area-level proxy (it cannot be narrowed to the serious-violence definition).',
    'Comparisons: rate ratio of counts per day, with the exact conditional 95% confidence interval and p-value (as R poisson.test). Sentences never call a change significant when its interval includes no change.',
    'SPC: XmR chart following NHS England "Making Data Count" (NHSRplotthedots): mean, moving-range limits at ±2.66 × the screened average moving range; special causes are points outside the limits, trends of 7, two of three close to a limit, and runs of 7 on one side of the mean.',
    'Rates: per 1,000 resident population (mid-year estimates by LSOA), 95% confidence limits by Byar\u2019s method (exact Poisson below 10).',
    'Funnel plot: Spiegelhalter (2005) Poisson limits at 95% and 99.8% around the overall rate.',
    'Hot spots: Getis-Ord Gi* on LSOA counts with queen contiguity (each LSOA included in its own neighbourhood), classes at 90/95/99% on Benjamini–Hochberg adjusted p-values.',
    'Deprivation: Index of Multiple Deprivation 2019 decile of the LSOA where the incident happened (1 = most deprived).',
    'Repeat victimisation: people matched on keyed pseudonyms (HMAC) within the period; no names or identifiers are held in the reporting store.',
    ctx.disclosed
      ? `Disclosure control (${ctx.options.circulation} circulation): ${DISCLOSURE_CAVEAT}.`
      : 'Circulation: internal. Counts are not suppressed; apply disclosure control (--circulation partner or public) before sharing outside the VRU.',
  ];
  return { id: 'methods', title: 'Methods appendix', pageBreakBefore: true, blocks: [{ type: 'list', items }] };
}
