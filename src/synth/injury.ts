/**
 * Seeded synthetic injury-surveillance data for the demo area (Cardiff Model): a gazetteer of venues,
 * landmarks and streets, ED ISTV returns and ambulance calls, consistent with the synthetic police
 * incidents. Patterns planted (documented in PATTERNS.md, numbers in INJURY_TARGETS):
 *
 * - hidden violence: a share `edAttendanceShare` of police-recorded violence with injury reaches the
 *   ED (same time, place, victim age and sex); every other ED assault is unknown to police, sized so
 *   the ED-only share is `hiddenShare`;
 * - night-time economy: most hidden assaults happen on Friday and Saturday nights, around venues
 *   whose weights give a known ranking, and one venue surges in the last three months;
 * - free-text locations as receptionists type them: abbreviations, typos, case, "o/s", aliases.
 *
 * Pure apart from `writeInjuryFiles`. The same area and options give the same files, byte for byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bngToWgs84, wgs84ToBng } from '../core/geo/bng.js';
import { lookupHocr } from '../core/hocr/normalise.js';
import type { SynthArea, SynthZone } from './area.js';
import { csvField, generateIncidents, DEFAULT_END_DATE, type PoliceOptions, type SynthIncident } from './police.js';
import { AliasTable, Rng } from './random.js';
import { DOW_WEIGHTS, HOUR_WEIGHTS } from './tables.js';

/** The numbers the injury data are generated to; tests read them from here. */
export const INJURY_TARGETS = {
  /** Share of police-recorded violence with injury whose victim attends the ED (f). */
  edAttendanceShare: 0.1,
  /** Share of ED assaults unknown to police. */
  hiddenShare: 0.72,
  /** Share of hidden ED assaults on Friday and Saturday nights, 20:00–04:00. */
  hiddenNteShare: 0.55,
  /** Weights of the four busiest venues (the others weigh venueBaseWeight). */
  topVenueWeights: [12, 7, 4, 2.5] as readonly number[],
  venueBaseWeight: 0.6,
  /** The surging venue's weight is multiplied by this in the last surgeDays days. */
  surgeFactor: 10,
  surgeDays: 184,
  /** Share of ED attendances that arrive by ambulance, and non-conveyed calls per conveyed one. */
  ambulanceShare: 0.3,
  nonConveyedPerConveyed: 0.4,
} as const;

export const ED_SITE = 'XED01';
export const ED_SITE_NAME = 'Mercester Royal Infirmary Emergency Department (synthetic)';
export const AMBULANCE_AGENCY = 'Synthetic Ambulance Service';

export type PlaceKind = 'venue' | 'landmark' | 'street';

export interface SynthPlace {
  key: string;
  name: string;
  aliases: string[];
  type: string;
  kind: PlaceKind;
  /** The street a venue is on. */
  street: string | null;
  zone: number;
  easting: number;
  northing: number;
}

/** What a generated location description really refers to. */
export type LocationTruth = { kind: 'place'; placeKey: string } | { kind: 'home' } | { kind: 'unknown' } | { kind: 'junction'; placeKey: string };

export interface SynthAttendance {
  arrival: string;
  assault: string;
  method: string;
  locationType: string;
  description: string;
  ageBand: string;
  sex: string;
  home: string;
  /** Truth, not written to the return. */
  knownToPolice: boolean;
  location: LocationTruth;
  zone: number;
}

export interface SynthCall {
  callRef: string;
  callAt: string;
  easting: string;
  northing: string;
  lsoa: string;
  locationText: string;
  category: string;
  determinant: string;
  conveyed: string;
  ageBand: string;
  sex: string;
}

export interface InjuryPlanted {
  targets: typeof INJURY_TARGETS;
  /** Police-recorded violence with injury in the period (P). */
  policeViolenceWithInjury: number;
  /** ED assaults generated from police incidents (K) and unknown to police (H). */
  knownToPolice: number;
  hidden: number;
  /** H ÷ (K + H): the ED-only share actually generated. */
  hiddenShareGenerated: number;
  /** Venue keys by planted weight, busiest first (the weighted venues). */
  venueRanking: string[];
  surgeVenue: string;
  /** Attendances whose description names a gazetteer place (venue, landmark or street). */
  namingAPlace: number;
}

export interface InjuryData {
  places: SynthPlace[];
  attendances: SynthAttendance[];
  calls: SynthCall[];
  planted: InjuryPlanted;
}

// --- Names -------------------------------------------------------------------------------------

