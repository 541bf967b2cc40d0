/**
 * Key findings of the Strategic Needs Assessment data pack as sentences with their numbers. Pure: the
 * SNA builder (sna.ts) gathers the figures through the analysis layer and passes them here; this
 * module decides what a figure says, never overstating (a change or a difference whose 95% interval
 * includes none is called not statistically significant) and, for packs leaving the partnership,
 * through disclosure control: counts 1–7 as `*`, other counts rounded to 5, percentages and rates
 * computed from rounded counts and hidden when they are about fewer than 8 people (or, for rates and
 * ratios, made from fewer than 10 records).
 */
import { disclosedCount, MIN_COUNT_FOR_RATE, MIN_PEOPLE_FOR_AVERAGE } from '../../core/disclosure/rules.js';
import { describeChange, rateRatio, type RateRatio } from '../../core/stats/compare.js';

export interface Finding {
  /** Stable id (HTML anchor, XLSX row). */
  id: string;
  /** What the finding is about, as a short heading. */
  topic: string;
  /** False when the loaded source cannot supply it: the sentence then says why. */
  available: boolean;
  sentence: string;
  /** The headline number for a key-figure tile, when there is one. */
  value?: string;
}

/** How numbers are written: exactly (internal packs) or through disclosure control. */
export interface NumberStyle {
  disclose: boolean;
}

const SUPPRESSED_NOTE = 'suppressed: too few records to publish';

/** A count as published: exact, or `*` / rounded to 5 under disclosure control. */
export function showCount(n: number, style: NumberStyle): string {
  if (!style.disclose) return n.toLocaleString('en-GB');
  const shown = disclosedCount(n);
  return typeof shown === 'number' ? shown.toLocaleString('en-GB') : shown;
}

/** The count a reader may work with: the rounded one under disclosure control, null when hidden. */
function publishedCount(n: number, style: NumberStyle): number | null {
  if (!style.disclose) return n;
  const shown = disclosedCount(n);
  return typeof shown === 'number' ? shown : null;
}

/** A share as a percentage (one decimal under 10%); null when disclosure control hides it. */
export function sharePercent(part: number, whole: number, style: NumberStyle): string | null {
  if (whole <= 0) return null;
  let p = part;
  let w = whole;
  if (style.disclose) {
    if (whole < MIN_PEOPLE_FOR_AVERAGE || (part > 0 && part < MIN_PEOPLE_FOR_AVERAGE)) return null;
    p = publishedCount(part, style) ?? 0;
    w = publishedCount(whole, style) ?? 0;
    if (w <= 0) return null;
  }
  const v = (100 * p) / w;
  return `${v < 9.95 ? v.toFixed(1) : v.toFixed(0)}%`;
}

/** A rate per `per` residents; under disclosure control from the rounded count, hidden below 10 records. */
export function showRate(count: number, population: number, per: number, style: NumberStyle): string | null {
  if (!(population > 0)) return null;
  let c = count;
  if (style.disclose) {
    if (count < MIN_COUNT_FOR_RATE) return null;
    c = publishedCount(count, style) ?? 0;
  }
  const rate = (c / population) * per;
  return `${rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2)} per ${per.toLocaleString('en-GB')}`;
}

const fixed = (x: number, digits = 2) => x.toFixed(digits);

/**
 * Rate ratio of two counts over their exposures; under disclosure control from the rounded counts, so
 * that the ratio cannot be turned back into exact counts.
 */
export function publishedRatio(a: { count: number; exposure: number }, b: { count: number; exposure: number }, style: NumberStyle): RateRatio {
  const c = (n: number) => (style.disclose ? (publishedCount(n, style) ?? 0) : n);
  return rateRatio({ count: c(a.count), exposure: a.exposure }, { count: c(b.count), exposure: b.exposure });
}

/** "1.91 (95% CI 1.70–2.15)", or null when the ratio is undefined or hidden. */
export function showRatio(rr: RateRatio, counts: readonly number[], style: NumberStyle): string | null {
  if (rr.ratio === null || rr.lower === null || rr.upper === null) return null;
  if (style.disclose && counts.some((c) => c < MIN_COUNT_FOR_RATE)) return null;
  return `${fixed(rr.ratio)} (95% CI ${fixed(rr.lower)}–${fixed(rr.upper)})`;
}

