/**
 * Journey to crime: how far offenders travel from home to offend. An offender's home is known only as
 * an area (the home LSOA recorded on the incident), so the distance is measured from that LSOA's
 * centroid (area-weighted, in British National Grid metres) to the offence location, in a straight
 * line. For offenders who live in a small urban LSOA that is within a few hundred metres of the truth;
 * in a large rural LSOA it can be kilometres out, so the output also gives the plain share of offenders
 * offending in their own LSOA and local authority district (LAD), which needs no distance at all.
 */
import { UsageError } from '../errors.js';
import type { PlanarPoint } from './nni.js';

/** One offender in one incident. Nulls where something is not known. */
export interface Journey {
  /** Centroid of the home LSOA (BNG metres); null when no home area is recorded or it has no boundary. */
  home: PlanarPoint | null;
  /** Offence location (BNG metres); null when the incident has no coordinates. */
  offence: PlanarPoint | null;
  homeLsoa: string | null;
  offenceLsoa: string | null;
  homeLad: string | null;
  offenceLad: string | null;
}

export interface JourneyOptions {
  /** Width of each distance band, whole metres. */
  band: number;
  /** Number of distance bands before "beyond". */
  bands: number;
}

export const JOURNEY_DEFAULTS: JourneyOptions = { band: 1000, bands: 10 };

export interface JourneyBand {
  label: string;
  /** Distances d with fromM < d ≤ toM (band 1 includes 0); "beyond" has toM null. */
  fromM: number;
  toM: number | null;
  offenders: number;
  /** Share of the offenders with a distance. */
  share: number;
  cumulativeShare: number;
}

export interface ShareOf {
  count: number;
  /** Offenders for whom both areas are known (the denominator). */
  of: number;
  share: number | null;
}

export interface JourneySummary {
  /** Offenders selected (one per incident they are a suspect in). */
  offenders: number;
  withDistance: number;
  withoutHomeArea: number;
  /** Home area recorded but not among the loaded LSOA boundaries (e.g. outside the area, or 2021 codes on 2011 boundaries). */
  homeAreaNotLocated: number;
  /** Home located, but the offence has no coordinates. */
  offenceNotLocated: number;
  /** Quantiles of the distance (R type 7, linear interpolation), metres; null without distances. */
  medianM: number | null;
  lowerQuartileM: number | null;
  upperQuartileM: number | null;
  meanM: number | null;
  sameLsoa: ShareOf;
  sameLad: ShareOf;
  bands: JourneyBand[];
}

/** The q-quantile of ascending `sorted` by linear interpolation (R's default, type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function journeyBandsOf(band: number, bands: number): Omit<JourneyBand, 'offenders' | 'share' | 'cumulativeShare'>[] {
  const out: Omit<JourneyBand, 'offenders' | 'share' | 'cumulativeShare'>[] = [];
  for (let k = 1; k <= bands; k++) out.push({ label: `${k === 1 ? 0 : (k - 1) * band + 1}-${k * band} m`, fromM: (k - 1) * band, toM: k * band });
  out.push({ label: `beyond ${bands * band} m`, fromM: bands * band, toM: null });
  return out;
}

export function summariseJourneys(journeys: readonly Journey[], options: JourneyOptions = JOURNEY_DEFAULTS): JourneySummary {
  const { band, bands } = options;
  if (!Number.isInteger(band) || band < 1 || band > 1_000_000) throw new UsageError(`the distance band must be a whole number of metres from 1 to 1,000,000, got ${band}`);
  if (!Number.isInteger(bands) || bands < 1 || bands > 1000) throw new UsageError(`the number of distance bands must be a whole number from 1 to 1,000, got ${bands}`);

  const distances: number[] = [];
  let withoutHomeArea = 0;
  let homeAreaNotLocated = 0;
  let offenceNotLocated = 0;
  const sameLsoa = { count: 0, of: 0 };
  const sameLad = { count: 0, of: 0 };
  for (const j of journeys) {
    if (j.home && j.offence) distances.push(Math.hypot(j.offence.x - j.home.x, j.offence.y - j.home.y));
    else if (j.homeLsoa === null) withoutHomeArea++;
    else if (!j.home) homeAreaNotLocated++;
    else offenceNotLocated++;
    if (j.homeLsoa !== null && j.offenceLsoa !== null) {
      sameLsoa.of++;
      if (j.homeLsoa === j.offenceLsoa) sameLsoa.count++;
    }
    if (j.homeLad !== null && j.offenceLad !== null) {
      sameLad.of++;
      if (j.homeLad === j.offenceLad) sameLad.count++;
    }
  }

  const sorted = Float64Array.from(distances).sort();
  const counts = new Array<number>(bands + 1).fill(0);
  for (const d of sorted) counts[d === 0 ? 0 : Math.min(bands, Math.ceil(d / band) - 1)]!++;
  let cumulative = 0;
  const total = sorted.length;
  const bandRows = journeyBandsOf(band, bands).map((b, i) => {
    cumulative += counts[i]!;
    return { ...b, offenders: counts[i]!, share: total ? counts[i]! / total : 0, cumulativeShare: total ? cumulative / total : 0 };
  });
  const share = (s: { count: number; of: number }): ShareOf => ({ ...s, share: s.of ? s.count / s.of : null });
  return {
    offenders: journeys.length,
    withDistance: total,
    withoutHomeArea,
    homeAreaNotLocated,
    offenceNotLocated,
    medianM: quantileSorted(sorted, 0.5),
    lowerQuartileM: quantileSorted(sorted, 0.25),
    upperQuartileM: quantileSorted(sorted, 0.75),
    meanM: total ? sorted.reduce((a, b) => a + b, 0) / total : null,
    sameLsoa: share(sameLsoa),
    sameLad: share(sameLad),
    bands: bandRows,
  };
}
