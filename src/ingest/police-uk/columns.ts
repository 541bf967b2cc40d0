/** The data.police.uk street-level CSV header, exactly as published (12 columns). */
export const POLICE_UK_HEADER = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Crime type',
  'Last outcome category',
  'Context',
] as const;

/** Columns of police_uk_crimes in the order the loader writes them. */
export const POLICE_UK_TABLE_COLUMNS = [
  'batch_id',
  'crime_id',
  'asb_key',
  'month',
  'reported_by',
  'falls_within',
  'longitude',
  'latitude',
  'location',
  'lsoa_code',
  'lsoa_name',
  'crime_type',
  'last_outcome',
  'context',
] as const;

/** `2021-03-leicestershire-street.csv`, optionally gzipped. */
export const POLICE_UK_FILE_NAME = /^\d{4}-\d{2}-[a-z0-9-]+-street\.csv(\.gz)?$/i;
