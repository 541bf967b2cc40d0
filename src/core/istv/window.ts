/**
 * Weekly time windows such as the night-time economy, "Fri-Sat 20:00-04:00": the evenings starting on
 * Friday and Saturday, each running past midnight into the next morning. Pure.
 */
import { UsageError } from '../errors.js';

export const DEFAULT_NTE_WINDOW = 'Fri-Sat 20:00-04:00';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface WeeklyWindow {
  /** As given, for labels. */
  text: string;
  /** Hour-of-week cells in the window: key = ISO weekday (1 = Monday) × 100 + hour. */
  cells: ReadonlySet<number>;
  /** Hours per week the window covers. */
  hoursPerWeek: number;
}

function day(text: string, whole: string): number {
  const i = DAYS.findIndex((d) => text.toLowerCase().startsWith(d));
  if (i < 0 || text.length < 3) throw new UsageError(`'${text}' in '${whole}' is not a day of the week`, 'use Mon, Tue, Wed, Thu, Fri, Sat, Sun');
  return i + 1;
}

function hour(text: string, whole: string): number {
  const m = /^(\d{1,2})(?::00)?$/.exec(text.trim());
  const h = m ? Number(m[1]) : NaN;
  if (!(h >= 0 && h <= 24)) throw new UsageError(`'${text}' in '${whole}' is not a whole hour`, 'write hours as HH:00, e.g. 20:00-04:00');
  return h;
}

/**
 * Parses one or more windows separated by ';': `<days> <HH:00>-<HH:00>`, where days are a range
 * (`Fri-Sat`), a list (`Fri,Sat`) or one day, and name the day each evening starts. An end at or before
 * the start runs into the next day.
 */
export function parseWeeklyWindow(text: string): WeeklyWindow {
  const cells = new Set<number>();
  for (const part of text.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^([A-Za-z,\- ]+?)\s+(\d{1,2}(?::\d{2})?)\s*-\s*(\d{1,2}(?::\d{2})?)$/.exec(part);
    if (!m) throw new UsageError(`'${part}' is not a time window`, `e.g. '${DEFAULT_NTE_WINDOW}' or 'Fri,Sat 21:00-03:00; Thu 22:00-02:00'`);
    const days: number[] = [];
    for (const item of m[1]!.split(',').map((d) => d.trim()).filter((d) => d !== '')) {
      const range = item.split('-').map((d) => d.trim());
      if (range.length === 1) days.push(day(range[0]!, part));
      else if (range.length === 2) {
        const from = day(range[0]!, part);
        const to = day(range[1]!, part);
        for (let d = from; ; d = (d % 7) + 1) {
          days.push(d);
          if (d === to) break;
        }
      } else throw new UsageError(`'${item}' in '${part}' is not a day or a range of days`);
    }
    const start = hour(m[2]!, part) % 24;
    const end = hour(m[3]!, part);
    const length = end > start ? end - start : end + 24 - start;
    for (const d of days) {
      for (let k = 0; k < length; k++) {
        const h = start + k;
        const weekday = h >= 24 ? (d % 7) + 1 : d;
        cells.add(weekday * 100 + (h % 24));
      }
    }
  }
  if (cells.size === 0) throw new UsageError(`'${text}' gives an empty time window`);
  return { text, cells, hoursPerWeek: cells.size };
}

/** Whether an ISO weekday (1 = Monday) and hour fall in the window. */
export function inWindow(window: WeeklyWindow, isoWeekday: number, hourOfDay: number): boolean {
  return window.cells.has(isoWeekday * 100 + hourOfDay);
}
