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
 * The pairs closer than the largest finite band are found once with a spatial index and kept in typed
 * arrays (compressed rows: for each event, its later neighbours and their band); each permutation only
 * recounts those pairs' time bands. The "beyond" spatial row needs no pairs at all: permuting dates does
 * not change the multiset of dates, so the number of pairs in each time band over all pairs is the same
 * in every permutation, and "beyond" is that total minus the finite rows.
 */
import Flatbush from 'flatbush';
import { UsageError } from '../errors.js';
import { createRng, shuffleInPlace } from './rng.js';

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
export const KNOX_LIMITS = { maxBands: 100, maxPermutations: 99_999, maxClosePairs: 60_000_000 } as const;

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

/**
 * Pairs i < j within the largest finite band, as compressed rows grouped by spatial band: the
 * neighbours of event i in band s are neighbour[segment[i·B + s] … segment[i·B + s + 1]), B = S + 1.
 * Grouping by band lets the permutation loop add to one row of counts without reading a band per pair.
 */
interface ClosePairs {
  segment: Int32Array;
  neighbour: Int32Array;
  /** Number of pairs in each finite spatial band (fixed under the null). */
  perBand: Float64Array;
  count: number;
}

function findClosePairs(events: readonly KnoxEvent[], b: number, bands: number, metric: DistanceMetric): ClosePairs {
  const n = events.length;
  const rowBands = bands + 1;
  const radius = b * bands;
  const index = new Flatbush(n);
  for (const e of events) index.add(e.x, e.y, e.x, e.y);
  index.finish();

  const segment = new Int32Array(n * rowBands + 1);
  let neighbour = new Int32Array(Math.max(1024, n * 8));
  let count = 0;
  const perBand = new Int32Array(rowBands);
  let candidates = new Int32Array(1024);
  let bandOf = new Uint8Array(1024);
  for (let i = 0; i < n; i++) {
    const { x, y } = events[i]!;
    const found = index.search(x - radius, y - radius, x + radius, y + radius);
    if (candidates.length < found.length) {
      candidates = new Int32Array(found.length * 2);
      bandOf = new Uint8Array(found.length * 2);
    }
    let m = 0;
    for (const j of found) if (j > i) candidates[m++] = j;
    // Ascending j (typed-array sort is numeric): better memory locality in the permutation loop.
    const later = candidates.subarray(0, m).sort();
    perBand.fill(0);
    let kept = 0;
    for (let k = 0; k < m; k++) {
      const j = later[k]!;
      const dx = Math.abs(events[j]!.x - x);
      const dy = Math.abs(events[j]!.y - y);
      const d = metric === 'euclidean' ? Math.sqrt(dx * dx + dy * dy) : dx + dy;
      if (d > radius) {
        bandOf[k] = 255;
        continue;
      }
      const band = d === 0 ? 0 : Math.min(bands, Math.ceil(d / b));
      bandOf[k] = band;
      perBand[band]!++;
      kept++;
    }
    if (count + kept > neighbour.length) {
      if (count + kept > KNOX_LIMITS.maxClosePairs) {
        throw new UsageError(
          `more than ${KNOX_LIMITS.maxClosePairs.toLocaleString('en-GB')} pairs of incidents lie within ${metres(radius)} m of each other: too many for the permutation test`,
          'select fewer incidents (--from/--to, --where) or use fewer or narrower spatial bands',
        );
      }
      const grown = new Int32Array(Math.min(Math.max(neighbour.length * 2, count + kept), KNOX_LIMITS.maxClosePairs));
      grown.set(neighbour.subarray(0, count));
      neighbour = grown;
    }
    // Counting sort of this event's neighbours by band.
    const next = new Int32Array(rowBands);
    let offset = count;
    for (let s = 0; s < rowBands; s++) {
      segment[i * rowBands + s] = offset;
      next[s] = offset;
      offset += perBand[s]!;
    }
    for (let k = 0; k < m; k++) {
      const band = bandOf[k]!;
      if (band !== 255) neighbour[next[band]!++] = later[k]!;
    }
    count += kept;
  }
  segment[n * rowBands] = count;
  const pairsPerBand = new Float64Array(rowBands);
  for (let i = 0; i < n; i++) for (let s = 0; s < rowBands; s++) pairsPerBand[s]! += segment[i * rowBands + s + 1]! - segment[i * rowBands + s]!;
  return { segment, neighbour, perBand: pairsPerBand, count };
}

/**
 * Temporal band of every signed day difference −span…span, at index difference + span, so the
 * permutation loop needs no absolute value.
 */
