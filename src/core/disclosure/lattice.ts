/**
 * Disclosure control of a whole table lattice: every cell of a cross-classification and every margin
 * a viewer could ask for (each dimension either at a value or summed over), protected together.
 *
 * Why a lattice: a viewer can ask the same table with and without a breakdown, or with a narrower
 * filter. If each answer were protected on its own, the total of one query minus the published cells
 * of another could give back a suppressed count. Every disclosure-controlled answer is therefore a set
 * of cells of the lattice of the query's dimensions, protected once with all its margins; a narrower
 * filter picks cells of the same lattice, so both queries show the very same values.
 *
 * Consistency between tables: a cell is suppressed secondarily as a part of a group (decided inside
 * the smaller table it belongs to) or, when every part of a group is already suppressed and the total
 * would still pin them, as the total. The second case depends on breakdowns the smaller table does
 * not show, so each table is protected with a look-ahead over every breakdown a viewer could add
 * (`lookahead`): the total is then suppressed in the small table exactly as in the big one, and the
 * two answers agree. Suppressing more parts only ever widens what a viewer can infer, so the
 * look-ahead's greedy simulation reaches the same verdict as the bigger table.
 */
import {
  DisclosureRefusedError,
  primaryStatus,
  ROUNDING_BASE,
  roundToBase,
  shownCount,
  SMALL_COUNT_MAX,
  type CellStatus,
  type DisclosedCount,
} from './rules.js';

/** The coordinate that sums a dimension over all its values. */
export const ALL = '\u0000all';

/** How the values of one dimension nest: leaves, the aggregates above each, and how each aggregate splits. */
export interface Hierarchy {
  /** The aggregate coordinates a leaf belongs to (always including ALL). */
  ancestors(leaf: string): readonly string[];
  /** Each way an aggregate splits into finer coordinates, given the coordinates holding data. */
  partitions(coordinate: string, present: ReadonlySet<string>): string[][];
}

/** A dimension whose values only add up to the total. */
export const flatHierarchy: Hierarchy = {
  ancestors: () => [ALL],
  partitions: (coordinate, present) => (coordinate === ALL ? [[...present].filter((c) => c !== ALL)] : []),
};

export interface LatticeDimension {
  name: string;
  hierarchy: Hierarchy;
}

/** One count at the finest level: a leaf value for each dimension. */
export interface Atom {
  leaves: readonly string[];
  count: number;
}

export interface ProtectedCell {
  /** True count (kept for checks; never shown). */
  count: number;
  status: CellStatus;
  shown: DisclosedCount;
}

export interface ProtectionOptions {
  /** Safety margin: a suppressed small count must keep at least this many possible values. */
  minPossibleValues?: number;
  /** Refuse lattices above this many cells (work grows with the cross product of the breakdowns). */
  maxCells?: number;
  /**
   * The breakdowns a viewer could add to this table, each with the atoms of the table broken down
   * by it too (leaves: this lattice's leaves, then the extra dimension's leaf). A cell whose breakdown
   * by one of them would pin small counts (all its parts small, e.g. four 7s under a total shown as
   * 30) is suppressed here, exactly as the bigger table would suppress it.
   */
  lookahead?: readonly { dimension: LatticeDimension; atoms: Iterable<Atom> }[];
}

const keyOf = (coordinates: readonly string[]) => JSON.stringify(coordinates);

/**
 * How many values a suppressed small count must keep for a viewer who works through the totals it
 * belongs to (on top of the rule that a suppressed cell never stands alone under a shown total).
 * Only suppressing a lone cell by interval width (relying on rounding alone) was tried and fails
 * the property tests: whether a second cell is suppressed then depends on the values, and a viewer
 * who knows the rules reads the values back from that decision.
 */
export const DEFAULT_MIN_POSSIBLE_VALUES = 2;