const VENUES: readonly { name: string; aliases: string[]; type: string }[] = [
  { name: 'Velvet Lounge', aliases: ['Velvet'], type: 'licensed premises' },
  { name: 'Club Meridian', aliases: ['Meridian'], type: 'nightclub' },
  { name: 'The Drovers Arms', aliases: ['Drovers'], type: 'licensed premises' },
  { name: 'Pulse Nightclub', aliases: ['Pulse'], type: 'nightclub' },
  { name: 'The Copper Kettle', aliases: [], type: 'licensed premises' },
  { name: 'Halo Bar', aliases: ['Halo'], type: 'licensed premises' },
  { name: 'The Black Swan', aliases: [], type: 'licensed premises' },
  { name: 'The Lantern Rooms', aliases: ['Lanterns'], type: 'licensed premises' },
  { name: 'Moonshine Lounge', aliases: ['Moonshine'], type: 'licensed premises' },
  { name: 'The Jolly Tanner', aliases: [], type: 'licensed premises' },
  { name: 'Firefly Bar', aliases: ['Firefly'], type: 'licensed premises' },
  { name: 'The Weavers Arms', aliases: ['Weavers'], type: 'licensed premises' },
  { name: 'Kasbah Club', aliases: ['Kasbah'], type: 'nightclub' },
  { name: 'The Gilded Lily', aliases: [], type: 'licensed premises' },
  { name: 'The Kingfisher', aliases: [], type: 'licensed premises' },
  { name: 'Neon Social', aliases: [], type: 'licensed premises' },
  { name: 'The Hosiery Works', aliases: ['Hosiery'], type: 'licensed premises' },
  { name: 'Tanners Rest', aliases: [], type: 'licensed premises' },
  { name: 'Golden Dragon Takeaway', aliases: ['Golden Dragon'], type: 'takeaway' },
  { name: 'Chicken Palace', aliases: [], type: 'takeaway' },
  { name: 'Ottoman Kebab House', aliases: ['Ottoman Kebabs'], type: 'takeaway' },
  { name: 'The Old Brewery', aliases: [], type: 'licensed premises' },
  { name: 'Sapphire Bar', aliases: ['Sapphire'], type: 'licensed premises' },
  { name: 'The Cork and Barrel', aliases: ['Cork & Barrel'], type: 'licensed premises' },
];

const LANDMARKS = (city: string): readonly { name: string; aliases: string[] }[] => [
  { name: 'Town Hall Square', aliases: ['Town Hall Sq'] },
  { name: 'Clock Tower', aliases: [] },
  { name: 'Market Cross', aliases: [] },
  { name: `${city} Bus Station`, aliases: ['Bus Station'] },
  { name: `${city} Railway Station`, aliases: ['Railway Station', 'Train Station'] },
  { name: 'Victoria Park', aliases: [] },
  { name: "St Mark's Church", aliases: [] },
];

const STREET_WORDS = [
  'Market', 'High', 'Church', 'Mill', 'Station', 'Victoria', 'Albion', 'Granby', 'Wellington', 'King', 'Queen', 'Castle', 'Bridge',
  'London', 'Belgrave', 'Humberstone', 'Narborough', 'Welford', 'Aylestone', 'Hinckley', 'Melton', 'Uppingham', 'Oxford', 'Cambridge',
  'Regent', 'Princess', 'Charles', 'Rutland', 'Northgate', 'Southgate', 'Friar', 'Abbey', 'Chapel', 'Water', 'Silver', 'Cheapside',
  'Horsefair', 'Belvoir', 'Pocklington', 'Ashby', 'Burley', 'Clarendon', 'Fosse', 'Glebe', 'Hazel', 'Kent', 'Lancaster', 'Manor',
  'Nelson', 'Orchard', 'Paget', 'Quorn', 'Russell', 'Sycamore', 'Tudor', 'Union', 'Vaughan', 'Walnut', 'York', 'Beaumont', 'Cavendish',
  'Denmark', 'Evington', 'Fairfield', 'Hastings', 'Kimberley', 'Lyndhurst', 'Marlborough', 'Newarke', 'Porter', 'Ridgeway', 'Saxby',
];
const STREET_SUFFIXES = ['Street', 'Road', 'Lane', 'Avenue', 'Close', 'Way', 'Place', 'Terrace', 'Crescent', 'Gardens', 'Drive', 'Grove'];
const SUFFIX_ABBREVIATIONS: Record<string, string[]> = {
  Street: ['St', 'St.', 'Str'],
  Road: ['Rd', 'Rd.'],
  Avenue: ['Ave', 'Av'],
  Lane: ['Ln'],
  Square: ['Sq'],
  Crescent: ['Cres'],
  Terrace: ['Terr'],
  Gardens: ['Gdns'],
  Drive: ['Dr'],
  Close: ['Cl'],
};

/** ED bands as a Cardiff-style local scheme might agree them. */
const ED_AGE_BANDS = ['0-14', '15-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;

type Weighted<T> = readonly (readonly [T, number])[];

function pickWeighted<T>(rng: Rng, items: Weighted<T>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [v, w] of items) {
    r -= w;
    if (r < 0) return v;
  }
  return items[items.length - 1]![0];
}

