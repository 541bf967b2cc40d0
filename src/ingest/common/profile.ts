/**
 * Profiles: how one agency's file maps onto a source's canonical columns and values. The same JSON
 * shape serves every record-level source (police extracts, ISTV returns, ambulance calls):
 *
 *   { "name": "…", "description": "…", "agency": "…",
 *     "columns": { "<canonical column>": "<the file's header>" },
 *     "values":  { "<canonical column>": { "<the file's code>": "<svo value>" } } }
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SvoError, UsageError } from '../../core/errors.js';

export interface Profile<C extends string> {
  name: string;
  description?: string;
  agency?: string;
  columns: Partial<Record<C, string>>;
  values: Partial<Record<C, Record<string, string>>>;
}

export function profileSchema<C extends string>(columns: readonly [C, ...C[]]) {
  return z
    .object({
      name: z.string().min(1),
      description: z.string().optional(),
      agency: z.string().min(1).optional(),
      /** canonical column → the file's column header. */
      columns: z.partialRecord(z.enum(columns), z.string().min(1)).default({}),
      /** canonical column → { file's code: svo value }, applied before parsing (case-insensitive). */
      values: z.partialRecord(z.enum(columns), z.record(z.string(), z.string())).default({}),
    })
    .strict();
}

export function parseProfile<C extends string>(text: string, source: string, columns: readonly [C, ...C[]]): Profile<C> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source}: the profile is not valid JSON (${(error as Error).message})`);
  }
  const result = profileSchema(columns).safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UsageError(`${source}: the profile is not valid:\n  ${problems.join('\n  ')}`, `allowed columns: ${columns.join(', ')}`);
  }
  return result.data as Profile<C>;
}

export function loadProfile<C extends string>(path: string, columns: readonly [C, ...C[]]): Profile<C> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SvoError(`profile ${path} cannot be read`, 2);
  }
  return parseProfile(text, path, columns);
}

/** Header text → comparable form: case, spaces, dashes and underscores do not matter. */
export function headerKey(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_\-./]+/g, '_');
}

/** Looser header key: only letters and digits count, so `ArrivalDateTime` is `arrival_datetime`. */
export function compactHeaderKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Finds each canonical column's position in a header; `null` profile means canonical names. A column
 * the profile names is looked up only under that name.
 */
export function mapColumns<C extends string>(
  header: readonly string[],
  columns: readonly C[],
  profile: Profile<C> | null,
  key: (text: string) => string = headerKey,
): Map<C, number> {
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    const k = key(h);
    if (!positions.has(k)) positions.set(k, i);
  });
  const mapping = new Map<C, number>();
  for (const column of columns) {
    const named = profile?.columns[column];
    const index = named ? positions.get(key(named)) : positions.get(key(column));
    if (index !== undefined) mapping.set(column, index);
  }
  return mapping;
}

/** Value recoding for one column, case-insensitive on the file's codes. */
export function valueMapper<C extends string>(profile: Profile<C> | null, column: C): (raw: string) => string {
  const table = profile?.values[column];
  if (!table) return (raw) => raw;
  const lookup = new Map(Object.entries(table).map(([k, v]) => [k.trim().toLowerCase(), v]));
  return (raw) => lookup.get(raw.trim().toLowerCase()) ?? raw;
}
