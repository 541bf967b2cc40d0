import { createHash } from 'node:crypto';
import { ageAt, parseDateTime } from '../../core/values/dates.js';
import { LSOA_CODE, parseAge, parseFlag, parseNumber, parseSex, type Sex } from '../../core/values/fields.js';
import { bngToWgs84, wgs84ToBng } from '../../core/geo/bng.js';
import { isInBng, isInUk } from '../../core/geo/uk.js';
import { normaliseHocrCode, lookupHocr } from '../../core/hocr/normalise.js';
import type { ParsedTable } from '../common/csv.js';
import type { Pseudonymiser } from '../common/pseudonymise.js';
import type { Reject } from '../common/types.js';
import { IDENTIFIER_COLUMNS, type PoliceColumn } from './columns.js';
import { valueMapper, type PoliceProfile } from './profile.js';

export type Role = 'victim' | 'suspect';

export interface PersonRecord {
  role: Role;
  personKey: string | null;
  age: number | null;
  sex: Sex | null;
  ethnicity: string | null;
  homeArea: string | null;
}

export interface IncidentRecord {
  crimeRef: string;
  hocrCode: string;
  hocrRecognised: boolean;
  offenceDescription: string | null;
  occurredFrom: string;
  occurredTo: string | null;
  recordedDate: string | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  lsoaCode: string | null;
  lsoaMethod: 'given' | 'point_in_polygon' | null;
  locationType: string | null;
  domestic: boolean | null;
  weapon: string | null;
  people: PersonRecord[];
  /** People already added, by pseudonymous key or, without one, by their recorded attributes. */
  personSignatures: Set<string>;
  contentHash: string;
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
  incidents: IncidentRecord[];
  rejects: Reject[];
  rowsRead: number;
  unrecognisedHocr: Record<string, number>;
  /** crime_refs whose rows disagreed on incident fields (the first row's values were kept). */
  conflictingRefs: number;
}

class RowRejected extends Error {
  constructor(readonly reject: Reject) {
    super(reject.reason);
  }
}

const REDACTED = '[redacted]';

