import { describe, expect, it } from 'vitest';
import { rateRatio } from '../../core/stats/compare.js';
import {
  changeFinding,
  deprivationFinding,
  edMethodFinding,
  highestRateAreasFinding,
  knifeFinding,
  mostAtRiskFinding,
  notAvailable,
  peakTimesFinding,
  repeatVictimisationFinding,
  sharePercent,
  showCount,
  showRate,
  weekdaysBetween,
  youngerOffenderRateFinding,
  youngerOffenderShareFinding,
  youngerPublicPlaceFinding,
} from './findings.js';

const exact = { disclose: false };
const disclosed = { disclose: true };

describe('numbers under disclosure control', () => {
  it('shows counts exactly internally and suppressed or rounded to 5 otherwise', () => {
    expect(showCount(1234, exact)).toBe('1,234');
    expect(showCount(3, disclosed)).toBe('*');
    expect(showCount(0, disclosed)).toBe('0');
    expect(showCount(1234, disclosed)).toBe('1,235');
  });

  it('hides shares about fewer than 8 and computes the rest from rounded counts', () => {
    expect(sharePercent(3, 100, exact)).toBe('3.0%');
    expect(sharePercent(3, 100, disclosed)).toBeNull();
    expect(sharePercent(50, 6, disclosed)).toBeNull();
    expect(sharePercent(12, 98, disclosed)).toBe('10%'); // 10 / 100
    expect(sharePercent(1, 0, exact)).toBeNull();
  });

  it('hides rates from fewer than 10 records', () => {
    expect(showRate(9, 10_000, 1000, disclosed)).toBeNull();
    expect(showRate(9, 10_000, 1000, exact)).toBe('0.90 per 1,000');
    expect(showRate(12, 10_000, 1000, disclosed)).toBe('1.00 per 1,000'); // from 10
  });
});

describe('under-25 findings', () => {
  it('gives the rate ratio with its interval and says higher only when the interval excludes 1', () => {
    const f = youngerOffenderRateFinding({ label: '10–24', count: 380, population: 50_000 }, { label: '25 and over', count: 600, population: 150_000 }, 1000, exact);
    const rr = rateRatio({ count: 380, exposure: 50_000 }, { count: 600, exposure: 150_000 });
    expect(f.available).toBe(true);
    expect(f.sentence).toContain('7.60 per 1,000');
    expect(f.sentence).toContain('4.00 per 1,000');
    expect(f.sentence).toContain(`1.9 times the rate`);
    expect(f.sentence).toContain(`rate ratio ${rr.ratio!.toFixed(2)} (95% CI ${rr.lower!.toFixed(2)}–${rr.upper!.toFixed(2)})`);
    const even = youngerOffenderRateFinding({ label: '10–24', count: 11, population: 50_000 }, { label: '25 and over', count: 30, population: 150_000 }, 1000, exact);
    expect(even.sentence).toContain('not statistically different');
  });

  it('refuses the comparison without population and suppresses it for small counts', () => {
    expect(youngerOffenderRateFinding({ label: 'a', count: 3, population: 0 }, { label: 'b', count: 3, population: 10 }, 1000, exact).available).toBe(false);
    expect(youngerOffenderRateFinding({ label: 'a', count: 5, population: 100 }, { label: 'b', count: 50, population: 1000 }, 1000, disclosed).sentence).toContain('suppressed');
  });

  it('gives shares of offenders under 25 and of their offences in public places', () => {
    expect(youngerOffenderShareFinding(240, 1000, 55, exact).sentence).toBe(
      '24% of identified offenders of serious violence with a known age were under 25 (240 of 1,000; 55 more had no recorded age).',
    );
    const pub = youngerPublicPlaceFinding(580, 420, 30, exact);
    expect(pub.value).toBe('58%');
    expect(pub.sentence).toContain('580 of 1,000');
  });
});

