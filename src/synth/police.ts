/**
 * Seeded synthetic record-level police data for a synthetic area, in the canonical police extract
 * columns, with planted patterns documented in PATTERNS.md. Pure: no I/O, no clock.
 *
 * One incident (crime_ref) gives one row per victim × suspect pairing, as force extracts do; an
 * incident with no identified suspect gives one row per victim, and a possession offence (no victim)
 * one row per suspect.
 *
 * Every planted pattern is calibrated here against the area's own population, so its expected value is
 * known exactly (see `plantedTargets`): generated data then match the target up to sampling noise.
 */
import { wgs84ToBng } from '../core/geo/bng.js';
import { lookupHocr } from '../core/hocr/normalise.js';
import { AGE_COUNT, ETHNICITY_CODES, type SynthArea, type SynthZone } from './area.js';
import { AliasTable, Rng } from './random.js';
import {
  AFTER_SCHOOL_PLACES,
  BLADE_WEAPONS,
  BLANK_DOMESTIC,
  BLANK_LOCATION,
  BUSINESS_PLACES,
  DOMESTIC_KNIFE,
  DOMESTIC_PUBLIC,
  DOMESTIC_SUSPECT_KNOWN,
  DOW_WEIGHTS,
  ETHNICITY_MIX,
  HOME_PLACES,
  HOUR_WEIGHTS,
  KNIFE_FLAG_CODES,
  KNIFE_WEAPONS,
  MIXED_PLACES,
  NOT_STATED,
  OFFENCES,
  OTHER_WEAPONS,
  type Offence,
  POOL_DAYS,
  PRIVATE_PLACES,
  PUBLIC_PLACES,
  REPEAT_SUSPECT_PROBABILITY,
  REPEAT_VICTIM_PROBABILITY,
  ROBBERY_WEAPONS,
  TARGETS,
  type TimeProfile,
  U25_ROBBERY_SHARE,
  VIOLENT_WEAPONS,
  type WeaponSet,
  type Weighted,
  domesticSuspectRisk,
  domesticVictimRisk,
  generalVictimRisk,
  suspectRisk,
  svVictimRisk,
  victimMaleShare,
} from './tables.js';

export const POLICE_COLUMNS = [
  'crime_ref',
  'occurred_from',
  'occurred_to',
  'recorded_date',
  'hocr_code',
  'offence_description',
  'easting',
  'northing',
  'lsoa_code',
  'location_type',
  'domestic',
  'weapon',
  'victim_id',
  'victim_age',
  'victim_sex',
  'suspect_id',
  'suspect_age',
  'suspect_sex',
  'victim_ethnicity',
  'suspect_ethnicity',
  'victim_home_lsoa',
  'suspect_home_lsoa',
] as const;
export type PoliceColumn = (typeof POLICE_COLUMNS)[number];
/** One extract row: every column as the text written to the CSV ('' = blank). */
export type PoliceRow = Record<PoliceColumn, string>;

export interface PoliceOptions {
  seed: number;
  /** Whole years of data ending on endDate. */
  years: number;
  /** Volume multiplier: 1 = INCIDENTS_PER_YEAR_AT_SCALE_1 incidents a year. */
  scale: number;
  /** Last day covered, 'YYYY-MM-DD'; default DEFAULT_END_DATE (fixed, so output never depends on "now"). */
  endDate?: string;
}

export const DEFAULT_END_DATE = '2025-12-31';
/** Roughly what a force records a year for these offence codes in an area of ~250,000 people. */
export const INCIDENTS_PER_YEAR_AT_SCALE_1 = 10_000;

/**
 * Everyone generated, as parallel typed arrays (index = person number - 1): millions of people then
 * cost no garbage-collection work. `birth` is the day of birth relative to the first day of the period.
 */
class People {
  count = 0;
  birth = new Int32Array(4096);
  sex = new Uint8Array(4096);
  ethnicity = new Uint8Array(4096);
  /** Home zone index, -1 when not recorded. */
  home = new Int32Array(4096);

  add(birth: number, sex: number, ethnicity: number, home: number): number {
    if (this.count === this.birth.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.birth = grow(this.birth);
      this.sex = grow(this.sex);
      this.ethnicity = grow(this.ethnicity);
      this.home = grow(this.home);
    }
    const i = this.count++;
    this.birth[i] = birth;
    this.sex[i] = sex;
    this.ethnicity[i] = ethnicity;
    this.home[i] = home;
    return i;
  }
}

/** Codes written for sex: index 0 = not recorded. */
const SEX_TEXT = ['', 'M', 'F'] as const;

function personId(index: number): string {
  return `SP${String(1_000_000_000 + index + 1).slice(1)}`;
}

// ------------------------------------------------------------------------------------------------
// The generator
// ------------------------------------------------------------------------------------------------

/** One person in one incident. */
export interface SynthPerson {
  id: string;
  /** Age at the incident, or null when not recorded. */
  age: number | null;
  /** 'M', 'F' or '' */
  sex: string;
  ethnicity: string;
  /** Home zone code, or '' when not recorded. */
  home: string;
}

