/**
 * Queries answered under disclosure control (viewers, the public, `svo query --disclosure-control`).
 *
 * The answer has the same shape as `runQuery`'s, but every count comes from one protected lattice
 * over the query's dimensions (src/core/disclosure/lattice.ts), built over the whole data range with
 * no filters: a filter or a period picks cells of that lattice, it never changes how they are
 * protected. So a query and the same query with a narrower filter show the same values for the same
 * cells, and no total minus its shown parts gives a suppressed count back. To keep every answer a set
 * of lattice cells, a disclosure-controlled query:
 * - uses the default definition (different definitions would be overlapping tables);
 * - takes filters with one value per dimension unless it also breaks down by that dimension;
 * - gives periods as whole months, and, without a time breakdown, as exactly one month, quarter,
 *   calendar year or financial year (the calendar is one hierarchy: months add up to all of those);
 * - has no weekly breakdown (weeks straddle months).
 * Rates are hidden for counts under 10 and otherwise computed from the rounded count.
 *
 * Protected lattices are cached per store and data version (see `protectedLatticeFor`): protection is
 * deterministic, so a cached lattice gives the very answer a fresh one would, and any ingest,
 * definition or retention run makes the next question build a new one. The rows themselves always
 * come from `runQuery` on the current data and are checked against the lattice's true counts.
 */
import { resolveDefinition } from '../classify/definitions.js';
import { SvoError, UsageError } from '../core/errors.js';
import { parsePeriod } from '../core/period.js';
import { rateWithInterval } from '../core/query/stats.js';
import { PERSON_DIMENSIONS, personRole, SOURCE_DIMENSIONS, TIME_DIMENSIONS, parseQuerySpec, type Dimension, type QuerySpec } from '../core/query/spec.js';
import { flatHierarchy, protectLattice, type Atom, type LatticeDimension, type ProtectedLattice } from '../core/disclosure/lattice.js';
import { calendarHierarchy, monthsOf, periodOfMonth, type PeriodKind } from '../core/disclosure/time.js';
import { DisclosureRefusedError, disclosedRate, MIN_COUNT_FOR_RATE, ROUNDING_BASE, SMALL_COUNT_MAX, SUPPRESSED } from '../core/disclosure/rules.js';
import { buildCountQuery, dimensionSql, type BuildOptions, type Cell } from '../query/build.js';
import { runQuery, type QueryResult } from '../query/run.js';
import type { Queryable, Store } from '../store/port.js';
import { SPC_COLUMNS, spcOptionsSchema, type SpcResult } from '../analysis/spc.js';
import { xmrChart } from '../core/stats/spc.js';

export const DISCLOSURE_CAVEAT =
  `disclosure control: counts 1–${SMALL_COUNT_MAX} shown as ${SUPPRESSED} (0 stays 0), other counts rounded to the nearest ${ROUNDING_BASE}, ` +
  `further cells suppressed so none can be worked out from totals; rates hidden for counts under ${MIN_COUNT_FOR_RATE} and computed from rounded counts`;

/** Most dimensions one protected lattice may have (breakdowns, filters, calendar, definition). */
const MAX_LATTICE_DIMENSIONS = 5;

export interface DisclosedQueryResult extends Omit<QueryResult, 'rows'> {
  rows: Record<string, Cell>[];
  disclosure: { applied: true; rules: string };
}

const CALENDAR = 'calendar';
const coordinateOf = (v: Cell): string => (v === null ? '\u0000none' : String(v));
const TIME_KIND: Partial<Record<Dimension, PeriodKind>> = { month: 'month', quarter: 'quarter', year: 'year', financial_year: 'financial_year' };

/** The single calendar period [from, to] covers exactly, if any. */
function exactPeriod(from: string, to: string): string | null {
  for (const kind of ['month', 'quarter', 'financial_year', 'year'] as PeriodKind[]) {
    const coordinate = periodOfMonth(from.slice(0, 7), kind);
    const { first, last } = monthsOf(coordinate);
    if (`${first}-01` === from && parsePeriod(last).to === to) return coordinate;
  }
  return null;
}

interface Plan {
  spec: QuerySpec;
  /** Lattice dimensions: the calendar (if any) as 'calendar', others by name. */
  dimensions: string[];
  /** Coordinate of each lattice dimension for a result row. */
  coordinates(row: Record<string, Cell>): string[];
  /** Dimensions a viewer could add, for the look-ahead. */
  lookahead: Dimension[];
}

