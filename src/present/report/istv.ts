/**
 * The monthly injury-surveillance taskforce pack (`svo report istv --period 2021-07`), Cardiff Model:
 * ED assault attendances in the month against the same month a year before, how people were hurt
 * (sharp-object share), where (location type, top venues and streets), when (night-time economy
 * hours), and how much of it the police do not see (hidden violence, with its assumption f stated).
 *
 * Every figure comes from the injury analyses and the query specification (src/analysis/injury.ts,
 * runQuery with source istv): the numbers `svo venues`, `svo injury nte|sharp` and
 * `svo hidden-violence` give for the same month.
 */
import { runHiddenViolence, runNteComparison, runSharpInjury, runVenueRanking, type InjuryRow } from '../../analysis/injury.js';
import { runTrends } from '../../analysis/trends.js';
import { disclosedCount } from '../../core/disclosure/rules.js';
import { UsageError } from '../../core/errors.js';
import { parsePeriod } from '../../core/period.js';
import { loadIstvCodes } from '../../ingest/istv/codelists.js';
import { runQuery } from '../../query/run.js';
import { barChartOption, trendChartOption } from '../charts/index.js';
import { areaWhere, definitionMeta, discloseTable, resolveArea, sourceCurrency, DISCLOSURE_NOTE, type Db, type PackArea, type TableDisclosure } from './builder-support.js';
import { changeFinding, sharePercent, showCount, type NumberStyle } from './findings.js';
import type { Block, ReportDocument, ReportOptions, ReportSection, ReportTable } from './model.js';

/** Assumed shares f of police-recorded violence with injury whose victim attended the reporting EDs. */
export const ATTENDANCE_SHARES = [1, 0.5, 0.25, 0.1] as const;
const TOP_PLACES = 10;

