import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { prefixCsvRecords } from './prefix-records.js';

async function prefixed(chunks: readonly Buffer[], prefix: string): Promise<string> {
  return (await buffer(Readable.from(chunks).pipe(prefixCsvRecords(prefix)))).toString('utf8');
}

/** Cuts bytes at the given points (any byte, inside a character or a quoted field included). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of at) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

describe('prefixCsvRecords', () => {
  it('puts the prefix before each record, not before line breaks inside quoted fields', async () => {
    const text = 'a,1\n"two\nlines",2\n"say ""hi""\n",3\né,\n';
    expect(await prefixed([Buffer.from(text)], '7,')).toBe('7,a,1\n7,"two\nlines",2\n7,"say ""hi""\n",3\n7,é,\n');
  });

  it('gives the same bytes however the stream is cut into chunks', async () => {
    const field = fc.oneof(fc.constantFrom('', 'x', 'é', '"q""uote"', '"line\nbreak"', '"a,b"', '💥'), fc.string({ maxLength: 4 }).filter((s) => !/[",\n\r]/.test(s)));
    const record = fc.array(field, { minLength: 1, maxLength: 4 }).map((fields) => fields.join(',') + '\n');
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), async (records, points) => {
        const whole = Buffer.from(records.join(''));
        const expected = records.map((r) => `9,"p",${r}`).join('');
        expect(await prefixed(cut(whole, points), '9,"p",')).toBe(expected);
      }),
    );
  });
});
