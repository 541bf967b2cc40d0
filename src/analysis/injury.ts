/**
 * Cardiff Model analyses of ED ISTV data, each one JSON input for the CLI and the API:
 *
 * - hidden violence: ED assaults vs police-recorded violence with injury in the same area and period
 *   (and near each venue), with the ED-only share estimated from the counts;
 * - venue ranking: top venues and streets for the injury-surveillance taskforce, with trend and rank
 *   change against the previous period of the same length;
 * - night-time economy: assaults per hour inside a weekly window (e.g. Fri–Sat 20:00–04:00) vs outside;
 * - Home Office success measure 1 proxy: sharp-object assaults, under-25s where the age band says.
 *
 * The counts come from the one query specification (`runQuery` with source istv / police), so they
 * agree with `svo query` to the record.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { bandUnder25, parseAgeBand } from '../core/istv/age-band.js';
import type { IstvCodes } from '../core/istv/codelists.js';
import { DEFAULT_NTE_WINDOW, inWindow, parseWeeklyWindow } from '../core/istv/window.js';
import { parsePeriod } from '../core/period.js';
import { rateWithInterval } from '../core/query/stats.js';
import { describeChange, rateRatio } from '../core/stats/compare.js';
import { loadIstvCodes } from '../ingest/istv/codelists.js';
import { runQuery } from '../query/run.js';
import type { Queryable, Store } from '../store/port.js';

type Db = Pick<Store, 'dialect'> & Queryable;
type Cell = string | number | boolean | null;
export type InjuryRow = Record<string, Cell>;

export interface InjuryResult<O> {
  options: O;
  columns: string[];
  rows: InjuryRow[];
  caveats: string[];
}

/** The Home Office offence group compared with ED assaults. */
export const POLICE_COMPARISON_GROUP = 'Violence with injury';

function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new UsageError(`invalid ${what} request: ${parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')}`);
  }
  return parsed.data;
}

const period = z.string().trim().min(1);

/** 'YYYY-MM-DD' of the first and last assault in the store, or null when there is no ISTV data. */
async function istvRange(db: Db): Promise<{ first: string; last: string } | null> {
  const [row] = await db.query<{ first_day: string | null; last_day: string | null }>(
    `SELECT CAST(MIN(assault_at) AS DATE) AS first_day, CAST(MAX(assault_at) AS DATE) AS last_day FROM injury_attendances`,
  );
  if (!row?.first_day || !row.last_day) return null;
  return { first: String(row.first_day).slice(0, 10), last: String(row.last_day).slice(0, 10) };
}

async function requireIstv(db: Db): Promise<{ first: string; last: string }> {
  const range = await istvRange(db);
  if (!range) throw new UsageError('no ED ISTV data are loaded', 'load returns with svo ingest istv');
  return range;
}

/** from/to as given, else the months the ISTV data cover. */
function defaultRange(options: { from?: string; to?: string }, data: { first: string; last: string }): { from: string; to: string } {
  return { from: options.from ?? data.first.slice(0, 7), to: options.to ?? data.last.slice(0, 7) };
}

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
const clamp01 = (x: number | null) => (x === null ? null : Math.min(1, Math.max(0, x)));

// -------------------------------------------------------------------------------------------------
// Hidden violence
// -------------------------------------------------------------------------------------------------

export const hiddenViolenceSchema = z
  .object({
    /** Time breakdown; 'all' = one row per area over the whole range. */
    period: z.enum(['month', 'quarter', 'year', 'financial_year', 'all']).default('year'),
    area: z.enum(['none', 'lsoa', 'msoa', 'lad', 'csp']).default('none'),
    from: period.optional(),
    to: period.optional(),
    /**
     * Assumed share of police-recorded violence with injury whose victim attended the reporting EDs
     * (f). ED-only share = 1 − f × police ÷ ED. With f = 1 (default) it is a lower bound.
     */
    edAttendanceShare: z.number().gt(0).max(1).default(1),
    /** Also compare each matched venue with police violence within venueRadius metres of it. */
    venues: z.boolean().default(false),
    venueRadius: z.number().positive().max(1000).default(50),
  })
  .strict();
export type HiddenViolenceOptions = z.output<typeof hiddenViolenceSchema>;

export interface HiddenViolenceResult extends InjuryResult<HiddenViolenceOptions> {
  total: InjuryRow;
  venues: InjuryRow[] | null;
  venueColumns: string[] | null;
}

