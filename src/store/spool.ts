/**
 * Spool files: private temporary CSV files that hold rows on their way into the database, so that a
 * large load never has to exist in memory at once. The DuckDB adapter bulk-loads through them, and
 * ingest writes a file's accepted rows to them as it reads (loaded in one transaction at the end).
 *
 * Each is created with mode 0600 and named after the process, because a process killed mid-load
 * cannot delete its own: the next store to open removes those whose process is gone.
 */
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const SPOOL_FILE = /^svo-copy-(\d+)-[0-9a-f-]+\.csv$/;

/**
 * Lines are gathered into writes of about this many characters: one write per line would dominate,
 * and lines held much longer outlive V8's young generation and must be collected from the old one.
 */
const WRITE_CHARS = 256 * 1024;

export class CsvSpool {
  readonly path = join(tmpdir(), `svo-copy-${process.pid}-${randomUUID()}.csv`);
  private fd: number | null = openSync(this.path, 'w', 0o600);
  private pending: string[] = [];
  private pendingLength = 0;
  /** Calls to `write` so far: the number of lines when each call writes one, as the ingest spools do. */
  lines = 0;

  /** Appends CSV text that ends on a record boundary (one line, or several). */
  write(text: string): void {
    if (this.fd === null) throw new Error('the spool file is already closed');
    this.pending.push(text);
    this.pendingLength += text.length;
    this.lines++;
    if (this.pendingLength >= WRITE_CHARS) this.flush();
  }

  /** Writes what is pending and closes the file; it can then be loaded. */
  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /** Closes (if still open) and deletes the file. */
  remove(): void {
    try {
      this.close();
    } finally {
      rmSync(this.path, { force: true });
    }
  }

  private flush(): void {
    if (this.pendingLength === 0 || this.fd === null) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** Writes CSV chunks to a new spool file and closes it; the caller loads, then removes it. */
export function spoolChunks(csvChunks: Iterable<string>): CsvSpool {
  const spool = new CsvSpool();
  try {
    for (const chunk of csvChunks) spool.write(chunk);
    spool.close();
    return spool;
  } catch (error) {
    spool.remove();
    throw error;
  }
}

/** Removes spool files left behind by processes that no longer run. */
export function removeOrphanedSpoolFiles(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SPOOL_FILE.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(tmpdir(), name), { force: true });
    }
  }
}
