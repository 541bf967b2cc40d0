/**
 * `svo ingest istv`: ED Information Sharing to Tackle Violence returns (CSV, XLSX or record-oriented
 * XML). Each file is all-or-nothing. A return covers one site and reporting period: a later return
 * whose period contains a stored one replaces it record for record (identical records count as
 * duplicates), so corrected resubmissions never double count; an identical file is skipped by sha256.
 * Files carrying patient identifiers are refused whole.
 */
import { transformAll } from '../common/rows.js';
import { basename } from 'node:path';
import { FileRejectedError, SvoError, UsageError } from '../../core/errors.js';
import { parseDateTime } from '../../core/values/dates.js';
import type { Queryable } from '../../store/port.js';
import { insertBatch, isAlreadyIngested, nextBatchId, settleRejects, sqlTimestamp } from '../common/batches.js';
import { csvLine } from '../common/csv.js';
import { refusePatientIdentifiers } from '../common/identifiers.js';
import { compactHeaderKey, loadProfile, mapColumns, type Profile } from '../common/profile.js';
import { ingestFiles, peekFirst, skippedFile, type FileOutcome } from '../common/run.js';
import { readTable } from '../common/table.js';
import type { IngestContext, IngestSummary, Reject } from '../common/types.js';
import { matchNewTexts, placeMatchRate } from '../places/matching.js';
import { loadIstvCodes } from './codelists.js';
import { ATTENDANCE_TABLE_COLUMNS, ISTV_COLUMNS, ISTV_HEADER_COLUMNS, REQUIRED_ISTV_COLUMNS, type IstvColumn } from './columns.js';
import { IstvTransformer, recordKeys, type AttendanceDraft } from './transform.js';

export const ISTV_SOURCE = 'istv';
/** Record ids are batch id × this + the record's ordinal in its file. */
export const RECORDS_PER_BATCH = 100_000_000;

export interface IstvOptions {
  /** Site code for rows without one (e.g. an ODS code). */
  site?: string;
  /** Reporting period, 'YYYY-MM-DD', for files that do not say. */
  periodStart?: string;
  periodEnd?: string;
  profile?: string;
  /** Code-list file; default SVO_ISTV_CODELISTS or codelists/istv.yaml. */
  codelists?: string;
  maxRejectRate?: number;
  rejectsPath?: string;
}

function day(text: string | undefined, flag: string): string | null {
  if (text === undefined) return null;
  const parsed = parseDateTime(text);
  if (!parsed.ok || !/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) throw new UsageError(`${flag} must be a date written YYYY-MM-DD, got '${text}'`);
  return parsed.value.slice(0, 10);
}

export async function ingestIstv(ctx: IngestContext, paths: readonly string[], options: IstvOptions = {}): Promise<IngestSummary> {
  const site = options.site?.trim().toUpperCase() || null;
  if (site !== null && !/^[A-Z0-9]{3,12}$/.test(site)) throw new UsageError(`--site must be a site code of 3–12 letters and digits, got '${options.site}'`);
  const periodStart = day(options.periodStart, '--period-start');
  const periodEnd = day(options.periodEnd, '--period-end');
  if ((periodStart === null) !== (periodEnd === null)) throw new UsageError('give both --period-start and --period-end, or neither');
  if (periodStart !== null && periodEnd !== null && periodEnd < periodStart) throw new UsageError('--period-end is before --period-start');
  const profile = options.profile ? loadProfile(options.profile, ISTV_COLUMNS) : null;
  const codes = loadIstvCodes(options.codelists);
  const runRejects: { file: string; reject: Reject }[] = [];
  const batches: number[] = [];
  const file: FileSettings = { site, periodStart, periodEnd, profile, codes, options, runRejects, batches };
  return ingestFiles(ctx, paths, /\.(csv|xlsx|xml)$/i, 'ISTV returns (.csv, .xlsx or .xml)', (path) => ingestOneFile(ctx, path, file), async (summary) => {
    summary.details.codeLists = codes.name;
    const methods = summary.details.unmappedAssaultMethods as Record<string, number> | undefined;
    const locations = summary.details.unmappedLocationTypes as Record<string, number> | undefined;
    const list = (t: Record<string, number>) => Object.entries(t).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, n]) => `'${v}' ×${n}`).join(', ');
    if (methods && Object.keys(methods).length) summary.warnings.push(`assault methods outside the code list (kept as written, case-folded): ${list(methods)}`);
    if (locations && Object.keys(locations).length) summary.warnings.push(`location types outside the code list (kept as written, case-folded): ${list(locations)}`);
    if (batches.length) {
      const rate = await placeMatchRate(ctx.store, 'istv', batches);
      summary.details.placeMatching = rate;
      if (rate.described > 0) {
        summary.warnings.push(
          `place matching: ${rate.matched} of ${rate.described} location descriptions matched to a place (${pct(rate.matchRate)}; ${pct(rate.matchRateOfPlaces)} of those naming a place), ` +
            `${rate.review + rate.unmatched} in the review queue (svo places review), ${rate.notAPlace} name no particular place`,
        );
      }
    }
  });
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

