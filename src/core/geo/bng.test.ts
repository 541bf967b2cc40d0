import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bngToWgs84, wgs84ToBng } from './bng.js';

describe('British National Grid conversion', () => {
  it('matches the domain check point in central Leicester within a few metres', () => {
    const [e, n] = wgs84ToBng(-1.133, 52.6365);
    expect(Math.abs(e - 458_770)).toBeLessThan(3);
    expect(Math.abs(n - 304_658)).toBeLessThan(3);
  });

  it('puts the false origin where the definition says (lat 49 N, lon 2 W → E 400,000 N -100,000 before datum shift)', () => {
    // The Helmert shift moves the point by up to ~100 m; the grid origin itself must be in range.
    const [e, n] = wgs84ToBng(-2, 49);
    expect(Math.abs(e - 400_000)).toBeLessThan(200);
    expect(Math.abs(n - -100_000)).toBeLessThan(200);
  });

  it('inverts the check point back to WGS84', () => {
    const [lon, lat] = bngToWgs84(458_770.41, 304_658.37);
    expect(lon).toBeCloseTo(-1.133, 6);
    expect(lat).toBeCloseTo(52.6365, 6);
  });

  it('round-trips any point in Great Britain to within a centimetre', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 1.8, noNaN: true }), fc.double({ min: 50, max: 58.6, noNaN: true }), (lon, lat) => {
        const [e, n] = wgs84ToBng(lon, lat);
        const [lon2, lat2] = bngToWgs84(e, n);
        const [e2, n2] = wgs84ToBng(lon2, lat2);
        expect(Math.hypot(e2 - e, n2 - n)).toBeLessThan(0.01);
        expect(Math.abs(lon2 - lon)).toBeLessThan(1e-7);
        expect(Math.abs(lat2 - lat)).toBeLessThan(1e-7);
      }),
      { numRuns: 200 },
    );
  });
});
