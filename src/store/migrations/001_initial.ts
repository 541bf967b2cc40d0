import type { Migration } from './index.js';

export const m001Initial: Migration = {
  version: 1,
  name: 'initial: provenance, incidents, people, classifications, geography, police-uk',
  statements: [
    `CREATE SEQUENCE ingest_batch_id_seq START 1`,
    `CREATE SEQUENCE incident_id_seq START 1`,

    // Provenance: one row per file that was committed. Failed files leave no row (all-or-nothing).
    `CREATE TABLE ingest_batches (
      id BIGINT PRIMARY KEY,
      source TEXT NOT NULL,
      agency TEXT NOT NULL,
      file_name TEXT NOT NULL,
      file_sha256 TEXT NOT NULL,
      profile TEXT,
      rows_read INTEGER NOT NULL,
      rows_accepted INTEGER NOT NULL,
      rows_rejected INTEGER NOT NULL,
      duplicates INTEGER NOT NULL,
      updated INTEGER NOT NULL,
      started_at TIMESTAMP NOT NULL,
      finished_at TIMESTAMP NOT NULL,
      ingested_by TEXT NOT NULL,
      summary TEXT
    )`,
    `CREATE INDEX ingest_batches_sha ON ingest_batches (source, file_sha256)`,

    // Record-level incidents from any agency (police extracts now; ED/ambulance later).
    `CREATE TABLE incidents (
      id BIGINT NOT NULL,
      source TEXT NOT NULL,
      agency TEXT NOT NULL,
      batch_id BIGINT NOT NULL,
      source_record_id TEXT NOT NULL,
      hocr_code TEXT,
      hocr_recognised BOOLEAN,
      offence_description TEXT,
      occurred_from TIMESTAMP NOT NULL,
      occurred_to TIMESTAMP,
      recorded_date DATE,
      easting DOUBLE PRECISION,
      northing DOUBLE PRECISION,
      latitude DOUBLE PRECISION,
      longitude DOUBLE PRECISION,
      lsoa_code TEXT,
      lsoa_method TEXT,
      location_type TEXT,
      domestic BOOLEAN,
      weapon TEXT
    )`,

    // People involved, one row per (incident, role, person). person_key is a keyed HMAC, never raw.
    `CREATE TABLE incident_people (
      incident_id BIGINT NOT NULL,
      role TEXT NOT NULL,
      person_key TEXT,
      age INTEGER,
      sex TEXT,
      ethnicity TEXT,
      home_area TEXT
    )`,

    // Serious-violence definitions as loaded (the file body is kept verbatim for audit).
    `CREATE TABLE definitions (
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      description TEXT NOT NULL,
      effective_from DATE,
      effective_to DATE,
      is_default BOOLEAN NOT NULL,
      body TEXT NOT NULL,
      body_sha256 TEXT NOT NULL,
      loaded_at TIMESTAMP NOT NULL,
      PRIMARY KEY (id, version)
    )`,
    `CREATE TABLE definition_codes (
      definition_id TEXT NOT NULL,
      definition_version INTEGER NOT NULL,
      hocr_code TEXT NOT NULL,
      sv_category TEXT,
      in_definition BOOLEAN NOT NULL,
      knife_applicable BOOLEAN NOT NULL
    )`,
    // Distinct free-text values seen in incidents, classified once per definition version in TypeScript.
    `CREATE TABLE definition_text_classes (
      definition_id TEXT NOT NULL,
      definition_version INTEGER NOT NULL,
      field TEXT NOT NULL,
      value TEXT NOT NULL,
      class TEXT NOT NULL
    )`,
    `CREATE TABLE incident_classifications (
      incident_id BIGINT NOT NULL,
      definition_id TEXT NOT NULL,
      definition_version INTEGER NOT NULL,
      in_definition BOOLEAN NOT NULL,
      sv_category TEXT,
      public_place BOOLEAN,
      victim_u25 BOOLEAN NOT NULL,
      offender_u25 BOOLEAN NOT NULL,
      knife_enabled BOOLEAN NOT NULL,
      domestic BOOLEAN,
      excluded_reason TEXT
    )`,

    // HOCR reference table, refreshed from the code table shipped with svo.
    `CREATE TABLE hocr_codes (
      code TEXT PRIMARY KEY,
      description TEXT NOT NULL,
      ho_group TEXT NOT NULL,
      valid_from DATE,
      valid_to DATE,
      modern_equivalent TEXT
    )`,

    // Geography: one row per LSOA (2011 codes), with its hierarchy, deprivation and population.
    `CREATE TABLE geo_lsoa (
      lsoa_code TEXT PRIMARY KEY,
      lsoa_name TEXT,
      msoa_code TEXT,
      msoa_name TEXT,
      lad_code TEXT,
      lad_name TEXT,
      csp_code TEXT,
      csp_name TEXT,
      imd_rank INTEGER,
      imd_decile INTEGER,
      population INTEGER,
      population_year INTEGER,
      lookup_batch_id BIGINT
    )`,
    `CREATE TABLE geo_population_age (
      lsoa_code TEXT NOT NULL,
      mid_year INTEGER NOT NULL,
      age INTEGER NOT NULL,
      population INTEGER NOT NULL
    )`,
    `CREATE TABLE geo_lsoa_boundaries (
      lsoa_code TEXT PRIMARY KEY,
      geometry TEXT NOT NULL,
      centroid_easting DOUBLE PRECISION,
      centroid_northing DOUBLE PRECISION,
      area_m2 DOUBLE PRECISION,
      min_lon DOUBLE PRECISION,
      min_lat DOUBLE PRECISION,
      max_lon DOUBLE PRECISION,
      max_lat DOUBLE PRECISION
    )`,

    // data.police.uk street-level records: month only, snapped location, 2011 LSOA. Kept apart from
    // incidents because they cannot be classified under a definition (no HOCR code, no time).
    // Key: (month, crime_id); anti-social behaviour rows have no Crime ID and use asb_key instead
    // (a hash of the row's content plus an ordinal, so identical rows stay distinct events).
    `CREATE TABLE police_uk_crimes (
      batch_id BIGINT NOT NULL,
      crime_id TEXT,
      asb_key TEXT,
      month DATE NOT NULL,
      reported_by TEXT,
      falls_within TEXT,
      longitude DOUBLE PRECISION,
      latitude DOUBLE PRECISION,
      location TEXT,
      lsoa_code TEXT,
      lsoa_name TEXT,
      crime_type TEXT NOT NULL,
      last_outcome TEXT,
      context TEXT
    )`,
  ],
};
