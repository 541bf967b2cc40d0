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

/**
 * Parses ISO 8601 (`2021-07-03`, `2021-07-03T14:05`, with an offset converted to UK time), UK day-first
 * (`03/07/2021 14:05`) or an Excel serial number (`44380.5`, as XLSX cells hold dates).
 */
export function parseDateTime(raw: string, options: { excelSerial?: boolean } = {}): DateParse {
  const text = raw.trim();
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
