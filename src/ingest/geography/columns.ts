/**
 * Finding columns in ONS / MHCLG files by their published names, case-insensitively and tolerant of
 * the variants different releases use (`LSOA11CD`, `LSOA code (2011)`, `lsoa11_code`, …), plus the
 * value checks shared by every geography input.
 */
import { FileRejectedError } from '../../core/errors.js';

/** Lower-case letters and digits only: `LSOA code (2011)` → `lsoacode2011`. */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface ColumnSpec {
  /** What to call the column in messages, e.g. `LSOA code (LSOA11CD)`. */
  label: string;
  /** Matched against the normalised header. */
  pattern: RegExp;
}

const YEAR = '(?:\\d{2}|\\d{4})?';

export const COLUMNS = {
  lsoaCode: { label: 'LSOA code (LSOA11CD / "LSOA code (2011)" / lsoa11_code)', pattern: /^lsoa(?:11|2011)?(?:cd|code)(?:11|2011)?$/ },
  lsoaName: { label: 'LSOA name (LSOA11NM)', pattern: /^lsoa(?:11|2011)?(?:nm|name)(?:11|2011)?$/ },
  msoaCode: { label: 'MSOA code (MSOA11CD)', pattern: /^msoa(?:11|2011)?(?:cd|code)(?:11|2011)?$/ },
  msoaName: { label: 'MSOA name (MSOA11NM)', pattern: /^msoa(?:11|2011)?(?:nm|name)(?:11|2011)?$/ },
  ladCode: {
    label: 'local authority district code (LAD17CD / LAD19CD / "Local Authority District code (2019)" / lad_code)',
    pattern: new RegExp(`^(?:lad|la|ltla|localauthoritydistrict|localauthority)${YEAR}(?:cd|code)${YEAR}(?:boundaries)?$`),
  },
  ladName: {
    label: 'local authority district name (LAD17NM)',
    pattern: new RegExp(`^(?:lad|la|ltla|localauthoritydistrict|localauthority)${YEAR}(?:nm|name)${YEAR}(?:boundaries)?$`),
  },
  imdRank: { label: 'Index of Multiple Deprivation (IMD) Rank', pattern: /^(?:indexofmultipledeprivationimd|imd(?:\d{2}|\d{4})?)rank/ },
  imdDecile: { label: 'Index of Multiple Deprivation (IMD) Decile', pattern: /^(?:indexofmultipledeprivationimd|imd(?:\d{2}|\d{4})?)decile/ },
  /** IoD "File 6" denominators: `Total population: mid 2015 (excluding prisoners)`. */
  iodTotal: { label: 'Total population: mid YYYY (excluding prisoners)', pattern: /^totalpopulationmid\d{4}/ },
  /** SAPE single-year-of-age tables: `All Ages` (ONS) or `total_population`. */
  sapeTotal: { label: 'All Ages / total_population', pattern: /^(?:allages|totalpopulation|total|allpersons)$/ },
  cspCode: {
    label: 'community safety partnership code (csp_code / CSPCD)',
    pattern: new RegExp(`^(?:csp|communitysafetypartnership)${YEAR}(?:cd|code|id)?${YEAR}$`),
  },
  cspName: { label: 'community safety partnership name (csp_name / CSPNM)', pattern: new RegExp(`^(?:csp|communitysafetypartnership)${YEAR}(?:nm|name)${YEAR}$`) },
} satisfies Record<string, ColumnSpec>;

/** Recognises a 2021-geography LSOA column, to explain why a 2011 one was not found. */
const LSOA_2021 = /^lsoa(?:21|2021)?(?:cd|code)(?:21|2021)?$/;

/** Index of the first header matching `spec`, or -1. */
export function findColumn(header: readonly string[], spec: ColumnSpec): number {
  return header.findIndex((h) => spec.pattern.test(normaliseHeader(h)));
}

/**
 * Finds required and optional columns. A missing required column is a file-level problem: the message
 * names the file, the columns expected and the ones found.
 */
export function findColumns<R extends string, O extends string>(
  file: string,
  header: readonly string[],
  required: Record<R, ColumnSpec>,
  optional: Record<O, ColumnSpec>,
  what: string,
): Record<R, number> & Record<O, number> {
  const found = {} as Record<R | O, number>;
  const missing: string[] = [];
  for (const [key, spec] of Object.entries(required) as [R, ColumnSpec][]) {
    found[key] = findColumn(header, spec);
    if (found[key] < 0) missing.push(spec.label);
  }
  for (const [key, spec] of Object.entries(optional) as [O, ColumnSpec][]) found[key] = findColumn(header, spec);
  if (missing.length > 0) throw missingColumns(file, what, missing, header);
  return found;
}

export function missingColumns(file: string, what: string, missing: readonly string[], header: readonly string[]): FileRejectedError {
  const shown = header.slice(0, 25).map((h) => JSON.stringify(h));
  if (header.length > 25) shown.push(`… (${header.length} columns)`);
  const is2021 = header.some((h) => LSOA_2021.test(normaliseHeader(h)) && /21/.test(h));
  return new FileRejectedError(
    file,
    `this does not look like ${what}: missing column(s) ${missing.join('; ')}. Columns found: ${shown.join(', ')}`,
    is2021 ? 'this file uses 2021 LSOA codes; svo geography is on 2011 LSOAs (convert with the LSOA11→LSOA21 lookup first)' : undefined,
  );
}

/** 2011 LSOA codes (E01 England, W01 Wales, X01 svo's synthetic demo area) and six digits. */
export { LSOA_CODE } from '../../core/values/fields.js';
export const MSOA_CODE = /^[EWX]02\d{6}$/;
/** GSS codes of local authority districts (E06/E07/E08/E09, W06, S12, N09 …; X for the demo area). */
export const GSS_CODE = /^[EWSNKX]\d{8}$/;

/** A code as written: trimmed and upper-cased. */
export function cleanCode(raw: string | undefined): string {
  return (raw ?? '').trim().toUpperCase();
}

/** A text value, or null when blank. */
export function cleanText(raw: string | undefined): string | null {
  const text = (raw ?? '').trim();
  return text === '' ? null : text;
}

/**
 * A non-negative whole number as ONS and MHCLG publish them: plain (`1296`), with thousands separators
 * (`1,296`, quoted in the CSV) or with a zero fraction from a spreadsheet export (`1296.0`).
 * Returns null for anything else.
 */
export function parseCount(raw: string | undefined): number | null {
  const text = (raw ?? '').trim();
  if (!/^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.0+)?$/.test(text)) return null;
  const value = Number(text.replace(/,/g, ''));
  return Number.isSafeInteger(value) ? value : null;
}

/** A mid-year in a text: `mid 2015`, `mid-2019`, `mid2020`, `Mid_2018` → the year. */
export function midYearIn(text: string): number | null {
  const m = /mid[\s_-]*((?:19|20)\d{2})/i.exec(text);
  return m ? Number(m[1]) : null;
}
