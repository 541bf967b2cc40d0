/**
 * A plain text file read a block at a time rather than as one Buffer and one string: a 170 MB extract
 * would otherwise hold both (340 MB) for as long as its rows are being read. A first pass (scan)
 * gives the sha256, the row count and the file-level checks before anything is parsed; a second
 * (textBlocks) decodes the text for the parser, block by block.
 */
import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { FileRejectedError } from '../../core/errors.js';
import { formatBytes, ingestLimits, type IngestLimits } from './limits.js';
import { asciiText, BINARY_PROBE_BYTES, textRefusals, tooLarge } from './files.js';

const BLOCK_BYTES = 1 << 20;

export interface TextFileScan {
  sha256: string;
  bytes: number;
  /** Data rows counted by line breaks, the header excluded (as countDataRows counts a text). */
  dataRows: number;
  /** Nothing but ASCII whitespace (and a BOM): an empty file, however long. */
  blank: boolean;
  /** When the scanned content was last modified, to notice a file still being written. */
  modifiedMs: number;
}

/** Reads up to `length` bytes at `position`, opening the file for just this read (no descriptor outlives a call). */
function readAt(path: string, into: Buffer, offset: number, length: number, position: number): number {
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, into, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  } finally {
    closeSync(fd);
  }
}

/** How many bytes at the end of `bytes` begin a UTF-8 sequence that the next block completes. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * One pass over a text file: its sha256 and row count, and the checks whole-file reading makes, with
 * the same messages and precedence: size, then line length, then empty, binary and UTF-8.
 */
export function scanTextFile(path: string, limits: IngestLimits = ingestLimits()): TextFileScan {
  const { size, mtimeMs } = statSync(path);
  if (size > limits.maxExpandedBytes) throw tooLarge(path, `the file is ${formatBytes(size)}`, limits.maxExpandedBytes, 'maxExpandedBytes');
  if (size === 0) throw textRefusals.empty(path);
  const hash = createHash('sha256');
  // Room for a UTF-8 sequence carried over from the previous block.
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES + 4);
  let carried = 0;
  let position = 0;
  let lineBreaks = 0;
  let lineStart = 0;
  let lastByte = -1;
  let utf8 = true;
  let binary = false;
  let blank = true;
  for (;;) {
    const n = readAt(path, buffer, carried, BLOCK_BYTES, position);
    if (n === 0) break;
    const fresh = buffer.subarray(carried, carried + n);
    hash.update(fresh);
    if (position < BINARY_PROBE_BYTES && fresh.subarray(0, BINARY_PROBE_BYTES - position).includes(0)) binary = true;
    for (let nl = fresh.indexOf(10); nl >= 0; nl = fresh.indexOf(10, nl + 1)) {
      if (position + nl - lineStart > limits.maxLineBytes) throw textRefusals.lineTooLong(path, lineBreaks + 1, limits.maxLineBytes);
      lineBreaks++;
      lineStart = position + nl + 1;
    }
    if (position + n - lineStart > limits.maxLineBytes) throw textRefusals.lineTooLong(path, lineBreaks + 1, limits.maxLineBytes);
    lastByte = fresh[n - 1]!;
    // Decided by the first block in practice: only a file of blank lines stays blank past it.
    if (blank) blank = fresh.subarray(position === 0 && fresh[0] === 0xef && fresh[1] === 0xbb && fresh[2] === 0xbf ? 3 : 0).toString('latin1').trim() === '';
    if (utf8) {
      const text = buffer.subarray(0, carried + n);
      const tail = incompleteTail(text);
      utf8 = isUtf8(text.subarray(0, text.length - tail));
      buffer.copyWithin(0, text.length - tail, text.length);
      carried = tail;
    }
    position += n;
  }
  if (position === 0) throw textRefusals.empty(path);
  if (binary) throw textRefusals.binary(path);
  if (!utf8 || carried > 0) throw textRefusals.notUtf8(path);
  const lines = lineBreaks + (lastByte === 10 ? 0 : 1);
  return { sha256: hash.digest('hex'), bytes: position, dataRows: Math.max(0, lines - 1), blank, modifiedMs: mtimeMs };
}

/**
 * The file's text, decoded block by block (a leading BOM dropped). A file whose size or modification
 * time no longer matches its scan (still being written when the scan ran) is refused rather than
 * stored under a sha256 that does not describe it.
 */
export function* textBlocks(path: string, scan: TextFileScan): Generator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let position = 0;
  // Whether the decoder holds no part of a character: an ASCII block may then skip it (asciiText).
  let idle = true;
  try {
    for (;;) {
      const n = readAt(path, buffer, 0, BLOCK_BYTES, position);
      if (n === 0) break;
      position += n;
      const bytes = buffer.subarray(0, n);
      const ascii = idle ? asciiText(bytes) : null;
      if (ascii !== null) {
        yield ascii;
      } else {
        yield decoder.decode(bytes, { stream: true });
        idle = incompleteTail(bytes) === 0;
      }
    }
    yield decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw textRefusals.notUtf8(path);
    throw error;
  }
  const now = statSync(path);
  if (position !== scan.bytes || now.size !== scan.bytes || now.mtimeMs !== scan.modifiedMs) {
    throw new FileRejectedError(path, 'changed while it was being read (is it still being written?); nothing was stored', 'ingest it again once it is complete');
  }
}
