/**
 * Reading data.police.uk street files: decompression, the sha256 that makes re-ingest a no-op, header
 * and row checks, and accepted rows written to a spool file as CSV lines. Needs no database, so files
 * can be prepared in worker threads (prepare-worker.ts) while the loader takes earlier ones.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { FileRejectedError } from '../../core/errors.js';
import { CsvSpool } from '../../store/spool.js';
import { countDataRows, csvLine, parseCsv } from '../common/csv.js';
import { readInputTexts } from '../common/files.js';
import type { Reject } from '../common/types.js';
import { POLICE_UK_FILE_NAME } from './columns.js';
import { headerProblem, validatePoliceUkRow } from './validate.js';

/** One file's accepted rows and what was found on the way. */
export interface PreparedRows {
  rowsRead: number;
  rejects: Reject[];
  /** Repeated (month, Crime ID) rows inside this file, skipped before loading. */
  duplicates: number;
  /**
   * A spool file of the accepted rows as CSV lines in POLICE_UK_TABLE_COLUMNS order without the
   * leading batch id (the loader adds it). Written where the file is prepared, so the rows never cross
   * between threads; whoever takes the entry removes the file (`removeSpools`).
   */
  spoolPath: string;
  /** Accepted rows in the spool file. */
  lineCount: number;
  /** The months ('YYYY-MM') the file covers. */
  months: string[];
  agency: string;
}

/** A file-level refusal, as plain data (it may come from a worker thread). */
export interface Refusal {
  file: string;
  message: string;
  hint: string | null;
}

/** One input file (or one CSV of a zip), prepared unless its content is already stored. */
export interface PreparedEntry {
  name: string;
  sha256: string;
  /** Data rows counted by line breaks (what a skipped file reports as duplicates). */
  dataRows: number;
  /** Null when the content was already stored when preparation began (it will be skipped). */
  rows: PreparedRows | null;
  refusal: Refusal | null;
}

/** Deletes the spool files of prepared rows that have been loaded or never will be. */
export function removeSpools(rows: Iterable<Pick<PreparedRows, 'spoolPath'> | null>): void {
  for (const r of rows) if (r) rmSync(r.spoolPath, { force: true });
}

export function refusalOf(error: FileRejectedError): Refusal {
  const prefix = `${error.file}: `;
  return { file: error.file, message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message, hint: error.hint ?? null };
}

export function refusalError(refusal: Refusal): FileRejectedError {
  return new FileRejectedError(refusal.file, refusal.message, refusal.hint ?? undefined);
}

/**
 * Reads one input path (a street CSV, .csv.gz or monthly .zip) and prepares each of its files whose
 * sha256 is not in `stored`. Throws FileRejectedError when the path itself cannot be read; a file that
 * is refused carries its refusal instead, so the entries before it still count.
 */
export function preparePath(path: string, stored: ReadonlySet<string>): PreparedEntry[] {
  const texts = readInputTexts(path, (n) => POLICE_UK_FILE_NAME.test(n), 'data.police.uk street-level CSV (YYYY-MM-<force>-street.csv)');
  const entries: PreparedEntry[] = [];
  try {
    for (const input of texts) {
      const entry: PreparedEntry = { name: input.name, sha256: input.sha256, dataRows: countDataRows(input.text), rows: null, refusal: null };
      entries.push(entry);
      if (stored.has(input.sha256)) continue;
      try {
        entry.rows = prepare(input.name, input.text);
      } catch (error) {
        if (!(error instanceof FileRejectedError)) throw error;
        entry.refusal = refusalOf(error);
      }
    }
    return entries;
  } catch (error) {
    removeSpools(entries.map((e) => e.rows));
    throw error;
  }
}

const MONTH_FIELD = /^\d{4}-\d{2}$/;