const METHODS: Record<string, Weighted<string>> = {
  body_part: [['Fist', 25], ['Punched', 20], ['Kicked', 12], ['Bodily force', 15], ['Head butt', 6], ['Stamped on', 4], ['Fists/feet', 2]],
  // A value no code list has: kept as written and reported as unmapped.
  thrown: [['Thrown object', 100]],
  knife: [['Knife', 50], ['Stabbed', 25], ['Knife/Blade', 15], ['Bladed article', 10]],
  glass: [['Glass', 40], ['Glassed', 40], ['Broken bottle', 20]],
  other_sharp: [['Sharp object', 60], ['Screwdriver', 40]],
  bottle: [['Bottle', 100]],
  blunt_object: [['Blunt object', 40], ['Bat', 25], ['Hammer', 15], ['Brick', 20]],
  firearm: [['Firearm', 100]],
  other: [['Vehicle', 50], ['Dog', 50]],
  unknown: [['Unknown', 50], ['Not known', 30], ['N/K', 20]],
};
/** Hidden assaults' methods: sharp objects (knife, glass, other sharp) 14%. */
const HIDDEN_METHODS: Weighted<string> = [['body_part', 61], ['knife', 7], ['glass', 5], ['other_sharp', 2], ['bottle', 5], ['blunt_object', 8], ['firearm', 0.3], ['other', 3.7], ['unknown', 7], ['thrown', 1]];

