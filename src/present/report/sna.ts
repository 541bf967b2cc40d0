/**
 * The Strategic Needs Assessment data pack (`svo report sna --year 2021`): every kind of key finding
 * of an SNA (domain.md §8) computed for one calendar year from the analysis layer and the query
 * specification — the numbers `svo query`, `svo trends`, `svo areas`, `svo people` and the API give —
 * each as a sentence with its numbers (findings.ts), with the tables and charts behind them.
 *
 * A finding the source cannot supply is listed as not available, never estimated: data.police.uk has
 * no ages, times, people or knife flag; county lines are in no loaded source.
 */
import { runAreas, runDeprivation, type AreasResult } from '../../analysis/places.js';
import { runPeople } from '../../analysis/people.js';
import { runTrends, type TrendResult } from '../../analysis/trends.js';
import { bandUnder25, parseAgeBand } from '../../core/istv/age-band.js';
import { UsageError } from '../../core/errors.js';
import { parsePeriod } from '../../core/period.js';
import { loadIstvCodes } from '../../ingest/istv/codelists.js';
import { runQuery, type QueryResult } from '../../query/run.js';
import { barChartOption, funnelPlotOption, heatmapOption, trendChartOption } from '../charts/index.js';
import { areaWhere, definitionMeta, discloseTable, resolveArea, sourceCurrency, type Db, type PackArea, type TableDisclosure } from './builder-support.js';
import {
  changeFinding,
  deprivationFinding,
  edMethodFinding,
  highestRateAreasFinding,
  knifeFinding,
  mostAtRiskFinding,
  notAvailable,
  peakTimesFinding,
  repeatVictimisationFinding,
  weekdaysBetween,
  WEEKDAYS,
  youngerOffenderRateFinding,
  youngerOffenderShareFinding,
  youngerPublicPlaceFinding,
  type Finding,
  type NumberStyle,
} from './findings.js';
import type { Block, ReportDocument, ReportOptions, ReportSection, ReportSource, ReportTable } from './model.js';

/** The proxy for serious violence in data.police.uk's categories (it cannot be narrowed to the definition). */
export const POLICE_UK_SV_PROXY = ['Violence and sexual offences', 'Robbery'];
const YOUNG_OFFENDER_BANDS = ['10-14', '15-19', '20-24'];
const UNDER_25_BANDS = ['0-9', ...YOUNG_OFFENDER_BANDS];
const OLDER_BANDS = ['25-34', '35-49', '50-64', '65+'];
const PER = 1000;

const DAY_MS = 86_400_000;
const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
const sumCounts = (rows: QueryResult['rows'], keep: (r: QueryResult['rows'][number]) => boolean = () => true) => rows.filter(keep).reduce((s, r) => s + Number(r.count ?? 0), 0);

/** Runs an analysis that needs data or population a store may not have; its UsageError becomes "not available". */
async function optional<T>(work: () => Promise<T>): Promise<{ value: T } | { reason: string }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof UsageError) return { reason: error.message };
    throw error;
  }
}

interface Collected {
  findings: Finding[];
  sections: ReportSection[];
  caveats: Set<string>;
  style: NumberStyle;
}

function table(id: string, title: string, columns: ReportTable['columns'], rows: ReportTable['rows'], rules: TableDisclosure | null, style: NumberStyle, notes?: string[]): ReportTable {
  const t: ReportTable = { id, title, columns, rows, ...(notes ? { notes } : {}) };
  return style.disclose && rules ? discloseTable(t, rules) : t;
}

