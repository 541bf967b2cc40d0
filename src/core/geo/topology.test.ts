import { describe, expect, it } from 'vitest';
import { dissolve, douglasPeucker, dropSmallRings, roundPositions, simplifyShared } from './topology.js';
import { polygonsOf, type Polygon, type PolygonGeometry, type Position } from './polygon.js';

const square = (x: number, y: number, size = 1): Polygon => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
});

/** Twice the signed area, positive counter-clockwise. */
const signedArea2 = (ring: Position[]) => {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  return a;
};
const area = (g: PolygonGeometry) => polygonsOf(g).reduce((sum, rings) => sum + rings.reduce((s, r, i) => s + (i === 0 ? 1 : -1) * Math.abs(signedArea2(r)) / 2, 0), 0);
const corners = (ring: Position[]) => ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`).sort();
const closed = (ring: Position[]) => ring.length >= 4 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1];

describe('dissolve', () => {
  it('makes one rectangle of two adjacent squares (collinear joins removed by simplification)', () => {
    const outline = dissolve([square(0, 0), square(1, 0)])!;
    expect(outline.type).toBe('Polygon');
    const ring = (outline as Polygon).coordinates[0]!;
    expect(outline.coordinates).toHaveLength(1);
    expect(closed(ring)).toBe(true);
    expect(signedArea2(ring)).toBeGreaterThan(0); // RFC 7946: outer ring counter-clockwise
    expect(area(outline)).toBe(2);
    // The shared edge is gone: its end points stay as collinear points on the outline.
    expect(corners(ring)).toEqual(['0,0', '0,1', '1,0', '1,1', '2,0', '2,1']);
    const [rectangle] = simplifyShared([outline], 0);
    expect(corners((rectangle as Polygon).coordinates[0]!)).toEqual(['0,0', '0,1', '2,0', '2,1']);
  });

  it('accepts rings in either winding', () => {
    const clockwise: Polygon = { type: 'Polygon', coordinates: [[[1, 0], [1, 1], [2, 1], [2, 0], [1, 0]]] };
    const outline = dissolve([square(0, 0), clockwise])!;
    expect(outline.type).toBe('Polygon');
    expect(area(outline)).toBe(2);
  });

  it('keeps a hole where the squares around it leave one', () => {
    const ring: Polygon[] = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (x !== 1 || y !== 1) ring.push(square(x, y));
    const outline = dissolve(ring) as Polygon;
    expect(outline.type).toBe('Polygon');
    expect(outline.coordinates).toHaveLength(2);
    expect(signedArea2(outline.coordinates[1]!)).toBeLessThan(0); // hole clockwise
    expect(area(outline)).toBe(8);
    expect(corners(simplifyShared([outline], 0)[0]!.coordinates[1] as Position[])).toEqual(['1,1', '1,2', '2,1', '2,2']);
  });

  it('gives a MultiPolygon for parts apart, and for parts touching only at a corner', () => {
    expect(dissolve([square(0, 0), square(5, 5)])!.type).toBe('MultiPolygon');
    const touching = dissolve([square(0, 0), square(1, 1)])!;
    expect(touching.type).toBe('MultiPolygon');
    for (const polygon of polygonsOf(touching)) expect(polygon[0]!.length).toBe(5);
    expect(area(touching)).toBe(2);
  });

  it('is null for nothing', () => {
    expect(dissolve([])).toBeNull();
  });
});

describe('douglasPeucker', () => {
  it('keeps the end points and the points beyond the tolerance', () => {
    const line: [number, number][] = [[0, 0], [1, 0.1], [2, -0.1], [3, 5], [4, 6], [5, 7.05], [6, 8]];
    expect(douglasPeucker(line, 0.5)).toEqual([0, 2, 3, 6]);
    expect(douglasPeucker(line, 100)).toEqual([0, 6]);
    expect(douglasPeucker(line, 0)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('simplifyShared', () => {
  /** Two neighbours sharing a wiggly boundary along x = 1 (wiggles of ±0.01). */
  const wiggle: Position[] = Array.from({ length: 11 }, (_, i) => [1 + (i % 2 ? 0.01 : 0), i / 10]);
  const left: Polygon = { type: 'Polygon', coordinates: [[[0, 0], ...wiggle, [0, 1], [0, 0]]] };
  const right: Polygon = { type: 'Polygon', coordinates: [[[2, 0], [2, 1], ...[...wiggle].reverse(), [2, 0]]] };

  it('simplifies a shared boundary the same way on both sides', () => {
    const [l, r] = simplifyShared([left, right], 0.05) as Polygon[];
    const shared = (p: Polygon) => corners(p.coordinates[0]!).filter((k) => k.startsWith('1'));
    expect(shared(l!)).toEqual(['1,0', '1,1']);
    expect(shared(r!)).toEqual(shared(l!));
    expect(closed(l!.coordinates[0]!)).toBe(true);
    // Within the tolerance the wiggles stay.
    const [l2, r2] = simplifyShared([left, right], 0.001) as Polygon[];
    expect(shared(l2!)).toHaveLength(11);
    expect(shared(r2!)).toEqual(shared(l2!));
  });

  it('measures the tolerance after projecting', () => {
    const metres = (x: number, y: number): [number, number] => [x * 1000, y * 1000];
    expect(corners((simplifyShared([left], 5, metres)[0] as Polygon).coordinates[0]!)).toHaveLength(13);
    expect(corners((simplifyShared([left], 50, metres)[0] as Polygon).coordinates[0]!)).toHaveLength(4);
  });

  it('never reduces a small ring below a triangle', () => {
    const tiny: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]] };
    const [out] = simplifyShared([tiny], 1) as Polygon[];
    expect(out!.coordinates[0]!.length).toBeGreaterThanOrEqual(4);
    expect(closed(out!.coordinates[0]!)).toBe(true);
  });

  it('keeps a ring enclosed by a neighbour identical to that neighbour’s hole', () => {
    const island: Polygon = { type: 'Polygon', coordinates: [[[4, 4], [5, 4], [5.5, 4.01], [6, 4], [6, 6], [4, 6], [4, 4]]] };
    const sea: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [...island.coordinates[0]!].reverse()] };
    const [i, s] = simplifyShared([island, sea], 0.1) as Polygon[];
    expect(corners(i!.coordinates[0]!)).toEqual(corners(s!.coordinates[1]!));
    expect(corners(i!.coordinates[0]!)).toHaveLength(4);
  });
});

describe('roundPositions', () => {
  it('rounds and drops the repeats and rings it collapses', () => {
    const g: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [1.0000001, 0], [1, 0], [1, 1], [0, 0]], [[0.5, 0.5], [0.5000001, 0.5], [0.5, 0.5000001], [0.5, 0.5]]] };
    expect(roundPositions(g, 6)).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    expect(roundPositions({ type: 'Polygon', coordinates: [[[0, 0], [1e-9, 0], [0, 1e-9], [0, 0]]] }, 6)).toBeNull();
  });
});

describe('dropSmallRings', () => {
  it('drops slivers: small parts and small holes', () => {
    const withSliverHole: Polygon = { type: 'Polygon', coordinates: [square(0, 0, 10).coordinates[0]!, [[2, 2], [2, 2.1], [2.1, 2.1], [2.1, 2], [2, 2]], [[5, 5], [5, 7], [7, 7], [7, 5], [5, 5]]] };
    expect(dropSmallRings(withSliverHole, 1)).toEqual({ type: 'Polygon', coordinates: [withSliverHole.coordinates[0], withSliverHole.coordinates[2]] });
    const parts = dissolve([square(0, 0, 10), square(20, 0, 0.5)])!;
    expect(dropSmallRings(parts, 1)).toEqual({ type: 'Polygon', coordinates: [polygonsOf(parts)[0]![0]] });
    expect(dropSmallRings(parts, 1000)).toBeNull();
    // The area is measured after projecting.
    expect(dropSmallRings(square(0, 0, 0.5), 1, (x, y) => [x * 10, y * 10])).not.toBeNull();
  });
});
