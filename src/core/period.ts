import { UsageError } from './errors.js';

/** An inclusive date range, as 'YYYY-MM-DD' strings. */
export interface DateRange {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * Parses a period as analysts write it: `2021`, `2021-07`, `2021-07-03`, `2021Q3` (calendar quarter)
 * or `FY2021/22` (UK financial year, 1 April to 31 March). Returns the days it covers.
 */
export function parsePeriod(text: string): DateRange {
  const t = text.trim().toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(t))) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  if ((m = /^(\d{4})-(\d{2})$/.exec(t))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12) return { from: `${y}-${pad(mo)}-01`, to: `${y}-${pad(mo)}-${pad(lastDay(y, mo))}` };
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= lastDay(y, mo)) return { from: t, to: t };
  }
  if ((m = /^(\d{4})-?Q([1-4])$/.exec(t))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    const endMonth = q * 3;
    return { from: `${y}-${pad(endMonth - 2)}-01`, to: `${y}-${pad(endMonth)}-${pad(lastDay(y, endMonth))}` };
  }
  if ((m = /^FY(\d{4})\/?(\d{2})$/.exec(t))) {
    const y = Number(m[1]);
    if ((y + 1) % 100 === Number(m[2])) return { from: `${y}-04-01`, to: `${y + 1}-03-31` };
  }
  throw new UsageError(`'${text}' is not a period`, 'use YYYY, YYYY-MM, YYYY-MM-DD, YYYYQn or FYyyyy/yy (e.g. FY2021/22)');
}
