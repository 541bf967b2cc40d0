/**
 * The knobs of the synthetic police extract: offence mix, places, weapons, time profiles, age risk
 * curves and the planted targets. Every number here is documented in PATTERNS.md; change both together.
 */
// ------------------------------------------------------------------------------------------------
// Offences
// ------------------------------------------------------------------------------------------------

export type WeaponSet = 'violent' | 'robbery' | 'none' | 'blade' | 'otherWeapon';
export type PlaceSet = 'general' | 'business' | 'dwelling' | 'mixed';
export type PeopleKind = 'sv' | 'general';

export interface Offence {
  code: string;
  /** Relative volume (percent of all incidents). */
  volume: number;
  /** In the LLR VRN serious-violence code list. */
  sv: boolean;
  robbery: boolean;
  domesticShare: number;
  /** Share of non-domestic incidents in a public place (of those with a location recorded). */
  publicShare: number;
  places: PlaceSet;
  /** P(at least one suspect identified) for non-domestic incidents (domestic: 0.95). */
  suspectKnown: number;
  /** Victim count distribution, index = count. */
  victims: readonly number[];
  /** Suspect count distribution when identified, index = count (index 0 unused). */
  suspects: readonly number[];
  weapons: WeaponSet;
  /** Knife probability before calibration (non-domestic). */
  knife: number;
  people: PeopleKind;
}

const ONE_VICTIM = [0, 0.88, 0.1, 0.02] as const;
const NO_VICTIM = [1] as const;
const SUSPECTS = [0, 0.72, 0.18, 0.07, 0.03] as const;
const GROUP_SUSPECTS = [0, 0.5, 0.3, 0.15, 0.05] as const;

function offence(code: string, volume: number, o: Partial<Offence>): Offence {
  return {
    code,
    volume,
    sv: false,
    robbery: false,
    domesticShare: 0,
    publicShare: 0.84,
    places: 'general',
    suspectKnown: 0.62,
    victims: ONE_VICTIM,
    suspects: SUSPECTS,
    weapons: 'violent',
    knife: 0,
    people: 'general',
    ...o,
  };
}

const sv = { sv: true, people: 'sv' as const };
export const OFFENCES: readonly Offence[] = [
  offence('1', 0.04, { ...sv, domesticShare: 0.2, knife: 0.55 }),
  offence('4/1', 0.01, { ...sv, domesticShare: 0.2, knife: 0.15 }),
  offence('2', 0.1, { ...sv, domesticShare: 0.15, knife: 0.5 }),
  offence('5D', 2.0, { ...sv, domesticShare: 0.15, knife: 0.35 }),
  offence('5E', 0.2, { ...sv, domesticShare: 0.05, knife: 0.06 }),
  offence('8N', 22.0, { ...sv, domesticShare: 0.33, knife: 0.1 }),
  offence('8P', 1.0, { ...sv, domesticShare: 0.02, knife: 0.04 }),
  offence('34A', 0.5, { ...sv, robbery: true, publicShare: 1, places: 'business', suspectKnown: 0.45, suspects: GROUP_SUSPECTS, weapons: 'robbery', knife: 0.3 }),
  offence('34B', 4.0, { ...sv, robbery: true, domesticShare: 0.02, publicShare: 0.95, suspectKnown: 0.45, suspects: GROUP_SUSPECTS, weapons: 'robbery', knife: 0.22 }),
  offence('105A', 27.0, { domesticShare: 0.35, publicShare: 0.65, suspectKnown: 0.7 }),
  offence('105B', 1.5, { domesticShare: 0.02, publicShare: 0.75, suspectKnown: 0.55 }),
  offence('8S', 0.8, { publicShare: 0.7, suspectKnown: 1, knife: 0.02 }),
  offence('3B', 1.5, { domesticShare: 0.4, publicShare: 0.4, suspectKnown: 0.8, knife: 0.15 }),
  offence('10D', 1.2, { publicShare: 0.9, suspectKnown: 1, victims: NO_VICTIM, suspects: [0, 0.9, 0.1], weapons: 'blade' }),
  offence('10C', 0.5, { publicShare: 0.9, suspectKnown: 1, victims: NO_VICTIM, suspects: [0, 0.9, 0.1], weapons: 'otherWeapon' }),
  offence('28E', 8.0, { domesticShare: 0.03, publicShare: 0, places: 'dwelling', suspectKnown: 0.15, weapons: 'none' }),
  offence('56B', 1.0, { domesticShare: 0.08, publicShare: 0.5, places: 'mixed', suspectKnown: 0.2, weapons: 'none' }),
  offence('8L', 6.0, { domesticShare: 0.45, publicShare: 0.3, suspectKnown: 0.85, weapons: 'none' }),
  offence('9A', 8.0, { domesticShare: 0.1, publicShare: 0.8, suspectKnown: 0.6, weapons: 'none' }),
  offence('58A', 6.0, { domesticShare: 0.2, publicShare: 0, places: 'dwelling', suspectKnown: 0.3, weapons: 'none' }),
  offence('49', 8.65, { domesticShare: 0.02, publicShare: 0.6, suspectKnown: 0.25, weapons: 'none' }),
];

