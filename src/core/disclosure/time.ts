/**
 * The calendar as one disclosure-control dimension: months are the leaves; calendar quarters, calendar
 * years and UK financial years (April–March) are sums of them; so is the whole period. Keeping all
 * the periods in one hierarchy means a viewer cannot take a quarter minus two of its months, or a
 * financial year minus the quarters of it, to recover a suppressed month.
 *
 * Coordinates are written as the query layer shows them: '2021-07', '2021Q3', '2021', 'FY2021/22'.
 */
import { ALL, type Hierarchy } from './lattice.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

export type PeriodKind = 'month' | 'quarter' | 'year' | 'financial_year';

/** The kind of a period coordinate, or null for something else. */
export function periodKind(coordinate: string): PeriodKind | null {
  if (/^\d{4}-\d{2}$/.test(coordinate)) return 'month';
  if (/^\d{4}Q[1-4]$/.test(coordinate)) return 'quarter';
  if (/^\d{4}$/.test(coordinate)) return 'year';
  if (/^FY\d{4}\/\d{2}$/.test(coordinate)) return 'financial_year';
  return null;
}

/** The first and last month ('YYYY-MM') a period coordinate covers. */
export function monthsOf(coordinate: string): { first: string; last: string } {
  const kind = periodKind(coordinate);
  const y = Number(coordinate.slice(coordinate.startsWith('FY') ? 2 : 0, coordinate.startsWith('FY') ? 6 : 4));
  switch (kind) {
    case 'month':
      return { first: coordinate, last: coordinate };
    case 'quarter': {
      const q = Number(coordinate.slice(5));
      return { first: `${y}-${pad2(q * 3 - 2)}`, last: `${y}-${pad2(q * 3)}` };
    }
    case 'year':
      return { first: `${y}-01`, last: `${y}-12` };
    case 'financial_year':
      return { first: `${y}-04`, last: `${y + 1}-03` };
    default:
      throw new RangeError(`'${coordinate}' is not a month, quarter, year or financial year`);
  }
}

/** The coordinate of a period of a kind that holds a month. */
export function periodOfMonth(month: string, kind: PeriodKind): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  switch (kind) {
    case 'month':
      return month;
    case 'quarter':
      return `${y}Q${Math.floor((m + 2) / 3)}`;
    case 'year':
      return String(y);
    case 'financial_year': {
      const fy = m < 4 ? y - 1 : y;
      return `FY${fy}/${pad2((fy + 1) % 100)}`;
    }
  }
}

const within = (inner: string, outer: string) => {
  const a = monthsOf(inner);
  const b = monthsOf(outer);
  return a.first >= b.first && a.last <= b.last;
};

export const calendarHierarchy: Hierarchy = {
  ancestors: (month) => {
    if (periodKind(month) !== 'month') throw new RangeError(`calendar leaves are months (YYYY-MM), got '${month}'`);
    return [periodOfMonth(month, 'quarter'), periodOfMonth(month, 'year'), periodOfMonth(month, 'financial_year'), ALL];
  },
  partitions: (coordinate, present) => {
    const byKind = (kind: PeriodKind) => [...present].filter((c) => c !== ALL && periodKind(c) === kind);
    const finer: Record<PeriodKind | 'all', PeriodKind[]> = {
      all: ['month', 'quarter', 'year', 'financial_year'],
      financial_year: ['month', 'quarter'],
      year: ['month', 'quarter'],
      quarter: ['month'],
      month: [],
    };
    const kind = coordinate === ALL ? 'all' : periodKind(coordinate);
    if (kind === null) return [];
    return finer[kind].map((k) => byKind(k).filter((c) => coordinate === ALL || within(c, coordinate)));
  },
};
