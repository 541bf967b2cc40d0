import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { FileRejectedError } from '../../core/errors.js';

/** Refuse archives that would decompress to more than this (zip-bomb guard). */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** One logical input: a plain file, a decompressed .gz, or one entry of a .zip. */
export interface InputText {
  /** What to call it in messages: the path, or `archive.zip!entry.csv`. */
  name: string;
  /** sha256 of the decompressed bytes, so the same data is recognised however it was packed. */
  sha256: string;
  text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly (dropping a BOM); binary or undecodable input is a file-level error. */
export function decodeText(name: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new FileRejectedError(name, 'the file is empty', 'expected a CSV file with a header row');
  const probe = bytes.subarray(0, Math.min(bytes.length, 65536));
  if (probe.includes(0)) {
    throw new FileRejectedError(name, 'this is not a text (CSV) file: it contains binary data', 'expected a CSV file with a header row');
  }
  try {
    const text = utf8.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new FileRejectedError(name, 'the text is not valid UTF-8', 'save the file as CSV UTF-8 and try again');
  }
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Expands paths: directories are walked (sorted), everything else is returned as given. */
export function expandPaths(paths: readonly string[], wanted: (name: string) => boolean): string[] {
  const files: string[] = [];
  const walk = (path: string, explicit: boolean) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new FileRejectedError(path, 'no such file or directory');
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) walk(join(path, entry), false);
    } else if (explicit || wanted(basename(path))) {
      files.push(path);
    }
  };
  for (const path of paths) walk(path, true);
  return files;
}

function gunzip(name: string, bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new FileRejectedError(name, tooBig ? 'decompresses to more than 1 GiB' : 'is not a valid gzip file');
  }
}

/**
 * Reads a file into the texts it holds. `.gz` is decompressed; a `.zip` yields each entry that
 * `wantedEntry` accepts (it is an error when none does).
 */
export function readInputTexts(path: string, wantedEntry: (name: string) => boolean, expected: string): InputText[] {
  const raw = readFileSync(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.zip') {
    let entries: Record<string, Uint8Array>;
    try {
      let total = 0;
      entries = unzipSync(raw, {
        filter: (file) => {
          total += file.originalSize;
          if (total > MAX_DECOMPRESSED_BYTES) throw new FileRejectedError(path, 'the archive decompresses to more than 1 GiB');
          return !file.name.endsWith('/') && wantedEntry(basename(file.name));
        },
      });
    } catch (error) {
      if (error instanceof FileRejectedError) throw error;
      throw new FileRejectedError(path, 'is not a valid zip archive');
    }
    const names = Object.keys(entries).sort();
    if (names.length === 0) throw new FileRejectedError(path, `the zip archive contains no ${expected}`);
    return names.map((entry) => {
      const bytes = entries[entry]!;
      const name = `${path}!${entry}`;
      return { name, sha256: sha256(bytes), text: decodeText(name, bytes) };
    });
  }
  const bytes = ext === '.gz' ? gunzip(path, raw) : raw;
  return [{ name: path, sha256: sha256(bytes), text: decodeText(path, bytes) }];
}
