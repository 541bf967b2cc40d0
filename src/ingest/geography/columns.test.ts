import { describe, expect, it } from 'vitest';
import { FileRejectedError } from '../../core/errors.js';
import { COLUMNS, findColumn, findColumns, midYearIn, parseCount } from './columns.js';
import { parsePopulation } from './population.js';
import { parseBoundaries } from './boundaries.js';

describe('column matching', () => {
  const cases: [keyof typeof COLUMNS, string[], string[]][] = [
    ['lsoaCode', ['LSOA11CD', 'LSOA code (2011)', 'lsoa11_code', 'LSOA Code', 'lsoa_cd'], ['LSOA21CD', 'LSOA code (2021)', 'LSOA11NM', 'OA11CD']],
    ['lsoaName', ['LSOA11NM', 'LSOA name (2011)', 'lsoa11_name'], ['LSOA11NMW', 'LSOA11CD']],
    ['msoaCode', ['MSOA11CD', 'msoa11_code', 'MSOA Code'], ['MSOA11NM']],
    ['ladCode', ['LAD17CD', 'LAD19CD', 'Local Authority District code (2019)', 'lad_code', 'LA Code (2018 boundaries)', 'LTLA22CD'], ['LACCD', 'LAD17NM', 'LACNM']],
    ['ladName', ['LAD17NM', 'Local Authority District name (2019)', 'lad_name'], ['LAD17CD', 'LACNM']],
    ['imdRank', ['Index of Multiple Deprivation (IMD) Rank', 'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)', 'IMD_Rank', 'imd19 rank'], ['Income Rank (where 1 is most deprived)', 'Index of Multiple Deprivation (IMD) Score']],
    ['imdDecile', ['Index of Multiple Deprivation (IMD) Decile', 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)', 'imd_decile'], ['Crime Decile (where 1 is most deprived 10% of LSOAs)']],
    ['iodTotal', ['Total population: mid 2015 (excluding prisoners)'], ['total_population', 'All Ages']],
    ['sapeTotal', ['All Ages', 'total_population', 'Total'], ['Total population: mid 2015 (excluding prisoners)']],
    ['cspCode', ['csp_code', 'CSPCD', 'CSP', 'CSP19CD', 'Community Safety Partnership code'], ['csp_name', 'CSPNM']],
    ['cspName', ['csp_name', 'CSPNM', 'CSP19NM'], ['csp_code']],
  ];
  for (const [key, yes, no] of cases) {
    it(`recognises ${key}`, () => {
      for (const h of yes) expect(findColumn([h], COLUMNS[key]), h).toBe(0);
      for (const h of no) expect(findColumn([h], COLUMNS[key]), h).toBe(-1);
    });
  }

  it('names the file, the columns expected and those found when one is missing', () => {
    const run = () => findColumns('f.csv', ['LSOA11CD', 'Rank'], { lsoaCode: COLUMNS.lsoaCode, rank: COLUMNS.imdRank }, {}, 'an IMD file');
    expect(run).toThrow(FileRejectedError);
    expect(run).toThrow('f.csv: this does not look like an IMD file: missing column(s) Index of Multiple Deprivation (IMD) Rank. Columns found: "LSOA11CD", "Rank"');
  });
});

describe('values', () => {
  it('parses ONS counts with thousands separators', () => {
    expect(parseCount('1,296')).toBe(1296);
    expect(parseCount(' 29,199 ')).toBe(29199);
    expect(parseCount('1296')).toBe(1296);
    expect(parseCount('1296.0')).toBe(1296);
    expect(parseCount('0')).toBe(0);
    for (const bad of ['', '12,96', '1,2960', '-5', '1.5', 'n/a', '1 296']) expect(parseCount(bad), bad).toBeNull();
  });

  it('finds mid-years', () => {
    expect(midYearIn('Total population: mid 2015 (excluding prisoners)')).toBe(2015);
    expect(midYearIn('sape22dt2-mid2019-lsoa11-syoa-persons-llr.csv')).toBe(2019);
    expect(midYearIn('SAPE21DT1a-mid-2018-on-2019-LA-lsoa-syoa-estimates')).toBe(2018);
    expect(midYearIn('File_6_-_IoD2019_Population_Denominators.csv')).toBeNull();
  });
});

describe('population parsing', () => {
  const ages = [...Array.from({ length: 90 }, (_, a) => String(a)), '90+'];
  it('requires every single-year age column', () => {
    const header = ['LSOA Code', 'All Ages', ...ages.filter((a) => a !== '17' && a !== '90+')].join(',');
    expect(() => parsePopulation('mid2019.csv', `${header}\n`, null)).toThrow(/single-year age column\(s\) 17, 90\+/);
  });

  it('rejects a row whose total is not the sum of its ages', () => {
    const header = ['LSOA Code', 'All Ages', ...ages].join(',');
    const row = ['E01000001', '92', ...ages.map(() => '1')].join(',');
    const p = parsePopulation('x-mid2019.csv', `${header}\n${row}\n`, null);
    expect(p.rejects).toEqual([{ line: 2, column: 'All Ages', value: '92', reason: 'the total does not equal the sum of the single-year ages (91)' }]);
    expect(p.year).toBe(2019);
  });
});

describe('boundary parsing', () => {
  const square = [[[-1.14, 52.63], [-1.13, 52.63], [-1.13, 52.64], [-1.14, 52.64], [-1.14, 52.63]]];
  it('rejects features one by one and finds the code property case-insensitively', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { Lsoa11Cd: 'E01013600' }, geometry: { type: 'Polygon', coordinates: square } },
        { type: 'Feature', properties: { Lsoa11Cd: 'E01013601' }, geometry: { type: 'Point', coordinates: [-1.1, 52.6] } },
        { type: 'Feature', properties: { Lsoa11Cd: 'X' }, geometry: { type: 'Polygon', coordinates: square } },
        { type: 'Feature', properties: { Lsoa11Cd: 'E01013602' }, geometry: { type: 'Polygon', coordinates: [[[10, 10], [11, 10], [11, 11], [10, 10]]] } },
      ],
    };
    const p = parseBoundaries('b.geojson', JSON.stringify(fc), null);
    expect(p.codeProperty).toBe('Lsoa11Cd');
    expect(p.rows.map((r) => r.lsoaCode)).toEqual(['E01013600']);
    expect(p.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'feature 2: geometry type "Point" is not Polygon or MultiPolygon'],
      [3, 'feature 3: not a 2011 LSOA code (E01 or W01 and six digits)'],
      [4, 'feature 4: the coordinates are not WGS84 longitude/latitude in the UK'],
    ]);
  });

  it('refuses a collection without an LSOA code property', () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'x' }, geometry: { type: 'Polygon', coordinates: square } }] };
    expect(() => parseBoundaries('b.geojson', JSON.stringify(fc), null)).toThrow(/no feature has an LSOA code property .* Properties found: "name"/);
  });
});
