/**
 * Canonical columns of an ED ISTV return (NHS "Information Sharing to Tackle Violence" minimum
 * dataset, plus the locally agreed age band, sex and home area). A profile maps an ED's own names.
 * Header matching ignores case, spaces and punctuation, so `ArrivalDateTime` is `arrival_datetime`.
 */
export const ISTV_COLUMNS = [
  'site_code',
  'reporting_period_start',
  'reporting_period_end',
  'arrival_datetime',
  'assault_datetime',
  'assault_method',
  'assault_method_other',
  'assault_location_type',
  'assault_location_description',
  'age_band',
  'sex',
  'home_lsoa',
  'home_postcode_district',
] as const;

export type IstvColumn = (typeof ISTV_COLUMNS)[number];

export const REQUIRED_ISTV_COLUMNS: readonly IstvColumn[] = ['assault_datetime', 'assault_method'];

/** Columns of the submission header: may come as flags, columns, or XML header elements. */
export const ISTV_HEADER_COLUMNS: readonly IstvColumn[] = ['site_code', 'reporting_period_start', 'reporting_period_end'];

export const ATTENDANCE_TABLE_COLUMNS = [
  'id',
  'batch_id',
  'site_code',
  'period_start',
  'period_end',
  'record_key',
  'arrival_at',
  'assault_at',
  'assault_method',
  'method_mapped',
  'assault_method_other',
  'location_type',
  'location_type_mapped',
  'location_text',
  'location_key',
  'age_band',
  'age_min',
  'age_max',
  'sex',
  'home_lsoa',
  'home_district',
] as const;
