import { ageAt, parseDateTime } from '../../core/values/dates.js';
import { LSOA_CODE, parseAge, parseFlag, parseNumber, parseSex, roundedText } from '../../core/values/fields.js';
import { bngToWgs84, wgs84ToBng } from '../../core/geo/bng.js';
import { isInBng, isInUk } from '../../core/geo/uk.js';
import { normaliseHocrCode, lookupHocr } from '../../core/hocr/normalise.js';
import { csvField } from '../common/csv.js';
import type { Pseudonymiser } from '../common/pseudonymise.js';
import type { Reject } from '../common/types.js';
import { IDENTIFIER_COLUMNS, POLICE_COLUMNS, type PoliceColumn } from './columns.js';
import { valueMapper, type PoliceProfile } from './profile.js';

export type Role = 'victim' | 'suspect';

/**
 * Where accepted incidents go as they are read, so that an extract of millions of rows is never held
 * in memory: the ingest writes them to spool files and loads those in one transaction at the end.
 */
export interface IncidentSink {
  /**
   * A new incident, numbered from 0 in the order first seen; `fields` are its columns after
   * source_record_id in INCIDENT_TABLE_COLUMNS order, as CSV.
   */
  incident(ordinal: number, crimeRef: string, fields: string): void;
  /** A person of incident `ordinal`: PEOPLE_TABLE_COLUMNS after incident_id, as CSV. */
  person(ordinal: number, fragment: string): void;
}

/**
 * What is remembered of each incident while the rest of the file is read, enough to merge later rows,
 * kept in columns indexed by the incident's ordinal (a 1M-row extract has about 700,000 incidents;
 * as objects holding strings they took 430 bytes each, which a 1 GB budget cannot spare).
 * - its offence date, as a number (a later row with a different date is counted as a conflict);
 * - per role, one token per person kept: for an identified person, the first 48 bits of the
 *   pseudonym (a later row naming the same person adds nothing; two different people of one incident
 *   would share them with odds of 1 in 2.8 × 10^14, the pseudonyms being HMAC output); for an
 *   unidentified one, the whole fragment as text (added again only if some detail differs).
 */
class SeenIncidents {
  private readonly ordinals = new Map<string, number>();
  private occurred = new Float64Array(1 << 12);
  /** Each role's first identified person (NaN: none yet); more identified people are in `more`. */
  private readonly first: Record<Role, Float64Array> = { victim: new Float64Array(1 << 12), suspect: new Float64Array(1 << 12) };
  private readonly more: Record<Role, Map<number, number[]>> = { victim: new Map(), suspect: new Map() };
  /** Unidentified people's fragments, by incident. */
  private readonly fragments: Record<Role, Map<number, string[]>> = { victim: new Map(), suspect: new Map() };
  private last: { crimeRef: string; ordinal: number } | null = null;
  /** Offence dates not in the canonical 'YYYY-MM-DD HH:MM:SS' form, kept as text (none in practice). */
  private readonly oddDates = new Map<number, string>();

  get size(): number {
    return this.ordinals.size;
  }

  ordinalOf(crimeRef: string): number | undefined {
    // A crime's rows usually come together (one per person pairing): no need to ask the map again.
    if (this.last !== null && crimeRef === this.last.crimeRef) return this.last.ordinal;
    const ordinal = this.ordinals.get(crimeRef);
    if (ordinal !== undefined) this.last = { crimeRef, ordinal };
    return ordinal;
  }

  add(crimeRef: string, occurredFrom: string): number {
    const ordinal = this.ordinals.size;
    if (ordinal === this.occurred.length) this.grow();
    this.ordinals.set(crimeRef, ordinal);
    this.last = { crimeRef, ordinal };
    const date = dateNumber(occurredFrom);
    this.occurred[ordinal] = date;
    if (Number.isNaN(date)) this.oddDates.set(ordinal, detached(occurredFrom));
    this.first.victim[ordinal] = NaN;
    this.first.suspect[ordinal] = NaN;
    return ordinal;
  }

  sameDate(ordinal: number, occurredFrom: string): boolean {
    const date = dateNumber(occurredFrom);
    return Number.isNaN(date) ? this.oddDates.get(ordinal) === occurredFrom : this.occurred[ordinal] === date;
  }