/** Whether a ratio's interval excludes 1. */
function significance(rr: RateRatio): 'higher' | 'lower' | 'not significant' {
  if (rr.lower !== null && rr.lower > 1) return 'higher';
  if (rr.upper !== null && rr.upper < 1) return 'lower';
  return 'not significant';
}

export function notAvailable(id: string, topic: string, reason: string): Finding {
  return { id, topic, available: false, sentence: `Not available from this source: ${reason}.` };
}

// -------------------------------------------------------------------------------------------------
// Under-25s against 25 and over
// -------------------------------------------------------------------------------------------------

export interface GroupCount {
  count: number;
  population: number;
}

/** Offenders of serious violence per resident: the younger ages (e.g. 10–24) against 25 and over. */
export function youngerOffenderRateFinding(young: GroupCount & { label: string }, older: GroupCount & { label: string }, per: number, style: NumberStyle): Finding {
  const id = 'u25_offender_rate_ratio';
  const topic = `Offending rate, ${young.label} vs ${older.label}`;
  if (!(young.population > 0) || !(older.population > 0)) return notAvailable(id, topic, 'no population by single year of age is loaded');
  const rr = publishedRatio({ count: young.count, exposure: young.population }, { count: older.count, exposure: older.population }, style);
  const ratio = showRatio(rr, [young.count, older.count], style);
  const youngRate = showRate(young.count, young.population, per, style);
  const olderRate = showRate(older.count, older.population, per, style);
  if (ratio === null || youngRate === null || olderRate === null) {
    return { id, topic, available: true, sentence: `Too few identified offenders to compare the rates of people aged ${young.label} and ${older.label} (${SUPPRESSED_NOTE}).` };
  }
  const verdict = significance(rr);
  const how =
    verdict === 'higher'
      ? `${fixed(rr.ratio!, 1)} times the rate of people aged ${older.label}`
      : verdict === 'lower'
        ? `lower than the rate of people aged ${older.label}`
        : `not statistically different from the rate of people aged ${older.label}`;
  return {
    id,
    topic,
    available: true,
    value: `${fixed(rr.ratio!, 1)}×`,
    sentence:
      `Identified offenders of serious violence aged ${young.label} were recorded at ${youngRate} residents of that age ` +
      `(${showCount(young.count, style)} offenders) against ${olderRate} aged ${older.label} (${showCount(older.count, style)}): ` +
      `${how}, rate ratio ${ratio}.`,
  };
}

/** Of identified offenders with a known age, the share under 25. */
export function youngerOffenderShareFinding(young: number, known: number, unknownAge: number, style: NumberStyle): Finding {
  const id = 'u25_offender_share';
  const topic = 'Offenders under 25';
  const share = sharePercent(young, known, style);
  if (share === null) return { id, topic, available: true, sentence: `Too few identified offenders with a known age to give the share under 25 (${SUPPRESSED_NOTE}).` };
  return {
    id,
    topic,
    available: true,
    value: share,
    sentence:
      `${share} of identified offenders of serious violence with a known age were under 25 (${showCount(young, style)} of ${showCount(known, style)}; ` +
      `${showCount(unknownAge, style)} more had no recorded age).`,
  };
}

/** Of serious-violence offences (definition codes, not domestic) by under-25 offenders, the share in a public place. */
export function youngerPublicPlaceFinding(publicPlace: number, privatePlace: number, unknownPlace: number, style: NumberStyle): Finding {
  const id = 'u25_public_place_share';
  const topic = 'Public places, offenders under 25';
  const known = publicPlace + privatePlace;
  const share = sharePercent(publicPlace, known, style);
  if (share === null) return { id, topic, available: true, sentence: `Too few offences by under-25 offenders with a known kind of place to give the public-place share (${SUPPRESSED_NOTE}).` };
  return {
    id,
    topic,
    available: true,
    value: share,
    sentence:
      `${share} of under-25 offenders of serious-violence offence types (outside domestic settings) offended in a public place ` +
      `(${showCount(publicPlace, style)} of ${showCount(known, style)} whose place is known; ${showCount(unknownPlace, style)} more at a place that could not be classed).`,
  };
}

