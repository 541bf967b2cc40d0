import { Transform } from 'node:stream';

const QUOTE = 0x22;
const LINE_FEED = 0x0a;

/**
 * Puts `prefix` before every record of a CSV byte stream. A record ends at a line feed outside quotes;
 * `"` and line feed are single bytes in UTF-8 that never occur inside a longer character, so the bytes
 * need no decoding, and a chunk may end anywhere.
 */
export function prefixCsvRecords(prefix: string): Transform {
  const prefixBytes = Buffer.from(prefix);
  let quoted = false;
  let atRecordStart = true;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = [];
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (atRecordStart) {
          parts.push(chunk.subarray(from, i), prefixBytes);
          from = i;
          atRecordStart = false;
        }
        const byte = chunk[i];
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === LINE_FEED && !quoted) atRecordStart = true;
      }
      parts.push(chunk.subarray(from));
      done(null, Buffer.concat(parts));
    },
  });
}
