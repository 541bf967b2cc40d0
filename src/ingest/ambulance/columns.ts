/**
 * Canonical columns of an ambulance service extract of assault-related calls. A profile maps a
 * service's own names; header matching ignores case, spaces and punctuation.
 */
export const AMBULANCE_COLUMNS = [
  'call_ref',
  'call_datetime',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'lsoa_code',
  'location_text',
  'category',
  'determinant',
  'conveyed',
  'age_band',
  'age',
  'sex',
] as const;

export type AmbulanceColumn = (typeof AMBULANCE_COLUMNS)[number];

export const REQUIRED_AMBULANCE_COLUMNS: readonly AmbulanceColumn[] = ['call_datetime'];

export const CALL_TABLE_COLUMNS = [
  'id',
  'batch_id',
  'agency',
  'record_key',
  'content_hash',
  'call_ref',
  'call_at',
  'easting',
  'northing',
  'latitude',
  'longitude',
  'lsoa_code',
  'lsoa_method',
  'location_text',
  'location_key',
  'category',
  'determinant',
  'conveyed',
  'age_band',
  'age_min',
  'age_max',
  'sex',
] as const;
