import { basename } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { classifyIncidents } from '../../classify/apply.js';
import { storedDefinitions } from '../../classify/definitions.js';
import { forgetQueryFacts } from '../../classify/facts.js';
import type { Queryable } from '../../store/port.js';
import { CsvSpool } from '../../store/spool.js';
import { insertBatch, isAlreadyIngested, nextBatchId, settleRejects, sqlTimestamp } from '../common/batches.js';
import { csvField } from '../common/csv.js';
import type { Pseudonymiser } from '../common/pseudonymise.js';
import type { IngestContext, IngestSummary, Reject } from '../common/types.js';
import { ingestFiles } from '../common/run.js';
import { readTable } from '../common/table.js';
import { loadLsoaBoundaries } from '../geography/locator-store.js';
import { LsoaLocator, type LocatorEntry } from '../../core/geo/locator.js';
import { INCIDENT_TABLE_COLUMNS, PEOPLE_TABLE_COLUMNS, POLICE_COLUMNS, REQUIRED_POLICE_COLUMNS } from './columns.js';
import { loadPoliceProfile, mapHeader, type PoliceProfile } from './profile.js';
import { IncidentMerger, PoliceRowReader } from './transform.js';
import { firstIncidentId, INCIDENTS_PER_BATCH } from '../../core/incident-ids.js';
import { readerWorkers, readInWorkers } from './read-parallel.js';

export const POLICE_SOURCE = 'police';


export interface PoliceExtractOptions {
  /** Force profile JSON (column and value mapping). */
  profile?: string;
  /** Agency the records come from; default the profile's agency, else 'police'. */
  agency?: string;
  maxRejectRate?: number;
  rejectsPath?: string;
  pseudonymiser: Pseudonymiser;
  /** Canonical columns a data-sharing agreement permits; others are dropped before reading (undefined = all). */
  permittedColumns?: readonly string[];
}

/**
 * Ingests record-level police extracts (CSV or XLSX). Each file is all-or-nothing: validated and
 * transformed in memory, then loaded, merged with earlier extracts and classified in one transaction.
 */
export async function ingestPoliceExtract(ctx: IngestContext, paths: readonly string[], options: PoliceExtractOptions): Promise<IngestSummary> {
  const profile = options.profile ? loadPoliceProfile(options.profile) : null;
  const agency = options.agency ?? profile?.agency ?? 'police';
  const runRejects: { file: string; reject: Reject }[] = [];
  const boundaries = await loadLsoaBoundaries(ctx.store);
  const locator = boundaries.length > 0 ? new LsoaLocator(boundaries) : null;
  const locate = locator ? (lon: number, lat: number) => locator.locate(lon, lat) : null;
  return ingestFiles(
    ctx,
    paths,
    /\.(csv|xlsx)$/i,
    'police extracts (.csv, .xlsx)',
    async (path) => {
      const { unrecognised, ...part } = await ingestOneFile(ctx, path, { ...options, agency, runRejects, profileData: profile, locate, boundaries });
      return { ...part, details: { unrecognisedHocrCodes: unrecognised } };
    },
    async (summary) => {
      const unrecognised = (summary.details.unrecognisedHocrCodes ??= {}) as Record<string, number>;
      if (Object.keys(unrecognised).length > 0) {
        summary.warnings.push(
          `unrecognised HOCR codes (accepted, counted in no definition): ${Object.entries(unrecognised)
            .map(([c, n]) => `${c} ×${n}`)
            .join(', ')}`,
        );
      }
    },
  );
}

