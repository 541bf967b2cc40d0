/**
 * The query facts (migration 006) can never go stale: after every event that changes their inputs —
 * ingest, a re-ingest that replaces incidents, a new definition version, geography loads, retention —
 * every count read from the facts equals the same count computed the reference way (incidents joined to
 * their classification and people), for fixed and random query specifications, on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { addDefinition, definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { parseDefinition } from '../../src/core/definition/parse.js';
import { UsageError } from '../../src/core/errors.js';
import { parseQuerySpec, PERSON_DIMENSIONS, SOURCE_DIMENSIONS, type Dimension, type QuerySpec } from '../../src/core/query/spec.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { buildCountQuery, needsClassification, type BuildOptions } from '../../src/query/build.js';
import { runQuery } from '../../src/query/run.js';
import { addAgreement } from '../../src/security/agreements.js';
import { applyRetention } from '../../src/security/retention.js';
import { generateArea } from '../../src/synth/area.js';
import { cspCsv, imdCsv, lookupCsv, populationCsv } from '../../src/synth/files.js';
import { generatePoliceCsv } from '../../src/synth/police.js';
import type { Store } from '../../src/store/port.js';

const AGENCY = 'Facts Police';
const POLICE_DIMENSIONS = SOURCE_DIMENSIONS.police;

/** Specs every check runs: each dimension alone, people, filters, periods and three-way breakdowns. */
const FIXED_SPECS: Record<string, unknown>[] = [
  { allCrime: true },
  {},
  ...POLICE_DIMENSIONS.filter((d) => !PERSON_DIMENSIONS[d]).flatMap((d) => [{ by: [d] }, { by: [d], allCrime: true }]),
  { measure: 'victims', by: ['victim_age_band', 'victim_sex'] },
  { measure: 'offenders', by: ['offender_age_band', 'offender_sex'], allCrime: true },
  { measure: 'victims', by: ['month'], where: { victim_sex: ['male'] } },
  { measure: 'rate', by: ['victim_age_band'], where: { lad: [''] } },
  { by: ['month', 'lad', 'sv_category'] },
  { by: ['day_of_week', 'hour', 'csp'], allCrime: true },
  { by: ['lsoa'], where: { knife_enabled: ['true'] } },
  { by: ['crime_type'], allCrime: true, where: { domestic: ['false'] } },
  { by: ['imd_decile'], measure: 'rate', where: { year: ['2025'] } },
  { by: ['week'], from: '2025-02', to: '2025Q2' },
  { by: ['in_definition', 'public_place'], allCrime: true, from: 'FY2024/25' },
];

type Row = Record<string, unknown>;
const normalise = (rows: Row[]) =>
  rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))).sort();

/** The grouped rows of `spec` read from the facts of `version`, and the same computed the reference way. */
async function bothWays(store: Store, spec: QuerySpec, version: { id: string; version: number }, geographyLoaded: boolean) {
  const options: BuildOptions = { dialect: store.dialect, definition: needsClassification(spec, store.dialect) ? version : null, geographyLoaded, facts: version };
  const facts = buildCountQuery(spec, options);
  const reference = buildCountQuery(spec, { ...options, facts: null });
  expect(facts.sql).toMatch(/FROM query_(victim_|offender_)?facts t/);
  expect(reference.sql).toMatch(/FROM incidents t/);
  return { facts: normalise(await store.query(facts.sql, facts.params)), reference: normalise(await store.query(reference.sql, reference.params)) };
}

/** Values a `where` can take for each dimension: what a breakdown by it shows (missing as ''). */
async function wherePool(store: Store): Promise<Map<Dimension, string[]>> {
  const pool = new Map<Dimension, string[]>();
  for (const d of POLICE_DIMENSIONS) {
    const measure = PERSON_DIMENSIONS[d] ?? 'incidents';
    const { rows } = await runQuery(store, { measure, by: [d], allCrime: true });
    pool.set(d, [...new Set(rows.filter((r) => Number(r.count) > 0).map((r) => (r[d] === null ? '' : String(r[d]))))]);
  }
  return pool;
}

/** One or two of the values that occur ('' = missing when none does). */
const valuesOf = (values: readonly string[]) => (values.length ? fc.subarray([...values], { minLength: 1, maxLength: Math.min(2, values.length) }) : fc.constant(['']));