/** One generated incident, before it is flattened to rows. */
export interface SynthIncident {
  crimeRef: string;
  hocrCode: string;
  offenceDescription: string;
  /** 'YYYY-MM-DDTHH:MM' */
  occurredFrom: string;
  occurredTo: string;
  recordedDate: string;
  easting: string;
  northing: string;
  lsoaCode: string;
  locationType: string;
  /** 'Y', 'N' or '' */
  domestic: string;
  weapon: string;
  victims: SynthPerson[];
  suspects: SynthPerson[];
}

/** The generator's current incident, in reusable buffers (no allocation per incident). */
interface Current {
  offence: number;
  day: number;
  hour: number;
  minute: number;
  occurredTo: string;
  recordedDay: number;
  easting: string;
  northing: string;
  zone: number;
  locationType: string;
  domestic: string;
  weapon: string;
  nVictims: number;
  victims: Int32Array;
  victimAges: Int32Array;
  nSuspects: number;
  suspects: Int32Array;
  suspectAges: Int32Array;
}

function parseIsoDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`endDate must be YYYY-MM-DD, got '${text}'`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(t).toISOString().slice(0, 10);
  if (back !== text) throw new RangeError(`endDate '${text}' is not a real date`);
  return t;
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function aliasOf(w: Weighted): { table: AliasTable; values: string[] } {
  return { table: new AliasTable(w.map(([, x]) => x)), values: w.map(([v]) => csvField(v)) };
}

/** RFC 4180 quoting when needed. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

interface Calendar {
  days: string[];
  dow: Uint8Array;
  year: Uint16Array;
  /** Spring-forward day in Europe/London: 01:00–01:59 does not exist on the wall clock. */
  dstGap: Uint8Array;
  start: string;
  end: string;
}

function buildCalendar(endDate: string, years: number): Calendar {
  const endT = parseIsoDate(endDate);
  const end = new Date(endT);
  const startT = Date.UTC(end.getUTCFullYear() - years, end.getUTCMonth(), end.getUTCDate()) + DAY_MS;
  const n = Math.round((endT - startT) / DAY_MS) + 1;
  const days: string[] = [];
  const dow = new Uint8Array(n);
  const year = new Uint16Array(n);
  const dstGap = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = new Date(startT + i * DAY_MS);
    days.push(d.toISOString().slice(0, 10));
    dow[i] = ((d.getUTCDay() + 6) % 7) + 1;
    year[i] = d.getUTCFullYear();
    // Last Sunday of March.
    dstGap[i] = d.getUTCMonth() === 2 && d.getUTCDay() === 0 && d.getUTCDate() > 24 ? 1 : 0;
  }
  return { days, dow, year, dstGap, start: days[0]!, end: days[n - 1]! };
}

/** The numbers a generator was calibrated to, for tests and documentation. */
export interface PlantedTargets {
  period: { start: string; end: string; days: number };
  incidents: number;
  hotspotCodes: string[];
  /** Expected in-definition SV rate of each hotspot zone ÷ the area's rate. */
  hotspotExpectedRatio: Record<string, number>;
  /** Expected relative in-definition SV rate per resident by IMD decile (decile 10 = 1). */
  decileRelativeRate: number[];
  /** P(suspect group is under 25) for in-definition SV, calibrated to u25SuspectRateRatio. */
  u25SuspectShare: number;
  /** Knife probability multiplier applied to the base table to reach knifeEnabledShare. */
  knifeCalibration: number;
  targets: typeof TARGETS;
}

interface ZoneSampler {
  table: AliasTable;
}

/**
 * The generator state: calibrated tables built once per (area, options), then `next()` per incident.
 */
class PoliceGenerator {
  readonly calendar: Calendar;
  readonly incidents: number;
  readonly planted: PlantedTargets;
  private readonly rng: Rng;
  private readonly offenceTable: AliasTable;
  private readonly offenceDescriptions: string[];
  private readonly zoneSv: ZoneSampler;
  private readonly zoneDomestic: ZoneSampler;
  private readonly zoneGeneral: ZoneSampler;
  private readonly dayTables: Record<TimeProfile | 'robberyU25', AliasTable>;
  private readonly hourTables: Record<TimeProfile, { weekday: AliasTable; weekend: AliasTable }>;
  private readonly places: Record<'public' | 'afterSchool' | 'business' | 'private' | 'home' | 'mixed', ReturnType<typeof aliasOf>>;
  private readonly weapons: Record<'knife' | WeaponSet, ReturnType<typeof aliasOf>>;
  private readonly ages: Record<'svVictim' | 'generalVictim' | 'suspectU25' | 'suspect25' | 'domVictim' | 'domSuspect', AliasTable>;
  private readonly ethnicity: AliasTable[];
  private readonly knifeProbability: number[];
  private readonly u25ShareByOffence: number[];
  /** Zone geometry in BNG metres, for sampling points inside zones (see `pointIn`). */
  private readonly geometry: ZoneGeometry[];
  private readonly districtZones: Int32Array[];
  private readonly districtOfZone: Int32Array;
  /** Earlier people per quarter (index = day / POOL_DAYS), as person indexes. */
  private readonly pools = {
    victim: [] as number[][],
    domVictim: [] as number[][],
    suspectU25: [] as number[][],
    suspect25: [] as number[][],
    domSuspect: [] as number[][],
  };
  private readonly people = new People();
  private readonly zoneCodes: string[];
  private readonly ethnicityText: string[];
  private readonly cur: Current = {
    offence: 0,
    day: 0,
    hour: 0,
    minute: 0,
    occurredTo: '',
    recordedDay: 0,
    easting: '',
    northing: '',
    zone: 0,
    locationType: '',
    domestic: '',
    weapon: '',
    nVictims: 0,
    victims: new Int32Array(8),
    victimAges: new Int32Array(8),
    nSuspects: 0,
    suspects: new Int32Array(8),
    suspectAges: new Int32Array(8),
  };
  private serial = 0;
  private readonly point: [number, number] = [0, 0];

