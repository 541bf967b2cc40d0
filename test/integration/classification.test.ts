/**
 * The store classifies set-based in SQL (src/classify/apply.ts); src/core/classify/classify.ts is the
 * reference. This property test generates random incidents, loads them through the real extract
 * ingest, and requires every stored classification to equal the reference, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions, addDefinition } from '../../src/classify/definitions.js';
import { classify } from '../../src/core/classify/classify.js';
import { compileDefinition, parseDefinition } from '../../src/core/definition/parse.js';
import { csvLine } from '../../src/ingest/common/csv.js';

const CODES = ['1', '1/1', '4/1', '2', '5D', '5E', '8N', '8P', '34A', '34B', '5A', '8F', '8G', '8H', '8J', '105A', '3B', '8S', '19C', '10D', '28E', '99Z'];
const PLACES = ['Street', 'STREET/ROAD', 'Public House', 'Dwelling', 'Flat above shop', 'Car Park', 'Park Lane flat', 'streetlight', '', 'Hospital', 'Care home', 'Unknown'];
const WEAPONS = ['', 'Knife', 'knives', 'Bladed article', 'sharp instrument', 'Bottle', 'Bodily force', 'penknife', 'Machete'];
const DOMESTIC = ['', 'Y', 'N'];

const incidentArb = fc.record({
  code: fc.constantFrom(...CODES),
  place: fc.constantFrom(...PLACES),
  weapon: fc.constantFrom(...WEAPONS),
  domestic: fc.constantFrom(...DOMESTIC),
  victimAges: fc.array(fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }), { maxLength: 3 }),
  suspectAges: fc.array(fc.option(fc.integer({ min: 10, max: 80 }), { nil: null }), { maxLength: 2 }),
});
type Generated = typeof incidentArb extends fc.Arbitrary<infer T> ? T : never;

const HEADER = ['crime_ref', 'occurred_from', 'hocr_code', 'location_type', 'weapon', 'domestic', 'victim_id', 'victim_age', 'suspect_id', 'suspect_age'];

function toRows(ref: string, inc: Generated): string[][] {
  const rows: string[][] = [];
  const n = Math.max(1, inc.victimAges.length, inc.suspectAges.length);
  for (let i = 0; i < n; i++) {
    const v = inc.victimAges[i];
    const s = inc.suspectAges[i];
    rows.push([ref, '2022-05-01T12:00', inc.code, inc.place, inc.weapon, inc.domestic, i < inc.victimAges.length ? `${ref}-V${i}` : '', v === null || v === undefined ? '' : String(v), i < inc.suspectAges.length ? `${ref}-S${i}` : '', s === null || s === undefined ? '' : String(s)]);
  }
  return rows;
}

describe.each(ENGINES)('SQL classification equals the reference classifier on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
  });
  afterAll(async () => t.dispose());

  it('for random incidents under vrn-2020 and a variant that includes unknown places and domestic incidents', async () => {
    const incidents = fc.sample(incidentArb, { numRuns: 400, seed: 20260 });
    const dir = mkdtempSync(join(tmpdir(), 'svo-classify-'));
    const file = join(dir, 'random.csv');
    writeFileSync(file, csvLine(HEADER) + incidents.flatMap((inc, i) => toRows(`R${i}`, inc)).map((r) => csvLine(r)).join(''));
    const summary = await ingestPoliceExtract(testContext(t.store), [file], { pseudonymiser: testPseudonymiser(), agency: 'Random' });
    expect(summary.accepted).toBe(incidents.length);

    const base = readFileSync(join(import.meta.dirname, '../../definitions/vrn-2020.yaml'), 'utf8');
    const variantText = base
      .replace(/^id: vrn-2020$/m, 'id: variant')
      .replace(/^default: true$/m, 'default: false')
      .replace(/unknown_location: exclude/, 'unknown_location: include')
      .replace(/^exclude_domestic: true$/m, 'exclude_domestic: false');
    await addDefinition(t.store, parseDefinition(variantText, 'variant.yaml'), variantText, 'variant.yaml');

    for (const [id, text] of [['vrn-2020', base], ['variant', variantText]] as const) {
      const cdef = compileDefinition(parseDefinition(text, id));
      const stored = await t.store.query(
        `SELECT i.source_record_id AS ref, c.in_definition, c.sv_category, c.public_place, c.victim_u25, c.offender_u25,
                c.knife_enabled, c.domestic, c.excluded_reason
         FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id WHERE c.definition_id = $1`,
        [id],
      );
      expect(stored).toHaveLength(incidents.length);
      for (const row of stored) {
        const inc = incidents[Number(String(row.ref).slice(1))]!;
        const expected = classify(cdef, {
          hocrCode: inc.code,
          locationType: inc.place || null,
          domestic: inc.domestic === '' ? null : inc.domestic === 'Y',
          weapon: inc.weapon || null,
          victimAges: inc.victimAges,
          suspectAges: inc.suspectAges,
        });
        expect({ ref: row.ref, ...row }, `${id} ${JSON.stringify(inc)}`).toEqual({
          ref: row.ref,
          in_definition: expected.inDefinition,
          sv_category: expected.svCategory,
          public_place: expected.publicPlace,
          victim_u25: expected.victimU25,
          offender_u25: expected.offenderU25,
          knife_enabled: expected.knifeEnabled,
          domestic: expected.domestic,
          excluded_reason: expected.excludedReason,
        });
      }
    }
  });
});