/** Builds the SNA data pack for the calendar year in `options.period`. */
export async function buildSnaReport(db: Db, options: ReportOptions): Promise<ReportDocument> {
  if (!/^\d{4}$/.test(options.period.trim())) throw new UsageError(`the SNA pack covers a calendar year: --year must be like 2021, got '${options.period}'`);
  const year = options.period.trim();
  const range = parsePeriod(year);
  const previous = String(Number(year) - 1);
  const area = await resolveArea(db, options.area);
  const style: NumberStyle = { disclose: options.circulation !== 'internal' };
  const c: Collected = { findings: [], sections: [], caveats: new Set(), style };
  const police = options.source === 'police';

  // The query every finding narrows: serious violence in the year, in the area.
  const base: Record<string, unknown> = police
    ? { ...(options.definition ? { definition: options.definition } : {}), where: areaWhere(area) }
    : { source: 'police-uk', where: { ...areaWhere(area), crime_type: POLICE_UK_SV_PROXY } };
  const inYear = { ...base, from: year, to: year };
  const what = police ? 'Serious violence' : 'Violence, sexual offences and robbery (data.police.uk proxy)';

  // Trend over the year against the year before (the trends analysis, as `svo trends --period`).
  const trend = await runTrends(db, { ...base, period: year });
  trend.caveats.forEach((x) => c.caveats.add(x));
  const overall = trend.comparisons.find((x) => x.comparison === 'previous_year')!;
  c.findings.push(
    changeFinding(
      'trend_year',
      'Trend over the year',
      what,
      { label: year, count: overall.current_count, days: daysIn(overall.current_from, overall.current_to) },
      { label: previous, count: overall.reference_count, days: daysIn(overall.reference_from, overall.reference_to) },
      style,
    ),
  );
  c.sections.push(trendSection(trend, year, what, style));

  if (police) {
    await offenderFindings(db, c, base, inYear, year, previous);
    await victimFindings(db, c, inYear);
    await timeFindings(c, await runQuery(db, { ...inYear, by: ['day_of_week', 'hour'] }), range);
  } else {
    const reason = 'data.police.uk street-level data have no ages, people, times of day or knife flag';
    c.findings.push(
      notAvailable('u25_offender_rate_ratio', 'Offending rate, under 25s vs 25 and over', reason),
      notAvailable('u25_offender_share', 'Offenders under 25', reason),
      notAvailable('u25_public_place_share', 'Public places, offenders under 25', reason),
      notAvailable('robbery_u25_trend', 'Robbery by under-25s', reason),
      notAvailable('knife_enabled_share', 'Knife-enabled serious violence', reason),
      notAvailable('most_at_risk_group', 'Most at-risk group', reason),
      notAvailable('repeat_victimisation', 'Repeat victimisation', reason),
      notAvailable('peak_times', 'Peak days and hours', 'data.police.uk records carry the month only'),
    );
  }
  await placeFindings(db, c, inYear, area === null ? null : area.name);
  await edFindings(db, c, area, year);
  c.findings.push(notAvailable('county_lines', 'County lines', 'no loaded source records county lines (they come from police intelligence, not recorded crime)'));

  const sources: ReportSource[] = [await sourceCurrency(db, police ? 'police' : 'police-uk')];
  const ed = await sourceCurrency(db, 'istv');
  if (ed.dataTo !== null) sources.push(ed);
  const labels: string[] = [];
  if (!police) labels.push('data.police.uk data used as a proxy for police records: categories are not the serious-violence definition');
  if (style.disclose) labels.push(`Disclosure-controlled for ${options.circulation} circulation`);

  return {
    meta: {
      kind: 'sna',
      title: `Strategic Needs Assessment data pack ${year}`,
      periodLabel: year,
      from: range.from,
      to: range.to,
      area: area ? { code: area.code, name: area.name } : null,
      definition: await definitionMeta(db, trend.definition),
      sources,
      generatedAt: options.now.toISOString(),
      circulation: options.circulation,
      labels,
    },
    sections: [findingsSection(c.findings, year), ...c.sections, caveatSection(c, police)],
  };
}