  constructor(
    readonly area: SynthArea,
    options: PoliceOptions,
  ) {
    const { seed, years, scale } = options;
    if (!Number.isInteger(years) || years < 1 || years > 30) throw new RangeError(`years must be a whole number from 1 to 30, got ${years}`);
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
    this.calendar = buildCalendar(options.endDate ?? DEFAULT_END_DATE, years);
    this.incidents = Math.max(1, Math.round(INCIDENTS_PER_YEAR_AT_SCALE_1 * scale * years));
    this.rng = new Rng(seed).fork('police');
    const zones = area.zones;

    this.offenceTable = new AliasTable(OFFENCES.map((o) => o.volume));
    this.offenceDescriptions = OFFENCES.map((o) => lookupHocr(o.code)?.description ?? '');
    this.zoneCodes = zones.map((z) => z.code);
    this.ethnicityText = [...ETHNICITY_CODES];

    // --- Zones: deprivation gradient and hotspots, calibrated per decile -------------------------
    const g = (decile: number) => TARGETS.deprivationRatio ** ((10 - decile) / 9);
    const popByDecile = new Array<number>(11).fill(0);
    const hotPopByDecile = new Array<number>(11).fill(0);
    for (const z of zones) {
      popByDecile[z.imdDecile]! += z.population;
      hotPopByDecile[z.imdDecile]! += z.population * (z.hotspot ? TARGETS.hotspotMultiplier : 1);
    }
    // d[k] = g(k) / H[k], H = population-weighted mean hotspot multiplier in the decile.
    const d = popByDecile.map((p, k) => (p > 0 ? g(k) / (hotPopByDecile[k]! / p) : 0));
    const svWeights = zones.map((z) => z.population * d[z.imdDecile]! * (z.hotspot ? TARGETS.hotspotMultiplier : 1));
    this.zoneSv = { table: new AliasTable(svWeights) };
    this.zoneDomestic = { table: new AliasTable(zones.map((z) => z.population * 2 ** ((10 - z.imdDecile) / 9))) };
    this.zoneGeneral = {
      table: new AliasTable(zones.map((z) => z.population * 2 ** ((10 - z.imdDecile) / 9) * (z.hotspot ? 2 : 1) * (z.city ? 1.2 : 1))),
    };
    const totalSv = svWeights.reduce((s, w) => s + w, 0);
    const areaRate = totalSv / area.population;
    const hotspotExpectedRatio: Record<string, number> = {};
    zones.forEach((z, i) => {
      if (z.hotspot) hotspotExpectedRatio[z.code] = svWeights[i]! / z.population / areaRate;
    });
    this.districtOfZone = new Int32Array(zones.length);
    this.districtZones = area.districts.map((dist, k) => {
      for (const i of dist.zoneIndexes) this.districtOfZone[i] = k;
      return Int32Array.from(dist.zoneIndexes);
    });

    // --- Time -------------------------------------------------------------------------------
    const cal = this.calendar;
    const n = cal.days.length;
    const dayWeights = (profile: TimeProfile, growth: number) => {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[i] = DOW_WEIGHTS[profile][cal.dow[i]! - 1]! * growth ** (i / 365.25);
      return new AliasTable(w);
    };
    this.dayTables = {
      nte: dayWeights('nte', 1),
      domestic: dayWeights('domestic', 1),
      flat: dayWeights('flat', 1),
      robberyU25: dayWeights('nte', TARGETS.robberyU25AnnualGrowth),
    };
    const hours = (p: TimeProfile) => ({ weekday: new AliasTable([...HOUR_WEIGHTS[p].weekday]), weekend: new AliasTable([...HOUR_WEIGHTS[p].weekend]) });
    this.hourTables = { nte: hours('nte'), domestic: hours('domestic'), flat: hours('flat') };

    this.places = {
      public: aliasOf(PUBLIC_PLACES),
      afterSchool: aliasOf(AFTER_SCHOOL_PLACES),
      business: aliasOf(BUSINESS_PLACES),
      private: aliasOf(PRIVATE_PLACES),
      home: aliasOf(HOME_PLACES),
      mixed: aliasOf(MIXED_PLACES),
    };
    this.weapons = {
      knife: aliasOf(KNIFE_WEAPONS),
      violent: aliasOf(VIOLENT_WEAPONS),
      robbery: aliasOf(ROBBERY_WEAPONS),
      none: aliasOf([['', 1]]),
      blade: aliasOf(BLADE_WEAPONS),
      otherWeapon: aliasOf(OTHER_WEAPONS),
    };

    // --- Ages: calibrated against the area's population by age --------------------------------
    const popAge = new Float64Array(AGE_COUNT);
    for (const z of zones) for (let a = 0; a < AGE_COUNT; a++) popAge[a]! += z.populationByAge[a]!;
    const ageTable = (risk: (a: number) => number, from = 0, to = AGE_COUNT - 1) => {
      const w = new Float64Array(AGE_COUNT);
      for (let a = from; a <= to; a++) w[a] = popAge[a]! * risk(a);
      return new AliasTable(w);
    };
    this.ages = {
      svVictim: ageTable(svVictimRisk),
      generalVictim: ageTable(generalVictimRisk),
      suspectU25: ageTable(suspectRisk, 10, 24),
      suspect25: ageTable(suspectRisk, 25),
      domVictim: ageTable(domesticVictimRisk),
      domSuspect: ageTable(domesticSuspectRisk),
    };
    let pop10to24 = 0;
    let pop25plus = 0;
    for (let a = 10; a < AGE_COUNT; a++) {
      if (a < 25) pop10to24 += popAge[a]!;
      else pop25plus += popAge[a]!;
    }
    const q = (TARGETS.u25SuspectRateRatio * pop10to24) / (TARGETS.u25SuspectRateRatio * pop10to24 + pop25plus);

    // In-definition weight per offence: volume × P(not domestic) × P(location recorded) × P(public).
    const inDef = OFFENCES.map((o) => (o.sv ? o.volume * (1 - o.domesticShare) * (1 - BLANK_LOCATION) * o.publicShare : 0));
    const meanSuspects = (o: Offence) => o.suspectKnown * o.suspects.reduce((s, p, k) => s + p * k, 0);
    // Robbery groups are younger; the other SV codes take the rest so the overall share is q.
    let robberyS = 0;
    let otherS = 0;
    OFFENCES.forEach((o, i) => {
      const s = inDef[i]! * meanSuspects(o);
      if (o.robbery) robberyS += s;
      else otherS += s;
    });
    const robberyQ = Math.min(0.95, Math.max(q, U25_ROBBERY_SHARE));
    const otherQ = Math.max(0.02, (q * (robberyS + otherS) - robberyQ * robberyS) / otherS);
    this.u25ShareByOffence = OFFENCES.map((o) => (o.robbery ? robberyQ : o.sv ? otherQ : q));

    // Knife: scale the base probabilities so the in-definition knife-enabled share is the target.
    // Only codes on the definition's knife list count (5E, for example, does not).
    let knifeNum = 0;
    let knifeDen = 0;
    OFFENCES.forEach((o, i) => {
      knifeDen += inDef[i]!;
      if (KNIFE_FLAG_CODES.has(o.code)) knifeNum += inDef[i]! * o.knife;
    });
    const knifeCalibration = (TARGETS.knifeEnabledShare * knifeDen) / knifeNum;
    this.knifeProbability = OFFENCES.map((o) => Math.min(0.95, o.knife * (o.sv ? knifeCalibration : 1)));

    // Ethnicity by home zone.
    const otherCodes = ETHNICITY_CODES.filter((c) => c !== 'W1' && c !== 'NS');
    const otherTotal = otherCodes.reduce((s, c) => s + ETHNICITY_MIX[c]!, 0);
    this.ethnicity = zones.map((z) =>
      new AliasTable(
        ETHNICITY_CODES.map((c) => (c === 'W1' ? 1 - z.diversity - NOT_STATED : c === 'NS' ? NOT_STATED : (z.diversity * ETHNICITY_MIX[c]!) / otherTotal)),
      ),
    );

    // Zone polygons in BNG (projected once per zone; points are then placed in metres).
    const focusRng = this.rng.fork('focus');
    this.geometry = zones.map((z) => zoneGeometry(z, focusRng));

    const decileRelativeRate = new Array<number>(11).fill(0).map((_, k) => (k === 0 ? 0 : g(k)));
    this.planted = {
      period: { start: cal.start, end: cal.end, days: n },
      incidents: this.incidents,
      hotspotCodes: area.hotspotCodes,
      hotspotExpectedRatio,
      decileRelativeRate,
      u25SuspectShare: q,
      knifeCalibration,
      targets: TARGETS,
    };
  }

