/** Canonical columns of a record-level police extract. A profile maps a force's own names onto these. */
export const POLICE_COLUMNS = [
  'crime_ref',
  'occurred_from',
  'occurred_to',
  'recorded_date',
  'hocr_code',
  'offence_description',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'lsoa_code',
  'location_type',
  'domestic',
  'weapon',
  'victim_id',
  'victim_name',
  'victim_age',
  'victim_dob',
  'victim_sex',
  'victim_ethnicity',
  'victim_home_lsoa',
  'suspect_id',
  'suspect_name',
  'suspect_age',
  'suspect_dob',
  'suspect_sex',
  'suspect_ethnicity',
  'suspect_home_lsoa',
] as const;

export type PoliceColumn = (typeof POLICE_COLUMNS)[number];

export const REQUIRED_POLICE_COLUMNS: readonly PoliceColumn[] = ['crime_ref', 'occurred_from', 'hocr_code'];

/** Columns holding personal identifiers: pseudonymised or discarded, and redacted in rejects. */
export const IDENTIFIER_COLUMNS: ReadonlySet<PoliceColumn> = new Set([
  'victim_id',
  'victim_name',
  'victim_dob',
  'suspect_id',
  'suspect_name',
  'suspect_dob',
]);

export const INCIDENT_TABLE_COLUMNS = [
  'id',
  'source',
  'agency',
  'batch_id',
  'source_record_id',
  'hocr_code',
  'hocr_recognised',
  'offence_description',
  'occurred_from',
  'occurred_to',
  'recorded_date',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'lsoa_code',
  'lsoa_method',
  'location_type',
  'domestic',
  'weapon',
] as const;

export const PEOPLE_TABLE_COLUMNS = ['incident_id', 'role', 'person_key', 'age', 'sex', 'ethnicity', 'home_area'] as const;

export { headerKey } from '../common/profile.js';
