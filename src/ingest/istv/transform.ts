/**
 * ISTV rows → attendance records, collecting row-level rejects. Pure apart from the code lists passed
 * in. Method and location-type values outside the code lists are kept (trimmed, case-folded) and
 * counted as unmapped, never rejected.
 */
import { createHash } from 'node:crypto';
import { parseAgeBand } from '../../core/istv/age-band.js';
import type { IstvCodes } from '../../core/istv/codelists.js';
import { placeTextKey } from '../../core/places/normalise.js';
import { parseDateTime } from '../../core/values/dates.js';
import { LSOA_CODE, parseSex } from '../../core/values/fields.js';
import type { Profile } from '../common/profile.js';
import { RowTransformer } from '../common/rows.js';
import type { Reject } from '../common/types.js';
import { ISTV_COLUMNS, type IstvColumn } from './columns.js';

export interface AttendanceDraft {
  line: number;
  site: string;
  /** From a flag, a column or the file header; null when none says (then taken from the data). */
  periodStart: string | null;
  periodEnd: string | null;
  arrivalAt: string | null;
  assaultAt: string;
  method: string;
  methodMapped: boolean;
  methodOther: string | null;
  locationType: string | null;
  locationTypeMapped: boolean | null;
  locationText: string | null;
  locationKey: string | null;
  ageBand: string | null;
  ageMin: number | null;
  ageMax: number | null;
  sex: string | null;
  homeLsoa: string | null;
  homeDistrict: string | null;
}

export interface IstvTransformOptions {
  codes: IstvCodes;
  profile: Profile<IstvColumn> | null;
  /** Header values from flags (win over nothing) and from the file itself (XML header). */
  site: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  /** Dates after this are impossible ('YYYY-MM-DD HH:MM:SS'). */
  latest: string;
  excelDates: boolean;
}

export interface IstvTransformResult {
  records: AttendanceDraft[];
  rejects: Reject[];
  rowsRead: number;
  unmappedMethods: Record<string, number>;
  unmappedLocationTypes: Record<string, number>;
  /** Full postcodes in the home column, kept only as their district. */
  postcodesCut: number;
}

const SITE_CODE = /^[A-Z0-9]{3,12}$/;
const POSTCODE_DISTRICT = /^([A-Z]{1,2}\d[A-Z\d]?)$/;
const FULL_POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*\d(?:[A-Z]{2})?$/;

export class IstvTransformer extends RowTransformer<IstvColumn, AttendanceDraft> {
  private readonly unmappedMethods: Record<string, number> = {};
  private readonly unmappedLocations: Record<string, number> = {};
  private postcodesCut = 0;

  constructor(
    mapping: Map<IstvColumn, number>,
    private readonly options: IstvTransformOptions,
  ) {
    super(mapping, ISTV_COLUMNS, options.profile);
  }


  finish(): IstvTransformResult {
    return {
      records: this.records,
      rejects: this.rejects,
      rowsRead: this.rowsRead,
      unmappedMethods: this.unmappedMethods,
      unmappedLocationTypes: this.unmappedLocations,
      postcodesCut: this.postcodesCut,
    };
  }

  private dateTime(row: string[], column: IstvColumn, required: boolean): string | null {
    const raw = this.value(row, column);
    if (raw === '') return required ? this.fail(column, raw, 'a date and time is required') : null;
    const parsed = parseDateTime(raw, { excelSerial: this.options.excelDates });
    if (!parsed.ok) return this.fail(column, raw, parsed.reason);
    if (parsed.value > this.options.latest) return this.fail(column, raw, 'the date is in the future');
    return parsed.value;
  }

  /** A header value: the row's own, else the flag/file value; the two must agree when both are given. */
  private headerValue(row: string[], column: IstvColumn, given: string | null, parse: (raw: string) => string): string | null {
    const raw = this.value(row, column);
    if (raw === '') return given;
    const value = parse(raw);
    if (given !== null && value !== given) this.fail(column, raw, `differs from the value given for the whole file (${given})`);
    return value;
  }

  private day(column: IstvColumn) {
    return (raw: string): string => {
      const parsed = parseDateTime(raw, { excelSerial: this.options.excelDates });
      if (!parsed.ok) return this.fail(column, raw, parsed.reason);
      return parsed.value.slice(0, 10);
    };
  }

