/**
 * The per-file loop every record-level ingest shares: expand the paths, ingest each file on its own
 * (all or nothing), add up the counts, and carry on past a refused file so the run reports them all,
 * then fail with IngestFailedError (exit 3) if any was refused.
 */
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { expandPaths } from './files.js';
import { IngestFailedError, type FileFailure } from './failures.js';
import { emptySummary, type IngestContext, type IngestSummary } from './types.js';

/** Counts of one file; `details` values are numbers or { key: count } tables, added up across files. */
export interface FileOutcome {
  accepted: number;
  rejected: number;
  duplicates: number;
  updated: number;
  skipped: boolean;
  rowsRead: number;
  warnings: string[];
  details: Record<string, number | Record<string, number>>;
}

export function skippedFile(rows: number): FileOutcome {
  return { accepted: 0, rejected: 0, duplicates: rows, updated: 0, skipped: true, rowsRead: rows, warnings: [], details: {} };
}

function addDetails(total: Record<string, unknown>, part: FileOutcome['details']): void {
  for (const [key, value] of Object.entries(part)) {
    if (typeof value === 'number') {
      total[key] = (typeof total[key] === 'number' ? total[key] : 0) + value;
    } else {
      const table = (total[key] ??= {}) as Record<string, number>;
      for (const [k, n] of Object.entries(value)) table[k] = (table[k] ?? 0) + n;
    }
  }
}

export async function ingestFiles(
  ctx: IngestContext,
  paths: readonly string[],
  wanted: RegExp,
  describe: string,
  one: (path: string) => Promise<FileOutcome>,
  /** Adds run-level notes to the summary, also when some files were refused. */
  finish?: (summary: IngestSummary) => Promise<void>,
): Promise<IngestSummary> {
  const started = performance.now();
  // Walking a folder skips the rejects files an earlier run wrote there (`<input>.rejects.csv`).
  const files = expandPaths(paths, (name) => wanted.test(name) && !/\.rejects\.csv$/i.test(name));
  if (files.length === 0) throw new SvoError(`no ${describe} found in ${paths.join(', ')}`, 3);
  const summary = emptySummary();
  const failures: FileFailure[] = [];
  let rowsRead = 0;
  for (const path of files) {
    try {
      const part = await one(path);
      summary.files++;
      summary.accepted += part.accepted;
      summary.rejected += part.rejected;
      summary.duplicates += part.duplicates;
      summary.updated += part.updated;
      summary.skippedFiles += part.skipped ? 1 : 0;
      rowsRead += part.rowsRead;
      summary.warnings.push(...part.warnings);
      addDetails(summary.details, part.details);
    } catch (error) {
      if (!(error instanceof FileRejectedError)) throw error;
      failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.details.rowsRead = rowsRead;
  summary.rowsPerSecond = Math.round(rowsRead / Math.max(summary.seconds, 1e-9));
  if (finish) await finish(summary);
  if (failures.length > 0) throw new IngestFailedError(summary, failures);
  return summary;
}

/** Reads a table's first chunk ahead (for checks on real rows before anything is processed). */
export function peekFirst<T>(chunks: Iterable<T>): { first: T | undefined; all: Iterable<T> } {
  const it = chunks[Symbol.iterator]();
  const head = it.next();
  function* all(): Generator<T> {
    if (head.done) return;
    yield head.value;
    for (let next = it.next(); !next.done; next = it.next()) yield next.value;
  }
  return { first: head.done ? undefined : head.value, all: all() };
}
