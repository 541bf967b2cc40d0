/**
 * Age bands as EDs and ambulance services write them ("15-19", "18 to 24", "65+", "under 18"). Bands
 * are locally agreed, so svo keeps each band's bounds rather than forcing one banding. Pure.
 */
import type { FieldParse } from '../values/fields.js';

export interface AgeBand {
  /** Normalised text: "15-19", "65+" or a single age "17". */
  band: string;
  min: number;
  /** null for an open band ("65+"). */
  max: number | null;
}

const MAX_AGE = 120;
const UNKNOWN = /^(?:|unknown|not known|nk|n\/k|unk|not stated|not recorded|u)$/;

function band(min: number, max: number | null): FieldParse<AgeBand | null> {
  if (min < 0 || min > MAX_AGE || (max !== null && (max < min || max > MAX_AGE))) {
    return { ok: false, reason: `age band bounds must be 0–${MAX_AGE}, lowest first` };
  }
  const text = max === null ? `${min}+` : min === max ? String(min) : `${min}-${max}`;
  return { ok: true, value: { band: text, min, max } };
}

/**
 * Parses an age band; blank or unknown is null. Accepts "15-19", "15–19", "15 to 19", "15-19 years",
 * "65+", "65 and over", "over 65" (66+), "under 18" / "<18" (0-17), "0" and a single age "17".
 */
export function parseAgeBand(raw: string): FieldParse<AgeBand | null> {
  const t = raw
    .trim()
    .toLowerCase()
    .replace(/\s*(?:years?|yrs?|y)\s*(?:old)?\.?$/, '')
    .replace(/[–—]/g, '-')
    .trim();
  if (UNKNOWN.test(t)) return { ok: true, value: null };
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,3})\s*(?:-|to)\s*(\d{1,3})$/.exec(t))) return band(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{1,3})\s*(?:\+|plus|and over|and above|or over|or older)$/.exec(t))) return band(Number(m[1]), null);
  if ((m = /^(?:over|older than|>)\s*(\d{1,3})$/.exec(t))) return band(Number(m[1]) + 1, null);
  if ((m = /^(?:>=|≥)\s*(\d{1,3})$/.exec(t))) return band(Number(m[1]), null);
  if ((m = /^(?:under|below|younger than|<)\s*(\d{1,3})$/.exec(t))) return Number(m[1]) === 0 ? { ok: false, reason: 'no age is under 0' } : band(0, Number(m[1]) - 1);
  if ((m = /^(?:<=|≤)\s*(\d{1,3})$/.exec(t))) return band(0, Number(m[1]));
  if ((m = /^(\d{1,3})$/.exec(t))) return band(Number(m[1]), Number(m[1]));
  return { ok: false, reason: 'expected an age band such as 15-19, 18 to 24, 65+, under 18, or an age' };
}

/** Whether everyone in the band is under 25: true, false, or null when the band straddles 25. */
export function bandUnder25(min: number | null, max: number | null): boolean | null {
  if (min === null) return null;
  if (max !== null && max <= 24) return true;
  if (min >= 25) return false;
  return null;
}
