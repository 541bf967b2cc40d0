import { describe, expect, it } from 'vitest';
import { isoWeekMonday, reportPeriod } from './period.js';

describe('reportPeriod', () => {
  it('reads ISO weeks Monday to Sunday, including week 53 and weeks across years', () => {
    expect(reportPeriod('weekly', '2021-W27')).toMatchObject({ from: '2021-07-05', to: '2021-07-11', code: '2021-W27', label: 'Week 27 2021 (5–11 July 2021)' });
    expect(reportPeriod('weekly', '2021-W01')).toMatchObject({ from: '2021-01-04', to: '2021-01-10' });
    expect(reportPeriod('weekly', '2020-W53')).toMatchObject({ from: '2020-12-28', to: '2021-01-03' });
    expect(isoWeekMonday(2021, 53)).toBeNull();
    expect(() => reportPeriod('weekly', '2021-W53')).toThrow(/no ISO week 53/);
  });

  it('reads months and quarters, and refuses a period of the wrong kind with an example', () => {
    expect(reportPeriod('monthly', '2021-07')).toMatchObject({ from: '2021-07-01', to: '2021-07-31', label: 'July 2021' });
    expect(reportPeriod('quarterly', '2021Q3')).toMatchObject({ from: '2021-07-01', to: '2021-09-30', label: '2021 Q3 (July–September 2021)' });
    expect(() => reportPeriod('quarterly', '2021-07')).toThrow(/like 2021Q3/);
    expect(() => reportPeriod('monthly', '2021Q3')).toThrow(/like 2021-07/);
    expect(() => reportPeriod('weekly', '2021-07')).toThrow(/like 2021-W27/);
    expect(() => reportPeriod('monthly', '2021-13')).toThrow();
  });
});
