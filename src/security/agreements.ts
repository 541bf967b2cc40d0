/**
 * Data-sharing agreements, machine-readable (YAML checked by a zod schema): which agency shares which
 * sources, which fields, for which purposes, who may see record-level data, how long records are
 * kept, and when the agreement runs. Once any agreement is registered, ingest refuses files from an
 * agency without a current agreement covering that source and drops the fields it does not permit;
 * with none registered (one analyst's own database, the demo) ingest works and warns.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SvoError, UsageError } from '../core/errors.js';
import { ROLES } from '../core/security/roles.js';
import type { Queryable, Store } from '../store/port.js';
import { appendAudit } from './audit.js';
import { isoTime } from './clock.js';

/** Open data needs no agreement (Open Government Licence). */
export const OPEN_SOURCES = ['police-uk'] as const;

const date = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    ctx.addIssue({ code: 'custom', message: 'should be a date written YYYY-MM-DD' });
    return z.NEVER;
  }
  return text;
});

const retention = z
  .object({ days: z.number().int().positive().optional(), months: z.number().int().positive().optional(), years: z.number().int().positive().optional() })
  .strict()
  .refine((r) => [r.days, r.months, r.years].filter((x) => x !== undefined).length === 1, 'give exactly one of days, months or years')
  .transform((r) => r.days ?? (r.months !== undefined ? Math.round(r.months * 30.4375) : Math.round(r.years! * 365.25)));

export const agreementSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore'),
    version: z.number().int().positive().default(1),
    agency: z.string().trim().min(1),
    sources: z.array(z.string().trim().min(1)).min(1),
    permitted_fields: z.array(z.string().trim().min(1)).min(1),
    purposes: z.array(z.string().trim().min(1)).min(1),
    record_level_roles: z.array(z.enum(['admin', 'analyst', 'partner'])).default(['admin', 'analyst']),
    retention,
    starts: date,
    ends: date.optional(),
  })
  .strict()
  .refine((a) => a.ends === undefined || a.ends >= a.starts, { message: 'ends is before starts', path: ['ends'] });

export type AgreementInput = z.output<typeof agreementSchema>;

export interface Agreement {
  id: string;
  version: number;
  agency: string;
  sources: string[];
  permittedFields: string[];
  purposes: string[];
  recordLevelRoles: string[];
  retentionDays: number;
  startsOn: string;
  endsOn: string | null;
}

export function parseAgreement(text: string, file: string): AgreementInput {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = agreementSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'agreement'}: ${i.message}`).join('; ')}`,
      `fields: id, version, agency, sources, permitted_fields, purposes, record_level_roles (${ROLES.slice(0, 3).join(', ')}), retention {days|months|years}, starts, ends`,
    );
  }
  return parsed.data;
}

export async function addAgreement(store: Store, text: string, file: string, actor: string, now = new Date()): Promise<Agreement> {
  const a = parseAgreement(text, file);
  const sha = createHash('sha256').update(text).digest('hex');
  await store.transaction(async (tx) => {
    const [existing] = await tx.query<{ body_sha256: string }>(`SELECT body_sha256 FROM agreements WHERE id = $1 AND version = $2`, [a.id, a.version]);
    if (existing) {
      if (existing.body_sha256 === sha) return;
      throw new UsageError(`agreement ${a.id} version ${a.version} is already registered with different content`, 'give the changed agreement a new version');
    }
    await tx.run(
      `INSERT INTO agreements (id, version, agency, sources, permitted_fields, purposes, record_level_roles, retention_days, starts_on, ends_on, body, body_sha256, added_at, added_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [a.id, a.version, a.agency, JSON.stringify(a.sources), JSON.stringify(a.permitted_fields), JSON.stringify(a.purposes), JSON.stringify(a.record_level_roles), a.retention, a.starts, a.ends ?? null, text, sha, isoTime(now), actor],
    );
  });
  await appendAudit(store, actor, 'agreement.add', { id: a.id, version: a.version, agency: a.agency, sources: a.sources, starts: a.starts, ends: a.ends ?? null, sha256: sha }, now);
  return (await listAgreements(store)).find((x) => x.id === a.id && x.version === a.version)!;
}

interface AgreementRow {
  [key: string]: string | number | boolean | null;
  id: string;
  version: number;
  agency: string;
  sources: string;
  permitted_fields: string;
  purposes: string;
  record_level_roles: string;
  retention_days: number;
  starts_on: string;
  ends_on: string | null;
}

const toAgreement = (r: AgreementRow): Agreement => ({
  id: r.id,
  version: Number(r.version),
  agency: r.agency,
  sources: JSON.parse(r.sources) as string[],
  permittedFields: JSON.parse(r.permitted_fields) as string[],
  purposes: JSON.parse(r.purposes) as string[],
  recordLevelRoles: JSON.parse(r.record_level_roles) as string[],
  retentionDays: Number(r.retention_days),
  startsOn: r.starts_on,
  endsOn: r.ends_on,
});

/** The latest version of every agreement. */
export async function listAgreements(db: Queryable): Promise<Agreement[]> {
  const rows = await db.query<AgreementRow>(
    `SELECT a.* FROM agreements a WHERE a.version = (SELECT MAX(b.version) FROM agreements b WHERE b.id = a.id) ORDER BY a.agency, a.id`,
  );
  return rows.map(toAgreement);
}

export type IngestPermission =
  | { status: 'no-agreements'; warning: string }
  | { status: 'open-data' }
  | { status: 'covered'; agreement: Agreement };

/**
 * Whether files of `source` from `agency` may be ingested today, and under which agreement.
 * Throws when agreements are registered but none current covers this agency and source.
 */
export async function ingestPermission(db: Queryable, agency: string, source: string, today: string): Promise<IngestPermission> {
  if ((OPEN_SOURCES as readonly string[]).includes(source)) return { status: 'open-data' };
  const all = await listAgreements(db);
  if (all.length === 0) {
    return { status: 'no-agreements', warning: 'no data-sharing agreements are registered: ingesting without checks (register them with svo agreements add)' };
  }
  const current = all.filter((a) => a.agency === agency && a.sources.includes(source) && a.startsOn <= today && (a.endsOn === null || a.endsOn >= today));
  if (!current.length) {
    const theirs = all.filter((a) => a.agency === agency);
    throw new SvoError(
      `no current data-sharing agreement covers ${source} data from '${agency}'` +
        (theirs.length ? ` (theirs: ${theirs.map((a) => `${a.id} v${a.version}, ${a.sources.join('/')}, ${a.startsOn} to ${a.endsOn ?? 'open'}`).join('; ')})` : ''),
      3,
      'register one with svo agreements add, or check --agency',
    );
  }
  return { status: 'covered', agreement: current.sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0]! };
}
