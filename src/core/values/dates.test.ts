import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageAt, parseDateTime, parseDateTimeSlowly } from './dates.js';

describe('parseDateTime', () => {
  it('reads ISO and UK day-first dates, with and without times', () => {
    expect(parseDateTime('2021-07-03')).toEqual({ ok: true, value: '2021-07-03 00:00:00' });
    expect(parseDateTime('2021-07-03T14:05')).toEqual({ ok: true, value: '2021-07-03 14:05:00' });
    expect(parseDateTime(' 2021-07-03 14:05:09 ')).toEqual({ ok: true, value: '2021-07-03 14:05:09' });
    expect(parseDateTime('03/07/2021 14:05')).toEqual({ ok: true, value: '2021-07-03 14:05:00' });
    expect(parseDateTime('3/7/2021 9:05')).toEqual({ ok: true, value: '2021-07-03 09:05:00' });
    expect(parseDateTime('2021-07-03T14:05:00+01:00')).toEqual({ ok: true, value: '2021-07-03 14:05:00' });
    expect(parseDateTime('44380.5', { excelSerial: true })).toEqual({ ok: true, value: '2021-07-03 12:00:00' });
  });

  it('refuses impossible dates with a reason', () => {
    expect(parseDateTime('2021-02-29')).toEqual({ ok: false, reason: 'day 29 does not exist in 2021-02' });
    expect(parseDateTime('2020-02-29').ok).toBe(true);
    expect(parseDateTime('1900-02-29').ok).toBe(false);
    expect(parseDateTime('2000-02-29').ok).toBe(true);
    expect(parseDateTime('31/04/2021')).toEqual({ ok: false, reason: 'day 31 does not exist in 2021-04' });
    expect(parseDateTime('2021-07-03T24:00')).toEqual({ ok: false, reason: 'time of day is impossible' });
    expect(parseDateTime('2021-13-01')).toEqual({ ok: false, reason: 'month 13 does not exist' });
    expect(parseDateTime('yesterday').ok).toBe(false);
  });

  it('the character-by-character path agrees with the general one on any near-date text', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const year = fc.integer({ min: 1850, max: 2150 }).map(String);
    const sep = fc.constantFrom('-', '/', 'T', ' ', ':', 'x', '');
    const nearDate = fc
      .tuple(fc.boolean(), year, two, two, fc.option(fc.tuple(sep, two, sep, two, fc.option(fc.tuple(sep, two)))), sep, sep)
      .map(([uk, y, mo, d, time, s1, s2]) => {
        const date = uk ? `${d}${s1 === '-' ? '/' : s1}${mo}/${y}` : `${y}-${mo}${s2}${d}`;
        if (!time) return date;
        const [ts, h, tc, mi, sec] = time;
        return `${date}${ts}${h}${tc}${mi}${sec ? `${sec[0]}${sec[1]}` : ''}`;
      });
    fc.assert(
      fc.property(fc.oneof(nearDate, fc.string({ maxLength: 20 })), (text) => {
        expect(parseDateTime(text)).toEqual(parseDateTimeSlowly(text.trim()));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('ageAt', () => {
  it('counts completed years', () => {
    expect(ageAt('2005-07-03', '2021-07-02 23:00:00')).toBe(15);
    expect(ageAt('2005-07-03', '2021-07-03 00:00:00')).toBe(16);
  });
});