  private pick(set: ReturnType<typeof aliasOf>): string {
    return set.values[set.table.sample(this.rng)]!;
  }

  private sampleAge(table: AliasTable): number {
    const a = table.sample(this.rng);
    return a === AGE_COUNT - 1 ? a + this.rng.int(8) : a;
  }

  /** A new person of `age` on `day`, living in `home` (-1: not recorded; ethnicity then from `zone`). */
  private newPerson(age: number, day: number, sex: number, home: number, zone: number): number {
    const birth = Math.floor(day - age * 365.25 - this.rng.next() * 365);
    const ethnicity = this.ethnicity[home >= 0 ? home : zone]!.sample(this.rng);
    return this.people.add(birth, sex, ethnicity, home);
  }

  /** Home zone: the incident's zone, elsewhere in its district, anywhere, or not recorded (-1). */
  private homeZone(zone: number, local: number): number {
    const r = this.rng.next();
    if (r < local) return zone;
    if (r < local + 0.3) {
      const district = this.districtZones[this.districtOfZone[zone]!]!;
      return district[this.rng.int(district.length)]!;
    }
    if (r < 0.95) return this.rng.int(this.area.zones.length);
    return -1;
  }

  /**
   * Someone from the same or an adjacent quarter's pool, aged minAge..maxAge on `day` and not already
   * among the first `n` of `taken`; -1 when the draw fails (the caller then creates a new person).
   */
  private repeat(pool: number[][], day: number, taken: Int32Array, n: number, minAge: number, maxAge: number): number {
    const people = pool[Math.floor(day / POOL_DAYS) + this.rng.int(3) - 1];
    if (people === undefined || people.length === 0) return -1;
    const person = people[this.rng.int(people.length)]!;
    const age = Math.floor((day - this.people.birth[person]!) / 365.25);
    if (age < minAge || age > maxAge) return -1;
    for (let k = 0; k < n; k++) if (taken[k] === person) return -1;
    return person;
  }