// -------------------------------------------------------------------------------------------------
// Knives, trends
// -------------------------------------------------------------------------------------------------

export interface AreaShare {
  code: string;
  name: string;
  count: number;
}

/** Knife-enabled share of serious violence, and the area holding most of it. */
export function knifeFinding(knife: number, total: number, areas: readonly AreaShare[], style: NumberStyle): Finding {
  const id = 'knife_enabled_share';
  const topic = 'Knife-enabled serious violence';
  const share = sharePercent(knife, total, style);
  if (share === null) return { id, topic, available: true, sentence: `Too few serious-violence offences to give the knife-enabled share (${SUPPRESSED_NOTE}).` };
  let sentence = `${share} of serious violence was knife-enabled (${showCount(knife, style)} of ${showCount(total, style)} offences).`;
  const top = [...areas].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))[0];
  const areaTotal = areas.reduce((s, a) => s + a.count, 0);
  const areaShare = top ? sharePercent(top.count, areaTotal, style) : null;
  if (top && areas.length > 1 && areaShare !== null) {
    sentence += ` ${areaShare} of the knife-enabled offences with a known area were in ${top.name} (${showCount(top.count, style)} of ${showCount(areaTotal, style)}).`;
  }
  return { id, topic, available: true, value: share, sentence };
}

export interface PeriodCounts {
  label: string;
  count: number;
  /** Days in the period (the exposure of the comparison). */
  days: number;
}

/** A count against the same period a year before, as the trends analysis says it. */
export function changeFinding(id: string, topic: string, what: string, current: PeriodCounts, previous: PeriodCounts, style: NumberStyle): Finding {
  if (style.disclose && (current.count < MIN_COUNT_FOR_RATE || previous.count < MIN_COUNT_FOR_RATE)) {
    return { id, topic, available: true, sentence: `${what}: ${showCount(current.count, style)} in ${current.label} against ${showCount(previous.count, style)} in ${previous.label}; too few to assess the change.` };
  }
  const rr = publishedRatio({ count: current.count, exposure: current.days }, { count: previous.count, exposure: previous.days }, style);
  const { verdict, sentence } = describeChange(rr, { count: previous.count, exposure: previous.days });
  const value = rr.ratio === null ? undefined : `${rr.ratio >= 1 ? '+' : '−'}${Math.abs((rr.ratio - 1) * 100).toFixed(0)}%`;
  const ratio = showRatio(rr, [current.count, previous.count], style);
  return {
    id,
    topic,
    available: true,
    ...(value !== undefined && verdict !== 'not_comparable' ? { value } : {}),
    sentence: `${what} ${sentence} in ${current.label} against ${previous.label} (${showCount(current.count, style)} against ${showCount(previous.count, style)}${ratio ? `; rate ratio ${ratio}` : ''}).`,
  };
}

// -------------------------------------------------------------------------------------------------
// Places and deprivation
// -------------------------------------------------------------------------------------------------

export interface AreaRate {
  code: string;
  name: string;
  count: number;
  population: number;
  /** Funnel-plot position from the areas analysis, e.g. 'above_998'. */
  position: string;
}

const POSITION_WORDS: Record<string, string> = {
  'above_99.8': 'above the 99.8% funnel limit',
  above_95: 'above the 95% funnel limit',
  within: 'within the funnel limits (not different from the whole beyond chance)',
  below_95: 'below the 95% funnel limit',
  'below_99.8': 'below the 99.8% funnel limit',
};

