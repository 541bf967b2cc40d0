/**
 * What every geography parser returns, and the in-file de-duplication they share.
 */
import type { ParsedTable } from '../common/csv.js';
import type { Reject } from '../common/types.js';
import { cleanCode } from './columns.js';

export interface ParsedRows<R> {
  rows: R[];
  /** Data rows (or GeoJSON features) read from the file. */
  rowsRead: number;
  /** Rows repeating an LSOA (or district) already read with the same values, e.g. OA rows of one LSOA. */
  duplicates: number;
  /** Valid rows for LSOAs outside the stored lookup, left out on purpose. */
  outsideLookup: number;
  rejects: Reject[];
  warnings: string[];
}

export function emptyParsed<R>(): ParsedRows<R> {
  return { rows: [], rowsRead: 0, duplicates: 0, outsideLookup: 0, rejects: [], warnings: [] };
}

/**
 * Keeps the first row per key. A later row with the same key and the same values is a duplicate; one
 * with different values is rejected (the file contradicts itself) and the first row stands.
 */
export class FirstPerKey<R> {
  private readonly seen = new Map<string, { line: number; signature: string }>();

  constructor(private readonly parsed: ParsedRows<R>) {}

  add(key: string, signature: string, row: R, line: number, column: string): void {
    const earlier = this.seen.get(key);
    if (!earlier) {
      this.seen.set(key, { line, signature });
      this.parsed.rows.push(row);
    } else if (earlier.signature === signature) {
      this.parsed.duplicates++;
    } else {
      this.parsed.rejects.push({ line, column, value: key, reason: `${key} appears again with different values (first on line ${earlier.line}); the first row was kept` });
    }
  }
}

/**
 * Walks a table's rows keyed by a code column: counts each row, rejects rows whose code does not
 * match `pattern` (naming the column and the expected form), and hands the rest to `each`, which may
 * return a further Reject.
 */
export function eachCodedRow<R>(
  table: ParsedTable,
  parsed: ParsedRows<R>,
  codeColumn: number,
  pattern: RegExp,
  expected: string,
  each: (fields: string[], code: string, line: number) => Reject | void,
): void {
  table.rows.forEach((fields, i) => {
    const line = table.lineOf(i);
    parsed.rowsRead++;
    const code = cleanCode(fields[codeColumn]);
    if (!pattern.test(code)) {
      parsed.rejects.push({ line, column: table.header[codeColumn] ?? '', value: code, reason: expected });
      return;
    }
    const reject = each(fields, code, line);
    if (reject) parsed.rejects.push(reject);
  });
}
