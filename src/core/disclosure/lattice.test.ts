import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALL, flatHierarchy, protectLattice, type Atom } from './lattice.js';
import { calendarHierarchy, periodOfMonth, type PeriodKind } from './time.js';
import { DisclosureRefusedError, disclosedCount, disclosedRate, disclosedAverage, roundToBase, SUPPRESSED, type DisclosedCount } from './rules.js';

describe('primary rules', () => {
  it('shows 0 as 0, 1–7 as *, and rounds the rest to the nearest 5', () => {
    expect([0, 1, 7, 8, 9, 10, 12, 13, 17, 18, 102].map(disclosedCount)).toEqual([0, '*', '*', 10, 10, 10, 10, 15, 15, 20, 100]);
    expect(roundToBase(22)).toBe(20);
    expect(roundToBase(23)).toBe(25);
  });
  it('hides rates for counts under 10 and computes shown rates from the rounded count', () => {
    expect(disclosedRate(9, 10, 1000, 1000)).toBeNull();
    expect(disclosedRate(12, 10, 2000, 1000)).toBe(5);
    expect(disclosedRate(40, SUPPRESSED, 2000, 1000)).toBeNull();
  });
  it('hides averages about fewer than 8 people', () => {
    expect(disclosedAverage(7, 31.5)).toBeNull();
    expect(disclosedAverage(8, 31.5)).toBe(31.5);
  });
});

// ---------------------------------------------------------------------------------------------
// A model of what a viewer can ask: any breakdown by a subset of the dimensions, with any filter on
// the others (a value, or for the calendar a month, quarter, year or financial year), answered the
// way the server answers (one protected lattice over the query's dimensions). The attacker knows the
// rules and the code, sees every answer (including refusals) and searches every table of counts that
// would have produced exactly the same answers. A count of 1–7 is derivable when every such table
// gives it the same value.

interface ModelDim {
  name: string;
  kind: 'flat' | 'calendar';
  leaves: string[];
}

interface ModelQuery {
  by: number[];
  /** For a calendar breakdown: the kind of period shown. */
  periodKind: PeriodKind;
  /** Filter coordinate for each dimension not broken down (ALL = no filter). */
  filter: string[];
}

type Answer = 'refused' | DisclosedCount[];

const hierarchyOf = (d: ModelDim) => (d.kind === 'calendar' ? calendarHierarchy : flatHierarchy);

/** Coordinates a dimension can be filtered on or broken down by. */
function coordinatesOf(d: ModelDim, kind?: PeriodKind): string[] {
  if (d.kind === 'flat') return d.leaves;
  const kinds: PeriodKind[] = kind ? [kind] : ['month', 'quarter', 'year', 'financial_year'];
  return [...new Set(kinds.flatMap((k) => d.leaves.map((m) => periodOfMonth(m, k))))];
}

function covers(d: ModelDim, coordinate: string, leaf: string): boolean {
  if (coordinate === ALL || coordinate === leaf) return true;
  return d.kind === 'calendar' && hierarchyOf(d).ancestors(leaf).includes(coordinate);
}

/** Leaves of every atom, in a fixed order (the counts vector is indexed the same way). */
function atomLeaves(dims: ModelDim[]): string[][] {
  let combos: string[][] = [[]];
  for (const d of dims) combos = combos.flatMap((c) => d.leaves.map((l) => [...c, l]));
  return combos;
}

function answer(dims: ModelDim[], counts: number[], q: ModelQuery): Answer {
  const leaves = atomLeaves(dims);
  const used = dims.map((_, i) => i).filter((i) => q.by.includes(i) || q.filter[i] !== ALL);
  const lattice = used.map((i) => ({ name: dims[i]!.name, hierarchy: hierarchyOf(dims[i]!) }));
  const atoms: Atom[] = leaves.map((l, j) => ({ leaves: used.map((i) => l[i]!), count: counts[j]! }));
  const lookahead = dims
    .map((d, e) => ({ d, e }))
    .filter(({ e }) => !used.includes(e))
    .map(({ d, e }) => ({
      dimension: { name: d.name, hierarchy: hierarchyOf(d) },
      atoms: leaves.map((l, j) => ({ leaves: [...used.map((i) => l[i]!), l[e]!], count: counts[j]! })),
    }));
  let protectedLattice;
  try {
    protectedLattice = protectLattice(lattice, atoms, { lookahead });
  } catch (error) {
    if (error instanceof DisclosureRefusedError) return 'refused';
    throw error;
  }
  let rows: string[][] = [[]];
  for (const i of used) {
    const values = q.by.includes(i) ? coordinatesOf(dims[i]!, q.periodKind) : [q.filter[i]!];
    rows = rows.flatMap((r) => values.map((v) => [...r, v]));
  }
  return rows.map((coordinates) => protectedLattice.cell(coordinates).shown);
}

