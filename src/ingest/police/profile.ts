import { loadProfile, mapColumns, parseProfile, profileSchema, valueMapper as commonValueMapper, type Profile } from '../common/profile.js';
import { POLICE_COLUMNS, type PoliceColumn } from './columns.js';

/**
 * A force profile: how one force's extract maps onto svo's canonical columns and values
 * (the shared profile shape, ingest/common/profile.ts). Example: profiles/example-niche.json.
 */
export const policeProfileSchema = profileSchema(POLICE_COLUMNS);

export type PoliceProfile = Profile<PoliceColumn>;

export function parsePoliceProfile(text: string, source: string): PoliceProfile {
  return parseProfile(text, source, POLICE_COLUMNS);
}

export function loadPoliceProfile(path: string): PoliceProfile {
  return loadProfile(path, POLICE_COLUMNS);
}

/** Finds each canonical column's position in a header; `null` profile means canonical names. */
export function mapHeader(header: readonly string[], profile: PoliceProfile | null): Map<PoliceColumn, number> {
  return mapColumns(header, POLICE_COLUMNS, profile);
}

/** Value recoding for one column, case-insensitive on the force's codes. */
export function valueMapper(profile: PoliceProfile | null, column: PoliceColumn): (raw: string) => string {
  return commonValueMapper(profile, column);
}
