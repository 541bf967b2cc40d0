/**
 * Runs a query spec against the store: resolves the definition, counts by the breakdowns in SQL, then
 * fills gaps with zeros (every period in the range, every hour, weekday, age band and sex; other
 * breakdowns as they occur in the data), sorts by the breakdowns (missing values last) and, for rates,
 * divides by the population of the areas (geo_lsoa) with 95% limits.
 */
import { findDefinition } from '../classify/definitions.js';
import { parseQuerySpec, personRole, type QuerySpec } from '../core/query/spec.js';
import { rateWithInterval } from '../core/query/stats.js';
import { UsageError } from '../core/errors.js';
import type { Queryable, Store } from '../store/port.js';
import { denominatorBreakdowns, buildCountQuery, buildPopulationQuery, injurySourceCaveats, needsClassification, requestedRange, type BuildOptions, type Cell, type ColumnType, type DimensionSql } from './build.js';

export interface QueryColumn {
  name: string;
  type: ColumnType;
}

export interface QueryResult {
  spec: QuerySpec;
  definition: { id: string; version: number } | null;
  columns: QueryColumn[];
  rows: Record<string, Cell>[];
  caveats: string[];
}

export const POLICE_UK_CAVEAT =
  'data.police.uk street-level data: month only, snapped locations, categories not the serious-violence definition — an area-level proxy';

/** Most periods a time breakdown may fill, so an open-ended daily range cannot explode. */
const MAX_PERIODS = 10_000;

/**
 * What a spec is built with: the definition version it classifies by (resolved once, so every
 * reader of the store — counts, points, people — uses the same one) and whether geography is loaded.
 */
