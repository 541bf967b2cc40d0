/**
 * The svo command line in a child process (through tsx, so no build is needed): exit codes, the --json
 * summary, messages on stderr, nothing stored from a refused file, definitions and export, and a
 * SIGKILL in the middle of an ingest leaving the database as it was before that file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Row } from '../../src/store/port.js';
import { TEST_PSEUDONYM_KEY } from '../support/context.js';
import { createTestStore, type TestStore } from '../support/stores.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'src/cli/main.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface RunOptions {
  cwd: string;
  /** Called once the child is running; may kill it. */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/** Runs `svo <args>` with only the given store settings, never a TTY. */
function svo(args: string[], storeEnv: Record<string, string>, options: RunOptions): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    SVO_PG_SCHEMA: '',
    SVO_DB: '',
    SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    SVO_PSEUDONYM_KEY_FILE: join(options.cwd, 'pseudonym.key'),
    ...storeEnv,
  };
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
    options.onSpawn?.(child);
  });
}

/** The --json summary: the last line of stdout. */
function jsonSummary(run: Run): Record<string, unknown> {
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

const STREET_HEADER = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const street = (id: string, month: string, type = 'Violence and sexual offences') =>
  `${id},${month},Leicestershire Police,Leicestershire Police,-1.133,52.634,On or near High Street,E01013600,Leicester 003A,${type},Under investigation,`;
const GOOD_STREET = [STREET_HEADER, street('c1', '2021-03'), street('c2', '2021-03'), street('c3', '2021-03', 'Robbery'), street('c4', '2021-03'), street('', '2021-03', 'Anti-social behaviour')].join('\n') + '\n';
const BAD_STREET = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\nb1,2021-04,L,L,-1.1,52.6,On or near X,E01013600,Leicester 003A,Unable to prosecute suspect\n';

const EXPORT_COLUMNS = ['crime_ref', 'occurred_from', 'hocr_code', 'lsoa_code', 'in_definition', 'sv_category', 'public_place', 'victim_u25', 'offender_u25', 'knife_enabled', 'domestic', 'excluded_reason'];

describe('svo CLI on duckdb', () => {
  let dir: string;
  let dbPath: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => svo(args, env, { cwd: dir });
  const query = async (sql: string): Promise<Row[]> => {
    const store = await openStore({ dbPath });
    try {
      return await store.query(sql);
    } finally {
      await store.close();
    }
  };
  const count = async (table: string) => Number((await query(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'svo-cli-'));
    dbPath = join(dir, 'svo.duckdb');
    env = { SVO_DB: dbPath };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests a good data.police.uk file and prints the JSON summary as the last line of stdout', async () => {
    const file = join(dir, '2021-03-leicestershire-street.csv');
    writeFileSync(file, GOOD_STREET);
    const result = await run('ingest', 'police-uk', file, '--json');
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const summary = jsonSummary(result);
    for (const key of ['files', 'accepted', 'rejected', 'duplicates', 'updated', 'seconds']) expect(summary).toHaveProperty(key);
    expect(summary).toMatchObject({ files: 1, accepted: 5, rejected: 0, duplicates: 0, updated: 0 });
    expect(typeof summary.seconds).toBe('number');
    expect(result.stderr).toMatch(/1 file\(s\): 5 accepted, 0 rejected/);
    expect(await count('police_uk_crimes')).toBe(5);
  });

  it('refuses a bad data.police.uk file: exit 3, the file named on stderr, nothing stored', async () => {
    const file = join(dir, '2021-04-leicestershire-street.csv');
    writeFileSync(file, BAD_STREET);
    const result = await run('ingest', 'police-uk', file, '--json');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/expected the 12-column data\.police\.uk street header/);
    expect(jsonSummary(result)).toMatchObject({ files: 0, accepted: 0 });
    expect(await count('police_uk_crimes')).toBe(5);
    expect(await count('ingest_batches')).toBe(1);
  });

  it('refuses a police extract without hocr_code: exit 3, the file named, no incident exported', async () => {
    const file = join(dir, 'extract-no-hocr.csv');
    writeFileSync(file, 'crime_ref,occurred_from,offence,victim_id\nNH-1,2021-07-03T23:15,Assault,V-1\n');
    const result = await run('ingest', 'police', file, '--agency', 'CLI Force');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/missing required column\(s\): hocr_code/);
    const exported = await run('export', 'incidents', '--format', 'json');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual([]);
  });

  it('rejects a usage error with exit 2', async () => {
    const result = await run('ingest', 'police-uk', join(dir, '2021-03-leicestershire-street.csv'), '--max-reject-rate', '7');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-reject-rate must be a fraction/);
  });

  it('lists the vrn-2020 definition', async () => {
    const result = await run('definitions', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^vrn-2020\s+1\s+true\b/m);
  });

  it('exports classified incidents as CSV: booleans true/false, unknown empty', async () => {
    const file = join(dir, 'extract.csv');
    writeFileSync(
      file,
      [
        'crime_ref,occurred_from,hocr_code,lsoa_code,location_type,domestic,weapon,victim_id,victim_age,suspect_id,suspect_age',
        'EX-1,2021-07-03T23:15,8N,E01013678,Street,N,Knife,V1,17,S1,19',
        'EX-2,2021-07-04T10:00,8N,E01013678,,,,V2,40,,',
        'EX-3,2021-07-05T02:00,8N,E01013678,Dwelling,Y,,V3,30,S3,35',
        'EX-4,2021-07-06T12:00,105A,E01013678,Street,N,,V4,20,S4,30',
      ].join('\n') + '\n',
    );
    const ingested = await run('ingest', 'police', file, '--agency', 'CLI Force', '--json');
    expect(ingested.code).toBe(0);
    expect(jsonSummary(ingested)).toMatchObject({ files: 1, accepted: 4, rejected: 0 });

    const result = await run('export', 'incidents', '--format', 'csv');
    expect(result.code).toBe(0);
    const header = result.stdout.split('\n')[0]!;
    expect(header.startsWith('crime_ref,')).toBe(true);
    const columns = header.split(',');
    for (const c of EXPORT_COLUMNS) expect(columns).toContain(c);
    const rows = (parse(result.stdout, { columns: true }) as Record<string, string>[]).map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, r[c]])));
    const at = (ref: string, occurred: string) => ({ crime_ref: ref, occurred_from: expect.stringMatching(new RegExp(`^${occurred}`)), lsoa_code: 'E01013678' });
    expect(rows).toEqual([
      { ...at('EX-1', '2021-07-03T23:15'), hocr_code: '8N', in_definition: 'true', sv_category: 'violence_with_injury', public_place: 'true', victim_u25: 'true', offender_u25: 'true', knife_enabled: 'true', domestic: 'false', excluded_reason: '' },
      { ...at('EX-2', '2021-07-04T10:00'), hocr_code: '8N', in_definition: 'false', sv_category: 'violence_with_injury', public_place: '', victim_u25: 'false', offender_u25: 'false', knife_enabled: 'false', domestic: '', excluded_reason: 'unknown_place' },
      { ...at('EX-3', '2021-07-05T02:00'), hocr_code: '8N', in_definition: 'false', sv_category: 'violence_with_injury', public_place: 'false', victim_u25: 'false', offender_u25: 'false', knife_enabled: 'false', domestic: 'true', excluded_reason: 'domestic' },
      { ...at('EX-4', '2021-07-06T12:00'), hocr_code: '105A', in_definition: 'false', sv_category: '', public_place: 'true', victim_u25: 'true', offender_u25: 'false', knife_enabled: 'false', domestic: 'false', excluded_reason: 'code' },
    ]);
  });
});