function findingsSection(findings: Finding[], year: string): ReportSection {
  const available = findings.filter((f) => f.available);
  const missing = findings.filter((f) => !f.available);
  const blocks: Block[] = [
    { type: 'paragraph', text: `Key findings for ${year}, each computed from the loaded data with the figures behind it in the sections that follow.` },
    { type: 'figures', figures: available.filter((f) => f.value !== undefined).map((f) => ({ label: f.topic, value: f.value!, sentence: f.sentence })) },
    { type: 'list', items: available.map((f) => `${f.topic}: ${f.sentence}`) },
  ];
  if (missing.length) blocks.push({ type: 'paragraph', text: 'Not available from the loaded sources:' }, { type: 'list', items: missing.map((f) => `${f.topic}: ${f.sentence}`) });
  blocks.push({
    type: 'table',
    table: {
      id: 'sna-key-findings',
      title: 'Key findings',
      columns: [
        { key: 'id', label: 'Id', type: 'text' },
        { key: 'topic', label: 'Finding', type: 'text' },
        { key: 'available', label: 'Available', type: 'text' },
        { key: 'sentence', label: 'Sentence', type: 'text' },
      ],
      rows: findings.map((f) => ({ id: f.id, topic: f.topic, available: f.available ? 'yes' : 'no', sentence: f.sentence })),
    },
  });
  return { id: 'sna-findings', title: 'Key findings', blocks };
}

function trendSection(trend: TrendResult, year: string, what: string, style: NumberStyle): ReportSection {
  const months = trend.series.filter((p) => p.month <= `${year}-12`);
  const t = table(
    'sna-monthly',
    `${what} by month`,
    [
      { key: 'month', label: 'Month', type: 'text' },
      { key: 'count', label: 'Count', type: 'integer' },
      { key: 'rolling_12m', label: 'Rolling 12 months', type: 'integer' },
    ],
    months.map((p) => ({ month: p.month, count: p.count, rolling_12m: p.rolling_12m })),
    // A rolling total is a sum of published months: rounding it separately could give months back.
    { dimensions: ['month'], counts: ['count'], drop: ['rolling_12m'] },
    style,
  );
  const points = t.rows.map((r) => ({ month: String(r.month), count: r.count ?? null, rolling_12m: (r.rolling_12m ?? null) as number | string | null }));
  return {
    id: 'sna-trend',
    title: 'Trend',
    blocks: [
      { type: 'chart', id: 'sna-trend-chart', title: `${what}: monthly counts`, option: trendChartOption(points, { valueLabel: 'offences' }), table: t },
      { type: 'paragraph', text: trend.comparisons.map((x) => `${x.comparison === 'previous_year' ? 'Against the previous year' : 'Against the baseline'}: ${x.sentence}.`).join(' ') },
    ],
  };
}