  /** Records a person of the role; false when the incident has them already. */
  addPerson(ordinal: number, role: Role, p: PersonReading): boolean {
    const bits = p.key === null ? NaN : pseudonymBits(p.key);
    if (Number.isNaN(bits)) return addToList(this.fragments[role], ordinal, detached(p.key ?? p.fragment));
    const first = this.first[role];
    if (Number.isNaN(first[ordinal]!)) {
      first[ordinal] = bits;
      return true;
    }
    return first[ordinal] !== bits && addToList(this.more[role], ordinal, bits);
  }

  private grow(): void {
    const larger = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.occurred = larger(this.occurred);
    this.first.victim = larger(this.first.victim);
    this.first.suspect = larger(this.first.suspect);
  }
}

/** 'YYYY-MM-DD HH:MM:SS' as the number YYYYMMDDHHMMSS (exact: under 2^53); NaN for any other text. */
function dateNumber(text: string): number {
  if (text.length !== 19) return NaN;
  let n = 0;
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 45) return NaN; // '-'
    } else if (i === 10) {
      if (c !== 32) return NaN; // ' '
    } else if (i === 13 || i === 16) {
      if (c !== 58) return NaN; // ':'
    } else if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
    } else {
      return NaN;
    }
  }
  return n;
}

/** The first 48 bits of a pseudonym (base64url: svo's pseudonyms are HMAC-SHA256 in base64url), or NaN. */
function pseudonymBits(key: string): number {
  if (key.length < 8) return NaN;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    const c = key.charCodeAt(i);
    const v = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : c === 45 ? 62 : c === 95 ? 63 : -1;
    if (v < 0) return NaN;
    n = n * 64 + v;
  }
  return n;
}

/**
 * A copy of `text` sharing no memory with the string it was sliced from. V8 makes a slice of 13
 * characters or more a view of its parent, so a kept slice of a chunk's packed text (read-parallel.ts)
 * would keep the whole chunk alive; slicing a fresh concatenation copies the characters first.
 */
function detached(text: string): string {
  return (' ' + text).slice(1);
}

/** Adds `token` to the incident's list in `map`; false when it is there already. */
function addToList<T>(map: Map<number, T[]>, ordinal: number, token: T): boolean {
  const list = map.get(ordinal);
  if (list === undefined) map.set(ordinal, [token]);
  else if (list.includes(token)) return false;
  else list.push(token);
  return true;
}

export interface TransformOptions {
  agency: string;
  profile: PoliceProfile | null;
  pseudonymiser: Pseudonymiser;
  /** Finds the LSOA containing a WGS84 point, when boundaries are loaded. */
  locateLsoa: ((lon: number, lat: number) => string | null) | null;
  /** Dates after this are impossible ('YYYY-MM-DD HH:MM:SS'). */
  latest: string;
  /** XLSX cells may hold Excel serial dates. */
  excelDates: boolean;
}

export interface TransformResult {
  /** Incidents passed to the sink. */
  incidents: number;
  rejects: Reject[];
  rowsRead: number;
  unrecognisedHocr: Record<string, number>;
  /** crime_refs whose rows disagreed on the offence date (the first row's values were kept). */
  conflictingRefs: number;
}

class RowRejected extends Error {
  constructor(readonly reject: Reject) {
    super(reject.reason);
  }
}

function rejectOf(error: unknown): Reject {
  if (error instanceof RowRejected) return error.reject;
  throw error;
}

const REDACTED = '[redacted]';

/** Column ordinals, so the per-row code indexes arrays instead of looking up names. */
const COL = Object.fromEntries(POLICE_COLUMNS.map((c, i) => [c, i])) as Record<PoliceColumn, number>;
const IDENTIFIER_ORDINALS = new Set([...IDENTIFIER_COLUMNS].map((c) => COL[c]));
const ROLE_COLUMNS = {
  victim: { id: COL.victim_id, name: COL.victim_name, dob: COL.victim_dob, age: COL.victim_age, sex: COL.victim_sex, ethnicity: COL.victim_ethnicity, home: COL.victim_home_lsoa },
  suspect: { id: COL.suspect_id, name: COL.suspect_name, dob: COL.suspect_dob, age: COL.suspect_age, sex: COL.suspect_sex, ethnicity: COL.suspect_ethnicity, home: COL.suspect_home_lsoa },
} as const;
const round = (x: number | null, scale: number) => (x === null ? '' : roundedText(x, scale));
const flag = (b: boolean | null) => (b === null ? '' : b ? 'true' : 'false');

