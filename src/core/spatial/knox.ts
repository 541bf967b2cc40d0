/**
 * Near-repeat analysis: the Knox test for space-time interaction, by bands, as in Ratcliffe's Near
 * Repeat Calculator (Ratcliffe 2009; Johnson et al. 2007). Every unordered pair of events falls into one
 * spatial band and one temporal band; the observed pair counts are compared with a Monte Carlo null in
 * which the event dates are permuted over the fixed locations (Mantel 1967), which keeps both the
 * spatial pattern and the distribution of dates and destroys only their interaction.
 *
 * Bands, labelled unambiguously (the Windows calculator is known to mislabel its rows and columns):
 * - spatial: "same location" (d = 0), band k covering (k−1)·b < d ≤ k·b metres, "beyond" (d > S·b);
 * - temporal, in whole days between calendar dates: band 1 covering 0…t, band j covering
 *   (j−1)·t < Δ ≤ j·t, "beyond" (Δ > T·t).
 *
 * Why it is fast: the spatial band of a pair never changes under the null, only its time difference.
 * The pairs closer than the largest finite band are found once with a grid and kept in typed
 * arrays (compressed rows: for each event, its later neighbours, each coded with its band); each
 * permutation only recounts which of those pairs are close in time. The "beyond" spatial row needs no
 * pairs at all: permuting dates does not change the multiset of dates, so the number of pairs in each
 * time band over all pairs is the same in every permutation, and "beyond" is that total minus the
 * finite rows; likewise "beyond" in time is each row's fixed total minus its close cells.
 *
 * Reproducible and parallel: permutation r shuffles the original dates with its own random stream
 * derived from (seed, r), so the table depends only on the seed, never on how the permutations are
 * split between threads (`simulateKnox` runs any range; `knoxTest` runs them all in this thread).
 */
import { UsageError } from '../errors.js';
import { shuffleInPlace, type Rng } from './rng.js';

export type DistanceMetric = 'euclidean' | 'manhattan';
export const DISTANCE_METRICS: readonly DistanceMetric[] = ['euclidean', 'manhattan'];

/** One event: a location in metres (British National Grid) and a whole day number. */
export interface KnoxEvent {
  x: number;
  y: number;
  /** Days since any fixed origin (e.g. days since 1970-01-01 of the calendar date). */
  day: number;
}

export interface KnoxOptions {
  /** Width b of each spatial band, whole metres. */
  spatialBand: number;
  /** Number S of spatial bands after "same location". */
  spatialBands: number;
  /** Width t of each temporal band, whole days. */
  temporalBand: number;
  /** Number T of temporal bands. */
  temporalBands: number;
  distance: DistanceMetric;
  /** Monte Carlo permutations of the event dates. */
  permutations: number;
  /** Seed of the permutations: the same seed gives the same result on any machine. */
  seed: number;
}

export const KNOX_DEFAULTS = { distance: 'euclidean', permutations: 999, seed: 1 } as const satisfies Partial<KnoxOptions>;

/** Limits that keep a request from exhausting memory or running for hours. */
export const KNOX_LIMITS = { maxBands: 100, maxPermutations: 99_999, maxClosePairs: 60_000_000, maxDaySpan: 10_000_000 } as const;

export interface SpatialBand {
  label: string;
  /** Distances d with fromM < d ≤ toM; "same location" is fromM = toM = 0; "beyond" has toM null. */
  fromM: number;
  toM: number | null;
}

export interface TemporalBand {
  label: string;
  /** Whole days, both inclusive; "beyond" has toDays null. */
  fromDays: number;
  toDays: number | null;
}

export interface KnoxCell {
  spatialIndex: number;
  temporalIndex: number;
  /** Unordered pairs of events in this spatial × temporal band. */
  observed: number;
  /** Mean number of such pairs over the permutations. */
  expected: number;
  /** observed / expected; null when no permutation produced such a pair. */
  knoxRatio: number | null;
  /** (1 + permutations with at least the observed count) / (1 + permutations): one-sided, excess of pairs. */
  pValue: number;
}