describe('knife, change, areas and deprivation', () => {
  it('names the area holding most knife-enabled offences', () => {
    const f = knifeFinding(200, 1000, [{ code: 'X1', name: 'City', count: 144 }, { code: 'X2', name: 'County', count: 56 }], exact);
    expect(f.sentence).toBe('20% of serious violence was knife-enabled (200 of 1,000 offences). 72% of the knife-enabled offences with a known area were in City (144 of 200).');
  });

  it('reports a change as the trends analysis does and never overstates', () => {
    const up = changeFinding('t', 'T', 'Robbery', { label: '2021', count: 241, days: 365 }, { label: '2020', count: 200, days: 366 }, exact);
    expect(up.sentence).toMatch(/^Robbery rose 21% \(95% CI .*\).* in 2021 against 2020 \(241 against 200; rate ratio 1\.21 \(95% CI/);
    const big = changeFinding('t', 'T', 'Robbery', { label: '2021', count: 400, days: 365 }, { label: '2020', count: 200, days: 365 }, exact);
    expect(big.sentence).toContain('rose 100% (95% CI');
    expect(big.sentence).toContain('statistically significant');
    expect(big.value).toBe('+100%');
    const small = changeFinding('t', 'T', 'Robbery', { label: '2021', count: 12, days: 365 }, { label: '2020', count: 9, days: 365 }, exact);
    expect(small.sentence).toContain('not statistically significant');
    expect(changeFinding('t', 'T', 'Robbery', { label: '2021', count: 12, days: 365 }, { label: '2020', count: 5, days: 365 }, disclosed).sentence).toContain('too few to assess');
    // Under disclosure control the ratio comes from the rounded counts (41 → 40, 19 → 20), never the exact ones.
    const rounded = changeFinding('t', 'T', 'Robbery', { label: '2021', count: 41, days: 365 }, { label: '2020', count: 19, days: 365 }, disclosed);
    expect(rounded.sentence).toContain('(40 against 20; rate ratio 2.00 (95% CI');
    expect(rounded.value).toBe('+100%');
  });

  it('lists the highest-rate areas with rate, count and funnel position', () => {
    const f = highestRateAreasFinding(
      'district',
      [
        { code: 'A', name: 'Central', count: 500, population: 50_000, position: 'above_99.8' },
        { code: 'B', name: 'West', count: 300, population: 50_000, position: 'within' },
      ],
      { count: 1000, population: 200_000 },
      1000,
      exact,
    );
    expect(f.value).toBe('Central');
    expect(f.sentence).toContain('Central (10.0 per 1,000, 500 offences, above the 99.8% funnel limit); West (6.00 per 1,000');
    expect(f.sentence).toContain('against 5.00 per 1,000 residents');
  });

  it('gives the deprivation shares and the decile 1 to 10 ratio', () => {
    const ratio = rateRatio({ count: 300, exposure: 20_000 }, { count: 100, exposure: 20_000 });
    const f = deprivationFinding({ mostDeprivedDecile: 300, mostDeprivedQuintile: 500, withDecile: 1000, ratio, decile1: 300, decile10: 100, population1: 20_000, population10: 20_000 }, exact);
    expect(f.sentence).toContain('30% of serious violence happened in the most deprived tenth');
    expect(f.sentence).toContain('50% in the most deprived fifth (500 of 1,000)');
    expect(f.sentence).toContain('3.0 times that in the least deprived tenth');
  });
});

describe('people and times', () => {
  it('finds the most at-risk age band and its main sex', () => {
    const f = mostAtRiskFinding(
      [
        { band: '15-19', count: 260, population: 10_000 },
        { band: '20-24', count: 200, population: 10_000 },
        { band: '25-34', count: 150, population: 20_000 },
      ],
      [
        { band: '15-19', sex: 'male', count: 213 },
        { band: '15-19', sex: 'female', count: 47 },
        { band: '15-19', sex: 'unknown', count: 5 },
      ],
      1000,
      exact,
    );
    expect(f.value).toBe('males aged 15-19');
    expect(f.sentence).toMatch(/^Males aged 15-19 were the most at risk: victims aged 15-19 were recorded at 26\.0 per 1,000 residents of that age \(260 victims\)/);
    expect(f.sentence).toContain('1.30 times the next highest group (20-24');
    expect(f.sentence).toContain('82% of those victims with a recorded sex were male');
  });

  it('does not name a most at-risk group when the top two rates are not statistically different', () => {
    const f = mostAtRiskFinding(
      [
        { band: '15-19', count: 213, population: 17_300 },
        { band: '20-24', count: 190, population: 17_600 },
      ],
      [{ band: '15-19', sex: 'male', count: 170 }, { band: '15-19', sex: 'female', count: 43 }],
      1000,
      exact,
    );
    expect(f.sentence).toMatch(/^Males aged 15-19 had the highest victimisation rate, 12\.3 per 1,000 .* but not statistically different from the next highest group \(20-24; rate ratio 1\.14/);
    expect(f.sentence).not.toContain('most at risk');
  });

  it('describes repeat victimisation overall and the band where it is most common', () => {
    const f = repeatVictimisationFinding(
      {
        people: 1000,
        repeatPeople: 100,
        incidents: 1100,
        repeatIncidents: 210,
        byBand: [
          { band: '15-19', people: 200, repeatPeople: 30 },
          { band: '20-24', people: 300, repeatPeople: 30 },
          { band: '65+', people: 5, repeatPeople: 3 },
        ],
      },
      exact,
    );
    expect(f.sentence).toContain('10% of identified victims (100 of 1,000)');
    expect(f.sentence).toContain('19% of the incidents');
    expect(f.sentence).toContain('most common among victims aged 15-19 (15%, 30 of 200)');
  });

  it('compares weekend and weekday days and finds the peak hours', () => {
    const weekdayHours = new Array<number>(24).fill(10);
    weekdayHours[15] = 40;
    const weekendHours = new Array<number>(24).fill(5);
    weekendHours[23] = 30;
    const f = peakTimesFinding({ byWeekday: [100, 100, 100, 100, 100, 150, 150], daysOfWeekday: [52, 52, 52, 52, 52, 52, 53], weekdayHours, weekendHours }, exact);
    const rr = rateRatio({ count: 300, exposure: 105 }, { count: 500, exposure: 260 });
    expect(f.sentence).toContain(`${rr.ratio!.toFixed(2)} times the serious violence of an average weekday`);
    expect(f.sentence).toContain('on weekdays the busiest hour was 15:00–16:00 (15% of weekdays serious violence, 40 offences)');
    expect(f.sentence).toContain('on weekends the busiest hour was 23:00–00:00');
  });

  it('counts weekdays between two dates', () => {
    expect(weekdaysBetween('2021-01-01', '2021-12-31')).toEqual([52, 52, 52, 52, 53, 52, 52]);
    expect(weekdaysBetween('2021-07-05', '2021-07-11')).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('describes ED injury methods of under-25s', () => {
    const f = edMethodFinding(
      {
        byMethod: [
          { method: 'body_part', label: 'Body part (fist, foot, head)', count: 70, sharp: false },
          { method: 'knife', label: 'Knife or blade', count: 20, sharp: true },
          { method: 'glass', label: 'Glass', count: 6, sharp: true },
          { method: 'other', label: 'Other', count: 4, sharp: false },
        ],
        ageUnknown: 12,
      },
      exact,
    );
    expect(f.sentence).toContain('Of 100 ED attendances for assault of people under 25, 70% were injured by body part (fist, foot, head)');
    expect(f.sentence).toContain('26% by a knife or sharp object (26)');
  });

  it('says plainly when a source cannot supply a finding', () => {
    expect(notAvailable('x', 'X', 'police-uk data have no ages')).toEqual({ id: 'x', topic: 'X', available: false, sentence: 'Not available from this source: police-uk data have no ages.' });
  });
});
