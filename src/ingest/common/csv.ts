import { inferSchema, initParser } from 'udsv';
import { parse } from 'csv-parse/sync';
import { FileRejectedError } from '../../core/errors.js';

/** A parsed table: header plus rows of raw strings, with the file line of each row for messages. */
export interface ParsedTable {
  header: string[];
  rows: string[][];
  /** 1-based line number in the file where row `i` starts. */
  lineOf(i: number): number;
  /** True when the fast path applied: one record per line, all as wide as the header. */
  simpleLines: boolean;
}

/**
 * Parses CSV text. Clean files (one record per line, every record as wide as the header) take a fast
 * path through uDSV; its result is verified against the line count, because uDSV assumes a fixed
 * column count and mis-splits ragged rows. Anything else goes through csv-parse, which tolerates ragged
 * rows and reports exact line numbers. The header is the first record; blank lines are ignored.
 */
export function parseCsv(name: string, text: string): ParsedTable {
  if (text.trim().length === 0) throw new FileRejectedError(name, 'the file is empty', 'expected a CSV file with a header row');
  return fastParse(text) ?? robustParse(name, text);
}

function fastParse(text: string): ParsedTable | undefined {
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  let all: string[][];
  try {
    all = initParser(inferSchema(text, { header: () => [] }, 1)).stringArrs(text);
  } catch {
    return undefined;
  }
  const header = all[0];
  if (!header || all.length !== lines) return undefined;
  const width = header.length;
  for (let i = 1; i < all.length; i++) {
    const row = all[i]!;
    if (row.length !== width) return undefined;
    for (const field of row) if (field.includes('\n') || field.includes('\r')) return undefined;
  }
  return { header: header.map((h) => h.trim()), rows: all.slice(1), simpleLines: true, lineOf: (i) => i + 2 };
}

function robustParse(name: string, text: string): ParsedTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const err = error as Error & { lines?: number };
    const where = err.lines ? `line ${err.lines}: ` : '';
    throw new FileRejectedError(name, `${where}the CSV structure is broken (${err.message.replace(/^Invalid [^:]*: /, '')})`, 'check quoting: every opening " needs a closing "');
  }
  const [first, ...rest] = records;
  if (!first) throw new FileRejectedError(name, 'the file is empty', 'expected a CSV file with a header row');
  const starts: number[] = [];
  const rows: string[][] = [];
  let previousEnd = first.info.lines;
  for (const r of rest) {
    // info.lines is the line on which the record ended; it started after the previous one ended.
    const fieldLines = r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    starts.push(Math.max(previousEnd + 1, r.info.lines - fieldLines));
    previousEnd = r.info.lines;
    rows.push(r.record);
  }
  return { header: first.record.map((h) => h.trim()), rows, simpleLines: false, lineOf: (i) => starts[i]! };
}

function parseHeaderLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  out.push(field);
  return out.map((h) => h.trim());
}

/** Quotes a value for CSV output when needed (RFC 4180). `null` becomes an empty field. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (text === '') return '""';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\n';
}
