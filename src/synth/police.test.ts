import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileDefinition, parseDefinition } from '../core/definition/parse.js';
import { LsoaLocator } from '../core/geo/locator.js';
import { lookupHocr } from '../core/hocr/normalise.js';
import { parseCsv } from '../ingest/common/csv.js';
import { POLICE_COLUMNS as INGEST_COLUMNS } from '../ingest/police/columns.js';
import { generateArea } from './area.js';
import {
  DEFAULT_END_DATE,
  estimateRows,
  generateIncidents,
  generatePoliceCsv,
  generatePoliceRows,
  plantedTargets,
  POLICE_COLUMNS,
  ROWS_PER_INCIDENT,
  type PoliceOptions,
  type PoliceRow,
} from './police.js';
import { KNIFE_FLAG_CODES, OFFENCES } from './tables.js';

const area = generateArea(11);
const SMALL: PoliceOptions = { seed: 11, years: 2, scale: 0.4 };

const sha = (chunks: Iterable<string>) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};
const csvText = [...generatePoliceCsv(area, SMALL)].join('');
const table = parseCsv('synthetic.csv', csvText);
const rows: PoliceRow[] = table.rows.map((r) => Object.fromEntries(POLICE_COLUMNS.map((c, i) => [c, r[i]!])) as PoliceRow);