export interface KnoxResult {
  events: number;
  /** All unordered pairs, n(n − 1)/2. */
  pairs: number;
  /** Pairs within the largest finite spatial band (the ones re-counted per permutation). */
  closePairs: number;
  options: KnoxOptions;
  spatialBands: SpatialBand[];
  temporalBands: TemporalBand[];
  /** Row-major: spatial band by spatial band, each with every temporal band. */
  cells: KnoxCell[];
}

function wholeNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}, got ${value}`);
  }
}

export function validateKnoxOptions(options: KnoxOptions): void {
  wholeNumber('the spatial band (metres)', options.spatialBand, 1, 1_000_000);
  wholeNumber('the number of spatial bands', options.spatialBands, 1, KNOX_LIMITS.maxBands);
  wholeNumber('the temporal band (days)', options.temporalBand, 1, 36_500);
  wholeNumber('the number of temporal bands', options.temporalBands, 1, KNOX_LIMITS.maxBands);
  wholeNumber('the number of permutations', options.permutations, 1, KNOX_LIMITS.maxPermutations);
  wholeNumber('the seed', options.seed, 0, 2 ** 32 - 1);
  if (!DISTANCE_METRICS.includes(options.distance)) throw new UsageError(`distance must be ${DISTANCE_METRICS.join(' or ')}, got '${String(options.distance)}'`);
}

// Plain digits (no thousands separator) so labels stay one CSV field without quoting.
const metres = (n: number) => String(n);

/** The spatial bands in order: same location, 1…S, beyond. */
export function spatialBandsOf(b: number, count: number): SpatialBand[] {
  const bands: SpatialBand[] = [{ label: 'same location', fromM: 0, toM: 0 }];
  for (let k = 1; k <= count; k++) bands.push({ label: `${metres((k - 1) * b + 1)}-${metres(k * b)} m`, fromM: (k - 1) * b, toM: k * b });
  bands.push({ label: `beyond ${metres(count * b)} m`, fromM: count * b, toM: null });
  return bands;
}

/** The temporal bands in order: 0…t, then (j−1)·t+1 … j·t, then beyond. */
export function temporalBandsOf(t: number, count: number): TemporalBand[] {
  const bands: TemporalBand[] = [];
  for (let j = 1; j <= count; j++) {
    const from = j === 1 ? 0 : (j - 1) * t + 1;
    bands.push({ label: `${from}-${j * t} days`, fromDays: from, toDays: j * t });
  }
  bands.push({ label: `beyond ${count * t} days`, fromDays: count * t + 1, toDays: null });
  return bands;
}

/** lowbias32 (C. Wellons): a 32-bit integer hash with good avalanche, used only to seed streams. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** xoshiro128** (Blackman & Vigna 2018) from a 128-bit state given as four 32-bit words; uniform in [0, 1). */
export function xoshiro128(s0: number, s1: number, s2: number, s3: number): Rng {
  let a = s0 | 0;
  let b = s1 | 0;
  let c = s2 | 0;
  let d = s3 | 0;
  if ((a | b | c | d) === 0) a = 1; // the one state the generator cannot leave
  return () => {
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return result / 4294967296;
  };
}

/**
 * The random stream of permutation `index` under `seed`. Each permutation draws from its own stream, so
 * its shuffle does not depend on the permutations before it nor on the thread that runs it: the table
 * is the same whether the permutations run in one thread or spread over several. The stream is
 * xoshiro128** with its 128-bit state drawn by splitmix32 from (seed, index) (distinct indices give
 * distinct starting points for one seed); the large state keeps the streams from overlapping, which
 * 32-bit counter generators such as mulberry32 do not guarantee.
 */
export function permutationStream(seed: number, index: number): Rng {
  let z = (mix32(seed >>> 0) ^ Math.imul(index, 0x9e3779b9)) >>> 0;
  const next = () => {
    z = (z + 0x9e3779b9) >>> 0;
    return mix32(z);
  };
  return xoshiro128(next(), next(), next(), next());
}

/** Bits of a pair code that hold the spatial band: code = j·128 + band. */
const BAND_BITS = 7;
const BAND_MASK = (1 << BAND_BITS) - 1;

/**
 * Everything the permutations need, computed once from the events; plain typed arrays and numbers, so
 * it can be handed to worker threads (the two pair arrays can live in a SharedArrayBuffer).
 */
export interface KnoxPlan {
  options: KnoxOptions;
  events: number;
  /**
   * Pairs i < j closer than the largest finite band, as compressed rows: the pairs of event i are
   * pairCode[pairStart[i] … pairStart[i + 1]), each coded j·128 + spatial band (0 = same location).
   */
  pairStart: Int32Array;
  pairCode: Int32Array;
  closePairs: number;
  /** Pairs in each finite spatial band: fixed under the null. */
  pairsPerSpatialBand: Float64Array;
  /** Pairs in each temporal band over all pairs: fixed under the null (the dates are only moved). */
  pairsPerTemporalBand: Float64Array;
  /** Day of each event (in the order of the pairs, not the input's), minus the earliest, so 0 ≤ day. */
  days: Int32Array;
  /** Temporal band of each day difference −W…W at index difference + W (W = t·T, or the span of the dates if shorter). */
  timeBandOf: Uint8Array;
  /** The observed table, row-major: spatial bands (same location, 1…S, beyond) × temporal bands (1…T, beyond). */
  observed: Float64Array;
}

/** Sums over a set of permutations; integers, so adding tallies in any grouping gives the same totals. */
export interface KnoxTally {
  permutations: number;
  /** Sum over the permutations of each cell's count. */
  simulatedSum: Float64Array<ArrayBuffer>;
  /** Permutations whose count was at least the observed one, per cell. */
  atLeastObserved: Float64Array<ArrayBuffer>;
}

/** The most events whose pair codes (j·128 + band) fit in 31 bits. */
const MAX_EVENTS = 2 ** (31 - BAND_BITS);

interface ClosePairs {
  /** Events in the order the pairs use (by grid cell): position → index in the input. */
  order: Int32Array;
  start: Int32Array;
  code: Int32Array;
  perBand: Float64Array;
  count: number;
}

/**
 * The pairs closer than `bands`·`b`. Events are bucketed into a grid of cells at least that wide and
 * renumbered cell by cell (row-major), so the candidates of an event are two runs of consecutive
 * numbers — its own row of three cells and the row above (the row below holds only earlier events) —
 * already in ascending order: no search structure, no sorting, and neighbours close in number, which
 * keeps the permutation loop's reads of their dates local.
 */
function findClosePairs(events: readonly KnoxEvent[], b: number, bands: number, metric: DistanceMetric): ClosePairs {
  const n = events.length;
  const radius = b * bands;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const e of events) {
    if (e.x < minX) minX = e.x;
    if (e.x > maxX) maxX = e.x;
    if (e.y < minY) minY = e.y;
    if (e.y > maxY) maxY = e.y;
  }
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  // Cells wider than the radius (the 3 × 3 block around an event covers its circle; the margin absorbs
  // rounding in the cell arithmetic), and no more than about 2n of them however far apart the events are.
  const cell = Math.max(radius * (1 + 1e-6), Math.sqrt((spanX * spanY) / n), (spanX + spanY) / n);
  const width = Math.floor(spanX / cell) + 1;
  const height = Math.floor(spanY / cell) + 1;
  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(width * height + 1);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    // `|| 0` guards NaN from extreme spans; such cells only widen the candidate runs.
    const cx = Math.min(width - 1, Math.floor((e.x - minX) / cell) || 0);
    const cy = Math.min(height - 1, Math.floor((e.y - minY) / cell) || 0);
    cellOf[i] = cy * width + cx;
    cellStart[cellOf[i]! + 1]!++;
  }
  for (let c = 0; c < width * height; c++) cellStart[c + 1]! += cellStart[c]!;
  const order = new Int32Array(n);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const cellOfPosition = new Int32Array(n);
  const filled = cellStart.slice(0, width * height);
  for (let i = 0; i < n; i++) {
    const position = filled[cellOf[i]!]!++;
    order[position] = i;
    xs[position] = events[i]!.x;
    ys[position] = events[i]!.y;
    cellOfPosition[position] = cellOf[i]!;
  }

  const start = new Int32Array(n + 1);
  let code: Int32Array = new Int32Array(Math.max(1024, n * 8));
  let count = 0;
  const perBand = new Float64Array(bands + 1);
  const euclidean = metric === 'euclidean';
  for (let i = 0; i < n; i++) {
    start[i] = count;
    const x = xs[i]!;
    const y = ys[i]!;
    const c = cellOfPosition[i]!;
    const cx = c % width;
    const cy = (c - cx) / width;
    const left = cx > 0 ? -1 : 0;
    const right = cx < width - 1 ? 1 : 0;
    for (let row = 0; row <= 1; row++) {
      if (cy + row >= height) break;
      const first = (cy + row) * width + cx;
      const from = row === 0 ? i + 1 : cellStart[first + left]!;
      const to = cellStart[first + right + 1]!;
      for (let j = from; j < to; j++) {
        const dx = Math.abs(xs[j]! - x);
        const dy = Math.abs(ys[j]! - y);
        const d = euclidean ? Math.sqrt(dx * dx + dy * dy) : dx + dy;
        if (d > radius) continue;
        const band = d === 0 ? 0 : Math.min(bands, Math.ceil(d / b));
        if (count === code.length) code = grown(code, radius);
        perBand[band]!++;
        code[count++] = (j << BAND_BITS) | band;
      }
    }
  }
  start[n] = count;
  return { order, start, code: code.subarray(0, count), perBand, count };
}

/** A larger copy of the pair codes, refused beyond KNOX_LIMITS.maxClosePairs. */
function grown(code: Int32Array, radius: number): Int32Array {
  if (code.length >= KNOX_LIMITS.maxClosePairs) {
    throw new UsageError(
      `more than ${KNOX_LIMITS.maxClosePairs.toLocaleString('en-GB')} pairs of incidents lie within ${metres(radius)} m of each other: too many for the permutation test`,
      'select fewer incidents (--from/--to, --where) or use fewer or narrower spatial bands',
    );
  }
  const larger = new Int32Array(Math.min(code.length * 2, KNOX_LIMITS.maxClosePairs));
  larger.set(code);
  return larger;
}

/**
 * Temporal band of every signed day difference −W…W, at index difference + W: W = t·bands, the end of
 * the last finite band, or the span of the dates if shorter (no difference can exceed it).
 */
function temporalLookup(t: number, bands: number, span: number): Uint8Array {
  const window = Math.min(t * bands, span);
  const lookup = new Uint8Array(2 * window + 1);
  for (let delta = 0; delta <= window; delta++) {
    const band = delta <= t ? 0 : Math.ceil(delta / t) - 1;
    lookup[window + delta] = band;
    lookup[window - delta] = band;
  }
  return lookup;
}

/**
 * Pairs per temporal band over all pairs, from the sorted days: pairs with Δ ≤ L counted by a sliding
 * window for each band's upper limit L. The same under every permutation of the dates.
 */
function pairsPerTemporalBand(days: Int32Array, t: number, bands: number): Float64Array {
  const sorted = Int32Array.from(days).sort();
  const n = sorted.length;
  const within = (limit: number) => {
    let total = 0;
    let j = 0;
    for (let i = 0; i < n; i++) {
      while (sorted[i]! - sorted[j]! > limit) j++;
      total += i - j;
    }
    return total;
  };
  const perBand = new Float64Array(bands + 1);
  let previous = 0;
  for (let k = 0; k < bands; k++) {
    const cumulative = within((k + 1) * t);
    perBand[k] = cumulative - previous;
    previous = cumulative;
  }
  perBand[bands] = (n * (n - 1)) / 2 - previous;
  return perBand;
}

/**
 * Counts the close pairs that fall in a finite temporal band (Δ ≤ t·T), for the given day of each event,
 * into `scratch` (rows of T + 1 columns; the last column is left at 0). The hot loop of the test:
 * most pairs are beyond in time (their count is derived from the fixed totals), so four pairs are read
 * at a time and tested with one well-predicted branch; a difference is inside the window when
 * 0 ≤ di + W − dj ≤ 2W, one unsigned comparison.
 */
function countTimeClose(start: Int32Array, code: Int32Array, days: Int32Array, timeBandOf: Uint8Array, columns: number, scratch: Int32Array): void {
  scratch.fill(0);
  const window = (timeBandOf.length - 1) / 2;
  const width = 2 * window;
  const n = days.length;
  for (let i = 0; i < n; i++) {
    const di = days[i]! + window;
    const end = start[i + 1]!;
    let p = start[i]!;
    for (; p + 3 < end; p += 4) {
      const c0 = code[p]!;
      const c1 = code[p + 1]!;
      const c2 = code[p + 2]!;
      const c3 = code[p + 3]!;
      const d0 = di - days[c0 >>> BAND_BITS]!;
      const d1 = di - days[c1 >>> BAND_BITS]!;
      const d2 = di - days[c2 >>> BAND_BITS]!;
      const d3 = di - days[c3 >>> BAND_BITS]!;
      if (d0 >>> 0 <= width || d1 >>> 0 <= width || d2 >>> 0 <= width || d3 >>> 0 <= width) {
        if (d0 >>> 0 <= width) scratch[(c0 & BAND_MASK) * columns + timeBandOf[d0]!]!++;
        if (d1 >>> 0 <= width) scratch[(c1 & BAND_MASK) * columns + timeBandOf[d1]!]!++;
        if (d2 >>> 0 <= width) scratch[(c2 & BAND_MASK) * columns + timeBandOf[d2]!]!++;
        if (d3 >>> 0 <= width) scratch[(c3 & BAND_MASK) * columns + timeBandOf[d3]!]!++;
      }
    }
    for (; p < end; p++) {
      const c = code[p]!;
      const d = di - days[c >>> BAND_BITS]!;
      if (d >>> 0 <= width) scratch[(c & BAND_MASK) * columns + timeBandOf[d]!]!++;
    }
  }
}

/**
 * The whole table (spatial rows incl. beyond × temporal columns incl. beyond) for one assignment of
 * days: the time-close pairs counted, the rest derived from the fixed row and column totals.
 */
function tableOf(plan: KnoxPlan, days: Int32Array, scratch: Int32Array, out: Float64Array): void {
  const columns = plan.options.temporalBands + 1;
  const finiteRows = plan.options.spatialBands + 1;
  const beyond = columns - 1;
  countTimeClose(plan.pairStart, plan.pairCode, days, plan.timeBandOf, columns, scratch);
  for (let c = 0; c < columns; c++) out[finiteRows * columns + c] = plan.pairsPerTemporalBand[c]!;
  for (let s = 0, base = 0; s < finiteRows; s++, base += columns) {
    let close = 0;
    for (let t = 0; t < beyond; t++) {
      const count = scratch[base + t]!;
      out[base + t] = count;
      close += count;
    }
    out[base + beyond] = plan.pairsPerSpatialBand[s]! - close;
    for (let t = 0; t < columns; t++) out[finiteRows * columns + t]! -= out[base + t]!;
  }
}

/**
 * Validates the events and options, finds the close pairs and counts the observed table: everything
 * but the permutations. Throws UsageError on invalid options, too many or too few events.
 */
export function prepareKnox(events: readonly KnoxEvent[], options: KnoxOptions): KnoxPlan {
  validateKnoxOptions(options);
  const n = events.length;
  if (n < 2) throw new UsageError(`the near-repeat test needs at least two incidents with a location and a date, got ${n}`);
  if (n > MAX_EVENTS) throw new UsageError(`the near-repeat test takes at most ${MAX_EVENTS.toLocaleString('en-GB')} incidents, got ${n.toLocaleString('en-GB')}`, 'select fewer incidents (--from/--to, --where)');
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (const e of events) {
    if (!Number.isInteger(e.day)) throw new UsageError(`event days must be whole day numbers, got ${e.day}`);
    if (!Number.isFinite(e.x) || !Number.isFinite(e.y)) throw new UsageError('event locations must be finite coordinates in metres');
    if (e.day < minDay) minDay = e.day;
    if (e.day > maxDay) maxDay = e.day;
  }
  // Day differences are 32-bit integers in the permutation loop.
  if (maxDay - minDay > KNOX_LIMITS.maxDaySpan) throw new UsageError(`the incidents' dates span more than ${KNOX_LIMITS.maxDaySpan.toLocaleString('en-GB')} days`);
  const { spatialBand: b, spatialBands: S, temporalBand: t, temporalBands: T } = options;
  const pairs = findClosePairs(events, b, S, options.distance);
  const days = Int32Array.from(pairs.order, (i) => events[i]!.day - minDay);
  const plan: KnoxPlan = {
    options: { ...options },
    events: n,
    pairStart: pairs.start,
    pairCode: pairs.code,
    closePairs: pairs.count,
    pairsPerSpatialBand: pairs.perBand,
    pairsPerTemporalBand: pairsPerTemporalBand(days, t, T),
    days,
    timeBandOf: temporalLookup(t, T, maxDay - minDay),
    observed: new Float64Array((S + 2) * (T + 1)),
  };
  tableOf(plan, days, new Int32Array((S + 1) * (T + 1)), plan.observed);
  return plan;
}

