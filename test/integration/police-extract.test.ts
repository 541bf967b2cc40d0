import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser, TEST_PSEUDONYM_KEY } from '../support/context.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { syncDefinitions, readDefinitionFiles, definitionDirs, addDefinition } from '../../src/classify/definitions.js';
import { parseDefinition } from '../../src/core/definition/parse.js';
import { IngestFailedError } from '../../src/ingest/police-uk/index.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/police');

describe.each(ENGINES)('police extract ingest on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    dir = mkdtempSync(join(tmpdir(), 'svo-police-'));
  });
  afterAll(async () => t.dispose());

  const ingest = (paths: string[], extra: Partial<Parameters<typeof ingestPoliceExtract>[2]> = {}) =>
    ingestPoliceExtract(testContext(t.store), paths, { pseudonymiser: testPseudonymiser(), agency: 'Test Police', ...extra });

  it('refuses a file with too many rejected rows and stores nothing', async () => {
    const file = join(dir, 'canonical.csv');
    copyFileSync(join(FIXTURES, 'canonical.csv'), file);
    await expect(ingest([file])).rejects.toThrow(IngestFailedError);
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM incidents`)).toEqual([{ n: 0 }]);
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM ingest_batches`)).toEqual([{ n: 0 }]);
    const rejects = readFileSync(`${file}.rejects.csv`, 'utf8');
    expect(rejects).toContain('occurred_from');
    expect(rejects).toMatch(/,9,occurred_from,31\/02\/2021 10:00,day 31 does not exist/);
  });

  it('groups rows by crime_ref, derives ages, pseudonymises people and classifies under vrn-2020', async () => {
    const file = join(dir, 'canonical.csv');
    const summary = await ingest([file], { maxRejectRate: 0.2 });
    expect(summary).toMatchObject({ files: 1, accepted: 6, rejected: 1, duplicates: 0, updated: 0 });
    expect(summary.details.unrecognisedHocrCodes).toEqual({ '99Z': 1 });

    const rows = await t.store.query(
      `SELECT i.source_record_id AS ref, i.hocr_code, i.hocr_recognised, c.in_definition, c.sv_category, c.public_place,
              c.victim_u25, c.offender_u25, c.knife_enabled, c.domestic, c.excluded_reason
       FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = 'vrn-2020'
       ORDER BY ref`,
    );
    expect(rows).toEqual([
      { ref: 'CR-001', hocr_code: '8N', hocr_recognised: true, in_definition: true, sv_category: 'violence_with_injury', public_place: true, victim_u25: true, offender_u25: true, knife_enabled: true, domestic: false, excluded_reason: null },
      { ref: 'CR-002', hocr_code: '34B', hocr_recognised: true, in_definition: true, sv_category: 'robbery', public_place: true, victim_u25: false, offender_u25: false, knife_enabled: true, domestic: null, excluded_reason: null },
      { ref: 'CR-003', hocr_code: '8N', hocr_recognised: true, in_definition: false, sv_category: 'violence_with_injury', public_place: false, victim_u25: false, offender_u25: false, knife_enabled: false, domestic: true, excluded_reason: 'domestic' },
      { ref: 'CR-004', hocr_code: '105A', hocr_recognised: true, in_definition: false, sv_category: null, public_place: true, victim_u25: true, offender_u25: false, knife_enabled: false, domestic: false, excluded_reason: 'code' },
      { ref: 'CR-005', hocr_code: '8N', hocr_recognised: true, in_definition: false, sv_category: 'violence_with_injury', public_place: null, victim_u25: false, offender_u25: false, knife_enabled: false, domestic: null, excluded_reason: 'unknown_place' },
      { ref: 'CR-006', hocr_code: '99Z', hocr_recognised: false, in_definition: false, sv_category: null, public_place: true, victim_u25: false, offender_u25: false, knife_enabled: false, domestic: false, excluded_reason: 'code' },
    ]);

    const people = await t.store.query(
      `SELECT i.source_record_id AS ref, p.role, p.person_key, p.age, p.sex FROM incident_people p JOIN incidents i ON i.id = p.incident_id
       ORDER BY ref, p.role, p.age`,
    );
    // CR-001 repeats its victim on two rows (one per suspect): one victim, two suspects; DOB → age 21.
    expect(people.filter((p) => p.ref === 'CR-001').map((p) => [p.role, p.age, p.sex])).toEqual([
      ['suspect', 19, 'male'],
      ['suspect', 21, 'male'],
      ['victim', 17, 'male'],
    ]);
    expect(people.find((p) => p.ref === 'CR-002')).toMatchObject({ role: 'victim', age: 31, sex: 'female' });
    // The same victim id in two incidents gets the same key, and the key is not the raw id.
    const v100 = people.filter((p) => p.ref === 'CR-001' && p.role === 'victim')[0]!.person_key;
    expect(people.find((p) => p.ref === 'CR-004')!.person_key).toBe(v100);
    expect(String(v100)).not.toContain('V-100');

    // Coordinates in BNG gain WGS84.
    const [located] = await t.store.query(`SELECT latitude, longitude FROM incidents WHERE source_record_id = 'CR-001'`);
    expect(Number(located!.latitude)).toBeCloseTo(52.6365, 3);
    expect(Number(located!.longitude)).toBeCloseTo(-1.133, 3);
  });

  it('never writes a raw identifier or date of birth to the database or the rejects file', async () => {
    const tables = ['incidents', 'incident_people', 'ingest_batches'];
    for (const table of tables) {
      const text = JSON.stringify(await t.store.query(`SELECT * FROM ${table}`));
      for (const raw of ['V-100', 'V-101', 'S-200', 'S-201', '14/02/2000', '2000-02-14', '1990-01-01', TEST_PSEUDONYM_KEY]) expect(text).not.toContain(raw);
    }
  });

  it('treats re-ingesting the identical file as a no-op', async () => {
    const summary = await ingest([join(dir, 'canonical.csv')], { maxRejectRate: 0.2 });
    expect(summary).toMatchObject({ accepted: 0, updated: 0, skippedFiles: 1 });
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM incidents`)).toEqual([{ n: 6 }]);
  });

  it('updates incidents from an overlapping later extract and says how many', async () => {
    const later = join(dir, 'later.csv');
    const lines = readFileSync(join(FIXTURES, 'canonical.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!;
    const changed = lines.filter((l) => l.startsWith('CR-002')).map((l) => l.replace('Car park', 'Dwelling'));
    const same = lines.filter((l) => l.startsWith('CR-004'));
    const added = 'CR-100,2021-08-01T21:00,,,34B,Robbery,,,E01013678,Street,N,,V-300,16,,M,S-300,17,,M';
    writeFileSync(later, [header, ...changed, ...same, added].join('\n') + '\n');
    const summary = await ingest([later]);
    expect(summary).toMatchObject({ accepted: 1, updated: 1, duplicates: 1, rejected: 0 });
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM incidents`)).toEqual([{ n: 7 }]);
    const [cr2] = await t.store.query(
      `SELECT i.location_type, c.excluded_reason FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id
       WHERE i.source_record_id = 'CR-002' AND c.definition_id = 'vrn-2020'`,
    );
    expect(cr2).toEqual({ location_type: 'Dwelling', excluded_reason: 'private_place' });
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM incident_people p JOIN incidents i ON i.id = p.incident_id WHERE i.source_record_id = 'CR-002'`)).toEqual([{ n: 1 }]);
  });

  it('re-classifies stored incidents when a new definition version is added, without re-ingesting', async () => {
    const text = readFileSync(join(import.meta.dirname, '../../definitions/vrn-2020.yaml'), 'utf8')
      .replace(/^version: 1$/m, 'version: 2')
      .replace(/unknown_location: exclude/, 'unknown_location: include')
      .replace(/^default: true$/m, 'default: false');
    const added = await addDefinition(t.store, parseDefinition(text, 'v2.yaml'), text, 'v2.yaml');
    expect(added).toMatchObject({ id: 'vrn-2020', version: 2, classified: 7 });
    const [cr5] = await t.store.query(
      `SELECT c.in_definition, c.excluded_reason FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id
       WHERE i.source_record_id = 'CR-005' AND c.definition_id = 'vrn-2020' AND c.definition_version = 2`,
    );
    expect(cr5).toEqual({ in_definition: true, excluded_reason: null });
  });

  it('maps a force profile: column names, value codes, UK dates and DOBs', async () => {
    const summary = await ingest([join(FIXTURES, 'niche-style.csv')], { profile: join(import.meta.dirname, '../../profiles/example-niche.json'), agency: 'Niche Force' });
    expect(summary).toMatchObject({ accepted: 3, rejected: 0 });
    const rows = await t.store.query(
      `SELECT i.source_record_id AS ref, i.occurred_from, i.location_type, i.domestic, c.excluded_reason, c.knife_enabled, c.victim_u25
       FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = 'vrn-2020' AND c.definition_version = 1
       WHERE i.agency = 'Niche Force' ORDER BY ref`,
    );
    expect(rows).toEqual([
      { ref: 'NC/21/0001', occurred_from: '2021-07-03T23:15:00', location_type: 'Street', domestic: false, excluded_reason: null, knife_enabled: true, victim_u25: true },
      { ref: 'NC/21/0002', occurred_from: '2021-07-10T01:20:00', location_type: 'Public house', domestic: false, excluded_reason: null, knife_enabled: false, victim_u25: false },
      { ref: 'NC/21/0003', occurred_from: '2021-07-12T19:00:00', location_type: 'Dwelling', domestic: true, excluded_reason: 'domestic', knife_enabled: false, victim_u25: false },
    ]);
    const victims = await t.store.query(
      `SELECT p.age, p.sex FROM incident_people p JOIN incidents i ON i.id = p.incident_id
       WHERE i.source_record_id = 'NC/21/0001' AND p.role = 'victim' ORDER BY p.age`,
    );
    expect(victims).toEqual([
      { age: 14, sex: 'female' },
      { age: 16, sex: 'male' },
    ]);
  });

  it('reads XLSX extracts, including Excel serial dates', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Crimes');
    sheet.addRow(['crime_ref', 'occurred_from', 'hocr_code', 'location_type', 'victim_id', 'victim_age']);
    sheet.addRow(['XL-1', new Date(Date.UTC(2021, 6, 3, 23, 15)), '8N', 'Street', 'XV-1', 18]);
    sheet.addRow(['XL-2', 44383.75, '34A', 'Shop', 'XV-2', 40]); // 2021-07-06 18:00
    const file = join(dir, 'extract.xlsx');
    await workbook.xlsx.writeFile(file);
    const summary = await ingest([file], { agency: 'XLSX Force' });
    expect(summary).toMatchObject({ accepted: 2, rejected: 0 });
    const rows = await t.store.query(`SELECT source_record_id AS ref, occurred_from FROM incidents WHERE agency = 'XLSX Force' ORDER BY ref`);
    expect(rows).toEqual([
      { ref: 'XL-1', occurred_from: '2021-07-03T23:15:00' },
      { ref: 'XL-2', occurred_from: '2021-07-06T18:00:00' },
    ]);
    expect(existsSync(`${file}.rejects.csv`)).toBe(false);
  });
});

describe.each(ENGINES)('LSOA by point in polygon on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
  });
  afterAll(async () => t.dispose());

  it('gives incidents with coordinates but no LSOA the LSOA whose boundary contains them', async () => {
    const { ingestGeography } = await import('../../src/ingest/geography/index.js');
    await ingestGeography(testContext(t.store), { boundaries: [join(import.meta.dirname, '../fixtures/geography/lsoa-boundaries.geojson')] });
    const dir = mkdtempSync(join(tmpdir(), 'svo-pip-'));
    const file = join(dir, 'located.csv');
    writeFileSync(
      file,
      [
        'crime_ref,occurred_from,hocr_code,latitude,longitude,lsoa_code',
        'P-1,2021-07-03T23:15,8N,52.632,-1.138,', // in Leicester 003A
        'P-2,2021-07-03T23:15,8N,52.635,-1.125,', // in Blaby 001A
        'P-3,2021-07-03T23:15,8N,52.700,-1.300,', // inside the UK but outside every loaded boundary
        'P-4,2021-07-03T23:15,8N,52.632,-1.138,E01025600', // a given LSOA is kept as given
      ].join('\n') + '\n',
    );
    const summary = await ingestPoliceExtract(testContext(t.store), [file], { pseudonymiser: testPseudonymiser(), agency: 'Located' });
    expect(summary).toMatchObject({ accepted: 4, rejected: 0 });
    const rows = await t.store.query(`SELECT source_record_id AS ref, lsoa_code, lsoa_method, easting FROM incidents ORDER BY ref`);
    expect(rows.map((r) => [r.ref, r.lsoa_code, r.lsoa_method])).toEqual([
      ['P-1', 'E01013600', 'point_in_polygon'],
      ['P-2', 'E01025600', 'point_in_polygon'],
      ['P-3', null, null],
      ['P-4', 'E01025600', 'given'],
    ]);
    expect(Number(rows[0]!.easting)).toBeGreaterThan(450_000);
  });
});

describe.each(ENGINES)('the Athena-style example profile on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
  });
  afterAll(async () => t.dispose());

  it('maps force offence codes to HOCR codes and reads WGS84 coordinates with the LSOA given', async () => {
    const summary = await ingestPoliceExtract(testContext(t.store), [join(FIXTURES, 'athena-style.csv')], {
      pseudonymiser: testPseudonymiser(),
      profile: join(import.meta.dirname, '../../profiles/example-athena.json'),
    });
    expect(summary).toMatchObject({ accepted: 3, rejected: 0 });
    const rows = await t.store.query(
      `SELECT i.source_record_id AS ref, i.agency, i.hocr_code, i.lsoa_method, c.in_definition, c.knife_enabled, c.excluded_reason
       FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id AND c.definition_id = 'vrn-2020' ORDER BY ref`,
    );
    expect(rows).toEqual([
      { ref: 'AT-0001', agency: 'Example Police', hocr_code: '8N', lsoa_method: 'given', in_definition: true, knife_enabled: true, excluded_reason: null },
      { ref: 'AT-0002', agency: 'Example Police', hocr_code: '34B', lsoa_method: 'given', in_definition: true, knife_enabled: false, excluded_reason: null },
      { ref: 'AT-0003', agency: 'Example Police', hocr_code: '5D', lsoa_method: 'given', in_definition: false, knife_enabled: true, excluded_reason: 'domestic' },
    ]);
    const [located] = await t.store.query(`SELECT easting, northing FROM incidents WHERE source_record_id = 'AT-0001'`);
    expect(Number(located!.easting)).toBeCloseTo(458_770, -2);
    expect(Number(located!.northing)).toBeCloseTo(304_658, -2);
  });
});
