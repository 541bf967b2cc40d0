/**
 * `svo schedule --once` in a child process on the demo data (DuckDB): every due entry's packs land in
 * <output_dir>/<recipient>/<kind>-<period>[-<area>].<ext>, a rerun writes nothing new, and a bad
 * schedule file is refused with file:line errors and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { runDemo } from '../../src/synth/demo.js';
import { TEST_PSEUDONYM_KEY, testContext, testPseudonymiser } from '../support/context.js';
import { createTestStore, type TestStore } from '../support/stores.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const CLI = join(ROOT, 'src/cli/main.ts');
const TIMEOUT_MS = 300_000;

function svo(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, TZ: 'Europe/London', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS - 10_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Every file under a folder with its size and modification time. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      if (name.isDirectory()) walk(join(d, name.name), `${prefix}${name.name}/`);
      else {
        const s = statSync(join(d, name.name));
        out[`${prefix}${name.name}`] = `${s.size}@${s.mtimeMs}`;
      }
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

const SCHEDULE = `output_dir: packs
timezone: Europe/London
entries:
  - name: monthly
    cron: "0 7 2 * *"
    report: monthly
    period: last-complete-month
    formats: [html]
    recipients: [analysts, partnership]
    circulation: partner
  - name: sna
    cron: "0 8 15 1 *"
    report: sna
    period: last-complete-year
    formats: [html, xlsx]
    recipients: [analysts]
  - name: istv
    cron: "0 7 3 * *"
    report: istv
    period: last-complete-month
    formats: [xlsx]
    recipients: [taskforce]
`;

describe('svo schedule --once on DuckDB', () => {
  let t: TestStore;
  let dir: string;

  beforeAll(async () => {
    t = await createTestStore('duckdb');
    await syncHocrCodes(t.store);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    dir = mkdtempSync(join(tmpdir(), 'svo-schedule-it-'));
    await runDemo(testContext(t.store), { seed: 2020, years: 2, scale: 0.3, endDate: '2021-12-31', workDir: join(dir, 'demo'), pseudonymiser: testPseudonymiser() });
    await t.store.close(); // the child process opens the DuckDB file
    writeFileSync(join(dir, 'schedule.yaml'), SCHEDULE);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await t?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each due pack into its recipients’ folders, then nothing on a rerun', async () => {
    // 20 January 2022: December's monthly and ISTV packs and the 2021 SNA pack are due.
    const first = await svo(['schedule', '--file', 'schedule.yaml', '--once', '--now', '2022-01-20T09:00:00Z', '--json'], t.env, dir);
    expect(first.code, first.stderr).toBe(0);
    const files = listing(join(dir, 'packs'));
    expect(Object.keys(files).sort()).toEqual(['analysts/monthly-2021-12.html', 'analysts/sna-2021.html', 'analysts/sna-2021.xlsx', 'partnership/monthly-2021-12.html', 'taskforce/istv-2021-12.xlsx']);
    for (const size of Object.values(files)) expect(Number(size.split('@')[0])).toBeGreaterThan(1000);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { outcomes: { entry: string; period: string; status: string }[] };
    expect(summary.outcomes.map((o) => [o.entry, o.period, o.status])).toEqual([
      ['monthly', '2021-12', 'generated'],
      ['sna', '2021', 'generated'],
      ['istv', '2021-12', 'generated'],
    ]);
    expect(existsSync(join(dir, 'schedule.state.json'))).toBe(true);

    const again = await svo(['schedule', '--file', 'schedule.yaml', '--once', '--now', '2022-01-25T09:00:00Z'], t.env, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('0 generated, 3 already generated, 0 failed');
    expect(listing(join(dir, 'packs'))).toEqual(files);
  }, TIMEOUT_MS);

  it('refuses a bad schedule file with file:line errors', async () => {
    writeFileSync(join(dir, 'bad.yaml'), SCHEDULE.replace('period: last-complete-year', 'period: last-complete-month').replace('"0 7 3 * *"', '"at seven"'));
    const run = await svo(['schedule', '--file', 'bad.yaml', '--once'], t.env, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.yaml:14:13: entries[1].period: a sna pack takes period last-complete-year, not last-complete-month');
    expect(run.stderr).toContain('bad.yaml:18:11: entries[2].cron: is not a cron expression');
  }, TIMEOUT_MS);
});
