import { inferSchema, initParser } from 'udsv';
import { parse } from 'csv-parse/sync';
import { FileRejectedError } from '../../core/errors.js';
import { formatBytes, ingestLimits, limitHint } from './limits.js';
import { textRefusals } from './files.js';

/**
 * A chunk also ends after this many characters, so that rows of hostile width (a line of a million
 * commas) are parsed a few megabytes at a time rather than as one chunk of millions of fields.
 */
const MAX_CHUNK_CHARS = 16 * 1024 * 1024;

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
  const { header, chunks } = parseCsvChunks(name, text, Number.MAX_SAFE_INTEGER);
  const parts = [...chunks];
  if (parts.length === 1) return { ...parts[0]!, header };
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const part of parts) part.rows.forEach((row, i) => (rows.push(row), lines.push(part.lineOf(i))));
  return { header, rows, simpleLines: parts.every((p) => p.simpleLines), lineOf: (i) => lines[i]! };
}

/** One chunk of a CSV file's body: whole records, and the file line it starts on. */
export interface CsvChunkText {
  text: string;
  firstLine: number;
}

/**
 * Parses CSV text in chunks of about `targetRows` records, so a large extract never exists as millions
 * of row arrays at once. Small chunks also die young: a chunk's rows that outlive V8's young
 * generation are copied to the old one and collected there, at several times the cost.
 */
export function parseCsvChunks(name: string, text: string, targetRows = 1_000): { header: string[]; chunks: Generator<ParsedTable> } {
  const cut = csvChunkTexts(name, text, targetRows);
  return { header: cut.header, chunks: parseChunkTexts(name, cut) };
}

/** Parses the chunks of a cut file as they are taken. */
export function* parseChunkTexts(name: string, cut: CsvChunkTexts): Generator<ParsedTable> {
  const parse = csvChunkParser(name, cut.headerText, cut.header.length);
  for (const chunk of cut.chunks) yield parse(chunk);
}

/**
 * Cuts CSV text into its header and chunks of about `targetRows` records, unparsed. Chunks end on a
 * record boundary (a newline outside quotes), so each can be parsed on its own, in any thread.
 */
export function csvChunkTexts(name: string, text: string, targetRows = 1_000): CsvChunkTexts {
  if (text.trim().length === 0) throw textRefusals.empty(name);
  return csvChunkTextsFromBlocks(name, [text], targetRows);
}

export interface CsvChunkTexts {
  header: string[];
  headerText: string;
  chunks: Generator<CsvChunkText>;
}

/**
 * As csvChunkTexts, for text that arrives in blocks (a file read a block at a time): only the records
 * not yet cut into chunks are held. A record still open at the end of what has been read waits for the
 * next block, up to a chunk's size plus the record limit; past that it is cut anyway, and the parser
 * refuses it with the message the whole text would have given.
 */
export function csvChunkTextsFromBlocks(name: string, blocks: Iterable<string>, targetRows = 1_000): CsvChunkTexts {
  const source = blocks[Symbol.iterator]();
  const openRecordCap = MAX_CHUNK_CHARS + ingestLimits().maxLineBytes;
  let pending = '';
  let start = 0;
  let eof = false;
  const more = (): boolean => {
    if (eof) return false;
    const next = source.next();
    if (next.done) {
      eof = true;
      return false;
    }
    pending = pending.slice(start) + next.value;
    start = 0;
    return true;
  };
  let headerEnd = recordEnd(pending, 0);
  while (headerEnd >= pending.length && pending.length <= openRecordCap && more()) headerEnd = recordEnd(pending, 0);
  const headerText = pending.slice(0, headerEnd);
  const header = robustParse(name, headerText, 1).rows[0]?.map((h) => h.trim()) ?? [];
  start = Math.min(headerEnd + 1, pending.length);
  let line = 1 + countNewlines(pending, 0, start);
  function* chunks(): Generator<CsvChunkText> {
    for (;;) {
      let end = chunkEnd(pending, start, targetRows);
      while (end >= pending.length && pending.length - start <= openRecordCap && more()) end = chunkEnd(pending, start, targetRows);
      if (start >= pending.length) return;
      const chunk = pending.slice(start, end);
      if (chunk.trim() !== '') yield { text: chunk, firstLine: line };
      line += countNewlines(pending, start, end);
      start = end;
    }
  }
  return { header, headerText, chunks: chunks() };
}

