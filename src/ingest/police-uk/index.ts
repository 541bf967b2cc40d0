import { basename } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { IngestFailedError, type FileFailure } from '../common/failures.js';
import type { Queryable } from '../../store/port.js';
import { enforceRejectRate, insertBatch, isAlreadyIngested, nextBatchId, storedShas, writeRejects } from '../common/batches.js';
import { preparer } from './prepare-parallel.js';
import { refusalError, type PreparedEntry, type PreparedRows } from './prepare.js';
import { expandPaths } from '../common/files.js';
import { emptySummary, type IngestContext, type IngestSummary, type Reject } from '../common/types.js';
import { POLICE_UK_FILE_NAME, POLICE_UK_TABLE_COLUMNS } from './columns.js';

export const POLICE_UK_SOURCE = 'police-uk';

export interface PoliceUkOptions {
  /** Largest share of rows that may be rejected before the whole file is refused (default 0.05). */
  maxRejectRate?: number;
  /** One rejects file for the whole run; default `<input>.rejects.csv` beside each input. */
  rejectsPath?: string;
  /** Rows per transaction, about: a group ends with the file that reaches it (a file is never split). */
  commitRows?: number;
}

/** A prepared file with its batch, being loaded. */
interface PreparedFile extends PreparedRows {
  name: string;
  sha256: string;
  batchId: number;
}

function wantedName(name: string): boolean {
  return POLICE_UK_FILE_NAME.test(name) || /\.zip$/i.test(name);
}

/**
 * Ingests data.police.uk street-level files. Each file is all-or-nothing; identical files are skipped
 * by sha256; rows already stored (same month and Crime ID — a crime reappears in later months' files
 * with its outcome updated — or same content for anti-social behaviour rows, which have no Crime ID) are counted as duplicates, or replaced and counted as updated when they changed.
 */
export async function ingestPoliceUk(ctx: IngestContext, paths: readonly string[], options: PoliceUkOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const maxRate = options.maxRejectRate ?? 0.05;
  const commitRows = options.commitRows ?? 1_000_000;
  const summary = emptySummary();
  const failures: FileFailure[] = [];
  const allRejects: { file: string; reject: Reject }[] = [];
  const files = expandPaths(paths, wantedName);
  if (files.length === 0) throw new SvoError(`no data.police.uk street files found in ${paths.join(', ')}`, 3, 'expected files named YYYY-MM-<force>-street.csv, .csv.gz or a monthly .zip');

  ctx.progress.start('police-uk', files.length);
  const prepared = preparer(files, new Set(await storedShas(ctx.store, POLICE_UK_SOURCE)));

  /** Loads one prepared file (or zip entry) in `tx`; returns its rows. */
  const loadEntry = async (tx: Queryable, path: string, entry: PreparedEntry, pathRejects: { file: string; reject: Reject }[]): Promise<number> => {
    if (await isAlreadyIngested(tx, POLICE_UK_SOURCE, entry.sha256)) {
      summary.skippedFiles++;
      summary.files++;
      summary.duplicates += entry.dataRows;
      ctx.log(`${entry.name}: identical file already ingested, skipped`);
      return 0;
    }
    const startedAt = ctx.now();
    const batchId = await nextBatchId(tx);
    if (entry.refusal) throw refusalError(entry.refusal);
    const file: PreparedFile = { ...entry.rows!, name: entry.name, sha256: entry.sha256, batchId };
    const { rejects } = file;
    const rejectsPath = options.rejectsPath ?? `${path}.rejects.csv`;
    for (const reject of rejects) {
      allRejects.push({ file: entry.name, reject });
      pathRejects.push({ file: entry.name, reject });
    }
    // Written after each entry, with every entry of this path so far (a zip holds several).
    if (rejects.length > 0 && !options.rejectsPath) writeRejects(rejectsPath, pathRejects);
    enforceRejectRate(entry.name, rejects.length, file.rowsRead, maxRate, rejects.length ? rejectsPath : null);
    const counts = await loadFile(tx, file);
    summary.rejected += rejects.length;
    summary.files++;
    summary.accepted += counts.accepted;
    summary.updated += counts.updated;
    summary.duplicates += counts.duplicates + file.duplicates;
    await insertBatch(tx, {
      id: batchId,
      source: POLICE_UK_SOURCE,
      agency: file.agency,
      fileName: basename(file.name),
      sha256: file.sha256,
      profile: null,
      rowsRead: file.rowsRead,
      accepted: counts.accepted,
      rejected: rejects.length,
      duplicates: counts.duplicates + file.duplicates,
      updated: counts.updated,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      rejects,
      summary: { months: [...file.months].sort() },
    });
    return file.rowsRead;
  };

  // Files are loaded as they are prepared (the workers prepare the next ones meanwhile), one
  // transaction per group of about `commitRows` rows. A file refused is left out of its group.
  let index = 0;
  try {
    while (index < files.length) {
      await ctx.store.transaction(async (tx) => {
        for (let groupRows = 0; index < files.length && groupRows < commitRows; index++) {
          const path = files[index]!;
          try {
            const pathRejects: { file: string; reject: Reject }[] = [];
            for (const entry of await prepared.next(index)) groupRows += await loadEntry(tx, path, entry, pathRejects);
          } catch (error) {
            if (!(error instanceof FileRejectedError)) throw error;
            failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
          }
          ctx.progress.update(index + 1);
        }
      });
    }
  } finally {
    await prepared.close();
    ctx.progress.stop();
  }
  if (options.rejectsPath && allRejects.length > 0) writeRejects(options.rejectsPath, allRejects);
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = Math.round((summary.accepted + summary.updated + summary.duplicates + summary.rejected) / Math.max(summary.seconds, 1e-9));
  if (failures.length > 0) throw new IngestFailedError(summary, failures);
  return summary;
}

