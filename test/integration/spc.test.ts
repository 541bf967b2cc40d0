import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { runSpc } from '../../src/analysis/spc.js';
import { xmrChart } from '../../src/core/stats/spc.js';
import { createApp } from '../../src/server/app.js';
import { signedIn } from '../support/http.js';

// Monthly counts Jan 2021 – Feb 2022 with a spike in Jan 2022, and one month (Jun 2021) with none.
const MONTHLY = [5, 6, 5, 6, 5, 0, 5, 6, 5, 6, 5, 6, 20, 5];

describe.each(ENGINES)('SPC of a query series on %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    const lines = ['crime_ref,occurred_from,hocr_code,location_type,domestic'];
    MONTHLY.forEach((n, m) => {
      const month = `${2021 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      for (let i = 0; i < n; i++) lines.push(`S-${m}-${i},${month}-${String(i + 1).padStart(2, '0')}T21:00,8N,Street,N`);
    });
    const file = join(mkdtempSync(join(tmpdir(), 'svo-spc-')), 'monthly.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    await ingestPoliceExtract(testContext(t.store), [file], { pseudonymiser: testPseudonymiser(), agency: 'SPC' });
  });
  afterAll(async () => t.dispose());

  it('charts the zero-filled monthly series of the query exactly as the pure XmR chart does', async () => {
    const result = await runSpc(t.store, { from: '2021-01', to: '2022-02' });
    expect(result.definition).toEqual({ id: 'vrn-2020', version: 1 });
    expect(result.rows.map((r) => r.value)).toEqual(MONTHLY);
    expect(result.rows[5]).toMatchObject({ period: '2021-06', value: 0 });
    const reference = xmrChart(MONTHLY).points;
    expect(result.rows.map((r) => [r.mean, r.lower, r.upper, r.signal, r.rule])).toEqual(reference.map((p) => [p.mean, p.lower, p.upper, p.signal, p.rule]));
    expect(result.rows[12]).toMatchObject({ period: '2022-01', value: 20, rule: 'outside_limits', signal: 'concern' });
  });

  it('rebases at a month and refuses a month outside the series or a breakdown', async () => {
    const rebased = await runSpc(t.store, { from: '2021-01', to: '2022-02', rebase: ['2022-01'] });
    expect(rebased.rows[0]!.mean).not.toBe(rebased.rows[13]!.mean);
    await expect(runSpc(t.store, { from: '2021-01', to: '2022-02', rebase: ['2019-01'] })).rejects.toThrow(/not in the series/);
    await expect(runSpc(t.store, { by: ['lsoa'] })).rejects.toThrow(/monthly series/);
  });

  it('is served as POST /api/spc', async () => {
    const app = createApp({ store: t.store, demo: false, version: 'test', log: () => {} });
    const analyst = await signedIn(app, t.store, 'analyst');
    const res = await analyst.post('/api/spc', { from: '2021-01', to: '2022-02', target: 4 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: unknown[]; assurance: string; columns: { name: string }[] };
    expect(body.columns.map((c) => c.name)).toEqual(['period', 'value', 'mean', 'lower', 'upper', 'signal', 'rule']);
    expect(body.rows).toHaveLength(14);
    expect(body.assurance).toBe('hit_and_miss');
  });
});