/** Every cell a viewer could ask about, as the atoms it sums. */
function everyCell(dims: ModelDim[]): number[][] {
  const leaves = atomLeaves(dims);
  let cells: string[][] = [[]];
  for (const d of dims) cells = cells.flatMap((c) => [...coordinatesOf(d), ALL].map((v) => [...c, v]));
  return cells.map((cell) => leaves.map((l, j) => (cell.every((v, i) => covers(dims[i]!, v, l[i]!)) ? j : -1)).filter((j) => j >= 0));
}

/** The atoms each row of a query's answer adds up. */
function rowAtoms(dims: ModelDim[], q: ModelQuery): number[][] {
  const leaves = atomLeaves(dims);
  let rows: string[][] = [[]];
  dims.forEach((d, i) => {
    const values = q.by.includes(i) ? coordinatesOf(d, q.periodKind) : [q.filter[i]!];
    rows = rows.flatMap((r) => values.map((v) => [...r, v]));
  });
  return rows.map((cell) => leaves.map((l, j) => (cell.every((v, i) => covers(dims[i]!, v, l[i]!)) ? j : -1)).filter((j) => j >= 0));
}

/**
 * Searches tables of counts giving the same answers. Returns, for each target cell, whether a table
 * with a different value for it was found (so the true value is not derivable). The shown values
 * prune the search (a shown R means R−2…R+2, `*` at least 1, 0 exactly 0); every surviving table is
 * then run through the real answers, so what the code does (not what it is thought to do) decides.
 */
function alternativesFound(dims: ModelDim[], truth: number[], queries: ModelQuery[], targets: number[][], maxCount: number): boolean[] {
  const answers = queries.map((q) => answer(dims, truth, q));
  const expected = answers.map((a) => JSON.stringify(a));
  const constraints: { atoms: number[]; lo: number; hi: number }[] = [];
  queries.forEach((q, k) => {
    const a = answers[k]!;
    if (a === 'refused') return;
    rowAtoms(dims, q).forEach((atoms, r) => {
      const shown = a[r]!;
      if (shown === 0) constraints.push({ atoms, lo: 0, hi: 0 });
      else if (shown === SUPPRESSED) constraints.push({ atoms, lo: 1, hi: Number.POSITIVE_INFINITY });
      else constraints.push({ atoms, lo: Math.max(8, shown - 2), hi: shown + 2 });
    });
  });
  const lastAtom = constraints.map((c) => Math.max(...c.atoms));
  const trueValue = targets.map((t) => t.reduce((s, j) => s + truth[j]!, 0));
  const found = targets.map(() => false);
  const candidate = new Array<number>(truth.length).fill(0);
  let remaining = targets.length;
  const consistent = (j: number) =>
    constraints.every((c, k) => {
      let sum = 0;
      for (const a of c.atoms) if (a <= j) sum += candidate[a]!;
      return sum <= c.hi && (lastAtom[k]! > j || sum >= c.lo);
    });
  const walk = (j: number): boolean => {
    if (j === truth.length) {
      const differs = targets.map((t, k) => !found[k] && t.reduce((s, a) => s + candidate[a]!, 0) !== trueValue[k]);
      if (!differs.some(Boolean)) return false;
      if (!queries.every((q, k) => JSON.stringify(answer(dims, candidate, q)) === expected[k])) return false;
      differs.forEach((d, k) => {
        if (d) {
          found[k] = true;
          remaining--;
        }
      });
      return remaining === 0;
    }
    for (let v = 0; v <= maxCount; v++) {
      candidate[j] = v;
      if (consistent(j) && walk(j + 1)) return true;
    }
    candidate[j] = 0;
    return false;
  };
  if (remaining > 0) walk(0);
  return found;
}

/**
 * Counts with many values at the edges of what `*` and rounding reveal (1, 7, 8, 12, 13), where
 * sums of suppressed cells are most easily pinned, plus any other value up to 14.
 */
