import type { Store } from '../../store/port.js';

/** One row that could not be accepted. `value` is redacted for identifier columns. */
export interface Reject {
  line: number;
  column: string;
  value: string;
  reason: string;
}

/** Counts for one ingest run (one or more files); `--json` prints this. */
export interface IngestSummary {
  files: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  updated: number;
  seconds: number;
  rowsPerSecond: number;
  /** Files skipped because the identical file (same sha256) was already ingested. */
  skippedFiles: number;
  warnings: string[];
  /** Source-specific extras, e.g. unrecognised HOCR codes with their counts. */
  details: Record<string, unknown>;
}

/** Progress of a long ingest, shown as a bar on a TTY and silent elsewhere. */
export interface Progress {
  /** `unit` names what is counted ('files', 'rows'). */
  start(label: string, total: number, unit?: string): void;
  update(done: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

/** The abilities an ingest needs, passed in so tests can record or silence them. */
export interface IngestContext {
  store: Store;
  /** Who is ingesting (OS user for the CLI, account for the API). */
  user: string;
  progress: Progress;
  /** Human-readable notes (never personal data). */
  log: (message: string) => void;
  now: () => Date;
}

export function emptySummary(): IngestSummary {
  return { files: 0, accepted: 0, rejected: 0, duplicates: 0, updated: 0, seconds: 0, rowsPerSecond: 0, skippedFiles: 0, warnings: [], details: {} };
}

export function addSummaries(total: IngestSummary, part: IngestSummary): IngestSummary {
  return {
    files: total.files + part.files,
    accepted: total.accepted + part.accepted,
    rejected: total.rejected + part.rejected,
    duplicates: total.duplicates + part.duplicates,
    updated: total.updated + part.updated,
    seconds: total.seconds + part.seconds,
    rowsPerSecond: 0,
    skippedFiles: total.skippedFiles + part.skippedFiles,
    warnings: [...total.warnings, ...part.warnings],
    details: { ...total.details, ...part.details },
  };
}