  protected addRow(row: string[]): AttendanceDraft {
    const site = this.headerValue(row, 'site_code', this.options.site, (raw) => {
      const code = raw.toUpperCase();
      return SITE_CODE.test(code) ? code : this.fail('site_code', raw, 'expected a site code of 3–12 letters and digits (e.g. an ODS site code)');
    });
    if (site === null) this.fail('site_code', '', 'a site code is required: give --site or a site_code column');
    const periodStart = this.headerValue(row, 'reporting_period_start', this.options.periodStart, this.day('reporting_period_start'));
    const periodEnd = this.headerValue(row, 'reporting_period_end', this.options.periodEnd, this.day('reporting_period_end'));
    if ((periodStart === null) !== (periodEnd === null)) {
      this.fail(periodStart === null ? 'reporting_period_start' : 'reporting_period_end', '', 'the reporting period needs both a start and an end');
    }
    if (periodStart !== null && periodEnd !== null && periodEnd < periodStart) this.fail('reporting_period_end', periodEnd, 'the reporting period ends before it starts');

    const arrivalAt = this.dateTime(row, 'arrival_datetime', false);
    const assaultAt = this.dateTime(row, 'assault_datetime', true)!;
    if (arrivalAt !== null && assaultAt > arrivalAt) this.fail('assault_datetime', this.value(row, 'assault_datetime'), 'the assault is after the arrival at the ED');
    if (periodStart !== null && periodEnd !== null) {
      // Returns cover attendances: the arrival (else the assault) must fall in the period.
      const day = (arrivalAt ?? assaultAt).slice(0, 10);
      const column: IstvColumn = arrivalAt !== null ? 'arrival_datetime' : 'assault_datetime';
      if (day > periodEnd || (arrivalAt !== null && day < periodStart)) {
        this.fail(column, this.value(row, column), `outside the reporting period ${periodStart} – ${periodEnd}`);
      }
    }

    const methodRaw = this.value(row, 'assault_method');
    if (methodRaw === '') this.fail('assault_method', '', 'the assault method is required (use the code list, or write "unknown")');
    const method = this.options.codes.methods.map(methodRaw);
    if (!method.mapped) this.unmappedMethods[method.value] = (this.unmappedMethods[method.value] ?? 0) + 1;
    const locationRaw = this.value(row, 'assault_location_type');
    const location = locationRaw === '' ? null : this.options.codes.locationTypes.map(locationRaw);
    if (location && !location.mapped) this.unmappedLocations[location.value] = (this.unmappedLocations[location.value] ?? 0) + 1;
    const locationText = this.value(row, 'assault_location_description').replace(/\s+/g, ' ') || null;
    const locationKey = locationText === null ? null : placeTextKey(locationText) || null;

    const ageRaw = this.value(row, 'age_band');
    const age = parseAgeBand(ageRaw);
    if (!age.ok) this.fail('age_band', ageRaw, age.reason);
    const sexRaw = this.value(row, 'sex');
    const sex = parseSex(sexRaw);
    if (!sex.ok) this.fail('sex', sexRaw, sex.reason);
    const home = this.home(row);

    return {
      line: this.line,
      site,
      periodStart,
      periodEnd,
      arrivalAt,
      assaultAt,
      method: method.value,
      methodMapped: method.mapped,
      methodOther: this.value(row, 'assault_method_other') || null,
      locationType: location?.value ?? null,
      locationTypeMapped: location?.mapped ?? null,
      locationText,
      locationKey,
      ageBand: age.ok && age.value ? age.value.band : null,
      ageMin: age.ok && age.value ? age.value.min : null,
      ageMax: age.ok && age.value ? age.value.max : null,
      sex: sex.ok ? sex.value : null,
      ...home,
    };
  }

  /** Home LSOA, or postcode district; a full postcode is cut to its district (it could identify). */
  private home(row: string[]): { homeLsoa: string | null; homeDistrict: string | null } {
    let homeLsoa: string | null = null;
    let homeDistrict: string | null = null;
    for (const column of ['home_lsoa', 'home_postcode_district'] as const) {
      const raw = this.value(row, column).toUpperCase();
      if (raw === '') continue;
      if (LSOA_CODE.test(raw)) homeLsoa = raw;
      else if (POSTCODE_DISTRICT.test(raw)) homeDistrict = raw;
      else {
        const m = FULL_POSTCODE.exec(raw);
        if (!m) this.fail(column, raw, 'expected an LSOA code (e.g. E01025706) or a postcode district (e.g. LE1)');
        homeDistrict = m[1]!;
        this.postcodesCut++;
      }
    }
    return { homeLsoa, homeDistrict };
  }
}

/**
 * Record keys: a hash of the record's values and its occurrence number among identical records of the
 * return, so the same assault in a resubmitted return has the same key.
 */
export function recordKeys(records: readonly AttendanceDraft[]): string[] {
  const seen = new Map<string, number>();
  return records.map((r) => {
    const content = JSON.stringify([
      r.site,
      r.arrivalAt,
      r.assaultAt,
      r.method,
      r.methodOther,
      r.locationType,
      r.locationText,
      r.ageBand,
      r.sex,
      r.homeLsoa,
      r.homeDistrict,
    ]);
    const hash = createHash('sha256').update(content).digest('base64url').slice(0, 22);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return `${hash}#${n}`;
  });
}
