import { extname, basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { classifyIncidents } from '../../classify/apply.js';
import { storedDefinitions } from '../../classify/definitions.js';
import type { Queryable } from '../../store/port.js';
import { enforceRejectRate, insertBatch, isAlreadyIngested, nextBatchId, sqlTimestamp, writeRejects } from '../common/batches.js';
import { countDataRows, csvField, parseCsvChunks, type ParsedTable } from '../common/csv.js';
import { decodeText, expandPaths, sha256 } from '../common/files.js';
import type { Pseudonymiser } from '../common/pseudonymise.js';
import { emptySummary, type IngestContext, type IngestSummary, type Reject } from '../common/types.js';
import { readXlsx } from '../common/xlsx.js';
import { loadLsoaLocator } from '../geography/locator-store.js';
import { IngestFailedError, type FileFailure } from '../common/failures.js';
import { INCIDENT_TABLE_COLUMNS, PEOPLE_TABLE_COLUMNS, POLICE_COLUMNS, REQUIRED_POLICE_COLUMNS } from './columns.js';
import { loadPoliceProfile, mapHeader, type PoliceProfile } from './profile.js';
import { PoliceTransformer, type IncidentDraft } from './transform.js';

export const POLICE_SOURCE = 'police';

/** Incident ids are batch id × this + the incident's ordinal in its file: unique without a round trip. */
export const INCIDENTS_PER_BATCH = 100_000_000;

export interface PoliceExtractOptions {
  /** Force profile JSON (column and value mapping). */
  profile?: string;
  /** Agency the records come from; default the profile's agency, else 'police'. */
  agency?: string;
  maxRejectRate?: number;
  rejectsPath?: string;
  pseudonymiser: Pseudonymiser;
}

/**
 * Ingests record-level police extracts (CSV or XLSX). Each file is all-or-nothing: validated and
 * transformed in memory, then loaded, merged with earlier extracts and classified in one transaction.
 */
export async function ingestPoliceExtract(ctx: IngestContext, paths: readonly string[], options: PoliceExtractOptions): Promise<IngestSummary> {
  const started = performance.now();
  const profile = options.profile ? loadPoliceProfile(options.profile) : null;
  const agency = options.agency ?? profile?.agency ?? 'police';
  const files = expandPaths(paths, (name) => /\.(csv|xlsx)$/i.test(name));
  const summary = emptySummary();
  const failures: FileFailure[] = [];
  const unrecognised: Record<string, number> = {};
  const runRejects: { file: string; reject: Reject }[] = [];
  let rowsRead = 0;
  const locator = await loadLsoaLocator(ctx.store);
  for (const path of files) {
    try {
      const part = await ingestOneFile(ctx, path, { ...options, agency, runRejects, profileData: profile, locate: locator ? (lon, lat) => locator.locate(lon, lat) : null });
      summary.files++;
      summary.accepted += part.accepted;
      summary.rejected += part.rejected;
      summary.duplicates += part.duplicates;
      summary.updated += part.updated;
      summary.skippedFiles += part.skipped ? 1 : 0;
      rowsRead += part.rowsRead;
      summary.warnings.push(...part.warnings);
      for (const [code, n] of Object.entries(part.unrecognised)) unrecognised[code] = (unrecognised[code] ?? 0) + n;
    } catch (error) {
      if (!(error instanceof FileRejectedError)) throw error;
      failures.push({ file: path, message: error.message + (error.hint ? ` (${error.hint})` : '') });
    }
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.details.unrecognisedHocrCodes = unrecognised;
  // Extract rows, not incidents: rows sharing a crime_ref become one incident.
  summary.details.rowsRead = rowsRead;
  summary.rowsPerSecond = Math.round(rowsRead / Math.max(summary.seconds, 1e-9));
  if (Object.keys(unrecognised).length > 0) {
    summary.warnings.push(
      `unrecognised HOCR codes (accepted, counted in no definition): ${Object.entries(unrecognised)
        .map(([c, n]) => `${c} ×${n}`)
        .join(', ')}`,
    );
  }
  if (failures.length > 0) throw new IngestFailedError(summary, failures);
  return summary;
}

interface FileOptions extends PoliceExtractOptions {
  agency: string;
  runRejects: { file: string; reject: Reject }[];
  profileData: PoliceProfile | null;
  locate: ((lon: number, lat: number) => string | null) | null;
}

interface FileResult {
  accepted: number;
  rejected: number;
  duplicates: number;
  updated: number;
  skipped: boolean;
  rowsRead: number;
  warnings: string[];
  unrecognised: Record<string, number>;
}

interface ExtractTable {
  header: string[];
  chunks: Iterable<ParsedTable>;
  rowCount: () => number;
  sha: string;
  excel: boolean;
}

async function readTable(path: string): Promise<ExtractTable> {
  const bytes = readFileSync(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') {
    const table = await readXlsx(path, bytes);
    return { header: table.header, chunks: [table], rowCount: () => table.rows.length, sha: sha256(bytes), excel: true };
  }
  if (ext !== '.csv' && ext !== '.txt') {
    throw new FileRejectedError(path, `unsupported file type '${ext || '(none)'}'`, 'expected a .csv or .xlsx police extract');
  }
  const text = decodeText(path, bytes);
  const { header, chunks } = parseCsvChunks(path, text);
  return { header, chunks, rowCount: () => countDataRows(text), sha: sha256(bytes), excel: false };
}

async function ingestOneFile(ctx: IngestContext, path: string, options: FileOptions): Promise<FileResult> {
  const startedAt = ctx.now();
  const table = await readTable(path);
  if (await isAlreadyIngested(ctx.store, POLICE_SOURCE, table.sha)) {
    ctx.log(`${path}: identical file already ingested, skipped`);
    const rows = table.rowCount();
    return { accepted: 0, rejected: 0, duplicates: rows, updated: 0, skipped: true, rowsRead: rows, warnings: [], unrecognised: {} };
  }
  const mapping = mapHeader(table.header, options.profileData);
  const missing = REQUIRED_POLICE_COLUMNS.filter((c) => !mapping.has(c));
  if (mapping.size === 0) {
    // Never echo the first row here: without a header it is data, and may identify people.
    const names = options.profileData ? Object.values(options.profileData.columns).join(', ') : REQUIRED_POLICE_COLUMNS.join(', ');
    throw new FileRejectedError(
      path,
      `the first row is not a header: none of its values is a known column name (${names}); is the header row missing?`,
      options.profileData ? 'check that the profile matches this extract' : 'use --profile to map your column names onto svo\'s',
    );
  }
  if (missing.length > 0) {
    const expected = missing.map((c) => (options.profileData?.columns[c] ? `${c} (as '${options.profileData.columns[c]}')` : c));
    throw new FileRejectedError(
      path,
      `missing required column(s): ${expected.join(', ')}; found: ${table.header.join(', ') || '(no header)'}`,
      options.profileData ? 'check the profile column mapping' : `use --profile to map your column names onto: ${POLICE_COLUMNS.join(', ')}`,
    );
  }
  const latest = sqlTimestamp(new Date(ctx.now().getTime() + 24 * 3600 * 1000));
  const transformer = new PoliceTransformer(mapping, {
    agency: options.agency,
    profile: options.profileData,
    pseudonymiser: options.pseudonymiser,
    locateLsoa: options.locate,
    latest,
    excelDates: table.excel,
  });
  // Progress in rows: one large extract is the common case, and a per-file bar would sit at 0/1.
  ctx.progress.start(basename(path), table.rowCount(), 'rows');
  try {
    for (const chunk of table.chunks) {
      transformer.addChunk(chunk);
      ctx.progress.update(transformer.rowsSeen);
    }
  } finally {
    ctx.progress.stop();
  }
  const result = transformer.finish();
  if (result.rowsRead === 0) throw new FileRejectedError(path, 'has a header but no data rows');
  const rejectsPath = options.rejectsPath ?? `${path}.rejects.csv`;
  // One --rejects file collects every file's rejects; the default is one file beside each input.
  for (const reject of result.rejects) options.runRejects.push({ file: path, reject });
  if (result.rejects.length > 0) {
    writeRejects(rejectsPath, options.rejectsPath ? options.runRejects : result.rejects.map((reject: Reject) => ({ file: path, reject })));
  }
  enforceRejectRate(path, result.rejects.length, result.rowsRead, options.maxRejectRate ?? 0.05, result.rejects.length ? rejectsPath : null);

  const batchId = await nextBatchId(ctx.store);
  const counts = await ctx.store.transaction(async (tx) => {
    const c = await loadIncidents(tx, batchId, options.agency, result.incidents);
    for (const cdef of await storedDefinitions(tx)) await classifyIncidents(tx, cdef, [batchId]);
    await insertBatch(tx, {
      id: batchId,
      source: POLICE_SOURCE,
      agency: options.agency,
      fileName: basename(path),
      sha256: table.sha,
      profile: options.profileData?.name ?? null,
      rowsRead: result.rowsRead,
      accepted: c.accepted,
      rejected: result.rejects.length,
      duplicates: c.duplicates,
      updated: c.updated,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      summary: { incidents: result.incidents.length, unrecognisedHocrCodes: result.unrecognisedHocr, conflictingCrimeRefs: result.conflictingRefs },
    });
    return c;
  });
  const warnings: string[] = [];
  if (result.conflictingRefs > 0) {
    warnings.push(`${path}: ${result.conflictingRefs} crime_ref(s) had rows with different offence dates; the first row's were kept`);
  }
  if (result.rejects.length > 0) warnings.push(`${path}: ${result.rejects.length} row(s) rejected, see ${rejectsPath}`);
  return { ...counts, rejected: result.rejects.length, skipped: false, rowsRead: result.rowsRead, warnings, unrecognised: result.unrecognisedHocr };
}

function* incidentLines(batchId: number, agency: string, incidents: readonly IncidentDraft[]): Generator<string> {
  const prefix = `${csvField(POLICE_SOURCE)},${csvField(agency)},${batchId}`;
  for (let i = 0; i < incidents.length; i++) {
    const r = incidents[i]!;
    const id = batchId * INCIDENTS_PER_BATCH + i + 1;
    yield `${id},${prefix},${csvField(r.crimeRef)},${r.fields}\n`;
  }
}

function* peopleLines(batchId: number, incidents: readonly IncidentDraft[]): Generator<string> {
  for (let i = 0; i < incidents.length; i++) {
    const id = batchId * INCIDENTS_PER_BATCH + i + 1;
    for (const p of incidents[i]!.people) yield `${id},${p}\n`;
  }
}

interface LoadCounts {
  accepted: number;
  updated: number;
  duplicates: number;
}

/**
 * Loads one file's incidents. With nothing stored yet from this agency every incident is new and is
 * copied straight in; otherwise incidents are staged and matched on (source, agency, crime_ref):
 * unchanged ones are duplicates, changed ones replace the stored incident (people and classifications
 * included) and count as updated.
 */
async function loadIncidents(tx: Queryable, batchId: number, agency: string, incidents: readonly IncidentDraft[]): Promise<LoadCounts> {
  if (incidents.length >= INCIDENTS_PER_BATCH) throw new SvoError(`a single file may hold at most ${INCIDENTS_PER_BATCH - 1} incidents`);
  const stored = await tx.query(`SELECT 1 AS found FROM incidents WHERE source = $1 AND agency = $2 LIMIT 1`, [POLICE_SOURCE, agency]);
  if (stored.length === 0) {
    const n = await tx.copyCsv('incidents', INCIDENT_TABLE_COLUMNS, incidentLines(batchId, agency, incidents));
    if (n !== incidents.length) throw new SvoError(`the database read ${n} incidents where svo prepared ${incidents.length}`);
    await tx.copyCsv('incident_people', PEOPLE_TABLE_COLUMNS, peopleLines(batchId, incidents));
    return { accepted: incidents.length, updated: 0, duplicates: 0 };
  }
  await tx.run(`CREATE TEMPORARY TABLE incoming_incidents AS SELECT * FROM incidents WHERE 1 = 0`);
  await tx.run(`CREATE TEMPORARY TABLE incoming_people AS SELECT * FROM incident_people WHERE 1 = 0`);
  try {
    await tx.copyCsv('incoming_incidents', INCIDENT_TABLE_COLUMNS, incidentLines(batchId, agency, incidents));
    await tx.copyCsv('incoming_people', PEOPLE_TABLE_COLUMNS, peopleLines(batchId, incidents));
    // Changed = any stored column differs, or the set of people differs (compared as ordered text).
    const compared = INCIDENT_TABLE_COLUMNS.filter((c) => c !== 'id' && c !== 'batch_id');
    const person = `concat_ws('|', role, COALESCE(person_key, ''), COALESCE(CAST(age AS TEXT), ''), COALESCE(sex, ''), COALESCE(ethnicity, ''), COALESCE(home_area, ''))`;
    const signature = (table: string, where: string) =>
      `SELECT incident_id, string_agg(${person}, ';' ORDER BY ${person}) AS people FROM ${table} WHERE ${where} GROUP BY incident_id`;
    const matchedStored = `incident_id IN (SELECT o2.id FROM incidents o2 JOIN incoming_incidents n2
      ON o2.source = n2.source AND o2.agency = n2.agency AND o2.source_record_id = n2.source_record_id)`;
    await tx.run(`CREATE TEMPORARY TABLE incoming_matches AS
      SELECT n.id AS new_id, o.id AS old_id,
        CASE WHEN o.id IS NULL THEN 'new'
             WHEN ${compared.map((c) => `n.${c} IS NOT DISTINCT FROM o.${c}`).join(' AND ')}
              AND COALESCE(pn.people, '') = COALESCE(po.people, '') THEN 'same'
             ELSE 'changed' END AS status
      FROM incoming_incidents n
      LEFT JOIN incidents o ON o.source = n.source AND o.agency = n.agency AND o.source_record_id = n.source_record_id
      LEFT JOIN (${signature('incoming_people', 'TRUE')}) pn ON pn.incident_id = n.id
      LEFT JOIN (${signature('incident_people', matchedStored)}) po ON po.incident_id = o.id`);
    const replaced = `SELECT old_id FROM incoming_matches WHERE status = 'changed'`;
    await tx.run(`DELETE FROM incident_classifications WHERE incident_id IN (${replaced})`);
    await tx.run(`DELETE FROM incident_people WHERE incident_id IN (${replaced})`);
    await tx.run(`DELETE FROM incidents WHERE id IN (${replaced})`);
    const kept = `SELECT new_id FROM incoming_matches WHERE status <> 'same'`;
    await tx.run(`INSERT INTO incidents SELECT * FROM incoming_incidents WHERE id IN (${kept})`);
    await tx.run(`INSERT INTO incident_people SELECT * FROM incoming_people WHERE incident_id IN (${kept})`);
    const [c] = await tx.query<{ accepted: number; updated: number; duplicates: number }>(`SELECT
      SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END) AS accepted,
      SUM(CASE WHEN status = 'changed' THEN 1 ELSE 0 END) AS updated,
      SUM(CASE WHEN status = 'same' THEN 1 ELSE 0 END) AS duplicates FROM incoming_matches`);
    return { accepted: Number(c?.accepted ?? 0), updated: Number(c?.updated ?? 0), duplicates: Number(c?.duplicates ?? 0) };
  } finally {
    for (const t of ['incoming_incidents', 'incoming_people', 'incoming_matches']) await tx.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