describe('svo CLI on postgres', () => {
  let t: TestStore;
  let dir: string;
  beforeAll(async () => {
    t = await createTestStore('postgres');
    dir = mkdtempSync(join(tmpdir(), 'svo-cli-pg-'));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests a good file, then refuses a bad one with exit 3 and stores nothing from it', async () => {
    const good = join(dir, '2021-03-leicestershire-street.csv');
    const bad = join(dir, '2021-04-leicestershire-street.csv');
    writeFileSync(good, GOOD_STREET);
    writeFileSync(bad, BAD_STREET);
    const ok = await svo(['ingest', 'police-uk', good, '--json'], t.env, { cwd: dir });
    expect(ok.code).toBe(0);
    expect(jsonSummary(ok)).toMatchObject({ files: 1, accepted: 5, rejected: 0, duplicates: 0, updated: 0 });

    const refused = await svo(['ingest', 'police-uk', bad, '--json'], t.env, { cwd: dir });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(bad);
    expect(refused.stderr).toMatch(/expected the 12-column data\.police\.uk street header/);
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM police_uk_crimes`)).toEqual([{ n: 5 }]);
    expect(await t.store.query(`SELECT file_name FROM ingest_batches`)).toEqual([{ file_name: '2021-03-leicestershire-street.csv' }]);
  });
});

describe('SIGKILL during svo ingest police on duckdb', () => {
  const ROWS = 200_000;
  const AGENCY = 'Kill Force';
  let dir: string;
  let dbPath: string;
  let big: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svo-kill-'));
    dbPath = join(dir, 'svo.duckdb');
    big = join(dir, 'extract-200k.csv');
    const lines = ['crime_ref,occurred_from,hocr_code,location_type,domestic,victim_id,victim_age,suspect_id,suspect_age'];
    const codes = ['8N', '34B', '5D', '105A'];
    const places = ['Street', 'Dwelling', 'Park', ''];
    for (let i = 1; i <= ROWS; i++) {
      const month = String(1 + (i % 12)).padStart(2, '0');
      const day = String(1 + (i % 28)).padStart(2, '0');
      const hour = String(i % 24).padStart(2, '0');
      lines.push(`K-${i},2021-${month}-${day}T${hour}:15,${codes[i % 4]},${places[i % 4]},${['N', 'Y', ''][i % 3]},V${i % 5000},${i % 90},S${i % 7000},${10 + (i % 60)}`);
    }
    writeFileSync(big, lines.join('\n') + '\n');
    // Create the database first, so that the kills land in the ingest rather than in the first migration.
    const created = await svo(['definitions', 'list'], { SVO_DB: dbPath }, { cwd: dir });
    expect(created.code).toBe(0);
    for (const suffix of ['', '.wal']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, join(dir, `pristine.duckdb${suffix}`));
  });

  /** Back to the database as it was before the file, so that the next round has the whole file to load again. */
  const restorePristine = () => {
    for (const suffix of ['', '.wal']) {
      rmSync(dbPath + suffix, { force: true });
      if (existsSync(join(dir, `pristine.duckdb${suffix}`))) copyFileSync(join(dir, `pristine.duckdb${suffix}`), dbPath + suffix);
    }
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const inspect = async () => {
    const store = await openStore({ dbPath });
    try {
      const n = async (sql: string) => Number((await store.query(sql))[0]!.n);
      return {
        incidents: await n(`SELECT COUNT(*) AS n FROM incidents WHERE agency = '${AGENCY}'`),
        distinctRefs: await n(`SELECT COUNT(DISTINCT source_record_id) AS n FROM incidents WHERE agency = '${AGENCY}'`),
        people: await n(`SELECT COUNT(*) AS n FROM incident_people`),
        classifications: await n(`SELECT COUNT(*) AS n FROM incident_classifications`),
        batches: await n(`SELECT COUNT(*) AS n FROM ingest_batches`),
        definitions: await n(`SELECT COUNT(*) AS n FROM definitions`),
      };
    } finally {
      await store.close();
    }
  };

  /** Size and mtime of the database and its WAL: they change once the ingest starts writing. */
  const fingerprint = () =>
    [dbPath, `${dbPath}.wal`]
      .map((p) => {
        try {
          const s = statSync(p);
          return `${s.size}@${s.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join('|');

  it('leaves none or all of the file after each kill, and a final run loads it exactly once', async () => {
    const args = ['ingest', 'police', big, '--agency', AGENCY, '--json'];
    const outcomes: string[] = [];
    for (let round = 1; round <= 3; round++) {
      // tsx start-up takes seconds on a loaded machine, so the random 200–1500 ms is counted from the moment
      // the child starts writing to the database (its first change to the DuckDB file or WAL).
      const delay = 200 + Math.floor(Math.random() * 1301);
      const baseline = fingerprint();
      let killedAt = '';
      let pid = 0;
      const result = await svo(args, { SVO_DB: dbPath }, {
        cwd: dir,
        onSpawn: (child) => {
          pid = child.pid ?? 0;
          const spawned = performance.now();
          const poll = setInterval(() => {
            if (child.exitCode !== null || child.signalCode !== null) return clearInterval(poll);
            if (fingerprint() === baseline && performance.now() - spawned < 90_000) return;
            clearInterval(poll);
            const writing = performance.now() - spawned;
            setTimeout(() => {
              killedAt = `writes began ${Math.round(writing)} ms after spawn, killed ${delay} ms later`;
              child.kill('SIGKILL');
            }, delay);
          }, 20);
        },
      });
      // The DuckDB adapter bulk-loads through svo-copy-<pid>-*.csv in the temporary folder and removes it in a
      // `finally`, which a SIGKILL skips: remove what the killed child left behind.
      const leftovers = readdirSync(tmpdir()).filter((f) => f.startsWith(`svo-copy-${pid}-`));
      for (const f of leftovers) rmSync(join(tmpdir(), f), { force: true });
      const state = await inspect();
      outcomes.push(
        `round ${round}: ${result.signal ?? `exit ${result.code}`} (${killedAt || 'finished before the kill'}) → ${state.incidents} incidents, ${leftovers.length} temporary file(s) left`,
      );
      if (result.signal !== 'SIGKILL') expect(result.code, result.stderr).toBe(0);
      // Never a partial file: incidents, their people, classifications and the batch row go together.
      expect([0, ROWS]).toContain(state.incidents);
      const all = state.incidents === ROWS;
      expect(state).toEqual({
        incidents: all ? ROWS : 0,
        distinctRefs: all ? ROWS : 0,
        people: all ? 2 * ROWS : 0,
        classifications: all ? ROWS * state.definitions : 0,
        batches: all ? 1 : 0,
        definitions: state.definitions,
      });
      // When the run got to commit before the kill, start the next one from before the file again.
      if (all) restorePristine();
    }

    const final = await svo(args, { SVO_DB: dbPath }, { cwd: dir });
    expect(final.code, final.stderr).toBe(0);
    const summary = jsonSummary(final);
    const state = await inspect();
    expect(summary).toMatchObject({ files: 1, accepted: ROWS, rejected: 0, duplicates: 0, updated: 0 });
    expect(state).toEqual({ incidents: ROWS, distinctRefs: ROWS, people: 2 * ROWS, classifications: ROWS * state.definitions, batches: 1, definitions: state.definitions });
    expect(state.definitions).toBeGreaterThan(0);
    process.stderr.write(`[kill test] ${outcomes.join('; ')}; final run ${Math.round(final.ms)} ms\n`);
  }, 400_000);
});
