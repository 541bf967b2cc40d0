import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { anonymous, signedIn, TEST_PASSWORD, type Client } from '../support/http.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { buildApp, type SvoApp } from '../../src/server/app.js';
import { ROLES, type Role } from '../../src/core/security/roles.js';
import { SMALL_COUNT_MAX } from '../../src/core/disclosure/rules.js';

/** A seeded extract: 4 months × 3 LSOAs × several offences, with cells from 0 to dozens. */
function writeExtract(dir: string): string {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const codes = ['8N', '8N', '8N', '34B', '34B', '5D', '105A', '105A', '1'];
  const lsoas = ['E01013678', 'E01013679', 'E01013680'];
  const lines = ['crime_ref,occurred_from,hocr_code,lsoa_code,location_type,domestic,weapon,victim_id,victim_age,victim_sex'];
  for (let i = 0; i < 420; i++) {
    const month = 7 + Math.floor(rand() * 4);
    const day = 1 + Math.floor(rand() * 28);
    const code = codes[Math.floor(rand() * codes.length)]!;
    const lsoa = lsoas[Math.floor(rand() ** 2 * lsoas.length)]!;
    const knife = rand() < 0.2 ? 'Knife' : '';
    lines.push(`SEC-${i},2021-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T20:00,${code},${lsoa},Street,N,${knife},VIC-${i},${15 + Math.floor(rand() * 30)},M`);
  }
  const path = join(dir, 'extract.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe.each(ENGINES)('HTTP security on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  let svo: SvoApp;
  const logged: string[] = [];
  const clients = new Map<Role, Client>();
  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-sec-'));
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await ingestPoliceExtract(testContext(t.store), [writeExtract(dir)], { pseudonymiser: testPseudonymiser(), agency: 'Example Constabulary' });
    svo = buildApp({ store: t.store, demo: false, version: 'test', log: (m) => logged.push(m), loginAttemptsPerMinute: 1000 });
    for (const role of ROLES) clients.set(role, await signedIn(svo.app, t.store, role));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const as = (role: Role) => clients.get(role)!;

  it('RBAC matrix: every registered route has a rule, and every role gets exactly what the rule allows', async () => {
    const routes = svo.app.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const outcomes: string[] = [];
    for (const route of routes) {
      const rule = svo.rules.find(route.method, route.path);
      expect(rule, `${route.method} ${route.path} has no access rule`).not.toBeNull();
      const path = route.path.replace(/:[A-Za-z_]+/g, 'x');
      const call = async (c: Client) => (route.method === 'GET' ? c.get(path) : c.post(path, {}));
      const anon = await call(anonymous(svo.app));
      if (rule!.allow === 'anyone') expect([401, 403], `${route.path} anonymous`).not.toContain(anon.status);
      else expect(anon.status, `${route.method} ${route.path} without a session`).toBe(401);
      for (const role of ROLES) {
        // Sign-out ends the session: use a fresh one for it.
        const client = route.path === '/api/logout' ? await signedIn(svo.app, t.store, role) : as(role);
        const res = await call(client);
        const allowed = rule!.allow === 'anyone' || rule!.allow.includes(role);
        outcomes.push(`${route.method} ${route.path} ${role} ${allowed ? 'allowed' : 'denied'}`);
        if (allowed) expect([401, 403], `${route.method} ${route.path} as ${role}`).not.toContain(res.status);
        else expect(res.status, `${route.method} ${route.path} as ${role}`).toBe(403);
      }
    }
    // The roles of the issue, on the routes that exist today.
    expect(outcomes).toEqual(expect.arrayContaining(['POST /api/query viewer allowed', 'POST /api/query public allowed', 'GET /api/summary viewer allowed']));
    // The dashboard's endpoints (issue 7): reference data and sources for all, record-level for staff.
    expect(outcomes).toEqual(
      expect.arrayContaining([
        'GET /api/geography/boundaries public allowed',
        'GET /api/definitions viewer allowed',
        'GET /api/data/sources viewer allowed',
        'GET /api/data/batches/:id/rejects viewer denied',
        'GET /api/data/batches/:id/rejects public denied',
        'GET /api/data/batches/:id/rejects partner allowed',
        'POST /api/points viewer denied',
        'POST /api/points public denied',
        'POST /api/points partner allowed',
        'GET /demo-login public allowed',
      ]),
    );
    expect(svo.rules.find('POST', '/api/points')?.recordLevel).toBe(true);
    expect(svo.rules.find('GET', '/api/data/batches/1/rejects')?.recordLevel).toBe(true);
  });

  it('refuses a route registered without a rule, and a rule that opens raw data to viewers', async () => {
    const { AccessRules } = await import('../../src/server/access.js');
    const rules = new AccessRules();
    expect(() => rules.add('GET', '/api/x', { allow: ['viewer'] })).toThrow(/disclosure control/);
    expect(() => rules.add('GET', '/api/x', { allow: ['analyst', 'public'], recordLevel: true, disclosure: true })).toThrow(/record-level/);
    expect(rules.find('GET', '/api/unregistered')).toBeNull();
  });

  it('gives record-level routes to staff only, with the partner restricted to their agency and areas', async () => {
    const { mount, RECORD_LEVEL } = await import('../../src/server/access.js');
    const app = buildApp({ store: t.store, demo: false, version: 'test', log: () => {}, loginAttemptsPerMinute: 1000 });
    mount(app.app, app.rules, RECORD_LEVEL, (r) => r.get('/api/test-records', (c) => c.json({ scope: c.get('access').scope })));
    const partner = await signedIn(app.app, t.store, 'partner');
    expect(await (await partner.get('/api/test-records')).json()).toEqual({ scope: { agency: 'Example Constabulary', areas: [] } });
    expect(await (await (await signedIn(app.app, t.store, 'analyst')).get('/api/test-records')).json()).toEqual({ scope: null });
    expect((await (await signedIn(app.app, t.store, 'viewer')).get('/api/test-records')).status).toBe(403);
    expect((await (await signedIn(app.app, t.store, 'public')).get('/api/test-records')).status).toBe(403);
  });

  it('signs in with a Secure-when-TLS, HttpOnly, SameSite=Strict cookie and a CSRF token; signs out', async () => {
    const res = await svo.app.request('/api/login', { method: 'POST', body: JSON.stringify({ username: 'analyst-user', password: TEST_PASSWORD }), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^svo_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const tls = buildApp({ store: t.store, demo: false, version: 'test', log: () => {}, secure: true, loginAttemptsPerMinute: 1000 });
    const secure = await tls.app.request('/api/login', { method: 'POST', body: JSON.stringify({ username: 'analyst-user', password: TEST_PASSWORD }), headers: { 'content-type': 'application/json' } });
    expect(secure.headers.get('set-cookie')).toMatch(/^__Host-svo_session=.*Secure/);
    expect(secure.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('strict-transport-security')).toBeNull();

    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const session = cookie.split(';')[0]!;
    const post = (headers: Record<string, string>) => svo.app.request('/api/query', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', cookie: session, ...headers } });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrfToken, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrfToken })).status).toBe(200);
    const out = await svo.app.request('/api/logout', { method: 'POST', headers: { cookie: session, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(200);
    expect((await post({ 'x-csrf-token': csrfToken })).status).toBe(401);
    const wrong = await svo.app.request('/api/login', { method: 'POST', body: JSON.stringify({ username: 'analyst-user', password: 'not-the-password' }), headers: { 'content-type': 'application/json' } });
    expect(wrong.status).toBe(401);
  });

  it('rate-limits sign-in attempts per address', async () => {
    const limited = buildApp({ store: t.store, demo: false, version: 'test', log: () => {} });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await limited.app.request('/api/login', { method: 'POST', body: '{"username":"ghost","password":"x"}', headers: { 'content-type': 'application/json' } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('sets security headers, limits body size and never leaks internals in errors', async () => {
    const res = await as('analyst').get('/api/health');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const big = await as('analyst').post('/api/query', { where: { lsoa: ['x'.repeat(2 * 1024 * 1024)] } });
    expect(big.status).toBe(413);
    const bad = await as('analyst').post('/api/query', { by: ['nope'] });
    const text = await bad.text();
    expect(bad.status).toBe(400);
    expect(text).not.toMatch(/SELECT|at .*\.ts|Error:/);
    // The dashboard (200; 503 with build instructions when dist/web is not built): no inline script.
    const home = await anonymous(svo.app).get('/');
    expect([200, 503]).toContain(home.status);
    expect(await home.text()).not.toMatch(/<script(?![^>]*\ssrc="\/assets\/)/);
  });

  it('answers viewers and the public with disclosure-controlled counts, and analysts with exact ones', async () => {
    const spec = { by: ['month', 'sv_category'], from: '2021-07', to: '2021-10' };
    const exact = (await (await as('analyst').post('/api/query', spec)).json()) as { rows: Record<string, unknown>[] };
    const viewer = (await (await as('viewer').post('/api/query', spec)).json()) as { rows: Record<string, unknown>[]; caveats: string[] };
    expect(viewer.caveats.join(' ')).toMatch(/disclosure control/);
    expect(viewer.rows.length).toBe(exact.rows.length);
    let suppressed = 0;
    viewer.rows.forEach((row, i) => {
      const n = Number(exact.rows[i]!.count);
      if (n === 0) expect(row.count).toBe(0);
      else if (n <= SMALL_COUNT_MAX) expect(row.count).toBe('*');
      if (typeof row.count === 'number') {
        expect(row.count % 5).toBe(0);
        expect(Math.abs(row.count - n)).toBeLessThanOrEqual(2);
      } else suppressed++;
    });
    expect(suppressed).toBeGreaterThan(0);
    expect(exact.rows.some((r) => Number(r.count) > 0 && Number(r.count) <= SMALL_COUNT_MAX)).toBe(true);
    const publicAnswer = (await (await as('public').post('/api/query', spec)).json()) as { rows: unknown[] };
    expect(publicAnswer.rows).toEqual(viewer.rows);
  });

  it('shows a viewer the same cell the same way whatever the filter (no differencing)', async () => {
    const wide = (await (await as('viewer').post('/api/query', { by: ['month', 'sv_category'], from: '2021-07', to: '2021-10' })).json()) as { rows: Record<string, unknown>[] };
    const narrow = (await (await as('viewer').post('/api/query', { by: ['sv_category'], from: '2021-08', to: '2021-08' })).json()) as { rows: Record<string, unknown>[] };
    for (const row of narrow.rows) {
      const same = wide.rows.find((w) => w.month === '2021-08' && w.sv_category === row.sv_category);
      expect(same?.count, JSON.stringify(row)).toEqual(row.count);
    }
    const byArea = (await (await as('viewer').post('/api/query', { by: ['lsoa', 'sv_category'] })).json()) as { rows: Record<string, unknown>[] };
    const oneArea = (await (await as('viewer').post('/api/query', { by: ['sv_category'], where: { lsoa: 'E01013680' } })).json()) as { rows: Record<string, unknown>[] };
    for (const row of oneArea.rows) {
      expect(byArea.rows.find((w) => w.lsoa === 'E01013680' && w.sv_category === row.sv_category)?.count).toEqual(row.count);
    }
    const refused = await as('viewer').post('/api/query', { by: ['sv_category'], from: '2021-07', to: '2021-08' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/exactly one month, quarter, year or financial year/);
    expect((await as('viewer').post('/api/query', { by: ['week'] })).status).toBe(400);
  });

  it('gives viewers a summary without exact small counts, and SPC only on rounded series', async () => {
    const summary = (await (await as('viewer').get('/api/summary')).json()) as { disclosureControlled: boolean; database: unknown; seriousViolence: { byCategory: Record<string, unknown>; excluded?: unknown } };
    expect(summary.disclosureControlled).toBe(true);
    expect(summary.database).toBeNull();
    expect(summary.seriousViolence.excluded).toBeUndefined();
    for (const v of Object.values(summary.seriousViolence.byCategory)) expect(v === '*' || (typeof v === 'number' && v % 5 === 0)).toBe(true);
    const spc = await as('viewer').post('/api/spc', { from: '2021-07', to: '2021-10' });
    expect([200, 422]).toContain(spc.status);
    if (spc.status === 200) {
      const body = (await spc.json()) as { rows: { value: number }[] };
      for (const r of body.rows) expect(r.value % 5).toBe(0);
    }
    expect(logged).toEqual([]);
  });
});