interface FileSettings {
  site: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  profile: Profile<IstvColumn> | null;
  codes: ReturnType<typeof loadIstvCodes>;
  options: IstvOptions;
  runRejects: { file: string; reject: Reject }[];
  batches: number[];
}

/** A header value given once for the file (XML header element), by canonical or profile name. */
function fileValue(values: Record<string, string>, column: IstvColumn, profile: Profile<IstvColumn> | null): string | null {
  const wanted = compactHeaderKey(profile?.columns[column] ?? column);
  for (const [name, value] of Object.entries(values)) if (compactHeaderKey(name) === wanted && value.trim() !== '') return value.trim();
  return null;
}

interface Return {
  site: string;
  start: string;
  end: string;
  records: AttendanceDraft[];
  keys: string[];
  derived: boolean;
}

async function ingestOneFile(ctx: IngestContext, path: string, s: FileSettings): Promise<FileOutcome> {
  const startedAt = ctx.now();
  const table = await readTable(path, { expected: 'an ISTV return as .csv, .xlsx or .xml', xml: true });
  if (await isAlreadyIngested(ctx.store, ISTV_SOURCE, table.sha)) {
    ctx.log(`${path}: identical file already ingested, skipped`);
    return skippedFile(table.rowCount());
  }
  const { first, all } = peekFirst(table.chunks);
  refusePatientIdentifiers(path, table.header, first, 'ED ISTV returns');
  const mapping = mapColumns(table.header, ISTV_COLUMNS, s.profile, compactHeaderKey);
  if (mapping.size === 0) {
    throw new FileRejectedError(
      path,
      `the first row is not a header: none of its values is a known ISTV column (${REQUIRED_ISTV_COLUMNS.join(', ')}, …)`,
      s.profile ? 'check that the profile matches this file' : "use --profile to map your column names onto svo's",
    );
  }
  const missing = REQUIRED_ISTV_COLUMNS.filter((c) => !mapping.has(c));
  if (missing.length > 0) {
    const expected = missing.map((c) => (s.profile?.columns[c] ? `${c} (as '${s.profile.columns[c]}')` : c));
    throw new FileRejectedError(path, `missing required column(s): ${expected.join(', ')}; found: ${table.header.join(', ')}`, `use --profile to map your column names onto: ${ISTV_COLUMNS.join(', ')}`);
  }
  // Header values given once in the file (XML) and by flags must agree.
  const header: Record<string, string | null> = {};
  for (const column of ISTV_HEADER_COLUMNS) {
    const flag = column === 'site_code' ? s.site : column === 'reporting_period_start' ? s.periodStart : s.periodEnd;
    let value = fileValue(table.fileValues, column, s.profile);
    if (value !== null && column !== 'site_code') {
      const parsed = parseDateTime(value);
      if (!parsed.ok) throw new FileRejectedError(path, `the file's ${column} '${value}' is not a date (${parsed.reason})`);
      value = parsed.value.slice(0, 10);
    }
    if (value !== null && column === 'site_code') value = value.toUpperCase();
    if (value !== null && flag !== null && value !== flag) throw new FileRejectedError(path, `the file says ${column} ${value} but ${column === 'site_code' ? '--site' : '--' + column.replace('reporting_', '').replace('_', '-')} says ${flag}`);
    header[column] = value ?? flag;
  }
  if (header.site_code === null && !mapping.has('site_code')) {
    throw new FileRejectedError(path, 'no site code: give --site, or a site_code column', 'ISTV returns are per ED site (e.g. its ODS site code)');
  }
  const latest = sqlTimestamp(new Date(ctx.now().getTime() + 24 * 3600 * 1000));
  const transformer = new IstvTransformer(mapping, {
    codes: s.codes,
    profile: s.profile,
    site: header.site_code ?? null,
    periodStart: header.reporting_period_start ?? null,
    periodEnd: header.reporting_period_end ?? null,
    latest,
    excelDates: table.excel,
  });
  transformAll(ctx.progress, path, table.rowCount(), all, transformer);
  const result = transformer.finish();
  const rejectsPath = settleRejects(path, result.rejects, result.rowsRead, s.options, s.runRejects);
  const returns = groupReturns(path, result.records);
  if (returns.length === 0) throw new FileRejectedError(path, 'every row was rejected; nothing was stored', `see ${rejectsPath}`);

  const batchId = await nextBatchId(ctx.store);
  if (result.records.length >= RECORDS_PER_BATCH) throw new SvoError(`a single file may hold at most ${RECORDS_PER_BATCH - 1} records`);
  const counts = await ctx.store.transaction(async (tx) => {
    const c = await loadReturns(tx, path, batchId, returns);
    const texts = new Map<string, string>();
    for (const r of result.records) if (r.locationKey !== null && !texts.has(r.locationKey)) texts.set(r.locationKey, r.locationText!);
    const matching = await matchNewTexts(tx, texts, ctx.now());
    await insertBatch(tx, {
      id: batchId,
      source: ISTV_SOURCE,
      agency: returns.map((r) => r.site).join(', '),
      fileName: basename(path),
      sha256: table.sha,
      profile: s.profile?.name ?? null,
      rowsRead: result.rowsRead,
      accepted: c.accepted,
      rejected: result.rejects.length,
      duplicates: c.duplicates,
      updated: 0,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      rejects: result.rejects,
      summary: {
        returns: returns.map((r) => ({ site: r.site, periodStart: r.start, periodEnd: r.end, records: r.records.length, periodFromData: r.derived })),
        replacedRecords: c.removed,
        codeLists: s.codes.name,
        unmappedAssaultMethods: result.unmappedMethods,
        unmappedLocationTypes: result.unmappedLocationTypes,
        newLocationTexts: matching.added,
      },
    });
    return c;
  });
  s.batches.push(batchId);
  const warnings: string[] = [];
  for (const r of returns) {
    if (r.derived) warnings.push(`${path}: no reporting period given for site ${r.site}; taken from the records as ${r.start} – ${r.end}`);
  }
  if (counts.removed > 0) warnings.push(`${path}: replaced ${counts.removed} stored record(s) that are not in this resubmitted return`);
  if (result.postcodesCut > 0) warnings.push(`${path}: ${result.postcodesCut} full home postcode(s) kept only as their postcode district`);
  if (result.rejects.length > 0) warnings.push(`${path}: ${result.rejects.length} row(s) rejected, see ${rejectsPath}`);
  return {
    accepted: counts.accepted,
    rejected: result.rejects.length,
    duplicates: counts.duplicates,
    updated: 0,
    skipped: false,
    rowsRead: result.rowsRead,
    warnings,
    details: {
      replacedRecords: counts.removed,
      unmappedAssaultMethods: result.unmappedMethods,
      unmappedLocationTypes: result.unmappedLocationTypes,
    },
  };
}

