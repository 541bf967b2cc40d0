/**
 * Ambulance call rows → call records, collecting row-level rejects. Pure apart from the injected LSOA
 * locator. An exact age is kept only as its age band (the police query bands), never as the age.
 */
import { createHash } from 'node:crypto';
import { bngToWgs84, wgs84ToBng } from '../../core/geo/bng.js';
import { isInBng, isInUk } from '../../core/geo/uk.js';
import { parseAgeBand } from '../../core/istv/age-band.js';
import { codeValueKey, foldValue } from '../../core/istv/codelists.js';
import { placeTextKey } from '../../core/places/normalise.js';
import { AGE_BANDS } from '../../core/query/spec.js';
import { parseDateTime } from '../../core/values/dates.js';
import { LSOA_CODE, parseAge, parseFlag, parseNumber, parseSex } from '../../core/values/fields.js';
import type { Profile } from '../common/profile.js';
import { RowTransformer } from '../common/rows.js';
import type { Reject } from '../common/types.js';
import { AMBULANCE_COLUMNS, type AmbulanceColumn } from './columns.js';

export interface CallDraft {
  callRef: string | null;
  callAt: string;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  lsoa: string | null;
  lsoaMethod: string | null;
  locationText: string | null;
  locationKey: string | null;
  category: string | null;
  determinant: string | null;
  conveyed: boolean | null;
  ageBand: string | null;
  ageMin: number | null;
  ageMax: number | null;
  sex: string | null;
}

export interface AmbulanceTransformOptions {
  profile: Profile<AmbulanceColumn> | null;
  locateLsoa: ((lon: number, lat: number) => string | null) | null;
  latest: string;
  excelDates: boolean;
}

/**
 * NHS England Ambulance Response Programme categories: "Cat 2", "Category 2", "C2", "2" → "C2"
 * (a letter suffix such as 1T is kept). Anything else is kept as written, case-folded.
 */
export function normaliseCategory(raw: string): string | null {
  const t = raw.trim();
  if (t === '') return null;
  const m = /^(?:cat(?:egory)?\.?\s*|c)?([1-5])\s*([a-z]?)$/i.exec(t);
  return m ? `C${m[1]}${m[2]!.toUpperCase()}` : foldValue(t);
}

const NOT_CONVEYED = new Set(['not conveyed', 'non conveyed', 'nonconveyed', 'see and treat', 'hear and treat', 'treated at scene', 'refused', 'declined']);
const CONVEYED = new Set(['conveyed', 'conveyed to hospital', 'taken to hospital', 'to ed', 'transported']);

/** Standard bands for an exact age (the police query's AGE_BANDS), so no exact age is stored. */
function bandOfAge(age: number): { band: string; min: number; max: number | null } {
  const bounds: [number, number | null][] = [[0, 9], [10, 14], [15, 19], [20, 24], [25, 34], [35, 49], [50, 64], [65, null]];
  const i = bounds.findIndex(([lo, hi]) => age >= lo && (hi === null || age <= hi));
  const [min, max] = bounds[i]!;
  return { band: AGE_BANDS[i]!, min, max };
}

export class AmbulanceTransformer extends RowTransformer<AmbulanceColumn, CallDraft> {
  constructor(
    position: Map<AmbulanceColumn, number>,
    private readonly options: AmbulanceTransformOptions,
  ) {
    super(position, AMBULANCE_COLUMNS, options.profile);
  }


  finish(): { calls: CallDraft[]; rejects: Reject[]; rowsRead: number } {
    return { calls: this.records, rejects: this.rejects, rowsRead: this.rowsRead };
  }