async function offenderFindings(db: Db, c: Collected, base: Record<string, unknown>, inYear: Record<string, unknown>, year: string, previous: string): Promise<void> {
  const { style } = c;
  const blocks: Block[] = [];
  // Offenders per resident by age band (single-year-of-age population).
  const rates = await optional(() => runQuery(db, { ...inYear, measure: 'rate', per: PER, by: ['offender_age_band'] }));
  if ('value' in rates) {
    const rows = rates.value.rows;
    rates.value.caveats.forEach((x) => c.caveats.add(x));
    const group = (bands: string[]) => ({ count: sumCounts(rows, (r) => bands.includes(String(r.offender_age_band))), population: rows.filter((r) => bands.includes(String(r.offender_age_band))).reduce((s, r) => s + Number(r.population ?? 0), 0) });
    c.findings.push(youngerOffenderRateFinding({ label: '10–24', ...group(YOUNG_OFFENDER_BANDS) }, { label: '25 and over', ...group(OLDER_BANDS) }, PER, style));
    const known = sumCounts(rows, (r) => r.offender_age_band !== 'unknown');
    c.findings.push(youngerOffenderShareFinding(sumCounts(rows, (r) => UNDER_25_BANDS.includes(String(r.offender_age_band))), known, sumCounts(rows, (r) => r.offender_age_band === 'unknown'), style));
    blocks.push({
      type: 'table',
      table: table(
        'sna-offender-rates',
        'Identified offenders of serious violence by age band, per 1,000 residents of that age',
        [
          { key: 'offender_age_band', label: 'Age band', type: 'text' },
          { key: 'count', label: 'Offenders', type: 'integer' },
          { key: 'population', label: 'Residents', type: 'integer' },
          { key: 'rate', label: 'Rate per 1,000', type: 'rate', digits: 2 },
          { key: 'rate_lower', label: '95% CI lower', type: 'rate', digits: 2 },
          { key: 'rate_upper', label: '95% CI upper', type: 'rate', digits: 2 },
        ],
        rows.map((r) => ({ offender_age_band: r.offender_age_band ?? null, count: r.count ?? 0, population: r.population ?? null, rate: r.rate ?? null, rate_lower: r.rate_lower ?? null, rate_upper: r.rate_upper ?? null })) as ReportTable['rows'],
        { dimensions: ['offender_age_band'], counts: ['count'], rates: [{ column: 'rate', count: 'count', population: 'population', per: PER }], drop: ['rate_lower', 'rate_upper'] },
        style,
      ),
    });
  } else {
    c.findings.push(notAvailable('u25_offender_rate_ratio', 'Offending rate, 10–24 vs 25 and over', rates.reason));
    const counts = await runQuery(db, { ...inYear, measure: 'offenders', by: ['offender_age_band'] });
    const rows = counts.rows;
    c.findings.push(youngerOffenderShareFinding(sumCounts(rows, (r) => UNDER_25_BANDS.includes(String(r.offender_age_band))), sumCounts(rows, (r) => r.offender_age_band !== 'unknown'), sumCounts(rows, (r) => r.offender_age_band === 'unknown'), style));
  }

  // Where under-25s offend: serious-violence offence types outside domestic settings, by kind of place.
  const where = (base.where ?? {}) as Record<string, string[]>;
  const places = await runQuery(db, { ...inYear, allCrime: true, measure: 'offenders', where: { ...where, domestic: ['false', ''], offender_age_band: UNDER_25_BANDS }, by: ['sv_category', 'public_place'] });
  const sv = places.rows.filter((r) => r.sv_category !== null);
  c.findings.push(youngerPublicPlaceFinding(sumCounts(sv, (r) => r.public_place === true), sumCounts(sv, (r) => r.public_place === false), sumCounts(sv, (r) => r.public_place === null), style));
  blocks.push({
    type: 'table',
    table: table(
      'sna-u25-places',
      'Under-25 offenders of serious-violence offence types (not domestic) by category and kind of place',
      [
        { key: 'sv_category', label: 'Category', type: 'text' },
        { key: 'public_place', label: 'Place', type: 'text' },
        { key: 'count', label: 'Offenders', type: 'integer' },
      ],
      sv.map((r) => ({ sv_category: r.sv_category as string, public_place: r.public_place === true ? 'public' : r.public_place === false ? 'private' : 'unknown', count: Number(r.count) })),
      { dimensions: ['sv_category', 'public_place'], counts: ['count'] },
      style,
    ),
  });

  // Robbery by under-25s against the year before.
  const robbery = await runTrends(db, { ...base, measure: 'offenders', where: { ...where, sv_category: ['robbery'], offender_age_band: UNDER_25_BANDS }, period: year });
  const r = robbery.comparisons.find((x) => x.comparison === 'previous_year')!;
  c.findings.push(
    changeFinding('robbery_u25_trend', 'Robbery by under-25s', 'The number of under-25 robbery offenders', { label: year, count: r.current_count, days: daysIn(r.current_from, r.current_to) }, { label: previous, count: r.reference_count, days: daysIn(r.reference_from, r.reference_to) }, style),
  );

  // Knife-enabled share and where knife-enabled serious violence happened.
  const knife = await runQuery(db, { ...inYear, by: ['knife_enabled'] });
  const knifeByLad = await runQuery(db, { ...inYear, where: { ...where, knife_enabled: ['true'] }, by: ['lad'] });
  const names = await areaNames(db, 'lad');
  const ladRows = knifeByLad.rows.filter((x) => x.lad !== null);
  c.findings.push(knifeFinding(sumCounts(knife.rows, (x) => x.knife_enabled === true), sumCounts(knife.rows), ladRows.map((x) => ({ code: String(x.lad), name: names.get(String(x.lad)) ?? String(x.lad), count: Number(x.count) })), style));
  const knifeTable = table(
    'sna-knife-by-district',
    'Knife-enabled serious violence by local authority district',
    [
      { key: 'lad', label: 'District code', type: 'text' },
      { key: 'name', label: 'District', type: 'text' },
      { key: 'count', label: 'Offences', type: 'integer' },
    ],
    ladRows.map((x) => ({ lad: String(x.lad), name: names.get(String(x.lad)) ?? String(x.lad), count: Number(x.count) })),
    { dimensions: ['lad'], counts: ['count'] },
    style,
  );
  blocks.push({ type: 'chart', id: 'sna-knife-chart', title: knifeTable.title, option: barChartOption({ categories: knifeTable.rows.map((x) => String(x.name)), values: knifeTable.rows.map((x) => x.count ?? null), horizontal: true, valueLabel: 'Offences' }), table: knifeTable });
  c.sections.push({ id: 'sna-offenders', title: 'Offenders, robbery and knives', blocks });
}