const HIDDEN_COLUMNS = ['ed_assaults', 'police_violence_with_injury', 'ed_only_share_min', 'ed_only_share', 'ed_only_assaults'] as const;

function hiddenCells(ed: number, police: number, f: number): InjuryRow {
  return {
    ed_assaults: ed,
    police_violence_with_injury: police,
    // If every police-recorded injury had been seen at the ED, this many ED assaults would be known.
    ed_only_share_min: clamp01(ed > 0 ? 1 - police / ed : null),
    ed_only_share: clamp01(ed > 0 ? 1 - (f * police) / ed : null),
    ed_only_assaults: ed > 0 ? Math.max(0, ed - f * police) : null,
  };
}

/**
 * ED assaults vs police-recorded violence with injury for each area × period: an aggregate comparison,
 * not record linkage (ED data carry no identifiers).
 */
export async function runHiddenViolence(db: Db, input: unknown): Promise<HiddenViolenceResult> {
  const options = parseOptions(hiddenViolenceSchema, input, 'hidden-violence');
  const data = await requireIstv(db);
  const range = defaultRange(options, data);
  const by = [...(options.period === 'all' ? [] : [options.period]), ...(options.area === 'none' ? [] : [options.area])];
  const ed = await runQuery(db, { source: 'istv', by, from: range.from, to: range.to });
  const police = await runQuery(db, { source: 'police', allCrime: true, where: { crime_type: [POLICE_COMPARISON_GROUP] }, by, from: range.from, to: range.to });
  const merged = new Map<string, { keys: Cell[]; ed: number; police: number }>();
  const add = (rows: InjuryRow[], field: 'ed' | 'police') => {
    for (const r of rows) {
      const keys = by.map((b) => r[b] ?? null);
      const id = JSON.stringify(keys);
      const entry = merged.get(id) ?? { keys, ed: 0, police: 0 };
      entry[field] += Number(r.count ?? 0);
      merged.set(id, entry);
    }
  };
  add(ed.rows, 'ed');
  add(police.rows, 'police');
  const f = options.edAttendanceShare;
  const rows = [...merged.values()]
    .sort((a, b) => {
      for (let i = 0; i < by.length; i++) {
        const x = a.keys[i] ?? null;
        const y = b.keys[i] ?? null;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return String(x) < String(y) ? -1 : 1;
      }
      return 0;
    })
    .map((m) => {
      const row: InjuryRow = { ...Object.fromEntries(by.map((b, i) => [b, m.keys[i] ?? null])), ...hiddenCells(m.ed, m.police, f) };
      // No area: ED assaults without a matched place and police records without an LSOA, not comparable.
      if (options.area !== 'none' && row[options.area] === null) row.ed_only_share_min = row.ed_only_share = row.ed_only_assaults = null;
      return row;
    });
  const edTotal = ed.rows.reduce((n, r) => n + Number(r.count ?? 0), 0);
  const policeTotal = police.rows.reduce((n, r) => n + Number(r.count ?? 0), 0);
  const total = { ...hiddenCells(edTotal, policeTotal, f), from: range.from, to: range.to };

  const caveats = [
    'aggregate comparison, not record linkage: ED ISTV data carry no identifiers, so which ED assaults the police know of cannot be seen; the ED-only share is estimated from counts',
    `ed_only_share = 1 − f × police ÷ ED with f = ${f} (the assumed share of police-recorded violence with injury whose victim attended the reporting EDs); ed_only_share_min takes f = 1 and is a lower bound`,
    `police counts: offences in the Home Office group '${POLICE_COMPARISON_GROUP}' (all of them, domestic included, as ED data are), by when they occurred; ED counts by when the assault happened`,
    'ED counts cover only the EDs that sent returns: compare areas and periods those EDs serve (published linkage studies find about three quarters of ED-treated violence unknown to police)',
  ];
  if (options.area !== 'none') {
    const unlocated = ed.rows.filter((r) => r[options.area] === null).reduce((n, r) => n + Number(r.count ?? 0), 0);
    caveats.push(`an ED assault's area is that of its matched place: ${unlocated} of ${edTotal} ED assaults have no matched place and count only in the row with no area, so area shares are underestimated where matching is incomplete`);
  }
  let venues: InjuryRow[] | null = null;
  let venueColumns: string[] | null = null;
  if (options.venues) {
    venues = await venueComparison(db, range, options.venueRadius, f);
    venueColumns = ['place_key', 'place', 'place_type', ...HIDDEN_COLUMNS];
    caveats.push(`venues: ED assaults matched to the venue vs police violence with injury recorded within ${options.venueRadius} m of it; police locations are approximate, so small radii undercount`);
  }
  return { options, columns: [...by, ...HIDDEN_COLUMNS], rows, total, venues, venueColumns, caveats };
}