  protected addRow(row: string[]): CallDraft {
    const raw = this.value(row, 'call_datetime');
    if (raw === '') this.fail('call_datetime', '', 'the call date and time is required');
    const parsed = parseDateTime(raw, { excelSerial: this.options.excelDates });
    if (!parsed.ok) this.fail('call_datetime', raw, parsed.reason);
    if (parsed.value > this.options.latest) this.fail('call_datetime', raw, 'the date is in the future');

    const number = (c: AmbulanceColumn) => {
      const v = this.value(row, c);
      const n = parseNumber(v);
      return n.ok ? n.value : this.fail(c, v, n.reason);
    };
    let easting = number('easting');
    let northing = number('northing');
    let latitude = number('latitude');
    let longitude = number('longitude');
    if ((easting === null) !== (northing === null)) this.fail(easting === null ? 'easting' : 'northing', '', 'easting and northing must be given together');
    if ((latitude === null) !== (longitude === null)) this.fail(latitude === null ? 'latitude' : 'longitude', '', 'latitude and longitude must be given together');
    if (easting !== null && northing !== null) {
      if (!isInBng(easting, northing)) this.fail('easting', `${easting},${northing}`, 'coordinates are outside the United Kingdom (British National Grid metres expected)');
      if (latitude === null) [longitude, latitude] = bngToWgs84(easting, northing);
    } else if (latitude !== null && longitude !== null) {
      if (!isInUk(longitude, latitude)) this.fail('latitude', `${latitude},${longitude}`, 'coordinates are outside the United Kingdom (WGS84 degrees expected)');
      [easting, northing] = wgs84ToBng(longitude, latitude);
    }
    const given = this.value(row, 'lsoa_code').toUpperCase();
    if (given !== '' && !LSOA_CODE.test(given)) this.fail('lsoa_code', given, 'not an LSOA code (expected e.g. E01025706)');
    let lsoa: string | null = given || null;
    let lsoaMethod: string | null = given ? 'given' : null;
    if (lsoa === null && this.options.locateLsoa && longitude !== null && latitude !== null) {
      lsoa = this.options.locateLsoa(longitude, latitude);
      if (lsoa) lsoaMethod = 'point_in_polygon';
    }
    const locationText = this.value(row, 'location_text').replace(/\s+/g, ' ') || null;

    const conveyedRaw = this.value(row, 'conveyed');
    const conveyedKey = codeValueKey(conveyedRaw);
    let conveyed: boolean | null;
    if (NOT_CONVEYED.has(conveyedKey)) conveyed = false;
    else if (CONVEYED.has(conveyedKey)) conveyed = true;
    else {
      const flag = parseFlag(conveyedRaw);
      if (!flag.ok) this.fail('conveyed', conveyedRaw, 'expected Y/N, conveyed / not conveyed, see and treat or hear and treat');
      conveyed = flag.ok ? flag.value : null;
    }

    let band: { band: string; min: number; max: number | null } | null = null;
    const bandRaw = this.value(row, 'age_band');
    const ageRaw = this.value(row, 'age');
    if (bandRaw !== '') {
      const b = parseAgeBand(bandRaw);
      if (!b.ok) this.fail('age_band', bandRaw, b.reason);
      band = b.ok ? b.value : null;
    } else if (ageRaw !== '') {
      const a = parseAge(ageRaw);
      if (!a.ok) this.fail('age', ageRaw, a.reason);
      band = a.ok && a.value !== null ? bandOfAge(a.value) : null;
    }
    const sexRaw = this.value(row, 'sex');
    const sex = parseSex(sexRaw);
    if (!sex.ok) this.fail('sex', sexRaw, sex.reason);
    const round = (x: number | null, scale: number) => (x === null ? null : Math.round(x * scale) / scale);
    return {
      callRef: this.value(row, 'call_ref') || null,
      callAt: parsed.ok ? parsed.value : '',
      easting: round(easting, 10),
      northing: round(northing, 10),
      latitude: round(latitude, 1e6),
      longitude: round(longitude, 1e6),
      lsoa,
      lsoaMethod,
      locationText,
      locationKey: locationText === null ? null : placeTextKey(locationText) || null,
      category: normaliseCategory(this.value(row, 'category')),
      determinant: this.value(row, 'determinant') || null,
      conveyed,
      ageBand: band?.band ?? null,
      ageMin: band?.min ?? null,
      ageMax: band?.max ?? null,
      sex: sex.ok ? sex.value : null,
    };
  }
}

/** Content hash of a call's values, and its key: the call reference (else the hash) and its occurrence in the file. */
export function callKeys(calls: readonly CallDraft[]): { key: string; hash: string }[] {
  const seen = new Map<string, number>();
  return calls.map((c) => {
    const hash = createHash('sha256')
      .update(JSON.stringify([c.callRef, c.callAt, c.easting, c.northing, c.lsoa, c.locationText, c.category, c.determinant, c.conveyed, c.ageBand, c.sex]))
      .digest('base64url')
      .slice(0, 22);
    // A call with two patients has two rows: the occurrence number tells them apart.
    const base = c.callRef !== null ? `ref:${c.callRef}` : hash;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: `${base}#${n}`, hash };
  });
}
