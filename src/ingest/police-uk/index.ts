import { basename } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { IngestFailedError, type FileFailure } from '../common/failures.js';
import type { Queryable } from '../../store/port.js';
import { enforceRejectRate, insertBatch, isAlreadyIngested, nextBatchId, storedShas, writeRejects } from '../common/batches.js';
import { preparer } from './prepare-parallel.js';
import { refusalError, type PreparedRows } from './prepare.js';
import { expandPaths } from '../common/files.js';
import { emptySummary, type IngestContext, type IngestSummary, type Reject } from '../common/types.js';
import { POLICE_UK_FILE_NAME, POLICE_UK_TABLE_COLUMNS } from './columns.js';

export const POLICE_UK_SOURCE = 'police-uk';

export interface PoliceUkOptions {
  /** Largest share of rows that may be rejected before the whole file is refused (default 0.05). */
  maxRejectRate?: number;
  /** One rejects file for the whole run; default `<input>.rejects.csv` beside each input. */
  rejectsPath?: string;
  /** Rows per transaction; a file is never split across two. */
  commitRows?: number;
}

/** A prepared file with its batch, waiting in a group to be loaded. */
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

  let group: PreparedFile[] = [];
  let groupRows = 0;
  const flush = async () => {
    if (group.length === 0) return;
    const part = await commitGroup(ctx, group);
    summary.accepted += part.accepted;
    summary.updated += part.updated;
    summary.duplicates += part.duplicates;
    group = [];
    groupRows = 0;
  };

  ctx.progress.start('police-uk', files.length);
  const prepared = preparer(files, new Set(await storedShas(ctx.store, POLICE_UK_SOURCE)));
  try {
    for (const [index, path] of files.entries()) {
      try {
        const entries = await prepared.next(index);
        const pathRejects: { file: string; reject: Reject }[] = [];
        for (const entry of entries) {
          if (await isAlreadyIngested(ctx.store, POLICE_UK_SOURCE, entry.sha256)) {
            summary.skippedFiles++;
            summary.files++;
            summary.duplicates += entry.dataRows;
            ctx.log(`${entry.name}: identical file already ingested, skipped`);
            continue;
          }
          const batchId = await nextBatchId(ctx.store);
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
          summary.rejected += rejects.length;
          summary.files++;
          // A second file for a month already in this group must see the first one stored, so that
          // rows repeated between them are matched rather than loaded twice. (So a group never holds
          // two files of one month, and a Crime ID can only repeat within its own file.)
          const overlaps = group.some((g) => file.months.some((m) => g.months.includes(m)));
          if (overlaps || groupRows + file.rowsRead > commitRows) await flush();
          group.push(file);
          groupRows += file.rowsRead;
          summary.duplicates += file.duplicates;
        }
      } catch (error) {
        if (!(error instanceof FileRejectedError)) throw error;
        failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
      }
      ctx.progress.update(index + 1);
    }
  } finally {
    await prepared.close();
  }
  try {
    await flush();
  } finally {
    ctx.progress.stop();
  }
  if (options.rejectsPath && allRejects.length > 0) writeRejects(options.rejectsPath, allRejects);
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = Math.round((summary.accepted + summary.updated + summary.duplicates + summary.rejected) / Math.max(summary.seconds, 1e-9));
  if (failures.length > 0) throw new IngestFailedError(summary, failures);
  return summary;
}

/** The group's rows as lines of the table: the batch id, then the prepared columns. */
function* tableLines(files: readonly PreparedFile[]): Generator<string> {
  for (const file of files) {
    const prefix = `${file.batchId},`;
    for (const line of file.lines) yield prefix + line;
  }
}

interface Counts {
  accepted: number;
  updated: number;
  duplicates: number;
}

/**
 * Loads a group of prepared files in one transaction. When none of the group's months is stored yet,
 * every row is new and the rows are copied straight into the table; otherwise they are staged and
 * matched on (month, Crime ID or anti-social-behaviour key): unchanged rows are duplicates, changed
 * rows replace the stored ones and count as updated.
 */
async function commitGroup(ctx: IngestContext, files: PreparedFile[]): Promise<Counts> {
  const startedAt = ctx.now();
  return ctx.store.transaction(async (tx) => {
    const months = [...new Set(files.flatMap((f) => f.months))];
    let monthsStored = false;
    for (const month of months) {
      const found = await tx.query(`SELECT 1 AS found FROM police_uk_crimes WHERE month = CAST($1 AS DATE) LIMIT 1`, [`${month}-01`]);
      if (found.length > 0) monthsStored = true;
    }
    const perBatch = new Map<number, Counts>();
    if (!monthsStored) {
      const loaded = await tx.copyCsv('police_uk_crimes', POLICE_UK_TABLE_COLUMNS, tableLines(files));
      const expected = files.reduce((n, f) => n + f.lines.length, 0);
      if (loaded !== expected) throw new SvoError(`the database read ${loaded} rows where svo prepared ${expected}; nothing was stored`);
      for (const f of files) perBatch.set(f.batchId, { accepted: f.lines.length, updated: 0, duplicates: 0 });
    } else {
      for (const row of await mergeIntoStored(tx, files)) perBatch.set(row.batch_id, row);
    }
    const totals: Counts = { accepted: 0, updated: 0, duplicates: 0 };
    const finishedAt = ctx.now();
    for (const file of files) {
      const c = perBatch.get(file.batchId) ?? { accepted: 0, updated: 0, duplicates: 0 };
      totals.accepted += c.accepted;
      totals.updated += c.updated;
      totals.duplicates += c.duplicates;
      await insertBatch(tx, {
        id: file.batchId,
        source: POLICE_UK_SOURCE,
        agency: file.agency,
        fileName: basename(file.name),
        sha256: file.sha256,
        profile: null,
        rowsRead: file.rowsRead,
        accepted: c.accepted,
        rejected: file.rejects.length,
        duplicates: c.duplicates + file.duplicates,
        updated: c.updated,
        startedAt,
        finishedAt,
        user: ctx.user,
        rejects: file.rejects,
        summary: { months: [...file.months].sort() },
      });
    }
    return totals;
  });
}

async function mergeIntoStored(tx: Queryable, files: PreparedFile[]): Promise<(Counts & { batch_id: number })[]> {
  const columns = POLICE_UK_TABLE_COLUMNS;
  const compared = columns.filter((c) => c !== 'batch_id');
  await tx.run(`CREATE TEMPORARY TABLE police_uk_incoming AS SELECT * FROM police_uk_crimes WHERE 1 = 0`);
  try {
    await tx.copyCsv('police_uk_incoming', columns, tableLines(files));
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
    const rows = await tx.query<{ batch_id: number; accepted: number; updated: number; duplicates: number }>(`
      SELECT batch_id,
        SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END) AS accepted,
        SUM(CASE WHEN status = 'changed' THEN 1 ELSE 0 END) AS updated,
        SUM(CASE WHEN status = 'same' THEN 1 ELSE 0 END) AS duplicates
      FROM police_uk_matched GROUP BY batch_id`);
    return rows.map((r) => ({ batch_id: Number(r.batch_id), accepted: Number(r.accepted), updated: Number(r.updated), duplicates: Number(r.duplicates) }));
  } finally {
    await tx.run(`DROP TABLE IF EXISTS police_uk_incoming`);
    await tx.run(`DROP TABLE IF EXISTS police_uk_matched`);
  }
}

export { IngestFailedError } from '../common/failures.js';