/**
 * Serious-violence codes that can carry the knife-enabled flag under definitions/vrn-2020.yaml
 * (`knife.applies_to`); used to calibrate the knife share. police.test.ts checks it against the file.
 */
export const KNIFE_FLAG_CODES: ReadonlySet<string> = new Set(['1', '1/1', '1/2', '4/1', '2', '5D', '8N', '8P', '34A', '34B']);

/** Share of incidents with no location type recorded. */
export const BLANK_LOCATION = 0.04;
/** Share of non-domestic incidents whose domestic flag is blank rather than N. */
export const BLANK_DOMESTIC = 0.03;
export const DOMESTIC_SUSPECT_KNOWN = 0.95;
export const DOMESTIC_PUBLIC = 0.1;
export const DOMESTIC_KNIFE = 0.05;

// ------------------------------------------------------------------------------------------------
// Places, weapons
// ------------------------------------------------------------------------------------------------

export type Weighted = readonly (readonly [string, number])[];

export const PUBLIC_PLACES: Weighted = [
  ['Street', 38], ['Footpath', 5], ['Alleyway', 3], ['Park', 7], ['Open space', 2], ['Pub', 6],
  ['Licensed premises', 3], ['Nightclub', 4], ['Bar', 2], ['Takeaway', 3], ['Shop', 5], ['Supermarket', 2],
  ['Shopping centre', 2], ['Town centre', 4], ['Car park', 4], ['Bus station', 2], ['Bus stop', 2],
  ['Railway station', 1], ['School', 2], ['College', 1], ['Hospital', 1], ['Leisure centre', 1], ['Petrol station', 1],
];
/** Weekday 14:00–17:59: the after-school peak happens around schools, buses and shops. */
export const AFTER_SCHOOL_PLACES: Weighted = [
  ['Street', 40], ['School', 15], ['Bus station', 8], ['Bus stop', 10], ['Park', 10], ['Shop', 8], ['Footpath', 6], ['Shopping centre', 3],
];
export const BUSINESS_PLACES: Weighted = [
  ['Shop', 35], ['Supermarket', 12], ['Petrol station', 15], ['Takeaway', 12], ['Licensed premises', 5], ['Pub', 5], ['Shopping centre', 6], ['Betting shop', 7],
];
export const PRIVATE_PLACES: Weighted = [
  ['Dwelling', 45], ['Flat', 20], ['House', 15], ['Hostel', 6], ['Private garden', 6], ['Care home', 3], ['Residential', 5],
];
export const HOME_PLACES: Weighted = [['Dwelling', 55], ['Flat', 25], ['House', 15], ['Residential', 5]];
export const MIXED_PLACES: Weighted = [['Street', 30], ['Car park', 20], ['Open space', 15], ['Dwelling', 25], ['Shop', 10]];

