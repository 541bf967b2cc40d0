/**
 * Statistical disclosure control rules for counts shown to people who may not see record-level data
 * (viewers, the public, packs for external circulation). Pure: no I/O.
 *
 * The conventions are OpenSAFELY's output checking defaults and the HES sub-national rule (see
 * docs/adr/0005-access-control-and-disclosure.md): counts 1–7 are shown as `*` (0 stays 0), other counts
 * are rounded to the nearest 5, rates are not shown for counts below 10, and averages or percentages
 * about fewer than 8 people are hidden.
 */
import { SvoError } from '../errors.js';

/** Counts from 1 to this are suppressed (primary suppression). */
export const SMALL_COUNT_MAX = 7;
/** Published counts are rounded to a multiple of this. */
export const ROUNDING_BASE = 5;
/** Rates are hidden when the count they are made from is below this. */
export const MIN_COUNT_FOR_RATE = 10;
/** Averages and percentages about fewer people than this are hidden. */
export const MIN_PEOPLE_FOR_AVERAGE = SMALL_COUNT_MAX + 1;
/** What a suppressed count is shown as. */
export const SUPPRESSED = '*';

export type DisclosedCount = number | typeof SUPPRESSED;

/** Why a cell shows what it shows. `secondary`: suppressed so that a `primary` one cannot be recovered. */
export type CellStatus = 'zero' | 'published' | 'primary' | 'secondary';

/** A table cannot be shown to this audience without revealing a small number. */
export class DisclosureRefusedError extends SvoError {
  constructor(message: string, hint?: string) {
    super(message, 4, hint);
  }
}

/** Nearest multiple of the rounding base, halves rounded up (8 → 10, 12 → 10, 13 → 15). */
export function roundToBase(n: number, base = ROUNDING_BASE): number {
  return Math.floor((n + base / 2) / base) * base;
}

/** Primary suppression and rounding of one count, and its status. */
export function primaryStatus(n: number): CellStatus {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`a count must be a whole number ≥ 0, got ${n}`);
  if (n === 0) return 'zero';
  return n <= SMALL_COUNT_MAX ? 'primary' : 'published';
}

/** What a count with a given status is shown as. */
export function shownCount(n: number, status: CellStatus): DisclosedCount {
  if (status === 'zero') return 0;
  if (status === 'published') return roundToBase(n);
  return SUPPRESSED;
}

/** A single count on its own (no table around it): 0, `*` or rounded. */
export function disclosedCount(n: number): DisclosedCount {
  return shownCount(n, primaryStatus(n));
}

/**
 * What a viewer can infer about a cell's true value from what is shown, as an inclusive interval.
 * Both kinds of suppression show as `*`: a viewer who knows the rules knows a `*` is at least 1 and,
 * for the small count being protected, assumes the worst (that the viewer knows it is 1–7). A
 * secondary `*` only says "at least 1"; its value is bounded by the totals it belongs to.
 */
export function knownInterval(status: CellStatus, shown: DisclosedCount): [number, number] {
  switch (status) {
    case 'zero':
      return [0, 0];
    case 'primary':
      return [1, SMALL_COUNT_MAX];
    case 'secondary':
      return [1, Number.POSITIVE_INFINITY];
    case 'published': {
      const r = Number(shown);
      return [Math.max(SMALL_COUNT_MAX + 1, r - Math.floor(ROUNDING_BASE / 2)), r + Math.floor(ROUNDING_BASE / 2)];
    }
  }
}

/**
 * A rate shown to a disclosure-controlled audience: hidden (null) when the count is below 10 or not
 * shown, otherwise recomputed from the rounded count, so that count = rate × population / per cannot
 * give the exact count back.
 */
export function disclosedRate(
  count: number,
  shown: DisclosedCount,
  population: number | null,
  per: number,
): number | null {
  if (count < MIN_COUNT_FOR_RATE || typeof shown !== 'number' || population === null || population <= 0) return null;
  return (shown / population) * per;
}

/** An average or percentage about `people` people: hidden (null) for fewer than 8. */
export function disclosedAverage(people: number, value: number | null): number | null {
  return people < MIN_PEOPLE_FOR_AVERAGE ? null : value;
}
