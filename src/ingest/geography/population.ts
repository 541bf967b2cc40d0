/**
 * LSOA population, in either of two published shapes:
 *
 * - **IoD "File 6" denominators** (MHCLG): `Total population: mid 2015 (excluding prisoners)` and broad
 *   bands. Only the total is used: it becomes geo_lsoa.population for the mid-year in that header.
 * - **ONS SAPE single year of age** (e.g. SAPE22DT2): columns `0` … `89`, `90+` and a total (`All Ages`
 *   or `total_population`). Each age becomes a geo_population_age row (age 90 = 90 and over) and the
 *   total becomes geo_lsoa.population. These tables carry no year in their columns: the mid-year is
 *   the `populationYear` option, or else read from the file name (`…mid2019…`, `mid-2020`).
 *
 * The year is decided in this order: the option, the header (`mid 2015`), the file name.
 */
import { basename } from 'node:path';
import { FileRejectedError } from '../../core/errors.js';
import { parseCsv } from '../common/csv.js';
import { COLUMNS, GSS_CODE, LSOA_CODE, cleanCode, cleanText, findColumn, findColumns, midYearIn, missingColumns, parseCount } from './columns.js';
import { eachCodedRow, emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

export type PopulationKind = 'iod' | 'sape';

export interface PopulationRow {
  lsoaCode: string;
  lsoaName: string | null;
  ladCode: string | null;
  ladName: string | null;
  total: number;
  /** Persons aged 0 … 89 and 90+ (index 90); null for the IoD denominators. */
  ages: number[] | null;
}

export interface ParsedPopulation extends ParsedRows<PopulationRow> {
  kind: PopulationKind;
  year: number;
  yearFrom: 'option' | 'header' | 'file name';
}

/** The oldest single year; the last column is this age and over. */
export const TOP_AGE = 90;

/** `0` … `89` (optionally `Age 5`), and `90+` / `90 and over` / `90plus` for the top band. */
function ageOf(header: string): number | null {
  const h = header.trim().toLowerCase();
  const top = /^(?:age\s*)?90\s*(?:\+|plus|and\s*over)$/.exec(h);
  if (top) return TOP_AGE;
  const m = /^(?:age\s*)?(\d{1,2})$/.exec(h);
  if (!m) return null;
  const age = Number(m[1]);
  return age < TOP_AGE ? age : null;
}

export function parsePopulation(file: string, text: string, area: ReadonlySet<string> | null, optionYear?: number): ParsedPopulation {
  const table = parseCsv(file, text);
  const header = table.header;
  const ageColumns = new Array<number>(TOP_AGE + 1).fill(-1);
  header.forEach((h, i) => {
    const age = ageOf(h);
    if (age !== null && ageColumns[age] === -1) ageColumns[age] = i;
  });
  const agesFound = ageColumns.filter((c) => c >= 0).length;
  const iodTotal = findColumn(header, COLUMNS.iodTotal);
  const expected = 'a population file: IoD "File 6" denominators (LSOA code (2011), Total population: mid YYYY) or ONS single year of age (LSOA code, 0 … 89, 90+)';
  let kind: PopulationKind;
  if (agesFound > 0) kind = 'sape';
  else if (iodTotal >= 0) kind = 'iod';
  else throw missingColumns(file, expected, [COLUMNS.iodTotal.label, 'or ages 0 … 89 and 90+'], header);

  if (kind === 'sape' && agesFound < TOP_AGE + 1) {
    const missing = ageColumns.flatMap((c, age) => (c < 0 ? [age === TOP_AGE ? '90+' : String(age)] : []));
    throw missingColumns(file, expected, [`single-year age column(s) ${missing.join(', ')}`], header);
  }
  const col = findColumns(file, header, { lsoaCode: COLUMNS.lsoaCode }, { lsoaName: COLUMNS.lsoaName, ladCode: COLUMNS.ladCode, ladName: COLUMNS.ladName, sapeTotal: COLUMNS.sapeTotal }, expected);
  const totalColumn = kind === 'iod' ? iodTotal : col.sapeTotal;

  const headerYear = kind === 'iod' ? midYearIn(header[iodTotal] ?? '') : null;
  const nameYear = midYearIn(basename(file));
  const warnings: string[] = [];
  let year: number;
  let yearFrom: ParsedPopulation['yearFrom'];
  if (optionYear !== undefined) {
    year = optionYear;
    yearFrom = 'option';
    const stated = headerYear ?? nameYear;
    if (stated !== null && stated !== optionYear) warnings.push(`${file}: the population year ${optionYear} was given, but the file says mid-${stated}; using ${optionYear}`);
  } else if (headerYear !== null) {
    year = headerYear;
    yearFrom = 'header';
  } else if (nameYear !== null) {
    year = nameYear;
    yearFrom = 'file name';
  } else {
    throw new FileRejectedError(
      file,
      'the population mid-year is not stated: single-year-of-age tables carry no year in their columns and the file name has none (e.g. "mid2019")',
      'give the year with the population-year option, or put it in the file name, e.g. sape22dt2-mid2019-….csv',
    );
  }
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new FileRejectedError(file, `the population year ${year} is not a plausible mid-year`);

  const name = (i: number) => header[i] ?? '';
  const parsed: ParsedPopulation = { ...emptyParsed<PopulationRow>(), kind, year, yearFrom, warnings };
  const first = new FirstPerKey(parsed);
  eachCodedRow(table, parsed, col.lsoaCode, LSOA_CODE, 'not a 2011 LSOA code (E01 or W01 and six digits)', (fields, lsoaCode, line) => {
    let ages: number[] | null = null;
    if (kind === 'sape') {
      ages = [];
      for (let age = 0; age <= TOP_AGE; age++) {
        const c = ageColumns[age]!;
        const n = parseCount(fields[c]);
        if (n === null) {
          parsed.rejects.push({ line, column: name(c), value: fields[c] ?? '', reason: 'the population is not a whole number of 0 or more' });
          return;
        }
        ages.push(n);
      }
    }
    const sum = ages?.reduce((a, b) => a + b, 0) ?? null;
    let total: number | null;
    if (totalColumn >= 0) {
      total = parseCount(fields[totalColumn]);
      if (total === null) {
        parsed.rejects.push({ line, column: name(totalColumn), value: fields[totalColumn] ?? '', reason: 'the total population is not a whole number of 0 or more' });
        return;
      }
      if (sum !== null && sum !== total) {
        parsed.rejects.push({ line, column: name(totalColumn), value: String(total), reason: `the total does not equal the sum of the single-year ages (${sum})` });
        return;
      }
    } else {
      total = sum!;
    }
    if (area && !area.has(lsoaCode)) {
      parsed.outsideLookup++;
      return;
    }
    const ladCode = col.ladCode >= 0 ? cleanCode(fields[col.ladCode]) : '';
    const row: PopulationRow = {
      lsoaCode,
      lsoaName: col.lsoaName >= 0 ? cleanText(fields[col.lsoaName]) : null,
      ladCode: GSS_CODE.test(ladCode) ? ladCode : null,
      ladName: GSS_CODE.test(ladCode) && col.ladName >= 0 ? cleanText(fields[col.ladName]) : null,
      total,
      ages,
    };
    first.add(lsoaCode, JSON.stringify([total, ages]), row, line, name(col.lsoaCode));
  });
  return parsed;
}
