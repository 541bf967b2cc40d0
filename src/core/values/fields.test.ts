import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundedText } from './fields.js';

describe('roundedText', () => {
  const reference = (x: number, scale: number) => String(Math.round(x * scale) / scale);

  it('prints what String(Math.round(x * scale) / scale) prints', () => {
    const cases: [number, number][] = [
      [0, 1e6], [-0, 1e6], [-0.0000004, 1e6], [-0.0000005, 1e6], [52.6365, 1e6], [-1.1330001, 1e6], [-1.13, 1e6], [0.1, 1e6],
      [467658, 10], [467658.05, 10], [288792.95, 10], [-5.25, 10], [1e300, 1e6], [NaN, 1e6], [Infinity, 10],
    ];
    for (const [x, scale] of cases) expect(roundedText(x, scale), `${x} at ${scale}`).toBe(reference(x, scale));
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1e6)), fc.constantFrom(10, 1e6), (x, scale) => {
        expect(roundedText(x, scale)).toBe(reference(x, scale));
      }),
      { numRuns: 20_000 },
    );
  });
});
