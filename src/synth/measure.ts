/**
 * Measures the planted patterns in generated incidents, the way an analyst would from an extract:
 * counts of in-definition serious violence by day, hour, zone, IMD decile, age band and year, divided
 * by the area's population where the pattern is a rate. Pure; the classification is passed in so the
 * numbers come from the real definition rules rather than from the generator's own knowledge.
 *
 * The integration test recovers the same quantities with SQL on the store's tables.
 */
import { AGE_COUNT, type SynthArea } from './area.js';
import type { SynthIncident } from './police.js';

/** What the definition says about one incident (a subset of core/classify's Classification). */
export interface IncidentClass {
  inDefinition: boolean;
  svCategory: string | null;
  knifeEnabled: boolean;
  offenderU25: boolean;
}

export interface ObservedPatterns {
  incidents: number;
  inDefinition: number;
  /** Mean daily count, Saturday+Sunday ÷ Monday–Friday. */
  weekendToWeekdayDailyRatio: number;
  /** Weekday (Mon–Fri) counts by hour 0–23. */
  weekdayHours: number[];
  weekdayPeakHour: number;
  weekdayPeakToNextHourRatio: number;
  /** Rate per 1,000 residents over the whole period. */
  areaRate: number;
  /** Zone code → rate ÷ area rate, for the planted hotspots. */
  hotspotRatios: Record<string, number>;
  /** The zones with the highest rates, as many as there are hotspots. */
  topZones: string[];
  /** Rate per 1,000 residents by IMD decile (index 1–10). */
  decileRates: number[];
  deprivationRatio: number;
  /** Victim rate per 1,000 residents by five-year band, keyed '0-4' … '85+'. */
  victimBandRates: Record<string, number>;
  victimPeakBand: string;
  victim15to19To20to24Ratio: number;
  victimMaleShare15to19: number;
  /** All incidents: distinct victims in two or more incidents ÷ distinct victims. */
  repeatVictimShare: number;
  /** In-definition robbery with an offender under 25, by calendar year. */
  robberyU25ByYear: Record<string, number>;
  /** Geometric mean year-on-year growth, first to last year. */
  robberyU25AnnualGrowth: number;
  u25SuspectRateRatio: number;
  knifeEnabledShare: number;
}

export function bandOf(age: number): string {
  if (age >= 85) return '85+';
  const lo = Math.floor(age / 5) * 5;
  return `${lo}-${lo + 4}`;
}

/** ISO day of week (Monday = 1) of a 'YYYY-MM-DD…' text, independent of the local time zone. */
function isoDow(dateText: string): number {
  const d = new Date(`${dateText.slice(0, 10)}T00:00:00Z`);
  return ((d.getUTCDay() + 6) % 7) + 1;
}

