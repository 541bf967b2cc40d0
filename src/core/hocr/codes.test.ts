import { describe, expect, it } from 'vitest';
import { HO_GROUPS, HOCR_CODES, hocrCodeValidOn } from './codes.js';
import { normaliseHocrCode } from './normalise.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const byCode = new Map(HOCR_CODES.map((entry) => [entry.code, entry]));

describe('HOCR_CODES', () => {
  it('has no duplicate codes', () => {
    const codes = HOCR_CODES.map((entry) => entry.code);
    const duplicates = codes.filter((code, index) => codes.indexOf(code) !== index);
    expect(duplicates).toEqual([]);
  });

  it('stores every code in canonical form', () => {
    const notCanonical = HOCR_CODES.filter((entry) => normaliseHocrCode(entry.code) !== entry.code);
    expect(notCanonical.map((entry) => entry.code)).toEqual([]);
  });

  it('points every modernEquivalent at a current code in the table', () => {
    for (const entry of HOCR_CODES.filter((candidate) => candidate.modernEquivalent !== undefined)) {
      const modern = byCode.get(entry.modernEquivalent ?? '');
      expect(modern, `${entry.code} -> ${entry.modernEquivalent}`).toBeDefined();
      expect(modern?.validTo, `${entry.modernEquivalent} should still be in use`).toBeNull();
      expect(entry.validTo, `${entry.code} was replaced, so it needs an end date`).not.toBeNull();
    }
  });

  it('has well-formed dates, a description and a known group', () => {
    for (const entry of HOCR_CODES) {
      if (entry.validFrom !== null) expect(entry.validFrom).toMatch(ISO_DATE);
      if (entry.validTo !== null) expect(entry.validTo).toMatch(ISO_DATE);
      if (entry.validFrom !== null && entry.validTo !== null) expect(entry.validFrom < entry.validTo).toBe(true);
      expect(entry.description.trim()).not.toBe('');
      expect(HO_GROUPS).toContain(entry.hoGroup);
    }
  });

  it('contains the serious-violence codes and their neighbours from domain.md', () => {
    const expected = ['1', '1/1', '1/2', '4/1', '4/2', '4/10', '2', '3A', '3B', '5D', '5E', '8N', '8P', '8S'];
    expected.push('34A', '34B', '105A', '105B', '10A', '10B', '10C', '10D', '90', '5A', '5B', '5C', '8F', '8G', '8H', '8J');
    expect(expected.filter((code) => !byCode.has(code))).toEqual([]);
  });

  it('maps the legacy violence codes to their modern equivalents', () => {
    const legacy = Object.fromEntries(
      ['5A', '5B', '5C', '8F', '8G', '8H', '8J'].map((code) => [code, byCode.get(code)?.modernEquivalent]),
    );
    expect(legacy).toEqual({ '5A': '5D', '5B': '5E', '5C': '5E', '8F': '8N', '8G': '8N', '8H': '8P', '8J': '8P' });
  });

  it('puts the definition codes in the Home Office groups given in domain.md', () => {
    const groupOf = (code: string) => byCode.get(code)?.hoGroup;
    expect(['1', '4/1'].map(groupOf)).toEqual(['Homicide', 'Homicide']);
    expect(['2', '5D', '5E', '8N', '8P'].map(groupOf)).toEqual(Array(5).fill('Violence with injury'));
    expect(['34A', '34B'].map(groupOf)).toEqual(['Robbery', 'Robbery']);
  });
});

describe('hocrCodeValidOn', () => {
  it('treats validFrom as inclusive and validTo as exclusive', () => {
    const assaultWithInjury = byCode.get('8N');
    const actualBodilyHarm = byCode.get('8G');
    if (!assaultWithInjury || !actualBodilyHarm) throw new Error('8N and 8G must be in the table');
    const switchDate = assaultWithInjury.validFrom ?? '';
    expect(hocrCodeValidOn(assaultWithInjury, switchDate)).toBe(true);
    expect(hocrCodeValidOn(actualBodilyHarm, switchDate)).toBe(false);
    expect(hocrCodeValidOn(actualBodilyHarm, '2010-06-01')).toBe(true);
    expect(hocrCodeValidOn(actualBodilyHarm, '2001-01-01')).toBe(false);
  });

  it('treats null dates as open-ended', () => {
    const murder = byCode.get('1');
    if (!murder) throw new Error('1 must be in the table');
    expect(hocrCodeValidOn(murder, '1990-01-01')).toBe(true);
    expect(hocrCodeValidOn(murder, '2099-01-01')).toBe(true);
  });
});
