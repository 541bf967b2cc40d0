/**
 * The dashboard's Data page: what is loaded and how current it is (GET /api/data/sources), each
 * file's rejected rows (GET /api/data/batches/:id/rejects, record-level) and the serious-violence
 * definitions with their history (GET /api/definitions).
 *
 * Viewers and the public see sources and batches without file names or usernames, with counts
 * disclosure-controlled as on the store summary.
 */
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { disclosedCount, type DisclosedCount } from '../../core/disclosure/rules.js';
import { definitionChanges } from '../../core/definition/changes.js';
import { parseDefinition } from '../../core/definition/parse.js';
import type { SvDefinition } from '../../core/definition/schema.js';
import { neutraliseFormula } from '../../core/security/formula.js';
import { csvLine } from '../../ingest/common/csv.js';
import { MAX_STORED_REJECTS } from '../../ingest/common/batches.js';
import { appendAudit } from '../../security/audit.js';
import { listDefinitions } from '../../classify/definitions.js';
import type { Store } from '../../store/port.js';
import { storeSummary } from '../summary.js';
import type { Access, AppEnv } from '../access.js';

/** Newest batches listed (older ones are counted in `batchesOmitted`). */
export const MAX_BATCHES_LISTED = 1000;

export interface SourceCurrency {
  source: string;
  agency: string;
  files: number;
  records: number | DisclosedCount;
  /** First and last date with records, 'YYYY-MM-DD' (police-uk: the last month's last day). */
  from: string | null;
  to: string | null;
  lastIngest: string | null;
  /** e.g. "police data to 2022-10-31". */
  currency: string;
}

export interface BatchInfo {
  id: number;
  source: string;
  agency: string;
  /** Null for viewer and public. */
  fileName: string | null;
  startedAt: string;
  finishedAt: string;
  rowsRead: number | DisclosedCount;
  rowsAccepted: number | DisclosedCount;
  rowsRejected: number | DisclosedCount;
  duplicates: number | DisclosedCount;
  updated: number | DisclosedCount;
  /** Null for viewer and public. */
  ingestedBy: string | null;
  /** Rejected rows this caller may download from /api/data/batches/{id}/rejects (0 when none or not allowed). */
  rejectsDownloadable: number;
}

export interface DataSources {
  sources: SourceCurrency[];
  batches: BatchInfo[];
  batchesOmitted: number;
  disclosureControlled: boolean;
}

const SOURCE_LABELS: Record<string, string> = { police: 'police', 'police-uk': 'data.police.uk', istv: 'ED ISTV', ambulance: 'ambulance' };

/** Last day of the month of 'YYYY-MM-DD'. */
function monthEnd(date: string): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0));
  return d.toISOString().slice(0, 10);
}

const RECORD_LEVEL_ROLES = ['admin', 'analyst', 'partner'];

/** Whether this caller may download a batch's rejects: staff roles, partners for their own agency's files. */
export function mayDownloadRejects(access: Access, batchAgency: string): boolean {
  if (!access.role || !RECORD_LEVEL_ROLES.includes(access.role)) return false;
  if (access.role === 'partner') return access.scope !== null && access.scope.agency === batchAgency;
  return true;
}

