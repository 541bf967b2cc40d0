import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOCR_CODES } from './codes.js';
import { compareHocrCodes, lookupHocr, normaliseHocrCode } from './normalise.js';

describe('normaliseHocrCode', () => {
  it.each([
    ['8N', '8N'],
    ['8n', '8N'],
    ['034b', '34B'],
    ['008N', '8N'],
    [' 1/1 ', '1/1'],
    ['004/01', '4/1'],
    ['4/10', '4/10'],
    ['4.1', '4/1'], // ONS spelling
    ['4.10', '4/10'],
    ['37 / 1', '37/1'],
    ['34 B', '34B'],
    ['105a', '105A'],
    ['0802', '802'],
    ['1', '1'],
    ['\t92E\n', '92E'],
    ['999Z', '999Z'], // well-formed but unknown: kept, callers count it as unrecognised
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseHocrCode(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['ABC'],
    ['x/y'],
    ['12345'], // 5 digits: a Home Office offence code such as 05800, not a HOCR class
    ['05800'],
    ['1234'], // no HOCR class has 4 significant digits
    ['0'],
    ['000'],
    ['4/0'],
    ['4/123'],
    ['8NN'],
    ['N8'],
    ['4/1A'],
    ['8N.'],
    ['-8N'],
    ['8N 9A'],
  ])('%j is not a HOCR code', (raw) => {
    expect(normaliseHocrCode(raw)).toBeNull();
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const once = normaliseHocrCode(raw);
        if (once !== null) expect(normaliseHocrCode(once)).toBe(once);
      }),
    );
  });

  it('leaves every table code unchanged', () => {
    for (const entry of HOCR_CODES) expect(normaliseHocrCode(entry.code)).toBe(entry.code);
  });
});

describe('lookupHocr', () => {
  it('finds codes written in any accepted form', () => {
    expect(lookupHocr('008n')?.description).toBe('Assault with injury');
    expect(lookupHocr('4.1')?.code).toBe('4/1');
    expect(lookupHocr('5A')?.modernEquivalent).toBe('5D');
  });

  it('returns undefined for unknown or malformed codes', () => {
    expect(lookupHocr('999Z')).toBeUndefined();
    expect(lookupHocr('ABC')).toBeUndefined();
  });
});

describe('compareHocrCodes', () => {
  it('orders codes as the counting rules list them', () => {
    const shuffled = ['34B', '4/10', '5A', '1/2', '2', '4/2', '1', '105A', '34A', '1/1', '8N', '37/1'];
    expect([...shuffled].sort(compareHocrCodes)).toEqual([
      '1',
      '1/1',
      '1/2',
      '2',
      '4/2',
      '4/10',
      '5A',
      '8N',
      '34A',
      '34B',
      '37/1',
      '105A',
    ]);
  });
});