async function victimFindings(db: Db, c: Collected, inYear: Record<string, unknown>): Promise<void> {
  const { style } = c;
  const blocks: Block[] = [];
  const bySex = await runQuery(db, { ...inYear, measure: 'victims', by: ['victim_age_band', 'victim_sex'] });
  const rates = await optional(() => runQuery(db, { ...inYear, measure: 'rate', per: PER, by: ['victim_age_band'] }));
  const sexRows = bySex.rows.map((r) => ({ band: String(r.victim_age_band), sex: String(r.victim_sex), count: Number(r.count) }));
  if ('value' in rates) {
    const bands = rates.value.rows.filter((r) => r.victim_age_band !== 'unknown').map((r) => ({ band: String(r.victim_age_band), count: Number(r.count), population: Number(r.population ?? 0) }));
    c.findings.push(mostAtRiskFinding(bands, sexRows, PER, style));
    const t = table(
      'sna-victim-rates',
      'Victims of serious violence by age band, per 1,000 residents of that age',
      [
        { key: 'victim_age_band', label: 'Age band', type: 'text' },
        { key: 'count', label: 'Victims', type: 'integer' },
        { key: 'population', label: 'Residents', type: 'integer' },
        { key: 'rate', label: 'Rate per 1,000', type: 'rate', digits: 2 },
        { key: 'rate_lower', label: '95% CI lower', type: 'rate', digits: 2 },
        { key: 'rate_upper', label: '95% CI upper', type: 'rate', digits: 2 },
      ],
      rates.value.rows.map((r) => ({ victim_age_band: r.victim_age_band ?? null, count: r.count ?? 0, population: r.population ?? null, rate: r.rate ?? null, rate_lower: r.rate_lower ?? null, rate_upper: r.rate_upper ?? null })) as ReportTable['rows'],
      { dimensions: ['victim_age_band'], counts: ['count'], rates: [{ column: 'rate', count: 'count', population: 'population', per: PER }], drop: ['rate_lower', 'rate_upper'] },
      style,
    );
    blocks.push({ type: 'chart', id: 'sna-victim-rate-chart', title: t.title, option: barChartOption({ categories: t.rows.map((r) => String(r.victim_age_band)), values: t.rows.map((r) => r.rate ?? null), valueLabel: 'Victims per 1,000', digits: 2 }), table: t });
  } else {
    c.findings.push(notAvailable('most_at_risk_group', 'Most at-risk group', rates.reason));
  }
  blocks.push({
    type: 'table',
    table: table(
      'sna-victims-age-sex',
      'Victims of serious violence by age band and sex',
      [
        { key: 'band', label: 'Age band', type: 'text' },
        { key: 'sex', label: 'Sex', type: 'text' },
        { key: 'count', label: 'Victims', type: 'integer' },
      ],
      sexRows.filter((r) => r.count > 0),
      { dimensions: ['band', 'sex'], counts: ['count'] },
      style,
    ),
  });

  // Repeat victims: overall and within each age band (the people analysis, as `svo people --repeat`).
  const people = await runPeople(db, { ...inYear, role: 'victims' });
  people.caveats.slice(-2).forEach((x) => c.caveats.add(x));
  const where = (inYear.where ?? {}) as Record<string, string[]>;
  const byBand: { band: string; people: number; repeatPeople: number }[] = [];
  for (const band of ['0-9', '10-14', '15-19', '20-24', '25-34', '35-49', '50-64', '65+']) {
    const p = await runPeople(db, { ...inYear, where: { ...where, victim_age_band: [band] }, role: 'victims' });
    byBand.push({ band, people: p.repeat.people, repeatPeople: p.repeat.people - (p.repeat.times_seen.find((t) => t.band === '1')?.people ?? 0) });
  }
  const repeatPeople = people.repeat.people - (people.repeat.times_seen.find((t) => t.band === '1')?.people ?? 0);
  c.findings.push(repeatVictimisationFinding({ people: people.repeat.people, repeatPeople, incidents: people.repeat.incidents, repeatIncidents: people.repeat.repeat_incidents, byBand }, style));
  blocks.push({
    type: 'table',
    table: table(
      'sna-repeat-victims',
      'Identified victims and repeat victims (two or more incidents in the year) by age band',
      [
        { key: 'band', label: 'Age band', type: 'text' },
        { key: 'people', label: 'Victims', type: 'integer' },
        { key: 'repeat', label: 'Repeat victims', type: 'integer' },
        { key: 'share', label: 'Share repeat', type: 'percent', digits: 1 },
      ],
      byBand.map((b) => ({ band: b.band, people: b.people, repeat: b.repeatPeople, share: b.people ? b.repeatPeople / b.people : null })),
      { dimensions: ['band'], counts: ['people', 'repeat'], shares: [{ column: 'share', part: 'repeat', whole: 'people' }] },
      style,
      ['a victim whose age moved into the next band during the year is counted in both bands'],
    ),
  });
  c.sections.push({ id: 'sna-victims', title: 'Victims: who is most at risk', blocks });
}

