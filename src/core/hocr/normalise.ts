import { HOCR_CODES, type HocrCode } from './codes.js';

/**
 * A HOCR code as it appears in extracts: a class number (1-999, often zero-padded, e.g. '034B', '008N')
 * optionally followed by a one-letter sub-class ('34B') or a sub-class number after '/' or '.'
 * ('4/1', '004/01', and the ONS spelling '4.1'). Spaces inside ('34 B', '4 / 1') are tolerated.
 * At most 4 digits are accepted for the class so 5-digit Home Office offence codes such as '05800'
 * (class + 2-digit sub-class) are not silently misread as a HOCR class.
 */
const HOCR_SHAPE = /^(\d{1,4})\s*(?:([A-Z])|[/.]\s*(\d{1,2}))?$/;

/**
 * The canonical form of a HOCR code ('034b' -> '34B', '004/01' -> '4/1', '4.10' -> '4/10'), or null when
 * the text does not look like a HOCR code at all. A well-formed code that is not in HOCR_CODES is still
 * returned: callers count such codes as "unrecognised" rather than dropping them.
 */
export function normaliseHocrCode(raw: string): string | null {
  const match = HOCR_SHAPE.exec(raw.trim().toUpperCase());
  if (!match) return null;
  const [, classDigits = '', letter, subClassDigits] = match;
  const classNumber = stripLeadingZeros(classDigits);
  if (classNumber === '' || classNumber.length > 3) return null;
  if (letter !== undefined) return classNumber + letter;
  if (subClassDigits !== undefined) {
    const subClass = stripLeadingZeros(subClassDigits);
    if (subClass === '') return null; // there is no sub-class 0
    return `${classNumber}/${subClass}`;
  }
  return classNumber;
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+/, '');
}

/** Orders canonical codes as the counting rules list them: '1' < '1/2' < '2' < '4/2' < '4/10' < '5A' < '34B'. */
export function compareHocrCodes(a: string, b: string): number {
  const [, classA = '', restA = ''] = /^(\d*)(.*)$/.exec(a) ?? [];
  const [, classB = '', restB = ''] = /^(\d*)(.*)$/.exec(b) ?? [];
  const byClass = Number(classA) - Number(classB);
  if (byClass !== 0) return byClass;
  const subA = restA.startsWith('/') ? Number(restA.slice(1)) : NaN;
  const subB = restB.startsWith('/') ? Number(restB.slice(1)) : NaN;
  if (!Number.isNaN(subA) && !Number.isNaN(subB)) return subA - subB;
  return restA < restB ? -1 : restA > restB ? 1 : 0;
}

const CODES_BY_CANONICAL = new Map<string, HocrCode>(HOCR_CODES.map((entry) => [entry.code, entry]));

/** The table entry for a code (raw or canonical), or undefined when it is malformed or not in the table. */
export function lookupHocr(code: string): HocrCode | undefined {
  const canonical = normaliseHocrCode(code);
  return canonical === null ? undefined : CODES_BY_CANONICAL.get(canonical);
}