/**
 * Parses chunks of a file whose header is `headerText`: the verified uDSV fast path, else csv-parse
 * with the chunk's line offset.
 */
export function csvChunkParser(name: string, headerText: string, width: number): (chunk: CsvChunkText) => ParsedTable {
  const parser = width > 0 ? initParser(inferSchema(headerText + '\n', { header: () => [] }, 1)) : null;
  return (chunk) => fastParse(chunk.text, width, chunk.firstLine, parser) ?? robustParse(name, chunk.text, chunk.firstLine);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Index of the newline ending the record that starts at `from` (quote-aware), or text.length. */
function recordEnd(text: string, from: number): number {
  let quoted = false;
  let i = from;
  // The next quote is found once and carried from line to line: searching for it afresh on every line
  // of a field that spans many lines would scan the rest of the field once per line (quadratic).
  let q = text.indexOf('"', i);
  for (;;) {
    const nl = text.indexOf('\n', i);
    const stop = nl < 0 ? text.length : nl;
    for (; q >= 0 && q < stop; q = text.indexOf('"', q + 1)) quoted = !quoted;
    if (nl < 0 || !quoted) return stop;
    i = nl + 1;
  }
}

/** End (exclusive) of a chunk of about `targetRows` records starting at `start`. */
function chunkEnd(text: string, start: number, targetRows: number): number {
  let pos = start;
  // Only lines with quotes can hide a newline inside a field; track the next quote so that quote-free
  // text is scanned once, not once per line.
  let nextQuote = text.indexOf('"', pos);
  for (let rows = 0; rows < targetRows && pos < text.length && pos - start < MAX_CHUNK_CHARS; rows++) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return text.length;
    if (nextQuote >= 0 && nextQuote < nl) {
      pos = recordEnd(text, pos) + 1;
      nextQuote = pos < text.length ? text.indexOf('"', pos) : -1;
    } else {
      pos = nl + 1;
    }
  }
  return Math.min(pos, text.length);
}

type UdsvParser = ReturnType<typeof initParser>;

function fastParse(chunk: string, width: number, firstLine: number, parser: UdsvParser | null): ParsedTable | undefined {
  if (!parser) return undefined;
  const lines = countNewlines(chunk, 0, chunk.length) + (chunk.endsWith('\n') ? 0 : 1);
  let rows: string[][];
  try {
    rows = parser.stringArrs(chunk);
  } catch {
    return undefined;
  }
  if (rows.length !== lines) return undefined;
  for (const row of rows) {
    if (row.length !== width) return undefined;
    const last = row[width - 1]!;
    if (last.endsWith('\r')) row[width - 1] = last.slice(0, -1);
  }
  return { header: [], rows, simpleLines: true, lineOf: (i) => firstLine + i };
}

function robustParse(name: string, text: string, firstLine: number): ParsedTable {
  let records: { record: string[]; info: { lines: number } }[];
  // A quoted field may span lines, so the line limit is also held per record here.
  const maxRecord = ingestLimits().maxLineBytes;
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true, max_record_size: maxRecord }) as unknown as typeof records;
  } catch (error) {
    const err = error as Error & { lines?: number; code?: string };
    const where = err.lines ? `line ${firstLine + err.lines - 1}: ` : '';
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      throw new FileRejectedError(name, `${where}a record is longer than the limit of ${formatBytes(maxRecord)}`, `${limitHint('maxLineBytes')}; or check quoting: every opening " needs a closing "`);
    }
    throw new FileRejectedError(name, `${where}the CSV structure is broken (${err.message.replace(/^Invalid [^:]*: /, '').replace(/ at line \d+/, '')})`, 'check quoting: every opening " needs a closing "');
  }
  const starts: number[] = [];
  const rows: string[][] = [];
  let previousEnd = 0;
  for (const r of records) {
    // info.lines is the line on which the record ended; it started after the previous one ended.
    const fieldLines = r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    starts.push(firstLine - 1 + Math.max(previousEnd + 1, r.info.lines - fieldLines));
    previousEnd = r.info.lines;
    rows.push(r.record);
  }
  return { header: [], rows, simpleLines: false, lineOf: (i) => starts[i]! };
}

/** Data rows in CSV text, counted by line breaks (header excluded; a field spanning lines over-counts). */
export function countDataRows(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  return Math.max(0, lines - 1);
}

export { csvField, csvLine } from '../../core/values/csv.js';
