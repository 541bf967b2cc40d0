/**
 * The security commands in a child process, on both engines: accounts from standard input, the
 * data-sharing agreement check on ingest (refusal, dropped fields), retention, audit verify/show,
 * disclosure control on request, formula-safe CSV exports, and no raw identifiers from the fixtures
 * in any output or anywhere in the database.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';
import { openStore } from '../../src/store/open.js';
import type { Row, Store } from '../../src/store/port.js';
import { TEST_PSEUDONYM_KEY } from '../support/context.js';
import { TEST_PASSWORD } from '../support/http.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'src/cli/main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Raw identifiers and personal details in the fixture below: none may be stored or printed. */
const RAW_IDENTIFIERS = ['VIC-7731', 'SUS-4410', 'Jordan Smithfield', '14/02/2003', '2003-02-14'];

const EXTRACT = [
  'crime_ref,occurred_from,hocr_code,lsoa_code,location_type,domestic,weapon,victim_id,victim_name,victim_dob,victim_age,victim_sex,suspect_id,suspect_age',
  'CLI-1,2021-07-03T23:15,8N,E01013678,=HYPERLINK("http://x.example"),N,Knife,VIC-7731,Jordan Smithfield,14/02/2003,,M,SUS-4410,19',
  'CLI-2,2021-07-04T15:30,34B,E01013678,Street,N,,VIC-7732,,,22,F,,',
  'CLI-3,2021-08-05T02:00,8N,E01013679,+cmd,N,,VIC-7733,,,31,F,SUS-4411,36',
].join('\n');

const AGREEMENT = `id: example-police
version: 1
agency: Example Constabulary
sources: [police]
permitted_fields: [crime_ref, occurred_from, hocr_code, lsoa_code, location_type, domestic, weapon, victim_id, victim_age, victim_dob, victim_sex]
purposes: [Serious Violence Duty strategic needs assessment]
record_level_roles: [analyst]
retention: { days: 1000 }
starts: 2020-01-01
`;

