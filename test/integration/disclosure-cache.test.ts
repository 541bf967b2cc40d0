/**
 * Disclosure-controlled answers come from a cache of protected lattices (src/security/disclosed-query.ts),
 * keyed by the data version. These tests prove, on both engines, that the cache never answers from
 * data that has changed: after a new ingest and after retention deletes incidents, the next answer
 * shows the new counts (every shown count is the rounded true count of the current data, every `*` a
 * true small count), and repeating a question gives the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { runDisclosedQuery } from '../../src/security/disclosed-query.js';
import { runQuery } from '../../src/query/run.js';
import { addAgreement } from '../../src/security/agreements.js';
import { applyRetention } from '../../src/security/retention.js';
import { roundToBase, SMALL_COUNT_MAX, SUPPRESSED } from '../../src/core/disclosure/rules.js';

const AGENCY = 'Example Constabulary';

/** A seeded extract of `n` incidents with crime refs starting `prefix`, in the given year's July–October. */
function writeExtract(dir: string, name: string, prefix: string, year: number, n: number, seed: number): string {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const codes = ['8N', '8N', '8N', '34B', '34B', '5D', '105A', '105A', '1'];
  const lsoas = ['E01013678', 'E01013679', 'E01013680'];
  const lines = ['crime_ref,occurred_from,hocr_code,lsoa_code,location_type,domestic,weapon,victim_id,victim_age,victim_sex'];
  for (let i = 0; i < n; i++) {
    const month = 7 + Math.floor(rand() * 4);
    const day = 1 + Math.floor(rand() * 28);
    const code = codes[Math.floor(rand() * codes.length)]!;
    const lsoa = lsoas[Math.floor(rand() ** 2 * lsoas.length)]!;
    const knife = rand() < 0.2 ? 'Knife' : '';
    lines.push(`${prefix}-${i},${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T20:00,${code},${lsoa},Street,N,${knife},${prefix}-V${i},${15 + Math.floor(rand() * 30)},M`);
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const BY_MONTH = { measure: 'incidents', source: 'police', by: ['month'] };
const BY_CODE = { measure: 'incidents', source: 'police', by: ['hocr_code'] };
const QUARTER = { measure: 'incidents', source: 'police', by: [], from: '2021Q3', to: '2021Q3' };

describe.each(ENGINES)('disclosure lattice cache on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-disclosure-cache-'));
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await ingestPoliceExtract(testContext(t.store), [writeExtract(dir, 'first.csv', 'A', 2021, 300, 7)], { pseudonymiser: testPseudonymiser(), agency: AGENCY });
  }, 120_000);
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The disclosed answer, checked cell by cell against the true counts of the data as it is now. */
  async function disclosedMatchingTruth(spec: object) {
    const disclosed = await runDisclosedQuery(t.store, spec);
    const truth = await runQuery(t.store, spec);
    expect(disclosed.rows.length).toBe(truth.rows.length);
    disclosed.rows.forEach((row, i) => {
      const count = Number(truth.rows[i]!.count);
      if (count === 0) expect(row.count).toBe(0);
      else if (count <= SMALL_COUNT_MAX) expect(row.count).toBe(SUPPRESSED);
      // Published or secondarily suppressed: never a stale rounded count.
      else expect([roundToBase(count), SUPPRESSED]).toContain(row.count);
    });
    return { disclosed, truth };
  }

  it('answers a repeated question identically', async () => {
    const first = await disclosedMatchingTruth(BY_MONTH);
    const again = await runDisclosedQuery(t.store, BY_MONTH);
    expect(again.rows).toEqual(first.disclosed.rows);
    expect(first.disclosed.rows.some((r) => typeof r.count === 'number' && r.count > 0)).toBe(true);
  });

  it('reflects a new ingest in the next answer (the cached lattice cannot go stale)', async () => {
    const before = await disclosedMatchingTruth(QUARTER);
    const beforeByCode = await disclosedMatchingTruth(BY_CODE);
    await ingestPoliceExtract(testContext(t.store), [writeExtract(dir, 'second.csv', 'B', 2021, 200, 11)], { pseudonymiser: testPseudonymiser(), agency: AGENCY });
    const after = await disclosedMatchingTruth(QUARTER);
    expect(Number(after.truth.rows[0]!.count)).toBeGreaterThan(Number(before.truth.rows[0]!.count) + 50);
    expect(after.disclosed.rows[0]!.count).not.toEqual(before.disclosed.rows[0]!.count);
    const afterByCode = await disclosedMatchingTruth(BY_CODE);
    expect(afterByCode.disclosed.rows).not.toEqual(beforeByCode.disclosed.rows);
    await disclosedMatchingTruth(BY_MONTH);
  }, 120_000);

  it('reflects retention deleting incidents in the next answer', async () => {
    // A later extract (2025) that retention keeps, then an agreement under which 2021 is past retention.
    await ingestPoliceExtract(testContext(t.store), [writeExtract(dir, 'third.csv', 'C', 2025, 120, 13)], { pseudonymiser: testPseudonymiser(), agency: AGENCY });
    const before = await disclosedMatchingTruth(QUARTER);
    expect(Number(before.truth.rows[0]!.count)).toBeGreaterThan(SMALL_COUNT_MAX);
    const beforeByCode = await disclosedMatchingTruth(BY_CODE);
    const agreement = `id: cache-test\nagency: ${AGENCY}\nsources: [police]\npermitted_fields: [crime_ref]\npurposes: [test]\nretention: {days: 1000}\nstarts: 2020-01-01\n`;
    await addAgreement(t.store, agreement, 'cache-test.yaml', 'test');
    const lines = await applyRetention(t.store, { dryRun: false, actor: 'test', now: new Date('2026-01-15T12:00:00Z') });
    expect(lines.reduce((s, l) => s + l.incidents, 0)).toBeGreaterThan(0);
    const after = await disclosedMatchingTruth(QUARTER);
    expect(Number(after.truth.rows[0]!.count)).toBe(0);
    expect(after.disclosed.rows[0]!.count).toBe(0);
    const afterByCode = await disclosedMatchingTruth(BY_CODE);
    expect(afterByCode.disclosed.rows).not.toEqual(beforeByCode.disclosed.rows);
  }, 120_000);
});