/**
 * What one row says, read without knowing the rows before it, so that rows can be read in worker
 * threads and merged in order afterwards (IncidentMerger). Flat, for cheap copying between threads.
 */
export interface RowReading {
  line: number;
  /** Set when crime_ref or occurred_from is unusable: nothing else was read. */
  reject: Reject | null;
  crimeRef: string;
  occurredFrom: string;
  /** The incident's own columns as CSV; null when not read (its crime is already known) or unusable. */
  fields: string | null;
  hocrCode: string;
  recognised: boolean;
  incidentReject: Reject | null;
  victim: PersonReading | null;
  victimReject: Reject | null;
  suspect: PersonReading | null;
  suspectReject: Reject | null;
}

export interface PersonReading {
  /** role,key,age,sex,ethnicity,home as CSV (PEOPLE_TABLE_COLUMNS after incident_id). */
  fragment: string;
  /** The pseudonym, when the person is identified. */
  key: string | null;
}

/**
 * Reads extract rows one at a time into RowReadings: dates, codes, places and people parsed and
 * checked, identifiers pseudonymised. Pure apart from the injected pseudonymiser and LSOA locator.
 */
export class PoliceRowReader {
  private line = 0;
  /** Position of each canonical column (by ordinal) in the file's rows, -1 when absent. */
  private readonly position: Int32Array;
  private readonly recode: ((raw: string) => string)[] = [];

  constructor(
    mapping: ReadonlyMap<PoliceColumn, number>,
    private readonly options: TransformOptions,
  ) {
    this.position = Int32Array.from(POLICE_COLUMNS, (c) => mapping.get(c) ?? -1);
    POLICE_COLUMNS.forEach((column, i) => {
      if (options.profile?.values[column]) this.recode[i] = valueMapper(options.profile, column);
    });
  }

  /**
   * Reads one row. `known(crimeRef)` says whether the crime's incident certainly exists already, in
   * which case its own fields are not read (only a crime's first accepted row gives them).
   */
  read(row: string[], line: number, known: (crimeRef: string) => boolean): RowReading {
    this.line = line;
    const reading: RowReading = {
      line,
      reject: null,
      crimeRef: '',
      occurredFrom: '',
      fields: null,
      hocrCode: '',
      recognised: false,
      incidentReject: null,
      victim: null,
      victimReject: null,
      suspect: null,
      suspectReject: null,
    };
    try {
      reading.crimeRef = this.value(row, COL.crime_ref);
      if (reading.crimeRef === '') this.fail(COL.crime_ref, '', 'crime_ref is required');
      reading.occurredFrom = this.date(row, COL.occurred_from, true)!;
    } catch (error) {
      reading.reject = rejectOf(error);
      return reading;
    }
    const { crimeRef, occurredFrom } = reading;
    if (!known(crimeRef)) {
      try {
        Object.assign(reading, this.incidentFields(row, occurredFrom));
      } catch (error) {
        reading.incidentReject = rejectOf(error);
      }
    }
    try {
      reading.victim = this.person(row, 'victim', occurredFrom);
    } catch (error) {
      reading.victimReject = rejectOf(error);
    }
    try {
      reading.suspect = this.person(row, 'suspect', occurredFrom);
    } catch (error) {
      reading.suspectReject = rejectOf(error);
    }
    return reading;
  }

  private value(row: string[], column: number): string {
    const i = this.position[column]!;
    if (i < 0) return '';
    const raw = row[i] ?? '';
    const recode = this.recode[column];
    return (recode === undefined ? raw : recode(raw)).trim();
  }

  private fail(column: number, value: string, reason: string): never {
    const name = POLICE_COLUMNS[column]!;
    throw new RowRejected({ line: this.line, column: name, value: IDENTIFIER_ORDINALS.has(column) ? REDACTED : value, reason });
  }

  private date(row: string[], column: number, required: boolean): string | null {
    const raw = this.value(row, column);
    if (raw === '') return required ? this.fail(column, raw, 'a date is required') : null;
    const parsed = parseDateTime(raw, { excelSerial: this.options.excelDates });
    if (!parsed.ok) return this.fail(column, raw, parsed.reason);
    if (parsed.value > this.options.latest) return this.fail(column, raw, 'the date is in the future');
    return parsed.value;
  }