function plan(spec: QuerySpec, options: BuildOptions): Plan {
  if (spec.definition !== undefined) {
    throw new UsageError('disclosure-controlled queries use the default definition', 'leave out definition');
  }
  if (spec.by.includes('week') || 'week' in spec.where) throw new UsageError('weekly breakdowns are not available under disclosure control', 'use month');
  const timeBy = spec.by.filter((d) => TIME_DIMENSIONS.includes(d));
  const timeWhere = (Object.keys(spec.where) as Dimension[]).filter((d) => TIME_DIMENSIONS.includes(d));
  if (timeWhere.length) throw new UsageError('under disclosure control, choose periods with from/to, not filters', `drop where ${timeWhere.join(', ')}`);
  if (timeBy.length > 1) throw new UsageError('under disclosure control, break down by one kind of period at a time');
  const from = spec.from ? parsePeriod(spec.from).from : null;
  const to = spec.to ? parsePeriod(spec.to).to : null;
  let calendarCoordinate: string | null = null;
  const timeDimension = timeBy[0];
  if (from !== null || to !== null) {
    if ((from !== null && !from.endsWith('-01')) || (to !== null && parsePeriod(to.slice(0, 7)).to !== to)) {
      throw new UsageError('under disclosure control, periods are whole months', 'use YYYY-MM, YYYYQn, YYYY or FYyyyy/yy');
    }
    if (timeDimension) {
      const kind = TIME_KIND[timeDimension]!;
      const startsPeriod = from === null || `${monthsOf(periodOfMonth(from.slice(0, 7), kind)).first}-01` === from;
      const endsPeriod = to === null || parsePeriod(monthsOf(periodOfMonth(to.slice(0, 7), kind)).last).to === to;
      if (!startsPeriod || !endsPeriod) throw new UsageError(`from/to must start and end on whole ${kind.replace('_', ' ')}s when broken down by ${timeDimension}`);
    } else {
      if (from === null || to === null) throw new UsageError('under disclosure control, give both from and to (one period) or break down by a period');
      calendarCoordinate = exactPeriod(from, to);
      if (!calendarCoordinate) {
        throw new UsageError(
          `under disclosure control, from/to without a time breakdown must be exactly one month, quarter, year or financial year (got ${spec.from} to ${spec.to})`,
          'break down by month, quarter, year or financial_year to see several periods',
        );
      }
    }
  }
  const others = [...new Set([...spec.by, ...(Object.keys(spec.where) as Dimension[])].filter((d) => !TIME_DIMENSIONS.includes(d)))];
  for (const [name, values] of Object.entries(spec.where) as [Dimension, string[]][]) {
    if (values.length > 1 && !spec.by.includes(name)) {
      throw new UsageError(`under disclosure control, a filter on ${name} takes one value unless you also break down by ${name}`, `add ${name} to by`);
    }
  }
  const byDefinition = spec.source === 'police' && !spec.allCrime && !others.includes('in_definition');
  const dimensions = [...(timeDimension || calendarCoordinate ? [CALENDAR] : []), ...(byDefinition ? ['in_definition'] : []), ...others];
  if (dimensions.length > MAX_LATTICE_DIMENSIONS) {
    throw new UsageError(`under disclosure control, at most ${MAX_LATTICE_DIMENSIONS} dimensions in all (breakdowns, filters, period, definition)`, 'use fewer breakdowns or filters');
  }
  const whereCoordinate = (name: Dimension): string => {
    const d = dimensionSql(spec, name, options);
    return coordinateOf(d.show(d.parse(spec.where[name]![0]!) as Cell));
  };
  const role = personRole(spec);
  const lookahead = SOURCE_DIMENSIONS[spec.source].filter((d) => {
    if (TIME_DIMENSIONS.includes(d) || dimensions.includes(d)) return false;
    const person = PERSON_DIMENSIONS[d];
    return !person || (role === 'victim' ? person === 'victims' : role === 'suspect' ? person === 'offenders' : false);
  });
  return {
    spec,
    dimensions,
    lookahead,
    coordinates: (row) =>
      dimensions.map((name) => {
        if (name === CALENDAR) return timeDimension ? coordinateOf(row[timeDimension] ?? null) : calendarCoordinate!;
        if (name === 'in_definition' && byDefinition) return 'true';
        const d = name as Dimension;
        if (spec.by.includes(d)) return coordinateOf(row[d] ?? null);
        return whereCoordinate(d);
      }),
  };
}

