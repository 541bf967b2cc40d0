/**
 * The period a pack covers, as written on the command line: 2021-W27 (weekly: ISO week, Monday to
 * Sunday), 2021-07 (monthly, istv), 2021Q3 (quarterly), 2021 (sna). Each kind takes its own form and
 * says which when given another. Pure.
 */
import { UsageError } from '../../core/errors.js';
import { parsePeriod, type DateRange } from '../../core/period.js';
import type { ReportKind } from './model.js';

export interface ReportPeriod extends DateRange {
  /** As given, normalised (e.g. 2021-W27, 2021-07, 2021Q3). */
  code: string;
  /** For people: "Week 27 2021 (5–11 July 2021)", "July 2021", "2021 Q3 (July–September)". */
  label: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const FORMS: Record<ReportKind, { example: string; pattern: RegExp }> = {
  weekly: { example: '2021-W27', pattern: /^(\d{4})-?W(\d{1,2})$/i },
  monthly: { example: '2021-07', pattern: /^(\d{4})-(\d{2})$/ },
  istv: { example: '2021-07', pattern: /^(\d{4})-(\d{2})$/ },
  quarterly: { example: '2021Q3', pattern: /^(\d{4})-?Q([1-4])$/i },
  sna: { example: '2021', pattern: /^(\d{4})$/ },
};

const iso = (d: Date) => d.toISOString().slice(0, 10);
const day = (date: string) => new Date(`${date}T00:00:00Z`);
export const addDays = (date: string, n: number) => iso(new Date(day(date).getTime() + n * 86_400_000));

/** Monday of ISO week `week` of ISO year `year`, or null when the year has no such week. */
export function isoWeekMonday(year: number, week: number): string | null {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  const monday = new Date(mondayOfWeek1.getTime() + (week - 1) * 7 * 86_400_000);
  // A year has 53 weeks only when week 53's Thursday is still in that year.
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  return week >= 1 && thursday.getUTCFullYear() === year ? iso(monday) : null;
}

/** "5 July 2021". */
export function longDate(date: string): string {
  const d = day(date);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

export function reportPeriod(kind: ReportKind, text: string): ReportPeriod {
  const t = text.trim();
  const form = FORMS[kind];
  const m = form.pattern.exec(t);
  if (!m) throw new UsageError(`a ${kind} pack needs a ${kind === 'sna' ? 'year' : kind.replace('ly', '')} period like ${form.example}, got '${text}'`, `e.g. svo report ${kind} --period ${form.example}`);
  const year = Number(m[1]);
  if (kind === 'weekly') {
    const week = Number(m[2]);
    const from = isoWeekMonday(year, week);
    if (!from) throw new UsageError(`${year} has no ISO week ${week}`, 'ISO weeks run from 1 to 52 (53 in some years)');
    const to = addDays(from, 6);
    const code = `${year}-W${String(week).padStart(2, '0')}`;
    const a = day(from);
    const b = day(to);
    const span = a.getUTCMonth() === b.getUTCMonth() ? `${a.getUTCDate()}–${longDate(to)}` : `${longDate(from)} – ${longDate(to)}`;
    return { from, to, code, label: `Week ${week} ${year} (${span})` };
  }
  const range = parsePeriod(t);
  if (kind === 'quarterly') {
    const q = Number(m[2]);
    return { ...range, code: `${year}Q${q}`, label: `${year} Q${q} (${MONTHS[(q - 1) * 3]}–${MONTHS[q * 3 - 1]} ${year})` };
  }
  if (kind === 'sna') return { ...range, code: String(year), label: String(year) };
  return { ...range, code: t, label: `${MONTHS[Number(m[2]) - 1]} ${year}` };
}

/** The same dates a year earlier, with its label. */
export function monthsBack(month: string, n: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}