  private remember(pool: number[][], day: number, person: number): void {
    (pool[Math.floor(day / POOL_DAYS)] ??= []).push(person);
  }

  private ageOn(person: number, day: number): number {
    return Math.floor((day - this.people.birth[person]!) / 365.25);
  }

  /** Generates the next incident into `this.cur`. */
  next(): void {
    const rng = this.rng;
    const cal = this.calendar;
    const cur = this.cur;
    const oi = this.offenceTable.sample(rng);
    const o = OFFENCES[oi]!;
    cur.offence = oi;
    const domestic = rng.chance(o.domesticShare);
    // Suspect age group first: the robbery trend depends on it.
    const suspectKnown = rng.chance(domestic ? DOMESTIC_SUSPECT_KNOWN : o.suspectKnown);
    const u25Group = rng.chance(this.u25ShareByOffence[oi]!);

    // When: day by profile (robbery by under-25s grows year on year), then hour and minute.
    const profile: TimeProfile = domestic ? 'domestic' : o.people === 'sv' ? 'nte' : 'flat';
    const day = (o.robbery && u25Group && !domestic ? this.dayTables.robberyU25 : this.dayTables[profile]).sample(rng);
    const weekend = cal.dow[day]! >= 6;
    let hour = (weekend ? this.hourTables[profile].weekend : this.hourTables[profile].weekday).sample(rng);
    if (hour === 1 && cal.dstGap[day] === 1) hour = 2;
    const mr = rng.next();
    const minute = mr < 0.25 ? 0 : mr < 0.35 ? 30 : rng.int(60);
    cur.day = day;
    cur.hour = hour;
    cur.minute = minute;

    // Where.
    const zone = (domestic ? this.zoneDomestic : o.people === 'sv' ? this.zoneSv : this.zoneGeneral).table.sample(rng);
    cur.zone = zone;
    let locationType: string;
    if (rng.chance(BLANK_LOCATION)) locationType = '';
    else if (domestic) locationType = rng.chance(DOMESTIC_PUBLIC) ? 'Street' : this.pick(this.places.home);
    else if (o.places === 'business') locationType = this.pick(this.places.business);
    else if (o.places === 'dwelling') locationType = this.pick(this.places.home);
    else if (o.places === 'mixed') locationType = this.pick(this.places.mixed);
    else if (rng.chance(o.publicShare)) locationType = this.pick(!weekend && hour >= 14 && hour <= 17 ? this.places.afterSchool : this.places.public);
    else locationType = this.pick(this.places.private);
    cur.locationType = locationType;
    cur.domestic = domestic ? 'Y' : rng.chance(BLANK_DOMESTIC) ? '' : 'N';

    // Weapon.
    const knifeP = domestic ? (o.weapons === 'violent' ? DOMESTIC_KNIFE : 0) : this.knifeProbability[oi]!;
    cur.weapon = knifeP > 0 && rng.chance(knifeP) ? this.pick(this.weapons.knife) : this.pick(this.weapons[o.weapons]);

    // Point inside the zone; a third of the points cluster round the zone's focal point.
    if (rng.chance(0.005)) {
      cur.easting = '';
      cur.northing = '';
    } else {
      pointIn(this.geometry[zone]!, rng, rng.chance(0.35), this.point);
      cur.easting = String(Math.round(this.point[0]));
      cur.northing = String(Math.round(this.point[1]));
    }

    // Victims: sometimes someone already a victim in the same or an adjacent quarter.
    const nVictims = Math.min(8, sampleCount(rng, o.victims));
    const victimPool = domestic ? this.pools.domVictim : this.pools.victim;
    for (let k = 0; k < nVictims; k++) {
      let v = rng.chance(REPEAT_VICTIM_PROBABILITY) ? this.repeat(victimPool, day, cur.victims, k, 5, 100) : -1;
      let age: number;
      if (v < 0) {
        age = this.sampleAge(domestic ? this.ages.domVictim : o.people === 'sv' ? this.ages.svVictim : this.ages.generalVictim);
        const male = domestic ? 0.22 : victimMaleShare(age);
        const sexR = rng.next();
        const sex = sexR < 0.01 ? 0 : sexR < 0.01 + 0.99 * male ? 1 : 2;
        v = this.newPerson(age, day, sex, this.homeZone(zone, 0.55), zone);
        this.remember(victimPool, day, v);
      } else age = this.ageOn(v, day);
      cur.victims[k] = v;
      cur.victimAges[k] = rng.chance(0.02) ? -1 : age;
    }
    cur.nVictims = nVictims;

    // Suspects: possession offences always have one; others when identified. Groups share an age group.
    const nSuspects = nVictims === 0 || suspectKnown ? Math.min(8, Math.max(1, sampleCount(rng, o.suspects))) : 0;
    const suspectPool = domestic ? this.pools.domSuspect : u25Group ? this.pools.suspectU25 : this.pools.suspect25;
    const minAge = domestic || u25Group ? 10 : 25;
    const maxAge = !domestic && u25Group ? 24 : 100;
    for (let k = 0; k < nSuspects; k++) {
      let p = rng.chance(REPEAT_SUSPECT_PROBABILITY) ? this.repeat(suspectPool, day, cur.suspects, k, minAge, maxAge) : -1;
      let age: number;
      if (p < 0) {
        age = this.sampleAge(domestic ? this.ages.domSuspect : u25Group ? this.ages.suspectU25 : this.ages.suspect25);
        const sexR = rng.next();
        const sex = sexR < 0.02 ? 0 : sexR < 0.02 + 0.98 * (domestic ? 0.8 : 0.85) ? 1 : 2;
        p = this.newPerson(age, day, sex, this.homeZone(zone, 0.4), zone);
        this.remember(suspectPool, day, p);
      } else age = this.ageOn(p, day);
      cur.suspects[k] = p;
      cur.suspectAges[k] = rng.chance(0.05) ? -1 : age;
    }
    cur.nSuspects = nSuspects;

    // Dates.
    this.serial++;
    cur.occurredTo = '';
    if (rng.chance(0.45)) {
      const end = hour * 60 + minute + 5 + rng.int(180);
      const endDay = day + Math.floor(end / 1440);
      if (endDay < cal.days.length) {
        let endHour = Math.floor((end % 1440) / 60);
        if (endHour === 1 && cal.dstGap[endDay] === 1) endHour = 2;
        cur.occurredTo = `${cal.days[endDay]}T${PAD2[endHour]}:${PAD2[end % 60]}`;
      }
    }
    const rr = rng.next();
    const delay = rr < 0.7 ? 0 : rr < 0.9 ? 1 : 2 + rng.int(29);
    cur.recordedDay = Math.min(day + delay, cal.days.length - 1);
  }

