import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { xmrChart } from './spc.js';

const signals = (values: number[], options = {}) => xmrChart(values, options).points.map((p) => [p.rule, p.signal]);

describe('XmR chart (Making Data Count)', () => {
  it('computes the centre line and limits from the mean moving range (hand-checked)', () => {
    // mean 91/8 = 11.375; moving ranges 2,1,2,1,1,1,2 → AMR 10/7; limits ± 2.66 × 10/7 = ± 3.8.
    const { points } = xmrChart([10, 12, 11, 13, 12, 11, 10, 12]);
    expect(points[0]!.mean).toBeCloseTo(11.375, 12);
    expect(points[0]!.lower).toBeCloseTo(7.575, 12);
    expect(points[0]!.upper).toBeCloseTo(15.175, 12);
    expect(points.every((p) => p.signal === 'common' && p.rule === null)).toBe(true);
  });

  it('screens out moving ranges ≥ 3.267 × AMR before setting the limits, unless told not to', () => {
    const values = [10, 11, 10, 11, 10, 11, 10, 30, 10, 11, 10, 11];
    // Moving ranges: nine 1s and two 20s: AMR 49/11 ≈ 4.45; 20 ≥ 3.267 × 4.45 → screened; AMR = 1.
    const screened = xmrChart(values).points[0]!;
    expect(screened.upper - screened.mean).toBeCloseTo(2.66, 12);
    const raw = xmrChart(values, { screening: false }).points[0]!;
    expect(raw.upper - raw.mean).toBeCloseTo((2.66 * 49) / 11, 12);
    // Either way the spike is outside the upper limit: for violence (down is better) a concern.
    expect(xmrChart(values).points[7]).toMatchObject({ rule: 'outside_limits', signal: 'concern' });
    expect(xmrChart(values, { improvement: 'increase' }).points[7]).toMatchObject({ rule: 'outside_limits', signal: 'improvement' });
  });

  it('flags every point of a 7-point trend (6 successive rises), and an equal value breaks it', () => {
    const trend = [20, 0, 20, 10, 11, 12, 13, 14, 15, 16, 0, 20, 0, 20];
    const result = signals(trend);
    expect(result.slice(3, 10)).toEqual(Array(7).fill(['trend', 'concern']));
    expect([...result.slice(0, 3), ...result.slice(10)]).toEqual(Array(7).fill([null, 'common']));
    const broken = [20, 0, 20, 10, 11, 12, 12, 13, 14, 15, 0, 20, 0, 20];
    expect(signals(broken).every(([rule]) => rule === null)).toBe(true);
    const falling = [0, 20, 0, 16, 15, 14, 13, 12, 11, 10, 20, 0, 20, 0];
    expect(signals(falling).slice(3, 10)).toEqual(Array(7).fill(['trend', 'improvement']));
  });

  it('flags a run of 7 points on one side of the mean as a shift', () => {
    // Mean exactly 7; every moving range 2, so limits 7 ± 5.32 and "close" beyond 7 ± 3.55: none is.
    const values = [8, 10, 8, 10, 8, 10, 8, 6, 4, 6, 4, 6, 4, 6];
    const result = signals(values);
    expect(result.slice(0, 7)).toEqual(Array(7).fill(['shift', 'concern']));
    expect(result.slice(7)).toEqual(Array(7).fill(['shift', 'improvement']));
    // Six on one side is not enough, and a point on the mean breaks a run.
    expect(signals([8, 10, 8, 10, 8, 10, 7, 6, 4, 6, 4, 6, 4, 7]).every(([rule]) => rule === null)).toBe(true);
  });

  it('flags two of three points close to a limit on the same side (only the close ones)', () => {
    // 30 points alternating 10/11, with 13.5 and 13.6 at 14 and 16: mean 322.1/30 = 10.7367; moving
    // ranges sum to 35.2 over 29 → limits ± 3.2287 (7.508–13.965); "close" above 12.889.
    const values: number[] = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 10 : 11));
    values[14] = 13.5;
    values[16] = 13.6;
    const { points } = xmrChart(values);
    expect(points[0]!.mean).toBeCloseTo(322.1 / 30, 12);
    expect(points[0]!.upper).toBeCloseTo(322.1 / 30 + (2.66 * 35.2) / 29, 12);
    const flagged = points.filter((p) => p.rule !== null).map((p) => [p.index, p.rule, p.signal]);
    // Index 15 (11) is above the mean but not close: it completes the three without being flagged.
    expect(flagged).toEqual([
      [14, 'two_of_three', 'concern'],
      [16, 'two_of_three', 'concern'],
    ]);
  });

  it('labels each point with the highest-priority rule that flags it', () => {
    // A 7-point rise (indexes 10–16) whose last point is above the upper limit (12.81): that point is
    // "outside", the six before it "trend".
    const values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 15, 10, 11, 10, 11];
    const rules = xmrChart(values).points.map((p) => p.rule);
    expect(rules.slice(10, 17)).toEqual(['trend', 'trend', 'trend', 'trend', 'trend', 'trend', 'outside_limits']);
    expect([...rules.slice(0, 10), ...rules.slice(17)].every((r) => r === null)).toBe(true);
  });

  it('rebases: each segment has its own mean and limits', () => {
    const values = [10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21];
    const { points } = xmrChart(values, { rebaseAt: [6] });
    expect(points[0]!.mean).toBeCloseTo(10.5, 12);
    expect(points[6]!.mean).toBeCloseTo(20.5, 12);
    expect(points.every((p) => p.rule === null)).toBe(true);
    // Without the rebase the step change is a signal.
    expect(xmrChart(values).points.some((p) => p.rule !== null)).toBe(true);
  });

  it('gives the assurance verdict against a target', () => {
    const values = [10, 12, 11, 13, 12, 11, 10, 12]; // limits 7.575 – 15.175
    expect(xmrChart(values, { target: 12 }).assurance).toBe('hit_and_miss');
    expect(xmrChart(values, { target: 20 }).assurance).toBe('consistently_pass'); // down is better: always under
    expect(xmrChart(values, { target: 5 }).assurance).toBe('consistently_fail');
    expect(xmrChart(values, { target: 5, improvement: 'increase' }).assurance).toBe('consistently_pass');
    expect(xmrChart(values).assurance).toBeNull();
  });

  it('never flags a constant series, and every flagged point has a rule (property)', () => {
    expect(xmrChart(Array(24).fill(5)).points.every((p) => p.signal === 'common')).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 2, maxLength: 60 }), (values) => {
        for (const p of xmrChart(values).points) {
          expect(p.signal === 'common').toBe(p.rule === null);
          expect(p.lower).toBeLessThanOrEqual(p.mean);
          expect(p.upper).toBeGreaterThanOrEqual(p.mean);
        }
      }),
    );
  });
});
