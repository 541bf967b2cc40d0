import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { constants as bufferConstants, isAscii } from 'node:buffer';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { Unzip, unzipSync, type FlateError } from 'fflate';
import { FileRejectedError } from '../../core/errors.js';
import { formatBytes, ingestLimits, limitHint, MAX_TEXT_CHARS, type IngestLimits } from './limits.js';

/** One logical input: a plain file, a decompressed .gz, or one entry of a .zip. */
export interface InputText {
  /** What to call it in messages: the path, or `archive.zip!entry.csv`. */
  name: string;
  /** sha256 of the decompressed bytes, so the same data is recognised however it was packed. */
  sha256: string;
  text: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file-level refusals of text input, shared by whole-file and block-by-block reading. */
export const textRefusals = {
  empty: (name: string) => new FileRejectedError(name, 'the file is empty', 'expected a CSV file with a header row'),
  binary: (name: string) => new FileRejectedError(name, 'this is not a text (CSV) file: it contains binary data', 'expected a CSV file with a header row'),
  notUtf8: (name: string) => new FileRejectedError(name, 'the text is not valid UTF-8', 'save the file as CSV UTF-8 and try again'),
  lineTooLong: (name: string, line: number, max: number) =>
    new FileRejectedError(name, `line ${line} is longer than the limit of ${formatBytes(max)} (a line of this length is not a record svo can read)`, limitHint('maxLineBytes')),
};

/** Bytes at the start of a file searched for a NUL, the mark of binary data. */
export const BINARY_PROBE_BYTES = 65536;

/**
 * ASCII bytes as text without decoding (a Latin-1 copy of ASCII is the same text, several times
 * faster than the UTF-8 decoder), or null when any byte is not ASCII.
 */
export function asciiText(bytes: Uint8Array): string | null {
  return isAscii(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') : null;
}

/** Decodes UTF-8 strictly (dropping a BOM); binary or undecodable input is a file-level error. */
export function decodeText(name: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw textRefusals.empty(name);
  const probe = bytes.subarray(0, Math.min(bytes.length, BINARY_PROBE_BYTES));
  if (probe.includes(0)) throw textRefusals.binary(name);
  if (bytes.length > 3 * MAX_TEXT_CHARS) throw new FileRejectedError(name, `is too large to read as one text (${formatBytes(bytes.length)})`, 'split it into smaller files');
  let text: string;
  try {
    text = asciiText(bytes) ?? utf8.decode(bytes);
  } catch (error) {
    // V8 cannot hold a string this long: a size problem, not an encoding one.
    if (error instanceof RangeError) throw new FileRejectedError(name, `is too large to read as one text (${formatBytes(bytes.length)})`, 'split it into smaller files');
    throw textRefusals.notUtf8(name);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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

/** Inputs read line by line (CSV), to which the line limit applies; JSON and XML may be one long line. */
const LINE_BASED = /\.(csv|txt)(\.gz)?$/i;

/** Archives inside an archive are not opened: one level of packing is all a genuine export uses. */
const NESTED_ARCHIVE = /\.(zip|gz|tgz|tar|7z|rar|bz2|xz)$/i;

/** Node's largest Buffer: a limit above it is clamped, not passed to zlib (which would throw). */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;

export function tooLarge(name: string, what: string, limit: number, key: keyof IngestLimits): FileRejectedError {
  return new FileRejectedError(name, `${what}, more than the limit of ${formatBytes(limit)}; nothing was read`, limitHint(key));
}

/** Reads a file's bytes after checking its size on disk, so a huge file is refused before it is read. */
export function readInputBytes(path: string, limits: IngestLimits = ingestLimits()): Buffer {
  const size = statSync(path).size;
  if (size > limits.maxExpandedBytes) throw tooLarge(path, `the file is ${formatBytes(size)}`, limits.maxExpandedBytes, 'maxExpandedBytes');
  return readFileSync(path);
}

/**
 * Refuses text with a line longer than the limit. Scans bytes before anything is decoded or parsed, so
 * a 200 MB single line costs one pass over the bytes, not a 200 MB string and a parser.
 */
export function checkLineLengths(name: string, bytes: Uint8Array, limits: IngestLimits = ingestLimits()): void {
  const max = limits.maxLineBytes;
  if (bytes.length <= max) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let start = 0;
  let line = 1;
  for (;;) {
    const nl = buf.indexOf(10, start);
    const end = nl < 0 ? buf.length : nl;
    if (end - start > max) throw textRefusals.lineTooLong(name, line, max);
    if (nl < 0) return;
    start = nl + 1;
    line++;
  }
}

function gunzip(name: string, bytes: Uint8Array, limits: IngestLimits): Buffer {
  // zlib stops once the output passes maxOutputLength: a gzip bomb costs at most the limit, never its full size.
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.min(limits.maxExpandedBytes, MAX_BUFFER) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(name, 'the file decompresses to more', limits.maxExpandedBytes, 'maxExpandedBytes');
    throw new FileRejectedError(name, 'is not a valid gzip file');
  }
}

interface ZipEntryInfo {
  name: string;
  originalSize: number;
}

/** The archive's central directory (names and declared sizes), read without inflating anything. */
function zipDirectory(path: string, raw: Uint8Array): ZipEntryInfo[] {
  const entries: ZipEntryInfo[] = [];
  try {
    unzipSync(raw, {
      filter: (file) => {
        entries.push({ name: file.name, originalSize: file.originalSize });
        return false;
      },
    });
  } catch {
    throw new FileRejectedError(path, 'is not a valid zip archive');
  }
  return entries;
}

/** Passes an entry's deflated bytes through untouched: they are inflated by zlib with an output cap. */
class DeflatedBytes {
  static compression = 8;
  ondata: (error: FlateError | null, data: Uint8Array, final: boolean) => void = () => {};
  push(chunk: Uint8Array, final: boolean): void {
    this.ondata(null, chunk, final);
  }
}

/**
 * Checks a zip archive against the limits and returns the wanted entries' bytes. The central directory
 * is checked first (entry count, nested archives, declared sizes); then each wanted entry is inflated
 * with its output capped at what is left of the budget, so an entry that lies about its size is
 * stopped at the limit, never inflated first and measured after.
 */
export function readZipEntries(
  path: string,
  raw: Uint8Array,
  wantedEntry: (name: string) => boolean,
  limits: IngestLimits = ingestLimits(),
  /** Which limit the expanded bytes count against (an XLSX workbook has its own). */
  budgetKey: 'maxExpandedBytes' | 'maxXlsxExpandedBytes' = 'maxExpandedBytes',
): { name: string; bytes: Uint8Array }[] {
  const budget = limits[budgetKey];
  const directory = zipDirectory(path, raw);
  if (directory.length > limits.maxArchiveEntries) {
    throw new FileRejectedError(path, `the archive holds ${directory.length} entries, more than the limit of ${limits.maxArchiveEntries}; nothing was read`, limitHint('maxArchiveEntries'));
  }
  const nested = directory.find((e) => NESTED_ARCHIVE.test(e.name));
  if (nested) {
    throw new FileRejectedError(path, `the archive holds another archive (${nested.name}); svo opens one level of archive only`, 'extract the inner archive and ingest its files');
  }
  const wanted = (name: string) => !name.endsWith('/') && wantedEntry(basename(name));
  const declared = new Map(directory.filter((e) => wanted(e.name)).map((e) => [e.name, e.originalSize]));
  const declaredTotal = [...declared.values()].reduce((a, b) => a + b, 0);
  if (declaredTotal > budget) throw tooLarge(path, `the archive says it expands to ${formatBytes(declaredTotal)}`, budget, budgetKey);

  const out: { name: string; bytes: Uint8Array }[] = [];
  let expanded = 0;
  let seen = 0;
  let refusal: FileRejectedError | null = null;
  const unzip = new Unzip((file) => {
    if (refusal) return;
    if (++seen > limits.maxArchiveEntries) {
      refusal = new FileRejectedError(path, `the archive holds more than the limit of ${limits.maxArchiveEntries} entries; nothing was read`, limitHint('maxArchiveEntries'));
      return;
    }
    if (!declared.has(file.name)) return;
    const parts: Uint8Array[] = [];
    let stored = 0;
    file.ondata = (error, chunk, final) => {
      if (refusal) return;
      if (error) {
        refusal = new FileRejectedError(`${path}!${file.name}`, `cannot be read from the archive (${error.message})`);
        return;
      }
      parts.push(chunk);
      stored += chunk.length;
      if (file.compression === 0 && expanded + stored > budget) {
        refusal = tooLarge(path, 'the archive expands to more', budget, budgetKey);
        return;
      }
      if (!final) return;
      const body = Buffer.concat(parts);
      let bytes: Uint8Array = body;
      const promised = declared.get(file.name)!;
      if (file.compression === 8) {
        // Capped one byte past the declared size (itself within the budget): an entry that lies about
        // its size is stopped there, however far it would expand.
        try {
          bytes = inflateRawSync(body, { maxOutputLength: Math.max(1, Math.min(promised + 1, budget - expanded + 1, MAX_BUFFER)) });
        } catch (e) {
          refusal =
            (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
              ? new FileRejectedError(`${path}!${file.name}`, `expands to more than the ${promised} bytes the archive says (limit ${formatBytes(budget)}): the archive is damaged or crafted; nothing was read`)
              : new FileRejectedError(`${path}!${file.name}`, 'is not valid deflate data: the archive is damaged');
          return;
        }
      }
      if (bytes.length !== promised) {
        refusal = new FileRejectedError(`${path}!${file.name}`, `expands to ${bytes.length} bytes where the archive says ${promised}: the archive is damaged or crafted`);
        return;
      }
      expanded += bytes.length;
      out.push({ name: file.name, bytes });
    };
    file.start();
  });
  unzip.register(DeflatedBytes);
  try {
    unzip.push(raw, true);
  } catch {
    if (!refusal) throw new FileRejectedError(path, 'is not a valid zip archive');
  }
  if (refusal) throw refusal;
  return out;
}

/**
 * Reads a file into the texts it holds. `.gz` is decompressed; a `.zip` yields each entry that
 * `wantedEntry` accepts (it is an error when none does). Every input is held to the limits in
 * `limits.ts` (expanded size, entries, nesting, line length) before it is decoded.
 */
export function readInputTexts(path: string, wantedEntry: (name: string) => boolean, expected: string, limits: IngestLimits = ingestLimits()): InputText[] {
  const raw = readInputBytes(path, limits);
  const ext = extname(path).toLowerCase();
  if (ext === '.zip') {
    const entries = readZipEntries(path, raw, wantedEntry, limits).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.length === 0) throw new FileRejectedError(path, `the zip archive contains no ${expected}`);
    return entries.map(({ name: entry, bytes }) => {
      const name = `${path}!${entry}`;
      if (LINE_BASED.test(entry)) checkLineLengths(name, bytes, limits);
      return { name, sha256: sha256(bytes), text: decodeText(name, bytes) };
    });
  }
  const bytes = ext === '.gz' ? gunzip(path, raw, limits) : raw;
  if (LINE_BASED.test(path)) checkLineLengths(path, bytes, limits);
  return [{ name: path, sha256: sha256(bytes), text: decodeText(path, bytes) }];
}