const DAY_MS = 86_400_000;
const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
const monthLabel = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shiftYear = (month: string, years: number) => `${Number(month.slice(0, 4)) + years}${month.slice(4)}`;
const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(0)}%` : 'n/a');

function table(id: string, title: string, columns: ReportTable['columns'], rows: ReportTable['rows'], rules: TableDisclosure, style: NumberStyle, notes?: string[]): ReportTable {
  const t: ReportTable = { id, title, columns, rows, ...(notes ? { notes } : {}) };
  return style.disclose ? discloseTable(t, rules) : t;
}

/** Builds the taskforce pack for the month in `options.period` (YYYY-MM). */
export async function buildIstvReport(db: Db, options: ReportOptions): Promise<ReportDocument> {
  const month = options.period.trim();
  if (!/^\d{4}-\d{2}$/.test(month)) throw new UsageError(`the injury-surveillance taskforce pack covers a month: --period must be like 2021-07, got '${options.period}'`);
  const range = parsePeriod(month);
  const lastYear = shiftYear(month, -1);
  const area = await resolveArea(db, options.area);
  const style: NumberStyle = { disclose: options.circulation !== 'internal' };
  const ed = await sourceCurrency(db, 'istv');
  if (ed.dataTo === null) throw new UsageError('no ED ISTV returns are loaded', 'load them with svo ingest istv');
  const caveats = new Set<string>();
  const headline: string[] = [];
  const sections: ReportSection[] = [];
  const where = areaWhere(area);

  // Attendances this month against the same month last year (the trends analysis on source istv).
  const trend = await runTrends(db, { source: 'istv', where, period: month });
  trend.caveats.forEach((x) => caveats.add(x));
  const yoy = trend.comparisons.find((x) => x.comparison === 'previous_year')!;
  const change = changeFinding('ed_assaults', 'ED assault attendances', 'ED attendances for assault', { label: monthLabel(month), count: yoy.current_count, days: daysIn(yoy.current_from, yoy.current_to) }, { label: monthLabel(lastYear), count: yoy.reference_count, days: daysIn(yoy.reference_from, yoy.reference_to) }, style);
  headline.push(change.sentence);
  const series = trend.series.filter((p) => p.month > shiftYear(month, -2) && p.month <= month);
  const monthly = table(
    'istv-monthly',
    'ED assault attendances by month (24 months to the pack month)',
    [
      { key: 'month', label: 'Month', type: 'text' },
      { key: 'count', label: 'Attendances', type: 'integer' },
      { key: 'rolling_12m', label: 'Rolling 12 months', type: 'integer' },
    ],
    series.map((p) => ({ month: p.month, count: p.count, rolling_12m: p.rolling_12m })),
    { dimensions: ['month'], counts: ['count'], drop: ['rolling_12m'] },
    style,
  );
  sections.push({
    id: 'istv-trend',
    title: 'Attendances over time',
    blocks: [
      { type: 'paragraph', text: change.sentence },
      { type: 'chart', id: 'istv-trend-chart', title: monthly.title, option: trendChartOption(monthly.rows.map((r) => ({ month: String(r.month), count: r.count ?? null, rolling_12m: r.rolling_12m ?? null })), { valueLabel: 'attendances' }), table: monthly },
    ],
  });

  // How: method this month and the same month last year; sharp objects (success measure 1 proxy).
  const codes = loadIstvCodes();
  const methodNow = await runQuery(db, { source: 'istv', where, from: month, to: month, by: ['assault_method'] });
  const methodThen = await runQuery(db, { source: 'istv', where, from: lastYear, to: lastYear, by: ['assault_method'] });
  const thenBy = new Map(methodThen.rows.map((r) => [String(r.assault_method), Number(r.count)]));
  const totalNow = methodNow.rows.reduce((s, r) => s + Number(r.count), 0);
  const methodRows = methodNow.rows
    .map((r) => {
      const code = r.assault_method === null ? null : String(r.assault_method);
      const entry = code === null ? undefined : codes.methods.byCode.get(code);
      return { method: code ?? 'not recorded', label: entry?.label ?? code ?? 'not recorded', sharp: entry?.sharp ? 'yes' : 'no', count: Number(r.count), share: totalNow ? Number(r.count) / totalNow : null, last_year: thenBy.get(String(r.assault_method)) ?? 0 };
    })
    .sort((a, b) => b.count - a.count || a.method.localeCompare(b.method));
  const methods = table(
    'istv-methods',
    `ED assault attendances by method, ${monthLabel(month)} (and ${monthLabel(lastYear)})`,
    [
      { key: 'method', label: 'Code', type: 'text' },
      { key: 'label', label: 'Method', type: 'text' },
      { key: 'sharp', label: 'Sharp object', type: 'text' },
      { key: 'count', label: 'Attendances', type: 'integer' },
      { key: 'share', label: 'Share', type: 'percent', digits: 0 },
      { key: 'last_year', label: 'Same month last year', type: 'integer' },
    ],
    methodRows,
    { dimensions: ['method'], counts: ['count', 'last_year'], shares: [{ column: 'share', part: 'count', whole: totalNow }] },
    style,
  );
  const sharp = await runSharpInjury(db, { from: month, to: month });
  sharp.caveats.forEach((x) => caveats.add(x));
  const s = sharp.rows.find((r) => r.month === month);
  const sharpCount = Number(s?.sharp ?? 0);
  const sharpShare = sharePercent(sharpCount, Number(s?.assaults ?? 0), style);
  const sharpSentence =
    sharpShare === null
      ? `Too few attendances to publish the share injured with a knife or sharp object.`
      : `${sharpShare} of attendances (${showCount(sharpCount, style)} of ${showCount(Number(s?.assaults ?? 0), style)}) were assaults with a knife or sharp object, ${showCount(Number(s?.sharp_u25 ?? 0), style)} of them of people under 25 by the ED's age band${area ? ' (whole ED catchment, all areas)' : ''}.`;
  headline.push(sharpSentence);
  sections.push({
    id: 'istv-methods',
    title: 'How: assault method',
    blocks: [
      { type: 'paragraph', text: sharpSentence },
      { type: 'chart', id: 'istv-methods-chart', title: methods.title, option: barChartOption({ categories: methods.rows.map((r) => String(r.label)), values: methods.rows.map((r) => r.count ?? null), horizontal: true, valueLabel: 'Attendances' }), table: methods },
    ],
  });

  // Where: location type, then the top venues and streets with their rank change.
  const locations = await runQuery(db, { source: 'istv', where, from: month, to: month, by: ['assault_location_type'] });
  const locationRows = locations.rows
    .map((r) => {
      const code = r.assault_location_type === null ? null : String(r.assault_location_type);
      const entry = code === null ? undefined : codes.locationTypes.byCode.get(code);
      return { location_type: code ?? 'not recorded', label: entry?.label ?? code ?? 'not recorded', count: Number(r.count), share: totalNow ? Number(r.count) / totalNow : null };
    })
    .sort((a, b) => b.count - a.count || a.location_type.localeCompare(b.location_type));
  const locationTable = table(
    'istv-location-types',
    `ED assault attendances by location type, ${monthLabel(month)}`,
    [
      { key: 'location_type', label: 'Code', type: 'text' },
      { key: 'label', label: 'Location type', type: 'text' },
      { key: 'count', label: 'Attendances', type: 'integer' },
      { key: 'share', label: 'Share', type: 'percent', digits: 0 },
    ],
    locationRows,
    { dimensions: ['location_type'], counts: ['count'], shares: [{ column: 'share', part: 'count', whole: totalNow }] },
    style,
  );
  const whereBlocks: Block[] = [{ type: 'chart', id: 'istv-locations-chart', title: locationTable.title, option: barChartOption({ categories: locationTable.rows.map((r) => String(r.label)), values: locationTable.rows.map((r) => r.count ?? null), horizontal: true, valueLabel: 'Attendances' }), table: locationTable }];
  for (const kind of ['venues', 'streets'] as const) {
    const ranking = await runVenueRanking(db, { from: month, to: month, kind, limit: TOP_PLACES });
    ranking.caveats.forEach((x) => caveats.add(x));
    const t = placeTable(kind, ranking.rows, monthLabel(month), style);
    if (kind === 'venues' && ranking.rows[0]) {
      const top = ranking.rows.slice(0, 3).map((r) => `${String(r.place)} (${showCount(Number(r.assaults), style)})`);
      headline.push(`Top venues by ED assaults: ${top.join(', ')}.`);
    }
    whereBlocks.push({ type: 'table', table: t });
  }
  if (area) whereBlocks.push({ type: 'paragraph', text: `Venues and streets are ranked over all ED returns, not only ${area.name}: the ranking analysis has no area filter.` });
  sections.push({ id: 'istv-where', title: 'Where: location types, venues and streets', blocks: whereBlocks });

  // When: the night-time economy window.
  const nte = await runNteComparison(db, { from: month, to: month });
  nte.caveats.forEach((x) => caveats.add(x));
  const n = nte.rows[0];
  const nteSentence = nteText(n, nte.options.window, nte.hoursPerWeek, style);
  headline.push(nteSentence);
  const nteTable = table(
    'istv-nte',
    `ED assaults inside and outside the night-time economy window (${nte.options.window}), ${monthLabel(month)}`,
    [
      { key: 'window_assaults', label: 'In the window', type: 'integer' },
      { key: 'other_assaults', label: 'Other hours', type: 'integer' },
      { key: 'window_share', label: 'Share in the window', type: 'percent', digits: 0 },
      { key: 'window_hours_share', label: 'Share of the week’s hours', type: 'percent', digits: 0 },
      { key: 'rate_ratio', label: 'Rate ratio per hour', type: 'decimal', digits: 2 },
      { key: 'rate_ratio_lower', label: '95% CI lower', type: 'decimal', digits: 2 },
      { key: 'rate_ratio_upper', label: '95% CI upper', type: 'decimal', digits: 2 },
    ],
    n ? [{ window_assaults: Number(n.window_assaults), other_assaults: Number(n.other_assaults), window_share: n.window_share as number | null, window_hours_share: n.window_hours_share as number | null, rate_ratio: n.rate_ratio as number | null, rate_ratio_lower: n.rate_ratio_lower as number | null, rate_ratio_upper: n.rate_ratio_upper as number | null }] : [],
    { dimensions: [], counts: ['window_assaults', 'other_assaults'], drop: ['window_share', 'rate_ratio', 'rate_ratio_lower', 'rate_ratio_upper'] },
    style,
    area ? ['all ED returns (the night-time economy comparison has no area filter)'] : undefined,
  );
  sections.push({ id: 'istv-when', title: 'When: night-time economy hours', blocks: [{ type: 'paragraph', text: nteSentence }, { type: 'table', table: nteTable }] });

  // Hidden violence: ED assaults against police-recorded violence with injury, for several assumed f.
  const hidden = await hiddenSection(db, month, area, style);
  hidden.caveats.forEach((x) => caveats.add(x));
  headline.push(hidden.sentence);
  sections.push(hidden.section);

  const caveatItems = [...caveats];
  if (style.disclose) caveatItems.push(DISCLOSURE_NOTE);
  const police = await sourceCurrency(db, 'police');
  return {
    meta: {
      kind: 'istv',
      title: `Injury surveillance taskforce pack: ${monthLabel(month)}`,
      periodLabel: monthLabel(month),
      from: range.from,
      to: range.to,
      area: area ? { code: area.code, name: area.name } : null,
      // ED records are not classified; the police comparison uses the Home Office offence group, not a definition.
      definition: await definitionMeta(db, null),
      sources: [ed, ...(police.dataTo ? [police] : [])],
      generatedAt: options.now.toISOString(),
      circulation: options.circulation,
      labels: style.disclose ? [`Disclosure-controlled for ${options.circulation} circulation`] : [],
    },
    sections: [{ id: 'istv-headline', title: 'Headlines', blocks: [{ type: 'list', items: headline }] }, ...sections, { id: 'istv-caveats', title: 'Caveats', blocks: [{ type: 'caveats', items: caveatItems }] }],
  };
}

