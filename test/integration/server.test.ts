import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestStore, ENGINES, type Engine, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { createApp } from '../../src/server/app.js';
import { anonymous, signedIn, type Client } from '../support/http.js';

/** A fresh store holding the three incidents of the Niche-style fixture. */
async function storeWithNicheExtract(engine: Engine): Promise<TestStore> {
  const t = await createTestStore(engine);
  await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
  await ingestPoliceExtract(testContext(t.store), [join(import.meta.dirname, '../fixtures/police/niche-style.csv')], {
    pseudonymiser: testPseudonymiser(),
    profile: join(import.meta.dirname, '../../profiles/example-niche.json'),
  });
  return t;
}

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let t: TestStore;
  let analyst: Client;
  const logged: string[] = [];
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    t = await storeWithNicheExtract(engine);
    app = createApp({ store: t.store, demo: true, version: 'test', log: (m) => logged.push(m) });
    analyst = await signedIn(app, t.store, 'analyst');
  });
  afterAll(async () => t.dispose());

  it('answers /api/health without a session', async () => {
    const res = await anonymous(app).get('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: 'test', database: engine, demo: true });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('summarises sources, the definition and serious violence on /api/summary, with the demo banner', async () => {
    const body = (await (await analyst.get('/api/summary')).json()) as Record<string, unknown>;
    expect(body.banner).toMatch(/Demo data/);
    expect(body.sources).toEqual([
      expect.objectContaining({ source: 'police', agency: 'Example Constabulary', files: 1, records: 3, first: '2021-07-03 23:15:00', last: '2021-07-12 19:00:00' }),
    ]);
    expect(body.seriousViolence).toEqual({
      definition: { id: 'vrn-2020', version: 1 },
      incidents: 3,
      inDefinition: 2,
      byCategory: { violence_with_injury: 2 },
      knifeEnabled: 1,
      excluded: { domestic: 1 },
    });
  });

  it('answers unknown paths with a JSON 404 when signed in, and 401 without a session', async () => {
    const res = await analyst.get('/api/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
    expect((await anonymous(app).get('/api/nope')).status).toBe(401);
    expect((await anonymous(app).get('/api/summary')).status).toBe(401);
  });
});

describe.each(ENGINES)('POST /api/query on %s', (engine) => {
  let t: TestStore;
  let app: ReturnType<typeof createApp>;
  let analyst: Client;
  beforeAll(async () => {
    t = await storeWithNicheExtract(engine);
    app = createApp({ store: t.store, demo: false, version: 'test', log: () => {} });
    analyst = await signedIn(app, t.store, 'analyst');
  });
  afterAll(async () => t.dispose());
  const post = (body: unknown) => analyst.post('/api/query', body);

  it('answers the same result shape as the CLI, stamped with the definition', async () => {
    const res = await post({ measure: 'incidents', by: ['month'], allCrime: true, from: '2021-06', to: '2021-07' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { definition: unknown; columns: unknown; rows: unknown; caveats: unknown };
    expect(body.columns).toEqual([
      { name: 'month', type: expect.any(String) },
      { name: 'count', type: expect.any(String) },
    ]);
    expect(body.rows).toEqual([
      { month: '2021-06', count: 0 },
      { month: '2021-07', count: 3 },
    ]);
  });

  it('answers 400 with a plain message for an invalid specification, and for a body that is not JSON', async () => {
    const bad = await post({ measure: 'incidents', source: 'police-uk', by: ['hour'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/police-uk/);
    const notJson = await post('{nope');
    expect(notJson.status).toBe(400);
  });

  it('documents every endpoint in /api/openapi.json, with the query schema', async () => {
    const doc = (await (await anonymous(app).get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/login', '/api/logout', '/api/openapi.json', '/api/query', '/api/session', '/api/spc', '/api/summary']));
    expect(JSON.stringify(doc.paths['/api/query'])).toContain('"measure"');
  });
});
