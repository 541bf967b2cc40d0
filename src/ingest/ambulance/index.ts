/**
 * `svo ingest ambulance`: ambulance service extracts of assault-related calls (CSV, XLSX or
 * record-oriented XML): call date-time, location (coordinates, LSOA or address text), category and
 * determinant, conveyed to hospital, age band, sex. Each file is all-or-nothing; an identical file is
 * skipped; a later extract updates the calls that changed (by call reference, or by content when the
 * file has none) and counts unchanged ones as duplicates. Patient identifiers are refused.
 */
import { transformAll } from '../common/rows.js';
import { basename } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import type { Queryable } from '../../store/port.js';
import { insertBatch, isAlreadyIngested, nextBatchId, settleRejects, sqlTimestamp } from '../common/batches.js';
import { csvLine } from '../common/csv.js';
import { refusePatientIdentifiers } from '../common/identifiers.js';
import { compactHeaderKey, loadProfile, mapColumns, type Profile } from '../common/profile.js';
import { ingestFiles, peekFirst, skippedFile, type FileOutcome } from '../common/run.js';
import { readTable } from '../common/table.js';
import type { IngestContext, IngestSummary, Reject } from '../common/types.js';
import { loadLsoaLocator } from '../geography/locator-store.js';
import { matchNewTexts, placeMatchRate } from '../places/matching.js';
import { AMBULANCE_COLUMNS, CALL_TABLE_COLUMNS, REQUIRED_AMBULANCE_COLUMNS, type AmbulanceColumn } from './columns.js';
import { AmbulanceTransformer, callKeys, type CallDraft } from './transform.js';

export const AMBULANCE_SOURCE = 'ambulance';
export const CALLS_PER_BATCH = 100_000_000;

export interface AmbulanceOptions {
  profile?: string;
  /** The ambulance service; default the profile's agency, else 'ambulance service'. */
  agency?: string;
  maxRejectRate?: number;
  rejectsPath?: string;
}

export async function ingestAmbulance(ctx: IngestContext, paths: readonly string[], options: AmbulanceOptions = {}): Promise<IngestSummary> {
  const profile = options.profile ? loadProfile(options.profile, AMBULANCE_COLUMNS) : null;
  const agency = options.agency ?? profile?.agency ?? 'ambulance service';
  const locator = await loadLsoaLocator(ctx.store);
  const locate = locator ? (lon: number, lat: number) => locator.locate(lon, lat) : null;
  const runRejects: { file: string; reject: Reject }[] = [];
  const batches: number[] = [];
  return ingestFiles(
    ctx,
    paths,
    /\.(csv|xlsx|xml)$/i,
    'ambulance extracts (.csv, .xlsx or .xml)',
    (path) => ingestOneFile(ctx, path, { options, profile, agency, locate, runRejects, batches }),
    async (summary) => {
      if (batches.length === 0) return;
      const rate = await placeMatchRate(ctx.store, 'ambulance', batches);
      if (rate.described > 0) summary.details.placeMatching = rate;
      const [row] = await ctx.store.query<{ n: number; located: number }>(
        `SELECT COUNT(*) AS n, SUM(CASE WHEN lsoa_code IS NOT NULL THEN 1 ELSE 0 END) AS located FROM ambulance_records WHERE batch_id IN (${batches.map((_, i) => `$${i + 1}`).join(', ')})`,
        batches,
      );
      const n = Number(row?.n ?? 0);
      const located = Number(row?.located ?? 0);
      summary.details.locatedInLsoa = located;
      if (n > located) summary.warnings.push(`${n - located} of ${n} calls have no LSOA (no coordinates or LSOA, and no address matched to a place)`);
    },
  );
}

interface FileSettings {
  options: AmbulanceOptions;
  profile: Profile<AmbulanceColumn> | null;
  agency: string;
  locate: ((lon: number, lat: number) => string | null) | null;
  runRejects: { file: string; reject: Reject }[];
  batches: number[];
}