function nteText(row: InjuryRow | undefined, window: string, hours: number, style: NumberStyle): string {
  if (!row) return `No ED assaults this month to compare the night-time economy window (${window}) with other hours.`;
  const inside = Number(row.window_assaults);
  const total = inside + Number(row.other_assaults);
  const share = sharePercent(inside, total, style);
  if (share === null) return `Too few ED assaults to publish the night-time economy share (${window}).`;
  const lower = row.rate_ratio_lower as number | null;
  const upper = row.rate_ratio_upper as number | null;
  const ratio = row.rate_ratio as number | null;
  let text = `${share} of ED assaults (${showCount(inside, style)} of ${showCount(total, style)}) happened in the night-time economy window ${window}, which is ${pct(hours / 168)} of the week's hours`;
  if (!style.disclose && ratio !== null && lower !== null && upper !== null) {
    text += lower > 1 ? `: ${ratio.toFixed(1)} times the hourly rate of other hours (95% CI ${lower.toFixed(1)}–${upper.toFixed(1)})` : `; the hourly rate is not statistically higher than at other hours (rate ratio ${ratio.toFixed(1)}, 95% CI ${lower.toFixed(1)}–${upper.toFixed(1)})`;
  }
  return `${text}.`;
}

function placeTable(kind: 'venues' | 'streets', rows: InjuryRow[], label: string, style: NumberStyle): ReportTable {
  return table(
    `istv-top-${kind}`,
    `Top ${kind} by ED assaults, ${label}, with the previous month`,
    [
      { key: 'rank', label: 'Rank', type: 'integer' },
      { key: 'place', label: kind === 'venues' ? 'Venue' : 'Street', type: 'text' },
      { key: 'place_type', label: 'Type', type: 'text' },
      { key: 'assaults', label: 'Assaults', type: 'integer' },
      { key: 'previous_assaults', label: 'Previous month', type: 'integer' },
      { key: 'rank_change', label: 'Rank change', type: 'integer' },
      { key: 'trend', label: 'Trend', type: 'text' },
    ],
    rows.map((r) => ({ rank: r.rank as number | null, place: r.place as string, place_type: r.place_type as string | null, assaults: Number(r.assaults), previous_assaults: Number(r.previous_assaults), rank_change: r.rank_change as number | null, trend: String(r.trend) })),
    // Ranks and their changes are read from exact counts: under disclosure control only rounded counts are shown.
    { dimensions: ['place'], counts: ['assaults', 'previous_assaults'], drop: ['rank', 'rank_change', 'trend'] },
    style,
    ['only ED assaults whose free-text location was matched to a place are ranked'],
  );
}

