import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bandUnder25, parseAgeBand } from './age-band.js';
import { parseIstvCodeLists } from './codelists.js';
import { inWindow, parseWeeklyWindow } from './window.js';

const DEFAULT_LISTS = readFileSync(join(import.meta.dirname, '../../../codelists/istv.yaml'), 'utf8');

describe('ISTV code lists', () => {
  const codes = parseIstvCodeLists(DEFAULT_LISTS, 'codelists/istv.yaml');

  it('maps what EDs write onto codes, ignoring case, punctuation and spacing', () => {
    expect(codes.methods.map('Knife/Blade')).toEqual({ value: 'knife', mapped: true });
    expect(codes.methods.map('  KNIFE ')).toEqual({ value: 'knife', mapped: true });
    expect(codes.methods.map('Body part (fist, foot, head)')).toEqual({ value: 'body_part', mapped: true });
    expect(codes.methods.map('glassed')).toEqual({ value: 'glass', mapped: true });
    expect(codes.locationTypes.map('Pub/Club')).toEqual({ value: 'licensed_premises', mapped: true });
    expect(codes.locationTypes.map("Friend's house")).toEqual({ value: 'other_residence', mapped: true });
  });

  it('keeps values outside the list, trimmed and case-folded', () => {
    expect(codes.methods.map('  Thrown  Pint ')).toEqual({ value: 'thrown pint', mapped: false });
    expect(codes.locationTypes.map('Bowling Alley')).toEqual({ value: 'bowling alley', mapped: false });
  });

  it('flags sharp methods and night-time-economy locations', () => {
    expect(codes.methods.codesWith((e) => e.sharp).sort()).toEqual(['glass', 'knife', 'other_sharp']);
    expect(codes.locationTypes.codesWith((e) => e.night_time_economy).sort()).toEqual(['licensed_premises', 'takeaway_restaurant']);
  });

  it('refuses inconsistent or malformed lists, naming the problem', () => {
    const clash = `name: x\nassault_method:\n  - {code: a, label: A, values: [punch]}\n  - {code: b, label: B, values: [Punch]}\nassault_location_type:\n  - {code: home, label: Home}\n`;
    expect(() => parseIstvCodeLists(clash, 'clash.yaml')).toThrow(/'Punch' maps to both 'a' and 'b'/);
    expect(() => parseIstvCodeLists('name: x\nassault_method: []\n', 'short.yaml')).toThrow(/assault_method/);
    expect(() => parseIstvCodeLists('name: [', 'bad.yaml')).toThrow(/not valid YAML/);
  });
});

describe('age bands', () => {
  it.each([
    ['15-19', '15-19', 15, 19],
    ['15 – 19', '15-19', 15, 19],
    ['18 to 24 years', '18-24', 18, 24],
    ['65+', '65+', 65, null],
    ['65 and over', '65+', 65, null],
    ['over 65', '66+', 66, null],
    ['under 18', '0-17', 0, 17],
    ['<10', '0-9', 0, 9],
    ['17', '17', 17, 17],
  ])('%s → %s', (raw, text, min, max) => {
    expect(parseAgeBand(raw)).toEqual({ ok: true, value: { band: text, min, max } });
  });

  it('treats blanks as unknown and refuses nonsense', () => {
    expect(parseAgeBand('')).toEqual({ ok: true, value: null });
    expect(parseAgeBand('Not known')).toEqual({ ok: true, value: null });
    expect(parseAgeBand('teen')).toMatchObject({ ok: false });
    expect(parseAgeBand('30-20')).toMatchObject({ ok: false });
    expect(parseAgeBand('under 0')).toMatchObject({ ok: false });
  });

  it('says whether a band is wholly under 25', () => {
    expect(bandUnder25(18, 24)).toBe(true);
    expect(bandUnder25(25, 34)).toBe(false);
    expect(bandUnder25(65, null)).toBe(false);
    expect(bandUnder25(18, 30)).toBeNull();
    expect(bandUnder25(null, null)).toBeNull();
  });
});

describe('weekly time windows', () => {
  it('runs evenings past midnight into the next day', () => {
    const nte = parseWeeklyWindow('Fri-Sat 20:00-04:00');
    expect(nte.hoursPerWeek).toBe(16);
    expect(inWindow(nte, 5, 20)).toBe(true); // Friday 20:00
    expect(inWindow(nte, 6, 3)).toBe(true); // Saturday 03:00 (Friday night)
    expect(inWindow(nte, 7, 3)).toBe(true); // Sunday 03:00 (Saturday night)
    expect(inWindow(nte, 6, 4)).toBe(false);
    expect(inWindow(nte, 5, 3)).toBe(false); // Friday 03:00 is Thursday night
    expect(inWindow(nte, 6, 19)).toBe(false);
  });

  it('accepts lists, wrapping ranges and several windows', () => {
    expect(parseWeeklyWindow('Fri,Sat 21:00-03:00').hoursPerWeek).toBe(12);
    const sunToMon = parseWeeklyWindow('Sun-Mon 22:00-02:00');
    expect(inWindow(sunToMon, 1, 1)).toBe(true); // Monday 01:00 (Sunday night)
    expect(inWindow(sunToMon, 2, 1)).toBe(true); // Tuesday 01:00 (Monday night)
    expect(parseWeeklyWindow('Fri 20:00-04:00; Thu 22:00-02:00').hoursPerWeek).toBe(12);
    expect(parseWeeklyWindow('Mon-Sun 00:00-24:00').hoursPerWeek).toBe(168);
  });

  it('refuses what it cannot read', () => {
    expect(() => parseWeeklyWindow('Friday night')).toThrow(/not a time window/);
    expect(() => parseWeeklyWindow('Fry 20:00-04:00')).toThrow(/not a day of the week/);
    expect(() => parseWeeklyWindow('Fri 25:00-04:00')).toThrow(/not a whole hour/);
  });
});