/** The highest-rate areas (already sorted highest first), with the overall rate. */
export function highestRateAreasFinding(unitLabel: string, areas: readonly AreaRate[], overall: GroupCount, per: number, style: NumberStyle, show = 3): Finding {
  const id = `highest_rate_${unitLabel.replace(/\W+/g, '_').toLowerCase()}`;
  const topic = `Highest-rate areas (${unitLabel})`;
  const listed = areas.filter((a) => a.population > 0 && showRate(a.count, a.population, per, style) !== null).slice(0, show);
  const overallRate = showRate(overall.count, overall.population, per, style);
  if (listed.length === 0 || overallRate === null) return { id, topic, available: true, sentence: `No ${unitLabel} has enough records to publish a rate (${SUPPRESSED_NOTE}).` };
  const parts = listed.map((a) => `${a.name} (${showRate(a.count, a.population, per, style)!}, ${showCount(a.count, style)} offences, ${POSITION_WORDS[a.position] ?? a.position})`);
  return {
    id,
    topic,
    available: true,
    value: listed[0]!.name,
    sentence: `The highest rates of serious violence by ${unitLabel} were in ${parts.join('; ')}, against ${overallRate} residents over the whole area.`,
  };
}

export interface DeprivationFigures {
  /** Records in decile 1, deciles 1–2, and all records with a decile. */
  mostDeprivedDecile: number;
  mostDeprivedQuintile: number;
  withDecile: number;
  ratio: RateRatio;
  /** Counts and residents in decile 1 and decile 10 (the ratio is recomputed from rounded counts under disclosure control). */
  decile1: number;
  decile10: number;
  population1: number;
  population10: number;
}

export function deprivationFinding(f: DeprivationFigures, style: NumberStyle): Finding {
  const id = 'deprivation';
  const topic = 'Deprivation';
  const decileShare = sharePercent(f.mostDeprivedDecile, f.withDecile, style);
  const quintileShare = sharePercent(f.mostDeprivedQuintile, f.withDecile, style);
  if (decileShare === null || quintileShare === null) return { id, topic, available: true, sentence: `Too few records with a known area to describe the deprivation gradient (${SUPPRESSED_NOTE}).` };
  let sentence =
    `${decileShare} of serious violence happened in the most deprived tenth of neighbourhoods (IMD 2019 decile 1) and ` +
    `${quintileShare} in the most deprived fifth (${showCount(f.mostDeprivedQuintile, style)} of ${showCount(f.withDecile, style)}).`;
  const rr = style.disclose ? publishedRatio({ count: f.decile1, exposure: f.population1 }, { count: f.decile10, exposure: f.population10 }, style) : f.ratio;
  const ratio = showRatio(rr, [f.decile1, f.decile10], style);
  if (ratio !== null) {
    const v = significance(rr);
    sentence += ` The rate per resident in the most deprived tenth was ${v === 'not significant' ? 'not statistically different from' : `${fixed(rr.ratio!, 1)} times`} that in the least deprived tenth (rate ratio ${ratio}).`;
  }
  return { id, topic, available: true, value: decileShare, sentence };
}

// -------------------------------------------------------------------------------------------------
// People: who is most at risk, repeat victimisation
// -------------------------------------------------------------------------------------------------

export interface BandRate extends GroupCount {
  band: string;
}

export interface BandSex {
  band: string;
  sex: string;
  count: number;
}

/** The victim age band with the highest rate per resident, and the sex most of its victims are. */
export function mostAtRiskFinding(bands: readonly BandRate[], bySex: readonly BandSex[], per: number, style: NumberStyle): Finding {
  const id = 'most_at_risk_group';
  const topic = 'Most at-risk group';
  const rated = bands
    .filter((b) => b.population > 0 && (!style.disclose || b.count >= MIN_COUNT_FOR_RATE))
    .map((b) => ({ ...b, rate: b.count / b.population }))
    .sort((a, b) => b.rate - a.rate || a.band.localeCompare(b.band));
  const top = rated[0];
  if (!top) return { id, topic, available: true, sentence: `Too few victims with a known age to compare age groups (${SUPPRESSED_NOTE}).` };
  const sexes = bySex.filter((r) => r.band === top.band && r.sex !== 'unknown');
  const known = sexes.reduce((s, r) => s + r.count, 0);
  const main = [...sexes].sort((a, b) => b.count - a.count || a.sex.localeCompare(b.sex))[0];
  const mainShare = main ? sharePercent(main.count, known, style) : null;
  const group = main && mainShare !== null ? `${main.sex === 'male' ? 'males' : main.sex === 'female' ? 'females' : main.sex} aged ${top.band}` : `people aged ${top.band}`;
  const rate = `${showRate(top.count, top.population, per, style)!} residents of that age (${showCount(top.count, style)} victims)`;
  const next = rated[1];
  const rr = next ? publishedRatio({ count: top.count, exposure: top.population }, { count: next.count, exposure: next.population }, style) : null;
  const ratio = next && rr ? showRatio(rr, [top.count, next.count], style) : null;
  let sentence: string;
  if (next && rr && ratio !== null && significance(rr) === 'higher') {
    sentence = `${capitalise(group)} were the most at risk: victims aged ${top.band} were recorded at ${rate}, ${fixed(rr.ratio!, 2)} times the next highest group (${next.band}; rate ratio ${ratio})`;
  } else if (next && ratio !== null) {
    // Highest, but not beyond chance: say so rather than name a single most at-risk group.
    sentence = `${capitalise(group)} had the highest victimisation rate, ${rate}, but not statistically different from the next highest group (${next.band}; rate ratio ${ratio})`;
  } else {
    sentence = `${capitalise(group)} had the highest victimisation rate: ${rate}`;
  }
  sentence += '.';
  if (main && mainShare !== null) sentence += ` ${mainShare} of those victims with a recorded sex were ${main.sex}.`;
  return { id, topic, available: true, value: group, sentence };
}