/** The file's rows as lines of the table: the batch id, then the prepared columns. */
function* tableLines(file: PreparedFile): Generator<string> {
  const prefix = `${file.batchId},`;
  for (const line of file.lines) yield prefix + line;
}

interface Counts {
  accepted: number;
  updated: number;
  duplicates: number;
}

/**
 * Loads a prepared file. When none of its months is stored yet (earlier files of this transaction
 * included) every row is new and the rows are copied straight into the table; otherwise they are
 * staged and matched on (month, Crime ID or anti-social-behaviour key): unchanged rows are
 * duplicates, changed rows replace the stored ones and count as updated.
 */
async function loadFile(tx: Queryable, file: PreparedFile): Promise<Counts> {
  for (const month of file.months) {
    const found = await tx.query(`SELECT 1 AS found FROM police_uk_crimes WHERE month = CAST($1 AS DATE) LIMIT 1`, [`${month}-01`]);
    if (found.length > 0) return mergeIntoStored(tx, file);
  }
  const loaded = await tx.copyCsv('police_uk_crimes', POLICE_UK_TABLE_COLUMNS, tableLines(file));
  if (loaded !== file.lines.length) throw new SvoError(`the database read ${loaded} rows where svo prepared ${file.lines.length}; nothing was stored`);
  return { accepted: loaded, updated: 0, duplicates: 0 };
}

async function mergeIntoStored(tx: Queryable, file: PreparedFile): Promise<Counts> {
  const columns = POLICE_UK_TABLE_COLUMNS;
  const compared = columns.filter((c) => c !== 'batch_id');
  await tx.run(`CREATE TEMPORARY TABLE police_uk_incoming AS SELECT * FROM police_uk_crimes WHERE 1 = 0`);
  try {
    await tx.copyCsv('police_uk_incoming', columns, tableLines(file));
    await tx.run(`CREATE TEMPORARY TABLE police_uk_matched AS
      SELECT i.*, CASE WHEN p.month IS NULL THEN 'new'
                       WHEN ${compared.map((c) => `i.${c} IS NOT DISTINCT FROM p.${c}`).join(' AND ')} THEN 'same'
                       ELSE 'changed' END AS status
      FROM police_uk_incoming i LEFT JOIN police_uk_crimes p
        ON p.month = i.month AND COALESCE(p.crime_id, p.asb_key) = COALESCE(i.crime_id, i.asb_key)`);
    await tx.run(`DELETE FROM police_uk_crimes WHERE EXISTS (
      SELECT 1 FROM police_uk_matched m WHERE m.status = 'changed' AND m.month = police_uk_crimes.month
        AND COALESCE(m.crime_id, m.asb_key) = COALESCE(police_uk_crimes.crime_id, police_uk_crimes.asb_key))`);
    await tx.run(`INSERT INTO police_uk_crimes (${columns.join(', ')})
      SELECT ${columns.join(', ')} FROM police_uk_matched WHERE status <> 'same'`);
    const [c] = await tx.query<{ accepted: number; updated: number; duplicates: number }>(`
      SELECT SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END) AS accepted,
        SUM(CASE WHEN status = 'changed' THEN 1 ELSE 0 END) AS updated,
        SUM(CASE WHEN status = 'same' THEN 1 ELSE 0 END) AS duplicates
      FROM police_uk_matched`);
    return { accepted: Number(c?.accepted ?? 0), updated: Number(c?.updated ?? 0), duplicates: Number(c?.duplicates ?? 0) };
  } finally {
    await tx.run(`DROP TABLE IF EXISTS police_uk_incoming`);
    await tx.run(`DROP TABLE IF EXISTS police_uk_matched`);
  }
}

export { IngestFailedError } from '../common/failures.js';
