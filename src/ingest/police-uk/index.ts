import { basename } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { IngestFailedError, type FileFailure } from '../common/failures.js';
import type { CsvFileLoad, Queryable } from '../../store/port.js';
import { enforceRejectRate, insertBatches, nextBatchIds, storedShas, writeRejects } from '../common/batches.js';
import { preparer } from './prepare-parallel.js';
import { refusalError, removeSpools, type PreparedEntry, type PreparedRows } from './prepare.js';
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

/** A prepared file that passed its checks, waiting for its group to be loaded. */
interface PendingFile extends PreparedRows {
  name: string;
  sha256: string;
  dataRows: number;
  startedAt: Date;
}

/** A pending file with its batch id, being loaded. */
interface LoadingFile extends PendingFile {
  batchId: number;
}

interface Counts {
  accepted: number;
  updated: number;
  duplicates: number;
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
  const stored = new Set(await storedShas(ctx.store, POLICE_UK_SOURCE));
  const prepared = preparer(files, stored);
  /** The sha256 of files stored before this run or taken in it: a second copy is skipped. */
  const known = new Set(stored);
  let pending: PendingFile[] = [];

  const skipIdentical = (name: string, dataRows: number) => {
    summary.skippedFiles++;
    summary.files++;
    summary.duplicates += dataRows;
    ctx.log(`${name}: identical file already ingested, skipped`);
  };

  /** Checks one prepared file (or zip entry) and queues it for loading; returns its rows. */
  const takeEntry = (path: string, entry: PreparedEntry, pathRejects: { file: string; reject: Reject }[]): number => {
    if (known.has(entry.sha256)) {
      skipIdentical(entry.name, entry.dataRows);
      return 0;
    }
    if (entry.refusal) throw refusalError(entry.refusal);
    const rows = entry.rows!;
    const { rejects } = rows;
    const rejectsPath = options.rejectsPath ?? `${path}.rejects.csv`;
    for (const reject of rejects) {
      allRejects.push({ file: entry.name, reject });
      pathRejects.push({ file: entry.name, reject });
    }
    // Written after each entry, with every entry of this path so far (a zip holds several).
    if (rejects.length > 0 && !options.rejectsPath) writeRejects(rejectsPath, pathRejects);
    enforceRejectRate(entry.name, rejects.length, rows.rowsRead, maxRate, rejects.length ? rejectsPath : null);
    known.add(entry.sha256);
    pending.push({ ...rows, name: entry.name, sha256: entry.sha256, dataRows: entry.dataRows, startedAt: ctx.now() });
    return rows.rowsRead;
  };

  /** Loads the pending files in `tx`, in the order they came, and records their batches. */
  const loadPending = async (tx: Queryable) => {
    const taken = pending;
    pending = [];
    try {
      // Another process may have stored one of them since this run began (PostgreSQL).
      const storedMeanwhile = await storedAmong(tx, taken.map((f) => f.sha256));
      const loading: LoadingFile[] = [];
      const ids = await nextBatchIds(tx, taken.filter((f) => !storedMeanwhile.has(f.sha256)).length);
      for (const file of taken) {
        if (storedMeanwhile.has(file.sha256)) skipIdentical(file.name, file.dataRows);
        else loading.push({ ...file, batchId: ids[loading.length]! });
      }
      const counts = await loadFiles(tx, loading);
      const finishedAt = ctx.now();
      loading.forEach((file, i) => {
        const c = counts[i]!;
        summary.rejected += file.rejects.length;
        summary.files++;
        summary.accepted += c.accepted;
        summary.updated += c.updated;
        summary.duplicates += c.duplicates + file.duplicates;
      });
      await insertBatches(
        tx,
        loading.map((file, i) => ({
          id: file.batchId,
          source: POLICE_UK_SOURCE,
          agency: file.agency,
          fileName: basename(file.name),
          sha256: file.sha256,
          profile: null,
          rowsRead: file.rowsRead,
          accepted: counts[i]!.accepted,
          rejected: file.rejects.length,
          duplicates: counts[i]!.duplicates + file.duplicates,
          updated: counts[i]!.updated,
          startedAt: file.startedAt,
          finishedAt,
          user: ctx.user,
          rejects: file.rejects,
          summary: { months: [...file.months].sort() },
        })),
      );
    } finally {
      removeSpools(taken);
    }
  };