/**
 * Parses and validates one file in memory and writes accepted rows to a spool file as CSV lines for
 * the table (every column but the batch id, which the loader adds).
 * Clean lines (no quotes: nearly all of them) are split natively and spliced, not re-serialised;
 * a file with a field spanning lines is parsed as a whole by the robust CSV parser instead.
 * Throws FileRejectedError for file-level problems.
 */
export function prepare(name: string, text: string): PreparedRows {
  const firstBreak = text.indexOf('\n');
  const headerLine = (firstBreak < 0 ? text : text.slice(0, firstBreak)).replace(/\r$/, '');
  const header = parseCsv(name, headerLine + '\n').header;
  const problem = headerProblem(header);
  if (problem) throw new FileRejectedError(name, problem);

  const spool = new CsvSpool();
  try {
    const file = prepareInto(spool, name, text, headerLine, firstBreak);
    spool.close();
    return { ...file, spoolPath: spool.path, lineCount: spool.lines };
  } catch (error) {
    spool.remove();
    throw error;
  }
}

function prepareInto(spool: CsvSpool, name: string, text: string, headerLine: string, firstBreak: number): Omit<PreparedRows, 'spoolPath' | 'lineCount'> {
  const rejects: Reject[] = [];
  const file = { agency: 'data.police.uk', rowsRead: 0, rejects, duplicates: 0, months: new Map<string, Set<string>>() };
  let currentMonth = '';
  let monthIds = new Set<string>();
  const asbOrdinals = new Map<string, number>();
  const accept = (fields: string[], line: number, rawLine: string | null) => {
    file.rowsRead++;
    const reject = validatePoliceUkRow(fields, line);
    if (reject) {
      rejects.push(reject);
      return;
    }
    const crimeId = fields[0]!.trim();
    const month = fields[1]!;
    if (month !== currentMonth) {
      currentMonth = month;
      monthIds = file.months.get(month) ?? new Set();
      file.months.set(month, monthIds);
    }
    let asbKey = '';
    if (crimeId === '') {
      // No Crime ID (anti-social behaviour): identical rows are distinct events, so number them.
      const hash = createHash('md5').update(fields.join('\x1f')).digest('hex');
      const ordinal = (asbOrdinals.get(hash) ?? 0) + 1;
      asbOrdinals.set(hash, ordinal);
      asbKey = `${hash}:${ordinal}`;
    } else {
      if (monthIds.has(crimeId)) {
        file.duplicates++;
        return;
      }
      monthIds.add(crimeId);
    }
    // fields came from splitting rawLine at commas, so the line starts with Crime ID, Month and their
    // commas as they stand: spliced in as is when the ID needed no trimming and the month is well formed.
    if (rawLine !== null && fields[0] === crimeId && MONTH_FIELD.test(month)) {
      spool.write(`${crimeId},${asbKey},${month}-01,${rawLine.slice(crimeId.length + 9)}\n`);
    } else {
      const values = [crimeId, asbKey, `${month}-01`, ...fields.slice(2)];
      spool.write(csvLine(values.map((v) => (v.trim() === '' ? null : v))));
    }
  };

  const body = firstBreak < 0 ? '' : text.slice(firstBreak + 1);
  const lines = body.split('\n');
  const multiLineField = lines.some((l) => l.includes('"') && (l.split('"').length - 1) % 2 === 1);
  if (multiLineField) {
    const table = parseCsv(name, text);
    table.rows.forEach((row, i) => accept(row, table.lineOf(i), null));
  } else {
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim() === '') continue;
      const quoted = line.includes('"');
      const fields = quoted ? parseCsv(name, `${headerLine}\n${line}\n`).rows[0] ?? [] : line.split(',');
      accept(fields, i + 2, quoted ? null : line);
    }
  }
  if (file.rowsRead === 0) throw new FileRejectedError(name, 'has a header but no data rows');
  file.agency = (body.split(',', 3)[2] ?? '').trim() || 'data.police.uk';
  return { rowsRead: file.rowsRead, rejects, duplicates: file.duplicates, months: [...file.months.keys()], agency: file.agency };
}