async function timeFindings(c: Collected, result: QueryResult, range: { from: string; to: string }): Promise<void> {
  const byWeekday = WEEKDAYS.map((d) => sumCounts(result.rows, (r) => r.day_of_week === d));
  const hours = (days: readonly string[]) => Array.from({ length: 24 }, (_, h) => sumCounts(result.rows, (r) => r.hour === h && days.includes(String(r.day_of_week))));
  c.findings.push(peakTimesFinding({ byWeekday, daysOfWeekday: weekdaysBetween(range.from, range.to), weekdayHours: hours(WEEKDAYS.slice(0, 5)), weekendHours: hours(WEEKDAYS.slice(5)) }, c.style));
  const t = table(
    'sna-day-hour',
    'Serious violence by day of the week and hour',
    [
      { key: 'day_of_week', label: 'Day', type: 'text' },
      { key: 'hour', label: 'Hour', type: 'integer' },
      { key: 'count', label: 'Offences', type: 'integer' },
    ],
    result.rows.filter((r) => r.day_of_week !== null && r.hour !== null).map((r) => ({ day_of_week: String(r.day_of_week), hour: Number(r.hour), count: Number(r.count) })),
    { dimensions: ['day_of_week', 'hour'], counts: ['count'] },
    c.style,
  );
  c.sections.push({
    id: 'sna-when',
    title: 'When: days and hours',
    blocks: [{ type: 'chart', id: 'sna-heatmap', title: t.title, option: heatmapOption(t.rows.map((r) => ({ day_of_week: String(r.day_of_week), hour: Number(r.hour), value: r.count ?? null })), { valueLabel: 'Offences' }), table: t, height: 320 }],
  });
}

/** Display names of the areas of a unit, from the loaded geography. */
async function areaNames(db: Db, unit: 'lad' | 'msoa'): Promise<Map<string, string>> {
  const rows = await db.query<{ code: string; name: string | null }>(`SELECT DISTINCT ${unit}_code AS code, ${unit}_name AS name FROM geo_lsoa WHERE ${unit}_code IS NOT NULL`);
  return new Map(rows.map((r) => [r.code, r.name ?? r.code]));
}