async function hiddenSection(db: Db, month: string, area: PackArea | null, style: NumberStyle): Promise<{ section: ReportSection; sentence: string; caveats: string[] }> {
  const rows: Record<string, string | number | null>[] = [];
  let caveats: string[] = [];
  for (const f of ATTENDANCE_SHARES) {
    const result = await runHiddenViolence(db, { from: month, to: month, period: 'all', area: area ? area.dimension : 'none', edAttendanceShare: f });
    if (f === 1) caveats = result.caveats;
    const row = area ? result.rows.find((r) => r[area.dimension] === area.code) : result.total;
    rows.push({
      f,
      ed_assaults: Number(row?.ed_assaults ?? 0),
      police_violence_with_injury: Number(row?.police_violence_with_injury ?? 0),
      ed_only_share: (row?.ed_only_share ?? null) as number | null,
    });
  }
  const first = rows[0]!;
  const ed = Number(first.ed_assaults);
  const policeCount = Number(first.police_violence_with_injury);
  const t = table(
    'istv-hidden-violence',
    'Hidden violence: ED assaults against police-recorded violence with injury, by assumed attendance share f',
    [
      { key: 'f', label: 'Assumed f', type: 'decimal', digits: 2 },
      { key: 'ed_assaults', label: 'ED assaults', type: 'integer' },
      { key: 'police_violence_with_injury', label: 'Police violence with injury', type: 'integer' },
      { key: 'ed_only_share', label: 'Estimated ED-only share', type: 'percent', digits: 0 },
    ],
    rows,
    // The same two counts on every row; the share is re-derived from the rounded counts.
    { dimensions: ['f'], counts: ['ed_assaults', 'police_violence_with_injury'], drop: ['ed_only_share'] },
    style,
    ['f = the assumed share of police-recorded violence with injury whose victim attended the reporting EDs; ED-only share = 1 − f × police ÷ ED (f = 1 gives a lower bound)'],
  );
  let sentence: string;
  if (style.disclose && (ed < 10 || policeCount < 10)) sentence = 'Too few records this month to publish a hidden-violence estimate.';
  else {
    // Under disclosure control the shares come from the rounded counts, like every other percentage.
    const edShown = style.disclose ? Number(disclosedCount(ed)) : ed;
    const policeShown = style.disclose ? Number(disclosedCount(policeCount)) : policeCount;
    const share = (f: number) => (style.disclose ? Math.min(1, Math.max(0, 1 - (f * policeShown) / edShown)) : rows.find((r) => r.f === f)?.ed_only_share);
    const lowerBound = share(1);
    const sensitivity = ATTENDANCE_SHARES.slice(1).map((f) => `${pct(share(f))} if f = ${f}`).join(', ');
    sentence =
      `${showCount(ed, style)} ED assaults against ${showCount(policeCount, style)} police-recorded offences of violence with injury${area ? ` in ${area.name}` : ''}: ` +
      (Number(lowerBound ?? 0) > 0
        ? `at least ${pct(lowerBound)} of ED-treated assaults were unknown to police even if every police-recorded injury had attended these EDs (f = 1); `
        : 'if every police-recorded injury had attended these EDs (f = 1) none need be unknown to police; ') +
      `the estimated share unknown to police is ${sensitivity}. ` +
      `An aggregate comparison, not record linkage.`;
  }
  return { section: { id: 'istv-hidden', title: 'Hidden violence', blocks: [{ type: 'paragraph', text: sentence }, { type: 'table', table: t }] }, sentence, caveats };
}
