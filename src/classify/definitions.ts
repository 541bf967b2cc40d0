import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SvoError } from '../core/errors.js';
import { compileDefinition, definitionCodeRows, knifeApplicableCodes, parseDefinition } from '../core/definition/parse.js';
import type { SvDefinition } from '../core/definition/schema.js';
import type { CompiledDefinition } from '../core/definition/types.js';
import { HOCR_CODES } from '../core/hocr/codes.js';
import { sha256 } from '../ingest/common/files.js';
import { sqlTimestamp } from '../ingest/common/batches.js';
import type { Queryable, Store } from '../store/port.js';
import { classifyIncidents } from './apply.js';

/** The definitions shipped with svo (`definitions/` at the package root). */
export const SHIPPED_DEFINITIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../definitions');

export interface StoredDefinition {
  id: string;
  version: number;
  description: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  isDefault: boolean;
  loadedAt: string;
  body: string;
}

export interface DefinitionFile {
  source: string;
  text: string;
}

/** Reads definition files (.yaml, .yml, .json) from the shipped folder and any extra folders. */
export function readDefinitionFiles(dirs: readonly string[]): DefinitionFile[] {
  const files: DefinitionFile[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(ya?ml|json)$/i.test(name)) continue;
      const path = join(dir, name);
      files.push({ source: path, text: readFileSync(path, 'utf8') });
    }
  }
  return files;
}

export function definitionDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = env.SVO_DEFINITIONS_DIR ? [resolve(env.SVO_DEFINITIONS_DIR)] : [];
  return [SHIPPED_DEFINITIONS_DIR, ...extra];
}

export interface SyncResult {
  added: { id: string; version: number; classified: number }[];
}

/**
 * Makes the store hold every definition file: a new id or version is stored with its code table and
 * every stored incident is classified under it (no re-ingest). A stored version whose text changed is
 * an error: a published version must never mean two things.
 */
export async function syncDefinitions(store: Store, files: readonly DefinitionFile[]): Promise<SyncResult> {
  const result: SyncResult = { added: [] };
  for (const file of files) {
    const definition = parseDefinition(file.text, file.source);
    const added = await addDefinition(store, definition, file.text, file.source);
    if (added) result.added.push(added);
  }
  return result;
}

export async function addDefinition(
  store: Store,
  definition: SvDefinition,
  text: string,
  source: string,
): Promise<{ id: string; version: number; classified: number } | null> {
  const bodySha = sha256(text.replace(/\r\n/g, '\n'));
  const [stored] = await store.query<{ body_sha256: string }>(
    `SELECT body_sha256 FROM definitions WHERE id = $1 AND version = $2`,
    [definition.id, definition.version],
  );
  if (stored) {
    if (stored.body_sha256 !== bodySha) {
      throw new SvoError(
        `${source}: definition ${definition.id} version ${definition.version} differs from the one already stored`,
        2,
        `a published version must not change meaning: increase 'version' in the file`,
      );
    }
    return null;
  }
  const cdef = compileDefinition(definition, HOCR_CODES);
  return store.transaction(async (tx) => {
    if (definition.isDefault) await tx.run(`UPDATE definitions SET is_default = FALSE WHERE is_default`);
    await tx.run(
      `INSERT INTO definitions (id, version, description, effective_from, effective_to, is_default, body, body_sha256, loaded_at)
       VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DATE), $6, $7, $8, CAST($9 AS TIMESTAMP))`,
      [
        definition.id,
        definition.version,
        definition.description,
        definition.effectiveFrom,
        definition.effectiveTo,
        definition.isDefault,
        text,
        bodySha,
        sqlTimestamp(new Date()),
      ],
    );
    await insertCodeTable(tx, cdef);
    const classified = await classifyIncidents(tx, cdef, null);
    return { id: definition.id, version: definition.version, classified };
  });
}

async function insertCodeTable(tx: Queryable, cdef: CompiledDefinition): Promise<void> {
  const { id, version } = cdef.definition;
  const rows = new Map<string, { category: string | null; inDefinition: boolean; knife: boolean }>();
  for (const row of definitionCodeRows(cdef)) rows.set(row.hocrCode, { category: row.svCategory, inDefinition: true, knife: row.knifeApplicable });
  for (const code of knifeApplicableCodes(cdef)) if (!rows.has(code)) rows.set(code, { category: null, inDefinition: false, knife: true });
  for (const [code, row] of rows) {
    await tx.run(
      `INSERT INTO definition_codes (definition_id, definition_version, hocr_code, sv_category, in_definition, knife_applicable)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, version, code, row.category, row.inDefinition, row.knife],
    );
  }
}

function rowToDefinition(r: Record<string, string | number | boolean | null>): StoredDefinition {
  return {
    id: String(r.id),
    version: Number(r.version),
    description: String(r.description),
    effectiveFrom: (r.effective_from as string | null) ?? null,
    effectiveTo: (r.effective_to as string | null) ?? null,
    isDefault: Boolean(r.is_default),
    loadedAt: String(r.loaded_at),
    body: String(r.body),
  };
}

export async function listDefinitions(db: Queryable): Promise<StoredDefinition[]> {
  const rows = await db.query(`SELECT * FROM definitions ORDER BY id, version`);
  return rows.map(rowToDefinition);
}

/** The latest stored version of a definition id, or of the default definition when no id is given. */
export async function findDefinition(db: Queryable, id?: string): Promise<StoredDefinition> {
  const rows = id
    ? await db.query(`SELECT * FROM definitions WHERE id = $1 ORDER BY version DESC LIMIT 1`, [id])
    : await db.query(`SELECT * FROM definitions WHERE is_default ORDER BY loaded_at DESC, version DESC LIMIT 1`);
  const row = rows[0];
  if (!row) {
    const known = (await listDefinitions(db)).map((d) => d.id);
    throw new SvoError(id ? `no definition '${id}'` : 'no default definition is stored', 2, known.length ? `known definitions: ${[...new Set(known)].join(', ')}` : undefined);
  }
  return rowToDefinition(row);
}

/** `findDefinition`, compiled (for classifying; queries only need the stored id and version). */
export async function resolveDefinition(db: Queryable, id?: string): Promise<{ stored: StoredDefinition; compiled: CompiledDefinition }> {
  const stored = await findDefinition(db, id);
  return { stored, compiled: compileDefinition(parseDefinition(stored.body, `definition ${stored.id} v${stored.version}`), HOCR_CODES) };
}

/**
 * Every stored definition version, compiled. New incidents are classified under all of them, so any
 * version an output is stamped with counts the same incidents as every other version.
 */
export async function storedDefinitions(db: Queryable): Promise<CompiledDefinition[]> {
  const rows = await db.query(`SELECT * FROM definitions ORDER BY id, version`);
  return rows.map((r) => {
    const stored = rowToDefinition(r);
    return compileDefinition(parseDefinition(stored.body, `definition ${stored.id} v${stored.version}`), HOCR_CODES);
  });
}
