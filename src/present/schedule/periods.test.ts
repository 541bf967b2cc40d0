import { describe, expect, it } from 'vitest';
import { isoWeek, localDate, periodFor } from './periods.js';

describe('ISO weeks', () => {
  it.each([
    ['2021-07-05', 2021, 27], // a Monday
    ['2021-07-11', 2021, 27], // its Sunday
    ['2021-01-03', 2020, 53], // 2020 has 53 weeks: 3 January 2021 is in its last one
    ['2021-01-04', 2021, 1],
    ['2020-12-31', 2020, 53],
    ['2019-12-30', 2020, 1], // a Monday in December that starts week 1 of the next year
    ['2026-01-01', 2026, 1], // a Thursday
    ['2027-01-01', 2026, 53], // a Friday: 2026 has 53 weeks
  ])('%s is week %i-W%i', (date, year, week) => {
    expect(isoWeek(date)).toEqual({ year, week });
  });
});

describe('period rules', () => {
  it('gives the last complete ISO week, across year boundaries and week 53', () => {
    expect(periodFor('last-complete-week', '2021-07-12')).toBe('2021-W27'); // Monday after week 27
    expect(periodFor('last-complete-week', '2021-07-18')).toBe('2021-W27'); // Sunday of week 28
    expect(periodFor('last-complete-week', '2021-01-04')).toBe('2020-W53');
    expect(periodFor('last-complete-week', '2021-01-11')).toBe('2021-W01');
    expect(periodFor('last-complete-week', '2020-01-01')).toBe('2019-W52');
  });

  it('gives the last complete month and rolls over the year', () => {
    expect(periodFor('last-complete-month', '2021-08-01')).toBe('2021-07');
    expect(periodFor('last-complete-month', '2021-08-31')).toBe('2021-07');
    expect(periodFor('last-complete-month', '2022-01-15')).toBe('2021-12');
  });

  it('gives the last complete quarter and rolls over the year', () => {
    expect(periodFor('last-complete-quarter', '2021-10-01')).toBe('2021Q3');
    expect(periodFor('last-complete-quarter', '2021-12-31')).toBe('2021Q3');
    expect(periodFor('last-complete-quarter', '2022-01-01')).toBe('2021Q4');
    expect(periodFor('last-complete-quarter', '2022-03-31')).toBe('2021Q4');
    expect(periodFor('last-complete-quarter', '2022-04-01')).toBe('2022Q1');
  });

  it('gives the last complete year', () => {
    expect(periodFor('last-complete-year', '2022-01-01')).toBe('2021');
    expect(periodFor('last-complete-year', '2022-12-31')).toBe('2021');
  });

  it('refuses a non-date', () => {
    expect(() => periodFor('last-complete-month', '2021-13-01')).toThrow(RangeError);
  });

  it('takes the local day of an instant', () => {
    // 23:30 UTC on 31 July is already 1 August in London (BST).
    expect(localDate(new Date('2021-07-31T23:30:00Z'), 'Europe/London')).toBe('2021-08-01');
    expect(localDate(new Date('2021-07-31T23:30:00Z'), 'UTC')).toBe('2021-07-31');
  });
});
