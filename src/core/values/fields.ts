/** Parsers for the small coded fields agency extracts carry. Each returns a value or a reason. */

export type FieldParse<T> = { ok: true; value: T } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['y', 'yes', 'true', 't', '1', 'domestic', 'dv', 'da']);
const FALSE_WORDS = new Set(['n', 'no', 'false', 'f', '0', 'non-domestic', 'not domestic']);

/** Yes/no flags; blank or "unknown" is null (unknown), anything else is an error. */
export function parseFlag(raw: string): FieldParse<boolean | null> {
  const t = raw.trim().toLowerCase();
  if (t === '' || t === 'unknown' || t === 'u' || t === 'not known') return { ok: true, value: null };
  if (TRUE_WORDS.has(t)) return { ok: true, value: true };
  if (FALSE_WORDS.has(t)) return { ok: true, value: false };
  return { ok: false, reason: 'expected Y/N, yes/no, true/false or 1/0' };
}

export type Sex = 'male' | 'female' | 'other';

/** Sex as recorded; blank/unknown is null. */
export function parseSex(raw: string): FieldParse<Sex | null> {
  const t = raw.trim().toLowerCase();
  if (t === '' || t === 'u' || t === 'unknown' || t === 'not known' || t === 'not stated' || t === 'n/k') return { ok: true, value: null };
  if (t === 'm' || t === 'male' || t === 'man' || t === 'boy') return { ok: true, value: 'male' };
  if (t === 'f' || t === 'female' || t === 'woman' || t === 'girl') return { ok: true, value: 'female' };
  if (t === 'x' || t === 'o' || t === 'other' || t === 'indeterminate' || t === 'i') return { ok: true, value: 'other' };
  return { ok: false, reason: 'expected M/F/male/female/other or blank' };
}

export const MAX_AGE = 120;

/** Age in whole years, 0–120; blank is null. */
export function parseAge(raw: string): FieldParse<number | null> {
  const t = raw.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^\d{1,3}(\.0+)?$/.test(t)) return { ok: false, reason: 'expected a whole number of years' };
  const age = Number(t);
  if (age > MAX_AGE) return { ok: false, reason: `age must be between 0 and ${MAX_AGE}` };
  return { ok: true, value: age };
}

/** A decimal number; blank is null. */
export function parseNumber(raw: string): FieldParse<number | null> {
  const t = raw.trim().replaceAll(',', '');
  if (t === '') return { ok: true, value: null };
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { ok: false, reason: 'expected a number' };
  return { ok: true, value: Number(t) };
}

/** 2011 or 2021 LSOA codes (E01/W01…) and svo's synthetic demo codes (X01…). */
export const LSOA_CODE = /^[EWX]01\d{6}$/;

/**
 * `x` rounded to 1/scale (scale a power of ten: 10, 1e6) as text, exactly as
 * String(Math.round(x * scale) / scale) prints it, but from integers: V8's shortest double-to-text
 * conversion cost a 1M-row extract over a second of CPU. (For |x × scale| below 10^15 the two agree:
 * the exact decimal has too few digits for a shorter one to denote the same double.)
 */
export function roundedText(x: number, scale: number): string {
  const n = Math.round(x * scale);
  if (!(Math.abs(n) < 1e15)) return String(n / scale);
  const abs = Math.abs(n);
  const whole = Math.floor(abs / scale);
  const fraction = abs - whole * scale;
  const sign = n < 0 ? '-' : '';
  if (fraction === 0) return sign + whole;
  let digits = String(fraction + scale).slice(1); // zero-padded to the scale's width
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${sign}${whole}.${digits}`;
}