  private crimeRef(): string {
    return `SYN/${this.calendar.days[this.cur.day]!.slice(2, 4)}/${String(10_000_000 + this.serial).slice(1)}`;
  }

  /** The current incident as CSV lines, one per victim × suspect pairing, each ending in '\n'. */
  csvLines(): string {
    const cur = this.cur;
    const cal = this.calendar;
    const o = OFFENCES[cur.offence]!;
    const head =
      `${this.crimeRef()},${cal.days[cur.day]}T${PAD2[cur.hour]}:${PAD2[cur.minute]},${cur.occurredTo},${cal.days[cur.recordedDay]},` +
      `${o.code},${csvField(this.offenceDescriptions[cur.offence]!)},${cur.easting},${cur.northing},${this.zoneCodes[cur.zone]},` +
      `${cur.locationType},${cur.domestic},${cur.weapon},`;
    const people = this.people;
    const nv = Math.max(1, cur.nVictims);
    const ns = Math.max(1, cur.nSuspects);
    let out = '';
    for (let i = 0; i < nv; i++) {
      let victim = ',,,';
      let victimTail = ',';
      let victimHome = '';
      if (cur.nVictims > 0) {
        const v = cur.victims[i]!;
        const age = cur.victimAges[i]!;
        victim = `${personId(v)},${age < 0 ? '' : age},${SEX_TEXT[people.sex[v]!]},`;
        victimTail = `${this.ethnicityText[people.ethnicity[v]!]},`;
        const h = people.home[v]!;
        victimHome = h < 0 ? '' : this.zoneCodes[h]!;
      }
      for (let j = 0; j < ns; j++) {
        if (cur.nSuspects > 0) {
          const p = cur.suspects[j]!;
          const age = cur.suspectAges[j]!;
          const h = people.home[p]!;
          out += `${head}${victim}${personId(p)},${age < 0 ? '' : age},${SEX_TEXT[people.sex[p]!]},${victimTail}${this.ethnicityText[people.ethnicity[p]!]},${victimHome},${h < 0 ? '' : this.zoneCodes[h]}\n`;
        } else {
          out += `${head}${victim},,,${victimTail},${victimHome},\n`;
        }
      }
    }
    return out;
  }