async function ingestOneFile(ctx: IngestContext, path: string, s: FileSettings): Promise<FileOutcome> {
  const startedAt = ctx.now();
  const table = await readTable(path, { expected: 'an ambulance extract as .csv, .xlsx or .xml', xml: true });
  if (await isAlreadyIngested(ctx.store, AMBULANCE_SOURCE, table.sha)) {
    ctx.log(`${path}: identical file already ingested, skipped`);
    return skippedFile(table.rowCount());
  }
  const { first, all } = peekFirst(table.chunks);
  refusePatientIdentifiers(path, table.header, first, 'ambulance extracts');
  const mapping = mapColumns(table.header, AMBULANCE_COLUMNS, s.profile, compactHeaderKey);
  if (mapping.size === 0) {
    throw new FileRejectedError(path, `the first row is not a header: none of its values is a known column (${AMBULANCE_COLUMNS.join(', ')})`, "use --profile to map your column names onto svo's");
  }
  const missing = REQUIRED_AMBULANCE_COLUMNS.filter((c) => !mapping.has(c));
  if (missing.length > 0) {
    const expected = missing.map((c) => (s.profile?.columns[c] ? `${c} (as '${s.profile.columns[c]}')` : c));
    throw new FileRejectedError(path, `missing required column(s): ${expected.join(', ')}; found: ${table.header.join(', ')}`, `use --profile to map your column names onto: ${AMBULANCE_COLUMNS.join(', ')}`);
  }
  const transformer = new AmbulanceTransformer(mapping, {
    profile: s.profile,
    locateLsoa: s.locate,
    latest: sqlTimestamp(new Date(ctx.now().getTime() + 24 * 3600 * 1000)),
    excelDates: table.excel,
  });
  transformAll(ctx.progress, path, table.rowCount(), all, transformer);
  const result = transformer.finish();
  const rejectsPath = settleRejects(path, result.rejects, result.rowsRead, s.options, s.runRejects);
  if (result.calls.length >= CALLS_PER_BATCH) throw new SvoError(`a single file may hold at most ${CALLS_PER_BATCH - 1} calls`);

  const batchId = await nextBatchId(ctx.store);
  const counts = await ctx.store.transaction(async (tx) => {
    const c = await loadCalls(tx, batchId, s.agency, result.calls);
    const texts = new Map<string, string>();
    for (const call of result.calls) if (call.locationKey !== null && !texts.has(call.locationKey)) texts.set(call.locationKey, call.locationText!);
    await matchNewTexts(tx, texts, ctx.now());
    await insertBatch(tx, {
      id: batchId,
      source: AMBULANCE_SOURCE,
      agency: s.agency,
      fileName: basename(path),
      sha256: table.sha,
      profile: s.profile?.name ?? null,
      rowsRead: result.rowsRead,
      accepted: c.accepted,
      rejected: result.rejects.length,
      duplicates: c.duplicates,
      updated: c.updated,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      rejects: result.rejects,
      summary: { calls: result.calls.length },
    });
    return c;
  });
  s.batches.push(batchId);
  return {
    ...counts,
    rejected: result.rejects.length,
    skipped: false,
    rowsRead: result.rowsRead,
    warnings: result.rejects.length ? [`${path}: ${result.rejects.length} row(s) rejected, see ${rejectsPath}`] : [],
    details: {},
  };
}

function* callLines(batchId: number, agency: string, calls: readonly CallDraft[]): Generator<string> {
  const keys = callKeys(calls);
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i]!;
    const k = keys[i]!;
    yield csvLine([
      batchId * CALLS_PER_BATCH + i + 1,
      batchId,
      agency,
      k.key,
      k.hash,
      c.callRef,
      c.callAt,
      c.easting,
      c.northing,
      c.latitude,
      c.longitude,
      c.lsoa,
      c.lsoaMethod,
      c.locationText,
      c.locationKey,
      c.category,
      c.determinant,
      c.conveyed,
      c.ageBand,
      c.ageMin,
      c.ageMax,
      c.sex,
    ]);
  }
}

/**
 * With nothing stored from this service every call is new and is copied straight in; otherwise calls
 * are staged and matched on (agency, record_key): same content → duplicate, changed → replaced.
 */
async function loadCalls(tx: Queryable, batchId: number, agency: string, calls: readonly CallDraft[]): Promise<{ accepted: number; updated: number; duplicates: number }> {
  const stored = await tx.query(`SELECT 1 AS found FROM ambulance_calls WHERE agency = $1 LIMIT 1`, [agency]);
  if (stored.length === 0) {
    const n = await tx.copyCsv('ambulance_calls', CALL_TABLE_COLUMNS, callLines(batchId, agency, calls));
    if (n !== calls.length) throw new SvoError(`the database read ${n} calls where svo prepared ${calls.length}; nothing was stored`);
    return { accepted: calls.length, updated: 0, duplicates: 0 };
  }
  await tx.run(`CREATE TEMPORARY TABLE incoming_calls AS SELECT * FROM ambulance_calls WHERE 1 = 0`);
  try {
    await tx.copyCsv('incoming_calls', CALL_TABLE_COLUMNS, callLines(batchId, agency, calls));
    await tx.run(`CREATE TEMPORARY TABLE incoming_call_matches AS
      SELECT i.id AS new_id, CASE WHEN c.record_key IS NULL THEN 'new' WHEN c.content_hash = i.content_hash THEN 'same' ELSE 'changed' END AS status, i.record_key
      FROM incoming_calls i LEFT JOIN ambulance_calls c ON c.agency = i.agency AND c.record_key = i.record_key`);
    await tx.run(`DELETE FROM ambulance_calls WHERE agency = $1 AND record_key IN (SELECT record_key FROM incoming_call_matches WHERE status = 'changed')`, [agency]);
    await tx.run(`INSERT INTO ambulance_calls SELECT * FROM incoming_calls WHERE id IN (SELECT new_id FROM incoming_call_matches WHERE status <> 'same')`);
    const [c] = await tx.query<{ accepted: number; updated: number; duplicates: number }>(`SELECT
      SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END) AS accepted,
      SUM(CASE WHEN status = 'changed' THEN 1 ELSE 0 END) AS updated,
      SUM(CASE WHEN status = 'same' THEN 1 ELSE 0 END) AS duplicates FROM incoming_call_matches`);
    return { accepted: Number(c?.accepted ?? 0), updated: Number(c?.updated ?? 0), duplicates: Number(c?.duplicates ?? 0) };
  } finally {
    for (const t of ['incoming_calls', 'incoming_call_matches']) await tx.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
