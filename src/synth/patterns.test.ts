/**
 * Every planted pattern (PATTERNS.md) is present in the generated incidents, measured the way an
 * analyst would measure it, with the shipped definition deciding what is serious violence.
 *
 * Tolerances are about four standard errors at this volume (180,000 incidents, ~30,000 of them
 * in-definition serious violence), so a failure means the generator changed, not bad luck.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classify } from '../core/classify/classify.js';
import { compileDefinition, parseDefinition } from '../core/definition/parse.js';
import { generateArea } from './area.js';
import { measurePatterns, type IncidentClass, type ObservedPatterns } from './measure.js';
import { generateIncidents, plantedTargets, type SynthIncident } from './police.js';
import { TARGETS } from './tables.js';

const DEFINITION = fileURLToPath(new URL('../../definitions/vrn-2020.yaml', import.meta.url));
const vrn = compileDefinition(parseDefinition(readFileSync(DEFINITION, 'utf8'), 'definitions/vrn-2020.yaml'));

function classifyIncident(inc: SynthIncident): IncidentClass {
  return classify(vrn, {
    hocrCode: inc.hocrCode,
    locationType: inc.locationType === '' ? null : inc.locationType,
    domestic: inc.domestic === 'Y' ? true : inc.domestic === 'N' ? false : null,
    weapon: inc.weapon === '' ? null : inc.weapon,
    victimAges: inc.victims.map((v) => v.age),
    suspectAges: inc.suspects.map((s) => s.age),
  });
}

/** Absolute tolerances for unit-test volume (see PATTERNS.md for the table). */
const UNIT_TOLERANCE = {
  weekendToWeekdayDailyRatio: 0.08,
  deprivationRatio: 0.4,
  victimMaleShare15to19: 0.03,
  repeatVictimShare: 0.02,
  robberyU25AnnualGrowth: 0.1,
  u25SuspectRateRatio: 0.15,
  knifeEnabledShare: 0.02,
};

describe.each([2020, 7])('planted patterns, seed %s (3 years, scale 6)', (seed) => {
  const area = generateArea(seed);
  const options = { seed, years: 3, scale: 6 };
  const planted = plantedTargets(area, options);
  let observed: ObservedPatterns;
  const obs = () => (observed ??= measurePatterns(area, generateIncidents(area, options), classifyIncident, planted.period));

  it('has enough in-definition serious violence to measure', () => {
    expect(obs().incidents).toBe(180_000);
    expect(obs().inDefinition).toBeGreaterThan(25_000);
  });

  it('peaks at weekends: mean daily count Sat+Sun ÷ Mon–Fri ≈ 1.49', () => {
    expect(Math.abs(obs().weekendToWeekdayDailyRatio - TARGETS.weekendToWeekdayDailyRatio)).toBeLessThan(UNIT_TOLERANCE.weekendToWeekdayDailyRatio);
  });

  it('peaks at 15:00–16:00 on weekdays, ≈ 1.5 × the next busiest hour', () => {
    expect(obs().weekdayPeakHour).toBe(15);
    expect(obs().weekdayPeakToNextHourRatio).toBeGreaterThan(1.35);
  });

  it('concentrates in the hotspots: each ≥ 3 × the area rate and within 20% of its calibrated ratio; they are the top zones', () => {
    for (const [code, ratio] of Object.entries(obs().hotspotRatios)) {
      const expected = planted.hotspotExpectedRatio[code]!;
      expect(expected).toBeGreaterThanOrEqual(3.5);
      expect(ratio).toBeGreaterThan(3);
      expect(Math.abs(ratio / expected - 1)).toBeLessThan(0.2);
    }
    expect([...obs().topZones].sort()).toEqual([...area.hotspotCodes].sort());
  });

  it('follows deprivation: rate in IMD decile 1 ≈ 3 × decile 10, falling decile by decile on the whole', () => {
    expect(Math.abs(obs().deprivationRatio - TARGETS.deprivationRatio)).toBeLessThan(UNIT_TOLERANCE.deprivationRatio);
    const rates = obs().decileRates.slice(1);
    const falls = rates.slice(1).filter((r, k) => r < rates[k]!).length;
    expect(falls).toBeGreaterThanOrEqual(7);
  });

  it('puts males aged 15–19 at highest risk of victimisation', () => {
    expect(obs().victimPeakBand).toBe('15-19');
    expect(obs().victim15to19To20to24Ratio).toBeGreaterThan(1.15);
    expect(Math.abs(obs().victimMaleShare15to19 - TARGETS.victimMaleShare15to19)).toBeLessThan(UNIT_TOLERANCE.victimMaleShare15to19);
  });

  it('has repeat victims: ≈ 10% of distinct victims appear in two or more incidents', () => {
    expect(Math.abs(obs().repeatVictimShare - TARGETS.repeatVictimShare)).toBeLessThan(UNIT_TOLERANCE.repeatVictimShare);
  });

  it('grows robbery by under-25s ≈ 20% a year', () => {
    const years = Object.keys(obs().robberyU25ByYear);
    expect(years).toEqual(['2023', '2024', '2025']);
    expect(Math.abs(obs().robberyU25AnnualGrowth - TARGETS.robberyU25AnnualGrowth)).toBeLessThan(UNIT_TOLERANCE.robberyU25AnnualGrowth);
  });

  it('has an under-25 suspect rate (per resident aged 10–24) ≈ 1.9 × the 25+ rate', () => {
    expect(Math.abs(obs().u25SuspectRateRatio - TARGETS.u25SuspectRateRatio)).toBeLessThan(UNIT_TOLERANCE.u25SuspectRateRatio);
  });

  it('has a knife-enabled share of serious violence ≈ 20%', () => {
    expect(Math.abs(obs().knifeEnabledShare - TARGETS.knifeEnabledShare)).toBeLessThan(UNIT_TOLERANCE.knifeEnabledShare);
  });
});
