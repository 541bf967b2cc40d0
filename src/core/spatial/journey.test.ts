import { describe, expect, it } from 'vitest';
import { journeyBandsOf, quantileSorted, summariseJourneys, type Journey } from './journey.js';

const trip = (distance: number | null, over: Partial<Journey> = {}): Journey => ({
  home: distance === null ? null : { x: 450_000, y: 300_000 },
  offence: distance === null ? null : { x: 450_000 + distance * 0.6, y: 300_000 + distance * 0.8 },
  homeLsoa: 'E01000001',
  offenceLsoa: 'E01000002',
  homeLad: 'E06000016',
  offenceLad: 'E06000016',
  ...over,
});

describe('quantileSorted', () => {
  it('interpolates as R quantile(type = 7)', () => {
    // R: quantile(c(1, 2, 4, 10), c(0.25, 0.5, 0.75)) = 1.75 3.00 5.50
    expect(quantileSorted([1, 2, 4, 10], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted([1, 2, 4, 10], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 4, 10], 0.75)).toBeCloseTo(5.5, 12);
    expect(quantileSorted([7], 0.5)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNull();
  });
});

describe('summariseJourneys', () => {
  it('measures straight-line distances from the home centroid and bands them, band 1 including 0', () => {
    const journeys = [trip(0, { offenceLsoa: 'E01000001' }), trip(1000), trip(1000.5), trip(2500), trip(12_000, { offenceLad: 'E07000135' })];
    const s = summariseJourneys(journeys, { band: 1000, bands: 3 });
    expect(s.withDistance).toBe(5);
    expect(s.medianM).toBeCloseTo(1000.5, 9);
    expect(s.lowerQuartileM).toBeCloseTo(1000, 9);
    expect(s.upperQuartileM).toBeCloseTo(2500, 9);
    expect(s.meanM).toBeCloseTo((0 + 1000 + 1000.5 + 2500 + 12_000) / 5, 9);
    expect(s.bands.map((b) => [b.label, b.fromM, b.toM, b.offenders])).toEqual([
      ['0-1000 m', 0, 1000, 2],
      ['1001-2000 m', 1000, 2000, 1],
      ['2001-3000 m', 2000, 3000, 1],
      ['beyond 3000 m', 3000, null, 1],
    ]);
    expect(s.bands.map((b) => b.cumulativeShare)).toEqual([0.4, 0.6, 0.8, 1]);
    expect(s.sameLsoa).toEqual({ count: 1, of: 5, share: 0.2 });
    expect(s.sameLad).toEqual({ count: 4, of: 5, share: 0.8 });
  });

  it('counts offenders without a home area, with an unlocated home, or without an offence location apart', () => {
    const journeys: Journey[] = [
      trip(500),
      trip(null, { homeLsoa: null, homeLad: null }),
      trip(null, { homeLad: null }), // home code recorded but not among the boundaries
      { ...trip(500), offence: null, offenceLsoa: null, offenceLad: null },
    ];
    const s = summariseJourneys(journeys);
    expect(s).toMatchObject({ offenders: 4, withDistance: 1, withoutHomeArea: 1, homeAreaNotLocated: 1, offenceNotLocated: 1, medianM: 500 });
    // Same-area shares need both areas; they do not need coordinates.
    expect(s.sameLsoa.of).toBe(2);
    expect(s.sameLad.of).toBe(1);
  });

  it('gives empty statistics, not errors, when no journey can be measured', () => {
    const s = summariseJourneys([]);
    expect(s).toMatchObject({ offenders: 0, withDistance: 0, medianM: null, meanM: null, sameLsoa: { share: null } });
    expect(s.bands.every((b) => b.offenders === 0 && b.share === 0)).toBe(true);
  });

  it('labels the bands and refuses bad band options', () => {
    expect(journeyBandsOf(500, 2).map((b) => b.label)).toEqual(['0-500 m', '501-1000 m', 'beyond 1000 m']);
    expect(() => summariseJourneys([], { band: 0, bands: 3 })).toThrow(/whole number of metres/);
    expect(() => summariseJourneys([], { band: 100, bands: 0 })).toThrow(/number of distance bands/);
  });
});
