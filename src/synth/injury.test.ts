import { describe, expect, it } from 'vitest';
import { parseIstvCodeLists } from '../core/istv/codelists.js';
import { generateArea } from './area.js';
import { ambulanceCsv, gazetteerCsv, generateInjury, INJURY_TARGETS, istvReturns } from './injury.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const OPTIONS = { seed: 7, years: 2, scale: 1, endDate: '2025-12-31' };
const area = generateArea(OPTIONS.seed, { midYear: 2024 });
const data = generateInjury(area, OPTIONS);

describe('synthetic injury-surveillance data', () => {
  it('is the same for the same seed, byte for byte', () => {
    const again = generateInjury(area, OPTIONS);
    expect([...istvReturns(again.attendances).values()].join('')).toBe([...istvReturns(data.attendances).values()].join(''));
    expect(ambulanceCsv(again.calls)).toBe(ambulanceCsv(data.calls));
    expect(gazetteerCsv(area, again.places)).toBe(gazetteerCsv(area, data.places));
  });

  it('sizes the hidden share from the police violence with injury', () => {
    const { policeViolenceWithInjury: p, knownToPolice: k, hidden: h } = data.planted;
    expect(data.attendances.filter((a) => a.knownToPolice)).toHaveLength(k);
    // K ~ binomial(P, f): within 4 standard deviations.
    const f = INJURY_TARGETS.edAttendanceShare;
    expect(Math.abs(k - f * p)).toBeLessThan(4 * Math.sqrt(p * f * (1 - f)));
    expect(h).toBe(Math.round((f * p * INJURY_TARGETS.hiddenShare) / (1 - INJURY_TARGETS.hiddenShare)));
  });

  it('writes monthly returns with no patient identifiers, every method in or deliberately outside the code list', () => {
    const returns = istvReturns(data.attendances);
    expect(returns.size).toBe(24);
    const header = [...returns.values()][0]!.split('\n')[0];
    expect(header).toBe('site_code,reporting_period_start,reporting_period_end,arrival_datetime,assault_datetime,assault_method,assault_location_type,assault_location_description,age_band,sex,home_lsoa');
    const codes = parseIstvCodeLists(readFileSync(join(import.meta.dirname, '../../codelists/istv.yaml'), 'utf8'), 'istv.yaml');
    const unmapped = new Set(data.attendances.map((a) => codes.methods.map(a.method)).filter((m) => !m.mapped).map((m) => m.value));
    expect([...unmapped]).toEqual(['thrown object']);
    for (const a of data.attendances) expect(a.assault <= a.arrival).toBe(true);
  });

  it('describes places in many spellings, homes and unknowns never as places', () => {
    const venue = data.planted.venueRanking[0]!;
    const spellings = new Set(data.attendances.filter((a) => a.location.kind === 'place' && a.location.placeKey === venue).map((a) => a.description));
    expect(spellings.size).toBeGreaterThan(20);
    const homes = data.attendances.filter((a) => a.location.kind === 'home').map((a) => a.description.toLowerCase());
    expect(homes.every((d) => /home|house|flat|address/.test(d))).toBe(true);
  });
});
