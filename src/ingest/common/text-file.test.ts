import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../core/errors.js';
import { countDataRows, csvChunkTexts, csvChunkTextsFromBlocks } from './csv.js';
import { decodeText, sha256 } from './files.js';
import { ingestLimits } from './limits.js';
import { scanTextFile, textBlocks } from './text-file.js';

const dir = mkdtempSync(join(tmpdir(), 'svo-text-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, content);
  return path;
}

const MiB = 1 << 20;
/** A CSV of `rows` rows whose fields hold two- and three-byte characters, so blocks split them. */
function bigCsv(rows: number): string {
  const lines = ['crime_ref,place,note'];
  for (let i = 0; i < rows; i++) lines.push(`R${i},Café ${i % 97},"a ““quoted”” note, with € and ""quotes"""`);
  return lines.join('\r\n') + '\r\n';
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileRejectedError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('scanTextFile', () => {
  it('gives the sha256 and row count whole-file reading gives', () => {
    for (const text of [bigCsv(40_000), 'a,b\n1,2', 'a,b\n1,2\n', '\ufeffa,b\n1,2\n3,4\n', 'a,b\n"x\ny",2\n']) {
      const bytes = Buffer.from(text);
      const scan = scanTextFile(file(bytes));
      expect(scan.sha256).toBe(sha256(bytes));
      expect(scan.dataRows).toBe(countDataRows(decodeText('x', bytes)));
      expect(scan.bytes).toBe(bytes.length);
      expect(scan.blank).toBe(false);
    }
    expect(bigCsv(40_000).length).toBeGreaterThan(2 * MiB); // several blocks
  });

  it('refuses as whole-file reading does: empty, binary, invalid UTF-8 (also across a block boundary), long lines', () => {
    expect(refusal(() => scanTextFile(file('')))).toMatch(/the file is empty/);
    expect(scanTextFile(file('\ufeff \r\n\n\t\n')).blank).toBe(true);
    expect(refusal(() => scanTextFile(file(Buffer.from([0x61, 0x2c, 0x00, 0x62]))))).toMatch(/binary data/);
    const head = Buffer.from('a,b\n' + 'x'.repeat(MiB - 5) + '\n');
    // A valid three-byte character split by the block boundary is fine …
    const euro = Buffer.from('€');
    expect(scanTextFile(file(Buffer.concat([head.subarray(0, MiB - 1), euro, Buffer.from('\n')]))).dataRows).toBe(1);
    // … a truncated one at the boundary, or at the very end, is not.
    expect(refusal(() => scanTextFile(file(Buffer.concat([head.subarray(0, MiB - 1), euro.subarray(0, 2), Buffer.from('\nx\n')]))))).toMatch(/not valid UTF-8/);
    expect(refusal(() => scanTextFile(file(Buffer.concat([Buffer.from('a,b\n'), euro.subarray(0, 2)]))))).toMatch(/not valid UTF-8/);
    const limits = { ...ingestLimits(), maxLineBytes: 100 };
    expect(refusal(() => scanTextFile(file(`a,b\n1,2\n${'y'.repeat(101)}\n`), limits))).toMatch(/line 3 is longer than the limit/);
    expect(refusal(() => scanTextFile(file(`a,b\n${'y'.repeat(2 * MiB)}`), limits))).toMatch(/line 2 is longer than the limit/);
  });
});

describe('textBlocks', () => {
  it('decodes as decodeText does, a block at a time (BOM dropped)', () => {
    const bytes = Buffer.from('\ufeff' + bigCsv(30_000));
    const path = file(bytes);
    const blocks = [...textBlocks(path, scanTextFile(path))];
    expect(blocks.length).toBeGreaterThan(2);
    expect(blocks.join('')).toBe(decodeText('x', bytes));
    // ASCII blocks (copied as Latin-1) between blocks that need the decoder, a character split by a block boundary.
    const lines = (c: string, bytes: number) => `${c.repeat(999)}\n`.repeat(bytes / 1000);
    const mixed = Buffer.from('a,b\n' + lines('x', 1_048_000) + 'x'.repeat(MiB - 4 - 1_048_000 - 1) + '€' + lines('y', 2_000_000) + 'é,ü\n' + lines('z', MiB));
    expect(mixed.indexOf('€')).toBe(MiB - 1); // split by the first block boundary
    const mixedPath = file(mixed);
    expect([...textBlocks(mixedPath, scanTextFile(mixedPath))].join('')).toBe(decodeText('x', mixed));
  });

  it('refuses a file that changed after its scan', () => {
    const path = file('a,b\n1,2\n');
    const scan = scanTextFile(path);
    appendFileSync(path, '3,4\n');
    expect(refusal(() => [...textBlocks(path, scan)])).toMatch(/changed while it was being read/);
  });
});

describe('csvChunkTextsFromBlocks', () => {
  const field = fc.oneof(fc.constantFrom('', 'x', 'Café', '€5', ' a b '), fc.constantFrom('"q,uoted"', '"two\nlines"', '"say ""hi"""', '"\r\n"'));
  const csv = fc
    .tuple(fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([rows, eol, finalEol]) => ['h1,h2,h3', ...rows.map((r) => r.join(','))].join(eol) + (finalEol ? eol : ''));

  it('cuts text arriving in blocks exactly as the whole text is cut', () => {
    fc.assert(
      fc.property(csv, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 7 }), (text, cuts, targetRows) => {
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const blocks = [0, ...points].map((p, i, all) => text.slice(p, all[i + 1] ?? text.length));
        const whole = csvChunkTexts('x', text, targetRows);
        const streamed = csvChunkTextsFromBlocks('x', blocks, targetRows);
        expect(streamed.header).toEqual(whole.header);
        expect(streamed.headerText).toBe(whole.headerText);
        expect([...streamed.chunks]).toEqual([...whole.chunks]);
      }),
      { numRuns: 500 },
    );
  });
});