/** Records by site, each with its reporting period (given, or the span of the records). */
function groupReturns(path: string, records: readonly AttendanceDraft[]): Return[] {
  const bySite = new Map<string, AttendanceDraft[]>();
  for (const r of records) {
    const list = bySite.get(r.site) ?? [];
    list.push(r);
    bySite.set(r.site, list);
  }
  const returns: Return[] = [];
  for (const [site, list] of [...bySite].sort((a, b) => a[0].localeCompare(b[0]))) {
    const periods = new Set(list.filter((r) => r.periodStart !== null).map((r) => `${r.periodStart} – ${r.periodEnd}`));
    if (periods.size > 1) throw new FileRejectedError(path, `the rows of site ${site} give different reporting periods: ${[...periods].sort().join(', ')}`, 'send one return per site and period');
    const withPeriod = list.find((r) => r.periodStart !== null);
    let start: string;
    let end: string;
    if (withPeriod) {
      start = withPeriod.periodStart!;
      end = withPeriod.periodEnd!;
    } else {
      const days = list.map((r) => (r.arrivalAt ?? r.assaultAt).slice(0, 10)).sort();
      start = days[0]!;
      end = days[days.length - 1]!;
    }
    returns.push({ site, start, end, records: list, keys: recordKeys(list), derived: !withPeriod });
  }
  return returns;
}

