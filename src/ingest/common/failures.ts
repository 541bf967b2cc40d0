import { SvoError } from '../../core/errors.js';
import type { IngestSummary } from './types.js';

/** One failure that stopped a file; the run goes on with the other files and exits non-zero. */
export interface FileFailure {
  file: string;
  message: string;
}

export class IngestFailedError extends SvoError {
  constructor(
    readonly summary: IngestSummary,
    readonly failures: FileFailure[],
  ) {
    super(`${failures.length} file(s) were not ingested:\n${failures.map((f) => `  ${f.message}`).join('\n')}`, 3);
  }
}