  private incidentFields(row: string[], occurredFrom: string): { fields: string; hocrCode: string; recognised: boolean } {
    const occurredTo = this.date(row, COL.occurred_to, false);
    if (occurredTo !== null && occurredTo < occurredFrom) this.fail(COL.occurred_to, this.value(row, COL.occurred_to), 'occurred_to is before occurred_from');
    const recorded = this.date(row, COL.recorded_date, false);
    const rawCode = this.value(row, COL.hocr_code);
    const hocrCode = normaliseHocrCode(rawCode) ?? this.fail(COL.hocr_code, rawCode, 'not a Home Office offence code (expected e.g. 8N, 34B, 1/1)');
    const place = this.locate(row);
    const domesticRaw = this.value(row, COL.domestic);
    const domestic = parseFlag(domesticRaw);
    if (!domestic.ok) this.fail(COL.domestic, domesticRaw, domestic.reason);
    const recognised = lookupHocr(hocrCode) !== undefined;
    // Columns after source_record_id in INCIDENT_TABLE_COLUMNS order.
    const fields = [
      csvField(hocrCode),
      flag(recognised),
      csvField(this.value(row, COL.offence_description) || null),
      occurredFrom,
      occurredTo ?? '',
      recorded === null ? '' : recorded.slice(0, 10),
      place,
      csvField(this.value(row, COL.location_type) || null),
      flag(domestic.ok ? domestic.value : null),
      csvField(this.value(row, COL.weapon) || null),
    ].join(',');
    return { fields, hocrCode, recognised };
  }

  /** easting,northing,latitude,longitude,lsoa_code,lsoa_method as CSV. */
  private locate(row: string[]): string {
    const number = (column: number) => {
      const raw = this.value(row, column);
      if (raw === '') return null;
      const parsed = parseNumber(raw);
      return parsed.ok ? parsed.value : this.fail(column, raw, parsed.reason);
    };
    let easting = number(COL.easting);
    let northing = number(COL.northing);
    let latitude = number(COL.latitude);
    let longitude = number(COL.longitude);
    if ((easting === null) !== (northing === null)) this.fail(easting === null ? COL.easting : COL.northing, '', 'easting and northing must be given together');
    if ((latitude === null) !== (longitude === null)) this.fail(latitude === null ? COL.latitude : COL.longitude, '', 'latitude and longitude must be given together');
    if (easting !== null && northing !== null) {
      if (!isInBng(easting, northing)) this.fail(COL.easting, `${easting},${northing}`, 'coordinates are outside the United Kingdom (British National Grid metres expected)');
      if (latitude === null) [longitude, latitude] = bngToWgs84(easting, northing);
    } else if (latitude !== null && longitude !== null) {
      if (!isInUk(longitude, latitude)) this.fail(COL.latitude, `${latitude},${longitude}`, 'coordinates are outside the United Kingdom (WGS84 degrees expected)');
      [easting, northing] = wgs84ToBng(longitude, latitude);
    }
    const given = this.value(row, COL.lsoa_code).toUpperCase();
    if (given !== '' && !LSOA_CODE.test(given)) this.fail(COL.lsoa_code, given, 'not an LSOA code (expected e.g. E01025706)');
    let lsoaCode = given;
    let method = given ? 'given' : '';
    const locateLsoa = this.options.locateLsoa;
    if (!lsoaCode && longitude !== null && latitude !== null && locateLsoa) {
      lsoaCode = locateLsoa(longitude, latitude) ?? '';
      if (lsoaCode) method = 'point_in_polygon';
    }
    return `${round(easting, 10)},${round(northing, 10)},${round(latitude, 1e6)},${round(longitude, 1e6)},${lsoaCode},${method}`;
  }

