/**
 * The optimised `protectLattice` (numbered cells, memoised partitions, dense look-ahead sums, settled
 * groups skipped between passes) must protect every table exactly as the straightforward version it
 * replaced. That version is kept here, unchanged, as the reference; random tables with calendar and
 * flat dimensions and look-aheads are protected by both and compared cell by cell.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALL, DEFAULT_MIN_POSSIBLE_VALUES, flatHierarchy, protectLattice, ProtectedLattice, type Atom, type LatticeDimension, type ProtectedCell, type ProtectionOptions } from './lattice.js';
import { calendarHierarchy } from './time.js';
import { DisclosureRefusedError, primaryStatus, ROUNDING_BASE, roundToBase, shownCount, SMALL_COUNT_MAX, type CellStatus } from './rules.js';

const keyOf = (coordinates: readonly string[]) => JSON.stringify(coordinates);

// ---- reference implementation (the version before the optimisation, verbatim apart from names) ----

function referenceBuildCells(dimensions: readonly LatticeDimension[], atoms: Iterable<Atom>, maxCells: number) {
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
function referenceProtectLattice(dimensions: readonly LatticeDimension[], atoms: Iterable<Atom>, options: ProtectionOptions = {}): ProtectedLattice {
  const minValues = options.minPossibleValues ?? DEFAULT_MIN_POSSIBLE_VALUES;
  if (minValues < 1) throw new RangeError('minPossibleValues must be at least 1');
  const maxCells = options.maxCells ?? 2_000_000;
  const built = referenceBuildCells(dimensions, atoms, maxCells);
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

// ---- comparison ----

const MONTHS = ['2020-11', '2020-12', '2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06', '2021-07'];
const FLAT_VALUES = ['a', 'b', 'c', 'd', 'e'];

interface TableCase {
  /** Per dimension: calendar or flat, and how many leaves. */
  kinds: ('calendar' | 'flat')[];
  sizes: number[];
  /** Extra (look-ahead) dimensions: kind and size. */
  extras: { kind: 'calendar' | 'flat'; size: number }[];
  counts: number[];
}

const leavesOf = (kind: 'calendar' | 'flat', size: number) => (kind === 'calendar' ? MONTHS.slice(0, size) : FLAT_VALUES.slice(0, size));
const dimensionOf = (kind: 'calendar' | 'flat', name: string): LatticeDimension => ({ name, hierarchy: kind === 'calendar' ? calendarHierarchy : flatHierarchy });

function product(lists: string[][]): string[][] {
  let combos: string[][] = [[]];
  for (const list of lists) combos = combos.flatMap((c) => list.map((v) => [...c, v]));
  return combos;
}

/** Atoms over every dimension (lattice then extras) from the flat counts; the lattice's own atoms are their sums. */
function tableOf(c: TableCase) {
  const dims = c.kinds.map((k, i) => dimensionOf(k, `d${i}`));
  const leafLists = [...c.kinds.map((k, i) => leavesOf(k, c.sizes[i]!)), ...c.extras.map((e) => leavesOf(e.kind, e.size))];
  const full = product(leafLists).map((leaves, j) => ({ leaves, count: c.counts[j % c.counts.length]! }));
  const sumBy = (width: number, pick: (leaves: string[]) => string[]): Atom[] => {
    const sums = new Map<string, Atom>();
    for (const atom of full) {
      const leaves = pick(atom.leaves);
      const key = keyOf(leaves);
      const existing = sums.get(key);
      if (existing) existing.count += atom.count;
      else sums.set(key, { leaves, count: atom.count });
    }
    return [...sums.values()].filter((a) => a.leaves.length === width);
  };
  const D = dims.length;
  const atoms = sumBy(D, (l) => l.slice(0, D));
  const lookahead = c.extras.map((e, k) => ({ dimension: dimensionOf(e.kind, `x${k}`), atoms: sumBy(D + 1, (l) => [...l.slice(0, D), l[D + k]!]) }));
  return { dims, atoms, lookahead };
}