/** A protected lattice: look up any cell (missing cells are true zeros). */
export class ProtectedLattice {
  constructor(
    readonly dimensions: readonly LatticeDimension[],
    private readonly cells: ReadonlyMap<string, ProtectedCell>,
  ) {}

  cell(coordinates: readonly string[]): ProtectedCell {
    if (coordinates.length !== this.dimensions.length) {
      throw new RangeError(`a cell needs ${this.dimensions.length} coordinates, got ${coordinates.length}`);
    }
    return this.cells.get(keyOf(coordinates)) ?? { count: 0, status: 'zero', shown: 0 };
  }

  get size(): number {
    return this.cells.size;
  }

  /** Every non-zero cell with its coordinates (for tests and audits). */
  *entries(): IterableIterator<[string[], ProtectedCell]> {
    for (const [k, v] of this.cells) yield [JSON.parse(k) as string[], v];
  }
}

/**
 * The coordinates present per dimension (each value with data and every aggregate above it), numbered
 * so that a cell is one number: Σ index(coordinate of dimension d) × stride(d). Numbers instead of
 * string keys keep building and walking large lattices fast; the cells' order still comes from their
 * string keys (see `protectLattice`).
 */
class CoordinateSpace {
  readonly values: string[][];
  readonly indexOf: Map<string, number>[];
  readonly strides: number[];
  /** Per dimension: leaf → indices of the leaf and its aggregates that are present (memoised). */
  private readonly chains: Map<string, Int32Array>[];

  constructor(
    readonly dimensions: readonly LatticeDimension[],
    present: readonly ReadonlySet<string>[],
  ) {
    this.values = present.map((s) => [...s]);
    this.indexOf = this.values.map((values) => new Map(values.map((v, i) => [v, i])));
    this.strides = [];
    let stride = 1;
    for (const values of this.values) {
      this.strides.push(stride);
      stride *= values.length;
    }
    if (stride > Number.MAX_SAFE_INTEGER) throw new DisclosureRefusedError('this table has too many cells to protect', 'use fewer or coarser breakdowns and filters');
    this.chains = this.values.map(() => new Map());
  }

  /** The leaf and its aggregates, as indices of present coordinates (absent ones hold no cell). */
  chain(d: number, leaf: string): Int32Array {
    let chain = this.chains[d]!.get(leaf);
    if (!chain) {
      const index = this.indexOf[d]!;
      const found: number[] = [];
      for (const c of [leaf, ...this.dimensions[d]!.hierarchy.ancestors(leaf)]) {
        const i = index.get(c);
        if (i !== undefined) found.push(i);
      }
      chain = Int32Array.from(found);
      this.chains[d]!.set(leaf, chain);
    }
    return chain;
  }

  /** Calls `visit` with the number of every cell an atom with these leaves adds to. */
  forEachCell(leaves: readonly string[], visit: (cell: number) => void): void {
    const chains = leaves.map((leaf, d) => this.chain(d, leaf));
    const walk = (d: number, cell: number) => {
      if (d < 0) {
        visit(cell);
        return;
      }
      const stride = this.strides[d]!;
      for (const c of chains[d]!) walk(d - 1, cell + c * stride);
    };
    walk(chains.length - 1, 0);
  }

  coordinatesOf(cell: number): string[] {
    return this.values.map((values, d) => values[Math.floor(cell / this.strides[d]!) % values.length]!);
  }
}