/** A random police spec: up to three breakdowns, up to two filters with values that occur, maybe a period. */
function specArbitrary(pool: Map<Dimension, string[]>) {
  const dimension = fc.constantFrom(...POLICE_DIMENSIONS);
  return fc.record({
    measure: fc.constantFrom('incidents', 'victims', 'offenders', 'rate'),
    allCrime: fc.boolean(),
    by: fc.uniqueArray(dimension, { maxLength: 3 }),
    where: fc.uniqueArray(dimension, { maxLength: 2 }).chain((names) =>
      fc.tuple(...names.map((n) => valuesOf(pool.get(n)!))).map((values) =>
        Object.fromEntries(names.map((n, i) => [n, values[i]!])),
      ),
    ),
    period: fc.constantFrom({}, { from: '2024-06' }, { to: 'FY2024/25' }, { from: '2025Q1', to: '2025-08-15' }),
  }).map(({ period, ...spec }) => ({ ...spec, ...period }));
}

/** Parses a spec, or null when it is one the query language refuses (e.g. victim_sex with measure incidents). */
function parsed(input: unknown): QuerySpec | null {
  try {
    return parseQuerySpec(input);
  } catch (error) {
    if (error instanceof UsageError) return null;
    throw error;
  }
}

async function expectFactsMatchReference(store: Store, randomRuns: number, seed: number): Promise<void> {
  const versions = (await store.query<{ id: string; version: number }>(`SELECT id, version FROM definitions ORDER BY id, version`)).map((v) => ({ id: String(v.id), version: Number(v.version) }));
  expect(versions.length).toBeGreaterThan(0);
  const geographyLoaded = (await store.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;

  // Every police incident once per stored version, every victim and suspect once per version.
  const people = (role: string) => `(SELECT COUNT(*) FROM incident_people p JOIN incidents i ON i.id = p.incident_id WHERE i.source = 'police' AND p.role = '${role}')`;
  const [n] = await store.query<{ incidents: number; victims: number; suspects: number; facts: number; victim_facts: number; offender_facts: number }>(`SELECT
    (SELECT COUNT(*) FROM incidents WHERE source = 'police') AS incidents, ${people('victim')} AS victims, ${people('suspect')} AS suspects,
    (SELECT COUNT(*) FROM query_facts) AS facts,
    (SELECT COUNT(*) FROM query_victim_facts) AS victim_facts,
    (SELECT COUNT(*) FROM query_offender_facts) AS offender_facts`);
  expect(Number(n!.facts)).toBe(Number(n!.incidents) * versions.length);
  expect(Number(n!.victim_facts)).toBe(Number(n!.victims) * versions.length);
  expect(Number(n!.offender_facts)).toBe(Number(n!.suspects) * versions.length);

  for (const input of FIXED_SPECS) {
    const spec = parsed(input)!;
    for (const version of versions) {
      const { facts, reference } = await bothWays(store, spec, version, geographyLoaded);
      expect(facts, `${JSON.stringify(input)} under ${version.id} v${version.version}`).toEqual(reference);
    }
  }
  const pool = await wherePool(store);
  await fc.assert(
    fc.asyncProperty(specArbitrary(pool), fc.constantFrom(...versions), async (input, version) => {
      const spec = parsed(input);
      if (!spec) return;
      const { facts, reference } = await bothWays(store, spec, version, geographyLoaded);
      expect(facts, JSON.stringify(input)).toEqual(reference);
    }),
    { numRuns: randomRuns, seed },
  );
}

const csvLineOf = (cells: readonly string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

/** The CSV with the rows of every `every`-th incident changed (location, and the victim's age). */
function changeIncidents(csv: string, every: number): string {
  const [header, ...rows] = parse(csv) as string[][];
  const ref = header!.indexOf('crime_ref');
  const location = header!.indexOf('location_type');
  const age = header!.indexOf('victim_age');
  const refs = [...new Set(rows.map((r) => r[ref]))];
  const changed = new Set(refs.filter((_, i) => i % every === 0));
  const out = rows.map((cells) => {
    if (!changed.has(cells[ref])) return cells;
    const copy = [...cells];
    copy[location] = 'Dwelling';
    if (copy[age] !== '') copy[age] = String(Number(copy[age]) + 7);
    return copy;
  });
  return [header!, ...out].map(csvLineOf).join('\n') + '\n';
}

describe.each(ENGINES)('query facts stay equal to the reference counts on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  const area = generateArea(5);
  const ctx = () => testContext(t.store);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const csvOf = (seed: number, scale: number, years: number) => [...generatePoliceCsv(area, { seed, years, scale })].join('');

  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-facts-'));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the first ingest (no geography yet)', async () => {
    await syncHocrCodes(t.store);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await ingestPoliceExtract(ctx(), [file('first.csv', csvOf(1, 0.12, 2))], { pseudonymiser: testPseudonymiser(), agency: AGENCY });
    await expectFactsMatchReference(t.store, 30, 1);
  }, 120_000);

  it('after a geography load, and after a lookup that moves areas to another district with other deciles', async () => {
    await ingestGeography(ctx(), {
      lookup: file('lookup.csv', lookupCsv(area)),
      imd: file('imd.csv', imdCsv(area)),
      population: file(`sape-mid${area.midYear}-syoa.csv`, populationCsv(area)),
      csp: file('csp.csv', cspCsv(area)),
    });
    await expectFactsMatchReference(t.store, 30, 2);
    const moved = area.zones.slice(0, 10).map((z) => z.code);
    const other = area.zones.at(-1)!;
    const lookup = lookupCsv(area)
      .split('\n')
      .map((line) => (moved.some((code) => line.startsWith(`${code},`)) ? line.replace(/,[^,]*,[^,]*$/, `,${other.ladCode},${other.ladName}`) : line))
      .join('\n');
    // Every decile shifted by one (10 → 1).
    const imd = imdCsv(area).replace(/,(\d+)(\r?\n)/g, (_, decile: string, end: string) => `,${(Number(decile) % 10) + 1}${end}`);
    await ingestGeography(ctx(), { lookup: file('lookup-2.csv', lookup), imd: file('imd-2.csv', imd) });
    const [changed] = await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM geo_lsoa WHERE lad_code = $1`, [other.ladCode]);
    expect(Number(changed!.n)).toBeGreaterThan(area.zones.filter((z) => z.ladCode === other.ladCode).length);
    await expectFactsMatchReference(t.store, 30, 3);
  }, 120_000);

  it('after a new definition version (every incident classified under both)', async () => {
    const text = readFileSync(join(definitionDirs({})[0]!, 'vrn-2020.yaml'), 'utf8')
      .replace(/^version: 1$/m, 'version: 2')
      .replace(/^exclude_domestic: true$/m, 'exclude_domestic: false');
    expect(text).toMatch(/^version: 2$/m);
    const added = await addDefinition(t.store, parseDefinition(text, 'vrn-2020-v2.yaml'), text, 'vrn-2020-v2.yaml');
    expect(added).toMatchObject({ id: 'vrn-2020', version: 2 });
    await expectFactsMatchReference(t.store, 40, 4);
  }, 120_000);

  it('after an overlapping extract that changes some incidents and adds others', async () => {
    const first = readFileSync(join(dir, 'first.csv'), 'utf8');
    const changed = changeIncidents(first, 5);
    // New incidents: another seed's, with crime refs of their own.
    const more = (parse(csvOf(9, 0.03, 1)) as string[][]).slice(1).map((cells) => csvLineOf([`${cells[0]}-more`, ...cells.slice(1)])).join('\n') + '\n';
    const summary = await ingestPoliceExtract(ctx(), [file('second.csv', changed + more)], { pseudonymiser: testPseudonymiser(), agency: AGENCY });
    expect(summary.updated).toBeGreaterThan(0);
    expect(summary.accepted).toBeGreaterThan(0);
    await expectFactsMatchReference(t.store, 40, 5);
  }, 120_000);

  it('after retention deletes the oldest incidents', async () => {
    const agreement = `id: facts-test\nagency: ${AGENCY}\nsources: [police]\npermitted_fields: [crime_ref]\npurposes: [test]\nretention: {days: 400}\nstarts: 2020-01-01\n`;
    await addAgreement(t.store, agreement, 'facts-test.yaml', 'test');
    const [before] = await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM incidents`);
    const lines = await applyRetention(t.store, { dryRun: false, actor: 'test', now: new Date('2026-01-15T12:00:00Z') });
    expect(lines.reduce((s, l) => s + l.incidents, 0)).toBeGreaterThan(0);
    const [after] = await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM incidents`);
    expect(Number(after!.n)).toBeLessThan(Number(before!.n));
    await expectFactsMatchReference(t.store, 40, 6);
  }, 120_000);
});
