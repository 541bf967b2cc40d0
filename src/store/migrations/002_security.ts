import type { Migration } from './index.js';

/**
 * Accounts, sessions, the hash-chained audit log and data-sharing agreements (issue 6). Times are
 * stored as ISO 8601 UTC text ('2026-01-15T12:00:00.000Z'): the same bytes on both engines, so the
 * audit chain hashes exactly what is stored, and text order is time order.
 */
export const m002Security: Migration = {
  version: 2,
  name: 'security: users, sessions, audit log, data-sharing agreements',
  statements: [
    `CREATE TABLE users (
      username TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      agency TEXT,
      areas TEXT,
      password_hash TEXT NOT NULL,
      disabled BOOLEAN NOT NULL,
      failed_attempts INTEGER NOT NULL,
      locked_until TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      password_changed_at TEXT NOT NULL
    )`,

    // Only a SHA-256 of each session token is stored: a copy of the database cannot sign anyone in.
    `CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      csrf_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`,
    `CREATE INDEX sessions_username ON sessions (username)`,

    // Append-only: each entry's hash covers its content and the previous entry's hash.
    `CREATE TABLE audit_log (
      seq BIGINT PRIMARY KEY,
      logged_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    )`,

    // A data-sharing agreement as registered (the YAML is kept verbatim); a new version replaces the old.
    `CREATE TABLE agreements (
      id TEXT NOT NULL,
      version INTEGER NOT NULL,
      agency TEXT NOT NULL,
      sources TEXT NOT NULL,
      permitted_fields TEXT NOT NULL,
      purposes TEXT NOT NULL,
      record_level_roles TEXT NOT NULL,
      retention_days INTEGER NOT NULL,
      starts_on TEXT NOT NULL,
      ends_on TEXT,
      body TEXT NOT NULL,
      body_sha256 TEXT NOT NULL,
      added_at TEXT NOT NULL,
      added_by TEXT NOT NULL,
      PRIMARY KEY (id, version)
    )`,
  ],
};
