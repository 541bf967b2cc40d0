import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SvoError, UsageError } from '../../core/errors.js';
import { POLICE_COLUMNS, headerKey, type PoliceColumn } from './columns.js';

/**
 * A force profile: how one force's extract maps onto svo's canonical columns and values.
 * Example: profiles/example-niche.json.
 */
export const policeProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    agency: z.string().min(1).optional(),
    /** canonical column → the force's column header. */
    columns: z.partialRecord(z.enum(POLICE_COLUMNS), z.string().min(1)).default({}),
    /** canonical column → { force's code: svo value }, applied before parsing (case-insensitive). */
    values: z.partialRecord(z.enum(POLICE_COLUMNS), z.record(z.string(), z.string())).default({}),
  })
  .strict();

export type PoliceProfile = z.infer<typeof policeProfileSchema>;

export function parsePoliceProfile(text: string, source: string): PoliceProfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source}: the profile is not valid JSON (${(error as Error).message})`);
  }
  const result = policeProfileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UsageError(`${source}: the profile is not valid:\n  ${problems.join('\n  ')}`, `allowed columns: ${POLICE_COLUMNS.join(', ')}`);
  }
  return result.data;
}

export function loadPoliceProfile(path: string): PoliceProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SvoError(`profile ${path} cannot be read`, 2);
  }
  return parsePoliceProfile(text, path);
}

/** Finds each canonical column's position in a header; `null` profile means canonical names. */
export function mapHeader(header: readonly string[], profile: PoliceProfile | null): Map<PoliceColumn, number> {
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    const key = headerKey(h);
    if (!positions.has(key)) positions.set(key, i);
  });
  const mapping = new Map<PoliceColumn, number>();
  for (const column of POLICE_COLUMNS) {
    const source = profile?.columns[column] ?? column;
    const index = positions.get(headerKey(source)) ?? (profile?.columns[column] ? undefined : positions.get(headerKey(column)));
    if (index !== undefined) mapping.set(column, index);
  }
  return mapping;
}

/** Value recoding for one column, case-insensitive on the force's codes. */
export function valueMapper(profile: PoliceProfile | null, column: PoliceColumn): (raw: string) => string {
  const table = profile?.values[column];
  if (!table) return (raw) => raw;
  const lookup = new Map(Object.entries(table).map(([k, v]) => [k.trim().toLowerCase(), v]));
  return (raw) => lookup.get(raw.trim().toLowerCase()) ?? raw;
}