async function placeFindings(db: Db, c: Collected, inYear: Record<string, unknown>, areaName: string | null): Promise<void> {
  const { style } = c;
  const blocks: Block[] = [];
  // Districts when the pack covers several, and always the finer MSOAs (the SNA's "West and Central").
  const units: ('lad' | 'msoa')[] = areaName === null ? ['lad', 'msoa'] : ['msoa'];
  for (const unit of units) {
    const label = unit === 'lad' ? 'district' : 'neighbourhood (MSOA)';
    const areas = await optional(() => runAreas(db, { ...inYear, per: PER, unit }));
    if (!('value' in areas)) {
      c.findings.push(notAvailable(`highest_rate_${unit}`, `Highest-rate areas (${label})`, areas.reason));
      continue;
    }
    const result: AreasResult = areas.value;
    result.caveats.forEach((x) => c.caveats.add(x));
    if (unit === 'lad' && result.rows.length < 2) continue;
    const names = await areaNames(db, unit);
    c.findings.push({
      ...highestRateAreasFinding(label, result.rows.map((r) => ({ code: r.area, name: names.get(r.area) ?? r.area, count: r.count, population: r.population, position: r.position })), result.overall, PER, style),
      id: `highest_rate_${unit}`,
    });
    const t = table(
      `sna-areas-${unit}`,
      `Serious violence by ${label}, per 1,000 residents, with funnel-plot position`,
      [
        { key: 'area', label: 'Code', type: 'text' },
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'count', label: 'Offences', type: 'integer' },
        { key: 'population', label: 'Residents', type: 'integer' },
        { key: 'rate', label: 'Rate per 1,000', type: 'rate', digits: 2 },
        { key: 'rate_lower', label: '95% CI lower', type: 'rate', digits: 2 },
        { key: 'rate_upper', label: '95% CI upper', type: 'rate', digits: 2 },
        { key: 'position', label: 'Funnel position', type: 'text' },
      ],
      result.rows.map((r) => ({ area: r.area, name: names.get(r.area) ?? r.area, count: r.count, population: r.population, rate: r.rate, rate_lower: r.rate_lower, rate_upper: r.rate_upper, position: r.position })),
      // The funnel position is decided from exact counts: under disclosure control it is dropped with the limits.
      { dimensions: ['area'], counts: ['count'], rates: [{ column: 'rate', count: 'count', population: 'population', per: PER }], drop: ['rate_lower', 'rate_upper', 'position'] },
      style,
    );
    if (style.disclose) blocks.push({ type: 'table', table: t });
    else blocks.push({ type: 'chart', id: `sna-funnel-${unit}`, title: t.title, option: funnelPlotOption(result, { names: Object.fromEntries(names), per: PER, labelOutliers: true }), table: t });
  }

  const deprivation = await optional(() => runDeprivation(db, { ...inYear, per: PER }));
  if ('value' in deprivation) {
    const d = deprivation.value;
    d.caveats.forEach((x) => c.caveats.add(x));
    const rows = d.rows.filter((r) => r.imd_decile !== null);
    const withDecile = sumCounts(rows);
    const decile = (n: number) => sumCounts(rows, (r) => r.imd_decile === n);
    c.findings.push(
      deprivationFinding(
        {
          mostDeprivedDecile: decile(1),
          mostDeprivedQuintile: decile(1) + decile(2),
          withDecile,
          ratio: { ratio: d.ratio.rate_ratio, lower: d.ratio.ratio_lower, upper: d.ratio.ratio_upper, pValue: d.ratio.p_value },
          decile1: decile(1),
          decile10: decile(10),
          population1: Number(rows.find((r) => r.imd_decile === 1)?.population ?? 0),
          population10: Number(rows.find((r) => r.imd_decile === 10)?.population ?? 0),
        },
        style,
      ),
    );
    const t = table(
      'sna-deprivation',
      'Serious violence by IMD 2019 decile of the neighbourhood (1 = most deprived), per 1,000 residents',
      [
        { key: 'imd_decile', label: 'IMD decile', type: 'integer' },
        { key: 'count', label: 'Offences', type: 'integer' },
        { key: 'population', label: 'Residents', type: 'integer' },
        { key: 'rate', label: 'Rate per 1,000', type: 'rate', digits: 2 },
        { key: 'rate_lower', label: '95% CI lower', type: 'rate', digits: 2 },
        { key: 'rate_upper', label: '95% CI upper', type: 'rate', digits: 2 },
      ],
      rows.map((r) => ({ imd_decile: Number(r.imd_decile), count: Number(r.count), population: (r.population ?? null) as number | null, rate: (r.rate ?? null) as number | null, rate_lower: (r.rate_lower ?? null) as number | null, rate_upper: (r.rate_upper ?? null) as number | null })),
      { dimensions: ['imd_decile'], counts: ['count'], rates: [{ column: 'rate', count: 'count', population: 'population', per: PER }], drop: ['rate_lower', 'rate_upper'] },
      style,
    );
    blocks.push({ type: 'chart', id: 'sna-deprivation-chart', title: t.title, option: barChartOption({ categories: t.rows.map((r) => String(r.imd_decile)), values: t.rows.map((r) => r.rate ?? null), valueLabel: 'Rate per 1,000', digits: 2 }), table: t });
  } else {
    c.findings.push(notAvailable('deprivation', 'Deprivation', deprivation.reason));
  }
  c.sections.push({ id: 'sna-where', title: 'Where: areas and deprivation', blocks });
}