  /** A person fragment (role,key,age,sex,ethnicity,home) and the pseudonym, if identified. */
  private person(row: string[], role: Role, occurredFrom: string): PersonReading | null {
    const c = ROLE_COLUMNS[role];
    const id = this.value(row, c.id);
    const name = this.value(row, c.name);
    const dobRaw = this.value(row, c.dob);
    const ageRaw = this.value(row, c.age);
    const sexRaw = this.value(row, c.sex);
    const ethnicity = this.value(row, c.ethnicity);
    const home = this.value(row, c.home).toUpperCase();
    if (!id && !name && !dobRaw && !ageRaw && !sexRaw && !ethnicity && !home) return null;

    const ageParsed = parseAge(ageRaw);
    if (!ageParsed.ok) this.fail(c.age, ageRaw, ageParsed.reason);
    let age = ageParsed.ok ? ageParsed.value : null;
    let dob: string | null = null;
    if (dobRaw) {
      const parsed = parseDateTime(dobRaw, { excelSerial: true });
      if (!parsed.ok) this.fail(c.dob, dobRaw, parsed.reason);
      dob = parsed.ok ? parsed.value.slice(0, 10) : null;
      if (dob && dob > occurredFrom.slice(0, 10)) this.fail(c.dob, dobRaw, 'date of birth is after the offence');
      if (age === null && dob) age = ageAt(dob, occurredFrom);
      if (age !== null && age > 120) this.fail(c.dob, dobRaw, 'age from date of birth is over 120');
    }
    const sex = parseSex(sexRaw);
    if (!sex.ok) this.fail(c.sex, sexRaw, sex.reason);
    if (home && !LSOA_CODE.test(home)) this.fail(c.home, home, 'not an LSOA code');
    // The identifier is what links a person across incidents; without one, name and date of birth do.
    const identity = id || (name && dob ? `${name.toUpperCase()}|${dob}` : '');
    const key = identity ? this.options.pseudonymiser.key(this.options.agency, identity) : null;
    const fragment = `${role},${key ?? ''},${age ?? ''},${sex.ok && sex.value ? sex.value : ''},${csvField(ethnicity || null)},${home}`;
    return { fragment, key };
  }
}

/** A row's first problem in the order rows are checked, or null; `isNew` when its crime is not yet known. */
function firstReject(r: RowReading, isNew: boolean): Reject | null {
  return r.reject ?? (isNew ? r.incidentReject : null) ?? r.victimReject ?? r.suspectReject;
}

/**
 * Merges RowReadings, in file order, into incidents with their people. Rows sharing a crime_ref are
 * one incident; the first accepted row gives the incident's fields, every row may add a victim
 * and/or a suspect. Accepted incidents and people go to the sink as soon as they are known.
 */
export class IncidentMerger {
  private readonly seen = new SeenIncidents();
  private readonly rejects: Reject[] = [];
  private readonly unrecognised: Record<string, number> = {};
  private readonly conflicted = new Set<string>();
  private rowsRead = 0;

  constructor(private readonly sink: IncidentSink) {}

  /** Whether the crime already has an incident. */
  has(crimeRef: string): boolean {
    return this.seen.ordinalOf(crimeRef) !== undefined;
  }

  get rowsSeen(): number {
    return this.rowsRead;
  }

  merge(r: RowReading): void {
    this.rowsRead++;
    if (r.reject !== null) {
      this.rejects.push(r.reject);
      return;
    }
    const known = this.seen.ordinalOf(r.crimeRef);
    if (known === undefined && r.fields === null && r.incidentReject === null) {
      throw new Error(`line ${r.line}: the incident's fields were not read although its crime is new`);
    }
    if (known !== undefined && !this.seen.sameDate(known, r.occurredFrom)) this.conflicted.add(r.crimeRef);
    const reject = firstReject(r, known === undefined);
    if (reject !== null) {
      this.rejects.push(reject);
      return;
    }
    let ordinal = known;
    if (ordinal === undefined) {
      ordinal = this.seen.add(r.crimeRef, r.occurredFrom);
      this.sink.incident(ordinal, r.crimeRef, r.fields!);
      if (!r.recognised) this.unrecognised[r.hocrCode] = (this.unrecognised[r.hocrCode] ?? 0) + 1;
    }
    if (r.victim !== null) this.addPerson(ordinal, 'victim', r.victim);
    if (r.suspect !== null) this.addPerson(ordinal, 'suspect', r.suspect);
  }

  finish(): TransformResult {
    return {
      incidents: this.seen.size,
      rejects: this.rejects,
      rowsRead: this.rowsRead,
      unrecognisedHocr: this.unrecognised,
      conflictingRefs: this.conflicted.size,
    };
  }

  private addPerson(ordinal: number, role: Role, p: PersonReading): void {
    if (this.seen.addPerson(ordinal, role, p)) this.sink.person(ordinal, p.fragment);
  }
}
