import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { formatBytes, ingestLimits, LIMIT_SETTINGS, parseLimit } from './limits.js';

describe('ingest limits', () => {
  it('defaults every limit and reads each from its own environment variable', () => {
    expect(ingestLimits({})).toEqual({
      maxExpandedBytes: 2 ** 30,
      maxLineBytes: 2 ** 20,
      maxArchiveEntries: 10_000,
      maxXlsxExpandedBytes: 256 * 2 ** 20,
      maxXlsxCells: 2_000_000,
      maxColumns: 1_000,
    });
    expect(ingestLimits({ SVO_MAX_EXPANDED_BYTES: '64M', SVO_MAX_LINE_BYTES: '512K', SVO_MAX_XLSX_CELLS: '5000', SVO_MAX_COLUMNS: ' ' })).toMatchObject({
      maxExpandedBytes: 64 * 2 ** 20,
      maxLineBytes: 512 * 1024,
      maxXlsxCells: 5000,
      maxColumns: 1_000,
    });
    expect(new Set(LIMIT_SETTINGS.map((s) => s.env)).size).toBe(LIMIT_SETTINGS.length);
  });

  it('parses sizes with binary units and refuses anything else, naming the variable', () => {
    expect(parseLimit('X', '1G')).toBe(2 ** 30);
    expect(parseLimit('X', '1GiB')).toBe(2 ** 30);
    expect(parseLimit('X', '1.5M')).toBe(1.5 * 2 ** 20);
    expect(parseLimit('X', '42')).toBe(42);
    for (const bad of ['0', '-5', 'lots', '1T', '', '1e9']) expect(() => parseLimit('SVO_MAX_LINE_BYTES', bad)).toThrow(UsageError);
    expect(() => parseLimit('SVO_MAX_LINE_BYTES', 'lots')).toThrow(/SVO_MAX_LINE_BYTES must be a positive whole number/);
  });

  it('writes sizes for people', () => {
    expect(formatBytes(2 ** 30)).toBe('1 GiB');
    expect(formatBytes(64 * 2 ** 20)).toBe('64 MiB');
    expect(formatBytes(15.5 * 2 ** 20)).toBe('15.5 MiB');
    expect(formatBytes(1000)).toBe('1000 bytes');
  });
});
