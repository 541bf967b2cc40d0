/**
 * Date and time parsing for agency extracts. svo stores wall-clock times in UK local time as naive
 * 'YYYY-MM-DD HH:MM:SS' strings, because that is how police and health systems record them and how
 * analysts read them (a 23:30 assault is a 23:30 assault, whatever the UTC offset was).
 */

export type DateParse = { ok: true; value: string } | { ok: false; reason: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const pad = (n: number) => String(n).padStart(2, '0');

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): DateParse {
  if (y < 1900 || y > 2100) return { ok: false, reason: `year ${y} is out of range` };
  if (mo < 1 || mo > 12) return { ok: false, reason: `month ${mo} does not exist` };
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return { ok: false, reason: `day ${d} does not exist in ${y}-${pad(mo)}` };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: 'time of day is impossible' };
  return { ok: true, value: `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}` };
}

/** Converts an instant to UK wall-clock time. */
function ukWallClock(instant: Date): DateParse {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return build(Number(parts.year), Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** Excel serial day number (1900 date system) → wall clock. */
export function fromExcelSerial(serial: number): DateParse {
  if (!Number.isFinite(serial) || serial < 1 || serial > 80000) return { ok: false, reason: `${serial} is not an Excel date` };
  const ms = Math.round((serial * 86400000) / 1000) * 1000;
  const t = new Date(EXCEL_EPOCH_MS + ms);
  return build(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds());
}

const ZERO = 48;
const digit = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - ZERO;
  return d >= 0 && d <= 9 ? d : -1000;
};
const daysIn = (y: number, mo: number): number =>
  mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;

/**
 * The common spellings, read character by character: `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS]`,
 * `DD/MM/YYYY` and `DD/MM/YYYY HH:MM[:SS]` (two-digit day, month and hour), valid and without a zone.
 * Returns undefined for anything else, valid or not: the regular expressions decide those, and give
 * the reasons. An extract of a million rows has three million dates; this is several times faster,
 * and its result is one flat string. dates.test.ts checks it agrees with the general path.
 */
function fastDateTime(text: string): string | undefined {
  const n = text.length;
  if (n !== 10 && n !== 16 && n !== 19) return undefined;
  const c2 = text.charCodeAt(2);
  let y: number, mo: number, d: number, dateOk: boolean;
  let yi: number, moi: number, di: number;
  if (c2 === 47 /* / */) {
    d = digit(text, 0) * 10 + digit(text, 1);
    mo = digit(text, 3) * 10 + digit(text, 4);
    y = digit(text, 6) * 1000 + digit(text, 7) * 100 + digit(text, 8) * 10 + digit(text, 9);
    dateOk = text.charCodeAt(5) === 47;
    [yi, moi, di] = [6, 3, 0];
  } else {
    y = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
    mo = digit(text, 5) * 10 + digit(text, 6);
    d = digit(text, 8) * 10 + digit(text, 9);
    dateOk = text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45;
    [yi, moi, di] = [0, 5, 8];
  }
  if (!dateOk || y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  let h = 0;
  let mi = 0;
  let sec = 0;
  if (n > 10) {
    const sep = text.charCodeAt(10);
    // UK dates take a space or T before the time, ISO dates the same.
    if (sep !== 84 /* T */ && sep !== 32) return undefined;
    h = digit(text, 11) * 10 + digit(text, 12);
    mi = digit(text, 14) * 10 + digit(text, 15);
    if (text.charCodeAt(13) !== 58 || h < 0 || h > 23 || mi < 0 || mi > 59) return undefined;
    if (n === 19) {
      sec = digit(text, 17) * 10 + digit(text, 18);
      if (text.charCodeAt(16) !== 58 || sec < 0 || sec > 59) return undefined;
    }
  }
  const at = (i: number) => text.charCodeAt(i);
  return String.fromCharCode(
    at(yi), at(yi + 1), at(yi + 2), at(yi + 3), 45, at(moi), at(moi + 1), 45, at(di), at(di + 1), 32,
    ZERO + Math.floor(h / 10), ZERO + (h % 10), 58, ZERO + Math.floor(mi / 10), ZERO + (mi % 10), 58, ZERO + Math.floor(sec / 10), ZERO + (sec % 10),
  );
}

/**
 * Parses ISO 8601 (`2021-07-03`, `2021-07-03T14:05`, with an offset converted to UK time), UK day-first
 * (`03/07/2021 14:05`) or an Excel serial number (`44380.5`, as XLSX cells hold dates).
 */
export function parseDateTime(raw: string, options: { excelSerial?: boolean } = {}): DateParse {
  const text = raw.trim();
  const fast = fastDateTime(text);
  if (fast !== undefined) return { ok: true, value: fast };
  return parseDateTimeSlowly(text, options);
}

/** The general path: every accepted spelling, and a reason for every refusal. */
export function parseDateTimeSlowly(text: string, options: { excelSerial?: boolean } = {}): DateParse {
  let m = ISO.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, zone] = m;
    const local = build(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    if (!local.ok || !zone) return local;
    const instant = new Date(text.replace(' ', 'T'));
    return Number.isNaN(instant.getTime()) ? { ok: false, reason: 'unreadable time zone offset' } : ukWallClock(instant);
  }
  m = UK.exec(text);
  if (m) {
    const [, d, mo, y, h, mi, s] = m;
    return build(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  }
  if (options.excelSerial && /^\d+(\.\d+)?$/.test(text)) return fromExcelSerial(Number(text));
  return { ok: false, reason: 'expected a date as YYYY-MM-DD[THH:MM] or DD/MM/YYYY [HH:MM]' };
}

/** Completed years between a date of birth and an event, both 'YYYY-MM-DD…'. */
export function ageAt(dateOfBirth: string, event: string): number {
  const [by, bm, bd] = dateOfBirth.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [ey, em, ed] = event.slice(0, 10).split('-').map(Number) as [number, number, number];
  let age = ey - by;
  if (em < bm || (em === bm && ed < bd)) age--;
  return age;
}
