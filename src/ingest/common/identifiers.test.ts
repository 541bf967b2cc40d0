import { describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../core/errors.js';
import { isNhsNumber, refusePatientIdentifiers } from './identifiers.js';
import type { ParsedTable } from './csv.js';

const table = (rows: string[][]): ParsedTable => ({ header: [], rows, simpleLines: true, lineOf: (i) => i + 2 });

describe('patient identifiers', () => {
  it('checks NHS numbers by their modulus 11 check digit', () => {
    // 943 476 5919 is the NHS Data Dictionary's example of a valid number.
    expect(isNhsNumber('943 476 5919')).toBe(true);
    expect(isNhsNumber('9434765919')).toBe(true);
    expect(isNhsNumber('9434765918')).toBe(false);
    expect(isNhsNumber('943476591')).toBe(false);
    // Check digit 10 is never valid: 1000000010 → weighted sum 10·1 + 2·1 = 12, 11 − 1 = 10.
    expect(isNhsNumber('1000000010')).toBe(false);
  });

  it.each([
    ['NHS Number', 'an NHS (or CHI) number'],
    ['nhs_no', 'an NHS (or CHI) number'],
    ['Patient NHS No', 'an NHS (or CHI) number'],
    ['CHI Number', 'an NHS (or CHI) number'],
    ['Hospital Number', 'a hospital or patient number'],
    ['MRN', 'a hospital or patient number'],
    ['Forename', "a patient's name"],
    ['Patient Name', "a patient's name"],
    ['Surname', "a patient's name"],
    ['DOB', 'a full date of birth'],
    ['Date of Birth', 'a full date of birth'],
  ])('refuses a %s column', (column, kind) => {
    expect(() => refusePatientIdentifiers('f.csv', ['assault_datetime', column], undefined, 'ED ISTV returns')).toThrow(`column '${column}' holds ${kind}`);
  });

  it('allows what is not an identifier', () => {
    for (const column of ['Site Name', 'Venue name', 'age_band', 'Year of birth', 'location_name', 'sex']) {
      expect(() => refusePatientIdentifiers('f.csv', [column], undefined, 'ED ISTV returns')).not.toThrow();
    }
  });

  it('finds NHS numbers in a column whatever it is called', () => {
    const rows = table([['9434765919', 'x'], ['4010232137', 'y'], ['9434765870', 'z']]);
    expect(() => refusePatientIdentifiers('f.csv', ['ref', 'other'], rows, 'ED ISTV returns')).toThrow(FileRejectedError);
    expect(() => refusePatientIdentifiers('f.csv', ['ref', 'other'], table([['1234567890', 'x'], ['2', 'y'], ['3', 'z']]), 'ED ISTV returns')).not.toThrow();
  });
});
