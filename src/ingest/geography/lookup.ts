/**
 * The ONS LSOA → MSOA → local authority lookup, either Output-Area level (one row per OA, so many per
 * LSOA: de-duplicated) or LSOA level. It defines the study area: IMD, population and boundary files
 * loaded afterwards are cut to its LSOAs.
 */
import { parseCsv } from '../common/csv.js';
import { COLUMNS, GSS_CODE, LSOA_CODE, MSOA_CODE, cleanCode, cleanText, findColumns } from './columns.js';
import { eachCodedRow, emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

export interface LookupRow {
  lsoaCode: string;
  lsoaName: string | null;
  msoaCode: string | null;
  msoaName: string | null;
  ladCode: string;
  ladName: string | null;
}

export function parseLookup(file: string, text: string): ParsedRows<LookupRow> {
  const table = parseCsv(file, text);
  const col = findColumns(
    file,
    table.header,
    { lsoaCode: COLUMNS.lsoaCode, ladCode: COLUMNS.ladCode },
    { lsoaName: COLUMNS.lsoaName, msoaCode: COLUMNS.msoaCode, msoaName: COLUMNS.msoaName, ladName: COLUMNS.ladName },
    'an ONS LSOA lookup (LSOA11CD, LSOA11NM, MSOA11CD, MSOA11NM, LAD17CD, LAD17NM)',
  );
  const name = (i: number) => table.header[i] ?? '';
  const parsed = emptyParsed<LookupRow>();
  const first = new FirstPerKey(parsed);
  eachCodedRow(table, parsed, col.lsoaCode, LSOA_CODE, 'not a 2011 LSOA code (E01 or W01 and six digits)', (fields, lsoaCode, line) => {
    const ladCode = cleanCode(fields[col.ladCode]);
    if (!GSS_CODE.test(ladCode)) {
      return { line, column: name(col.ladCode), value: ladCode, reason: 'not a local authority district code (e.g. E06000016)' };
    }
    const msoaCode = col.msoaCode >= 0 ? cleanCode(fields[col.msoaCode]) || null : null;
    if (msoaCode !== null && !MSOA_CODE.test(msoaCode)) {
      return { line, column: name(col.msoaCode), value: msoaCode, reason: 'not a 2011 MSOA code (E02 and six digits)' };
    }
    const row: LookupRow = {
      lsoaCode,
      lsoaName: col.lsoaName >= 0 ? cleanText(fields[col.lsoaName]) : null,
      msoaCode,
      msoaName: col.msoaName >= 0 ? cleanText(fields[col.msoaName]) : null,
      ladCode,
      ladName: col.ladName >= 0 ? cleanText(fields[col.ladName]) : null,
    };
    const signature = JSON.stringify([row.lsoaName, row.msoaCode, row.msoaName, row.ladCode, row.ladName]);
    first.add(lsoaCode, signature, row, line, name(col.lsoaCode));
  });
  return parsed;
}