/** An empty tally for the given plan. */
export function emptyTally(plan: KnoxPlan): KnoxTally {
  return { permutations: 0, simulatedSum: new Float64Array(plan.observed.length), atLeastObserved: new Float64Array(plan.observed.length) };
}

/** Adds `tally` into `into` (cell by cell; exact, the sums are whole numbers). */
export function addTally(into: KnoxTally, tally: KnoxTally): void {
  into.permutations += tally.permutations;
  for (let c = 0; c < into.simulatedSum.length; c++) {
    into.simulatedSum[c]! += tally.simulatedSum[c]!;
    into.atLeastObserved[c]! += tally.atLeastObserved[c]!;
  }
}

/**
 * Runs permutations `from` … `to − 1` (each a shuffle of the original dates by its own stream, see
 * `permutationStream`), so any split of 0 … permutations − 1 over calls adds up to the same tally.
 */
export function simulateKnox(plan: KnoxPlan, from: number, to: number): KnoxTally {
  const tally = emptyTally(plan);
  const { observed } = plan;
  const simulated = new Float64Array(observed.length);
  const scratch = new Int32Array((plan.options.spatialBands + 1) * (plan.options.temporalBands + 1));
  const shuffled = new Int32Array(plan.days.length);
  for (let r = from; r < to; r++) {
    shuffled.set(plan.days);
    shuffleInPlace(shuffled, permutationStream(plan.options.seed, r));
    tableOf(plan, shuffled, scratch, simulated);
    for (let c = 0; c < simulated.length; c++) {
      tally.simulatedSum[c]! += simulated[c]!;
      if (simulated[c]! >= observed[c]!) tally.atLeastObserved[c]!++;
    }
  }
  tally.permutations = Math.max(0, to - from);
  return tally;
}

