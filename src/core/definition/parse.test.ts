import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { SvoError } from '../errors.js';
import type { HocrCode } from '../hocr/codes.js';
import {
  compileDefinition,
  DefinitionError,
  definitionCodeRows,
  knifeApplicableCodes,
  mentionsKnife,
  parseDefinition,
  placeClass,
} from './parse.js';
import type { SvDefinition } from './schema.js';

const SHIPPED_PATH = fileURLToPath(new URL('../../../definitions/vrn-2020.yaml', import.meta.url));
const SHIPPED_TEXT = readFileSync(SHIPPED_PATH, 'utf8');
const shipped = parseDefinition(SHIPPED_TEXT, 'definitions/vrn-2020.yaml');
const compiled = compileDefinition(shipped);

/** The shipped file as a plain object, changed by `edit`, written back as YAML. */
function shippedWith(edit: (file: Record<string, unknown>) => void): string {
  const file = parseYaml(SHIPPED_TEXT) as Record<string, unknown>;
  edit(file);
  return stringifyYaml(file);
}

function definitionErrorFrom(text: string, source = 'test.yaml'): DefinitionError {
  try {
    parseDefinition(text, source);
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error('expected the definition to be rejected');
}

describe('parseDefinition: the shipped vrn-2020 definition', () => {
  it('reads the header fields', () => {
    expect(shipped).toMatchObject({
      id: 'vrn-2020',
      version: 1,
      isDefault: true,
      effectiveFrom: '2020-04-01',
      effectiveTo: null,
      includeLegacyEquivalents: true,
      excludeDomestic: true,
      u25Age: 25,
    });
    expect(shipped.description.length).toBeGreaterThan(20);
  });

  it('lists the definition codes from domain.md by category', () => {
    expect(shipped.codes).toEqual({
      homicide: ['1', '1/1', '1/2', '4/1'],
      violence_with_injury: ['2', '5D', '5E', '8N', '8P'],
      robbery: ['34A', '34B'],
    });
  });

  it('excludes unknown locations and lists public and private terms', () => {
    expect(shipped.location.unknownLocation).toBe('exclude');
    expect(shipped.location.publicTerms).toEqual(expect.arrayContaining(['street', 'car park', 'open space', 'pub']));
    expect(shipped.location.privateTerms).toEqual(expect.arrayContaining(['dwelling', 'house', 'flat', 'care home']));
  });

  it('compiles without warnings: every code is in the HOCR table', () => {
    expect(compiled.warnings).toEqual([]);
  });

  it('reads the same definition from JSON', () => {
    const asJson = JSON.stringify(parseYaml(SHIPPED_TEXT));
    expect(parseDefinition(asJson, 'vrn-2020.json')).toEqual(shipped);
  });
});

describe('compileDefinition', () => {
  it('brings legacy codes in through their modern equivalent', () => {
    const categoryOf = (code: string) => compiled.codeCategory.get(code);
    expect(['5A', '5B', '5C', '8F', '8G', '8H', '8J'].map(categoryOf)).toEqual(Array(7).fill('violence_with_injury'));
    expect(categoryOf('8S')).toBeUndefined();
    expect(categoryOf('105A')).toBeUndefined();
  });

  it('leaves legacy codes out when include_legacy_equivalents is false', () => {
    const strict = compileDefinition({ ...shipped, includeLegacyEquivalents: false });
    expect(strict.codeCategory.has('5A')).toBe(false);
    expect(strict.codeCategory.has('8G')).toBe(false);
    expect(strict.knifeCodes.has('8G')).toBe(false);
    expect(strict.codeCategory.size).toBe(11);
  });

  it('follows chains of replacements and ignores cycles in a supplied table', () => {
    const table: HocrCode[] = [
      { code: '8N', description: 'current', hoGroup: 'Violence with injury', validFrom: null, validTo: null },
      { code: '8G', description: 'older', hoGroup: 'Violence with injury', validFrom: null, validTo: '2012-04-01', modernEquivalent: '8N' },
      { code: '8C', description: 'oldest', hoGroup: 'Violence with injury', validFrom: null, validTo: '2008-04-01', modernEquivalent: '8G' },
      { code: '7X', description: 'cycle', hoGroup: 'Violence with injury', validFrom: null, validTo: '2000-01-01', modernEquivalent: '7Y' },
      { code: '7Y', description: 'cycle', hoGroup: 'Violence with injury', validFrom: null, validTo: '2000-01-01', modernEquivalent: '7X' },
    ];
    const chained = compileDefinition(shipped, table);
    expect(chained.codeCategory.get('8C')).toBe('violence_with_injury');
    expect(chained.codeCategory.has('7X')).toBe(false);
  });

  it('warns about well-formed codes that are not in the HOCR table, and still uses them', () => {
    const withUnknown = compileDefinition({ ...shipped, codes: { ...shipped.codes, robbery: ['34A', '34B', '999Z'] } });
    expect(withUnknown.warnings).toEqual([
      "codes.robbery: '999Z' is not in the HOCR code table; it is used as written",
    ]);
    expect(withUnknown.codeCategory.get('999Z')).toBe('robbery');
  });
});

describe('definitionCodeRows and knifeApplicableCodes', () => {
  it('lists every definition code, legacy expansions included, in counting-rules order', () => {
    const rows = definitionCodeRows(compiled);
    expect(rows.map((row) => row.hocrCode)).toEqual([
      '1', '1/1', '1/2', '2', '4/1', '5A', '5B', '5C', '5D', '5E', '8F', '8G', '8H', '8J', '8N', '8P', '34A', '34B',
    ]);
    expect(rows.find((row) => row.hocrCode === '8G')).toEqual({
      hocrCode: '8G',
      svCategory: 'violence_with_injury',
      knifeApplicable: true,
    });
    expect(rows.find((row) => row.hocrCode === '5E')?.knifeApplicable).toBe(false);
    expect(rows.find((row) => row.hocrCode === '34B')?.svCategory).toBe('robbery');
  });

  it('lists knife-applicable codes, including ones outside the definition', () => {
    const knifeCodes = knifeApplicableCodes(compiled);
    expect(knifeCodes).toEqual(expect.arrayContaining(['1', '2', '3B', '5A', '5D', '8F', '8N', '19C', '20A', '34B']));
    expect(knifeCodes).not.toContain('5E');
    expect(knifeCodes).not.toContain('10D'); // possession offences are counted separately
  });
});

describe('parseDefinition: errors name the source, the field and the line', () => {
  it('reports a missing id', () => {
    const error = definitionErrorFrom(shippedWith((file) => delete file.id), 'definitions/local.yaml');
    expect(error.message).toBe('definitions/local.yaml: id: is required but missing');
    expect(error.problems).toEqual([{ path: 'id', message: 'is required but missing' }]);
  });

  it('reports an unknown category under codes', () => {
    const text = shippedWith((file) => {
      (file.codes as Record<string, unknown>).knife_crime = ['34A'];
    });
    const error = definitionErrorFrom(text);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      path: 'codes.knife_crime',
      message: 'is not a known category; expected one of homicide, violence_with_injury, robbery',
    });
    expect(error.problems[0]?.line).toBeGreaterThan(1);
  });

  it('reports an unknown key with a suggestion', () => {
    const text = SHIPPED_TEXT.replace('exclude_domestic: true', 'exlude_domestic: true');
    const error = definitionErrorFrom(text);
    expect(error.message).toContain('exclude_domestic: is required but missing');
    expect(error.message).toMatch(/exlude_domestic \(line \d+, column \d+\): is not a known field \(did you mean exclude_domestic\?\)/);
  });

  it('reports bad codes with their position in the list', () => {
    const text = SHIPPED_TEXT.replace("robbery: ['34A', '34B']", "robbery: ['34A', 'ABC', 4.1]");
    const error = definitionErrorFrom(text);
    expect(error.problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'codes.robbery[1]', message: "'ABC' is not a HOCR code (expected e.g. '8N', '34B' or '4/1')" },
      {
        path: 'codes.robbery[2]',
        message: "should be a HOCR code written as quoted text, e.g. '4/10', found the number 4.1",
      },
    ]);
  });

  it('accepts plain integer codes and normalises code spellings', () => {
    const text = SHIPPED_TEXT.replace("['2', '5D', '5E', '8N', '8P']", "[2, '05d', '5e', '008N', '8p']");
    expect(parseDefinition(text, 'test.yaml').codes.violence_with_injury).toEqual(['2', '5D', '5E', '8N', '8P']);
  });

  it('reports wrong types and values in plain English', () => {
    const text = SHIPPED_TEXT.replace('u25_age: 25', "u25_age: 'twenty-five'").replace(
      'unknown_location: exclude',
      'unknown_location: maybe',
    );
    const messages = definitionErrorFrom(text).problems.map(({ path, message }) => `${path}: ${message}`);
    expect(messages).toEqual([
      "location.unknown_location: should be 'include' or 'exclude', found the text 'maybe'",
      "u25_age: should be a number, found the text 'twenty-five'",
    ]);
  });

  it('reports a code listed in two categories', () => {
    const text = SHIPPED_TEXT.replace("robbery: ['34A', '34B']", "robbery: ['34A', '34B', '8N']");
    expect(definitionErrorFrom(text).problems[0]).toMatchObject({
      path: 'codes.robbery[2]',
      message: "'8N' is already listed under violence_with_injury; a code can be in one category only",
    });
  });

  it('reports a term that is both public and private', () => {
    const text = shippedWith((file) => {
      ((file.location as Record<string, string[]>).private ?? []).push('Car  Park');
    });
    expect(definitionErrorFrom(text).problems[0]?.message).toBe(
      "'car park' is also a public term; a term can be public or private, not both",
    );
  });

  it('reports an end date before the start date and a badly written date', () => {
    const backwards = SHIPPED_TEXT.replace('effective_to: null', 'effective_to: 2019-01-01');
    expect(definitionErrorFrom(backwards).problems[0]).toMatchObject({
      path: 'effective_to',
      message: 'should not be before effective_from (2020-04-01)',
    });
    const badDate = SHIPPED_TEXT.replace('effective_from: 2020-04-01', 'effective_from: 01/04/2020');
    expect(definitionErrorFrom(badDate).problems[0]?.message).toBe(
      "should be a date written YYYY-MM-DD, e.g. 2020-04-01, found the text '01/04/2020'",
    );
  });

  it('reports invalid YAML with its line', () => {
    const error = definitionErrorFrom('id: vrn\ncodes: [1,\n', 'broken.yaml');
    expect(error.message).toMatch(/^broken\.yaml: line \d+, column \d+: not valid YAML or JSON: /);
  });

  it('reports duplicate keys as invalid YAML', () => {
    const error = definitionErrorFrom(`${SHIPPED_TEXT}\nu25_age: 18\n`);
    expect(error.message).toContain('Map keys must be unique');
  });

  it('reports an empty file and a file that is not a mapping', () => {
    expect(definitionErrorFrom('', 'empty.yaml').message).toBe(
      'empty.yaml: the file is empty; expected a definition with id, version, codes, location, knife and so on',
    );
    expect(definitionErrorFrom('- a\n- b\n', 'list.yaml').message).toBe(
      'list.yaml: the definition should be a section of named fields, found a list',
    );
  });

  it('lists every problem at once and is a usage-type SvoError', () => {
    const error = definitionErrorFrom('{"id": "x", "version": 0}', 'x.json');
    expect(error).toBeInstanceOf(SvoError);
    expect(error.exitCode).toBe(2);
    expect(error.source).toBe('x.json');
    expect(error.message.split('\n')[0]).toBe('x.json: 9 problems in the definition:');
    expect(error.message).toContain('  - version (line 1, column 24): should be 1 or more, found the number 0');
  });
});

