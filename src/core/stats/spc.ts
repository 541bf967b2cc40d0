/**
 * Statistical process control: the XmR chart as NHS England's "Making Data Count" uses it, following
 * the reference implementation NHSRplotthedots (domain.md §4). Pure: series in, chart out.
 *
 * Per segment (the series is split at rebase points): centre = mean; moving ranges |xᵢ − xᵢ₋₁|; their
 * mean (AMR), after screening out moving ranges ≥ 3.267 × AMR and recomputing; limits = mean ± 2.66 ×
 * AMR; "close to a limit" = inside the limits but beyond mean ± (2/3 × 2.66) × AMR.
 * Special-cause rules, in the priority used to label a point:
 *   1. outside the limits;
 *   2. part of a trend of 7 points (6 successive rises or falls; equal values break it);
 *   3. two of three consecutive points close to a limit, all three on the same side of the mean
 *      (only the close points are flagged);
 *   4. part of a run of 7 points on one side of the mean (a point on the mean breaks it).
 * A flagged point is "improvement" or "concern" by the measure's improvement direction; others are
 * "common" cause.
 */

export type ImprovementDirection = 'increase' | 'decrease';
export type SpcRule = 'outside_limits' | 'trend' | 'two_of_three' | 'shift';
export type SpcSignal = 'improvement' | 'concern' | 'common';

export interface SpcOptions {
  /** Violence: down is better (the default). */
  improvement?: ImprovementDirection;
  /** Screen out moving ranges ≥ 3.267 × AMR before the limits (NHSRplotthedots default: on). */
  screening?: boolean;
  /** Indexes at which a new segment (with its own mean and limits) starts. */
  rebaseAt?: readonly number[];
  /** A target, for the assurance verdict of the last segment. */
  target?: number;
}

export interface SpcPoint {
  index: number;
  value: number;
  mean: number;
  lower: number;
  upper: number;
  signal: SpcSignal;
  /** The highest-priority rule that flags the point, or null. */
  rule: SpcRule | null;
}

export type Assurance = 'consistently_pass' | 'consistently_fail' | 'hit_and_miss';

export interface SpcChart {
  points: SpcPoint[];
  /** Against `target`, for the last segment; null without a target. */
  assurance: Assurance | null;
}

const LIMIT_FACTOR = 2.66;
const SCREEN_FACTOR = 3.267;
const RUN_LENGTH = 7;
const TREND_LENGTH = 7;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Segment {
  start: number;
  end: number; // exclusive
  centre: number;
  amr: number;
}

function segmentOf(values: readonly number[], start: number, end: number, screening: boolean): Segment {
  const xs = values.slice(start, end);
  const centre = mean(xs);
  const ranges: number[] = [];
  for (let i = 1; i < xs.length; i++) ranges.push(Math.abs(xs[i]! - xs[i - 1]!));
  let amr = ranges.length > 0 ? mean(ranges) : 0;
  if (screening && ranges.length > 0) {
    const kept = ranges.filter((r) => r < SCREEN_FACTOR * amr);
    if (kept.length > 0) amr = mean(kept);
  }
  return { start, end, centre, amr };
}