const pad2 = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD HH:MM' from a UTC-epoch minute count (wall clock, no zone). */
function stamp(minutes: number): string {
  const d = new Date(minutes * 60_000);
  return `${d.toISOString().slice(0, 10)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

function minutesOf(text: string): number {
  // 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DD HH:MM'
  return Date.parse(`${text.slice(0, 10)}T${text.slice(11, 16)}:00Z`) / 60_000;
}

// --- Text noise --------------------------------------------------------------------------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One typing slip in a word of five letters or more: a letter dropped, swapped, doubled or wrong. */
function typo(rng: Rng, word: string): string {
  if (word.length < 5) return word;
  const i = 1 + rng.int(word.length - 2);
  switch (rng.int(4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 2:
      return word.slice(0, i) + word[i] + word.slice(i);
    default: {
      const c = LETTERS[rng.int(26)]!;
      return word.slice(0, i) + (c === word[i]!.toLowerCase() ? LETTERS[(rng.int(25) + LETTERS.indexOf(c) + 1) % 26] : c) + word.slice(i + 1);
    }
  }
}

/** A place name as someone might type it: "The" dropped, suffix abbreviated, maybe a typo or two. */
function typed(rng: Rng, name: string): string {
  let words = name.split(' ');
  if (words[0] === 'The' && words.length > 1 && rng.chance(0.5)) words = words.slice(1);
  const last = words[words.length - 1]!;
  const abbreviations = SUFFIX_ABBREVIATIONS[last];
  if (abbreviations && rng.chance(0.5)) words[words.length - 1] = abbreviations[rng.int(abbreviations.length)]!;
  if (rng.chance(0.25)) {
    const long = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5 && /^[A-Za-z]+$/.test(w));
    if (long.length) {
      const [w, i] = long[rng.int(long.length)]!;
      // Now and then two slips in one word: too far gone for the matcher, left for review.
      words[i] = rng.chance(0.25) ? typo(rng, typo(rng, w)) : typo(rng, w);
    }
  }
  return words.join(' ');
}

function casing(rng: Rng, text: string): string {
  const r = rng.next();
  return r < 0.15 ? text.toUpperCase() : r < 0.45 ? text.toLowerCase() : text;
}

// --- Generator ---------------------------------------------------------------------------------

interface Gazetteer {
  places: SynthPlace[];
  venues: SynthPlace[];
  landmarks: SynthPlace[];
  streetsByZone: SynthPlace[][];
  venuesByZone: SynthPlace[][];
  streets: SynthPlace[];
  venueWeights: number[];
  surge: number;
}

function zonePoint(zone: SynthZone, toward: number, fraction: number): [number, number] {
  const [siteE, siteN] = wgs84ToBng(zone.site[0], zone.site[1]);
  const corners = zone.ring.slice(0, -1);
  const [lon, lat] = corners[toward % corners.length]!;
  const [e, n] = wgs84ToBng(lon, lat);
  // Between the site and a vertex of a convex polygon: inside it.
  return [Math.round(siteE + fraction * (e - siteE)), Math.round(siteN + fraction * (n - siteN))];
}

function buildGazetteer(area: SynthArea, rng: Rng): Gazetteer {
  const zones = area.zones;
  const city = area.districts.find((d) => d.code === 'X06000001')?.name ?? 'Mercester';
  // Streets: one or two per zone, every name different.
  const combos = rng.shuffle(STREET_WORDS.flatMap((w) => STREET_SUFFIXES.map((s) => `${w} ${s}`)));
  let next = 0;
  const streetsByZone: SynthPlace[][] = zones.map(() => []);
  const streets: SynthPlace[] = [];
  zones.forEach((zone, z) => {
    const count = zone.city ? 2 : 1 + (rng.chance(0.3) ? 1 : 0);
    for (let k = 0; k < count; k++) {
      const name = combos[next++ % combos.length]!;
      const [e, n] = zonePoint(zone, k * 3 + 1, 0.35);
      const place: SynthPlace = { key: `S${String(streets.length + 1).padStart(4, '0')}`, name, aliases: [], type: 'street', kind: 'street', street: null, zone: z, easting: e, northing: n };
      streets.push(place);
      streetsByZone[z]!.push(place);
    }
  });
  // Venues and landmarks in the most central city zones (the night-time economy), hotspots first.
  const central = zones
    .map((z, i) => ({ z, i }))
    .filter(({ z }) => z.city)
    .sort((a, b) => Number(b.z.hotspot) - Number(a.z.hotspot) || a.z.radius - b.z.radius || a.i - b.i)
    .slice(0, 12)
    .map(({ i }) => i);
  const venuesByZone: SynthPlace[][] = zones.map(() => []);
  const venues = VENUES.map((v, k) => {
    const z = central[k % central.length]!;
    const [e, n] = zonePoint(zones[z]!, k, 0.15 + 0.1 * ((k * 7) % 5));
    const street = streetsByZone[z]![k % streetsByZone[z]!.length]!.name;
    const place: SynthPlace = { key: `V${String(k + 1).padStart(3, '0')}`, name: v.name, aliases: v.aliases, type: v.type, kind: 'venue', street, zone: z, easting: e, northing: n };
    venuesByZone[z]!.push(place);
    return place;
  });
  const landmarks = LANDMARKS(city).map((l, k) => {
    const z = central[(k * 5 + 3) % central.length]!;
    const [e, n] = zonePoint(zones[z]!, k + 2, 0.5);
    return { key: `L${String(k + 1).padStart(3, '0')}`, name: l.name, aliases: l.aliases, type: 'landmark', kind: 'landmark' as const, street: null, zone: z, easting: e, northing: n };
  });
  // The first five venues carry the planted ranking; the eighth surges at the end.
  const venueWeights = venues.map((_, k) => INJURY_TARGETS.topVenueWeights[k] ?? INJURY_TARGETS.venueBaseWeight);
  return { places: [...venues, ...landmarks, ...streets], venues, landmarks, streetsByZone, venuesByZone, streets, venueWeights, surge: 7 };
}

const NTE_HOURS: Weighted<number> = [[20, 2], [21, 3], [22, 5], [23, 7], [24, 8], [25, 8], [26, 6], [27, 3]];

class InjuryGenerator {
  readonly gazetteer: Gazetteer;
  private readonly start: number;
  private readonly days: number;
  private readonly endMinute: number;
  private readonly streetZones: AliasTable;
  private readonly zoneHasStreet: number[];

  constructor(
    private readonly area: SynthArea,
    private readonly options: PoliceOptions,
    private readonly rng: Rng,
  ) {
    this.gazetteer = buildGazetteer(area, rng.fork('gazetteer'));
    const end = Date.parse(`${options.endDate ?? DEFAULT_END_DATE}T00:00:00Z`);
    const endDate = new Date(end);
    this.start = Date.UTC(endDate.getUTCFullYear() - options.years, endDate.getUTCMonth(), endDate.getUTCDate()) + DAY_MS;
    this.days = Math.round((end - this.start) / DAY_MS) + 1;
    this.endMinute = (end + DAY_MS) / 60_000 - 1;
    // Hidden street assaults follow the police violence geography: deprived zones and hotspots.
    this.zoneHasStreet = area.zones.map((_, i) => i);
    this.streetZones = new AliasTable(area.zones.map((z) => z.population * 2 ** ((10 - z.imdDecile) / 9) * (z.hotspot ? 6 : 1)));
  }

  /** A place description and its truth, as a receptionist might type it. */
  describe(rng: Rng, kind: 'venue' | 'street' | 'landmark' | 'home' | 'unknown', place: SynthPlace | null): { text: string; truth: LocationTruth } {
    if (kind === 'home') {
      return { text: pickWeighted(rng, [['home', 30], ['Home', 15], ['own home', 15], ['at home', 10], ["friend's house", 10], ['friends house', 8], ['partners flat', 5], ['private address', 7]]), truth: { kind: 'home' } };
    }
    if (kind === 'unknown') {
      return { text: pickWeighted(rng, [['unknown', 25], ['N/K', 15], ['', 20], ['town centre', 15], ['in the street', 10], ['outside a pub', 10], ['not stated', 5]]), truth: { kind: 'unknown' } };
    }
    const p = place!;
    const truth: LocationTruth = { kind: 'place', placeKey: p.key };
    const name = p.aliases.length && rng.chance(0.2) ? p.aliases[rng.int(p.aliases.length)]! : p.name;
    const t = typed(rng, name);
    if (kind === 'venue') {
      const street = typed(rng, p.street ?? '');
      const template = pickWeighted(rng, [
        ['{v}', 25], ['outside {v}', 20], ['o/s {v}', 10], ['inside {v}', 10], ['{v}, {s}', 12], ['{v} {s}', 6], ['smoking area at {v}', 5], ['outside {v} on {s}', 7], ['in {v} toilets', 5],
      ]);
      return { text: casing(rng, template.replace('{v}', t).replace('{s}', street)), truth };
    }
    if (kind === 'landmark') {
      const template = pickWeighted(rng, [['{l}', 45], ['nr {l}', 20], ['outside {l}', 20], ['by the {l}', 15]]);
      return { text: casing(rng, template.replace('{l}', t)), truth };
    }
    // Street: sometimes the junction of two streets, which no single place can answer.
    const others = this.gazetteer.streetsByZone[p.zone]!.filter((s) => s.key !== p.key);
    if (others.length && rng.chance(0.05)) {
      return { text: casing(rng, `junction of ${t} and ${typed(rng, others[0]!.name)}`), truth: { kind: 'junction', placeKey: p.key } };
    }
    const template = pickWeighted(rng, [['{s}', 50], ['in street - {s}', 10], ['outside shop on {s}', 10], ['{s} near bus stop', 8], ['o/s {n} {s}', 12], ['bottom of {s}', 10]]);
    return { text: casing(rng, template.replace('{s}', t).replace('{n}', String(1 + rng.int(180)))), truth };
  }

  private locationType(rng: Rng, kind: 'venue' | 'street' | 'landmark' | 'home' | 'unknown', place: SynthPlace | null): string {
    if (kind === 'venue') {
      if (place?.type === 'takeaway') return pickWeighted(rng, [['Takeaway', 80], ['Restaurant', 20]]);
      return pickWeighted(rng, [['Pub/Club', 40], ['Licensed premises', 20], [place?.type === 'nightclub' ? 'Nightclub' : 'Pub', 25], ['Bar', 13], ['Beer garden', 2]]);
    }
    if (kind === 'street') return pickWeighted(rng, [['Street', 80], ['Street/road', 15], ['Public place', 5]]);
    if (kind === 'landmark') return pickWeighted(rng, [['Street', 50], ['Public transport', 25], ['Park', 25]]);
    if (kind === 'home') return pickWeighted(rng, [['Home', 60], ['Own home', 15], ['Other residence', 25]]);
    return pickWeighted(rng, [['', 40], ['Unknown', 40], ['Other', 20]]);
  }

  private ageBand(rng: Rng, age: number | null): string {
    if (age === null) return '';
    const i = age < 15 ? 0 : age < 18 ? 1 : age < 25 ? 2 : age < 35 ? 3 : age < 45 ? 4 : age < 55 ? 5 : age < 65 ? 6 : 7;
    const band = ED_AGE_BANDS[i]!;
    return rng.chance(0.05) ? band.replace('-', ' to ') : band;
  }

  private home(rng: Rng, zone: number): string {
    const r = rng.next();
    if (r < 0.4) return this.area.zones[rng.chance(0.6) ? zone : rng.int(this.area.zones.length)]!.code;
    if (r < 0.7) return `XM${1 + rng.int(9)}`;
    return '';
  }

  /** An ED attendance from a police-recorded violence-with-injury incident. */
  fromIncident(rng: Rng, inc: SynthIncident, zone: number): SynthAttendance {
    const assault = minutesOf(inc.occurredFrom);
    const arrival = Math.min(assault + 20 + rng.int(160), this.endMinute);
    const victim = inc.victims[0];
    const type = inc.locationType.toLowerCase();
    let kind: 'venue' | 'street' | 'landmark' | 'home' | 'unknown';
    let place: SynthPlace | null = null;
    const venuesHere = this.gazetteer.venuesByZone[zone]!;
    if (/pub|licensed|nightclub|bar|takeaway/.test(type) && venuesHere.length) {
      kind = 'venue';
      place = venuesHere[rng.int(venuesHere.length)]!;
    } else if (/dwelling|flat|house|residential|hostel|garden|care home/.test(type) || inc.domestic === 'Y') {
      kind = 'home';
    } else if (type === '' || rng.chance(0.08)) {
      kind = 'unknown';
    } else {
      kind = 'street';
      const streets = this.gazetteer.streetsByZone[zone]!;
      place = streets[rng.int(streets.length)]!;
    }
    const weapon = inc.weapon.toLowerCase();
    const method = /knife|blade|machete|sharp|knives/.test(weapon)
      ? 'knife'
      : /glass/.test(weapon)
        ? 'glass'
        : /bottle/.test(weapon)
          ? 'bottle'
          : /blunt|bat/.test(weapon)
            ? 'blunt_object'
            : /firearm/.test(weapon)
              ? 'firearm'
              : /vehicle/.test(weapon)
                ? 'other'
                : 'body_part';
    const d = this.describe(rng, kind, place);
    return {
      arrival: stamp(arrival),
      assault: stamp(assault),
      method: pickWeighted(rng, METHODS[method]!),
      locationType: this.locationType(rng, kind, place),
      description: d.text,
      ageBand: this.ageBand(rng, victim?.age ?? null),
      sex: victim?.sex ?? '',
      home: victim?.home ? (rng.chance(0.5) ? victim.home : '') : '',
      knownToPolice: true,
      location: d.truth,
      zone,
    };
  }

  /** An ED assault the police never hear of. */
  hidden(rng: Rng): SynthAttendance {
    const nte = rng.chance(INJURY_TARGETS.hiddenNteShare);
    let day: number;
    let hour: number;
    if (nte) {
      // A Friday or Saturday evening; hours 24–27 are the small hours of the next day.
      const firstFriday = (5 - (new Date(this.start).getUTCDay() || 7) + 7) % 7;
      const weekends = Math.floor((this.days - 1 - firstFriday) / 7) + 1;
      day = firstFriday + 7 * rng.int(weekends) + (rng.chance(0.5) ? 1 : 0);
      hour = pickWeighted(rng, NTE_HOURS);
      if (day + Math.floor(hour / 24) >= this.days) hour = 20 + rng.int(4);
    } else {
      const dow = pickWeighted(rng, DOW_WEIGHTS.flat.map((w, i) => [i, w] as const));
      const firstDow = (dow + 1 - ((new Date(this.start).getUTCDay() + 6) % 7) - 1 + 7) % 7;
      const weeks = Math.floor((this.days - 1 - firstDow) / 7) + 1;
      day = firstDow + 7 * rng.int(weeks);
      hour = pickWeighted(rng, HOUR_WEIGHTS.flat.weekday.map((w, i) => [i, w] as const));
    }
    const assault = (this.start + day * DAY_MS) / 60_000 + hour * 60 + rng.int(60);
    const arrival = Math.min(assault + 15 + rng.int(150), this.endMinute);
    // Where: venues mostly at night; streets follow the violence geography.
    const kind = pickWeighted<'venue' | 'street' | 'landmark' | 'home' | 'unknown'>(
      rng,
      nte ? [['venue', 62], ['street', 18], ['landmark', 8], ['home', 6], ['unknown', 6]] : [['venue', 18], ['street', 38], ['landmark', 8], ['home', 26], ['unknown', 10]],
    );
    let place: SynthPlace | null = null;
    let zone: number;
    if (kind === 'venue') {
      const surging = day >= this.days - INJURY_TARGETS.surgeDays;
      const weights = this.gazetteer.venueWeights.map((w, k) => (surging && k === this.gazetteer.surge ? w * INJURY_TARGETS.surgeFactor : w));
      place = this.gazetteer.venues[pickWeighted(rng, weights.map((w, k) => [k, w] as const))]!;
      zone = place.zone;
    } else if (kind === 'landmark') {
      place = this.gazetteer.landmarks[rng.int(this.gazetteer.landmarks.length)]!;
      zone = place.zone;
    } else {
      zone = this.zoneHasStreet[this.streetZones.sample(rng)]!;
      if (kind === 'street') {
        const streets = this.gazetteer.streetsByZone[zone]!;
        place = streets[rng.int(streets.length)]!;
      }
    }
    const method = pickWeighted(rng, HIDDEN_METHODS);
    const young = method === 'knife' || method === 'glass' ? 1.6 : 1;
    const band = pickWeighted(rng, [[0, 2], [1, 12 * young], [2, 38 * young], [3, 25], [4, 12], [5, 7], [6, 3], [7, 1]]);
    const d = this.describe(rng, kind, place);
    return {
      arrival: stamp(arrival),
      assault: stamp(assault),
      method: pickWeighted(rng, METHODS[method]!),
      locationType: this.locationType(rng, kind, place),
      description: d.text,
      ageBand: rng.chance(0.04) ? '' : rng.chance(0.05) ? ED_AGE_BANDS[band]!.replace('-', ' to ') : ED_AGE_BANDS[band]!,
      sex: pickWeighted(rng, [['M', 74], ['F', 25], ['', 1]]),
      home: this.home(rng, zone),
      knownToPolice: false,
      location: d.truth,
      zone,
    };
  }

  calls(rng: Rng, attendances: readonly SynthAttendance[]): SynthCall[] {
    const placeByKey = new Map(this.gazetteer.places.map((p) => [p.key, p]));
    const calls: { at: number; call: Omit<SynthCall, 'callRef'> }[] = [];
    const make = (a: SynthAttendance, conveyed: boolean, rngCall: Rng) => {
      const at = Math.max(minutesOf(a.assault) + 2 + rngCall.int(15), minutesOf(a.assault));
      const placeKey = a.location.kind === 'place' || a.location.kind === 'junction' ? a.location.placeKey : null;
      const place = placeKey ? placeByKey.get(placeKey)! : null;
      let easting = '';
      let northing = '';
      let lsoa = '';
      let text = '';
      if (a.location.kind === 'unknown') {
        lsoa = rngCall.chance(0.5) ? this.area.zones[a.zone]!.code : '';
      } else if (rngCall.chance(0.85)) {
        const [e, n] = place ? [place.easting, place.northing] : zonePoint(this.area.zones[a.zone]!, rngCall.int(8), 0.2 + 0.3 * rngCall.next());
        easting = String(Math.round(e + rngCall.uniform(-25, 25)));
        northing = String(Math.round(n + rngCall.uniform(-25, 25)));
      } else {
        text = place ? a.description : `${1 + rngCall.int(200)} ${this.gazetteer.streetsByZone[a.zone]![0]!.name}`;
      }
      const sharp = /knife|stab|blade|glass|sharp|screwdriver|broken/i.test(a.method);
      const cat = sharp ? pickWeighted(rngCall, [[1, 30], [2, 70]]) : pickWeighted(rngCall, [[2, 45], [3, 45], [4, 10]]);
      calls.push({
        at,
        call: {
          callAt: stamp(at),
          easting,
          northing,
          lsoa,
          locationText: text,
          category: pickWeighted(rngCall, [[`Cat ${cat}`, 40], [`C${cat}`, 40], [`Category ${cat}`, 20]]),
          determinant: sharp ? '27D Stab/gunshot/penetrating trauma' : pickWeighted(rngCall, [['04D Assault - not alert', 20], ['04B Assault - possibly dangerous body area', 45], ['04A Assault - not dangerous body area', 35]]),
          conveyed: conveyed ? pickWeighted(rngCall, [['Y', 70], ['Conveyed', 30]]) : pickWeighted(rngCall, [['N', 60], ['See and treat', 30], ['Hear and treat', 10]]),
          ageBand: a.ageBand,
          sex: a.sex,
        },
      });
    };
    for (const a of attendances) if (rng.chance(INJURY_TARGETS.ambulanceShare)) make(a, true, rng);
    // Calls whose patient was not taken to hospital: look like hidden assaults, never reach the ED.
    const extra = Math.round(calls.length * INJURY_TARGETS.nonConveyedPerConveyed);
    const extraRng = rng.fork('not-conveyed');
    for (let k = 0; k < extra; k++) make(this.hidden(extraRng), false, extraRng);
    calls.sort((a, b) => a.at - b.at);
    return calls.map((c, i) => ({ callRef: `SYN-AMB-${String(i + 1).padStart(6, '0')}`, ...c.call }));
  }
}

/** Generates the gazetteer, ISTV attendances (sorted by arrival) and ambulance calls. */
export function generateInjury(area: SynthArea, options: PoliceOptions): InjuryData {
  const rng = new Rng(options.seed).fork('injury');
  const gen = new InjuryGenerator(area, options, rng);
  const zoneIndex = new Map(area.zones.map((z, i) => [z.code, i]));
  const knownRng = rng.fork('known');
  const attendances: SynthAttendance[] = [];
  let police = 0;
  for (const inc of generateIncidents(area, options)) {
    if (lookupHocr(inc.hocrCode)?.hoGroup !== 'Violence with injury') continue;
    police++;
    if (knownRng.chance(INJURY_TARGETS.edAttendanceShare)) attendances.push(gen.fromIncident(knownRng, inc, zoneIndex.get(inc.lsoaCode)!));
  }
  const known = attendances.length;
  // Sized from the expected number known, so 1 − f·P/E estimates the planted share without bias.
  const expectedKnown = INJURY_TARGETS.edAttendanceShare * police;
  const hidden = Math.round((expectedKnown * INJURY_TARGETS.hiddenShare) / (1 - INJURY_TARGETS.hiddenShare));
  const hiddenRng = rng.fork('hidden');
  for (let k = 0; k < hidden; k++) attendances.push(gen.hidden(hiddenRng));
  attendances.sort((a, b) => (a.arrival < b.arrival ? -1 : a.arrival > b.arrival ? 1 : a.assault < b.assault ? -1 : a.assault > b.assault ? 1 : 0));
  const calls = gen.calls(rng.fork('ambulance'), attendances);
  const g = gen.gazetteer;
  return {
    places: g.places,
    attendances,
    calls,
    planted: {
      targets: INJURY_TARGETS,
      policeViolenceWithInjury: police,
      knownToPolice: known,
      hidden,
      hiddenShareGenerated: hidden / (hidden + known),
      venueRanking: g.venues.slice(0, INJURY_TARGETS.topVenueWeights.length).map((v) => v.key),
      surgeVenue: g.venues[g.surge]!.key,
      namingAPlace: attendances.filter((a) => a.location.kind === 'place').length,
    },
  };
}

// --- Files -------------------------------------------------------------------------------------

export interface InjuryFiles {
  places: string;
  istvDir: string;
  istvFiles: string[];
  ambulance: string;
  manifest: string;
}

const line = (fields: readonly string[]) => fields.map(csvField).join(',') + '\n';

/** The gazetteer as the CSV `svo ingest places` reads: venues without an LSOA (found by point-in-polygon). */
export function gazetteerCsv(area: SynthArea, places: readonly SynthPlace[]): string {
  const out = [line(['place_id', 'name', 'aliases', 'type', 'street', 'latitude', 'longitude', 'lsoa_code'])];
  for (const p of places) {
    const [lon, lat] = bngToWgs84(p.easting, p.northing);
    out.push(line([p.key, p.name, p.aliases.join(';'), p.type, p.street ?? '', lat.toFixed(6), lon.toFixed(6), p.kind === 'venue' ? '' : area.zones[p.zone]!.code]));
  }
  return out.join('');
}

const ISTV_HEADER = ['site_code', 'reporting_period_start', 'reporting_period_end', 'arrival_datetime', 'assault_datetime', 'assault_method', 'assault_location_type', 'assault_location_description', 'age_band', 'sex', 'home_lsoa'];

/** Monthly ISTV returns (by arrival month), in the canonical columns with the header as columns. */
export function istvReturns(attendances: readonly SynthAttendance[]): Map<string, string> {
  const months = new Map<string, string[]>();
  for (const a of attendances) {
    const month = a.arrival.slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    let rows = months.get(month);
    if (!rows) months.set(month, (rows = [line(ISTV_HEADER)]));
    rows.push(line([ED_SITE, `${month}-01`, `${month}-${pad2(last)}`, a.arrival, a.assault, a.method, a.locationType, a.description, a.ageBand, a.sex, a.home]));
  }
  return new Map([...months].map(([k, v]) => [k, v.join('')]));
}

export function ambulanceCsv(calls: readonly SynthCall[]): string {
  const out = [line(['call_ref', 'call_datetime', 'easting', 'northing', 'lsoa_code', 'location_text', 'category', 'determinant', 'conveyed', 'age_band', 'sex'])];
  for (const c of calls) out.push(line([c.callRef, c.callAt, c.easting, c.northing, c.lsoa, c.locationText, c.category, c.determinant, c.conveyed, c.ageBand, c.sex]));
  return out.join('');
}

/** Writes the gazetteer, monthly ISTV returns (istv/), ambulance calls and a manifest into `dir`. */
export function writeInjuryFiles(dir: string, area: SynthArea, options: PoliceOptions, data: InjuryData = generateInjury(area, options)): InjuryFiles {
  const istvDir = join(dir, 'istv');
  mkdirSync(istvDir, { recursive: true });
  const files: InjuryFiles = {
    places: join(dir, 'gazetteer-synthetic.csv'),
    istvDir,
    istvFiles: [],
    ambulance: join(dir, 'ambulance-calls-synthetic.csv'),
    manifest: join(dir, 'injury-manifest.json'),
  };
  writeFileSync(files.places, gazetteerCsv(area, data.places));
  for (const [month, text] of istvReturns(data.attendances)) {
    const path = join(istvDir, `istv-${ED_SITE}-${month}.csv`);
    writeFileSync(path, text);
    files.istvFiles.push(path);
  }
  writeFileSync(files.ambulance, ambulanceCsv(data.calls));
  const manifest = {
    generator: 'svo synth (injury surveillance)',
    note: 'Synthetic data: every place, person and record is made up.',
    site: { code: ED_SITE, name: ED_SITE_NAME },
    ambulanceService: AMBULANCE_AGENCY,
    counts: { places: data.places.length, attendances: data.attendances.length, calls: data.calls.length },
    planted: data.planted,
  };
  writeFileSync(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
  return files;
}