/** How under-25s seen at the ED after an assault were injured (when ED ISTV returns are loaded). */
async function edFindings(db: Db, c: Collected, area: PackArea | null, year: string): Promise<void> {
  const [loaded] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM injury_attendances`);
  if (Number(loaded?.n ?? 0) === 0) {
    c.findings.push(notAvailable('ed_injury_method_u25', 'ED assault injuries, under 25s', 'no ED ISTV returns are loaded (hospital admissions, HES, are not loaded either)'));
    return;
  }
  const result = await runQuery(db, { source: 'istv', from: year, to: year, where: areaWhere(area), by: ['assault_method', 'age_band'] });
  result.caveats.forEach((x) => c.caveats.add(x));
  const codes = loadIstvCodes();
  const byMethod = new Map<string, { method: string; label: string; count: number; sharp: boolean }>();
  let ageUnknown = 0;
  for (const r of result.rows) {
    const n = Number(r.count);
    if (n === 0) continue;
    const parsed = r.age_band === null ? null : parseAgeBand(String(r.age_band));
    const under25 = parsed?.ok && parsed.value ? bandUnder25(parsed.value.min, parsed.value.max) : null;
    if (under25 === null) {
      ageUnknown += n;
      continue;
    }
    if (!under25) continue;
    const method = r.assault_method === null ? 'not recorded' : String(r.assault_method);
    const entry = codes.methods.byCode.get(method);
    const m = byMethod.get(method) ?? { method, label: entry?.label ?? method, count: 0, sharp: Boolean(entry?.sharp) };
    m.count += n;
    byMethod.set(method, m);
  }
  c.findings.push(edMethodFinding({ byMethod: [...byMethod.values()], ageUnknown }, c.style));
  const t = table(
    'sna-ed-methods-u25',
    'ED assault attendances of people under 25 by assault method',
    [
      { key: 'method', label: 'Method code', type: 'text' },
      { key: 'label', label: 'Method', type: 'text' },
      { key: 'sharp', label: 'Sharp object', type: 'text' },
      { key: 'count', label: 'Attendances', type: 'integer' },
    ],
    [...byMethod.values()].sort((a, b) => b.count - a.count || a.method.localeCompare(b.method)).map((m) => ({ method: m.method, label: m.label, sharp: m.sharp ? 'yes' : 'no', count: m.count })),
    { dimensions: ['method'], counts: ['count'] },
    c.style,
  );
  c.sections.push({ id: 'sna-ed', title: 'Injuries seen at the emergency department', blocks: [{ type: 'table', table: t }] });
}

function caveatSection(c: Collected, police: boolean): ReportSection {
  const items = [...c.caveats];
  if (police) {
    items.push(
      'offenders are identified suspects recorded against the incident; ages are at the offence; 10–24 is compared with 25 and over because nobody under 10 can be charged',
      'the public-place share counts under-25 offenders of the definition’s offence types outside domestic settings, wherever they happened (the definition itself counts public places only)',
    );
  }
  if (c.style.disclose) items.push('disclosure control applied to every count, rate, percentage and ratio in this pack (see the table notes)');
  return { id: 'sna-caveats', title: 'Caveats and methods', blocks: [{ type: 'caveats', items }] };
}