const countArb = fc.oneof(
  { arbitrary: fc.constantFrom(0, 1, 2, 6, 7, 8, 12, 13), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 14 }), weight: 1 },
);

function queryArb(dims: ModelDim[]): fc.Arbitrary<ModelQuery> {
  return fc
    .record({
      byMask: fc.array(fc.boolean(), { minLength: dims.length, maxLength: dims.length }),
      periodKind: fc.constantFrom<PeriodKind>('month', 'quarter', 'year', 'financial_year'),
      filterPicks: fc.array(fc.nat(), { minLength: dims.length, maxLength: dims.length }),
    })
    .map(({ byMask, periodKind, filterPicks }) => {
      const by = dims.map((_, i) => i).filter((i) => byMask[i]);
      const filter = dims.map((d, i) => {
        if (by.includes(i)) return ALL;
        const options = [ALL, ...coordinatesOf(d)];
        return options[filterPicks[i]! % options.length]!;
      });
      return { by, periodKind, filter };
    });
}

function checkNothingDerivable(dims: ModelDim[], truth: number[], queries: ModelQuery[]): void {
  const cells = everyCell(dims);
  const small = cells.filter((t) => {
    const v = t.reduce((s, j) => s + truth[j]!, 0);
    return v >= 1 && v <= 7;
  });
  const maxCount = 14;
  const found = alternativesFound(dims, truth, queries, small, maxCount);
  const pinned = small.filter((_, k) => !found[k]);
  expect(pinned, `derivable small counts (atoms ${JSON.stringify(pinned)}) in ${JSON.stringify(truth)} after ${JSON.stringify(queries)}`).toEqual([]);
}

