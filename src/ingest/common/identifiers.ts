/**
 * Health data must reach svo without patient identifiers (ISTV minimum dataset; Serious Violence Duty
 * s.16 excludes patient information). A file that carries an NHS number, a hospital number, a name or
 * a full date of birth is refused whole, naming the column, before anything is stored.
 */
import { FileRejectedError } from '../../core/errors.js';
import type { ParsedTable } from './csv.js';
import { compactHeaderKey } from './profile.js';

/** Header (compacted: letters and digits only) → what kind of identifier it names. */
const IDENTIFIER_HEADERS: [RegExp, string][] = [
  [/^(?:patient)?nhs(?:no|num|number|id)?$|nhsnumber|^chi(?:no|number)?$/, 'an NHS (or CHI) number'],
  [/^(?:patient)?(?:hospital|unit|casenote|mrn|localpatient|patient)(?:no|num|number|id|identifier)$|^mrn$|^patientid$/, 'a hospital or patient number'],
  [/^(?:patient)?(?:full)?(?:name|forenames?|firstnames?|givennames?|surname|lastname|familyname|middlenames?|initials)$/, "a patient's name"],
  [/^(?:patient)?(?:dob|dateofbirth|birthdate|datebirth|birthdt|dobdate)$/, 'a full date of birth'],
];

/** Whether ten digits (spaces allowed as 3-3-4) form a valid NHS number (modulus 11 check digit). */
export function isNhsNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/**
 * Refuses a file whose header names a patient identifier, or any of whose columns mostly holds valid
 * NHS numbers (checked on the first 500 rows), whatever it is called. `source` names the data set in
 * the message, e.g. 'ISTV returns'.
 */
export function refusePatientIdentifiers(path: string, header: readonly string[], sample: ParsedTable | undefined, source: string): void {
  const why = (column: string, kind: string) =>
    new FileRejectedError(
      path,
      `column '${column}' holds ${kind}: ${source} must carry no patient identifiers (no NHS number, name or full date of birth), so nothing from this file was stored`,
      'remove the column from the file and send it again',
    );
  for (const column of header) {
    const key = compactHeaderKey(column);
    for (const [pattern, kind] of IDENTIFIER_HEADERS) if (pattern.test(key)) throw why(column, kind);
  }
  if (!sample) return;
  const rows = sample.rows.slice(0, 500);
  header.forEach((column, i) => {
    let filled = 0;
    let nhs = 0;
    for (const row of rows) {
      const value = (row[i] ?? '').trim();
      if (value === '') continue;
      filled++;
      if (isNhsNumber(value)) nhs++;
    }
    if (filled >= 3 && nhs / filled >= 0.5) throw why(column, 'NHS numbers');
  });
}