interface FileOptions extends PoliceExtractOptions {
  agency: string;
  runRejects: { file: string; reject: Reject }[];
  profileData: PoliceProfile | null;
  locate: ((lon: number, lat: number) => string | null) | null;
  /** The LSOA boundaries behind `locate`, for worker threads to build their own. */
  boundaries: LocatorEntry[];
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

async function ingestOneFile(ctx: IngestContext, path: string, options: FileOptions): Promise<FileResult> {
  const startedAt = ctx.now();
  const table = await readTable(path, { expected: 'a .csv or .xlsx police extract' });
  if (await isAlreadyIngested(ctx.store, POLICE_SOURCE, table.sha)) {
    ctx.log(`${path}: identical file already ingested, skipped`);
    const rows = table.rowCount();
    return { accepted: 0, rejected: 0, duplicates: rows, updated: 0, skipped: true, rowsRead: rows, warnings: [], unrecognised: {} };
  }
  const mapping = mapHeader(table.header, options.profileData);
  const notPermitted = options.permittedColumns ? [...mapping.keys()].filter((c) => !options.permittedColumns!.includes(c)) : [];
  for (const c of notPermitted) if (!REQUIRED_POLICE_COLUMNS.includes(c)) mapping.delete(c);
  const refused = notPermitted.filter((c) => REQUIRED_POLICE_COLUMNS.includes(c));
  if (refused.length) throw new FileRejectedError(path, `the data-sharing agreement does not permit required column(s): ${refused.join(', ')}`, 'amend the agreement or the extract');
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
  // The batch id comes first because incident ids are built from it as rows are spooled; a file
  // refused later leaves a gap in the sequence, nothing more.
  const batchId = await nextBatchId(ctx.store);
  const spool = new IncidentSpool(batchId, options.agency);
  try {
    const readOptions = { agency: options.agency, profile: options.profileData, latest, excelDates: table.excel };
    const rowCount = table.rowCount();
    const workers = table.csv === undefined ? 0 : readerWorkers(rowCount);
    const merger = new IncidentMerger(spool);
    // Progress in rows: one large extract is the common case, and a per-file bar would sit at 0/1.
    ctx.progress.start(basename(path), rowCount, 'rows');
    try {
      if (workers > 0) {
        const setup = { mapping: [...mapping], options: readOptions, secret: options.pseudonymiser.secret, boundaries: options.boundaries };
        await readInWorkers(path, { header: table.header, ...table.csv! }, setup, workers, merger, () => ctx.progress.update(merger.rowsSeen));
      } else {
        const reader = new PoliceRowReader(mapping, { ...readOptions, pseudonymiser: options.pseudonymiser, locateLsoa: options.locate });
        const known = (crimeRef: string) => merger.has(crimeRef);
        for (const chunk of table.chunks) {
          for (let i = 0; i < chunk.rows.length; i++) merger.merge(reader.read(chunk.rows[i]!, chunk.lineOf(i), known));
          ctx.progress.update(merger.rowsSeen);
        }
      }
    } finally {
      ctx.progress.stop();
    }
    const result = merger.finish();
    if (result.rowsRead === 0) throw new FileRejectedError(path, 'has a header but no data rows');
    // One --rejects file collects every file's rejects; the default is one file beside each input.
    const rejectsPath = settleRejects(path, result.rejects, result.rowsRead, options, options.runRejects);
    spool.close();

    const counts = await ctx.store.transaction(async (tx) => {
      const c = await loadIncidents(tx, spool, result.incidents);
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
        rejects: result.rejects,
        summary: { incidents: result.incidents, unrecognisedHocrCodes: result.unrecognisedHocr, conflictingCrimeRefs: result.conflictingRefs },
      });
      return c;
    });
    const warnings: string[] = [];
    if (notPermitted.length) warnings.push(`${path}: dropped column(s) the data-sharing agreement does not permit: ${notPermitted.join(', ')}`);
    if (result.conflictingRefs > 0) {
      warnings.push(`${path}: ${result.conflictingRefs} crime_ref(s) had rows with different offence dates; the first row's were kept`);
    }
    if (result.rejects.length > 0) warnings.push(`${path}: ${result.rejects.length} row(s) rejected, see ${rejectsPath}`);
    return { ...counts, rejected: result.rejects.length, skipped: false, rowsRead: result.rowsRead, warnings, unrecognised: result.unrecognisedHocr };
  } finally {
    spool.remove();
  }
}

/**
 * One file's accepted incidents and people as rows of the incidents and incident_people tables, in
 * two spool files, with ids from the batch's range (core/incident-ids.ts).
 */
class IncidentSpool {
  readonly incidents = new CsvSpool();
  readonly people = new CsvSpool();
  private readonly firstId: number;
  private readonly prefix: string;

  constructor(
    batchId: number,
    readonly agency: string,
  ) {
    this.firstId = firstIncidentId(batchId);
    this.prefix = `${csvField(POLICE_SOURCE)},${csvField(agency)},${batchId}`;
  }

  incident(ordinal: number, crimeRef: string, fields: string): void {
    if (ordinal >= INCIDENTS_PER_BATCH - 1) throw new SvoError(`a single file may hold at most ${INCIDENTS_PER_BATCH - 1} incidents`);
    this.incidents.write(`${this.firstId + ordinal},${this.prefix},${csvField(crimeRef)},${fields}\n`);
  }

  person(ordinal: number, fragment: string): void {
    this.people.write(`${this.firstId + ordinal},${fragment}\n`);
  }

  close(): void {
    this.incidents.close();
    this.people.close();
  }

  remove(): void {
    try {
      this.incidents.remove();
    } finally {
      this.people.remove();
    }
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
async function loadIncidents(tx: Queryable, spool: IncidentSpool, incidents: number): Promise<LoadCounts> {
  const stored = await tx.query(`SELECT 1 AS found FROM incidents WHERE source = $1 AND agency = $2 LIMIT 1`, [POLICE_SOURCE, spool.agency]);
  if (stored.length === 0) {
    const n = await tx.copyCsvFile('incidents', INCIDENT_TABLE_COLUMNS, spool.incidents.path);
    if (n !== incidents) throw new SvoError(`the database read ${n} incidents where svo prepared ${incidents}`);
    const people = await tx.copyCsvFile('incident_people', PEOPLE_TABLE_COLUMNS, spool.people.path);
    if (people !== spool.people.lines) throw new SvoError(`the database read ${people} people where svo prepared ${spool.people.lines}`);
    return { accepted: incidents, updated: 0, duplicates: 0 };
  }
  await tx.run(`CREATE TEMPORARY TABLE incoming_incidents AS SELECT * FROM incidents WHERE 1 = 0`);
  await tx.run(`CREATE TEMPORARY TABLE incoming_people AS SELECT * FROM incident_people WHERE 1 = 0`);
  try {
    await tx.copyCsvFile('incoming_incidents', INCIDENT_TABLE_COLUMNS, spool.incidents.path);
    await tx.copyCsvFile('incoming_people', PEOPLE_TABLE_COLUMNS, spool.people.path);
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
    await forgetQueryFacts(tx, replaced);
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
