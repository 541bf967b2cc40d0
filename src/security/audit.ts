/**
 * The append-only, hash-chained audit log. Each entry stores the previous entry's hash and its own:
 * sha256 over the canonical JSON of {seq, at, actor, action, details} followed by the previous hash.
 * Editing, deleting or reordering any entry breaks every hash after it; `verifyAudit` names the first.
 *
 * Details never hold personal data: filters, counts, file names, usernames of staff accounts.
 */
import { createHash } from 'node:crypto';
import type { Queryable, Store } from '../store/port.js';
import { isoTime } from './clock.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditAction =
  | 'login.success'
  | 'login.failure'
  | 'logout'
  | 'user.add'
  | 'user.disable'
  | 'user.enable'
  | 'user.reset'
  | 'user.locked'
  | 'agreement.add'
  | 'ingest'
  | 'ingest.refused'
  | 'definition.add'
  | 'records.view'
  | 'records.export'
  | 'retention.apply';

export type AuditDetails = Record<string, unknown>;

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: one byte string per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(entry: Omit<AuditEntry, 'hash' | 'prevHash'>, prevHash: string): string {
  const content = canonicalJson({ seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, details: entry.details });
  return createHash('sha256').update(content).update(prevHash).digest('hex');
}

/** One writer at a time within this process; a second process racing for the same seq retries. */
let queue: Promise<unknown> = Promise.resolve();

export async function appendAudit(store: Pick<Store, 'transaction'>, actor: string, action: AuditAction, details: AuditDetails = {}, now = new Date()): Promise<AuditEntry> {
  const run = async (): Promise<AuditEntry> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.transaction(async (tx) => {
          const [last] = await tx.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`);
          const seq = last ? Number(last.seq) + 1 : 1;
          const prevHash = last?.hash ?? GENESIS_HASH;
          const entry = { seq, at: isoTime(now), actor, action, details };
          const hash = entryHash(entry, prevHash);
          await tx.run(`INSERT INTO audit_log (seq, logged_at, actor, action, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
            seq,
            entry.at,
            actor,
            action,
            canonicalJson(details),
            prevHash,
            hash,
          ]);
          return { ...entry, prevHash, hash };
        });
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

interface AuditRow {
  [key: string]: string | number | boolean | null;
  seq: number;
  logged_at: string;
  actor: string;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq),
  at: r.logged_at,
  actor: r.actor,
  action: r.action,
  details: JSON.parse(r.details) as AuditDetails,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry whose stored hashes do not match, with why. */
  firstBroken?: { seq: number; reason: string };
}

/** Walks the whole chain in order and recomputes every hash. */
export async function verifyAudit(db: Queryable): Promise<AuditVerification> {
  const rows = await db.query<AuditRow>(`SELECT seq, logged_at, actor, action, details, prev_hash, hash FROM audit_log ORDER BY seq`);
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    const seq = Number(row.seq);
    if (seq !== expectedSeq) return { ok: false, entries: rows.length, firstBroken: { seq, reason: `entry ${expectedSeq} is missing (found ${seq} next)` } };
    if (row.prev_hash !== prev) return { ok: false, entries: rows.length, firstBroken: { seq, reason: 'its previous-entry hash does not match the entry before it' } };
    let details: AuditDetails;
    try {
      details = JSON.parse(row.details) as AuditDetails;
    } catch {
      return { ok: false, entries: rows.length, firstBroken: { seq, reason: 'its details are not valid JSON' } };
    }
    if (canonicalJson(details) !== row.details || entryHash({ seq, at: row.logged_at, actor: row.actor, action: row.action, details }, prev) !== row.hash) {
      return { ok: false, entries: rows.length, firstBroken: { seq, reason: 'its content does not match its hash (edited after it was written)' } };
    }
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, entries: rows.length };
}

export async function listAudit(db: Queryable, options: { since?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const params: (string | number)[] = [];
  let where = '';
  if (options.since) {
    params.push(options.since);
    where = ` WHERE logged_at >= $1`;
  }
  params.push(options.limit ?? 1000);
  const rows = await db.query<AuditRow>(`SELECT seq, logged_at, actor, action, details, prev_hash, hash FROM audit_log${where} ORDER BY seq LIMIT $${params.length}`, params);
  return rows.map(toEntry);
}
