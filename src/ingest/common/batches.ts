import { writeFileSync } from 'node:fs';
import type { Queryable } from '../../store/port.js';
import { FileRejectedError } from '../../core/errors.js';
import { neutraliseFormula } from '../../core/security/formula.js';
import { csvLine } from './csv.js';
import type { Reject } from './types.js';

export interface BatchRecord {
  id: number;
  source: string;
  agency: string;
  fileName: string;
  sha256: string;
  profile: string | null;
  rowsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  updated: number;
  startedAt: Date;
  finishedAt: Date;
  user: string;
  summary: Record<string, unknown>;
  /** The file's rejected rows (identifier values redacted), stored with the batch up to MAX_STORED_REJECTS. */
  rejects?: readonly Reject[];
}

/**
 * Rejected rows stored per batch (the rest are still counted in rows_rejected and written to the
 * rejects file). A file may reject at most 5% of its rows by default, so this covers files of 200,000
 * rows in full while a pathological file cannot fill the database.
 */
export const MAX_STORED_REJECTS = 10_000;
/** Longest reject value stored; longer ones are cut (a rejected cell can be an entire mangled line). */
export const MAX_STORED_REJECT_VALUE = 500;

/** A naive local timestamp 'YYYY-MM-DD HH:MM:SS' (svo stores wall-clock times in UK local time). */
export function sqlTimestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export async function isAlreadyIngested(db: Queryable, source: string, sha: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 AS found FROM ingest_batches WHERE source = $1 AND file_sha256 = $2 LIMIT 1`, [source, sha]);
  return rows.length > 0;
}

/** The sha256 of every file of a source stored so far. */
export async function storedShas(db: Queryable, source: string): Promise<string[]> {
  const rows = await db.query<{ sha: string }>(`SELECT DISTINCT file_sha256 AS sha FROM ingest_batches WHERE source = $1`, [source]);
  return rows.map((r) => r.sha);
}

export async function nextBatchId(db: Queryable): Promise<number> {
  return (await nextBatchIds(db, 1))[0]!;
}

/** `count` new batch ids, in ascending order, in one statement. */
export async function nextBatchIds(db: Queryable, count: number): Promise<number[]> {
  if (count === 0) return [];
  const values = Array.from({ length: count }, (_, i) => `(${i})`).join(', ');
  const rows = await db.query<{ id: number }>(`SELECT nextval('ingest_batch_id_seq') AS id FROM (VALUES ${values}) AS v (n)`);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export function insertBatch(db: Queryable, b: BatchRecord): Promise<void> {
  return insertBatches(db, [b]);
}

const BATCH_VALUES = 15;
/** Batches per INSERT: PostgreSQL takes at most 65,535 parameters. */
const BATCHES_PER_STATEMENT = 1_000;

/** Records several batches (and their stored rejects) in two statements per thousand, not two per batch. */
export async function insertBatches(db: Queryable, all: readonly BatchRecord[]): Promise<void> {
  for (let from = 0; from < all.length; from += BATCHES_PER_STATEMENT) await insertBatchRows(db, all.slice(from, from + BATCHES_PER_STATEMENT));
}

async function insertBatchRows(db: Queryable, batches: readonly BatchRecord[]): Promise<void> {
  if (batches.length === 0) return;
  const rows = batches.map((_, i) => {
    const p = (k: number) => `$${i * BATCH_VALUES + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, CAST(${p(12)} AS TIMESTAMP), CAST(${p(13)} AS TIMESTAMP), ${p(14)}, ${p(15)})`;
  });
  await db.run(
    `INSERT INTO ingest_batches (id, source, agency, file_name, file_sha256, profile, rows_read, rows_accepted, rows_rejected,
       duplicates, updated, started_at, finished_at, ingested_by, summary)
     VALUES ${rows.join(', ')}`,
    batches.flatMap((b) => [
      b.id,
      b.source,
      b.agency,
      b.fileName,
      b.sha256,
      b.profile,
      b.rowsRead,
      b.accepted,
      b.rejected,
      b.duplicates,
      b.updated,
      sqlTimestamp(b.startedAt),
      sqlTimestamp(b.finishedAt),
      b.user,
      JSON.stringify(b.summary),
    ]),
  );
  const rejectLines = batches.flatMap((b) =>
    (b.rejects ?? []).slice(0, MAX_STORED_REJECTS).map((r, i) => csvLine([b.id, i + 1, r.line, r.column, r.reason, r.value.slice(0, MAX_STORED_REJECT_VALUE)])),
  );
  if (rejectLines.length > 0) await db.copyCsv('ingest_rejects', ['batch_id', 'ordinal', 'line', 'column_name', 'reason', 'value'], [rejectLines.join('')]);
}

/** Refuses a file whose share of rejected rows is above the limit: then nothing of it is stored. */
export function enforceRejectRate(file: string, rejected: number, total: number, maxRate: number, rejectsPath: string | null): void {
  if (total === 0 || rejected / total <= maxRate) return;
  const pct = ((100 * rejected) / total).toFixed(1);
  throw new FileRejectedError(
    file,
    `${rejected} of ${total} rows (${pct}%) were rejected, more than the allowed ${(maxRate * 100).toFixed(1)}%; nothing was stored`,
    rejectsPath ? `see ${rejectsPath} for each rejected row, or raise --max-reject-rate` : 'raise --max-reject-rate to accept the rest',
  );
}

/**
 * A rejects cell made safe to open in a spreadsheet: the values come straight from the input file, so
 * one starting `=`, `+`, `-` or `@` is neutralised like every other CSV export. A plain number (`-3`)
 * is data, not a formula, and is written as it was.
 */
function rejectsCell(value: string): string {
  return /^[-+]?\d+(\.\d+)?$/.test(value) ? value : String(neutraliseFormula(value));
}

/** Writes rejected rows as CSV: file, line, column, value, reason (text cells neutralised against formula injection). */
export function writeRejects(path: string, rejects: readonly { file: string; reject: Reject }[]): void {
  const lines = ['file,line,column,value,reason\n'];
  for (const { file, reject } of rejects) {
    lines.push(csvLine([rejectsCell(file), reject.line, rejectsCell(reject.column), rejectsCell(reject.value), rejectsCell(reject.reason)]));
  }
  writeFileSync(path, lines.join(''), { mode: 0o600 });
}

/**
 * Records one file's rejected rows and refuses the file when too many were rejected. Rejects go beside
 * the input (`<input>.rejects.csv`) or, with a run-wide `rejectsPath`, into that one file with every
 * file's rejects so far (`runRejects` collects them). Returns where the rejects were written.
 */
export function settleRejects(
  path: string,
  rejects: readonly Reject[],
  rowsRead: number,
  options: { rejectsPath?: string; maxRejectRate?: number },
  runRejects: { file: string; reject: Reject }[],
): string {
  const rejectsPath = options.rejectsPath ?? `${path}.rejects.csv`;
  for (const reject of rejects) runRejects.push({ file: path, reject });
  if (rejects.length > 0) writeRejects(rejectsPath, options.rejectsPath ? runRejects : rejects.map((reject) => ({ file: path, reject })));
  enforceRejectRate(path, rejects.length, rowsRead, options.maxRejectRate ?? 0.05, rejects.length ? rejectsPath : null);
  return rejectsPath;
}