/** Turns parsed extract rows into incidents with their people. Pure apart from the injected abilities. */
export function transformPoliceRows(table: ParsedTable, mapping: Map<PoliceColumn, number>, options: TransformOptions): TransformResult {
  const { agency, pseudonymiser } = options;
  const get = new Map<PoliceColumn, (row: string[]) => string>();
  for (const [column, index] of mapping) {
    const recode = valueMapper(options.profile, column);
    get.set(column, (row) => recode(row[index] ?? '').trim());
  }
  const field = (row: string[], column: PoliceColumn) => get.get(column)?.(row) ?? '';

  const byRef = new Map<string, IncidentRecord>();
  const rejects: Reject[] = [];
  const unrecognisedHocr: Record<string, number> = {};
  let conflictingRefs = 0;
  const conflicted = new Set<string>();

  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rows[i]!;
    const line = table.lineOf(i);
    const fail = (column: PoliceColumn, value: string, reason: string): never => {
      throw new RowRejected({ line, column, value: IDENTIFIER_COLUMNS.has(column) ? REDACTED : value, reason });
    };
    const date = (column: PoliceColumn, required: boolean): string | null => {
      const raw = field(row, column);
      if (raw === '') return required ? fail(column, raw, 'a date is required') : null;
      const parsed = parseDateTime(raw, { excelSerial: options.excelDates });
      if (!parsed.ok) return fail(column, raw, parsed.reason);
      if (parsed.value > options.latest) return fail(column, raw, 'the date is in the future');
      return parsed.value;
    };
    try {
      const crimeRef = field(row, 'crime_ref');
      if (crimeRef === '') fail('crime_ref', '', 'crime_ref is required');
      const occurredFrom = date('occurred_from', true)!;
      const existing = byRef.get(crimeRef);
      let incident = existing;
      if (!incident) {
        const occurredTo = date('occurred_to', false);
        if (occurredTo !== null && occurredTo < occurredFrom) fail('occurred_to', field(row, 'occurred_to'), 'occurred_to is before occurred_from');
        const recorded = date('recorded_date', false);
        const rawCode = field(row, 'hocr_code');
        const hocrCode = normaliseHocrCode(rawCode);
        if (hocrCode === null) fail('hocr_code', rawCode, 'not a Home Office offence code (expected e.g. 8N, 34B, 1/1)');
        const recognised = lookupHocr(hocrCode!) !== undefined;
        const place = locate(row, field, fail, options.locateLsoa);
        const domesticRaw = field(row, 'domestic');
        const domestic = parseFlag(domesticRaw);
        if (!domestic.ok) fail('domestic', domesticRaw, domestic.reason);
        incident = {
          crimeRef,
          hocrCode: hocrCode!,
          hocrRecognised: recognised,
          offenceDescription: field(row, 'offence_description') || null,
          occurredFrom,
          occurredTo,
          recordedDate: recorded === null ? null : recorded.slice(0, 10),
          ...place,
          locationType: field(row, 'location_type') || null,
          domestic: domestic.ok ? domestic.value : null,
          weapon: field(row, 'weapon') || null,
          people: [],
          personSignatures: new Set(),
          contentHash: '',
        };
      } else if (existing && existing.occurredFrom !== occurredFrom && !conflicted.has(crimeRef)) {
        conflicted.add(crimeRef);
        conflictingRefs++;
      }
      const victim = person(row, 'victim', occurredFrom, field, fail, agency, pseudonymiser);
      const suspect = person(row, 'suspect', occurredFrom, field, fail, agency, pseudonymiser);
      if (!existing) {
        byRef.set(crimeRef, incident);
        if (!incident.hocrRecognised) unrecognisedHocr[incident.hocrCode] = (unrecognisedHocr[incident.hocrCode] ?? 0) + 1;
      }
      for (const p of [victim, suspect]) {
        if (!p) continue;
        const signature = `${p.role}|${p.personKey ?? `${p.age}|${p.sex}|${p.ethnicity}|${p.homeArea}`}`;
        if (incident.personSignatures.has(signature)) continue;
        incident.personSignatures.add(signature);
        incident.people.push(p);
      }
    } catch (error) {
      if (error instanceof RowRejected) rejects.push(error.reject);
      else throw error;
    }
  }
  const incidents = [...byRef.values()];
  for (const incident of incidents) incident.contentHash = contentHash(incident);
  return { incidents, rejects, rowsRead: table.rows.length, unrecognisedHocr, conflictingRefs };
}

type FieldGetter = (row: string[], column: PoliceColumn) => string;
type Fail = (column: PoliceColumn, value: string, reason: string) => never;