function isStreetType(type: Cell): boolean {
  return typeof type === 'string' && /street|road|highway/i.test(type);
}

function timeBounds(range: { from: string; to: string }): [string, string] {
  const from = parsePeriod(range.from).from;
  const to = parsePeriod(range.to).to;
  const next = new Date(`${to}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return [`${from} 00:00:00`, `${next.toISOString().slice(0, 10)} 00:00:00`];
}

async function venueComparison(db: Db, range: { from: string; to: string }, radius: number, f: number): Promise<InjuryRow[]> {
  const [start, end] = timeBounds(range);
  const edRows = await db.query<{ place_key: string; place_name: string; place_type: string | null; n: number }>(
    `SELECT place_key, place_name, place_type, COUNT(*) AS n FROM istv_assaults
     WHERE place_key IS NOT NULL AND assault_at >= CAST($1 AS TIMESTAMP) AND assault_at < CAST($2 AS TIMESTAMP)
     GROUP BY place_key, place_name, place_type`,
    [start, end],
  );
  const venues = edRows.filter((r) => !isStreetType(r.place_type));
  if (venues.length === 0) return [];
  const near = await db.query<{ place_key: string; n: number }>(
    `SELECT p.place_key, COUNT(*) AS n
     FROM places p
     JOIN incidents i ON i.easting BETWEEN p.easting - $3 AND p.easting + $3 AND i.northing BETWEEN p.northing - $3 AND p.northing + $3
     JOIN hocr_codes h ON h.code = i.hocr_code AND h.ho_group = $4
     WHERE i.source = 'police' AND p.easting IS NOT NULL
       AND (i.easting - p.easting) * (i.easting - p.easting) + (i.northing - p.northing) * (i.northing - p.northing) <= $3 * $3
       AND i.occurred_from >= CAST($1 AS TIMESTAMP) AND i.occurred_from < CAST($2 AS TIMESTAMP)
     GROUP BY p.place_key`,
    [start, end, radius, POLICE_COMPARISON_GROUP],
  );
  const policeNear = new Map(near.map((r) => [r.place_key, Number(r.n)]));
  return venues
    .map((v): InjuryRow => ({ place_key: v.place_key, place: v.place_name, place_type: v.place_type, ...hiddenCells(Number(v.n), policeNear.get(v.place_key) ?? 0, f) }))
    .sort((a, b) => Number(b.ed_assaults) - Number(a.ed_assaults) || String(a.place_key).localeCompare(String(b.place_key)));
}

// -------------------------------------------------------------------------------------------------
// Venue and street ranking
// -------------------------------------------------------------------------------------------------

export const venueRankingSchema = z
  .object({
    /** Period ranked (default: the last three months of ISTV data). */
    from: period.optional(),
    to: period.optional(),
    kind: z.enum(['venues', 'streets', 'all']).default('all'),
    limit: z.number().int().min(1).max(500).default(20),
  })
  .strict();
export type VenueRankingOptions = z.output<typeof venueRankingSchema>;

export interface VenueRankingResult extends InjuryResult<VenueRankingOptions> {
  period: { from: string; to: string };
  previous: { from: string; to: string };
}

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

function monthShift(month: string, delta: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + delta;
  return `${y + Math.floor(m / 12)}-${String((((m % 12) + 12) % 12) + 1).padStart(2, '0')}`;
}

/** The period ranked and the one before it: whole months when the period is whole months. */
function rankingPeriods(options: VenueRankingOptions, data: { first: string; last: string }) {
  const toPeriod = options.to ?? data.last.slice(0, 7);
  const to = parsePeriod(toPeriod).to;
  const from = options.from ? parsePeriod(options.from).from : parsePeriod(monthShift(to.slice(0, 7), -2)).from;
  if (from > to) throw new UsageError(`--from ${options.from} is after --to ${toPeriod}`);
  const wholeMonths = from.endsWith('-01') && parsePeriod(to.slice(0, 7)).to === to;
  if (wholeMonths) {
    const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
    const prevFrom = parsePeriod(monthShift(from.slice(0, 7), -months)).from;
    return { current: { from, to }, previous: { from: prevFrom, to: addDays(from, -1) } };
  }
  const days = daysBetween(from, to);
  return { current: { from, to }, previous: { from: addDays(from, -days), to: addDays(from, -1) } };
}

/** Competition ranks ("1224"): places with equal counts share a rank. */
function ranks(counts: number[]): number[] {
  return counts.map((c) => (c > 0 ? 1 + counts.filter((o) => o > c).length : 0));
}

/**
 * Matched venues and streets by ED assaults in a period, with the previous period of the same length:
 * counts, rank and rank change, and whether the change is beyond chance (exact conditional test of two
 * Poisson counts, as R's poisson.test).
 */
export async function runVenueRanking(db: Db, input: unknown): Promise<VenueRankingResult> {
  const options = parseOptions(venueRankingSchema, input, 'venues');
  const data = await requireIstv(db);
  const { current, previous } = rankingPeriods(options, data);
  const rows = await db.query<{ place_key: string; place_name: string; place_type: string | null; cur: number; prev: number }>(
    `SELECT place_key, place_name, place_type,
       SUM(CASE WHEN assault_at >= CAST($3 AS TIMESTAMP) THEN 1 ELSE 0 END) AS cur,
       SUM(CASE WHEN assault_at < CAST($3 AS TIMESTAMP) THEN 1 ELSE 0 END) AS prev
     FROM istv_assaults
     WHERE place_key IS NOT NULL AND assault_at >= CAST($1 AS TIMESTAMP) AND assault_at < CAST($2 AS TIMESTAMP)
     GROUP BY place_key, place_name, place_type`,
    [`${previous.from} 00:00:00`, `${addDays(current.to, 1)} 00:00:00`, `${current.from} 00:00:00`],
  );
  const [located] = await db.query<{ n: number; all_n: number }>(
    `SELECT SUM(CASE WHEN place_key IS NOT NULL THEN 1 ELSE 0 END) AS n, COUNT(*) AS all_n FROM istv_assaults
     WHERE assault_at >= CAST($1 AS TIMESTAMP) AND assault_at < CAST($2 AS TIMESTAMP)`,
    [`${current.from} 00:00:00`, `${addDays(current.to, 1)} 00:00:00`],
  );
  const kept = rows
    .filter((r) => options.kind === 'all' || (options.kind === 'streets') === isStreetType(r.place_type))
    .map((r) => ({ ...r, cur: Number(r.cur), prev: Number(r.prev) }));
  const curRanks = ranks(kept.map((r) => r.cur));
  const prevRanks = ranks(kept.map((r) => r.prev));
  const exposureNow = daysBetween(current.from, current.to);
  const exposureBefore = daysBetween(previous.from, previous.to);
  const ranked = kept
    .map((r, i) => {
      const rr = rateRatio({ count: r.cur, exposure: exposureNow }, { count: r.prev, exposure: exposureBefore });
      const verdict = r.prev === 0 ? (r.cur > 0 ? 'new' : 'none') : describeChange(rr, { count: r.prev, exposure: exposureBefore }).verdict;
      return {
        rank: curRanks[i]! || null,
        place_key: r.place_key,
        place: r.place_name,
        place_type: r.place_type,
        assaults: r.cur,
        share_of_matched: ratio(r.cur, Number(located?.n ?? 0)),
        previous_assaults: r.prev,
        previous_rank: prevRanks[i]! || null,
        rank_change: curRanks[i] && prevRanks[i] ? prevRanks[i]! - curRanks[i]! : null,
        rate_ratio: rr.ratio,
        rate_ratio_lower: rr.lower,
        rate_ratio_upper: rr.upper,
        p_value: rr.pValue,
        trend: verdict,
      };
    })
    .filter((r) => r.assaults > 0)
    .sort((a, b) => b.assaults - a.assaults || b.previous_assaults - a.previous_assaults || a.place_key.localeCompare(b.place_key))
    .slice(0, options.limit);
  const columns = ['rank', 'place_key', 'place', 'place_type', 'assaults', 'share_of_matched', 'previous_assaults', 'previous_rank', 'rank_change', 'rate_ratio', 'rate_ratio_lower', 'rate_ratio_upper', 'p_value', 'trend'];
  const caveats = [
    `${current.from} – ${current.to} compared with ${previous.from} – ${previous.to}; rank 1 = most ED assaults (equal counts share a rank); rank_change > 0 = moved up`,
    'trend: exact test of the two periods’ counts (rate ratio with 95% CI); significant_increase / significant_decrease only when the interval excludes no change; new = none in the previous period',
    `only ED assaults whose location was matched to a place are ranked: ${Number(located?.n ?? 0)} of ${Number(located?.all_n ?? 0)} in the period`,
  ];
  return { options, period: current, previous, columns, rows: ranked, caveats };
}

// -------------------------------------------------------------------------------------------------
// Night-time economy window
// -------------------------------------------------------------------------------------------------

export const nteSchema = z
  .object({
    window: z.string().trim().min(1).default(DEFAULT_NTE_WINDOW),
    from: period.optional(),
    to: period.optional(),
    by: z.enum(['none', 'assault_location_type', 'assault_method', 'place', 'age_band', 'sex']).default('none'),
  })
  .strict();
export type NteOptions = z.output<typeof nteSchema>;

const DAY_INDEX: Record<string, number> = { Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6, Sunday: 7 };

/** ED assaults per hour inside a weekly window vs outside it (by assault time), overall or by group. */
export async function runNteComparison(db: Db, input: unknown): Promise<InjuryResult<NteOptions> & { hoursPerWeek: number }> {
  const options = parseOptions(nteSchema, input, 'night-time-economy');
  const window = parseWeeklyWindow(options.window);
  const data = await requireIstv(db);
  const range = defaultRange(options, data);
  const by = ['day_of_week', 'hour', ...(options.by === 'none' ? [] : [options.by])];
  const result = await runQuery(db, { source: 'istv', by, from: range.from, to: range.to });
  const groups = new Map<string, { group: Cell; inside: number; outside: number }>();
  for (const r of result.rows) {
    const group = options.by === 'none' ? 'all' : (r[options.by] ?? null);
    const id = JSON.stringify(group);
    const g = groups.get(id) ?? { group, inside: 0, outside: 0 };
    const n = Number(r.count ?? 0);
    if (inWindow(window, DAY_INDEX[String(r.day_of_week)]!, Number(r.hour))) g.inside += n;
    else g.outside += n;
    groups.set(id, g);
  }
  const hoursIn = window.hoursPerWeek;
  const hoursOut = 168 - hoursIn;
  const rows = [...groups.values()]
    .filter((g) => g.inside + g.outside > 0)
    .sort((a, b) => b.inside + b.outside - (a.inside + a.outside) || String(a.group).localeCompare(String(b.group)))
    .map((g) => {
      const rr = hoursOut > 0 ? rateRatio({ count: g.inside, exposure: hoursIn }, { count: g.outside, exposure: hoursOut }) : { ratio: null, lower: null, upper: null, pValue: null };
      return {
        ...(options.by === 'none' ? {} : { [options.by]: g.group }),
        window_assaults: g.inside,
        other_assaults: g.outside,
        window_share: ratio(g.inside, g.inside + g.outside),
        window_hours_share: hoursIn / 168,
        rate_ratio: rr.ratio,
        rate_ratio_lower: rr.lower,
        rate_ratio_upper: rr.upper,
        p_value: rr.pValue,
      };
    });
  const columns = [...(options.by === 'none' ? [] : [options.by]), 'window_assaults', 'other_assaults', 'window_share', 'window_hours_share', 'rate_ratio', 'rate_ratio_lower', 'rate_ratio_upper', 'p_value'];
  return {
    options,
    hoursPerWeek: hoursIn,
    columns,
    rows,
    caveats: [
      `window '${window.text}': ${hoursIn} of 168 hours a week, by the time of the assault (not of the arrival at the ED)`,
      'rate_ratio = assaults per hour inside the window ÷ per hour outside it, with an exact 95% CI; window_hours_share is the share of assaults the window would hold if assaults were spread evenly over the week',
      `${range.from} – ${range.to}`,
    ],
  };
}

// -------------------------------------------------------------------------------------------------
// Home Office success measure 1 proxy
// -------------------------------------------------------------------------------------------------

export const sharpInjurySchema = z
  .object({
    from: period.optional(),
    to: period.optional(),
    per: z.union([z.literal(1000), z.literal(100000)]).default(100000),
  })
  .strict();
export type SharpInjuryOptions = z.output<typeof sharpInjurySchema>;

/**
 * Monthly ED assaults with a knife or sharp object (methods flagged `sharp` in the code lists), all
 * ages and under 25 where the age band says so, with rates per resident population.
 */
export async function runSharpInjury(db: Db, input: unknown, codes: IstvCodes = loadIstvCodes()): Promise<InjuryResult<SharpInjuryOptions> & { sharpMethods: string[] }> {
  const options = parseOptions(sharpInjurySchema, input, 'sharp-injury');
  const data = await requireIstv(db);
  const range = defaultRange(options, data);
  const sharp = codes.methods.codesWith((e) => e.sharp);
  if (sharp.length === 0) throw new UsageError(`the code lists '${codes.name}' flag no assault method as sharp`, 'mark knife and sharp-object methods with sharp: true');
  const all = await runQuery(db, { source: 'istv', by: ['month'], from: range.from, to: range.to });
  const bySharp = await runQuery(db, { source: 'istv', by: ['month', 'age_band'], where: { assault_method: sharp }, from: range.from, to: range.to });
  const months = new Map<string, { assaults: number; sharp: number; u25: number; unknown: number }>();
  for (const r of all.rows) months.set(String(r.month), { assaults: Number(r.count ?? 0), sharp: 0, u25: 0, unknown: 0 });
  for (const r of bySharp.rows) {
    const m = months.get(String(r.month));
    if (!m) continue;
    const n = Number(r.count ?? 0);
    m.sharp += n;
    const band = r.age_band === null ? null : parseAgeBand(String(r.age_band));
    const under25 = band?.ok && band.value ? bandUnder25(band.value.min, band.value.max) : null;
    if (under25 === true) m.u25 += n;
    else if (under25 === null) m.unknown += n;
  }
  const [pop] = await db.query<{ population: number | null }>(`SELECT SUM(population) AS population FROM geo_lsoa`);
  const [popU25] = await db.query<{ population: number | null }>(
    `SELECT SUM(population) AS population FROM geo_population_age WHERE age < 25 AND mid_year = (SELECT MAX(mid_year) FROM geo_population_age)`,
  );
  const population = pop?.population != null ? Number(pop.population) : null;
  const populationU25 = popU25?.population != null ? Number(popU25.population) : null;
  const rows = [...months].map(([month, m]) => {
    const rate = rateWithInterval(m.sharp, population, options.per);
    const rateU25 = rateWithInterval(m.u25, populationU25, options.per);
    return {
      month,
      assaults: m.assaults,
      sharp: m.sharp,
      sharp_share: ratio(m.sharp, m.assaults),
      sharp_u25: m.u25,
      sharp_age_unknown: m.unknown,
      sharp_rate: rate.rate,
      sharp_rate_lower: rate.lower,
      sharp_rate_upper: rate.upper,
      sharp_u25_rate: rateU25.rate,
      sharp_u25_rate_lower: rateU25.lower,
      sharp_u25_rate_upper: rateU25.upper,
    };
  });
  const unknown = rows.reduce((n, r) => n + r.sharp_age_unknown, 0);
  const sharpTotal = rows.reduce((n, r) => n + r.sharp, 0);
  const caveats = [
    'proxy for Home Office VRU success measure 1 (hospital admissions for assault by knife or sharp object, ICD-10 X99, from HES): ED ISTV attendances are not admissions and cover only the EDs that sent returns',
    `sharp methods (code lists '${codes.name}'): ${sharp.join(', ')}`,
    `under 25 = an age band wholly under 25; ${unknown} of ${sharpTotal} sharp-object assaults had no age band or one straddling 25`,
    population === null
      ? 'no geography is loaded: no rates'
      : `rates per ${options.per.toLocaleString('en-GB')} residents of the whole loaded geography (${population.toLocaleString('en-GB')}; under 25: ${populationU25?.toLocaleString('en-GB') ?? 'not loaded'}) per month, not annualised; the EDs' catchment may differ`,
  ];
  return {
    options,
    sharpMethods: sharp,
    columns: ['month', 'assaults', 'sharp', 'sharp_share', 'sharp_u25', 'sharp_age_unknown', 'sharp_rate', 'sharp_rate_lower', 'sharp_rate_upper', 'sharp_u25_rate', 'sharp_u25_rate_lower', 'sharp_u25_rate_upper'],
    rows,
    caveats,
  };
}