export function measurePatterns(
  area: SynthArea,
  incidents: Iterable<SynthIncident>,
  classify: (incident: SynthIncident) => IncidentClass,
  period: { start: string; end: string },
): ObservedPatterns {
  const zoneIndex = new Map(area.zones.map((z) => [z.code, z]));
  const popByAge = new Array<number>(AGE_COUNT).fill(0);
  for (const z of area.zones) z.populationByAge.forEach((n, a) => (popByAge[a]! += n));
  const bandPop: Record<string, number> = {};
  popByAge.forEach((n, a) => (bandPop[bandOf(a)] = (bandPop[bandOf(a)] ?? 0) + n));
  const pop10to24 = popByAge.slice(10, 25).reduce((s, n) => s + n, 0);
  const pop25plus = popByAge.slice(25).reduce((s, n) => s + n, 0);

  // Days of each weekday in the period.
  const daysOfDow = new Array<number>(8).fill(0);
  for (let t = Date.parse(`${period.start}T00:00:00Z`); t <= Date.parse(`${period.end}T00:00:00Z`); t += 86_400_000) {
    daysOfDow[((new Date(t).getUTCDay() + 6) % 7) + 1]! += 1;
  }

  let total = 0;
  let inDef = 0;
  let knife = 0;
  const byDow = new Array<number>(8).fill(0);
  const weekdayHours = new Array<number>(24).fill(0);
  const byZone = new Map<string, number>();
  const victimBands: Record<string, number> = {};
  let victims1519 = 0;
  let males1519 = 0;
  let suspectsU25 = 0;
  let suspects25 = 0;
  const robberyByYear: Record<string, number> = {};
  const victimIncidents = new Map<string, number>();

  for (const inc of incidents) {
    total++;
    for (const v of inc.victims) victimIncidents.set(v.id, (victimIncidents.get(v.id) ?? 0) + 1);
    const c = classify(inc);
    if (!c.inDefinition) continue;
    inDef++;
    if (c.knifeEnabled) knife++;
    const dow = isoDow(inc.occurredFrom);
    byDow[dow]! += 1;
    if (dow <= 5) weekdayHours[Number(inc.occurredFrom.slice(11, 13))]! += 1;
    byZone.set(inc.lsoaCode, (byZone.get(inc.lsoaCode) ?? 0) + 1);
    for (const v of inc.victims) {
      if (v.age === null) continue;
      const band = bandOf(v.age);
      victimBands[band] = (victimBands[band] ?? 0) + 1;
      if (band === '15-19' && v.sex !== '') {
        victims1519++;
        if (v.sex === 'M') males1519++;
      }
    }
    for (const s of inc.suspects) {
      if (s.age === null || s.age < 10) continue;
      if (s.age < 25) suspectsU25++;
      else suspects25++;
    }
    if (c.svCategory === 'robbery' && c.offenderU25) {
      const year = inc.occurredFrom.slice(0, 4);
      robberyByYear[year] = (robberyByYear[year] ?? 0) + 1;
    }
  }

  const dailyMean = (dows: number[]) => dows.reduce((s, d) => s + byDow[d]!, 0) / dows.reduce((s, d) => s + daysOfDow[d]!, 0);
  const sortedHours = weekdayHours.map((n, h) => ({ n, h })).sort((a, b) => b.n - a.n || a.h - b.h);
  const areaRate = (inDef / area.population) * 1000;
  const zoneRate = (code: string) => ((byZone.get(code) ?? 0) / zoneIndex.get(code)!.population) * 1000;
  const hotspotRatios: Record<string, number> = {};
  for (const code of area.hotspotCodes) hotspotRatios[code] = zoneRate(code) / areaRate;
  const topZones = area.zones
    .map((z) => ({ code: z.code, rate: zoneRate(z.code) }))
    .sort((a, b) => b.rate - a.rate || (a.code < b.code ? -1 : 1))
    .slice(0, area.hotspotCodes.length)
    .map((z) => z.code);
  const decileCount = new Array<number>(11).fill(0);
  const decilePop = new Array<number>(11).fill(0);
  for (const z of area.zones) {
    decileCount[z.imdDecile]! += byZone.get(z.code) ?? 0;
    decilePop[z.imdDecile]! += z.population;
  }
  const decileRates = decileCount.map((n, k) => (decilePop[k]! > 0 ? (n / decilePop[k]!) * 1000 : 0));
  const victimBandRates: Record<string, number> = {};
  for (const band of Object.keys(bandPop)) victimBandRates[band] = ((victimBands[band] ?? 0) / bandPop[band]!) * 1000;
  const peakBand = Object.entries(victimBandRates).sort((a, b) => b[1] - a[1])[0]![0];
  const years = Object.keys(robberyByYear).sort();
  const first = robberyByYear[years[0] ?? ''] ?? 0;
  const last = robberyByYear[years[years.length - 1] ?? ''] ?? 0;
  let repeated = 0;
  for (const n of victimIncidents.values()) if (n >= 2) repeated++;

  return {
    incidents: total,
    inDefinition: inDef,
    weekendToWeekdayDailyRatio: dailyMean([6, 7]) / dailyMean([1, 2, 3, 4, 5]),
    weekdayHours,
    weekdayPeakHour: sortedHours[0]!.h,
    weekdayPeakToNextHourRatio: sortedHours[0]!.n / Math.max(1, sortedHours[1]!.n),
    areaRate,
    hotspotRatios,
    topZones,
    decileRates,
    deprivationRatio: decileRates[1]! / decileRates[10]!,
    victimBandRates,
    victimPeakBand: peakBand,
    victim15to19To20to24Ratio: victimBandRates['15-19']! / victimBandRates['20-24']!,
    victimMaleShare15to19: males1519 / victims1519,
    repeatVictimShare: repeated / victimIncidents.size,
    robberyU25ByYear: robberyByYear,
    robberyU25AnnualGrowth: years.length > 1 && first > 0 ? (last / first) ** (1 / (years.length - 1)) : NaN,
    u25SuspectRateRatio: suspectsU25 / pop10to24 / (suspects25 / pop25plus),
    knifeEnabledShare: knife / inDef,
  };
}
