import { describe, expect, it } from 'vitest';
import { columnsOf, describeFilter, excelFormatOf, fileNameOf, formatCell, labelOf, toCsv } from './format.js';

describe('formatting', () => {
  it('formats numbers as en-GB, keeps suppressed cells and shows missing values as a dash', () => {
    expect(formatCell(1234567, { type: 'integer' })).toBe('1,234,567');
    expect(formatCell('1435', { type: 'integer' })).toBe('1,435');
    expect(formatCell('*', { type: 'integer' })).toBe('*');
    expect(formatCell(null, { type: 'integer' })).toBe('–');
    expect(formatCell(0.35385, { type: 'percent' })).toBe('35.4%');
    expect(formatCell(19.886631, { type: 'decimal', digits: 2 })).toBe('19.89');
    expect(formatCell(true, { type: 'text' })).toBe('yes');
    expect(formatCell('robbery', { type: 'text', labels: true })).toBe('Robbery');
    expect(formatCell('test', { type: 'text' })).toBe('test');
  });

  it('puts snake-case values and names into words, leaving codes alone', () => {
    expect(labelOf('violence_with_injury')).toBe('Violence with injury');
    expect(labelOf('robbery')).toBe('Robbery');
    expect(labelOf('sv_category')).toBe('Serious violence category');
    expect(labelOf('E01025634')).toBe('E01025634');
    expect(labelOf('15-19')).toBe('15-19');
    expect(describeFilter('lad', 'X06000001', new Map([['X06000001', 'Northtown']]))).toBe('Local authority district: Northtown');
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    const csv = toCsv({
      title: 't',
      columns: [
        { key: 'a', label: 'Name, full', type: 'text' },
        { key: 'n', label: 'Count', type: 'integer' },
      ],
      rows: [
        { a: 'say "hi"', n: 3 },
        { a: '=HYPERLINK("x")', n: -2 },
        { a: null, n: null },
      ],
    });
    expect(csv).toBe('"Name, full",Count\r\n"say ""hi""",3\r\n"\'=HYPERLINK(""x"")",-2\r\n,\r\n');
  });

  it('names files and Excel formats, and types API columns', () => {
    expect(fileNameOf('By HOCR offence code (top 20 of 31)', 'csv')).toBe('svo-by-hocr-offence-code-top-20-of-31.csv');
    expect(excelFormatOf({ type: 'integer' })).toBe('#,##0');
    expect(excelFormatOf({ type: 'percent', digits: 1 })).toBe('0.0%');
    expect(columnsOf([{ name: 'lad', type: 'string' }, { name: 'count', type: 'string' }, { name: 'rate', type: 'number' }]).map((c) => c.type)).toEqual(['text', 'integer', 'decimal']);
  });
});