export function xmrChart(values: readonly number[], options: SpcOptions = {}): SpcChart {
  const improvement = options.improvement ?? 'decrease';
  const screening = options.screening ?? true;
  const cuts = [...new Set([0, ...(options.rebaseAt ?? []).filter((i) => i > 0 && i < values.length), values.length])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) segments.push(segmentOf(values, cuts[k]!, cuts[k + 1]!, screening));

  // Per point: which rules flag it, and in which direction (+1 high/rising, -1 low/falling).
  const flags: Map<SpcRule, 1 | -1>[] = values.map(() => new Map());
  for (const seg of segments) {
    const upper = seg.centre + LIMIT_FACTOR * seg.amr;
    const lower = seg.centre - LIMIT_FACTOR * seg.amr;
    const closeBand = (2 / 3) * LIMIT_FACTOR * seg.amr;
    const side = (i: number) => Math.sign(values[i]! - seg.centre) as -1 | 0 | 1;
    const close = (i: number) => {
      const v = values[i]!;
      return v <= upper && v >= lower && Math.abs(v - seg.centre) > closeBand;
    };
    for (let i = seg.start; i < seg.end; i++) {
      const v = values[i]!;
      if (v > upper) flags[i]!.set('outside_limits', 1);
      else if (v < lower) flags[i]!.set('outside_limits', -1);
    }
    // Trends: maximal runs of strictly rising (or falling) steps; an equal value ends a run.
    const flagRun = (rule: SpcRule, first: number, last: number, direction: number, minimum: number) => {
      if (direction !== 0 && last - first + 1 >= minimum) for (let j = first; j <= last; j++) flags[j]!.set(rule, direction as 1 | -1);
    };
    let trendStart = seg.start;
    let trendDirection = 0;
    for (let i = seg.start + 1; i < seg.end; i++) {
      const step = Math.sign(values[i]! - values[i - 1]!);
      if (step !== 0 && step === trendDirection) continue;
      flagRun('trend', trendStart, i - 1, trendDirection, TREND_LENGTH);
      trendDirection = step;
      trendStart = step === 0 ? i : i - 1;
    }
    flagRun('trend', trendStart, seg.end - 1, trendDirection, TREND_LENGTH);
    // Two of three close to a limit, all three on one side; only the close points are flagged.
    for (let i = seg.start; i + 2 < seg.end; i++) {
      const s = side(i);
      if (s === 0 || side(i + 1) !== s || side(i + 2) !== s) continue;
      const closeOnes = [i, i + 1, i + 2].filter(close);
      if (closeOnes.length >= 2) for (const j of closeOnes) flags[j]!.set('two_of_three', s);
    }
    // Shifts: runs of 7 or more on one side of the mean; a point on the mean ends a run.
    let shiftStart = seg.start;
    let shiftSide = 0;
    for (let i = seg.start; i < seg.end; i++) {
      const s = side(i);
      if (s !== 0 && s === shiftSide) continue;
      flagRun('shift', shiftStart, i - 1, shiftSide, RUN_LENGTH);
      shiftSide = s;
      shiftStart = i;
    }
    flagRun('shift', shiftStart, seg.end - 1, shiftSide, RUN_LENGTH);
  }

  const priority: SpcRule[] = ['outside_limits', 'trend', 'two_of_three', 'shift'];
  const points = values.map((value, index) => {
    const seg = segments.find((s) => index >= s.start && index < s.end)!;
    const rule = priority.find((r) => flags[index]!.has(r)) ?? null;
    const direction = rule ? flags[index]!.get(rule)! : 0;
    const better = improvement === 'decrease' ? -1 : 1;
    const signal: SpcSignal = rule === null ? 'common' : direction === better ? 'improvement' : 'concern';
    return { index, value, mean: seg.centre, lower: seg.centre - LIMIT_FACTOR * seg.amr, upper: seg.centre + LIMIT_FACTOR * seg.amr, signal, rule };
  });

  let assurance: Assurance | null = null;
  const last = segments.at(-1);
  if (options.target !== undefined && last) {
    const lower = last.centre - LIMIT_FACTOR * last.amr;
    const upper = last.centre + LIMIT_FACTOR * last.amr;
    // Only a target strictly beyond a limit leaves the process wholly on one side of it; a target on a
    // limit is still hit and miss (as NHSRplotthedots' ptd_calculate_assurance_type).
    if (options.target > upper) assurance = improvement === 'decrease' ? 'consistently_pass' : 'consistently_fail';
    else if (options.target < lower) assurance = improvement === 'decrease' ? 'consistently_fail' : 'consistently_pass';
    else assurance = 'hit_and_miss';
  }
  return { points, assurance };
}
