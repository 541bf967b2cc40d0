/**
 * One tabular input file (CSV, XLSX or record-oriented XML) as a header and chunks of rows, with the
 * sha256 that makes re-ingesting an identical file a no-op. Shared by every record-level source.
 */
import { extname } from 'node:path';
import { FileRejectedError } from '../../core/errors.js';
import { csvChunkTextsFromBlocks, parseChunkTexts, type CsvChunkText, type ParsedTable } from './csv.js';
import { decodeText, readInputBytes, sha256, textRefusals } from './files.js';
import { scanTextFile, textBlocks } from './text-file.js';
import { ingestLimits, limitHint, type IngestLimits } from './limits.js';
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
  /**
   * A CSV file's header and record chunks, unparsed, for readers that parse them in worker threads.
   * The file is read once, a block at a time: take either these or `chunks`, never both.
   */
  csv?: { headerText: string; chunkTexts: Iterable<CsvChunkText> };
}

export interface ReadTableOptions {
  /** What the file should be, for the message when its type is wrong (e.g. 'a .csv or .xlsx police extract'). */
  expected: string;
  /** Accept record-oriented XML too. */
  xml?: boolean;
}

/** Reads a .csv (.txt), .xlsx or, when allowed, .xml file; other types are refused as a whole. */
export async function readTable(path: string, options: ReadTableOptions): Promise<SourceTable> {
  const limits = ingestLimits();
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.txt' && ext !== '.xlsx' && !(ext === '.xml' && options.xml)) {
    throw new FileRejectedError(path, `unsupported file type '${ext || '(none)'}'`, `expected ${options.expected}`);
  }
  if (ext === '.csv' || ext === '.txt') return readCsvTable(path, limits);
  const bytes = readInputBytes(path, limits);
  if (ext === '.xlsx') {
    const table = await readXlsx(path, bytes, limits);
    checkWidth(path, table.header, limits);
    return { header: table.header, chunks: [table], rowCount: () => table.rows.length, sha: sha256(bytes), excel: true, fileValues: {} };
  }
  // What is left is .xml, allowed (checked above).
  const { table, fileValues } = parseXmlTable(path, decodeText(path, bytes));
  checkWidth(path, table.header, limits);
  return { header: table.header, chunks: [table], rowCount: () => table.rows.length, sha: sha256(bytes), excel: false, fileValues };
}

function readCsvTable(path: string, limits: IngestLimits): SourceTable {
  // CSV is read in blocks, twice: once for the sha256 (is it already stored?), the row count and the
  // file-level checks, then for the rows; never as one Buffer and one string.
  const scan = scanTextFile(path, limits);
  if (scan.blank) throw textRefusals.empty(path);
  const cut = csvChunkTextsFromBlocks(path, textBlocks(path, scan));
  checkWidth(path, cut.header, limits);
  return {
    header: cut.header,
    chunks: parseChunkTexts(path, cut),
    rowCount: () => scan.dataRows,
    sha: scan.sha256,
    excel: false,
    fileValues: {},
    csv: { headerText: cut.headerText, chunkTexts: cut.chunks },
  };
}

function checkWidth(path: string, header: readonly string[], limits: IngestLimits): void {
  if (header.length > limits.maxColumns) {
    throw new FileRejectedError(path, `the header has ${header.length} columns, more than the limit of ${limits.maxColumns}`, limitHint('maxColumns'));
  }
}