export const KNIFE_WEAPONS: Weighted = [
  ['Knife', 45], ['Kitchen knife', 15], ['Bladed article', 15], ['Machete', 5], ['Sharp instrument', 12], ['Knives', 3], ['Threatened with knife', 5],
];
export const VIOLENT_WEAPONS: Weighted = [
  ['Bodily force', 50], ['', 22], ['Feet', 6], ['Fists', 6], ['Bottle', 5], ['Glass', 3], ['Blunt instrument', 5], ['Bat', 2], ['Firearm', 0.5], ['Vehicle', 0.5],
];
export const ROBBERY_WEAPONS: Weighted = [['', 40], ['Bodily force', 35], ['Threats', 10], ['Blunt instrument', 5], ['Firearm', 2], ['Other', 8]];
export const BLADE_WEAPONS: Weighted = [['Knife', 60], ['Bladed article', 30], ['Lock knife', 10]];
export const OTHER_WEAPONS: Weighted = [['Knuckle duster', 30], ['Baseball bat', 30], ['Other', 40]];

// ------------------------------------------------------------------------------------------------
// Time
// ------------------------------------------------------------------------------------------------

/** Relative volume by ISO day of week, Monday first. */
export const DOW_WEIGHTS = {
  nte: [1.0, 0.95, 1.0, 1.05, 1.2, 1.6, 1.5],
  domestic: [1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.35],
  flat: [1.0, 1.0, 1.0, 1.0, 1.05, 1.05, 0.95],
} as const;

/** Relative volume by hour, weekdays (Mon–Fri) and weekends (Sat, Sun). */
export const HOUR_WEIGHTS = {
  nte: {
    weekday: [3, 2, 1.5, 1, 0.6, 0.5, 0.6, 1, 1.6, 1.8, 2, 2.3, 2.8, 3, 3.6, 7.0, 4.6, 4.2, 4.2, 4.2, 4.3, 4.3, 4.2, 3.6],
    weekend: [7, 7, 6, 4, 2, 1, 0.6, 0.6, 0.8, 1, 1.5, 2, 2.5, 3, 3.2, 3.4, 3.5, 3.6, 3.8, 4, 4.5, 5.5, 6.5, 7],
  },
  domestic: {
    weekday: [3, 2, 1.5, 1, 0.6, 0.5, 0.6, 1, 1.5, 1.8, 2, 2.2, 2.5, 2.7, 3, 3.2, 3.6, 4.2, 5, 5.5, 5.8, 5.8, 5.2, 4.2],
    weekend: [4, 3.5, 2.5, 1.5, 0.8, 0.6, 0.6, 0.8, 1.2, 1.8, 2.2, 2.6, 3, 3.2, 3.4, 3.6, 4, 4.6, 5.2, 5.8, 6, 6, 5.6, 5],
  },
  flat: {
    weekday: [1.5, 1, 0.8, 0.6, 0.5, 0.5, 0.8, 1.5, 2.5, 3, 3.2, 3.4, 3.6, 3.6, 3.6, 3.8, 4, 4, 3.8, 3.5, 3.2, 2.8, 2.4, 2],
    weekend: [2.5, 2, 1.5, 1, 0.6, 0.5, 0.6, 1, 1.8, 2.5, 3, 3.4, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6, 3.5, 3.3, 3.2, 3, 2.8, 2.6],
  },
} as const;
export type TimeProfile = keyof typeof DOW_WEIGHTS;

// ------------------------------------------------------------------------------------------------
// Planted targets (documented in PATTERNS.md; tests read them from here)
// ------------------------------------------------------------------------------------------------

export const TARGETS = {
  /** Mean daily in-definition SV count on Saturdays and Sundays ÷ mean on Monday–Friday. */
  weekendToWeekdayDailyRatio: meanOf(DOW_WEIGHTS.nte, [5, 6]) / meanOf(DOW_WEIGHTS.nte, [0, 1, 2, 3, 4]),
  /** The modal hour of weekday in-definition SV (15:00–15:59) … */
  weekdayPeakHour: 15,
  /** … and its count ÷ the next busiest weekday hour. */
  weekdayPeakToNextHourRatio: HOUR_WEIGHTS.nte.weekday[15] / Math.max(...HOUR_WEIGHTS.nte.weekday.filter((_, h) => h !== 15)),
  /** Hotspot zones: rate multiplier relative to zones of the same IMD decile. */
  hotspotMultiplier: 6,
  /** In-definition SV rate per resident in IMD decile 1 ÷ decile 10 (deciles in between geometric). */
  deprivationRatio: 3,
  /** SV victim rate per resident by five-year band: 15–19 is highest; 15–19 ÷ 20–24. */
  victim15to19To20to24Ratio: 2.6 / 2.0,
  /** Share of in-definition SV victims aged 15–19 who are male. */
  victimMaleShare15to19: 0.82,
  /** Share of distinct victims (all incidents) who appear in two or more incidents (approximate). */
  repeatVictimShare: 0.1,
  /** Year-on-year growth of in-definition robbery with an identified suspect under 25. */
  robberyU25AnnualGrowth: 1.2,
  /** SV suspects aged 10–24 per resident aged 10–24 ÷ SV suspects 25+ per resident 25+. */
  u25SuspectRateRatio: 1.9,
  /** Share of in-definition SV incidents that are knife-enabled (definition vrn-2020 rules). */
  knifeEnabledShare: 0.2,
} as const;