  // Files are checked as the workers prepare them and loaded together at the end of their group, one
  // transaction per group of about `commitRows` rows. A file refused is left out of its group.
  let index = 0;
  try {
    while (index < files.length) {
      await ctx.store.transaction(async (tx) => {
        for (let groupRows = 0; index < files.length && groupRows < commitRows; index++) {
          const path = files[index]!;
          let entries: PreparedEntry[] = [];
          try {
            entries = await prepared.next(index);
            const pathRejects: { file: string; reject: Reject }[] = [];
            for (const entry of entries) groupRows += takeEntry(path, entry, pathRejects);
          } catch (error) {
            if (!(error instanceof FileRejectedError)) throw error;
            failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
          } finally {
            // Entries taken are removed once loaded; the rest (skipped, or after a refusal) now.
            removeSpools(entries.map((e) => e.rows).filter((rows) => !pending.some((p) => p.spoolPath === rows?.spoolPath)));
          }
          ctx.progress.update(index + 1);
        }
        await loadPending(tx);
      });
    }
  } finally {
    removeSpools(pending);
    await prepared.close();
    ctx.progress.stop();
  }
  if (options.rejectsPath && allRejects.length > 0) writeRejects(options.rejectsPath, allRejects);
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = Math.round((summary.accepted + summary.updated + summary.duplicates + summary.rejected) / Math.max(summary.seconds, 1e-9));
  if (failures.length > 0) throw new IngestFailedError(summary, failures);
  return summary;
}

/** Those of `shas` stored as data.police.uk batches (asked in slices: PostgreSQL takes at most 65,535 parameters). */
async function storedAmong(tx: Queryable, shas: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let from = 0; from < shas.length; from += 10_000) {
    const slice = shas.slice(from, from + 10_000);
    const rows = await tx.query<{ sha: string }>(
      `SELECT DISTINCT file_sha256 AS sha FROM ingest_batches WHERE source = $1 AND file_sha256 IN (${slice.map((_, i) => `$${i + 2}`).join(', ')})`,
      [POLICE_UK_SOURCE, ...slice],
    );
    for (const r of rows) found.add(r.sha);
  }
  return found;
}

/** The months among `months` ('YYYY-MM') that police_uk_crimes holds rows of. */
async function storedMonths(tx: Queryable, months: readonly string[]): Promise<Set<string>> {
  if (months.length === 0) return new Set();
  const rows = await tx.query<{ month: string }>(
    `SELECT DISTINCT month FROM police_uk_crimes WHERE month IN (${months.map((_, i) => `CAST($${i + 1} AS DATE)`).join(', ')})`,
    months.map((m) => `${m}-01`),
  );
  return new Set(rows.map((r) => String(r.month).slice(0, 7)));
}

const CSV_COLUMNS = POLICE_UK_TABLE_COLUMNS.filter((c) => c !== 'batch_id');

/**
 * Loads files in order; returns each one's counts. A file none of whose months is stored yet (earlier
 * files included) has only new rows: consecutive such files are copied in one statement. A file with
 * a month already stored is staged and matched on (month, Crime ID or anti-social-behaviour key):
 * unchanged rows are duplicates, changed rows replace the stored ones and count as updated.
 */
async function loadFiles(tx: Queryable, files: readonly LoadingFile[]): Promise<Counts[]> {
  const seen = await storedMonths(tx, [...new Set(files.flatMap((f) => f.months))]);
  const counts: Counts[] = [];
  let fresh: LoadingFile[] = [];
  const copyFresh = async () => {
    if (fresh.length === 0) return;
    const expected = fresh.reduce((n, f) => n + f.lineCount, 0);
    const loaded = await tx.copyCsvFiles('police_uk_crimes', ['batch_id'], CSV_COLUMNS, fresh.map(loadOf));
    if (loaded !== expected) throw new SvoError(`the database read ${loaded} rows where svo prepared ${expected}; nothing was stored`);
    fresh = [];
  };
  for (const file of files) {
    if (file.months.some((m) => seen.has(m))) {
      await copyFresh();
      counts.push(await mergeIntoStored(tx, file));
    } else {
      fresh.push(file);
      counts.push({ accepted: file.lineCount, updated: 0, duplicates: 0 });
    }
    for (const m of file.months) seen.add(m);
  }
  await copyFresh();
  return counts;
}

function loadOf(file: LoadingFile): CsvFileLoad {
  return { path: file.spoolPath, fixed: [file.batchId] };
}

async function mergeIntoStored(tx: Queryable, file: LoadingFile): Promise<Counts> {
  const columns = POLICE_UK_TABLE_COLUMNS;
  await tx.run(`CREATE TEMPORARY TABLE police_uk_incoming AS SELECT * FROM police_uk_crimes WHERE 1 = 0`);
  try {
    await tx.copyCsvFiles('police_uk_incoming', ['batch_id'], CSV_COLUMNS, [loadOf(file)]);
    await tx.run(`CREATE TEMPORARY TABLE police_uk_matched AS
      SELECT i.*, CASE WHEN p.month IS NULL THEN 'new'
                       WHEN ${CSV_COLUMNS.map((c) => `i.${c} IS NOT DISTINCT FROM p.${c}`).join(' AND ')} THEN 'same'
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
