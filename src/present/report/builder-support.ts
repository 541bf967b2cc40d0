/**
 * What the SNA and ISTV taskforce builders share: the area a pack is about, the definition and source
 * currency for the cover, and disclosure control of a finished table for packs that leave the
 * partnership (circulation partner or public).
 *
 * Table disclosure protects each count column as one lattice over the table's own dimensions
 * (src/core/disclosure/lattice.ts): counts 1–7 shown as `*`, the rest rounded to 5, and further cells
 * suppressed so that no total minus its shown parts gives a hidden count back. Rates are recomputed
 * from the rounded counts and hidden below 10 records, shares are recomputed from rounded counts and
 * hidden when about fewer than 8, and confidence limits (made from exact counts) are dropped.
 */
import { findDefinition } from '../../classify/definitions.js';
import { flatHierarchy, protectLattice, type LatticeDimension } from '../../core/disclosure/lattice.js';
import { disclosedCount, disclosedRate, MIN_PEOPLE_FOR_AVERAGE, ROUNDING_BASE, SMALL_COUNT_MAX, SUPPRESSED } from '../../core/disclosure/rules.js';
import { parseDefinition } from '../../core/definition/parse.js';
import { UsageError } from '../../core/errors.js';
import type { Queryable, Store } from '../../store/port.js';
import type { Cell, ReportMeta, ReportSource, ReportTable } from './model.js';

export type Db = Pick<Store, 'dialect'> & Queryable;

export const DISCLOSURE_NOTE =
  `Disclosure control: counts 1–${SMALL_COUNT_MAX} are shown as ${SUPPRESSED} (0 stays 0), other counts are rounded to the nearest ${ROUNDING_BASE} and further cells are ` +
  `suppressed so none can be worked out from totals; rates and percentages come from the rounded counts and are hidden for fewer than 10 records (rates) or 8 people (percentages); confidence limits are not shown.`;

export interface PackArea {
  code: string;
  name: string;
  /** The query dimension that selects it. */
  dimension: 'lad' | 'csp';
}

/** The LAD or CSP a pack is about, from the loaded geography; a UsageError when it is not there. */
export async function resolveArea(db: Db, code: string | null): Promise<PackArea | null> {
  if (code === null) return null;
  const [lad] = await db.query<{ name: string | null }>(`SELECT MAX(lad_name) AS name FROM geo_lsoa WHERE lad_code = $1 HAVING COUNT(*) > 0`, [code]);
  if (lad) return { code, name: lad.name ?? code, dimension: 'lad' };
  const [csp] = await db.query<{ name: string | null }>(`SELECT MAX(csp_name) AS name FROM geo_lsoa WHERE csp_code = $1 HAVING COUNT(*) > 0`, [code]);
  if (csp) return { code, name: csp.name ?? code, dimension: 'csp' };
  throw new UsageError(`area '${code}' is neither a local authority district nor a community safety partnership in the loaded geography`, 'give a LAD or CSP code from svo ingest geography');
}

/** The query filter selecting a pack's area (empty for the whole loaded area). */
export function areaWhere(area: PackArea | null): Record<string, string[]> {
  return area ? { [area.dimension]: [area.code] } : {};
}

/** Id, version and name of the definition a query used, for the cover. */
export async function definitionMeta(db: Db, used: { id: string; version: number } | null): Promise<ReportMeta['definition']> {
  if (!used) return null;
  const stored = await findDefinition(db, used.id);
  let name = stored.description;
  try {
    name = parseDefinition(stored.body, stored.id).name;
  } catch {
    // A stored definition always parsed when it was stored; keep the description if it no longer does.
  }
  return { id: used.id, version: used.version, name };
}

const SOURCE_LABELS: Record<string, string> = {
  police: 'Police recorded crime (record-level extract)',
  'police-uk': 'data.police.uk street-level crime (area-level proxy)',
  istv: 'Emergency department ISTV returns',
};

/** Last date covered by a loaded source, for the cover's data currency. */
export async function sourceCurrency(db: Db, source: 'police' | 'police-uk' | 'istv'): Promise<ReportSource> {
  const sql =
    source === 'police'
      ? `SELECT CAST(MAX(occurred_from) AS DATE) AS last_day FROM incidents WHERE source = 'police'`
      : source === 'police-uk'
        ? `SELECT MAX(month) AS last_day FROM police_uk_crimes`
        : `SELECT CAST(MAX(assault_at) AS DATE) AS last_day FROM injury_attendances`;
  const [row] = await db.query<{ last_day: string | null }>(sql);
  let dataTo = row?.last_day == null ? null : String(row.last_day).slice(0, 10);
  // data.police.uk months are stored as their first day: the data run to the end of that month.
  if (dataTo !== null && source === 'police-uk') {
    const d = new Date(`${dataTo}T00:00:00Z`);
    dataTo = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  }
  return { source, label: SOURCE_LABELS[source] ?? source, dataTo };
}

export interface TableDisclosure {
  /** Columns whose values identify a row (the lattice dimensions). */
  dimensions: string[];
  /** Count columns, each protected as its own lattice. */
  counts: string[];
  /** Rate columns recomputed from a protected count and a population column. */
  rates?: { column: string; count: string; population: string; per: number }[];
  /** Share columns recomputed from protected counts; `whole` is a count column or a fixed total. */
  shares?: { column: string; part: string; whole: string | number }[];
  /** Columns dropped under disclosure control (confidence limits, p-values). */
  drop?: string[];
}

const leafOf = (v: Cell | undefined): string => (v === null || v === undefined ? '\u0000none' : String(v));

/** The table as it may leave the partnership (see the module comment). */
export function discloseTable(table: ReportTable, rules: TableDisclosure): ReportTable {
  const dims: LatticeDimension[] = rules.dimensions.map((name) => ({ name, hierarchy: flatHierarchy }));
  const shown = new Map<string, (row: Record<string, Cell>) => number | string>();
  for (const column of rules.counts) {
    const lattice = protectLattice(
      dims,
      table.rows.map((row) => ({ leaves: rules.dimensions.map((d) => leafOf(row[d])), count: Number(row[column] ?? 0) })),
    );
    shown.set(column, (row) => lattice.cell(rules.dimensions.map((d) => leafOf(row[d]))).shown);
  }
  const drop = new Set(rules.drop ?? []);
  const rows = table.rows.map((row) => {
    const out: Record<string, Cell> = {};
    for (const [k, v] of Object.entries(row)) if (!drop.has(k)) out[k] = v;
    for (const column of rules.counts) out[column] = shown.get(column)!(row);
    for (const r of rules.rates ?? []) {
      const population = row[r.population];
      const s = out[r.count] ?? null;
      out[r.column] = disclosedRate(Number(row[r.count] ?? 0), typeof s === 'number' ? s : SUPPRESSED, typeof population === 'number' ? population : null, r.per);
    }
    for (const s of rules.shares ?? []) {
      const part = out[s.part];
      const whole = typeof s.whole === 'number' ? disclosedCount(s.whole) : out[s.whole];
      const trueWhole = typeof s.whole === 'number' ? s.whole : Number(row[s.whole] ?? 0);
      out[s.column] = typeof part === 'number' && typeof whole === 'number' && whole > 0 && trueWhole >= MIN_PEOPLE_FOR_AVERAGE ? part / whole : null;
    }
    return out;
  });
  return { ...table, columns: table.columns.filter((c) => !drop.has(c.key)), rows, notes: [...(table.notes ?? []), DISCLOSURE_NOTE] };
}
