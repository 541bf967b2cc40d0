/**
 * Writing geography into the store. Every function runs inside the caller's transaction. Rows are
 * bulk-loaded into a temporary staging table and merged with portable SQL (UPDATE … FROM, then
 * INSERT … WHERE NOT EXISTS), which both DuckDB and PostgreSQL accept.
 *
 * geo_lsoa is shared by several inputs, each owning some columns:
 * - lookup: names, MSOA, district (and resets the CSP of LSOAs whose district changed);
 * - IMD: imd_rank, imd_decile;
 * - population: population, population_year (the latest mid-year wins: an older file does not replace
 *   a newer figure);
 * - CSP file: csp_code, csp_name per district.
 * IMD and population files also fill the LSOA name and district where still empty (when no lookup
 * has been loaded), and every LSOA with a district but no CSP gets the CSP of the other LSOAs in its
 * district, or else the district itself.
 */
import { SvoError } from '../../core/errors.js';
import type { Queryable, SqlValue } from '../../store/port.js';
import { csvLine } from '../common/csv.js';
import type { BoundaryRow } from './boundaries.js';
import type { CspRow } from './csp.js';
import type { ImdRow } from './imd.js';
import type { LookupRow } from './lookup.js';
import type { PopulationRow } from './population.js';

/** Rows new to the store, and rows that replaced values already stored for the same LSOA. */
export interface WriteCounts {
  accepted: number;
  updated: number;
  /** Messages about what was kept or could not be applied. */
  warnings: string[];
}

const STAGE = 'geo_lsoa_incoming';
const STAGE_COLUMNS = ['lsoa_code', 'lsoa_name', 'msoa_code', 'msoa_name', 'lad_code', 'lad_name', 'imd_rank', 'imd_decile', 'population', 'population_year'] as const;
type StageRow = Partial<Record<(typeof STAGE_COLUMNS)[number], string | number | null>> & { lsoa_code: string };