export interface RepeatFigures {
  /** Distinct identified victims, and those seen in two or more incidents. */
  people: number;
  repeatPeople: number;
  /** Incidents with an identified victim, and those involving a repeat victim. */
  incidents: number;
  repeatIncidents: number;
  byBand: readonly { band: string; people: number; repeatPeople: number }[];
}

/** Repeat victims within the period, and the age band where repeat victimisation is most common. */
export function repeatVictimisationFinding(f: RepeatFigures, style: NumberStyle): Finding {
  const id = 'repeat_victimisation';
  const topic = 'Repeat victimisation';
  const share = sharePercent(f.repeatPeople, f.people, style);
  const incidentShare = sharePercent(f.repeatIncidents, f.incidents, style);
  if (share === null) return { id, topic, available: true, sentence: `Too few identified victims to describe repeat victimisation (${SUPPRESSED_NOTE}).` };
  let sentence = `${share} of identified victims (${showCount(f.repeatPeople, style)} of ${showCount(f.people, style)}) were victims in two or more serious-violence incidents in the year`;
  sentence += incidentShare !== null ? `, involved in ${incidentShare} of the incidents with an identified victim.` : '.';
  // The band with the highest repeat share among bands with enough victims to say so.
  const minPeople = style.disclose ? 2 * MIN_PEOPLE_FOR_AVERAGE : 20;
  const top = f.byBand
    .filter((b) => b.people >= minPeople && b.band !== 'unknown' && b.repeatPeople > 0)
    .sort((a, b) => b.repeatPeople / b.people - a.repeatPeople / a.people || a.band.localeCompare(b.band))[0];
  const topShare = top ? sharePercent(top.repeatPeople, top.people, style) : null;
  if (top && topShare !== null) sentence += ` Repeat victimisation was most common among victims aged ${top.band} (${topShare}, ${showCount(top.repeatPeople, style)} of ${showCount(top.people, style)}).`;
  return { id, topic, available: true, value: share, sentence };
}

// -------------------------------------------------------------------------------------------------
// When: weekends, hours
// -------------------------------------------------------------------------------------------------

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export interface PeakTimeFigures {
  /** Counts by ISO weekday (index 0 = Monday) and the number of each weekday in the period. */
  byWeekday: readonly number[];
  daysOfWeekday: readonly number[];
  /** Counts by hour 0–23 on Monday–Friday and on Saturday–Sunday. */
  weekdayHours: readonly number[];
  weekendHours: readonly number[];
}