  /** Rows in the current incident. */
  rowCount(): number {
    return Math.max(1, this.cur.nVictims) * Math.max(1, this.cur.nSuspects);
  }

  /** The current incident as an object (for tests and small consumers; allocates). */
  incident(): SynthIncident {
    const cur = this.cur;
    const cal = this.calendar;
    const o = OFFENCES[cur.offence]!;
    const person = (p: number, age: number): SynthPerson => {
      const h = this.people.home[p]!;
      return {
        id: personId(p),
        age: age < 0 ? null : age,
        sex: SEX_TEXT[this.people.sex[p]!]!,
        ethnicity: this.ethnicityText[this.people.ethnicity[p]!]!,
        home: h < 0 ? '' : this.zoneCodes[h]!,
      };
    };
    const victims: SynthPerson[] = [];
    for (let k = 0; k < cur.nVictims; k++) victims.push(person(cur.victims[k]!, cur.victimAges[k]!));
    const suspects: SynthPerson[] = [];
    for (let k = 0; k < cur.nSuspects; k++) suspects.push(person(cur.suspects[k]!, cur.suspectAges[k]!));
    return {
      crimeRef: this.crimeRef(),
      hocrCode: o.code,
      offenceDescription: this.offenceDescriptions[cur.offence]!,
      occurredFrom: `${cal.days[cur.day]}T${PAD2[cur.hour]}:${PAD2[cur.minute]}`,
      occurredTo: cur.occurredTo,
      recordedDate: cal.days[cur.recordedDay]!,
      easting: cur.easting,
      northing: cur.northing,
      lsoaCode: this.zoneCodes[cur.zone]!,
      locationType: cur.locationType,
      domestic: cur.domestic,
      weapon: cur.weapon,
      victims,
      suspects,
    };
  }
}

/**
 * A zone's convex polygon in BNG as a fan of triangles from its site, for uniform sampling. Points are
 * pulled 15% of the way back towards the site, so they keep clear of the boundary (and of rounding to
 * whole metres and the WGS84 round trip when the ingest locates them).
 */
interface ZoneGeometry {
  siteE: number;
  siteN: number;
  /** Polygon vertices, interleaved easting, northing (not closed). */
  vertices: Float64Array;
  /** Cumulative triangle areas: triangle k is (site, vertex k, vertex k + 1). */
  cumulative: Float64Array;
  /** A fixed point inside the zone that a share of its incidents cluster round. */
  focusE: number;
  focusN: number;
}

const INSET = 0.85;
const CLUSTER = 0.3;

function zoneGeometry(zone: SynthZone, rng: Rng): ZoneGeometry {
  const [siteE, siteN] = wgs84ToBng(zone.site[0], zone.site[1]);
  const corners = zone.ring.slice(0, -1);
  const vertices = new Float64Array(corners.length * 2);
  corners.forEach(([lon, lat], k) => {
    const [e, n] = wgs84ToBng(lon, lat);
    vertices[k * 2] = e;
    vertices[k * 2 + 1] = n;
  });
  const cumulative = new Float64Array(corners.length);
  let total = 0;
  for (let k = 0; k < corners.length; k++) {
    const m = (k + 1) % corners.length;
    const ax = vertices[k * 2]! - siteE;
    const ay = vertices[k * 2 + 1]! - siteN;
    const bx = vertices[m * 2]! - siteE;
    const by = vertices[m * 2 + 1]! - siteN;
    total += Math.abs(ax * by - ay * bx) / 2;
    cumulative[k] = total;
  }
  const geometry: ZoneGeometry = { siteE, siteN, vertices, cumulative, focusE: siteE, focusN: siteN };
  const focus: [number, number] = [0, 0];
  pointIn(geometry, rng, false, focus);
  geometry.focusE = focus[0];
  geometry.focusN = focus[1];
  return geometry;
}

/** A point in the zone (uniform over its inset polygon, or clustered round its focus) into `out`. */
function pointIn(g: ZoneGeometry, rng: Rng, cluster: boolean, out: [number, number]): void {
  const cum = g.cumulative;
  const target = rng.next() * cum[cum.length - 1]!;
  let k = 0;
  while (k < cum.length - 1 && cum[k]! <= target) k++;
  const m = (k + 1) % cum.length;
  let r1 = rng.next();
  let r2 = rng.next();
  if (r1 + r2 > 1) {
    r1 = 1 - r1;
    r2 = 1 - r2;
  }
  const v = g.vertices;
  let e = g.siteE + INSET * (r1 * (v[k * 2]! - g.siteE) + r2 * (v[m * 2]! - g.siteE));
  let n = g.siteN + INSET * (r1 * (v[k * 2 + 1]! - g.siteN) + r2 * (v[m * 2 + 1]! - g.siteN));
  if (cluster) {
    // Between the focus and a uniform point: both lie in the convex inset polygon, so this does too.
    e = g.focusE + CLUSTER * (e - g.focusE);
    n = g.focusN + CLUSTER * (n - g.focusN);
  }
  out[0] = e;
  out[1] = n;
}