describe('placeClass with the shipped definition', () => {
  it.each([
    ['Street', 'public'],
    ['STREET/ROAD', 'public'],
    ['street', 'public'],
    ['Streets', 'public'],
    ['Public House', 'public'], // 'public house' is longer than the private term 'house'
    ['Pub', 'public'],
    ['Car Park', 'public'],
    ['car-park', 'public'],
    ['Multi storey car park', 'public'],
    ['Open  space', 'public'],
    ['Shopping Centre', 'public'],
    ['Buses', 'public'],
    ['Dwelling', 'private'],
    ['Residential care home', 'private'],
    ['Park Lane flat', 'private'], // both match: private wins
    ['flat above shop', 'private'],
    ['House', 'private'],
    ['streetlight', 'unknown'], // whole words only
    ['Shopping', 'unknown'], // 'shop' is not a whole word here
    ['Publican', 'unknown'],
    ['Other', 'unknown'],
    ['', 'unknown'],
    ['   ', 'unknown'],
    [null, 'unknown'],
  ] as const)('%j -> %s', (locationType, expected) => {
    expect(placeClass(compiled, locationType)).toBe(expected);
  });

  it("does not read 'Public House' as the public term 'pub'", () => {
    const pubOnly: SvDefinition = {
      ...shipped,
      location: { publicTerms: ['pub'], privateTerms: [], unknownLocation: 'exclude' },
    };
    const pubOnlyCompiled = compileDefinition(pubOnly);
    expect(placeClass(pubOnlyCompiled, 'Public House')).toBe('unknown');
    expect(placeClass(pubOnlyCompiled, "The Crown pub's beer garden")).toBe('public');
  });

  it('treats regular-expression characters in terms literally', () => {
    const odd = compileDefinition({
      ...shipped,
      location: { publicTerms: ['b.b.q area', 'c++ lab'], privateTerms: [], unknownLocation: 'exclude' },
    });
    expect(placeClass(odd, 'B.B.Q Area')).toBe('public');
    expect(placeClass(odd, 'bxbxq area')).toBe('unknown');
    expect(placeClass(odd, 'C++ Lab')).toBe('public');
  });

  it('gives the same answer when called repeatedly (no state kept between calls)', () => {
    const answers = Array.from({ length: 5 }, () => placeClass(compiled, 'Street'));
    expect(answers).toEqual(Array(5).fill('public'));
  });
});

describe('mentionsKnife with the shipped definition', () => {
  it.each([
    ['Knife', true],
    ['KNIVES', true],
    ['kitchen knife', true],
    ['knife-point', true],
    ['at knifepoint', true],
    ['Bladed article', true],
    ['razor blades', true],
    ['Sharp instrument', true],
    ['machete', true],
    ['penknife', false], // whole words only: add 'penknife' to the terms to count it
    ['sharpened stick', false],
    ['Blunt object', false],
    ['bottle', false],
    ['', false],
    [null, false],
  ] as const)('%j -> %s', (weapon, expected) => {
    expect(mentionsKnife(compiled, weapon)).toBe(expected);
    // A second call must agree: the shared pattern keeps no position between calls.
    expect(mentionsKnife(compiled, weapon)).toBe(expected);
  });
});