const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00–${String((h + 1) % 24).padStart(2, '0')}:00`;

function peakHour(hours: readonly number[]): { hour: number; count: number; total: number } | null {
  const total = hours.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  let hour = 0;
  hours.forEach((n, h) => {
    if (n > hours[hour]!) hour = h;
  });
  return { hour, count: hours[hour]!, total };
}

/** Weekend against weekday daily counts, and the peak hour on weekdays and at weekends. */
export function peakTimesFinding(f: PeakTimeFigures, style: NumberStyle): Finding {
  const id = 'peak_times';
  const topic = 'Peak days and hours';
  const sum = (xs: readonly number[], from: number, to: number) => xs.slice(from, to).reduce((s, n) => s + n, 0);
  const weekend = { count: sum(f.byWeekday, 5, 7), exposure: sum(f.daysOfWeekday, 5, 7) };
  const weekday = { count: sum(f.byWeekday, 0, 5), exposure: sum(f.daysOfWeekday, 0, 5) };
  const parts: string[] = [];
  let value: string | undefined;
  const rr = publishedRatio(weekend, weekday, style);
  const ratio = showRatio(rr, [weekend.count, weekday.count], style);
  if (ratio !== null) {
    const v = significance(rr);
    parts.push(
      v === 'not significant'
        ? `Weekend days were not statistically busier than weekdays (daily rate ratio ${ratio})`
        : `An average weekend day had ${fixed(rr.ratio!, 2)} times the serious violence of an average weekday (rate ratio ${ratio})`,
    );
    value = `${fixed(rr.ratio!, 2)}×`;
  }
  const wd = peakHour(f.weekdayHours);
  const we = peakHour(f.weekendHours);
  const hourPart = (p: { hour: number; count: number; total: number }, when: string) => {
    const share = sharePercent(p.count, p.total, style);
    return share === null ? null : `on ${when} the busiest hour was ${hourLabel(p.hour)} (${share} of ${when} serious violence, ${showCount(p.count, style)} offences)`;
  };
  const hourParts = [wd ? hourPart(wd, 'weekdays') : null, we ? hourPart(we, 'weekends') : null].filter((p): p is string => p !== null);
  if (hourParts.length) parts.push(hourParts.join('; '));
  if (parts.length === 0) return { id, topic, available: true, sentence: `Too few offences to describe when serious violence happens (${SUPPRESSED_NOTE}).` };
  return { id, topic, available: true, ...(value ? { value } : {}), sentence: `${parts.join('; ')}.` };
}

/** How many of each ISO weekday (index 0 = Monday) fall between two dates, inclusive. */
export function weekdaysBetween(from: string, to: string): number[] {
  const days = new Array<number>(7).fill(0);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days[(new Date(t).getUTCDay() + 6) % 7]! += 1;
  return days;
}

// -------------------------------------------------------------------------------------------------
// Injuries seen at the ED
// -------------------------------------------------------------------------------------------------

export interface MethodFigures {
  /** ED assault attendances of people under 25 (by the ED's age band) by method code. */
  byMethod: readonly { method: string; label: string; count: number; sharp: boolean }[];
  /** Attendances with no band or one straddling 25, left out. */
  ageUnknown: number;
}

/** How under-25s attending the ED after an assault were injured: bodily force and sharp objects. */
export function edMethodFinding(f: MethodFigures, style: NumberStyle): Finding {
  const id = 'ed_injury_method_u25';
  const topic = 'ED assault injuries, under 25s';
  const total = f.byMethod.reduce((s, m) => s + m.count, 0);
  const sharp = f.byMethod.filter((m) => m.sharp).reduce((s, m) => s + m.count, 0);
  const top = [...f.byMethod].sort((a, b) => b.count - a.count || a.method.localeCompare(b.method))[0];
  const sharpShare = sharePercent(sharp, total, style);
  const topShare = top ? sharePercent(top.count, total, style) : null;
  if (!top || sharpShare === null || topShare === null) {
    return { id, topic, available: true, sentence: `Too few ED assault attendances of under-25s to describe how they were injured (${SUPPRESSED_NOTE}).` };
  }
  return {
    id,
    topic,
    available: true,
    value: sharpShare,
    sentence:
      `Of ${showCount(total, style)} ED attendances for assault of people under 25, ${topShare} were injured by ${top.label.toLowerCase()} (the commonest method) ` +
      `and ${sharpShare} by a knife or sharp object (${showCount(sharp, style)}); ${showCount(f.ageUnknown, style)} attendances had no age band wholly under or over 25 and are left out.`,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