/** Every non-zero cell of the lattice over `dimensions` built from the atoms, by cell number. */
function buildCells(dimensions: readonly LatticeDimension[], atoms: Iterable<Atom>, maxCells: number) {
  const present = dimensions.map(() => new Set<string>([ALL]));
  const known = dimensions.map(() => new Set<string>());
  const nonZero: Atom[] = [];
  for (const atom of atoms) {
    if (atom.leaves.length !== dimensions.length) throw new RangeError(`an atom needs ${dimensions.length} leaves, got ${atom.leaves.length}`);
    if (atom.count === 0) continue;
    if (!Number.isInteger(atom.count) || atom.count < 0) throw new RangeError(`a count must be a whole number ≥ 0, got ${atom.count}`);
    atom.leaves.forEach((leaf, i) => {
      if (known[i]!.has(leaf)) return;
      known[i]!.add(leaf);
      present[i]!.add(leaf);
      for (const a of dimensions[i]!.hierarchy.ancestors(leaf)) present[i]!.add(a);
    });
    nonZero.push(atom);
  }
  const space = new CoordinateSpace(dimensions, present);
  const counts = new Map<number, number>();
  for (const atom of nonZero) {
    space.forEachCell(atom.leaves, (cell) => counts.set(cell, (counts.get(cell) ?? 0) + atom.count));
    if (counts.size > maxCells) {
      throw new DisclosureRefusedError('this table has too many cells to protect', 'use fewer or coarser breakdowns and filters');
    }
  }
  return { counts, present, space };
}

/** Above this many entries the look-ahead sums its parts one block of extra coordinates at a time. */
const LOOKAHEAD_BLOCK_ENTRIES = 2_000_000;

/**
 * Builds every cell of the lattice from the atoms, applies primary suppression and rounding, then
 * secondary suppression group by group until no group lets a viewer pin a small count.
 *
 * A group is a total and the cells that add up to it (a row or column of a table, the months of a
 * quarter, …). In a group whose total is shown, a suppressed cell needs at least one suppressed
 * sibling (the ONS/OpenSAFELY rule), and every suppressed small count must keep at least
 * `minPossibleValues` possible values given the rounded total and the rounded siblings; otherwise
 * the smallest shown sibling is suppressed too. When every part is already suppressed and the total still pins them, the total is suppressed.
 * Zero cells are never suppressed (no one is in them).
 */
