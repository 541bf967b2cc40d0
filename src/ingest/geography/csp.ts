/**
 * Community Safety Partnerships. By default each local authority district is its own CSP; this file
 * overrides that per district: `lad_code,csp_code,csp_name` (also `LAD19CD,CSPCD,CSPNM` and other ONS
 * spellings). The CSP name defaults to its code when the file has no name column.
 */
import { parseCsv } from '../common/csv.js';
import { COLUMNS, GSS_CODE, cleanText, findColumns } from './columns.js';
import { eachCodedRow, emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

export interface CspRow {
  ladCode: string;
  cspCode: string;
  cspName: string;
}

export function parseCsp(file: string, text: string): ParsedRows<CspRow> {
  const table = parseCsv(file, text);
  const col = findColumns(
    file,
    table.header,
    { ladCode: COLUMNS.ladCode, cspCode: COLUMNS.cspCode },
    { cspName: COLUMNS.cspName },
    'a district → community safety partnership table (lad_code, csp_code, csp_name)',
  );
  const name = (i: number) => table.header[i] ?? '';
  const parsed = emptyParsed<CspRow>();
  const first = new FirstPerKey(parsed);
  eachCodedRow(table, parsed, col.ladCode, GSS_CODE, 'not a local authority district code (e.g. E07000129)', (fields, ladCode, line) => {
    const cspCode = cleanText(fields[col.cspCode]);
    if (cspCode === null) {
      return { line, column: name(col.cspCode), value: '', reason: 'the CSP code is empty' };
    }
    const cspName = (col.cspName >= 0 ? cleanText(fields[col.cspName]) : null) ?? cspCode;
    first.add(ladCode, JSON.stringify([cspCode, cspName]), { ladCode, cspCode, cspName }, line, name(col.ladCode));
  });
  return parsed;
}
