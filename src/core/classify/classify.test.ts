import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDefinition, parseDefinition } from '../definition/parse.js';
import { classify, type ClassifiableIncident } from './classify.js';

const SHIPPED_PATH = fileURLToPath(new URL('../../../definitions/vrn-2020.yaml', import.meta.url));
const shipped = parseDefinition(readFileSync(SHIPPED_PATH, 'utf8'), 'definitions/vrn-2020.yaml');
const vrn = compileDefinition(shipped);
const includeUnknownPlaces = compileDefinition({
  ...shipped,
  location: { ...shipped.location, unknownLocation: 'include' },
});
const keepDomestic = compileDefinition({ ...shipped, excludeDomestic: false });

/** A public-place knife assault with injury on a 19-year-old by a 30-year-old. */
const streetAssault: ClassifiableIncident = {
  hocrCode: '8N',
  locationType: 'Street',
  domestic: false,
  weapon: 'Knife',
  victimAges: [19],
  suspectAges: [30],
};

describe('classify', () => {
  it('counts a public-place assault with injury', () => {
    expect(classify(vrn, streetAssault)).toEqual({
      inDefinition: true,
      svCategory: 'violence_with_injury',
      publicPlace: true,
      victimU25: true,
      offenderU25: false,
      knifeEnabled: true,
      domestic: false,
      excludedReason: null,
    });
  });

  it('normalises the code and counts legacy codes through their modern equivalent', () => {
    expect(classify(vrn, { ...streetAssault, hocrCode: ' 034b ' }).svCategory).toBe('robbery');
    const legacy = classify(vrn, { ...streetAssault, hocrCode: '005a' });
    expect(legacy).toMatchObject({ inDefinition: true, svCategory: 'violence_with_injury', knifeEnabled: true });
  });

  describe('excludedReason', () => {
    it("is 'code' for codes outside the definition, missing codes and text that is not a code", () => {
      for (const hocrCode of ['105A', '999Z', 'ABC', '', null]) {
        expect(classify(vrn, { ...streetAssault, hocrCode })).toMatchObject({
          inDefinition: false,
          svCategory: null,
          excludedReason: 'code',
        });
      }
    });

    it("is 'domestic' for a domestic incident when the definition excludes them", () => {
      expect(classify(vrn, { ...streetAssault, domestic: true })).toMatchObject({
        inDefinition: false,
        svCategory: 'violence_with_injury',
        domestic: true,
        excludedReason: 'domestic',
      });
      expect(classify(keepDomestic, { ...streetAssault, domestic: true }).excludedReason).toBeNull();
    });

    it('does not exclude incidents whose domestic flag is unknown', () => {
      expect(classify(vrn, { ...streetAssault, domestic: null })).toMatchObject({ inDefinition: true, domestic: null });
    });

    it("is 'private_place' for a private location", () => {
      expect(classify(vrn, { ...streetAssault, locationType: 'Dwelling' })).toMatchObject({
        inDefinition: false,
        svCategory: 'violence_with_injury',
        publicPlace: false,
        excludedReason: 'private_place',
      });
    });

    it("is 'unknown_place' for an unclassifiable location only when unknown locations are excluded", () => {
      for (const locationType of [null, '', 'Other']) {
        expect(classify(vrn, { ...streetAssault, locationType })).toMatchObject({
          inDefinition: false,
          publicPlace: null,
          excludedReason: 'unknown_place',
        });
        expect(classify(includeUnknownPlaces, { ...streetAssault, locationType })).toMatchObject({
          inDefinition: true,
          publicPlace: null,
          excludedReason: null,
        });
      }
    });

    it('reports only the first failing rule: code, then domestic, then private place, then unknown place', () => {
      const failsEverything = { ...streetAssault, hocrCode: '105A', domestic: true, locationType: 'Dwelling' };
      expect(classify(vrn, failsEverything).excludedReason).toBe('code');
      expect(classify(vrn, { ...failsEverything, hocrCode: '8N' }).excludedReason).toBe('domestic');
      expect(classify(vrn, { ...failsEverything, hocrCode: '8N', domestic: false }).excludedReason).toBe(
        'private_place',
      );
      const domesticUnknownPlace = { ...streetAssault, domestic: true, locationType: null };
      expect(classify(vrn, domesticUnknownPlace).excludedReason).toBe('domestic');
      expect(classify(keepDomestic, domesticUnknownPlace).excludedReason).toBe('unknown_place');
    });
  });

  describe('knifeEnabled', () => {
    it('needs both a knife term and a knife-applicable code', () => {
      expect(classify(vrn, { ...streetAssault, weapon: 'Blunt instrument' }).knifeEnabled).toBe(false);
      expect(classify(vrn, { ...streetAssault, weapon: null }).knifeEnabled).toBe(false);
      // 5E (endangering life) is in the definition but not a knife-flag offence.
      expect(classify(vrn, { ...streetAssault, hocrCode: '5E' }).knifeEnabled).toBe(false);
    });

    it('is set for knife-applicable codes outside the definition', () => {
      const threatsToKill = classify(vrn, { ...streetAssault, hocrCode: '3B', weapon: 'kitchen knives' });
      expect(threatsToKill).toMatchObject({ inDefinition: false, excludedReason: 'code', knifeEnabled: true });
    });

    it('is not set for possession offences (counted separately)', () => {
      expect(classify(vrn, { ...streetAssault, hocrCode: '10D', weapon: 'lock knife' }).knifeEnabled).toBe(false);
    });
  });

  describe('under-25 flags', () => {
    it.each([
      [[24], true],
      [[25], false],
      [[0], true],
      [[40, 17], true],
      [[null, 30], false],
      [[null], false],
      [[], false],
      [[Number.NaN, -1], false], // not known ages
    ] as const)('victim ages %j -> %s', (victimAges, expected) => {
      expect(classify(vrn, { ...streetAssault, victimAges }).victimU25).toBe(expected);
    });

    it('flags offenders from suspect ages, independently of victims', () => {
      const result = classify(vrn, { ...streetAssault, victimAges: [40], suspectAges: [null, 16] });
      expect(result).toMatchObject({ victimU25: false, offenderU25: true });
    });

    it('uses the u25_age of the definition', () => {
      const under18 = compileDefinition({ ...shipped, u25Age: 18 });
      expect(classify(under18, { ...streetAssault, victimAges: [19] }).victimU25).toBe(false);
    });
  });
});