export function protectLattice(dimensions: readonly LatticeDimension[], atoms: Iterable<Atom>, options: ProtectionOptions = {}): ProtectedLattice {
  const minValues = options.minPossibleValues ?? DEFAULT_MIN_POSSIBLE_VALUES;
  if (minValues < 1) throw new RangeError('minPossibleValues must be at least 1');
  const maxCells = options.maxCells ?? 2_000_000;
  const built = buildCells(dimensions, atoms, maxCells);
  const { present, space } = built;
  const D = dimensions.length;

  // Cells are numbered in key order, so the result never depends on the order the atoms came in
  // (the same question must always get the same answer); statuses live in typed arrays.
  const byKey = [...built.counts.keys()].map((cell) => ({ cell, key: keyOf(space.coordinatesOf(cell)) }));
  byKey.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const keys = byKey.map((c) => c.key);
  const cellNumber = Float64Array.from(byKey, (c) => c.cell);
  const idOf = new Map<number, number>(byKey.map((c, i) => [c.cell, i]));
  const n = keys.length;
  const count = Float64Array.from(byKey, (c) => built.counts.get(c.cell)!);
  const ZERO = 0;
  const PUBLISHED = 1;
  const PRIMARY = 2;
  const SECONDARY = 3;
  const CODE: Record<CellStatus, number> = { zero: ZERO, published: PUBLISHED, primary: PRIMARY, secondary: SECONDARY };
  const NAME: CellStatus[] = ['zero', 'published', 'primary', 'secondary'];
  const status = Uint8Array.from(count, (c) => CODE[primaryStatus(c)]);
  const suppressed = (i: number) => status[i]! >= PRIMARY;
  const half = Math.floor(ROUNDING_BASE / 2);
  /** What a viewer knows of a cell from itself (see `knownInterval`). */
  const ownLo = (i: number) => (status[i] === ZERO ? 0 : status[i] === PUBLISHED ? Math.max(SMALL_COUNT_MAX + 1, roundToBase(count[i]!) - half) : 1);
  const ownHi = (i: number) =>
    status[i] === ZERO ? 0 : status[i] === PUBLISHED ? roundToBase(count[i]!) + half : status[i] === PRIMARY ? SMALL_COUNT_MAX : Number.POSITIVE_INFINITY;

  interface NumGroup {
    parent: number;
    children: Int32Array;
  }
  const groups: NumGroup[] = [];
  const childOf: number[][] = Array.from({ length: n }, () => []);
  const parentOf: number[][] = Array.from({ length: n }, () => []);
  // How each coordinate splits depends only on the coordinate (the present set is fixed), so it is
  // asked once per coordinate, not once per cell.
  const partitionCache = dimensions.map(() => new Map<number, Int32Array[]>());
  const partitionsOf = (d: number, coordinate: number): Int32Array[] => {
    let partitions = partitionCache[d]!.get(coordinate);
    if (!partitions) {
      const index = space.indexOf[d]!;
      partitions = dimensions[d]!.hierarchy
        .partitions(space.values[d]![coordinate]!, present[d]!)
        .map((partition) => Int32Array.from(partition, (c) => index.get(c) ?? -1));
      partitionCache[d]!.set(coordinate, partitions);
    }
    return partitions;
  };
  for (let id = 0; id < n; id++) {
    const cell = cellNumber[id]!;
    for (let d = 0; d < D; d++) {
      const stride = space.strides[d]!;
      const coordinate = Math.floor(cell / stride) % space.values[d]!.length;
      for (const partition of partitionsOf(d, coordinate)) {
        const children: number[] = [];
        for (const child of partition) {
          if (child < 0) continue;
          const c = idOf.get(cell + (child - coordinate) * stride);
          if (c !== undefined) children.push(c);
        }
        if (!children.length) continue;
        const g = groups.push({ parent: id, children: Int32Array.from(children) }) - 1;
        parentOf[id]!.push(g);
        for (const c of children) childOf[c]!.push(g);
      }
    }
  }

  // Cached sums of each group's children intervals (finite part, and how many are unbounded).
  const sumValid = new Uint8Array(groups.length);
  const sumLo = new Float64Array(groups.length);
  const sumHi = new Float64Array(groups.length);
  const sumUnbounded = new Int32Array(groups.length);
  const sumOf = (g: number) => {
    if (!sumValid[g]) {
      let lo = 0;
      let hi = 0;
      let unbounded = 0;
      for (const c of groups[g]!.children) {
        lo += ownLo(c);
        const h = ownHi(c);
        if (h === Number.POSITIVE_INFINITY) unbounded++;
        else hi += h;
      }
      sumLo[g] = lo;
      sumHi[g] = hi;
      sumUnbounded[g] = unbounded;
      sumValid[g] = 1;
    }
  };
  // What the groups a suppressed cell belongs to say about it (one step of inference), cached.
  const derivedValid = new Uint8Array(n);
  const derivedLo = new Float64Array(n);
  const derivedHi = new Float64Array(n);
  const inferred = (i: number): [number, number] => {
    if (!suppressed(i)) return [ownLo(i), ownHi(i)];
    if (!derivedValid[i]) {
      const mineLo = ownLo(i);
      const mineHi = ownHi(i);
      const mineUnbounded = mineHi === Number.POSITIVE_INFINITY ? 1 : 0;
      let lo = mineLo;
      let hi = mineHi;
      for (const g of childOf[i]!) {
        sumOf(g);
        const p = groups[g]!.parent;
        const otherLo = sumLo[g]! - mineLo;
        const otherHi = sumUnbounded[g]! - mineUnbounded > 0 ? Number.POSITIVE_INFINITY : sumHi[g]! - (mineUnbounded ? 0 : mineHi);
        lo = Math.max(lo, ownLo(p) - otherHi);
        hi = Math.min(hi, ownHi(p) - otherLo);
      }
      derivedLo[i] = lo;
      derivedHi[i] = hi;
      derivedValid[i] = 1;
    }
    return [derivedLo[i]!, derivedHi[i]!];
  };
  // A group found not to expose anything is "settled" until a cell it reads changes: its children,
  // its total, or (the total's inferred interval) the groups the total belongs to. Re-checking a
  // settled group would give the same answer, so passes skip it and visit groups in the same order.
  const settled = new Uint8Array(groups.length);
  const unsettleGroupsOf = (c: number) => {
    for (const g of childOf[c]!) settled[g] = 0;
    for (const g of parentOf[c]!) settled[g] = 0;
  };
  const invalidateDerived = (c: number) => {
    derivedValid[c] = 0;
    // Groups whose total is c read c's inferred interval.
    for (const g of parentOf[c]!) settled[g] = 0;
  };
  const suppress = (i: number) => {
    status[i] = SECONDARY;
    unsettleGroupsOf(i);
    // Only cells sharing a group with i can infer something different now.
    invalidateDerived(i);
    for (const g of childOf[i]!) {
      sumValid[g] = 0;
      for (const c of groups[g]!.children) invalidateDerived(c);
    }
    for (const g of parentOf[i]!) for (const c of groups[g]!.children) invalidateDerived(c);
  };

  /**
   * Whether a viewer, from one group, can narrow a suppressed small count to fewer than `minValues`
   * values: parts are [lo, hi, suppressed, primary] for each child.
   */
  const exposes = (parentLo: number, parentHi: number, parentSuppressed: boolean, lo: ArrayLike<number>, hi: ArrayLike<number>, supp: ArrayLike<number>, prim: ArrayLike<number>): boolean => {
    let k = 0;
    let shownLo = 0;
    let shownHi = 0;
    let suppLo = 0;
    let suppHiFinite = 0;
    let suppUnbounded = 0;
    for (let j = 0; j < lo.length; j++) {
      if (supp[j]) {
        k++;
        suppLo += lo[j]!;
        if (hi[j] === Number.POSITIVE_INFINITY) suppUnbounded++;
        else suppHiFinite += hi[j]!;
      } else {
        shownLo += lo[j]!;
        shownHi += hi[j]!;
      }
    }
    if (k === 0) return false;
    if (!parentSuppressed && k === 1) return true;
    // The suppressed parts add up to the total minus the shown ones.
    const sumLoAll = parentLo - shownHi;
    const sumHiAll = parentHi - shownLo;
    for (let j = 0; j < lo.length; j++) {
      if (!supp[j] || !prim[j]) continue;
      const unbounded = hi[j] === Number.POSITIVE_INFINITY ? 1 : 0;
      const otherHi = suppUnbounded - unbounded > 0 ? Number.POSITIVE_INFINITY : suppHiFinite - (unbounded ? 0 : hi[j]!);
      const otherLo = suppLo - lo[j]!;
      const min = Math.max(lo[j]!, sumLoAll - otherHi);
      const max = Math.min(hi[j]!, sumHiAll - otherLo);
      if (max - min + 1 < minValues) return true;
    }
    return false;
  };

  const scratch = { lo: new Float64Array(0), hi: new Float64Array(0), supp: new Uint8Array(0), prim: new Uint8Array(0) };
  const scratchOf = (length: number) => {
    if (scratch.lo.length < length) {
      scratch.lo = new Float64Array(length);
      scratch.hi = new Float64Array(length);
      scratch.supp = new Uint8Array(length);
      scratch.prim = new Uint8Array(length);
    }
    return {
      lo: scratch.lo.subarray(0, length),
      hi: scratch.hi.subarray(0, length),
      supp: scratch.supp.subarray(0, length),
      prim: scratch.prim.subarray(0, length),
    };
  };
  const groupExposes = (g: NumGroup): boolean => {
    const children = g.children;
    let any = false;
    for (const c of children) if (suppressed(c)) any = true;
    if (!any) return false;
    const { lo, hi, supp, prim } = scratchOf(children.length);
    children.forEach((c, j) => {
      lo[j] = ownLo(c);
      hi[j] = ownHi(c);
      supp[j] = suppressed(c) ? 1 : 0;
      prim[j] = status[c] === PRIMARY ? 1 : 0;
    });
    const [pLo, pHi] = inferred(g.parent);
    return exposes(pLo, pHi, suppressed(g.parent), lo, hi, supp, prim);
  };

  // Breakdowns the viewer could add: would the bigger table have to suppress a shown cell here?
  // Only if its parts along the extra dimension include small counts and, even with every part
  // suppressed, the shown total pins one (suppressing parts only widens what a viewer can infer,
  // so "every part" is where the bigger table's own secondary suppression ends at the latest).
  // A shown cell's interval never changes while it is shown, so this is decided once.
  const mustHide = new Set<number>();
  if (options.lookahead?.length) {
    // Shown cells get a compact slot; the parts of each are summed in a dense block of
    // slots × extra coordinates (no string keys in the inner loop).
    const slotOf = new Int32Array(n).fill(-1);
    const shownIds: number[] = [];
    for (let i = 0; i < n; i++) if (status[i] === PUBLISHED) slotOf[i] = shownIds.push(i) - 1;
    const shownCells = shownIds.length;
    // The shown cells an atom with these leaves adds to, memoised by its leaves' indices.
    const shownCellsOfLeaves = new Map<number, Int32Array>();
    const shownCellsOf = (leaves: readonly string[]): Int32Array => {
      let key = 0;
      for (let d = 0; d < D && key >= 0; d++) {
        const i = space.indexOf[d]!.get(leaves[d]!);
        key = i === undefined ? -1 : key + i * space.strides[d]!;
      }
      let slots = key >= 0 ? shownCellsOfLeaves.get(key) : undefined;
      if (!slots) {
        const found: number[] = [];
        space.forEachCell(leaves, (cell) => {
          const id = idOf.get(cell);
          if (id !== undefined && slotOf[id]! >= 0) found.push(slotOf[id]!);
        });
        slots = Int32Array.from(found);
        if (key >= 0) shownCellsOfLeaves.set(key, slots);
      }
      return slots;
    };
    // One buffer of part sums, reused by every extra dimension and block.
    let sumsBuffer = new Float64Array(0);
    for (const extra of options.lookahead) {
      // Every (shown cells, extra coordinate, count) an atom adds, with the extra coordinates numbered.
      const extraIndex = new Map<string, number>();
      const extraPresent = new Set<string>([ALL]);
      const extraChains = new Map<string, Int32Array>();
      const entrySlots: Int32Array[] = [];
      const entryCoordinate: number[] = [];
      const entryCount: number[] = [];
      for (const atom of extra.atoms) {
        if (atom.count === 0) continue;
        const slots = shownCellsOf(atom.leaves.slice(0, D));
        const extraLeaf = atom.leaves[D]!;
        let chain = extraChains.get(extraLeaf);
        if (!chain) {
          const coordinates = [extraLeaf, ...extra.dimension.hierarchy.ancestors(extraLeaf).filter((a) => a !== ALL)];
          chain = Int32Array.from(coordinates, (c) => {
            extraPresent.add(c);
            let i = extraIndex.get(c);
            if (i === undefined) extraIndex.set(c, (i = extraIndex.size));
            return i;
          });
          extraChains.set(extraLeaf, chain);
        }
        if (!slots.length) continue;
        for (const e of chain) {
          entrySlots.push(slots);
          entryCoordinate.push(e);
          entryCount.push(atom.count);
        }
      }
      const partitions = extra.dimension.hierarchy.partitions(ALL, extraPresent);
      const P = partitions.length;
      const E = extraIndex.size;
      if (!P || !E || !entrySlots.length) continue;
      // Which partitions each extra coordinate is a part of (with multiplicity, as listed).
      const partitionsOfCoordinate: number[][] = Array.from({ length: E }, () => []);
      partitions.forEach((partition, p) => {
        for (const c of partition) {
          const e = extraIndex.get(c);
          if (e !== undefined) partitionsOfCoordinate[e]!.push(p);
        }
      });
      // Per shown cell and partition: how many parts are non-zero, and how many of them small.
      const parts = new Int32Array(shownCells * P);
      const smallParts = new Int32Array(shownCells * P);
      const width = Math.max(1, Math.min(E, Math.floor(LOOKAHEAD_BLOCK_ENTRIES / Math.max(1, shownCells))));
      const order = Array.from(entryCoordinate.keys());
      if (width < E) order.sort((a, b) => entryCoordinate[a]! - entryCoordinate[b]!);
      if (sumsBuffer.length < shownCells * width) sumsBuffer = new Float64Array(shownCells * width);
      const sums = sumsBuffer.subarray(0, shownCells * width);
      for (let start = 0, at = 0; start < E; start += width) {
        const end = Math.min(E, start + width);
        sums.fill(0);
        for (; at < order.length && entryCoordinate[order[at]!]! < end; at++) {
          const entry = order[at]!;
          const column = entryCoordinate[entry]! - start;
          const add = entryCount[entry]!;
          for (const slot of entrySlots[entry]!) sums[slot * width + column]! += add;
        }
        for (let slot = 0; slot < shownCells; slot++) {
          for (let column = 0; column < end - start; column++) {
            const sum = sums[slot * width + column]!;
            if (sum === 0) continue;
            for (const p of partitionsOfCoordinate[start + column]!) {
              parts[slot * P + p]!++;
              if (sum <= SMALL_COUNT_MAX) smallParts[slot * P + p]!++;
            }
          }
        }
      }
      for (let slot = 0; slot < shownCells; slot++) {
        const parent = shownIds[slot]!;
        if (mustHide.has(parent)) continue;
        for (let p = 0; p < P; p++) {
          const k = parts[slot * P + p]!;
          const small = smallParts[slot * P + p]!;
          if (!small) continue;
          // Every part suppressed: small ones known to be 1–7, the others only ≥ 1.
          const { lo, hi, supp, prim } = scratchOf(k);
          for (let j = 0; j < k; j++) {
            lo[j] = 1;
            hi[j] = j < small ? SMALL_COUNT_MAX : Number.POSITIVE_INFINITY;
            supp[j] = 1;
            prim[j] = j < small ? 1 : 0;
          }
          if (exposes(ownLo(parent), ownHi(parent), false, lo, hi, supp, prim)) {
            mustHide.add(parent);
            break;
          }
        }
      }
    }
  }

  for (let changed = true; changed; ) {
    changed = false;
    for (let g = 0; g < groups.length; g++) {
      if (settled[g]) continue;
      const group = groups[g]!;
      let exposing = groupExposes(group);
      while (exposing) {
        // The smallest shown part (ties broken by key, so the choice never depends on order).
        let candidate = -1;
        for (const c of group.children) {
          if (count[c] === 0 || suppressed(c)) continue;
          if (candidate < 0 || count[c]! < count[candidate]! || (count[c] === count[candidate] && keys[c]! < keys[candidate]!)) candidate = c;
        }
        if (candidate >= 0) suppress(candidate);
        else if (!suppressed(group.parent)) suppress(group.parent);
        else break;
        changed = true;
        exposing = groupExposes(group);
      }
      // Either it no longer exposes, or it does with nothing left to suppress: a re-check gives the
      // same answer until one of its cells changes.
      settled[g] = 1;
    }
    for (const parent of mustHide) {
      if (!suppressed(parent)) {
        suppress(parent);
        changed = true;
      }
    }
  }

  const cells = new Map<string, ProtectedCell>();
  keys.forEach((k, i) => {
    const s = NAME[status[i]!]!;
    cells.set(k, { count: count[i]!, status: s, shown: shownCount(count[i]!, s) });
  });
  return new ProtectedLattice(dimensions, cells);
}