function temporalLookup(span: number, t: number, bands: number): Uint8Array {
  const lookup = new Uint8Array(2 * span + 1);
  for (let delta = 0; delta <= span; delta++) {
    const band = delta <= t ? 0 : Math.min(bands, Math.ceil(delta / t) - 1);
    lookup[span + delta] = band;
    lookup[span - delta] = band;
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
 * Counts the close pairs of each (spatial band, temporal band) for the given day of each event (days
 * offset so that 0 ≤ day ≤ span) into `into` (rows of `columns`). The hot loop of the test, tuned:
 * - only pairs close in time are counted; "beyond" in time is the band's fixed number of pairs minus
 *   the others (most pairs are beyond, so most iterations are one table read);
 * - two pairs per iteration, counted into two copies of the table (`scratch`), so consecutive
 *   increments of the same cell do not wait on each other.
 */
function countClose(pairs: ClosePairs, days: Int32Array, lookup: Uint8Array, span: number, rowBands: number, columns: number, scratch: Int32Array, into: Int32Array): void {
  scratch.fill(0);
  const { segment, neighbour, perBand } = pairs;
  const beyond = columns - 1;
  const second = rowBands * columns;
  const n = days.length;
  let seg = 0;
  for (let i = 0; i < n; i++) {
    const di = days[i]! + span;
    for (let s = 0, base = 0; s < rowBands; s++, seg++, base += columns) {
      const end = segment[seg + 1]!;
      let p = segment[seg]!;
      for (; p + 1 < end; p += 2) {
        const a = lookup[di - days[neighbour[p]!]!]!;
        const b = lookup[di - days[neighbour[p + 1]!]!]!;
        if (a !== beyond) scratch[base + a]!++;
        if (b !== beyond) scratch[second + base + b]!++;
      }
      if (p < end) {
        const a = lookup[di - days[neighbour[p]!]!]!;
        if (a !== beyond) scratch[base + a]!++;
      }
    }
  }
  for (let s = 0, base = 0; s < rowBands; s++, base += columns) {
    let close = 0;
    for (let t = 0; t < beyond; t++) {
      into[base + t] = scratch[base + t]! + scratch[second + base + t]!;
      close += into[base + t]!;
    }
    into[base + beyond] = perBand[s]! - close;
  }
}

/** The Knox near-repeat table. Throws UsageError on invalid options or fewer than two events. */
export function knoxTest(events: readonly KnoxEvent[], options: KnoxOptions): KnoxResult {
  validateKnoxOptions(options);
  const n = events.length;
  if (n < 2) throw new UsageError(`the near-repeat test needs at least two incidents with a location and a date, got ${n}`);
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (const e of events) {
    if (!Number.isInteger(e.day)) throw new UsageError(`event days must be whole day numbers, got ${e.day}`);
    if (!Number.isFinite(e.x) || !Number.isFinite(e.y)) throw new UsageError('event locations must be finite coordinates in metres');
    if (e.day < minDay) minDay = e.day;
    if (e.day > maxDay) maxDay = e.day;
  }
  const { spatialBand: b, spatialBands: S, temporalBand: t, temporalBands: T } = options;
  const columns = T + 1;
  const finiteCells = (S + 1) * columns;

  const pairs = findClosePairs(events, b, S, options.distance);
  const span = maxDay - minDay;
  const lookup = temporalLookup(span, t, T);
  const days = Int32Array.from(events, (e) => e.day - minDay);
  const totalPerTemporalBand = pairsPerTemporalBand(days, t, T);

  // Observed, and the complete table (finite rows + the beyond row) for a count of the finite rows.
  const fullTable = (finite: Int32Array, out: Float64Array) => {
    out.set(finite);
    for (let c = 0; c < columns; c++) {
      let close = 0;
      for (let s = 0; s <= S; s++) close += finite[s * columns + c]!;
      out[finiteCells + c] = totalPerTemporalBand[c]! - close;
    }
  };
  const finite = new Int32Array(finiteCells);
  const scratch = new Int32Array(2 * finiteCells);
  const observed = new Float64Array(finiteCells + columns);
  countClose(pairs, days, lookup, span, S + 1, columns, scratch, finite);
  fullTable(finite, observed);

  const simulatedSum = new Float64Array(observed.length);
  const atLeastObserved = new Float64Array(observed.length);
  const simulated = new Float64Array(observed.length);
  const rng = createRng(options.seed);
  const shuffled = Int32Array.from(days);
  for (let r = 0; r < options.permutations; r++) {
    shuffleInPlace(shuffled, rng);
    countClose(pairs, shuffled, lookup, span, S + 1, columns, scratch, finite);
    fullTable(finite, simulated);
    for (let c = 0; c < simulated.length; c++) {
      simulatedSum[c]! += simulated[c]!;
      if (simulated[c]! >= observed[c]!) atLeastObserved[c]!++;
    }
  }

  const cells: KnoxCell[] = [];
  for (let c = 0; c < observed.length; c++) {
    const expected = simulatedSum[c]! / options.permutations;
    cells.push({
      spatialIndex: Math.floor(c / columns),
      temporalIndex: c % columns,
      observed: observed[c]!,
      expected,
      knoxRatio: expected > 0 ? observed[c]! / expected : null,
      pValue: (1 + atLeastObserved[c]!) / (1 + options.permutations),
    });
  }
  return {
    events: n,
    pairs: (n * (n - 1)) / 2,
    closePairs: pairs.count,
    options: { ...options },
    spatialBands: spatialBandsOf(b, S),
    temporalBands: temporalBandsOf(t, T),
    cells,
  };
}
