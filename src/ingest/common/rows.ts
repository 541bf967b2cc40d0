import type { ParsedTable } from './csv.js';
import { valueMapper, type Profile } from './profile.js';
import type { Progress, Reject } from './types.js';
import { basename } from 'node:path';
import { FileRejectedError } from '../../core/errors.js';

/** Thrown by a row transformer to reject the row it is reading; caught per row, never escapes a file. */
export class RowRejected extends Error {
  constructor(readonly reject: Reject) {
    super(reject.reason);
  }
}

export function rejectRow(line: number, column: string, value: string, reason: string): never {
  throw new RowRejected({ line, column, value, reason });
}

/**
 * The row-reading half of a transformer shared by the injury-surveillance sources: column positions,
 * profile recoding, line tracking and per-row rejects. A subclass turns one row into one record.
 */
export abstract class RowTransformer<C extends string, R> {
  protected readonly records: R[] = [];
  protected readonly rejects: Reject[] = [];
  protected rowsRead = 0;
  protected line = 0;
  private readonly recode = new Map<C, (raw: string) => string>();

  constructor(
    private readonly position: Map<C, number>,
    columns: readonly C[],
    profile: Profile<C> | null | undefined,
  ) {
    for (const column of columns) if (profile?.values[column]) this.recode.set(column, valueMapper(profile, column));
  }

  get rowsSeen(): number {
    return this.rowsRead;
  }

  /** The row's value of a column, recoded by the profile and trimmed; '' when the file lacks it. */
  protected value(row: string[], column: C): string {
    const i = this.position.get(column);
    if (i === undefined) return '';
    const raw = row[i] ?? '';
    const recode = this.recode.get(column);
    return (recode ? recode(raw) : raw).trim();
  }

  protected fail(column: C, value: string, reason: string): never {
    throw new RowRejected({ line: this.line, column, value, reason });
  }

  protected abstract addRow(row: string[]): R;

  addChunk(table: ParsedTable): void {
    for (let i = 0; i < table.rows.length; i++) {
      this.rowsRead++;
      this.line = table.lineOf(i);
      try {
        this.records.push(this.addRow(table.rows[i]!));
      } catch (error) {
        if (error instanceof RowRejected) this.rejects.push(error.reject);
        else throw error;
      }
    }
  }
}

/** Feeds every chunk of a file to a transformer with progress; refuses a file with no data rows. */
export function transformAll<C extends string, R>(
  progress: Progress,
  path: string,
  rowCount: number,
  chunks: Iterable<ParsedTable>,
  transformer: RowTransformer<C, R>,
): void {
  progress.start(basename(path), rowCount, 'rows');
  try {
    for (const chunk of chunks) {
      transformer.addChunk(chunk);
      progress.update(transformer.rowsSeen);
    }
  } finally {
    progress.stop();
  }
  if (transformer.rowsSeen === 0) throw new FileRejectedError(path, 'has a header but no data rows');
}
