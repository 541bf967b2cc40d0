import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { IngestFailedError, type FileFailure } from '../common/failures.js';
import type { Queryable } from '../../store/port.js';
import { enforceRejectRate, insertBatch, isAlreadyIngested, nextBatchId, writeRejects } from '../common/batches.js';
import { countDataRows, csvLine, parseCsv } from '../common/csv.js';
import { expandPaths, readInputTexts } from '../common/files.js';
import { emptySummary, type IngestContext, type IngestSummary, type Reject } from '../common/types.js';
import { POLICE_UK_FILE_NAME, POLICE_UK_TABLE_COLUMNS } from './columns.js';
import { headerProblem, validatePoliceUkRow } from './validate.js';

export const POLICE_UK_SOURCE = 'police-uk';

export interface PoliceUkOptions {
  /** Largest share of rows that may be rejected before the whole file is refused (default 0.05). */
  maxRejectRate?: number;
  /** One rejects file for the whole run; default `<input>.rejects.csv` beside each input. */
  rejectsPath?: string;
  /** Rows per transaction; a file is never split across two. */
  commitRows?: number;
}

interface PreparedFile {
  name: string;
  sha256: string;
  batchId: number;
  agency: string;
  rowsRead: number;
  rejected: number;
  /** This file's rejected rows (stored with its batch). */
  rejects: readonly Reject[];
  /** Repeated (month, Crime ID) rows inside this run, skipped before loading. */
  duplicates: number;
  /** Accepted rows as CSV lines in POLICE_UK_TABLE_COLUMNS order. */
  lines: string[];
  /** The months ('YYYY-MM') the file covers, each with the Crime IDs it adds. */
  months: Map<string, Set<string>>;
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
  for (const [index, path] of files.entries()) {
    try {
      const texts = readInputTexts(path, (n) => POLICE_UK_FILE_NAME.test(n), 'data.police.uk street-level CSV (YYYY-MM-<force>-street.csv)');
      const pathRejects: { file: string; reject: Reject }[] = [];
      for (const input of texts) {
        if (await isAlreadyIngested(ctx.store, POLICE_UK_SOURCE, input.sha256)) {
          summary.skippedFiles++;
          summary.files++;
          summary.duplicates += countDataRows(input.text);
          ctx.log(`${input.name}: identical file already ingested, skipped`);
          continue;
        }
        const rejects: Reject[] = [];
        const batchId = await nextBatchId(ctx.store);
        const prepared = prepare(input.name, input.sha256, input.text, batchId, rejects);
        const rejectsPath = options.rejectsPath ?? `${path}.rejects.csv`;
        for (const reject of rejects) {
          allRejects.push({ file: input.name, reject });
          pathRejects.push({ file: input.name, reject });
        }
        // Written after each entry, with every entry of this path so far (a zip holds several).
        if (rejects.length > 0 && !options.rejectsPath) writeRejects(rejectsPath, pathRejects);
        enforceRejectRate(input.name, rejects.length, prepared.rowsRead, maxRate, rejects.length ? rejectsPath : null);
        summary.rejected += rejects.length;
        summary.files++;
        // A second file for a month already in this group must see the first one stored, so that
        // rows repeated between them are matched rather than loaded twice. (So a group never holds
        // two files of one month, and a Crime ID can only repeat within its own file.)
        const overlaps = group.some((g) => [...prepared.months.keys()].some((m) => g.months.has(m)));
        if (overlaps || groupRows + prepared.rowsRead > commitRows) await flush();
        group.push(prepared);
        groupRows += prepared.rowsRead;
        summary.duplicates += prepared.duplicates;
      }
    } catch (error) {
      if (!(error instanceof FileRejectedError)) throw error;
      failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
    }
    ctx.progress.update(index + 1);
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

const MONTH_FIELD = /^\d{4}-\d{2}$/;

/**
 * Parses and validates one file in memory and turns accepted rows into CSV lines for the table.
 * Clean lines (no quotes: nearly all of them) are split natively and spliced, not re-serialised;
 * a file with a field spanning lines is parsed as a whole by the robust CSV parser instead.
 * Throws FileRejectedError for file-level problems.
 */
function prepare(name: string, sha: string, text: string, batchId: number, rejects: Reject[]): PreparedFile {
  const firstBreak = text.indexOf('\n');
  const headerLine = (firstBreak < 0 ? text : text.slice(0, firstBreak)).replace(/\r$/, '');
  const header = parseCsv(name, headerLine + '\n').header;
  const problem = headerProblem(header);
  if (problem) throw new FileRejectedError(name, problem);

  const file: PreparedFile = {
    name,
    sha256: sha,
    batchId,
    agency: 'data.police.uk',
    rowsRead: 0,
    rejected: 0,
    rejects,
    duplicates: 0,
    lines: [],
    months: new Map(),
  };
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
    if (rawLine !== null && MONTH_FIELD.test(month) && rawLine.startsWith(`${crimeId},${month},`)) {
      file.lines.push(`${file.batchId},${crimeId},${asbKey},${month}-01,${rawLine.slice(crimeId.length + 9)}\n`);
    } else {
      const values = [String(file.batchId), crimeId, asbKey, `${month}-01`, ...fields.slice(2)];
      file.lines.push(csvLine(values.map((v) => (v.trim() === '' ? null : v))));
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
  file.rejected = rejects.length;
  file.agency = (body.split(',', 3)[2] ?? '').trim() || 'data.police.uk';
  return file;
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
    const months = [...new Set(files.flatMap((f) => [...f.months.keys()]))];
    let monthsStored = false;
    for (const month of months) {
      const found = await tx.query(`SELECT 1 AS found FROM police_uk_crimes WHERE month = CAST($1 AS DATE) LIMIT 1`, [`${month}-01`]);
      if (found.length > 0) monthsStored = true;
    }
    const perBatch = new Map<number, Counts>();
    if (!monthsStored) {
      const loaded = await tx.copyCsv('police_uk_crimes', POLICE_UK_TABLE_COLUMNS, files.flatMap((f) => f.lines));
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
        rejected: file.rejected,
        duplicates: c.duplicates + file.duplicates,
        updated: c.updated,
        startedAt,
        finishedAt,
        user: ctx.user,
        rejects: file.rejects,
        summary: { months: [...file.months.keys()].sort() },
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
    await tx.copyCsv('police_uk_incoming', columns, files.flatMap((f) => f.lines));
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