function meanOf(values: readonly number[], indexes: readonly number[]): number {
  return indexes.reduce((s, i) => s + values[i]!, 0) / indexes.length;
}



// ------------------------------------------------------------------------------------------------
// People
// ------------------------------------------------------------------------------------------------

/** Relative risk of being an SV victim by age (per resident). Peak 15–19. */
export function svVictimRisk(age: number): number {
  if (age < 10) return 0.04;
  if (age < 15) return 0.5;
  if (age < 20) return 2.6;
  if (age < 25) return 2.0;
  if (age < 30) return 1.5;
  if (age < 35) return 1.2;
  if (age < 45) return 0.9;
  if (age < 55) return 0.6;
  if (age < 65) return 0.3;
  return 0.12;
}
/** Relative risk of being a victim of other offences. */
export function generalVictimRisk(age: number): number {
  if (age < 10) return 0.1;
  if (age < 15) return 0.6;
  if (age < 20) return 1.3;
  if (age < 35) return 1.4;
  if (age < 45) return 1.2;
  if (age < 55) return 1.0;
  if (age < 65) return 0.7;
  return 0.4;
}
/** Relative risk of being a suspect by age (within the under-25 and 25+ groups; the groups are calibrated). */
export function suspectRisk(age: number): number {
  if (age < 10) return 0;
  if (age < 14) return 0.3;
  if (age < 16) return 1.0;
  if (age < 18) return 1.6;
  if (age < 21) return 2.0;
  if (age < 25) return 1.8;
  if (age < 30) return 2.0;
  if (age < 35) return 1.7;
  if (age < 40) return 1.3;
  if (age < 50) return 0.8;
  if (age < 60) return 0.4;
  if (age < 75) return 0.1;
  return 0.02;
}
export function domesticVictimRisk(age: number): number {
  if (age < 16) return 0.02;
  if (age < 20) return 0.8;
  if (age < 40) return 1.6;
  if (age < 55) return 1.0;
  if (age < 70) return 0.4;
  return 0.15;
}
export function domesticSuspectRisk(age: number): number {
  if (age < 16) return 0.02;
  if (age < 20) return 0.6;
  if (age < 40) return 1.6;
  if (age < 55) return 1.0;
  if (age < 70) return 0.3;
  return 0.08;
}

/** Male share of victims by age, non-domestic. */
export function victimMaleShare(age: number): number {
  if (age >= 15 && age < 20) return TARGETS.victimMaleShare15to19;
  if (age >= 20 && age < 25) return 0.75;
  if (age >= 10 && age < 15) return 0.65;
  return 0.66;
}

/** Base shares of the non-W1 ethnicity codes (scaled by each zone's diversity). */
export const ETHNICITY_MIX: Record<string, number> = {
  W2: 0.03, W9: 0.12, M1: 0.04, M2: 0.02, M3: 0.03, M9: 0.03, A1: 0.33, A2: 0.06, A3: 0.03, A9: 0.06, B1: 0.04, B2: 0.1, B9: 0.02, O1: 0.03, O9: 0.06,
};
export const NOT_STATED = 0.04;

/** P(a victim slot is filled by someone already a victim in the same or an adjacent quarter). */
export const REPEAT_VICTIM_PROBABILITY = 0.105;
export const REPEAT_SUSPECT_PROBABILITY = 0.2;
/** Pools of earlier people are kept per quarter so repeats are close in time. */
export const POOL_DAYS = 91;

export const U25_ROBBERY_SHARE = 0.65;