export async function buildOptionsFor(store: Pick<Store, 'dialect'> & Queryable, spec: QuerySpec): Promise<BuildOptions> {
  let definition: BuildOptions['definition'] = null;
  if (needsClassification(spec, store.dialect)) {
    const stored = await findDefinition(store, spec.definition);
    definition = { id: stored.id, version: stored.version };
  }
  const geographyLoaded = (await store.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;
  // Police counts read the query facts of the definition version; an all-crime count reads those of
  // any stored version (each holds every incident), or joins the incidents when none is stored.
  let facts: BuildOptions['facts'] = definition;
  if (spec.source === 'police' && !definition) {
    const [any] = await store.query<{ id: string; version: number }>(`SELECT id, version FROM definitions ORDER BY id, version LIMIT 1`);
    facts = any ? { id: String(any.id), version: Number(any.version) } : null;
  }
  return { dialect: store.dialect, definition, geographyLoaded, facts };
}

/** Validates `input` (see `parseQuerySpec`) and runs it. */
export async function runQuery(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<QueryResult> {
  const spec = parseQuerySpec(input);
  const caveats: string[] = [];
  if (spec.source === 'police-uk') caveats.push(POLICE_UK_CAVEAT);
  caveats.push(...injurySourceCaveats(spec.source, [...spec.by, ...Object.keys(spec.where)].some((d) => ['lsoa', 'msoa', 'lad', 'csp', 'imd_decile'].includes(d))));

  const options = await buildOptionsFor(store, spec);
  const { definition, geographyLoaded } = options;
  const usesLsoa = spec.by.includes('lsoa') || 'lsoa' in spec.where;
  if (!geographyLoaded && spec.measure === 'rate') {
    throw new UsageError('a rate needs population: no geography is loaded', 'load it with svo ingest geography');
  }
  if (!geographyLoaded && usesLsoa) caveats.push('no geography is loaded: LSOA codes are shown as recorded, not checked against a lookup');
  if ([...spec.by, ...Object.keys(spec.where)].some((d) => ['lsoa', 'msoa', 'lad', 'csp', 'imd_decile'].includes(d)) && geographyLoaded) {
    caveats.push('records whose LSOA is missing or outside the loaded geography are counted with an empty area');
  }

  const built = buildCountQuery(spec, options);
  const raw = await store.query(built.sql, built.params);
  const counts = new Map<string, { keys: Cell[]; n: number }>();
  for (const r of raw) {
    const keys = built.keys.map((k) => normaliseKey(r[k] ?? null));
    counts.set(JSON.stringify(keys), { keys, n: Number(r.n) });
  }

  // A rate's denominators: population by area (and age band). Every area with a population is shown,
  // with 0 when nothing happened there — leaving it out would bias every comparison of areas.
  const denominators = spec.measure === 'rate' ? denominatorBreakdowns(spec, options) : [];
  const populations = new Map<string, number | null>();
  let populationYear: number | null = null;
  if (spec.measure === 'rate') {
    if (personRole(spec) && (await store.query(`SELECT 1 AS found FROM geo_population_age LIMIT 1`)).length === 0) {
      throw new UsageError('a rate by age band needs population by single year of age: none is loaded', 'load it with svo ingest geography --population-age <file>');
    }
    const pq = buildPopulationQuery(spec, options);
    for (const r of await store.query(pq.sql, pq.params)) {
      populations.set(JSON.stringify(pq.keys.map((k) => normaliseKey(r[k] ?? null))), r.population === null ? null : Number(r.population));
      if (r.population_year !== null && r.population_year !== undefined) populationYear = Math.max(populationYear ?? 0, Number(r.population_year));
    }
  }
  const areaFill = denominators.filter((i) => built.dimensions[i]!.needs === 'geography');
  const areaCombos = new Map<string, Cell[]>();
  for (const id of populations.keys()) {
    const keys = JSON.parse(id) as Cell[];
    const combo = areaFill.map((i) => keys[denominators.indexOf(i)] ?? null);
    areaCombos.set(JSON.stringify(combo), combo);
  }

  // Zero-filling: every period of the range for time breakdowns, the full domain of weekday/hour, every
  // area for rates, and the combinations of the other breakdowns that occur in the data.
  const fillIndexes = built.dimensions.map((d, i) => (!areaFill.includes(i) && (d.keyOfDate || d.domain) ? i : -1)).filter((i) => i >= 0);
  if (fillIndexes.length || areaFill.length) {
    const domains = new Map<number, Cell[]>();
    const needsRange = built.dimensions.some((d) => d.keyOfDate);
    let range: { from: string; to: string } | null = null;
    if (needsRange) {
      const asked = requestedRange(spec);
      let { from, to } = asked;
      if (!from || !to) {
        // The count query carries each group's first and last record date (see buildCountQuery).
        const firsts = raw.map((r) => r.first_day).filter((d) => d != null).map((d) => String(d).slice(0, 10)).sort();
        const lasts = raw.map((r) => r.last_day).filter((d) => d != null).map((d) => String(d).slice(0, 10)).sort();
        from ??= firsts[0] ?? null;
        to ??= lasts.at(-1) ?? null;
      }
      if (from && to && from <= to) range = { from, to };
    }
    for (const i of fillIndexes) {
      const d = built.dimensions[i]!;
      let domain: Cell[] = d.domain ? [...d.domain] : range ? periodKeys(d, range.from, range.to) : [];
      const name = spec.by[i]!;
      const wanted = spec.where[name];
      if (wanted) {
        const allowed = new Set(wanted.map((w) => normaliseKey(d.parse(w) as Cell)));
        domain = domain.filter((k) => allowed.has(k));
      }
      domains.set(i, domain);
    }
    const others = built.dimensions.map((_, i) => i).filter((i) => !fillIndexes.includes(i) && !areaFill.includes(i));
    const otherCombos = new Map<string, Cell[]>();
    for (const { keys } of counts.values()) {
      const combo = others.map((i) => keys[i] ?? null);
      otherCombos.set(JSON.stringify(combo), combo);
    }
    if (others.length === 0) otherCombos.set('[]', []);
    for (const combo of otherCombos.values()) {
      let partials: Cell[][] = [new Array<Cell>(built.dimensions.length).fill(null)];
      others.forEach((i, j) => partials.forEach((p) => (p[i] = combo[j] ?? null)));
      if (areaFill.length) {
        partials = [...areaCombos.values()].flatMap((area) => partials.map((p) => p.map((v, j) => (areaFill.includes(j) ? (area[areaFill.indexOf(j)] ?? null) : v))));
      }
      for (const i of fillIndexes) {
        const next: Cell[][] = [];
        for (const p of partials) for (const k of domains.get(i) ?? []) next.push(p.map((v, j) => (j === i ? k : v)));
        partials = next;
      }
      for (const keys of partials) {
        const id = JSON.stringify(keys);
        if (!counts.has(id)) counts.set(id, { keys, n: 0 });
      }
    }
  }
  if (built.dimensions.length === 0 && counts.size === 0) counts.set('[]', { keys: [], n: 0 });

  const sorted = [...counts.values()].sort((a, b) => compareKeys(a.keys, b.keys));
  const rows = sorted.map(({ keys, n }) => {
    const row: Record<string, Cell> = {};
    spec.by.forEach((name, i) => (row[name] = built.dimensions[i]!.show(keys[i] ?? null)));
    row.count = n;
    return row;
  });
  const columns: QueryColumn[] = [...spec.by.map((name, i) => ({ name, type: built.dimensions[i]!.type })), { name: 'count', type: 'integer' as const }];
  if (spec.measure === 'rate') {
    sorted.forEach(({ keys }, j) => {
      const row = rows[j]!;
      const areaKeys = denominators.map((i) => keys[i] ?? null);
      const population = areaKeys.includes(null) ? null : (populations.get(JSON.stringify(areaKeys)) ?? null);
      const r = rateWithInterval(Number(row.count), population, spec.per);
      row.population = population;
      row.rate = r.rate;
      row.rate_lower = r.lower;
      row.rate_upper = r.upper;
    });
    columns.push(
      { name: 'population', type: 'integer' },
      { name: 'rate', type: 'number' },
      { name: 'rate_lower', type: 'number' },
      { name: 'rate_upper', type: 'number' },
    );
    caveats.push(
      `rate per ${spec.per.toLocaleString('en-GB')} population${populationYear ? ` (mid-${populationYear} estimates)` : ''}, with 95% confidence limits (Byar for counts ≥ 10, exact Poisson below); ` +
        'records without an LSOA in the loaded geography have no population and no rate',
    );
    const role = personRole(spec);
    if (role) caveats.push(`a rate by age band counts ${role === 'victim' ? 'victims' : 'offenders'} per head of the resident population of the same age band; the unknown band has no population`);
  }
  return { spec, definition, columns, rows, caveats };
}

/** Keys from both engines in one shape (integers may arrive as bigint from a driver). */
function normaliseKey(v: unknown): Cell {
  if (typeof v === 'bigint') return Number(v);
  return v as Cell;
}

/** Every key of a calendar dimension between two dates, in order. */
function periodKeys(d: DimensionSql, from: string, to: string): Cell[] {
  const keys: Cell[] = [];
  const seen = new Set<Cell>();
  const day = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  for (; day <= end; day.setUTCDate(day.getUTCDate() + 1)) {
    const k = d.keyOfDate!(day.toISOString().slice(0, 10));
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
      if (keys.length > MAX_PERIODS) break;
    }
  }
  return keys;
}

function compareCell(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1; // missing values last
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1; // false before true
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareKeys(a: readonly Cell[], b: readonly Cell[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = compareCell(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}