describe('secondary suppression against a viewer who knows the rules', () => {
  const twoByTwo: ModelDim[] = [
    { name: 'area', kind: 'flat', leaves: ['A', 'B'] },
    { name: 'category', kind: 'flat', leaves: ['robbery', 'wounding'] },
  ];
  const twoByThree: ModelDim[] = [
    { name: 'area', kind: 'flat', leaves: ['A', 'B'] },
    { name: 'category', kind: 'flat', leaves: ['robbery', 'wounding', 'homicide'] },
  ];
  const fourAreas: ModelDim[] = [{ name: 'area', kind: 'flat', leaves: ['a', 'b', 'c', 'd'] }];
  const sixMonths: ModelDim[] = [{ name: 'month', kind: 'calendar', leaves: ['2021-02', '2021-03', '2021-04', '2021-05', '2021-06'] }];

  it('protects the classic case: one small cell in a row with a published total', () => {
    const lattice = protectLattice(
      [{ name: 'category', hierarchy: flatHierarchy }],
      [
        { leaves: ['robbery'], count: 3 },
        { leaves: ['wounding'], count: 40 },
        { leaves: ['homicide'], count: 12 },
      ],
    );
    expect(lattice.cell(['robbery']).shown).toBe('*');
    // Total 55 minus 40 would give 15 − 12 = 3 back without a second suppression.
    expect(lattice.cell(['homicide'])).toMatchObject({ shown: '*', status: 'secondary' });
    expect(lattice.cell(['wounding']).shown).toBe(40);
    expect(lattice.cell([ALL]).shown).toBe(55);
  });

  it('suppresses a total whose parts are all small when the rounded total would pin them, with or without the breakdown', () => {
    const atoms = ['a', 'b', 'c', 'd'].map((leaf) => ({ leaves: [leaf], count: 7 }));
    const byArea = protectLattice([{ name: 'area', hierarchy: flatHierarchy }], atoms);
    expect(byArea.cell([ALL])).toMatchObject({ count: 28, shown: '*', status: 'secondary' });
    const totalOnly = protectLattice([], [{ leaves: [], count: 28 }], { lookahead: [{ dimension: { name: 'area', hierarchy: flatHierarchy }, atoms }] });
    expect(totalOnly.cell([]).shown).toBe('*');
    expect(protectLattice([], [{ leaves: [], count: 28 }]).cell([]).shown).toBe(30);
  });

  it('the attacker finds what per-query protection would leak (the test can fail)', () => {
    // Four areas of 7 each: the total (28 → 30, so 28–32) and four suppressed areas (each ≤ 7) pin
    // every area at 7. Protecting each query on its own shows both; the lattice hides the total.
    const dims: ModelDim[] = [{ name: 'area', kind: 'flat', leaves: ['a', 'b', 'c', 'd'] }];
    const perQuery = (counts: number[], byArea: boolean): Answer => {
      if (!byArea) return [disclosedCount(counts.reduce((s, n) => s + n, 0))];
      return counts.map(disclosedCount);
    };
    const truth = [7, 7, 7, 7];
    const seen = [perQuery(truth, false), perQuery(truth, true)];
    const alternatives: number[][] = [];
    for (let a = 0; a <= 14; a++)
      for (let b = 0; b <= 14; b++)
        for (let c = 0; c <= 14; c++)
          for (let d = 0; d <= 14; d++) {
            const t = [a, b, c, d];
            if (JSON.stringify([perQuery(t, false), perQuery(t, true)]) === JSON.stringify(seen)) alternatives.push(t);
          }
    expect(alternatives).toEqual([[7, 7, 7, 7]]);
    expect(answer(dims, truth, { by: [], periodKind: 'month', filter: [ALL] })).toEqual(['*']);
    checkNothingDerivable(dims, truth, [
      { by: [], periodKind: 'month', filter: [ALL] },
      { by: [0], periodKind: 'month', filter: [ALL] },
    ]);
  });

  it('nothing in 1–7 is derivable from every table a viewer can ask of a 2 × 2 cross-classification', () => {
    fc.assert(
      fc.property(fc.array(countArb, { minLength: 4, maxLength: 4 }), fc.array(queryArb(twoByTwo), { minLength: 1, maxLength: 6 }), (truth, queries) => {
        checkNothingDerivable(twoByTwo, truth, queries);
      }),
      { numRuns: 60 },
    );
  });

  it('nothing in 1–7 is derivable from a breakdown into four areas and its total', () => {
    fc.assert(
      fc.property(fc.array(countArb, { minLength: 4, maxLength: 4 }), fc.array(queryArb(fourAreas), { minLength: 1, maxLength: 4 }), (truth, queries) => {
        checkNothingDerivable(fourAreas, truth, queries);
      }),
      { numRuns: 150 },
    );
  });

  it('nothing in 1–7 is derivable from a 2 × 3 table with its margins and every filter', () => {
    const all: ModelQuery[] = [];
    for (const by of [[], [0], [1], [0, 1]])
      for (const f0 of [ALL, 'A', 'B'])
        for (const f1 of [ALL, 'robbery', 'wounding', 'homicide'])
          all.push({ by, periodKind: 'month', filter: [by.includes(0) ? ALL : f0, by.includes(1) ? ALL : f1] });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }), (truth) => {
        checkNothingDerivable(twoByThree, truth, all);
      }),
      { numRuns: 25 },
    );
  });

  it('nothing in 1–7 is derivable from months, quarters, years and financial years of one series', () => {
    fc.assert(
      fc.property(fc.array(countArb, { minLength: 5, maxLength: 5 }), fc.array(queryArb(sixMonths), { minLength: 1, maxLength: 8 }), (truth, queries) => {
        checkNothingDerivable(sixMonths, truth, queries);
      }),
      { numRuns: 40 },
    );
  });

  it('gives a filtered query the same cells as the wider query (no differencing between them)', () => {
    fc.assert(
      fc.property(fc.array(countArb, { minLength: 6, maxLength: 6 }), (truth) => {
        const wide = answer(twoByThree, truth, { by: [0, 1], periodKind: 'month', filter: [ALL, ALL] });
        const narrow = answer(twoByThree, truth, { by: [1], periodKind: 'month', filter: ['B', ALL] });
        if (wide === 'refused') return;
        expect(narrow).toEqual(wide.slice(3, 6));
      }),
      { numRuns: 200 },
    );
  });
});

describe('determinism', () => {
  it('protects the same counts the same way whatever order they arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 12, maxLength: 12 }), fc.integer(), (counts, seed) => {
        const atoms = counts.map((count, i) => ({ leaves: [`2021-0${1 + (i % 6)}`, i < 6 ? 'A' : 'B'], count }));
        const shuffled = [...atoms].sort((a, b) => ((a.count * 31 + seed) % 7) - ((b.count * 31 + seed) % 7));
        const dims = [
          { name: 'month', hierarchy: calendarHierarchy },
          { name: 'area', hierarchy: flatHierarchy },
        ];
        const one = [...protectLattice(dims, atoms).entries()].sort();
        const two = [...protectLattice(dims, shuffled).entries()].sort();
        expect(two).toEqual(one);
      }),
      { numRuns: 200 },
    );
  });
});