/** Counts of the whole data range by the lattice dimensions (+ one extra), as atoms. */
async function atoms(store: Queryable, spec: QuerySpec, options: BuildOptions, dimensions: readonly string[]): Promise<Atom[]> {
  const by = dimensions.map((d) => (d === CALENDAR ? 'month' : d)) as Dimension[];
  const wide: QuerySpec = { ...spec, by, where: {}, allCrime: true };
  delete wide.from;
  delete wide.to;
  const built = buildCountQuery(wide, options);
  const rows = await store.query(built.sql, built.params);
  return rows.map((r) => ({
    leaves: built.keys.map((k, i) => coordinateOf(built.dimensions[i]!.show(typeof r[k] === 'bigint' ? Number(r[k]) : (r[k] ?? null)))),
    count: Number(r.n),
  }));
}

const latticeDimension = (name: string): LatticeDimension => ({ name, hierarchy: name === CALENDAR ? calendarHierarchy : flatHierarchy });

async function buildProtectedLattice(store: Queryable, p: Plan, options: BuildOptions): Promise<ProtectedLattice> {
  const lookahead = [];
  for (const extra of p.lookahead) {
    lookahead.push({ dimension: latticeDimension(extra), atoms: await atoms(store, p.spec, options, [...p.dimensions, extra]) });
  }
  return protectLattice(p.dimensions.map(latticeDimension), await atoms(store, p.spec, options, p.dimensions), { lookahead });
}

/**
 * A stamp of everything that can change a count: every ingest (police, other sources, geography)
 * adds an ingest_batches row, a new definition or version adds a definitions row and classifies
 * every incident under it, and retention deletes incidents (but keeps their batches). Any of these
 * changes the stamp, so a cached lattice is never used for data it was not built from.
 */
async function dataVersion(store: Queryable): Promise<string> {
  const [row] = await store.query(
    `SELECT (SELECT COUNT(*) FROM ingest_batches) AS batches, (SELECT MAX(id) FROM ingest_batches) AS last_batch,
            (SELECT COUNT(*) FROM definitions) AS definitions, (SELECT COUNT(*) FROM incidents) AS incidents`,
  );
  return JSON.stringify([row?.batches, row?.last_batch, row?.definitions, row?.incidents].map((v) => (v === null || v === undefined ? null : String(v))));
}

/** Most protected lattices kept per store, and most cells across them (a lattice can hold ~10⁵ cells). */
const CACHE_ENTRIES = 32;
const CACHE_CELLS = 2_000_000;

interface CachedLattice {
  lattice: Promise<ProtectedLattice>;
  cells: number;
}

/**
 * Protected lattices by store, lattice (the atoms' SQL, which holds the dimensions, measure, source,
 * definition version and engine, plus the look-ahead dimensions) and data version, least recently
 * used first. Protection is deterministic, so a cached lattice gives exactly the answer a fresh one
 * would; the data version makes a new ingest, definition or retention run a miss. The promise is
 * kept, so the dashboard's simultaneous requests for one lattice build it once.
 */
const latticeCache = new WeakMap<object, Map<string, CachedLattice>>();

function latticeKey(p: Plan, options: BuildOptions): string {
  const by = p.dimensions.map((d) => (d === CALENDAR ? 'month' : d)) as Dimension[];
  const wide: QuerySpec = { ...p.spec, by, where: {}, allCrime: true };
  delete wide.from;
  delete wide.to;
  const built = buildCountQuery(wide, options);
  return JSON.stringify([built.sql, built.params, p.dimensions, p.lookahead]);
}

function evict(cache: Map<string, CachedLattice>): void {
  let cells = 0;
  for (const entry of cache.values()) cells += entry.cells;
  for (const [key, entry] of cache) {
    if (cache.size <= CACHE_ENTRIES && cells <= CACHE_CELLS) break;
    cache.delete(key);
    cells -= entry.cells;
  }
}

async function protectedLatticeFor(store: Queryable, p: Plan, options: BuildOptions): Promise<ProtectedLattice> {
  let cache = latticeCache.get(store);
  if (!cache) latticeCache.set(store, (cache = new Map()));
  const version = await dataVersion(store);
  const key = JSON.stringify([latticeKey(p, options), version]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.lattice;
  }
  const entry: CachedLattice = { lattice: buildProtectedLattice(store, p, options), cells: 0 };
  cache.set(key, entry);
  try {
    const lattice = await entry.lattice;
    // Data written while the lattice was being built: answer from it, but do not keep it.
    if ((await dataVersion(store)) !== version) cache.delete(key);
    else {
      entry.cells = lattice.size;
      evict(cache);
    }
    return lattice;
  } catch (error) {
    cache.delete(key);
    throw error;
  }
}

