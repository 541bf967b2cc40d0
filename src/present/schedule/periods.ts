/**
 * Period rules of a schedule: which complete calendar period a pack generated on a given day covers.
 * Pure. Weeks are ISO 8601 weeks (Monday first; week 1 holds the year's first Thursday, so a year has
 * 52 or 53 weeks and early-January days can belong to the previous year's last week).
 */
import type { ReportKind } from '../report/model.js';

export const PERIOD_RULES = ['last-complete-week', 'last-complete-month', 'last-complete-quarter', 'last-complete-year'] as const;
export type PeriodRule = (typeof PERIOD_RULES)[number];

/** The period rule each pack kind takes (its --period syntax). */
export const RULE_FOR_KIND: Record<ReportKind, PeriodRule> = {
  weekly: 'last-complete-week',
  monthly: 'last-complete-month',
  istv: 'last-complete-month',
  quarterly: 'last-complete-quarter',
  sna: 'last-complete-year',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function utcDate(date: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new RangeError(`not a date: '${date}'`);
  return new Date(`${date}T00:00:00Z`);
}

/** ISO week-numbering year and week of a date. */
export function isoWeek(date: string): { year: number; week: number } {
  const d = utcDate(date);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  // The Thursday of the same week decides the year.
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = new Date(firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000);
  return { year, week: Math.floor((thursday.getTime() - firstMonday.getTime()) / (7 * 86_400_000)) + 1 };
}

/** The report period (e.g. 2021-W27, 2021-07, 2021Q3, 2021) a rule gives on the day `today` (YYYY-MM-DD). */
export function periodFor(rule: PeriodRule, today: string): string {
  const d = utcDate(today);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  switch (rule) {
    case 'last-complete-week': {
      const { year, week } = isoWeek(new Date(d.getTime() - 7 * 86_400_000).toISOString().slice(0, 10));
      return `${year}-W${pad(week)}`;
    }
    case 'last-complete-month':
      return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
    case 'last-complete-quarter': {
      const q = Math.floor((m - 1) / 3) + 1;
      return q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}`;
    }
    case 'last-complete-year':
      return String(y - 1);
  }
}

/** The calendar date of an instant in a time zone (schedules fire on local days). */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