describe('classify properties', () => {
  const definitions = [vrn, includeUnknownPlaces, keepDomestic];
  const codeArbitrary = fc.oneof(
    fc.constantFrom('1', '1/1', '4/1', '2', '5D', '5A', '8G', '8N', '34B', '3B', '105A', '10D', '999Z', ' 008n '),
    fc.string(),
    fc.constant(null),
  );
  const locationArbitrary = fc.oneof(
    fc.constantFrom('Street', 'Dwelling', 'Park Lane flat', 'Public House', 'Car Park', 'Other', ''),
    fc.string(),
    fc.constant(null),
  );
  const agesArbitrary = fc.array(fc.option(fc.integer({ min: -5, max: 110 }), { nil: null }), { maxLength: 4 });
  const incidentArbitrary = fc.record({
    hocrCode: codeArbitrary,
    locationType: locationArbitrary,
    domestic: fc.constantFrom(true, false, null),
    weapon: fc.oneof(fc.constantFrom('knife', 'Bladed article', 'fists'), fc.string(), fc.constant(null)),
    victimAges: agesArbitrary,
    suspectAges: agesArbitrary,
  });

  it('excludedReason is null exactly when the incident is in the definition', () => {
    fc.assert(
      fc.property(fc.constantFrom(...definitions), incidentArbitrary, (cdef, incident) => {
        const result = classify(cdef, incident);
        expect(result.excludedReason === null).toBe(result.inDefinition);
      }),
    );
  });

  it('svCategory is null exactly when the reason is code, and publicPlace agrees with the place reasons', () => {
    fc.assert(
      fc.property(fc.constantFrom(...definitions), incidentArbitrary, (cdef, incident) => {
        const result = classify(cdef, incident);
        expect(result.svCategory === null).toBe(result.excludedReason === 'code');
        if (result.excludedReason === 'private_place') expect(result.publicPlace).toBe(false);
        if (result.excludedReason === 'unknown_place') expect(result.publicPlace).toBeNull();
        if (result.inDefinition) expect(result.publicPlace).not.toBe(false);
        expect(result.domestic).toBe(incident.domestic);
      }),
    );
  });
});
