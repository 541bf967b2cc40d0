/**
 * The dashboard's API (issue 7) on both engines: area outlines, data sources and batches, rejects
 * download, definitions with history, incident points with partner scope and audit, and the demo
 * sign-in link.
 */
import { addAgreement } from '../../src/security/agreements.js';
import { applyRetention } from '../../src/security/retention.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { signedIn, TEST_PASSWORD, type App, type Client } from '../support/http.js';
import { addDefinition, definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { parseDefinition } from '../../src/core/definition/parse.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { insertBatch, MAX_STORED_REJECTS, nextBatchId } from '../../src/ingest/common/batches.js';
import { ingestGeography } from '../../src/ingest/geography/index.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { prepareDemo, DEMO_AGENCY } from '../../src/synth/demo.js';
import { generateArea } from '../../src/synth/area.js';
import { DEFAULT_END_DATE } from '../../src/synth/police.js';
import { areaCentroidBng, type PolygonGeometry } from '../../src/core/geo/polygon.js';
import { isInUk } from '../../src/core/geo/uk.js';
import { buildApp, type SvoApp } from '../../src/server/app.js';
import { boundariesFor, type BoundaryCollection } from '../../src/server/routes/geography.js';
import type { PointsAnswer } from '../../src/server/routes/points.js';
import type { DataSources } from '../../src/server/routes/data.js';
import { runQuery } from '../../src/query/run.js';
import { appendAudit, listAudit, verifyAudit } from '../../src/security/audit.js';
import { addUser } from '../../src/security/users.js';
import { DEMO_USERNAME, ensureDemoAccount } from '../../src/security/demo-account.js';
import { SNAPPED_POINTS_CAVEAT } from '../../src/query/points.js';
import { openApiDocument } from '../../src/server/openapi.js';

const SEED = 2020;
const PARTNER_AGENCY = 'Example Constabulary';
const work = mkdtempSync(join(tmpdir(), 'svo-dashboard-api-'));
const demo = prepareDemo({ seed: SEED, years: 1, scale: 0.2, workDir: join(work, 'demo') }).files;
const geographyFiles = { lookup: demo.lookup, csp: demo.csp, imd: demo.imd, population: demo.population, boundaries: [demo.boundaries] };
const area = generateArea(SEED, { midYear: Number(DEFAULT_END_DATE.slice(0, 4)) - 1 });
const POLICE_UK = join(import.meta.dirname, '../fixtures/police-uk/2021-03-testshire-street.csv');

/**
 * A partner agency's extract: 40 rows placed at demo zone sites, half given LSOA E01013678 and half
 * E01013679 (outside the demo lookup, as recorded), and 2 bad rows (one with a formula-like date).
 */
function writePartnerExtract(dir: string): { path: string; good: number; inFirstLsoa: number } {
  const lines = ['crime_ref,occurred_from,hocr_code,lsoa_code,latitude,longitude,location_type,domestic,victim_id,victim_age'];
  let inFirstLsoa = 0;
  for (let i = 0; i < 40; i++) {
    const [lon, lat] = area.zones[i * 3]!.site;
    const lsoa = i % 2 === 0 ? 'E01013678' : 'E01013679';
    if (i % 2 === 0) inFirstLsoa++;
    lines.push(`EX-${i},2022-0${1 + (i % 9)}-1${i % 10}T21:00,${i % 4 === 0 ? '105A' : '8N'},${lsoa},${lat.toFixed(6)},${lon.toFixed(6)},Street,N,PERSON-${i},${16 + (i % 30)}`);
  }
  lines.push('EX-BAD-1,=HYPERLINK("http://evil"),8N,E01013678,,,Street,N,PERSON-X,20');
  lines.push('EX-BAD-2,2022-02-30T10:00,8N,E01013678,,,Street,N,PERSON-Y,21');
  const path = join(dir, 'partner-extract.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, good: 40, inFirstLsoa };
}

/** Signs in an account by password and returns a client (cookie + CSRF token). */
async function login(app: App, username: string): Promise<Client> {
  const res = await app.request('/api/login', { method: 'POST', body: JSON.stringify({ username, password: TEST_PASSWORD }), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const headers = { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const request: Client['request'] = async (path, init = {}) =>
    await app.request(path, { method: init.method ?? 'GET', ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}), headers });
  return { role: 'partner', request, get: (path) => request(path), post: (path, body) => request(path, { method: 'POST', body: body ?? {} }) };
}

const ringsOf = (g: PolygonGeometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(ENGINES)('dashboard API on %s', (engine) => {
  let t: TestStore;
  let svo: SvoApp;
  let partnerFile: ReturnType<typeof writePartnerExtract>;
  const as: Record<string, Client> = {};
  const logged: string[] = [];

  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncHocrCodes(t.store);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    const ctx = testContext(t.store);
    await ingestGeography(ctx, geographyFiles);
    await ingestPoliceExtract(ctx, [demo.police], { agency: DEMO_AGENCY, pseudonymiser: testPseudonymiser() });
    partnerFile = writePartnerExtract(work);
    await ingestPoliceExtract(ctx, [partnerFile.path], { agency: PARTNER_AGENCY, pseudonymiser: testPseudonymiser(), maxRejectRate: 0.1 });
    await ingestPoliceUk(ctx, [POLICE_UK]);
    svo = buildApp({ store: t.store, demo: false, version: 'test', log: (m) => logged.push(m), loginAttemptsPerMinute: 1000 });
    for (const role of ['admin', 'analyst', 'viewer', 'public'] as const) as[role] = await signedIn(svo.app, t.store, role);
    as.partner = await signedIn(svo.app, t.store, 'partner', { agency: PARTNER_AGENCY });
    await addUser(t.store, { username: 'partner-area', role: 'partner', agency: PARTNER_AGENCY, areas: ['E01013678'], password: TEST_PASSWORD }, 'test');
    as.partnerArea = await login(svo.app, 'partner-area');
  }, 180_000);
  afterAll(async () => t.dispose());

  it('serves the 161 demo zones as valid WGS84 GeoJSON with codes, names, district and CSP', async () => {
    const res = await as.viewer!.get('/api/geography/boundaries?unit=lsoa');
    expect(res.status).toBe(200);
    const fc = (await res.json()) as BoundaryCollection;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(161);
    const zones = new Map(area.zones.map((z) => [z.code, z]));
    for (const f of fc.features) {
      const zone = zones.get(f.properties.code)!;
      expect(f.properties).toEqual({ code: zone.code, name: zone.name, lad: zone.ladCode, csp: zone.cspCode });
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      for (const rings of ringsOf(f.geometry)) {
        for (const ring of rings) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring.at(-1));
          for (const [lon, lat] of ring) expect(isInUk(lon!, lat!)).toBe(true);
        }
      }
    }
    expect((await as.public!.get('/api/geography/boundaries?unit=lad')).status).toBe(200);
    expect((await as.analyst!.get('/api/geography/boundaries?unit=ward')).status).toBe(400);
  });

  it('dissolves LSOAs into closed MSOA, district and CSP outlines covering the same area', async () => {
    const lsoa = await boundariesFor(t.store, 'lsoa');
    const areaOf = (fc: BoundaryCollection) => fc.features.reduce((sum, f) => sum + areaCentroidBng(f.geometry).areaM2, 0);
    const total = areaOf(lsoa);
    for (const [unit, key] of [['msoa', 'msoaCode'], ['lad', 'ladCode'], ['csp', 'cspCode']] as const) {
      const res = await as.analyst!.get(`/api/geography/boundaries?unit=${unit}`);
      const fc = (await res.json()) as BoundaryCollection;
      expect(fc.features.map((f) => f.properties.code).sort()).toEqual([...new Set(area.zones.map((z) => z[key]))].sort());
      for (const f of fc.features) {
        for (const rings of ringsOf(f.geometry)) for (const ring of rings) expect(ring[0]).toEqual(ring.at(-1));
        expect(f.properties.name).toBeTruthy();
      }
      // Dissolving removes only interior edges: the outlines cover the zones (simplification moves borders by metres).
      expect(Math.abs(areaOf(fc) - total) / total).toBeLessThan(0.005);
      // Fewer vertices than the zones they are made of.
      const vertices = (c: BoundaryCollection) => c.features.reduce((n, f) => n + ringsOf(f.geometry).flat().length, 0);
      expect(vertices(fc)).toBeLessThan(vertices(lsoa));
    }
    // Built once per geography version.
    expect(await boundariesFor(t.store, 'csp')).toBe(await boundariesFor(t.store, 'csp'));
  });

  it('lists sources with data currency and ingest batches; viewers see no file names, usernames or small counts', async () => {
    const full = (await (await as.analyst!.get('/api/data/sources')).json()) as DataSources;
    const police = full.sources.find((s) => s.source === 'police' && s.agency === DEMO_AGENCY)!;
    expect(police.to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(police.currency).toBe(`police data to ${police.to}`);
    const pu = full.sources.find((s) => s.source === 'police-uk')!;
    expect(pu.to).toBe('2021-03-31');
    expect(pu.currency).toBe('data.police.uk data to 2021-03-31');
    const partnerBatch = full.batches.find((b) => b.agency === PARTNER_AGENCY)!;
    expect(partnerBatch).toMatchObject({ source: 'police', fileName: 'partner-extract.csv', rowsRead: 42, rowsAccepted: 40, rowsRejected: 2, ingestedBy: 'test', rejectsDownloadable: 2 });
    expect(full.disclosureControlled).toBe(false);

    const viewer = (await (await as.viewer!.get('/api/data/sources')).json()) as DataSources;
    expect(viewer.disclosureControlled).toBe(true);
    expect(viewer.batches.length).toBe(full.batches.length);
    for (const b of viewer.batches) {
      expect(b.fileName).toBeNull();
      expect(b.ingestedBy).toBeNull();
      expect(b.rejectsDownloadable).toBe(0);
    }
    expect(viewer.batches.find((b) => b.id === partnerBatch.id)).toMatchObject({ rowsRead: 40, rowsRejected: '*' });
    expect(JSON.stringify(viewer)).not.toContain('partner-extract.csv');
    // The partner may download only their own agency's rejects.
    const partner = (await (await as.partner!.get('/api/data/sources')).json()) as DataSources;
    expect(partner.batches.find((b) => b.id === partnerBatch.id)!.rejectsDownloadable).toBe(2);
    expect(partner.batches.filter((b) => b.agency !== PARTNER_AGENCY).every((b) => b.rejectsDownloadable === 0)).toBe(true);
  });

  it('downloads a batch’s rejects as CSV (formulas neutralised), to permitted roles only, and audits it', async () => {
    const { batches } = (await (await as.analyst!.get('/api/data/sources')).json()) as DataSources;
    const id = batches.find((b) => b.agency === PARTNER_AGENCY)!.id;
    const demoBatch = batches.find((b) => b.agency === DEMO_AGENCY)!.id;
    const res = await as.analyst!.get(`/api/data/batches/${id}/rejects`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-svo-rejects-total')).toBe('2');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('line,column,reason,value');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^42,occurred_from,/);
    expect(lines[1]).toContain(`'=HYPERLINK`);
    expect(lines[2]).toMatch(/^43,occurred_from,.*2022-02-30/);
    expect(lines.join('\n')).not.toMatch(/PERSON-/);

    const entries = await listAudit(t.store);
    expect(entries.at(-1)).toMatchObject({ actor: 'analyst-user', action: 'records.export', details: { what: 'ingest rejects', batch: id, rows: 2 } });

    expect((await as.partner!.get(`/api/data/batches/${id}/rejects`)).status).toBe(200);
    expect((await as.partner!.get(`/api/data/batches/${demoBatch}/rejects`)).status).toBe(403);
    expect((await as.viewer!.get(`/api/data/batches/${id}/rejects`)).status).toBe(403);
    expect((await as.public!.get(`/api/data/batches/${id}/rejects`)).status).toBe(403);
    expect((await as.analyst!.get(`/api/data/batches/999999/rejects`)).status).toBe(404);
    expect((await as.analyst!.get(`/api/data/batches/abc/rejects`)).status).toBe(400);
  });

  it('returns incident points for the same filter as the counts, audited, with partner scope', async () => {
    const counted = await runQuery(t.store, { from: '2022-01', to: '2022-12' });
    const res = await as.analyst!.post('/api/points', { from: '2022-01', to: '2022-12', by: ['month'] });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as PointsAnswer;
    expect(answer.total + answer.withoutLocation).toBe(counted.rows[0]!.count);
    expect(answer.points).toHaveLength(answer.total);
    expect(answer.truncated).toBe(false);
    expect(answer.definition).toEqual(counted.definition);
    for (const p of answer.points) {
      expect(isInUk(p.lon, p.lat)).toBe(true);
      expect(p.month >= '2022-01' && p.month <= '2022-12').toBe(true);
      expect(p.in_definition).toBe(true);
      expect(['homicide', 'violence_with_injury', 'robbery']).toContain(p.category);
    }
    const entry = (await listAudit(t.store)).at(-1)!;
    expect(entry).toMatchObject({ actor: 'analyst-user', action: 'records.view', details: { what: 'incident points', points: answer.points.length, filter: { from: '2022-01', to: '2022-12' } } });

    // The partner sees their own agency's records only; with all crime, points outside the
    // definition (105A, a quarter of the rows) carry their offence group.
    const partner = (await (await as.partner!.post('/api/points', { allCrime: true })).json()) as PointsAnswer;
    expect(partner.total).toBe(partnerFile.good);
    expect(partner.caveats.join(' ')).toContain(PARTNER_AGENCY);
    expect(partner.points.filter((p) => p.in_definition === false)).toHaveLength(partnerFile.good / 4);
    expect(partner.points.filter((p) => !p.in_definition).every((p) => p.category !== null && p.category !== '')).toBe(true);
    const partnerInDefinition = (await (await as.partner!.post('/api/points', {})).json()) as PointsAnswer;
    expect(partnerInDefinition.total).toBe((partnerFile.good * 3) / 4);
    const scoped = (await (await as.partnerArea!.post('/api/points', { allCrime: true })).json()) as PointsAnswer;
    expect(scoped.total).toBe(partnerFile.inFirstLsoa);
    expect((await listAudit(t.store)).at(-1)).toMatchObject({ actor: 'partner-area', details: { scope: { agency: PARTNER_AGENCY, areas: ['E01013678'] }, points: partnerFile.inFirstLsoa } });

    const snapped = (await (await as.analyst!.post('/api/points', { source: 'police-uk' })).json()) as PointsAnswer;
    expect(snapped.points.length).toBeGreaterThan(0);
    expect(snapped.caveats).toContain(SNAPPED_POINTS_CAVEAT);
    expect(snapped.points[0]).toMatchObject({ month: '2021-03', in_definition: null });

    expect((await as.viewer!.post('/api/points', {})).status).toBe(403);
    expect((await as.public!.post('/api/points', {})).status).toBe(403);
    expect((await as.analyst!.post('/api/points', { source: 'istv' })).status).toBe(400);
    expect((await verifyAudit(t.store)).ok).toBe(true);
  });

  it('stores at most MAX_STORED_REJECTS rejects per batch, only when the batch commits', async () => {
    const batch = (id: number, rejects: number) => ({
      id, source: 'police', agency: 'Cap Test', fileName: 'cap.csv', sha256: `cap-${id}`, profile: null, rowsRead: rejects * 20, accepted: rejects * 19, rejected: rejects,
      duplicates: 0, updated: 0, startedAt: new Date(), finishedAt: new Date(), user: 'test', summary: {},
      rejects: Array.from({ length: rejects }, (_, i) => ({ line: i + 2, column: 'hocr_code', value: `X${i}`, reason: 'not a HOCR code' })),
    });
    const big = await nextBatchId(t.store);
    await t.store.transaction((tx) => insertBatch(tx, batch(big, MAX_STORED_REJECTS + 5)));
    const res = await as.analyst!.get(`/api/data/batches/${big}/rejects`);
    expect(res.headers.get('x-svo-rejects-stored')).toBe(String(MAX_STORED_REJECTS));
    expect(res.headers.get('x-svo-rejects-truncated')).toBe('true');
    expect((await res.text()).trimEnd().split('\n')).toHaveLength(MAX_STORED_REJECTS + 1);

    const failed = await nextBatchId(t.store);
    await expect(
      t.store.transaction(async (tx) => {
        await insertBatch(tx, batch(failed, 3));
        throw new Error('the file failed after its batch row');
      }),
    ).rejects.toThrow(/failed/);
    const [left] = await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ingest_rejects WHERE batch_id = $1`, [failed]);
    expect(Number(left!.n)).toBe(0);
  });

  it('deletes stored rejects once their batch is past its agreement’s retention period', async () => {
    const agreement = ['id: retention-test', 'version: 1', 'agency: Retention Test', 'sources: [police]', 'permitted_fields: [crime_ref]',
      'purposes: [testing]', 'record_level_roles: [analyst]', 'retention: { days: 30 }', 'starts: 2020-01-01', ''].join('\n');
    await addAgreement(t.store, agreement, 'retention.yaml', 'test');
    const old = await nextBatchId(t.store);
    const rejects = [{ line: 2, column: 'hocr_code', value: 'X1', reason: 'not a HOCR code' }];
    const loadedAt = new Date('2025-01-10T09:00:00Z');
    await t.store.transaction((tx) =>
      insertBatch(tx, { id: old, source: 'police', agency: 'Retention Test', fileName: 'old.csv', sha256: `old-${old}`, profile: null, rowsRead: 2, accepted: 1, rejected: 1,
        duplicates: 0, updated: 0, startedAt: loadedAt, finishedAt: loadedAt, user: 'test', summary: {}, rejects }),
    );
    const stored = async () => Number((await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ingest_rejects WHERE batch_id = $1`, [old]))[0]!.n);
    const within = await applyRetention(t.store, { dryRun: false, actor: 'test', now: new Date('2025-02-01T12:00:00Z') });
    expect(within.find((l) => l.agency === 'Retention Test')).toMatchObject({ rejects: 0 });
    expect(await stored()).toBe(1);
    const dry = await applyRetention(t.store, { dryRun: true, actor: 'test', now: new Date('2025-03-01T12:00:00Z') });
    expect(dry.find((l) => l.agency === 'Retention Test')).toMatchObject({ rejects: 1 });
    expect(await stored()).toBe(1);
    await applyRetention(t.store, { dryRun: false, actor: 'test', now: new Date('2025-03-01T12:00:00Z') });
    expect(await stored()).toBe(0);
    // The batch row itself (provenance) stays.
    expect((await t.store.query(`SELECT id FROM ingest_batches WHERE id = $1`, [old])).length).toBe(1);
  });

  it('rebuilds outlines when the geography changes', async () => {
    const before = await boundariesFor(t.store, 'lad');
    const id = await nextBatchId(t.store);
    await t.store.transaction((tx) =>
      insertBatch(tx, { id, source: 'geography', agency: 'ONS', fileName: 'g.csv', sha256: `g-${id}`, profile: 'csp', rowsRead: 1, accepted: 1, rejected: 0, duplicates: 0, updated: 1, startedAt: new Date(), finishedAt: new Date(), user: 'test', summary: {} }),
    );
    const after = await boundariesFor(t.store, 'lad');
    expect(after).not.toBe(before);
    expect(after).toEqual(before);
  });

  it('lists definitions with versions, who added them, what changed and the default', async () => {
    const v1 = (await import('node:fs')).readFileSync(join(import.meta.dirname, '../../definitions/vrn-2020.yaml'), 'utf8');
    const v2 = v1.replace(/^version: 1$/m, 'version: 2').replace("robbery: ['34A', '34B']", "robbery: ['34B']");
    await addDefinition(t.store, parseDefinition(v2, 'v2.yaml'), v2, 'v2.yaml');
    await appendAudit(t.store, 'cli:ana', 'definition.add', { id: 'vrn-2020', version: 2, file: 'v2.yaml', classified: 0 });
    const res = (await (await as.analyst!.get('/api/definitions')).json()) as { definitions: { id: string; version: number; isDefault: boolean; loadedBy: string | null; changes: string[] | null; codes: Record<string, string[]> }[]; default: unknown };
    expect(res.definitions.map((d) => [d.id, d.version])).toEqual([['vrn-2020', 1], ['vrn-2020', 2]]);
    expect(res.definitions[0]).toMatchObject({ changes: null, loadedBy: null });
    expect(res.definitions[0]!.codes.robbery).toEqual(['34A', '34B']);
    expect(res.definitions[1]).toMatchObject({ changes: ["robbery codes: removed '34A'"], loadedBy: 'cli:ana', isDefault: true });
    expect(res.default).toEqual({ id: 'vrn-2020', version: 2 });
    const viewer = (await (await as.viewer!.get('/api/definitions')).json()) as typeof res;
    expect(viewer.definitions[1]!.loadedBy).toBeNull();
  });

  it('documents every new endpoint in the OpenAPI document', () => {
    const paths = Object.keys(openApiDocument('test').paths as object);
    expect(paths).toEqual(expect.arrayContaining(['/api/geography/boundaries', '/api/data/sources', '/api/data/batches/{id}/rejects', '/api/definitions', '/api/points', '/demo-login']));
  });

  it('signs in by the demo link only in demo mode and only with the right token', async () => {
    await ensureDemoAccount(t.store);
    const token = 'x'.repeat(43);
    const notDemo = buildApp({ store: t.store, demo: false, demoLoginToken: token, version: 'test', log: () => {} });
    expect((await notDemo.app.request(`/demo-login?token=${token}`)).status).toBe(404);
    const demoApp = buildApp({ store: t.store, demo: true, demoLoginToken: token, version: 'test', log: () => {} });
    expect((await demoApp.app.request(`/demo-login?token=${'y'.repeat(43)}`)).status).toBe(404);
    expect((await demoApp.app.request(`/demo-login?token=${token}x`)).status).toBe(404);
    expect((await demoApp.app.request('/demo-login')).status).toBe(404);
    const noToken = buildApp({ store: t.store, demo: true, version: 'test', log: () => {} });
    expect((await noToken.app.request('/demo-login?token=')).status).toBe(404);

    const res = await demoApp.app.request(`/demo-login?token=${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^svo_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    const who = (await (await demoApp.app.request('/api/session', { headers: { cookie: session } })).json()) as { username: string; role: string; csrfToken: string };
    expect(who).toMatchObject({ username: DEMO_USERNAME, role: 'analyst' });
    const post = await demoApp.app.request('/api/query', { method: 'POST', body: '{}', headers: { cookie: session, 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' } });
    expect(post.status).toBe(200);
    expect((await listAudit(t.store)).filter((e) => e.action === 'login.success').at(-1)).toMatchObject({ actor: DEMO_USERNAME, details: { method: 'demo link' } });
  });
});