function* attendanceLines(batchId: number, returns: readonly Return[]): Generator<string> {
  let ordinal = 0;
  for (const ret of returns) {
    for (let i = 0; i < ret.records.length; i++) {
      const r = ret.records[i]!;
      ordinal++;
      yield csvLine([
        batchId * RECORDS_PER_BATCH + ordinal,
        batchId,
        ret.site,
        ret.start,
        ret.end,
        ret.keys[i],
        r.arrivalAt,
        r.assaultAt,
        r.method,
        r.methodMapped,
        r.methodOther,
        r.locationType,
        r.locationTypeMapped,
        r.locationText,
        r.locationKey,
        r.ageBand,
        r.ageMin,
        r.ageMax,
        r.sex,
        r.homeLsoa,
        r.homeDistrict,
      ]);
    }
  }
}

interface LoadCounts {
  accepted: number;
  duplicates: number;
  /** Stored records of superseded returns that the new return no longer holds. */
  removed: number;
}

/**
 * Stores the returns of one file. Stored returns of the same site whose period lies within the new
 * return's are superseded: their records are replaced by the new ones (a record with the same key
 * counts as a duplicate). A stored return that only partly overlaps is ambiguous, so the file is refused.
 */
async function loadReturns(tx: Queryable, path: string, batchId: number, returns: readonly Return[]): Promise<LoadCounts> {
  const counts: LoadCounts = { accepted: 0, duplicates: 0, removed: 0 };
  for (const ret of returns) {
    const overlapping = await tx.query<{ period_start: string; period_end: string }>(
      `SELECT DISTINCT period_start, period_end FROM injury_attendances
       WHERE site_code = $1 AND period_start <= CAST($3 AS DATE) AND period_end >= CAST($2 AS DATE) ORDER BY period_start`,
      [ret.site, ret.start, ret.end],
    );
    const partial = overlapping.filter((o) => String(o.period_start).slice(0, 10) < ret.start || String(o.period_end).slice(0, 10) > ret.end);
    if (partial.length > 0) {
      const o = partial[0]!;
      throw new FileRejectedError(
        path,
        `site ${ret.site}'s return for ${ret.start} – ${ret.end} overlaps the stored return for ${String(o.period_start).slice(0, 10)} – ${String(o.period_end).slice(0, 10)} without containing it`,
        'a resubmission must cover whole stored periods (e.g. the same month, or a quarter replacing its months)',
      );
    }
    const stored = await tx.query<{ record_key: string }>(
      `SELECT record_key FROM injury_attendances WHERE site_code = $1 AND period_start >= CAST($2 AS DATE) AND period_end <= CAST($3 AS DATE)`,
      [ret.site, ret.start, ret.end],
    );
    const storedKeys = new Set(stored.map((r) => r.record_key));
    const incoming = new Set(ret.keys);
    const duplicates = ret.keys.filter((k) => storedKeys.has(k)).length;
    counts.duplicates += duplicates;
    counts.accepted += ret.keys.length - duplicates;
    counts.removed += [...storedKeys].filter((k) => !incoming.has(k)).length;
    if (stored.length > 0) {
      await tx.run(`DELETE FROM injury_attendances WHERE site_code = $1 AND period_start >= CAST($2 AS DATE) AND period_end <= CAST($3 AS DATE)`, [ret.site, ret.start, ret.end]);
    }
  }
  const expected = returns.reduce((n, r) => n + r.records.length, 0);
  const loaded = await tx.copyCsv('injury_attendances', ATTENDANCE_TABLE_COLUMNS, attendanceLines(batchId, returns));
  if (loaded !== expected) throw new SvoError(`the database read ${loaded} records where svo prepared ${expected}; nothing was stored`);
  return counts;
}
