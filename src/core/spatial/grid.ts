/**
 * A regular British National Grid of square cells, aligned to multiples of the cell size so a cell
 * keeps its id whatever data are mapped. Cell index = col + row · cols, row 0 in the south.
 * Cell id = `<cell>m_E<easting>_N<northing>` of its south-west corner, e.g. `250m_E458500_N304500`.
 */
import { UsageError } from '../errors.js';
import type { PolygonGeometry } from '../geo/polygon.js';
import { knnNeighbours, neighboursFromLists, type Neighbours, type WeightsSpec } from './weights.js';

export interface Grid {
  /** Cell side in metres. */
  readonly cell: number;
  /** South-west corner of cell 0 (multiples of `cell`). */
  readonly minE: number;
  readonly minN: number;
  readonly cols: number;
  readonly rows: number;
}

/** Most cells a grid may have (about 160 MB of working arrays): guards against a tiny --cell. */
export const MAX_GRID_CELLS = 20_000_000;

export function checkCellSize(cell: number): void {
  if (!Number.isFinite(cell) || cell < 1 || cell > 100_000) {
    throw new UsageError(`the cell size must be between 1 and 100000 metres, got ${cell}`, 'e.g. --cell 250');
  }
}

/** The smallest aligned grid covering the box [minE, maxE] × [minN, maxN]. */
export function gridCovering(minE: number, minN: number, maxE: number, maxN: number, cell: number): Grid {
  checkCellSize(cell);
  if (![minE, minN, maxE, maxN].every(Number.isFinite) || maxE < minE || maxN < minN) throw new RangeError('the box to cover is empty or not finite');
  const e0 = Math.floor(minE / cell) * cell;
  const n0 = Math.floor(minN / cell) * cell;
  const cols = Math.max(1, Math.floor((maxE - e0) / cell) + 1);
  const rows = Math.max(1, Math.floor((maxN - n0) / cell) + 1);
  if (cols * rows > MAX_GRID_CELLS) {
    throw new UsageError(`a ${cell} m grid over this area has ${(cols * rows).toLocaleString('en-GB')} cells, more than ${MAX_GRID_CELLS.toLocaleString('en-GB')}`, 'use a larger --cell');
  }
  return { cell, minE: e0, minN: n0, cols, rows };
}

/** The index of the cell holding (e, n), or -1 outside the grid. Points on a shared edge go north/east. */
export function cellIndexOf(grid: Grid, e: number, n: number): number {
  const col = Math.floor((e - grid.minE) / grid.cell);
  const row = Math.floor((n - grid.minN) / grid.cell);
  if (col < 0 || row < 0 || col >= grid.cols || row >= grid.rows) return -1;
  return col + row * grid.cols;
}

export function cellCentre(grid: Grid, index: number): [number, number] {
  const col = index % grid.cols;
  const row = Math.floor(index / grid.cols);
  return [grid.minE + (col + 0.5) * grid.cell, grid.minN + (row + 0.5) * grid.cell];
}

export function cellId(grid: Grid, index: number): string {
  const col = index % grid.cols;
  const row = Math.floor(index / grid.cols);
  return `${grid.cell}m_E${grid.minE + col * grid.cell}_N${grid.minN + row * grid.cell}`;
}

/** The cell as a closed square polygon in BNG metres (anticlockwise). */
export function cellPolygon(grid: Grid, index: number): PolygonGeometry {
  const col = index % grid.cols;
  const row = Math.floor(index / grid.cols);
  const x0 = grid.minE + col * grid.cell;
  const y0 = grid.minN + row * grid.cell;
  const s = grid.cell;
  return { type: 'Polygon', coordinates: [[[x0, y0], [x0 + s, y0], [x0 + s, y0 + s], [x0, y0 + s], [x0, y0]]] };
}

/**
 * Neighbours among a subset of a grid's cells (`cells`: grid indexes of the units, in unit order).
 * queen = the 8 surrounding cells, rook = the 4 sharing an edge, distance = cells whose centres are
 * within the distance (a fixed stencil), knn = nearest cell centres. Cells not among the units are
 * not neighbours: the study area ends there.
 */
export function gridNeighbours(grid: Grid, cells: ArrayLike<number>, spec: WeightsSpec): Neighbours {
  if (spec.kind === 'knn') {
    const xy = new Float64Array(cells.length * 2);
    for (let u = 0; u < cells.length; u++) [xy[2 * u], xy[2 * u + 1]] = cellCentre(grid, cells[u]!);
    return knnNeighbours(xy, spec.k);
  }
  let stencil: [number, number][];
  if (spec.kind === 'rook') {
    stencil = [[1, 0], [-1, 0], [0, 1], [0, -1]];
  } else if (spec.kind === 'queen') {
    stencil = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]];
  } else {
    const reach = Math.floor(spec.metres / grid.cell);
    if ((2 * reach + 1) ** 2 > 10_000) throw new UsageError(`distance:${spec.metres} spans more than 100 cells of ${grid.cell} m each way`, 'use a shorter distance or larger cells');
    stencil = [];
    const limit = (spec.metres / grid.cell) ** 2;
    for (let dc = -reach; dc <= reach; dc++) for (let dr = -reach; dr <= reach; dr++) if ((dc || dr) && dc * dc + dr * dr <= limit * (1 + 1e-12)) stencil.push([dc, dr]);
  }
  const unitOf = unitsOfCells(grid, cells);
  const lists: number[][] = [];
  for (let u = 0; u < cells.length; u++) {
    const col = cells[u]! % grid.cols;
    const row = Math.floor(cells[u]! / grid.cols);
    const list: number[] = [];
    for (const [dc, dr] of stencil) {
      const c = col + dc;
      const r = row + dr;
      if (c < 0 || r < 0 || c >= grid.cols || r >= grid.rows) continue;
      const v = unitOf[c + r * grid.cols]!;
      if (v >= 0) list.push(v);
    }
    lists.push(list);
  }
  return neighboursFromLists(lists);
}

/** For every cell of the grid, the unit it is (its position in `cells`), or -1. */
export function unitsOfCells(grid: Grid, cells: ArrayLike<number>): Int32Array {
  const unitOf = new Int32Array(grid.cols * grid.rows).fill(-1);
  for (let u = 0; u < cells.length; u++) unitOf[cells[u]!] = u;
  return unitOf;
}

/** The unit holding point (e, n), or -1. `unitOf` from `unitsOfCells`. */
export function unitOfPoint(grid: Grid, unitOf: Int32Array, e: number, n: number): number {
  const index = cellIndexOf(grid, e, n);
  return index < 0 ? -1 : unitOf[index]!;
}

/** Counts points (interleaved e, n) per unit cell; `outside` counts points in no unit cell. */
export function countPointsInCells(grid: Grid, cells: ArrayLike<number>, xy: ArrayLike<number>): { counts: Float64Array; outside: number } {
  const unitOf = unitsOfCells(grid, cells);
  const counts = new Float64Array(cells.length);
  let outside = 0;
  for (let k = 0; k < xy.length; k += 2) {
    const u = unitOfPoint(grid, unitOf, xy[k]!, xy[k + 1]!);
    if (u < 0) outside++;
    else counts[u]!++;
  }
  return { counts, outside };
}
