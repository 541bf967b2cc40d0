/**
 * Kill-during-ingest ×20 (issue 6), on DuckDB and PostgreSQL.
 *
 * `svo ingest police` runs in a child process on an extract that takes a few seconds and is SIGKILLed at
 * 20 seeded random points in time (spread over a calibrated uninterrupted run, so kills land in start-up,
 * parsing, the load transaction and after the commit). After each kill: the file is either absent
 * (no batch, no incidents, people or classifications from it) or complete; there are no orphan rows;
 * no lock is left behind (PostgreSQL: no backend keeps locks on svo's tables; DuckDB: the file opens)
 * and the bulk-load files of the killed process are cleaned up. A final run loads exactly the
 * expected rows, with no duplicates.
 *
 * For speed the CLI is transpiled once with esbuild into a temporary dist-shaped tree (node starts it
 * about twice as fast as through tsx), so the test always runs the current source.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { TEST_PSEUDONYM_KEY } from '../support/context.js';
import { createTestStore, ENGINES, TEST_PG_URL, type Engine, type TestStore } from '../support/stores.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ROWS = 30_000;
const KILLS = 20;
const AGENCY = 'Kill Force';
const SEED = 20_260_115;

let work: string;
let cli: string;
let extract: string;

/** Every .ts under src that the CLI may load (not tests, not the browser dashboard). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return relative(ROOT, path) === join('src', 'present', 'dashboard') ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'svo-kill-ingest-'));
  // dist-shaped: build/<layer>/… with definitions, codelists, package.json and node_modules beside it.
  await build({ entryPoints: sources(join(ROOT, 'src')), outdir: join(work, 'build'), outbase: join(ROOT, 'src'), format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  for (const name of ['definitions', 'codelists', 'package.json', 'node_modules']) symlinkSync(join(ROOT, name), join(work, name));
  cli = join(work, 'build/cli/main.js');
  extract = join(work, 'extract.csv');
  const lines = ['crime_ref,occurred_from,hocr_code,location_type,domestic,victim_id,victim_age,suspect_id,suspect_age'];
  const codes = ['8N', '34B', '5D', '105A'];
  const places = ['Street', 'Dwelling', 'Park', ''];
  for (let i = 1; i <= ROWS; i++) {
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`K-${i},2021-${month}-${day}T${String(i % 24).padStart(2, '0')}:15,${codes[i % 4]},${places[i % 4]},${['N', 'Y', ''][i % 3]},V${i % 5000},${i % 90},S${i % 7000},${10 + (i % 60)}`);
  }
  writeFileSync(extract, lines.join('\n') + '\n');
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so the kill times are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number;
  /** Whether the child was inside its database work when killed (see `inDatabase`). */
  killedInDatabase: boolean | null;
}

/** Runs the CLI; with `killAfterMs`, SIGKILLs it then, first asking `inDatabase` what it was doing. */
function svo(args: string[], env: Record<string, string>, killAfterMs?: number, inDatabase?: () => Promise<boolean>): Promise<Run> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: work,
      env: { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_DB: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killedInDatabase: boolean | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(async () => {
            if (child.exitCode !== null) return;
            killedInDatabase = inDatabase ? await inDatabase() : null;
            child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: performance.now() - started, pid: child.pid ?? 0, killedInDatabase });
    });
  });
}

interface State {
  batches: number;
  incidents: number;
  distinctRefs: number;
  people: number;
  classifications: number;
  orphans: number;
}

async function inspect(store: Store): Promise<State> {
  const n = async (sql: string) => Number((await store.query<{ n: number }>(sql))[0]!.n);
  return {
    batches: await n(`SELECT COUNT(*) AS n FROM ingest_batches WHERE agency = '${AGENCY}'`),
    incidents: await n(`SELECT COUNT(*) AS n FROM incidents WHERE agency = '${AGENCY}'`),
    distinctRefs: await n(`SELECT COUNT(DISTINCT source_record_id) AS n FROM incidents WHERE agency = '${AGENCY}'`),
    people: await n(`SELECT COUNT(*) AS n FROM incident_people`),
    classifications: await n(`SELECT COUNT(*) AS n FROM incident_classifications`),
    orphans: await n(
      `SELECT (SELECT COUNT(*) FROM incident_people p WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = p.incident_id))
            + (SELECT COUNT(*) FROM incident_classifications c WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = c.incident_id))
            + (SELECT COUNT(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM ingest_batches b WHERE b.id = i.batch_id)) AS n`,
    ),
  };
}

/** Back to before the file (a round that got to commit), so that the next round has all of it to load. */
async function removeFile(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    const inFile = `SELECT id FROM incidents WHERE agency = '${AGENCY}'`;
    await tx.run(`DELETE FROM incident_classifications WHERE incident_id IN (${inFile})`);
    await tx.run(`DELETE FROM incident_people WHERE incident_id IN (${inFile})`);
    await tx.run(`DELETE FROM incidents WHERE agency = '${AGENCY}'`);
    await tx.run(`DELETE FROM ingest_batches WHERE agency = '${AGENCY}'`);
  });
}