describe.each(ENGINES)('security commands on %s', (engine) => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await createTestStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'svo-seccli-'));
    writeFileSync(join(dir, 'extract.csv'), EXTRACT + '\n');
    writeFileSync(join(dir, 'agreement.yaml'), AGREEMENT);
    // DuckDB allows one process per file: the CLI children get it, the test opens it between runs.
    await t.store.close();
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const outputs: string[] = [];
  const withDb = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(t.env.SVO_DB ? { dbPath: t.env.SVO_DB } : { databaseUrl: t.env.DATABASE_URL, pgSchema: t.env.SVO_PG_SCHEMA });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const query = <T extends Row>(sql: string) => withDb((store) => store.query<T>(sql));
  const count = async (table: string) => Number((await query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  const svo = (args: string[], input = ''): Promise<Run> =>
    new Promise((done, fail) => {
      const env = { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_DB: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...t.env };
      const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => {
        outputs.push(stdout, stderr);
        done({ code, stdout, stderr });
      });
      child.stdin.end(input);
    });

  it('adds accounts with the password on standard input only, and lists them', async () => {
    expect((await svo(['users', 'add', '--username', 'ana', '--role', 'analyst'])).code).toBe(2);
    const weak = await svo(['users', 'add', '--username', 'ana', '--role', 'analyst', '--password-stdin'], 'password1234\n');
    expect(weak.code, weak.stderr).toBe(2);
    expect(weak.stderr).toMatch(/common/);
    expect((await svo(['users', 'add', '--username', 'ana', '--role', 'analyst', '--password-stdin'], `${TEST_PASSWORD}\n`)).code).toBe(0);
    const list = await svo(['users', 'list', '--format', 'csv']);
    expect(list.stdout).toMatch(/^ana,analyst,/m);
    expect(list.stdout).not.toContain(TEST_PASSWORD);
    expect((await svo(['users', 'disable', 'ana'])).code).toBe(0);
    expect((await svo(['users', 'reset', 'ana', '--password-stdin'], 'another-long-passphrase-9')).code).toBe(0);
  });

  it('registers an agreement, then refuses an agency without one and drops fields it does not permit', async () => {
    expect((await svo(['agreements', 'add', 'agreement.yaml'])).code).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: x\nagency: A\n');
    const invalid = await svo(['agreements', 'add', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/sources/);
    const refused = await svo(['ingest', 'police', 'extract.csv', '--agency', 'Other Force']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/no current data-sharing agreement covers police data from 'Other Force'/);
    const ok = await svo(['ingest', 'police', 'extract.csv', '--agency', 'Example Constabulary']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/dropped column\(s\) the data-sharing agreement does not permit: victim_name, suspect_id, suspect_age/);
    const suspects = await query(`SELECT * FROM incident_people WHERE role = 'suspect'`);
    expect(suspects).toEqual([]);
  });

  it('answers queries under disclosure control on request, and exports CSV that spreadsheets cannot run', async () => {
    const plain = await svo(['query', '--all-crime', '--by', 'month', '--from', '2021-07', '--to', '2021-08']);
    expect(plain.stdout.trim().split('\n')).toEqual(['month,count', '2021-07,2', '2021-08,1']);
    const controlled = await svo(['query', '--all-crime', '--by', 'month', '--from', '2021-07', '--to', '2021-08', '--disclosure-control']);
    expect(controlled.code, controlled.stderr).toBe(0);
    expect(controlled.stdout.trim().split('\n')).toEqual(['month,count', '2021-07,*', '2021-08,*']);
    const exported = await svo(['export', 'incidents', '--format', 'csv']);
    expect(exported.stdout).toContain(`"'=HYPERLINK(""http://x.example"")"`);
    expect(exported.stdout).toContain(`'+cmd`);
    expect(exported.stdout).not.toMatch(/,=HYPERLINK|,\+cmd/);
  });

  it('applies retention after a dry run, audited', async () => {
    const dry = await svo(['retention', 'apply', '--dry-run', '--format', 'csv']);
    expect(dry.stdout).toMatch(/example-police v1,Example Constabulary,police,1000,\d{4}-\d{2}-\d{2},3,/);
    expect(await count('incidents')).toBe(3);
    expect((await svo(['retention', 'apply'])).code).toBe(0);
    expect(await count('incidents')).toBe(0);
    expect(await count('incident_people')).toBe(0);
  });

  it('shows and verifies the audit log, and names the first broken entry', async () => {
    const shown = await svo(['audit', 'show', '--since', '2000-01-01', '--format', 'json']);
    const actions = (JSON.parse(shown.stdout) as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.add', 'user.disable', 'user.reset', 'agreement.add', 'ingest.refused', 'ingest', 'records.export', 'retention.apply']));
    const intact = await svo(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stderr).toMatch(/audit log intact: \d+ entries/);
    await withDb((store) => store.run(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3`));
    const broken = await svo(['audit', 'verify']);
    expect(broken.code).toBe(5);
    expect(broken.stderr).toMatch(/audit log broken at entry 3/);
  });

  it('never prints or stores the raw identifiers of the fixture', async () => {
    const text = outputs.join('\n');
    for (const id of RAW_IDENTIFIERS) expect(text).not.toContain(id);
    await withDb(async (store) => {
      const tables = (
        await store.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = ${engine === 'postgres' ? 'current_schema()' : "'main'"} AND table_type = 'BASE TABLE'`,
        )
      ).map((r) => r.table_name);
      expect(tables).toEqual(expect.arrayContaining(['incidents', 'incident_people', 'audit_log', 'ingest_batches', 'users']));
      for (const table of tables) {
        const dump = JSON.stringify(await store.query(`SELECT * FROM ${table}`));
        for (const id of RAW_IDENTIFIERS) expect(dump, `${id} in ${table}`).not.toContain(id);
      }
    });
  });
});