/** The result table from a plan and the tally of all its permutations. */
export function knoxResultOf(plan: KnoxPlan, tally: KnoxTally): KnoxResult {
  const { options, observed } = plan;
  if (tally.permutations !== options.permutations) throw new Error(`Knox tally covers ${tally.permutations} of ${options.permutations} permutations`);
  const columns = options.temporalBands + 1;
  const cells: KnoxCell[] = [];
  for (let c = 0; c < observed.length; c++) {
    const expected = tally.simulatedSum[c]! / options.permutations;
    cells.push({
      spatialIndex: Math.floor(c / columns),
      temporalIndex: c % columns,
      observed: observed[c]!,
      expected,
      knoxRatio: expected > 0 ? observed[c]! / expected : null,
      pValue: (1 + tally.atLeastObserved[c]!) / (1 + options.permutations),
    });
  }
  return {
    events: plan.events,
    pairs: (plan.events * (plan.events - 1)) / 2,
    closePairs: plan.closePairs,
    options: { ...options },
    spatialBands: spatialBandsOf(options.spatialBand, options.spatialBands),
    temporalBands: temporalBandsOf(options.temporalBand, options.temporalBands),
    cells,
  };
}

/**
 * The Knox near-repeat table, in this thread. Throws UsageError on invalid options or fewer than two
 * events. `knoxTestParallel` (src/analysis/knox-parallel.ts) gives the identical table using every core.
 */
export function knoxTest(events: readonly KnoxEvent[], options: KnoxOptions): KnoxResult {
  const plan = prepareKnox(events, options);
  return knoxResultOf(plan, simulateKnox(plan, 0, options.permutations));
}
