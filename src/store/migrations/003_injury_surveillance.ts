import type { Migration } from './index.js';

/**
 * Injury surveillance (Cardiff Model): ED ISTV returns, ambulance calls, the gazetteer of named places
 * and the remembered matches of free-text locations to places. See docs/injury-surveillance.md.
 */
export const m003InjurySurveillance: Migration = {
  version: 3,
  name: 'injury surveillance: ISTV attendances, ambulance calls, places and place matches',
  statements: [
    // Gazetteer: venues, streets and landmarks. place_key is the file's own id (or one derived from the
    // name, type and position), stable across re-loads so remembered matches stay valid.
    `CREATE TABLE places (
      place_key TEXT PRIMARY KEY,
      batch_id BIGINT NOT NULL,
      name TEXT NOT NULL,
      place_type TEXT,
      street TEXT,
      easting DOUBLE PRECISION,
      northing DOUBLE PRECISION,
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION,
      lsoa_code TEXT,
      lsoa_method TEXT
    )`,
    `CREATE TABLE place_aliases (
      place_key TEXT NOT NULL,
      alias TEXT NOT NULL
    )`,

    // One row per distinct normalised free-text location. status: matched (automatic, confident),
    // review (a candidate below the confidence threshold), unmatched (no candidate), not_a_place
    // (home, unknown, …), confirmed (an analyst chose the place, or chose none). Confirmed rows are
    // never overwritten by automatic matching.
    `CREATE TABLE place_matches (
      text_key TEXT PRIMARY KEY,
      example TEXT NOT NULL,
      place_key TEXT,
      confidence DOUBLE PRECISION,
      method TEXT NOT NULL,
      status TEXT NOT NULL,
      candidates TEXT,
      matched_at TIMESTAMP NOT NULL,
      confirmed_by TEXT,
      confirmed_at TIMESTAMP
    )`,

    // ED Information Sharing to Tackle Violence returns: one row per assault attendance, no patient
    // identifiers. record_key = hash of the row's values and its occurrence number among identical rows
    // of the same return, so a resubmitted return replaces the stored one row for row.
    `CREATE TABLE injury_attendances (
      id BIGINT NOT NULL,
      batch_id BIGINT NOT NULL,
      site_code TEXT NOT NULL,
      period_start DATE NOT NULL,
      period_end DATE NOT NULL,
      record_key TEXT NOT NULL,
      arrival_at TIMESTAMP,
      assault_at TIMESTAMP NOT NULL,
      assault_method TEXT NOT NULL,
      method_mapped BOOLEAN NOT NULL,
      assault_method_other TEXT,
      location_type TEXT,
      location_type_mapped BOOLEAN,
      location_text TEXT,
      location_key TEXT,
      age_band TEXT,
      age_min INTEGER,
      age_max INTEGER,
      sex TEXT,
      home_lsoa TEXT,
      home_district TEXT
    )`,

    // Ambulance service calls for assaults. record_key = the call reference when the file has one,
    // else a hash of the row's values and its occurrence number; content_hash = a hash of the row's
    // values, so a later extract's changed calls are updated and unchanged ones counted as duplicates.
    `CREATE TABLE ambulance_calls (
      id BIGINT NOT NULL,
      batch_id BIGINT NOT NULL,
      agency TEXT NOT NULL,
      record_key TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      call_ref TEXT,
      call_at TIMESTAMP NOT NULL,
      easting DOUBLE PRECISION,
      northing DOUBLE PRECISION,
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION,
      lsoa_code TEXT,
      lsoa_method TEXT,
      location_text TEXT,
      location_key TEXT,
      category TEXT,
      determinant TEXT,
      conveyed BOOLEAN,
      age_band TEXT,
      age_min INTEGER,
      age_max INTEGER,
      sex TEXT
    )`,

    // What the query layer counts: each record with its accepted place match (matched or confirmed)
    // and the LSOA it happened in (ISTV: the matched place's; ambulance: its own, else the place's).
    `CREATE VIEW istv_assaults AS
      SELECT a.id, a.batch_id, a.site_code, a.arrival_at, a.assault_at, a.assault_method, a.method_mapped,
        a.location_type, a.location_type_mapped, a.location_key, a.age_band, a.age_min, a.age_max, a.sex,
        a.home_lsoa, m.place_key, p.name AS place_name, p.place_type, p.easting, p.northing, p.lsoa_code
      FROM injury_attendances a
      LEFT JOIN place_matches m ON m.text_key = a.location_key AND m.status IN ('matched', 'confirmed') AND m.place_key IS NOT NULL
      LEFT JOIN places p ON p.place_key = m.place_key`,
    `CREATE VIEW ambulance_records AS
      SELECT c.id, c.batch_id, c.agency, c.call_at, c.category, c.determinant, c.conveyed, c.age_band, c.age_min,
        c.age_max, c.sex, c.location_key, m.place_key, p.name AS place_name,
        COALESCE(c.easting, p.easting) AS easting, COALESCE(c.northing, p.northing) AS northing,
        COALESCE(c.lsoa_code, p.lsoa_code) AS lsoa_code
      FROM ambulance_calls c
      LEFT JOIN place_matches m ON m.text_key = c.location_key AND m.status IN ('matched', 'confirmed') AND m.place_key IS NOT NULL
      LEFT JOIN places p ON p.place_key = m.place_key`,
  ],
};
