/**
 * Community Safety Partnerships. By default each local authority district is its own CSP; this file
 * overrides that per district: `lad_code,csp_code,csp_name` (also `LAD19CD,CSPCD,CSPNM` and other ONS
 * spellings). The CSP name defaults to its code when the file has no name column.
 */
import { parseCsv } from '../common/csv.js';
import { COLUMNS, GSS_CODE, cleanCode, cleanText, findColumns } from './columns.js';
import { emptyParsed, FirstPerKey, type ParsedRows } from './rows.js';

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
  table.rows.forEach((fields, i) => {
    const line = table.lineOf(i);
    parsed.rowsRead++;
    const ladCode = cleanCode(fields[col.ladCode]);
    if (!GSS_CODE.test(ladCode)) {
      parsed.rejects.push({ line, column: name(col.ladCode), value: ladCode, reason: 'not a local authority district code (e.g. E07000129)' });
      return;
    }
    const cspCode = cleanText(fields[col.cspCode]);
    if (cspCode === null) {
      parsed.rejects.push({ line, column: name(col.cspCode), value: '', reason: 'the CSP code is empty' });
      return;
    }
    const cspName = (col.cspName >= 0 ? cleanText(fields[col.cspName]) : null) ?? cspCode;
    first.add(ladCode, JSON.stringify([cspCode, cspName]), { ladCode, cspCode, cspName }, line, name(col.ladCode));
  });
  return parsed;
}