/** Joins CSV lines into chunks of about 1 MB: one stream write per line is slow on PostgreSQL. */
function* chunks(lines: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const line of lines) {
    pending.push(line);
    size += line.length;
    if (size >= 1 << 20) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

async function count(tx: Queryable, sql: string, params: readonly SqlValue[] = []): Promise<number> {
  const [row] = await tx.query<{ n: number | null }>(sql, params);
  return Number(row?.n ?? 0);
}

async function withStage<T>(tx: Queryable, rows: readonly StageRow[], fn: () => Promise<T>): Promise<T> {
  await tx.run(`DROP TABLE IF EXISTS ${STAGE}`);
  await tx.run(`CREATE TEMPORARY TABLE ${STAGE} AS SELECT ${STAGE_COLUMNS.join(', ')} FROM geo_lsoa WHERE 1 = 0`);
  try {
    const loaded = await tx.copyCsv(STAGE, STAGE_COLUMNS, chunks(rows.map((r) => csvLine(STAGE_COLUMNS.map((c) => r[c] ?? null)))));
    if (loaded !== rows.length) throw new SvoError(`the database read ${loaded} rows where svo prepared ${rows.length}; nothing was stored`);
    return await fn();
  } finally {
    await tx.run(`DROP TABLE IF EXISTS ${STAGE}`);
  }
}

/** The LSOAs of the stored lookup(s), or null when no lookup has been loaded. */
export async function lookupArea(db: Queryable): Promise<Set<string> | null> {
  const rows = await db.query<{ lsoa_code: string }>(`SELECT lsoa_code FROM geo_lsoa WHERE lookup_batch_id IS NOT NULL`);
  return rows.length > 0 ? new Set(rows.map((r) => r.lsoa_code)) : null;
}

/** Gives every LSOA with a district but no CSP the CSP of its district's other LSOAs, else the district. */
async function fillCsp(tx: Queryable): Promise<void> {
  const sibling = `FROM geo_lsoa o WHERE o.lad_code = geo_lsoa.lad_code AND o.csp_code IS NOT NULL`;
  await tx.run(`UPDATE geo_lsoa SET csp_code = (SELECT MIN(o.csp_code) ${sibling}), csp_name = (SELECT MIN(o.csp_name) ${sibling})
    WHERE csp_code IS NULL AND lad_code IS NOT NULL AND EXISTS (SELECT 1 ${sibling})`);
  await tx.run(`UPDATE geo_lsoa SET csp_code = lad_code, csp_name = lad_name WHERE csp_code IS NULL AND lad_code IS NOT NULL`);
}

export async function writeLookup(tx: Queryable, batchId: number, rows: readonly LookupRow[]): Promise<WriteCounts> {
  const staged = rows.map((r) => ({ lsoa_code: r.lsoaCode, lsoa_name: r.lsoaName, msoa_code: r.msoaCode, msoa_name: r.msoaName, lad_code: r.ladCode, lad_name: r.ladName }));
  return withStage(tx, staged, async () => {
    const updated = await count(tx, `SELECT COUNT(*) AS n FROM ${STAGE} s JOIN geo_lsoa g ON g.lsoa_code = s.lsoa_code WHERE g.lookup_batch_id IS NOT NULL`);
    // A district change resets the CSP (refilled below); otherwise the stored CSP stands.
    await tx.run(`UPDATE geo_lsoa SET
        lsoa_name = COALESCE(s.lsoa_name, geo_lsoa.lsoa_name),
        msoa_code = COALESCE(s.msoa_code, geo_lsoa.msoa_code),
        msoa_name = COALESCE(s.msoa_name, geo_lsoa.msoa_name),
        csp_code = CASE WHEN geo_lsoa.lad_code = s.lad_code THEN geo_lsoa.csp_code END,
        csp_name = CASE WHEN geo_lsoa.lad_code = s.lad_code THEN geo_lsoa.csp_name END,
        lad_name = CASE WHEN geo_lsoa.lad_code = s.lad_code THEN COALESCE(s.lad_name, geo_lsoa.lad_name) ELSE s.lad_name END,
        lad_code = s.lad_code,
        lookup_batch_id = CAST($1 AS BIGINT)
      FROM ${STAGE} s WHERE geo_lsoa.lsoa_code = s.lsoa_code`, [batchId]);
    await tx.run(`INSERT INTO geo_lsoa (lsoa_code, lsoa_name, msoa_code, msoa_name, lad_code, lad_name, lookup_batch_id)
      SELECT s.lsoa_code, s.lsoa_name, s.msoa_code, s.msoa_name, s.lad_code, s.lad_name, CAST($1 AS BIGINT) FROM ${STAGE} s
      WHERE NOT EXISTS (SELECT 1 FROM geo_lsoa g WHERE g.lsoa_code = s.lsoa_code)`, [batchId]);
    await fillCsp(tx);
    const warnings: string[] = [];
    const outside = await count(tx, `SELECT COUNT(*) AS n FROM geo_lsoa WHERE lookup_batch_id IS NULL`);
    if (outside > 0) {
      warnings.push(`${outside} LSOAs loaded earlier from England-wide files are not in any lookup; they are kept (with lookup_batch_id NULL)`);
    }
    return { accepted: rows.length - updated, updated, warnings };
  });
}

/** Fills name and district from an IMD or population file where no lookup has set them. */
const FILL_DESCRIPTION = `
  lsoa_name = COALESCE(geo_lsoa.lsoa_name, s.lsoa_name),
  lad_name = CASE WHEN geo_lsoa.lad_code IS NULL THEN s.lad_name ELSE geo_lsoa.lad_name END,
  lad_code = COALESCE(geo_lsoa.lad_code, s.lad_code)`;

export async function writeImd(tx: Queryable, rows: readonly ImdRow[]): Promise<WriteCounts> {
  const staged = rows.map((r) => ({ lsoa_code: r.lsoaCode, lsoa_name: r.lsoaName, lad_code: r.ladCode, lad_name: r.ladName, imd_rank: r.rank, imd_decile: r.decile }));
  return withStage(tx, staged, async () => {
    const updated = await count(tx, `SELECT COUNT(*) AS n FROM ${STAGE} s JOIN geo_lsoa g ON g.lsoa_code = s.lsoa_code WHERE g.imd_rank IS NOT NULL`);
    await tx.run(`UPDATE geo_lsoa SET imd_rank = s.imd_rank, imd_decile = s.imd_decile, ${FILL_DESCRIPTION}
      FROM ${STAGE} s WHERE geo_lsoa.lsoa_code = s.lsoa_code`);
    await tx.run(`INSERT INTO geo_lsoa (lsoa_code, lsoa_name, lad_code, lad_name, imd_rank, imd_decile)
      SELECT s.lsoa_code, s.lsoa_name, s.lad_code, s.lad_name, s.imd_rank, s.imd_decile FROM ${STAGE} s
      WHERE NOT EXISTS (SELECT 1 FROM geo_lsoa g WHERE g.lsoa_code = s.lsoa_code)`);
    await fillCsp(tx);
    return { accepted: rows.length - updated, updated, warnings: [] };
  });
}

/**
 * Population totals into geo_lsoa (unless a later mid-year is already stored for that LSOA) and, for
 * single-year-of-age tables, geo_population_age rows for `year`, replacing that year's rows for the
 * same LSOAs. For age tables "updated" counts LSOAs whose rows for that year were replaced.
 */
export async function writePopulation(tx: Queryable, year: number, rows: readonly PopulationRow[]): Promise<WriteCounts> {
  const staged = rows.map((r) => ({ lsoa_code: r.lsoaCode, lsoa_name: r.lsoaName, lad_code: r.ladCode, lad_name: r.ladName, population: r.total, population_year: year }));
  const byAge = rows.some((r) => r.ages !== null);
  return withStage(tx, staged, async () => {
    const newer = await count(tx, `SELECT COUNT(*) AS n FROM ${STAGE} s JOIN geo_lsoa g ON g.lsoa_code = s.lsoa_code WHERE g.population_year > s.population_year`);
    let updated: number;
    if (byAge) {
      updated = await count(tx, `SELECT COUNT(DISTINCT p.lsoa_code) AS n FROM geo_population_age p WHERE p.mid_year = $1 AND p.lsoa_code IN (SELECT lsoa_code FROM ${STAGE})`, [year]);
    } else {
      updated = await count(tx, `SELECT COUNT(*) AS n FROM ${STAGE} s JOIN geo_lsoa g ON g.lsoa_code = s.lsoa_code WHERE g.population_year = s.population_year`);
    }
    const latest = `geo_lsoa.population_year IS NULL OR geo_lsoa.population_year <= s.population_year`;
    await tx.run(`UPDATE geo_lsoa SET
        population = CASE WHEN ${latest} THEN s.population ELSE geo_lsoa.population END,
        population_year = CASE WHEN ${latest} THEN s.population_year ELSE geo_lsoa.population_year END,
        ${FILL_DESCRIPTION}
      FROM ${STAGE} s WHERE geo_lsoa.lsoa_code = s.lsoa_code`);
    await tx.run(`INSERT INTO geo_lsoa (lsoa_code, lsoa_name, lad_code, lad_name, population, population_year)
      SELECT s.lsoa_code, s.lsoa_name, s.lad_code, s.lad_name, s.population, s.population_year FROM ${STAGE} s
      WHERE NOT EXISTS (SELECT 1 FROM geo_lsoa g WHERE g.lsoa_code = s.lsoa_code)`);
    await fillCsp(tx);
    if (byAge) {
      await tx.run(`DELETE FROM geo_population_age WHERE mid_year = $1 AND lsoa_code IN (SELECT lsoa_code FROM ${STAGE})`, [year]);
      const lines: string[] = [];
      for (const r of rows) r.ages?.forEach((n, age) => lines.push(`${r.lsoaCode},${year},${age},${n}\n`));
      const loaded = await tx.copyCsv('geo_population_age', ['lsoa_code', 'mid_year', 'age', 'population'], chunks(lines));
      if (loaded !== lines.length) throw new SvoError(`the database read ${loaded} rows where svo prepared ${lines.length}; nothing was stored`);
    }
    const warnings =
      newer > 0 ? [`geo_lsoa.population keeps a later mid-year than ${year} for ${newer} LSOAs${byAge ? ` (their mid-${year} ages are stored)` : ''}`] : [];
    return { accepted: rows.length - updated, updated, warnings };
  });
}

const BOUNDARY_COLUMNS = ['lsoa_code', 'geometry', 'centroid_easting', 'centroid_northing', 'area_m2', 'min_lon', 'min_lat', 'max_lon', 'max_lat'] as const;

/** Boundaries replace any stored for the same LSOAs. */
export async function writeBoundaries(tx: Queryable, rows: readonly BoundaryRow[]): Promise<WriteCounts> {
  const stage = 'geo_lsoa_boundaries_incoming';
  await tx.run(`DROP TABLE IF EXISTS ${stage}`);
  await tx.run(`CREATE TEMPORARY TABLE ${stage} AS SELECT ${BOUNDARY_COLUMNS.join(', ')} FROM geo_lsoa_boundaries WHERE 1 = 0`);
  try {
    const lines = rows.map((r) =>
      csvLine([r.lsoaCode, r.geometryJson, r.centroidEasting, r.centroidNorthing, r.areaM2, r.bbox[0], r.bbox[1], r.bbox[2], r.bbox[3]]),
    );
    const loaded = await tx.copyCsv(stage, BOUNDARY_COLUMNS, chunks(lines));
    if (loaded !== rows.length) throw new SvoError(`the database read ${loaded} rows where svo prepared ${rows.length}; nothing was stored`);
    const updated = await count(tx, `SELECT COUNT(*) AS n FROM ${stage} s JOIN geo_lsoa_boundaries g ON g.lsoa_code = s.lsoa_code`);
    const set = BOUNDARY_COLUMNS.filter((c) => c !== 'lsoa_code').map((c) => `${c} = s.${c}`).join(', ');
    await tx.run(`UPDATE geo_lsoa_boundaries SET ${set} FROM ${stage} s WHERE geo_lsoa_boundaries.lsoa_code = s.lsoa_code`);
    await tx.run(`INSERT INTO geo_lsoa_boundaries (${BOUNDARY_COLUMNS.join(', ')})
      SELECT ${BOUNDARY_COLUMNS.map((c) => `s.${c}`).join(', ')} FROM ${stage} s
      WHERE NOT EXISTS (SELECT 1 FROM geo_lsoa_boundaries g WHERE g.lsoa_code = s.lsoa_code)`);
    return { accepted: rows.length - updated, updated, warnings: [] };
  } finally {
    await tx.run(`DROP TABLE IF EXISTS ${stage}`);
  }
}

/**
 * Sets the CSP of every stored LSOA in each listed district. "accepted" counts districts applied; a
 * district with no stored LSOA is returned in `unmatched`.
 */
export async function writeCsp(tx: Queryable, rows: readonly CspRow[]): Promise<WriteCounts & { unmatched: string[]; lsoas: number }> {
  let accepted = 0;
  let lsoas = 0;
  const unmatched: string[] = [];
  for (const r of rows) {
    const n = await count(tx, `SELECT COUNT(*) AS n FROM geo_lsoa WHERE lad_code = $1`, [r.ladCode]);
    if (n === 0) {
      unmatched.push(r.ladCode);
      continue;
    }
    await tx.run(`UPDATE geo_lsoa SET csp_code = $1, csp_name = $2 WHERE lad_code = $3`, [r.cspCode, r.cspName, r.ladCode]);
    accepted++;
    lsoas += n;
  }
  return { accepted, updated: 0, unmatched, lsoas, warnings: [] };
}
