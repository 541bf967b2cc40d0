/**
 * Size limits on what an input file may expand to, so that a hostile or broken file (a zip or gzip
 * bomb, a 200 MB line, a workbook whose sheet XML or shared strings expand enormously) is refused with
 * a message naming the file and the limit instead of exhausting memory. Every limit lives here, with
 * its environment variable; `ingestLimits()` reads them when a file is opened.
 */
import { UsageError } from '../../core/errors.js';

export interface IngestLimits {
  /** Bytes one input may expand to: a plain file's size, a .gz's output, the sum of a .zip's entries. */
  maxExpandedBytes: number;
  /** Bytes in one line (one CSV record); longer lines are not data a person exported. */
  maxLineBytes: number;
  /** Entries in one .zip archive (the XLSX parts of a workbook included). */
  maxArchiveEntries: number;
  /** Bytes the parts of one XLSX workbook may expand to (a workbook costs far more memory per byte than CSV). */
  maxXlsxExpandedBytes: number;
  /** Cells in one XLSX workbook. */
  maxXlsxCells: number;
  /** Columns in a header (and in an XLSX row). */
  maxColumns: number;
}

interface LimitSetting {
  key: keyof IngestLimits;
  env: string;
  fallback: number;
  /** For README and messages. */
  meaning: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export const LIMIT_SETTINGS: readonly LimitSetting[] = [
  { key: 'maxExpandedBytes', env: 'SVO_MAX_EXPANDED_BYTES', fallback: GiB, meaning: 'largest size one input file may expand to (plain, .gz, or all entries of a .zip)' },
  { key: 'maxLineBytes', env: 'SVO_MAX_LINE_BYTES', fallback: MiB, meaning: 'longest line (CSV record)' },
  { key: 'maxArchiveEntries', env: 'SVO_MAX_ARCHIVE_ENTRIES', fallback: 10_000, meaning: 'most entries in one .zip (or .xlsx) archive' },
  { key: 'maxXlsxExpandedBytes', env: 'SVO_MAX_XLSX_EXPANDED_BYTES', fallback: 256 * MiB, meaning: 'largest size the parts of one .xlsx workbook may expand to' },
  { key: 'maxXlsxCells', env: 'SVO_MAX_XLSX_CELLS', fallback: 2_000_000, meaning: 'most cells in one .xlsx workbook' },
  { key: 'maxColumns', env: 'SVO_MAX_COLUMNS', fallback: 1_000, meaning: 'most columns in a header or an .xlsx row' },
];

/** Excel's own limit on the characters in one cell: a longer cell was not written by Excel. */
export const EXCEL_MAX_CELL_CHARS = 32_767;

/** V8's longest string (2^29 − 24 characters): a single text larger than this cannot be held at all. */
export const MAX_TEXT_CHARS = 2 ** 29 - 24;

const SIZE = /^(\d+(?:\.\d+)?)\s*([KMG]i?B?)?$/i;
const UNIT: Record<string, number> = { K: KiB, M: MiB, G: GiB };

/** Parses `1048576`, `512K`, `64M`, `1G`, `1GiB` (binary units) into a positive whole number. */
export function parseLimit(env: string, text: string): number {
  const match = SIZE.exec(text.trim());
  const value = match ? Math.floor(Number(match[1]) * (match[2] ? UNIT[match[2][0]!.toUpperCase()]! : 1)) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`${env} must be a positive whole number, optionally with K, M or G (e.g. 512M), got '${text}'`);
  }
  return value;
}

/** The limits in force: each environment variable when set, else its default. */
export function ingestLimits(env: NodeJS.ProcessEnv = process.env): IngestLimits {
  const limits = {} as IngestLimits;
  for (const s of LIMIT_SETTINGS) {
    const given = env[s.env];
    limits[s.key] = given === undefined || given.trim() === '' ? s.fallback : parseLimit(s.env, given);
  }
  return limits;
}

/** `1 GiB`, `64 MiB`, `10,000`: for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', GiB], ['MiB', MiB], ['KiB', KiB]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(bytes % size === 0 ? 0 : 1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** The clause every limit message ends with: which variable raises it. */
export function limitHint(key: keyof IngestLimits): string {
  const setting = LIMIT_SETTINGS.find((s) => s.key === key)!;
  return `if the file is genuine, raise the limit with ${setting.env}`;
}