/** `runQuery` under disclosure control: same columns and rows, protected counts and rates. */
export async function runDisclosedQuery(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<DisclosedQueryResult> {
  const spec = parseQuerySpec(input);
  const result = await runQuery(store, input);
  let definition = result.definition;
  if (spec.source === 'police' && !definition) {
    const { stored } = await resolveDefinition(store, undefined);
    definition = { id: stored.id, version: stored.version };
  }
  const geographyLoaded = (await store.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;
  const options: BuildOptions = { dialect: store.dialect, definition: spec.source === 'police' ? definition : null, geographyLoaded };
  const p = plan(spec, options);
  const lattice = await protectedLatticeFor(store, p, options);
  const rows = result.rows.map((row) => {
    const cell = lattice.cell(p.coordinates(row));
    const count = Number(row.count);
    if (cell.count !== count) throw new SvoError(`internal: disclosure lattice disagrees with the query (${cell.count} ≠ ${count})`);
    const out: Record<string, Cell> = { ...row, count: cell.shown };
    if ('rate' in row) {
      const population = row.population === null || row.population === undefined ? null : Number(row.population);
      const rate = disclosedRate(count, cell.shown, population, spec.per);
      const interval = rate === null ? null : rateWithInterval(Number(cell.shown), population, spec.per);
      out.rate = rate;
      out.rate_lower = interval?.lower ?? null;
      out.rate_upper = interval?.upper ?? null;
    }
    return out;
  });
  return {
    ...result,
    columns: result.columns.map((c) => (c.name === 'count' ? { ...c, type: 'string' as const } : c)),
    rows,
    caveats: [...result.caveats, DISCLOSURE_CAVEAT],
    disclosure: { applied: true, rules: DISCLOSURE_CAVEAT },
  };
}


/** An SPC chart under disclosure control: the chart of the protected monthly series. */
export async function runDisclosedSpc(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<SpcResult> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError('the SPC request must be an object');
  const spcKeys = new Set(Object.keys(spcOptionsSchema.shape));
  const spcPart: Record<string, unknown> = {};
  const queryPart: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) (spcKeys.has(key) ? spcPart : queryPart)[key] = value;
  const parsed = spcOptionsSchema.safeParse(spcPart);
  if (!parsed.success) throw new UsageError(`invalid SPC options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const by = queryPart.by ?? [];
  const breakdowns: unknown[] = typeof by === 'string' ? by.split(',').map((b) => b.trim()) : Array.isArray(by) ? by : [by];
  if (breakdowns.some((b) => b !== 'month')) throw new UsageError('SPC charts the monthly series: leave out `by` (it is month)');
  const result = await runDisclosedQuery(store, { ...queryPart, by: ['month'] });
  const valueColumn = result.columns.some((c) => c.name === 'rate') ? 'rate' : 'count';
  const values = result.rows.map((r) => r[valueColumn]);
  if (values.some((v) => typeof v !== 'number')) {
    throw new DisclosureRefusedError(`some months have ${valueColumn === 'rate' ? 'rates hidden' : `counts of ${SMALL_COUNT_MAX} or fewer`}, so this series cannot be charted for this audience`, 'widen the filter or chart a larger area');
  }
  const months = result.rows.map((r) => String(r.month));
  const rebaseAt = parsed.data.rebase.map((m) => {
    const index = months.indexOf(m);
    if (index < 0) throw new UsageError(`rebase month ${m} is not in the series (${months[0] ?? '—'} to ${months.at(-1) ?? '—'})`);
    return index;
  });
  if (values.length < 2) throw new UsageError('an SPC chart needs at least two months of data', 'widen --from/--to');
  const chart = xmrChart(values as number[], { ...parsed.data, rebaseAt });
  return {
    spec: result.spec,
    definition: result.definition,
    options: parsed.data,
    columns: SPC_COLUMNS.map((name) => ({ name, type: name === 'period' || name === 'signal' || name === 'rule' ? 'string' : 'number' })),
    rows: chart.points.map(({ index, ...point }) => ({ period: months[index]!, ...point })),
    assurance: chart.assurance,
    caveats: [...result.caveats, 'the chart is drawn from rounded counts'],
  };
}