describe('generatePoliceCsv: determinism', () => {
  it('gives byte-identical output for the same area and options', () => {
    expect(sha(generatePoliceCsv(generateArea(11), SMALL))).toBe(sha([csvText]));
  });

  it('does not depend on how the output is chunked', () => {
    expect(sha(generatePoliceCsv(area, SMALL, { chunkRows: 7 }))).toBe(sha([csvText]));
  });

  it('changes with the police seed, the area seed, the period and the scale', () => {
    const base = sha([csvText]);
    expect(sha(generatePoliceCsv(area, { ...SMALL, seed: 12 }))).not.toBe(base);
    expect(sha(generatePoliceCsv(generateArea(12), SMALL))).not.toBe(base);
    expect(sha(generatePoliceCsv(area, { ...SMALL, endDate: '2024-06-30' }))).not.toBe(base);
    expect(sha(generatePoliceCsv(area, { ...SMALL, scale: 0.41 }))).not.toBe(base);
  });

  it('never reads the clock: the default period ends on the fixed DEFAULT_END_DATE', () => {
    const t = plantedTargets(area, SMALL);
    expect(t.period).toEqual({ start: '2024-01-01', end: DEFAULT_END_DATE, days: 731 });
  });

  it('refuses impossible options with a clear message', () => {
    expect(() => plantedTargets(area, { ...SMALL, years: 0 })).toThrow(/years must be a whole number/);
    expect(() => plantedTargets(area, { ...SMALL, scale: -1 })).toThrow(/scale must be a positive number/);
    expect(() => plantedTargets(area, { ...SMALL, endDate: '2025-02-30' })).toThrow(/not a real date/);
    expect(() => plantedTargets(area, { ...SMALL, endDate: '31/12/2025' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('generatePoliceCsv: schema', () => {
  it('writes the canonical header, every column of which the police ingest knows', () => {
    expect(table.header).toEqual([...POLICE_COLUMNS]);
    for (const column of POLICE_COLUMNS) expect(INGEST_COLUMNS).toContain(column);
    expect(table.simpleLines).toBe(true);
    for (const r of table.rows) expect(r).toHaveLength(POLICE_COLUMNS.length);
  });

  it('matches generatePoliceRows row for row', () => {
    expect([...generatePoliceRows(area, SMALL)]).toEqual(rows);
  });

  it('fills every field in the expected shape', () => {
    const zones = new Set(area.zones.map((z) => z.code));
    const ethnicity = /^(W1|W2|W9|M1|M2|M3|M9|A1|A2|A3|A9|B1|B2|B9|O1|O9|NS)$/;
    const dateTime = /^20\d{2}-\d{2}-\d{2}T\d{2}:\d{2}$/;
    const problems: string[] = [];
    const check = (ok: boolean, r: PoliceRow, what: string) => {
      if (!ok && problems.length < 10) problems.push(`${r.crime_ref}: ${what}`);
    };
    for (const r of rows) {
      check(/^SYN\/\d{2}\/\d{7}$/.test(r.crime_ref), r, 'crime_ref');
      check(dateTime.test(r.occurred_from) && r.occurred_from.slice(0, 10) >= '2024-01-01', r, `occurred_from ${r.occurred_from}`);
      check(r.occurred_to === '' || (dateTime.test(r.occurred_to) && r.occurred_to > r.occurred_from), r, `occurred_to ${r.occurred_to}`);
      check(r.recorded_date >= r.occurred_from.slice(0, 10) && r.recorded_date <= DEFAULT_END_DATE, r, `recorded_date ${r.recorded_date}`);
      check(lookupHocr(r.hocr_code)?.description === r.offence_description, r, `offence ${r.hocr_code} ${r.offence_description}`);
      check(zones.has(r.lsoa_code), r, `lsoa_code ${r.lsoa_code}`);
      check((r.easting === '' && r.northing === '') || (/^\d{6}$/.test(r.easting) && /^\d{6}$/.test(r.northing)), r, 'easting/northing');
      check(/^[YN]?$/.test(r.domestic), r, `domestic ${r.domestic}`);
      check(r.victim_id !== '' || r.suspect_id !== '', r, 'neither victim nor suspect');
      for (const role of ['victim', 'suspect'] as const) {
        if (r[`${role}_id`] === '') {
          check([r[`${role}_age`], r[`${role}_sex`], r[`${role}_ethnicity`], r[`${role}_home_lsoa`]].join('') === '', r, `${role} fields without an id`);
          continue;
        }
        check(/^SP\d{9}$/.test(r[`${role}_id`]), r, `${role}_id`);
        check(/^(\d{1,3})?$/.test(r[`${role}_age`]) && Number(r[`${role}_age`]) <= 110, r, `${role}_age ${r[`${role}_age`]}`);
        check(/^[MF]?$/.test(r[`${role}_sex`]), r, `${role}_sex`);
        check(ethnicity.test(r[`${role}_ethnicity`]), r, `${role}_ethnicity`);
        check(r[`${role}_home_lsoa`] === '' || zones.has(r[`${role}_home_lsoa`]), r, `${role}_home_lsoa`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes one row per victim × suspect pairing, with the same incident fields on every row', () => {
    const byRef = new Map<string, PoliceRow[]>();
    for (const r of rows) byRef.set(r.crime_ref, [...(byRef.get(r.crime_ref) ?? []), r]);
    expect(byRef.size).toBe(plantedTargets(area, SMALL).incidents);
    let multi = 0;
    for (const group of byRef.values()) {
      const victims = new Set(group.map((r) => r.victim_id));
      const suspects = new Set(group.map((r) => r.suspect_id));
      expect(group.length).toBe(victims.size * suspects.size);
      const incidentFields = (r: PoliceRow) => POLICE_COLUMNS.slice(0, 12).map((c) => r[c]).join('|');
      expect(new Set(group.map(incidentFields)).size).toBe(1);
      if (group.length > 1) multi++;
    }
    expect(multi / byRef.size).toBeGreaterThan(0.1);
    expect(rows.length / byRef.size).toBeCloseTo(ROWS_PER_INCIDENT, 1);
    expect(Math.abs(estimateRows(SMALL) / rows.length - 1)).toBeLessThan(0.03);
  });

  it('places every point inside its own zone, as the ingest will find it (BNG → WGS84 → polygon)', () => {
    const locator = new LsoaLocator(area.zones.map((z) => ({ code: z.code, geometry: { type: 'Polygon', coordinates: [z.ring.map(([x, y]) => [x, y])] } })));
    let located = 0;
    for (const r of rows) {
      if (r.easting === '') continue;
      expect(locator.locateBng(Number(r.easting), Number(r.northing))).toBe(r.lsoa_code);
      located++;
    }
    expect(located / rows.length).toBeGreaterThan(0.99);
  });

  it('mixes serious-violence, other violence and non-violent codes, places, flags and weapons', () => {
    const share = (f: (r: PoliceRow) => boolean) => rows.filter(f).length / rows.length;
    const sv = new Set(['1', '4/1', '2', '5D', '5E', '8N', '8P', '34A', '34B']);
    expect(share((r) => sv.has(r.hocr_code))).toBeGreaterThan(0.25);
    expect(share((r) => sv.has(r.hocr_code))).toBeLessThan(0.45);
    expect(new Set(rows.map((r) => r.hocr_code)).size).toBeGreaterThanOrEqual(18);
    expect(share((r) => r.location_type === '')).toBeGreaterThan(0.02);
    expect(share((r) => r.domestic === 'Y')).toBeGreaterThan(0.15);
    // Domestic incidents are mostly at home.
    const domestic = rows.filter((r) => r.domestic === 'Y');
    expect(domestic.filter((r) => /^(Dwelling|Flat|House|Residential)$/.test(r.location_type)).length / domestic.length).toBeGreaterThan(0.8);
    for (const w of ['Knife', 'Bladed article', 'Bottle', 'Bodily force', '']) expect(rows.some((r) => r.weapon === w)).toBe(true);
    expect(share((r) => r.suspect_id === '')).toBeGreaterThan(0.15);
    expect(share((r) => r.victim_id === '')).toBeGreaterThan(0.005);
  });

  it('keeps people consistent across incidents: a repeat victim keeps sex, ethnicity and home, and ages forwards', () => {
    const seen = new Map<string, { sex: string; eth: string; home: string; birth: number }>();
    let repeats = 0;
    for (const inc of generateIncidents(area, SMALL)) {
      for (const v of inc.victims) {
        if (v.age === null) continue;
        const day = Date.parse(inc.occurredFrom.slice(0, 10)) / 86_400_000;
        const previous = seen.get(v.id);
        if (previous === undefined) {
          seen.set(v.id, { sex: v.sex, eth: v.ethnicity, home: v.home, birth: day - v.age * 365.25 });
          continue;
        }
        repeats++;
        expect([v.sex, v.ethnicity, v.home]).toEqual([previous.sex, previous.eth, previous.home]);
        expect(Math.abs(day - v.age * 365.25 - previous.birth)).toBeLessThan(366 * 2);
      }
    }
    expect(repeats).toBeGreaterThan(100);
  });
});

describe('tables', () => {
  it('calibrates the knife share over exactly the codes the shipped definition can flag', () => {
    const path = fileURLToPath(new URL('../../definitions/vrn-2020.yaml', import.meta.url));
    const cdef = compileDefinition(parseDefinition(readFileSync(path, 'utf8'), 'definitions/vrn-2020.yaml'));
    const svCodes = OFFENCES.filter((o) => o.sv).map((o) => o.code);
    for (const code of svCodes) expect(cdef.codeCategory.has(code)).toBe(true);
    for (const code of svCodes) expect([code, KNIFE_FLAG_CODES.has(code)]).toEqual([code, cdef.knifeCodes.has(code)]);
  });

  it('uses only codes in the HOCR table', () => {
    for (const o of OFFENCES) expect(lookupHocr(o.code)).toBeDefined();
  });
});