/** How each engine is watched and opened from the test while children come and go. */
interface Harness {
  env: Record<string, string>;
  /** True when the child holds the database in the middle of its work. */
  inDatabase: () => Promise<boolean>;
  /** After a kill: wait until nothing the dead child started still holds locks; false if it never clears. */
  locksCleared: () => Promise<boolean>;
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

async function harness(engine: Engine): Promise<Harness> {
  const t: TestStore = await createTestStore(engine);
  if (engine === 'duckdb') {
    // One process at a time may open a DuckDB file: the test opens it only between children.
    await t.store.close();
    const db = t.env.SVO_DB!;
    const fingerprint = () => [db, `${db}.wal`].map((p) => (existsSync(p) ? `${statSync(p).size}@${statSync(p).mtimeMs}` : '-')).join('|');
    let baseline = '';
    return {
      env: t.env,
      // Any change to the database file or its WAL since the child started: it is writing.
      inDatabase: async () => fingerprint() !== baseline,
      locksCleared: async () => true,
      async withStore(fn) {
        const store = await openStore({ dbPath: db });
        try {
          return await fn(store);
        } finally {
          await store.close();
          baseline = fingerprint();
        }
      },
      dispose: () => t.dispose(),
    };
  }
  const schema = t.env.SVO_PG_SCHEMA!;
  const monitor = new pg.Client({ connectionString: TEST_PG_URL });
  await monitor.connect();
  // Locks on svo's tables held by any backend but the test's own: the child's open transaction.
  const foreignLocks = async () =>
    Number(
      (
        await monitor.query(
          `SELECT COUNT(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace s ON s.oid = c.relnamespace
           WHERE s.nspname = $1 AND l.pid <> pg_backend_pid()`,
          [schema],
        )
      ).rows[0].n,
    );
  return {
    env: t.env,
    inDatabase: async () => (await foreignLocks()) > 0,
    locksCleared: async () => {
      for (const started = performance.now(); performance.now() - started < 15_000; await new Promise((r) => setTimeout(r, 50))) {
        if ((await foreignLocks()) === 0) return true;
      }
      return false;
    },
    withStore: (fn) => fn(t.store),
    dispose: async () => {
      await monitor.end();
      await t.dispose();
    },
  };
}

describe.each(ENGINES)('SIGKILL during svo ingest police ×%s', (engine) => {
  it(`leaves none or all of the file after each of ${KILLS} kills, no orphans or locks, and a final run loads it exactly once`, async () => {
    const started = performance.now();
    const h = await harness(engine);
    // PostgreSQL's runs read the extract in worker threads, DuckDB's in the main thread: kills land in both.
    h.env = { ...h.env, SVO_INGEST_WORKERS: engine === 'postgres' ? '2' : '0' };
    try {
      const args = ['ingest', 'police', extract, '--agency', AGENCY, '--json'];
      // Definitions and HOCR codes are synchronised by the first CLI run: do it now, so kills land in the ingest.
      const setup = await svo(['definitions', 'list'], h.env);
      expect(setup.code, setup.stderr).toBe(0);
      const definitions = await h.withStore(async (s) => Number((await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM definitions`))[0]!.n));
      expect(definitions).toBeGreaterThan(0);
      const complete: State = { batches: 1, incidents: ROWS, distinctRefs: ROWS, people: 2 * ROWS, classifications: ROWS * definitions, orphans: 0 };
      const empty: State = { batches: 0, incidents: 0, distinctRefs: 0, people: 0, classifications: 0, orphans: 0 };

      // Calibration: one uninterrupted run says how long the whole thing takes on this machine today.
      const calibration = await svo(args, h.env);
      expect(calibration.code, calibration.stderr).toBe(0);
      expect(await h.withStore(inspect)).toEqual(complete);
      await h.withStore(removeFile);

      const random = seeded(SEED + (engine === 'duckdb' ? 0 : 1));
      const rounds: string[] = [];
      const phases = { startUp: 0, database: 0, finished: 0 };
      const killedPids: number[] = [];
      for (let round = 1; round <= KILLS; round++) {
        // Spread over 10%–105% of a whole run: start-up, parsing, the transaction, and just after the commit.
        const at = Math.round((0.1 + 0.95 * random()) * calibration.ms);
        const run = await svo(args, h.env, at, h.inDatabase);
        if (run.signal === 'SIGKILL') killedPids.push(run.pid);
        else expect(run.code, run.stderr).toBe(0);
        expect(await h.locksCleared(), `round ${round}: a lock of the killed process was never released`).toBe(true);
        const state = await h.withStore(inspect);
        const phase = run.signal !== 'SIGKILL' ? 'finished' : run.killedInDatabase ? 'database' : 'startUp';
        phases[phase]++;
        rounds.push(`${at}ms:${phase}:${state.incidents === ROWS ? 'all' : state.incidents === 0 ? 'none' : state.incidents}`);
        // Never part of the file: its batch, incidents, people and classifications go together, or not at all.
        expect(state, `round ${round} (killed at ${at} ms)`).toEqual(state.batches === 0 ? empty : complete);
        if (state.batches === 1) await h.withStore(removeFile);
      }

      const final = await svo(args, h.env);
      expect(final.code, final.stderr).toBe(0);
      const summary = JSON.parse(final.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      expect(summary).toMatchObject({ files: 1, accepted: ROWS, rejected: 0, duplicates: 0, updated: 0 });
      expect(await h.withStore(inspect)).toEqual(complete);
      // The bulk-load files a killed DuckDB child could not delete were removed when the store was next opened.
      const leftovers = readdirSync(tmpdir()).filter((f) => killedPids.some((pid) => f.startsWith(`svo-copy-${pid}-`)));
      expect(leftovers).toEqual([]);

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `[kill-ingest ${engine}] ${ROWS} rows, whole run ${Math.round(calibration.ms)} ms; kills by phase ${JSON.stringify(phases)}; ${rounds.join(' ')}; final ${Math.round(final.ms)} ms; total ${seconds} s\n`,
      );
      // The kills must have hit the database work, or the test proves little.
      expect(phases.database).toBeGreaterThanOrEqual(3);
    } finally {
      await h.dispose();
    }
  }, 600_000);
});