function locate(
  row: string[],
  field: FieldGetter,
  fail: Fail,
  locateLsoa: TransformOptions['locateLsoa'],
): Pick<IncidentRecord, 'easting' | 'northing' | 'latitude' | 'longitude' | 'lsoaCode' | 'lsoaMethod'> {
  const number = (column: PoliceColumn) => {
    const raw = field(row, column);
    const parsed = parseNumber(raw);
    return parsed.ok ? parsed.value : fail(column, raw, parsed.reason);
  };
  let easting = number('easting');
  let northing = number('northing');
  let latitude = number('latitude');
  let longitude = number('longitude');
  if ((easting === null) !== (northing === null)) fail(easting === null ? 'easting' : 'northing', '', 'easting and northing must be given together');
  if ((latitude === null) !== (longitude === null)) fail(latitude === null ? 'latitude' : 'longitude', '', 'latitude and longitude must be given together');
  if (easting !== null && northing !== null) {
    if (!isInBng(easting, northing)) fail('easting', `${easting},${northing}`, 'coordinates are outside the United Kingdom (British National Grid metres expected)');
    if (latitude === null) [longitude, latitude] = bngToWgs84(easting, northing);
  } else if (latitude !== null && longitude !== null) {
    if (!isInUk(longitude, latitude)) fail('latitude', `${latitude},${longitude}`, 'coordinates are outside the United Kingdom (WGS84 degrees expected)');
    [easting, northing] = wgs84ToBng(longitude, latitude);
  }
  const given = field(row, 'lsoa_code').toUpperCase();
  if (given !== '' && !LSOA_CODE.test(given)) fail('lsoa_code', given, 'not an LSOA code (expected e.g. E01025706)');
  let lsoaCode: string | null = given || null;
  let lsoaMethod: IncidentRecord['lsoaMethod'] = lsoaCode ? 'given' : null;
  if (!lsoaCode && longitude !== null && latitude !== null && locateLsoa) {
    lsoaCode = locateLsoa(longitude, latitude);
    if (lsoaCode) lsoaMethod = 'point_in_polygon';
  }
  const round = (x: number | null, places: number) => (x === null ? null : Number(x.toFixed(places)));
  return { easting: round(easting, 1), northing: round(northing, 1), latitude: round(latitude, 6), longitude: round(longitude, 6), lsoaCode, lsoaMethod };
}

function person(
  row: string[],
  role: Role,
  occurredFrom: string,
  field: FieldGetter,
  fail: Fail,
  agency: string,
  pseudonymiser: Pseudonymiser,
): PersonRecord | null {
  const c = (suffix: string) => `${role}_${suffix}` as PoliceColumn;
  const id = field(row, c('id'));
  const name = field(row, c('name'));
  const dobRaw = field(row, c('dob'));
  const ageRaw = field(row, c('age'));
  const sexRaw = field(row, c('sex'));
  const ethnicity = field(row, c('ethnicity')) || null;
  const homeRaw = field(row, c('home_lsoa')).toUpperCase();
  if (!id && !name && !dobRaw && !ageRaw && !sexRaw && !ethnicity && !homeRaw) return null;

  const ageParsed = parseAge(ageRaw);
  if (!ageParsed.ok) fail(c('age'), ageRaw, ageParsed.reason);
  let age = ageParsed.ok ? ageParsed.value : null;
  let dob: string | null = null;
  if (dobRaw) {
    const parsed = parseDateTime(dobRaw, { excelSerial: true });
    if (!parsed.ok) fail(c('dob'), dobRaw, parsed.reason);
    dob = parsed.ok ? parsed.value.slice(0, 10) : null;
    if (dob && dob > occurredFrom.slice(0, 10)) fail(c('dob'), dobRaw, 'date of birth is after the offence');
    if (age === null && dob) age = ageAt(dob, occurredFrom);
    if (age !== null && age > 120) fail(c('dob'), dobRaw, 'age from date of birth is over 120');
  }
  const sex = parseSex(sexRaw);
  if (!sex.ok) fail(c('sex'), sexRaw, sex.reason);
  if (homeRaw && !LSOA_CODE.test(homeRaw)) fail(c('home_lsoa'), homeRaw, 'not an LSOA code');
  // The identifier is what links a person across incidents; without one, name and date of birth do.
  const identity = id || (name && dob ? `${name.toUpperCase()}|${dob}` : '');
  return {
    role,
    personKey: identity ? pseudonymiser.key(agency, identity) : null,
    age,
    sex: sex.ok ? sex.value : null,
    ethnicity,
    homeArea: homeRaw || null,
  };
}

function contentHash(incident: IncidentRecord): string {
  const { people, personSignatures: _s, contentHash: _c, ...fields } = incident;
  const peopleText = people
    .map((p) => `${p.role}|${p.personKey}|${p.age}|${p.sex}|${p.ethnicity}|${p.homeArea}`)
    .sort()
    .join('\n');
  return createHash('md5').update(JSON.stringify(fields)).update(peopleText).digest('hex');
}
