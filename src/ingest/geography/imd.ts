/**
 * English Indices of Deprivation: IMD rank and decile per 2011 LSOA (MHCLG File 1, or File 2 whose
 * first rank/decile pair is the IMD). Ranks come quoted with thousands separators (`"29,199"`).
 */
import { parseCsv } from '../common/csv.js';
import { COLUMNS, GSS_CODE, LSOA_CODE, cleanCode, cleanText, findColumns, parseCount } from './columns.js';
import { eachCodedRow, emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

export interface ImdRow {
  lsoaCode: string;
  lsoaName: string | null;
  ladCode: string | null;
  ladName: string | null;
  rank: number;
  decile: number;
}

/** `area`: the LSOAs of the stored lookup (rows for other LSOAs are left out), or null to keep all. */
export function parseImd(file: string, text: string, area: ReadonlySet<string> | null): ParsedRows<ImdRow> {
  const table = parseCsv(file, text);
  const col = findColumns(
    file,
    table.header,
    { lsoaCode: COLUMNS.lsoaCode, rank: COLUMNS.imdRank, decile: COLUMNS.imdDecile },
    { lsoaName: COLUMNS.lsoaName, ladCode: COLUMNS.ladCode, ladName: COLUMNS.ladName },
    'an English Indices of Deprivation file (LSOA code (2011), Index of Multiple Deprivation (IMD) Rank and Decile)',
  );
  const name = (i: number) => table.header[i] ?? '';
  const parsed = emptyParsed<ImdRow>();
  const first = new FirstPerKey(parsed);
  eachCodedRow(table, parsed, col.lsoaCode, LSOA_CODE, 'not a 2011 LSOA code (E01 or W01 and six digits)', (fields, lsoaCode, line) => {
    const rank = parseCount(fields[col.rank]);
    if (rank === null || rank < 1) {
      return { line, column: name(col.rank), value: fields[col.rank] ?? '', reason: 'the IMD rank is not a whole number of 1 or more' };
    }
    const decile = parseCount(fields[col.decile]);
    if (decile === null || decile < 1 || decile > 10) {
      return { line, column: name(col.decile), value: fields[col.decile] ?? '', reason: 'the IMD decile is not a whole number from 1 to 10' };
    }
    if (area && !area.has(lsoaCode)) {
      parsed.outsideLookup++;
      return;
    }
    const ladCode = col.ladCode >= 0 ? cleanCode(fields[col.ladCode]) : '';
    const row: ImdRow = {
      lsoaCode,
      lsoaName: col.lsoaName >= 0 ? cleanText(fields[col.lsoaName]) : null,
      ladCode: GSS_CODE.test(ladCode) ? ladCode : null,
      ladName: GSS_CODE.test(ladCode) && col.ladName >= 0 ? cleanText(fields[col.ladName]) : null,
      rank,
      decile,
    };
    first.add(lsoaCode, `${rank},${decile}`, row, line, name(col.lsoaCode));
  });
  return parsed;
}
