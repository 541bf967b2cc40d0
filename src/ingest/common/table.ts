/**
 * One tabular input file (CSV, XLSX or record-oriented XML) as a header and chunks of rows, with the
 * sha256 that makes re-ingesting an identical file a no-op. Shared by every record-level source.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FileRejectedError } from '../../core/errors.js';
import { countDataRows, parseCsvChunks, type ParsedTable } from './csv.js';
import { decodeText, sha256 } from './files.js';
import { parseXmlTable } from './xml.js';
import { readXlsx } from './xlsx.js';

export interface SourceTable {
  header: string[];
  chunks: Iterable<ParsedTable>;
  rowCount: () => number;
  sha: string;
  /** XLSX cells may hold Excel serial dates. */
  excel: boolean;
  /** Values given once for the whole file (an XML submission header), by element name. */
  fileValues: Record<string, string>;
}

export interface ReadTableOptions {
  /** What the file should be, for the message when its type is wrong (e.g. 'a .csv or .xlsx police extract'). */
  expected: string;
  /** Accept record-oriented XML too. */
  xml?: boolean;
}

/** Reads a .csv (.txt), .xlsx or, when allowed, .xml file; other types are refused as a whole. */
export async function readTable(path: string, options: ReadTableOptions): Promise<SourceTable> {
  const bytes = readFileSync(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') {
    const table = await readXlsx(path, bytes);
    return { header: table.header, chunks: [table], rowCount: () => table.rows.length, sha: sha256(bytes), excel: true, fileValues: {} };
  }
  if (ext === '.xml' && options.xml) {
    const { table, fileValues } = parseXmlTable(path, decodeText(path, bytes));
    return { header: table.header, chunks: [table], rowCount: () => table.rows.length, sha: sha256(bytes), excel: false, fileValues };
  }
  if (ext !== '.csv' && ext !== '.txt') {
    throw new FileRejectedError(path, `unsupported file type '${ext || '(none)'}'`, `expected ${options.expected}`);
  }
  const text = decodeText(path, bytes);
  const { header, chunks } = parseCsvChunks(path, text);
  return { header, chunks, rowCount: () => countDataRows(text), sha: sha256(bytes), excel: false, fileValues: {} };
}