export async function dataSources(store: Store, access: Access): Promise<DataSources> {
  const summary = await storeSummary(store);
  const hide = access.disclosure;
  const count = (n: number) => (hide ? disclosedCount(n) : n);
  const sources: SourceCurrency[] = summary.sources.map((s) => {
    const from = s.first ? s.first.slice(0, 10) : null;
    const to = s.last ? (s.source === 'police-uk' ? monthEnd(s.last.slice(0, 10)) : s.last.slice(0, 10)) : null;
    return { source: s.source, agency: s.agency, files: s.files, records: count(s.records), from, to, lastIngest: s.lastIngest, currency: `${SOURCE_LABELS[s.source] ?? s.source} data to ${to ?? 'nothing yet'}` };
  });
  // Injury surveillance records live in their own tables (views with the matched place).
  for (const [source, view, time] of [
    ['istv', 'istv_assaults', 'assault_at'],
    ['ambulance', 'ambulance_records', 'call_at'],
  ] as const) {
    const [r] = await store.query<{ n: number; first: string | null; last: string | null }>(
      `SELECT COUNT(*) AS n, CAST(MIN(${time}) AS TEXT) AS first, CAST(MAX(${time}) AS TEXT) AS last FROM ${view}`,
    );
    if (!r || Number(r.n) === 0) continue;
    const [b] = await store.query<{ files: number; agencies: string | null; last_ingest: string | null }>(
      `SELECT COUNT(*) AS files, MIN(agency) AS agencies, CAST(MAX(finished_at) AS TEXT) AS last_ingest FROM ingest_batches WHERE source = $1`,
      [source],
    );
    const to = r.last ? r.last.slice(0, 10) : null;
    sources.push({
      source,
      agency: b?.agencies ?? source,
      files: Number(b?.files ?? 0),
      records: count(Number(r.n)),
      from: r.first ? r.first.slice(0, 10) : null,
      to,
      lastIngest: b?.last_ingest ?? null,
      currency: `${SOURCE_LABELS[source]} data to ${to ?? 'nothing yet'}`,
    });
  }

  const [total] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ingest_batches`);
  const rows = await store.query<{
    id: number;
    source: string;
    agency: string;
    file_name: string;
    started_at: string;
    finished_at: string;
    rows_read: number;
    rows_accepted: number;
    rows_rejected: number;
    duplicates: number;
    updated: number;
    ingested_by: string;
    stored_rejects: number;
  }>(
    `SELECT b.id, b.source, b.agency, b.file_name, CAST(b.started_at AS TEXT) AS started_at, CAST(b.finished_at AS TEXT) AS finished_at,
       b.rows_read, b.rows_accepted, b.rows_rejected, b.duplicates, b.updated, b.ingested_by,
       (SELECT COUNT(*) FROM ingest_rejects r WHERE r.batch_id = b.id) AS stored_rejects
     FROM ingest_batches b ORDER BY b.finished_at DESC, b.id DESC LIMIT ${MAX_BATCHES_LISTED}`,
  );
  const batches: BatchInfo[] = rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    agency: r.agency,
    fileName: hide ? null : r.file_name,
    startedAt: String(r.started_at).replace(' ', 'T').slice(0, 19),
    finishedAt: String(r.finished_at).replace(' ', 'T').slice(0, 19),
    rowsRead: count(Number(r.rows_read)),
    rowsAccepted: count(Number(r.rows_accepted)),
    rowsRejected: count(Number(r.rows_rejected)),
    duplicates: count(Number(r.duplicates)),
    updated: count(Number(r.updated)),
    ingestedBy: hide ? null : r.ingested_by,
    rejectsDownloadable: mayDownloadRejects(access, r.agency) ? Number(r.stored_rejects) : 0,
  }));
  return { sources, batches, batchesOmitted: Math.max(0, Number(total?.n ?? 0) - batches.length), disclosureControlled: hide };
}

export const REJECT_COLUMNS = ['line', 'column', 'reason', 'value'] as const;

/** GET /api/data/batches/:id/rejects: the stored rejects of one batch as CSV, audited as a record-level export. */
async function rejectsCsv(c: Context<AppEnv>, store: Store, now: () => Date): Promise<Response> {
  const text = c.req.param('id') ?? '';
  if (!/^\d{1,15}$/.test(text)) throw new HTTPException(400, { message: `batch id must be a whole number, got '${text}'` });
  const id = Number(text);
  const [batch] = await store.query<{ source: string; agency: string; file_name: string; rows_rejected: number }>(
    `SELECT source, agency, file_name, rows_rejected FROM ingest_batches WHERE id = $1`,
    [id],
  );
  if (!batch) throw new HTTPException(404, { message: `no ingest batch ${id}` });
  const access = c.get('access');
  if (!mayDownloadRejects(access, batch.agency)) throw new HTTPException(403, { message: `partners may download the rejects of their own agency's files only` });
  const rows = await store.query<{ line: number; column_name: string | null; reason: string; value: string | null }>(
    `SELECT line, column_name, reason, value FROM ingest_rejects WHERE batch_id = $1 ORDER BY ordinal`,
    [id],
  );
  const body = [csvLine([...REJECT_COLUMNS]), ...rows.map((r) => csvLine([Number(r.line), r.column_name ?? '', r.reason, r.value ?? ''].map(neutraliseFormula)))].join('');
  await appendAudit(
    store,
    access.user!.username,
    'records.export',
    { what: 'ingest rejects', batch: id, source: batch.source, agency: batch.agency, rows: rows.length, rejectedInBatch: Number(batch.rows_rejected) },
    now(),
  );
  const truncated = Number(batch.rows_rejected) > rows.length;
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="batch-${id}-rejects.csv"`,
    // The first MAX_STORED_REJECTS rejects of a file are kept; the header says when there were more.
    'X-Svo-Rejects-Stored': String(rows.length),
    'X-Svo-Rejects-Total': String(Number(batch.rows_rejected)),
    ...(truncated ? { 'X-Svo-Rejects-Truncated': 'true' } : {}),
  });
}

export interface DefinitionVersion {
  id: string;
  version: number;
  name: string;
  description: string;
  isDefault: boolean;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** When this version was stored ('YYYY-MM-DDTHH:MM:SS'). */
  loadedAt: string;
  /** Who added it (`svo definitions add`); null for shipped definitions and for viewer/public. */
  loadedBy: string | null;
  codes: Record<string, string[]>;
  excludeDomestic: boolean;
  u25Age: number;
  /** What changed from the previous version of the same id; null for a first version. */
  changes: string[] | null;
}

export async function definitionHistory(store: Store, access: Access): Promise<{ definitions: DefinitionVersion[]; default: { id: string; version: number } | null }> {
  const stored = await listDefinitions(store);
  const addedBy = new Map<string, string>();
  if (!access.disclosure) {
    const entries = await store.query<{ actor: string; details: string }>(`SELECT actor, details FROM audit_log WHERE action = 'definition.add' ORDER BY seq`);
    for (const e of entries) {
      const d = JSON.parse(e.details) as { id?: string; version?: number };
      if (d.id !== undefined && d.version !== undefined) addedBy.set(`${d.id}@${d.version}`, e.actor);
    }
  }
  const previous = new Map<string, SvDefinition>();
  const definitions: DefinitionVersion[] = [];
  for (const s of stored) {
    let parsed: SvDefinition | null;
    try {
      parsed = parseDefinition(s.body, `${s.id} version ${s.version}`);
    } catch {
      parsed = null; // stored by an older svo with a since-tightened schema: list it without details
    }
    const before = previous.get(s.id);
    definitions.push({
      id: s.id,
      version: s.version,
      name: parsed?.name ?? s.id,
      description: s.description,
      isDefault: s.isDefault,
      effectiveFrom: s.effectiveFrom,
      effectiveTo: s.effectiveTo,
      loadedAt: s.loadedAt.replace(' ', 'T').slice(0, 19),
      loadedBy: addedBy.get(`${s.id}@${s.version}`) ?? null,
      codes: parsed ? { ...parsed.codes } : {},
      excludeDomestic: parsed?.excludeDomestic ?? false,
      u25Age: parsed?.u25Age ?? 25,
      changes: before && parsed ? definitionChanges(before, parsed) : null,
    });
    if (parsed) previous.set(s.id, parsed);
  }
  const def = definitions.find((d) => d.isDefault);
  return { definitions, default: def ? { id: def.id, version: def.version } : null };
}

export function registerDataSourceRoutes(app: Hono<AppEnv>, store: Store): void {
  app.get('/api/data/sources', async (c) => c.json(await dataSources(store, c.get('access'))));
}

export function registerRejectRoutes(app: Hono<AppEnv>, store: Store, now: () => Date): void {
  app.get('/api/data/batches/:id/rejects', (c) => rejectsCsv(c, store, now));
}

export function registerDefinitionRoutes(app: Hono<AppEnv>, store: Store): void {
  app.get('/api/definitions', async (c) => c.json(await definitionHistory(store, c.get('access'))));
}

export const DATA_OPENAPI: Record<string, unknown> = {
  '/api/data/sources': {
    get: {
      summary: 'Sources with data currency, and the newest ingest batches (viewer/public: no file names or usernames, counts disclosure-controlled)',
      responses: {
        '200': {
          description:
            'sources [{source, agency, files, records, from, to, lastIngest, currency}], batches [{id, source, agency, fileName, startedAt, finishedAt, rowsRead, rowsAccepted, rowsRejected, duplicates, updated, ingestedBy, rejectsDownloadable}], batchesOmitted, disclosureControlled',
        },
      },
    },
  },
  '/api/data/batches/{id}/rejects': {
    get: {
      summary: `A batch's rejected rows as CSV (line, column, reason, value; identifiers redacted at ingest; the first ${MAX_STORED_REJECTS.toLocaleString('en-GB')} of a file are kept). Record-level: audited; partners for their own agency's files only`,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: {
        '200': { description: 'text/csv; headers X-Svo-Rejects-Stored, X-Svo-Rejects-Total (and X-Svo-Rejects-Truncated when more were rejected than kept)' },
        '400': { description: 'the id is not a number' },
        '403': { description: 'not permitted (viewer, public, or a partner and another agency’s file)' },
        '404': { description: 'no such batch' },
      },
    },
  },
  '/api/definitions': {
    get: {
      summary: 'Serious-violence definitions: every stored version, when and by whom it was added, what changed from the previous version, which is the default',
      responses: {
        '200': {
          description:
            'definitions [{id, version, name, description, isDefault, effectiveFrom, effectiveTo, loadedAt, loadedBy, codes {category: [HOCR codes]}, excludeDomestic, u25Age, changes [text] | null}], default {id, version} | null',
        },
      },
    },
  },
};