function sampleCount(rng: Rng, distribution: readonly number[]): number {
  let r = rng.next();
  for (let k = 0; k < distribution.length; k++) {
    r -= distribution[k]!;
    if (r < 0) return k;
  }
  return distribution.length - 1;
}

// ------------------------------------------------------------------------------------------------
// Public API
// ------------------------------------------------------------------------------------------------

/** The targets a generator with these options is calibrated to (cheap: builds the tables only). */
export function plantedTargets(area: SynthArea, options: PoliceOptions): PlantedTargets {
  return new PoliceGenerator(area, options).planted;
}

/** Incidents as structured objects (people included), in generation order. */
export function* generateIncidents(area: SynthArea, options: PoliceOptions): Generator<SynthIncident> {
  const gen = new PoliceGenerator(area, options);
  for (let i = 0; i < gen.incidents; i++) {
    gen.next();
    yield gen.incident();
  }
}

/** Extract rows, one per victim × suspect pairing. */
export function* generatePoliceRows(area: SynthArea, options: PoliceOptions): Generator<PoliceRow> {
  for (const inc of generateIncidents(area, options)) yield* incidentRows(inc);
}

/** The rows of one incident. */
export function incidentRows(inc: SynthIncident): PoliceRow[] {
  const rows: PoliceRow[] = [];
  const victims = inc.victims.length > 0 ? inc.victims : [null];
  const suspects = inc.suspects.length > 0 ? inc.suspects : [null];
  for (const v of victims) {
    for (const s of suspects) {
      rows.push({
        crime_ref: inc.crimeRef,
        occurred_from: inc.occurredFrom,
        occurred_to: inc.occurredTo,
        recorded_date: inc.recordedDate,
        hocr_code: inc.hocrCode,
        offence_description: inc.offenceDescription,
        easting: inc.easting,
        northing: inc.northing,
        lsoa_code: inc.lsoaCode,
        location_type: inc.locationType,
        domestic: inc.domestic,
        weapon: inc.weapon,
        victim_id: v?.id ?? '',
        victim_age: v?.age == null ? '' : String(v.age),
        victim_sex: v?.sex ?? '',
        suspect_id: s?.id ?? '',
        suspect_age: s?.age == null ? '' : String(s.age),
        suspect_sex: s?.sex ?? '',
        victim_ethnicity: v?.ethnicity ?? '',
        suspect_ethnicity: s?.ethnicity ?? '',
        victim_home_lsoa: v?.home ?? '',
        suspect_home_lsoa: s?.home ?? '',
      });
    }
  }
  return rows;
}

export interface CsvOptions {
  /**
   * Rows (approximately: incidents are never split) per yielded chunk; default 500. Small chunks are
   * much faster: their strings die young, so the garbage collector never has to promote them.
   */
  chunkRows?: number;
  /** Write the header line first (default true). */
  header?: boolean;
}

/**
 * The extract as CSV text in chunks (UTF-8, LF, RFC 4180 quoting where needed). Each chunk ends on a
 * record boundary, so chunks can be written or streamed as they come.
 */
export function* generatePoliceCsv(area: SynthArea, options: PoliceOptions, csv: CsvOptions = {}): Generator<string> {
  const gen = new PoliceGenerator(area, options);
  const chunkRows = csv.chunkRows ?? 500;
  let parts: string[] = [];
  let rows = 0;
  if (csv.header ?? true) parts.push(`${POLICE_COLUMNS.join(',')}\n`);
  for (let i = 0; i < gen.incidents; i++) {
    gen.next();
    parts.push(gen.csvLines());
    rows += gen.rowCount();
    if (rows >= chunkRows) {
      yield parts.join('');
      parts = [];
      rows = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** Mean extract rows per incident with the default tables (measured; police.test.ts checks it). */
export const ROWS_PER_INCIDENT = 1.43;

/**
 * Expected extract rows for options (within about 2%), e.g. to pick a scale for a benchmark:
 * 1,000,000 rows ≈ years 3, scale 23.3.
 */
export function estimateRows(options: Pick<PoliceOptions, 'years' | 'scale'>): number {
  return Math.round(INCIDENTS_PER_YEAR_AT_SCALE_1 * options.scale * options.years * ROWS_PER_INCIDENT);
}

/** The scale that gives about `rows` extract rows over `years`. */
export function scaleForRows(rows: number, years: number): number {
  return rows / (INCIDENTS_PER_YEAR_AT_SCALE_1 * years * ROWS_PER_INCIDENT);
}
