import { describe, expect, it } from 'vitest';
import { bngToWgs84, wgs84ToBng } from './bng.js';
import { areaCentroidBng, bbox, mapPositions, pointInPolygon, toPolygonGeometry, type MultiPolygon, type Polygon } from './polygon.js';

const identity = (x: number, y: number): [number, number] => [x, y];

/** 10 × 10 square with a 4 × 4 hole in the middle, outer ring counter-clockwise, hole clockwise. */
const squareWithHole: Polygon = {
  type: 'Polygon',
  coordinates: [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[3, 3], [3, 7], [7, 7], [7, 3], [3, 3]],
  ],
};

/** An L shape: 2 × 1 bar plus a 1 × 1 block on its left end, drawn clockwise (against RFC 7946). */
const lShape: Polygon = {
  type: 'Polygon',
  coordinates: [[[0, 0], [0, 2], [1, 2], [1, 1], [2, 1], [2, 0], [0, 0]]],
};

describe('pointInPolygon', () => {
  it('respects holes', () => {
    expect(pointInPolygon(1, 1, squareWithHole)).toBe(true);
    expect(pointInPolygon(5, 5, squareWithHole)).toBe(false);
    expect(pointInPolygon(8, 5, squareWithHole)).toBe(true);
    expect(pointInPolygon(11, 5, squareWithHole)).toBe(false);
    expect(pointInPolygon(-0.1, 5, squareWithHole)).toBe(false);
  });

  it('handles concave shapes whatever the winding', () => {
    expect(pointInPolygon(0.5, 1.5, lShape)).toBe(true);
    expect(pointInPolygon(1.5, 1.5, lShape)).toBe(false);
    expect(pointInPolygon(1.5, 0.5, lShape)).toBe(true);
  });

  it('tests every part of a MultiPolygon', () => {
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [squareWithHole.coordinates, [[[20, 20], [21, 20], [21, 21], [20, 20]]]] };
    expect(pointInPolygon(20.8, 20.2, multi)).toBe(true);
    expect(pointInPolygon(20.2, 20.8, multi)).toBe(false);
    expect(pointInPolygon(5, 5, multi)).toBe(false);
    expect(pointInPolygon(9, 9, multi)).toBe(true);
  });

  it('accepts unclosed rings', () => {
    expect(pointInPolygon(0.5, 0.5, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] })).toBe(true);
  });
});

describe('bbox', () => {
  it('spans all parts', () => {
    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [squareWithHole.coordinates, [[[20, -1], [21, 20], [21, 21], [20, -1]]]] };
    expect(bbox(multi)).toEqual([0, -1, 21, 21]);
  });
});

describe('areaCentroidBng', () => {
  it('subtracts holes and weights by area (planar check)', () => {
    const r = areaCentroidBng(squareWithHole, identity);
    expect(r.areaM2).toBeCloseTo(84, 9);
    expect(r.centroid[0]).toBeCloseTo(5, 9);
    expect(r.centroid[1]).toBeCloseTo(5, 9);
  });

  it('gives the area-weighted centroid of a concave shape drawn clockwise', () => {
    // Bar [0,2]×[0,1] (area 2, centroid 1, 0.5) + block [0,1]×[1,2] (area 1, centroid 0.5, 1.5).
    const r = areaCentroidBng(lShape, identity);
    expect(r.areaM2).toBeCloseTo(3, 9);
    expect(r.centroid[0]).toBeCloseTo(2.5 / 3, 9);
    expect(r.centroid[1]).toBeCloseTo(2.5 / 3, 9);
  });

  it('combines MultiPolygon parts by area', () => {
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]], [[[10, 0], [13, 0], [13, 1], [10, 1], [10, 0]]]],
    };
    const r = areaCentroidBng(multi, identity);
    expect(r.areaM2).toBeCloseTo(4, 9);
    expect(r.centroid[0]).toBeCloseTo((0.5 * 1 + 11.5 * 3) / 4, 9);
  });

  it('works in EPSG:27700 metres for a WGS84 polygon', () => {
    // A square of 1 km in BNG around the Leicester check point, expressed in WGS84.
    const [e0, n0] = wgs84ToBng(-1.133, 52.6365);
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [[[e0 - 500, n0 - 500], [e0 + 500, n0 - 500], [e0 + 500, n0 + 500], [e0 - 500, n0 + 500], [e0 - 500, n0 - 500]]],
    };
    const toWgs = mapPositions(square, bngToWgs84);
    const r = areaCentroidBng(toWgs);
    expect(r.areaM2).toBeCloseTo(1_000_000, -1);
    expect(r.centroid[0]).toBeCloseTo(e0, 2);
    expect(r.centroid[1]).toBeCloseTo(n0, 2);
  });
});

describe('toPolygonGeometry', () => {
  it('keeps only type and 2D coordinates', () => {
    const g = toPolygonGeometry({ type: 'Polygon', coordinates: [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]], bbox: [0, 0, 1, 1] });
    expect(g).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });

  it('describes what is wrong', () => {
    expect(toPolygonGeometry(null)).toMatch(/no geometry/);
    expect(toPolygonGeometry({ type: 'Point', coordinates: [0, 0] })).toMatch(/"Point" is not Polygon/);
    expect(toPolygonGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] })).toMatch(/fewer than 4/);
    expect(toPolygonGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 'x'], [1, 1], [0, 0]]] })).toMatch(/finite numbers/);
    expect(toPolygonGeometry({ type: 'MultiPolygon', coordinates: [] })).toMatch(/no polygons/);
  });
});