const cellsOf = (lattice: ProtectedLattice) => [...lattice.entries()].map(([k, v]) => [keyOf(k), v] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function outcome(protect: () => ProtectedLattice): unknown {
  try {
    return cellsOf(protect());
  } catch (error) {
    if (error instanceof DisclosureRefusedError) return 'refused';
    throw error;
  }
}

const countArb = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 6, 7, 8, 12, 13), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 1 },
);
const kindArb = fc.constantFrom<'calendar' | 'flat'>('calendar', 'flat', 'flat');
const caseArb: fc.Arbitrary<TableCase> = fc
  .record({
    dims: fc.array(fc.record({ kind: kindArb, size: fc.integer({ min: 1, max: 5 }) }), { minLength: 0, maxLength: 3 }),
    extras: fc.array(fc.record({ kind: kindArb, size: fc.integer({ min: 1, max: 5 }) }), { minLength: 0, maxLength: 2 }),
    counts: fc.array(countArb, { minLength: 1, maxLength: 40 }),
  })
  .map(({ dims, extras, counts }) => ({ kinds: dims.map((d) => d.kind), sizes: dims.map((d) => d.size), extras, counts }));

describe('optimised protectLattice', () => {
  it('protects random tables (calendar and flat dimensions, look-aheads) exactly as the reference', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(1, 2, 3), (c, minPossibleValues) => {
        const { dims, atoms, lookahead } = tableOf(c);
        const options: ProtectionOptions = { lookahead, minPossibleValues };
        expect(outcome(() => protectLattice(dims, atoms, options))).toEqual(outcome(() => referenceProtectLattice(dims, atoms, options)));
      }),
      { numRuns: 300 },
    );
  });

  it('decides look-aheads exactly as the reference (small parts at the edges of the rules)', () => {
    const lookaheadCase = fc
      .record({
        dims: fc.array(fc.record({ kind: kindArb, size: fc.integer({ min: 1, max: 3 }) }), { minLength: 0, maxLength: 1 }),
        extras: fc.array(fc.record({ kind: kindArb, size: fc.integer({ min: 2, max: 6 }) }), { minLength: 1, maxLength: 2 }),
        counts: fc.array(fc.constantFrom(0, 1, 2, 5, 6, 7, 8), { minLength: 1, maxLength: 12 }),
      })
      .map(({ dims, extras, counts }) => ({ kinds: dims.map((d) => d.kind), sizes: dims.map((d) => d.size), extras, counts }));
    fc.assert(
      fc.property(lookaheadCase, (c) => {
        const { dims, atoms, lookahead } = tableOf(c);
        expect(outcome(() => protectLattice(dims, atoms, { lookahead }))).toEqual(outcome(() => referenceProtectLattice(dims, atoms, { lookahead })));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference on a larger table with secondary suppression in many groups', () => {
    const c: TableCase = { kinds: ['calendar', 'flat', 'flat'], sizes: [9, 5, 4], extras: [{ kind: 'flat', size: 2 }, { kind: 'calendar', size: 2 }], counts: [0, 0, 1, 0, 2, 0, 0, 1, 0, 0, 0, 3, 0, 5, 0, 0, 1, 0, 0, 0, 12, 0, 0, 1, 0, 0, 0] };
    const { dims, atoms, lookahead } = tableOf(c);
    const fast = cellsOf(protectLattice(dims, atoms, { lookahead }));
    expect(fast.filter(([, v]) => v.status === 'secondary').length).toBeGreaterThan(10);
    expect(fast).toEqual(cellsOf(referenceProtectLattice(dims, atoms, { lookahead })));
  });

  it('refuses the same over-large tables', () => {
    const { dims, atoms } = tableOf({ kinds: ['flat', 'flat'], sizes: [5, 5], extras: [], counts: [3] });
    expect(outcome(() => protectLattice(dims, atoms, { maxCells: 20 }))).toBe('refused');
    expect(outcome(() => referenceProtectLattice(dims, atoms, { maxCells: 20 }))).toBe('refused');
  });
});
