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

/** Every cell of the lattice over `dimensions` built from the atoms, with the coordinates present per dimension. */
function buildCells(dimensions: readonly LatticeDimension[], atoms: Iterable<Atom>, maxCells: number) {
  const counts = new Map<string, number>();
  const present = dimensions.map(() => new Set<string>([ALL]));
  for (const atom of atoms) {
    if (atom.leaves.length !== dimensions.length) throw new RangeError(`an atom needs ${dimensions.length} leaves, got ${atom.leaves.length}`);
    if (atom.count === 0) continue;
    if (!Number.isInteger(atom.count) || atom.count < 0) throw new RangeError(`a count must be a whole number ≥ 0, got ${atom.count}`);
    const choices = atom.leaves.map((leaf, i) => {
      const ancestors = dimensions[i]!.hierarchy.ancestors(leaf);
      present[i]!.add(leaf);
      for (const a of ancestors) present[i]!.add(a);
      return [leaf, ...ancestors];
    });
    forEachCombination(choices, (coordinates) => {
      const k = keyOf(coordinates);
      counts.set(k, (counts.get(k) ?? 0) + atom.count);
    });
    if (counts.size > maxCells) {
      throw new DisclosureRefusedError('this table has too many cells to protect', 'use fewer or coarser breakdowns and filters');
    }
  }
  return { counts, present };
}

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
  const { present } = built;

  // Cells are numbered in key order, so the result never depends on the order the atoms came in
  // (the same question must always get the same answer); statuses live in typed arrays.
  const keys = [...built.counts.keys()].sort();
  const idOf = new Map<string, number>(keys.map((k, i) => [k, i]));
  const n = keys.length;
  const count = Float64Array.from(keys, (k) => built.counts.get(k)!);
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
  keys.forEach((k, id) => {
    const coordinates = JSON.parse(k) as string[];
    coordinates.forEach((coordinate, d) => {
      for (const partition of dimensions[d]!.hierarchy.partitions(coordinate, present[d]!)) {
        const children: number[] = [];
        for (const child of partition) {
          const c = idOf.get(keyOf(coordinates.map((x, j) => (j === d ? child : x))));
          if (c !== undefined) children.push(c);
        }
        if (!children.length) continue;
        const g = groups.push({ parent: id, children: Int32Array.from(children) }) - 1;
        parentOf[id]!.push(g);
        for (const c of children) childOf[c]!.push(g);
      }
    });
  });

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
  const suppress = (i: number) => {
    status[i] = SECONDARY;
    // Only cells sharing a group with i can infer something different now.
    derivedValid[i] = 0;
    for (const g of childOf[i]!) {
      sumValid[g] = 0;
      for (const c of groups[g]!.children) derivedValid[c] = 0;
    }
    for (const g of parentOf[i]!) for (const c of groups[g]!.children) derivedValid[c] = 0;
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
  const groupExposes = (g: NumGroup): boolean => {
    const children = g.children;
    let any = false;
    for (const c of children) if (suppressed(c)) any = true;
    if (!any) return false;
    if (scratch.lo.length < children.length) {
      scratch.lo = new Float64Array(children.length);
      scratch.hi = new Float64Array(children.length);
      scratch.supp = new Uint8Array(children.length);
      scratch.prim = new Uint8Array(children.length);
    }
    const lo = scratch.lo.subarray(0, children.length);
    const hi = scratch.hi.subarray(0, children.length);
    const supp = scratch.supp.subarray(0, children.length);
    const prim = scratch.prim.subarray(0, children.length);
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
  const ancestorsOfLeaf = new Map<string, number[]>();
  const shownAncestors = (leaves: readonly string[]): number[] => {
    const leafKey = keyOf(leaves);
    let ids = ancestorsOfLeaf.get(leafKey);
    if (!ids) {
      ids = [];
      const choices = leaves.map((leaf, d) => [leaf, ...dimensions[d]!.hierarchy.ancestors(leaf)]);
      forEachCombination(choices, (coordinates) => {
        const id = idOf.get(keyOf(coordinates));
        if (id !== undefined && status[id] === PUBLISHED) ids!.push(id);
      });
      ancestorsOfLeaf.set(leafKey, ids);
    }
    return ids;
  };
  for (const extra of options.lookahead ?? []) {
    // The parts of every shown cell along the extra dimension's leaves (and, for the calendar, its periods).
    const parts = new Map<number, Map<string, number>>();
    const extraPresent = new Set<string>([ALL]);
    for (const atom of extra.atoms) {
      if (atom.count === 0) continue;
      const leaves = atom.leaves.slice(0, dimensions.length);
      const extraLeaf = atom.leaves[dimensions.length]!;
      const extraCoordinates = [extraLeaf, ...extra.dimension.hierarchy.ancestors(extraLeaf).filter((a) => a !== ALL)];
      for (const c of extraCoordinates) extraPresent.add(c);
      for (const id of shownAncestors(leaves)) {
        let m = parts.get(id);
        if (!m) parts.set(id, (m = new Map()));
        for (const c of extraCoordinates) m.set(c, (m.get(c) ?? 0) + atom.count);
      }
    }
    const partitions = extra.dimension.hierarchy.partitions(ALL, extraPresent);
    for (const [parent, byCoordinate] of parts) {
      for (const partition of partitions) {
        const partCounts = partition.map((c) => byCoordinate.get(c) ?? 0).filter((c) => c > 0);
        if (!partCounts.some((c) => c <= SMALL_COUNT_MAX)) continue;
        const lo = partCounts.map(() => 1);
        const hi = partCounts.map((c) => (c <= SMALL_COUNT_MAX ? SMALL_COUNT_MAX : Number.POSITIVE_INFINITY));
        const prim = partCounts.map((c) => (c <= SMALL_COUNT_MAX ? 1 : 0));
        if (exposes(ownLo(parent), ownHi(parent), false, lo, hi, partCounts.map(() => 1), prim)) mustHide.add(parent);
      }
    }
  }

  for (let changed = true; changed; ) {
    changed = false;
    for (const g of groups) {
      while (groupExposes(g)) {
        // The smallest shown part (ties broken by key, so the choice never depends on order).
        let candidate = -1;
        for (const c of g.children) {
          if (count[c] === 0 || suppressed(c)) continue;
          if (candidate < 0 || count[c]! < count[candidate]! || (count[c] === count[candidate] && keys[c]! < keys[candidate]!)) candidate = c;
        }
        if (candidate >= 0) suppress(candidate);
        else if (!suppressed(g.parent)) suppress(g.parent);
        else break;
        changed = true;
      }
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


function forEachCombination(options: readonly (readonly string[])[], visit: (combination: string[]) => void): void {
  const current = new Array<string>(options.length);
  const walk = (i: number) => {
    if (i === options.length) {
      visit([...current]);
      return;
    }
    for (const o of options[i]!) {
      current[i] = o;
      walk(i + 1);
    }
  };
  walk(0);
}
