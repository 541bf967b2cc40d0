/**
 * Ingests reference geography for 2011 LSOAs: the ONS lookup (LSOA → MSOA → district), district → CSP
 * overrides, IMD 2019 ranks and deciles, population (IoD mid-2015 denominators or ONS single year of
 * age) and boundary polygons.
 *
 * Files are processed in that order, so a lookup given in the same run already defines the study area.
 * - England-wide files (IMD, population) and boundary files are cut to the LSOAs of the stored lookup
 *   when one is loaded (now or earlier). Without a lookup every row is kept.
 * - Each file is one transaction and one ingest_batches row (source 'geography', profile = its kind);
 *   a file identical (sha256 of its decompressed content) to one already ingested as the same kind is
 *   skipped.
 * - Re-loading replaces the stored values for the same LSOAs (see store.ts for who owns which column).
 * - File-level problems throw FileRejectedError and stop the run (files already committed stay);
 *   row-level problems are rejects: listed in `details.geography.rejects` and written to
 *   `<file>.rejects.csv` (or one `rejectsPath` for the run). More than `maxRejectRate` of a file's
 *   rows rejected refuses the whole file.
 */
import { basename } from 'node:path';
import { FileRejectedError, UsageError } from '../../core/errors.js';
import { enforceRejectRate, insertBatch, nextBatchId, writeRejects } from '../common/batches.js';
import { expandPaths, readInputTexts, type InputText } from '../common/files.js';
import type { Queryable } from '../../store/port.js';
import { emptySummary, type IngestContext, type IngestSummary, type Reject } from '../common/types.js';
import { parseBoundaries, type ParsedBoundaries } from './boundaries.js';
import { parseCsp, type CspRow } from './csp.js';
import { parseImd, type ImdRow } from './imd.js';
import { parseLookup, type LookupRow } from './lookup.js';
import { parsePopulation, type ParsedPopulation } from './population.js';
import type { ParsedRows } from './rows.js';
import { lookupArea, writeBoundaries, writeCsp, writeImd, writeLookup, writePopulation, type WriteCounts } from './store.js';

export { loadLsoaLocator } from './locator-store.js';

export const GEOGRAPHY_SOURCE = 'geography';

export type GeographyKind = 'lookup' | 'csp' | 'imd' | 'population' | 'boundaries';

export interface GeographyFiles {
  /** ONS OA- or LSOA-level lookup to MSOA and local authority district. */
  lookup?: string;
  /** MHCLG IoD 2019 File 1 (or File 2). */
  imd?: string;
  /** IoD File 6 denominators and/or ONS single-year-of-age tables (one mid-year each). */
  population?: string | readonly string[];
  /** GeoJSON files or folders of them. */
  boundaries?: readonly string[];
  /** District → CSP overrides: lad_code, csp_code, csp_name. */
  csp?: string;
}

export interface GeographyOptions {
  /**
   * Mid-year of the population file(s). Needed for single-year-of-age tables unless the file name
   * states it (`…mid2019…`); the IoD denominators state it in their header (`mid 2015`).
   */
  populationYear?: number;
  /** Largest share of a file's rows that may be rejected before the whole file is refused (default 0.05). */
  maxRejectRate?: number;
  /** One rejects file for the whole run; default `<input>.rejects.csv` beside each input. */
  rejectsPath?: string;
}

/** What happened to one input file, in `summary.details.geography.files`. */
export interface GeographyFileReport {
  file: string;
  kind: GeographyKind;
  /** The batch profile: lookup, csp, imd, population-iod, population-sape or boundaries. */
  profile: string;
  skipped: boolean;
  rowsRead: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  outsideLookup: number;
  populationYear?: number;
  populationYearFrom?: string;
}

export interface GeographyDetails {
  files: GeographyFileReport[];
  /** Rejected rows (at most MAX_REJECTS_IN_DETAILS; `rejectsOmitted` counts the rest). */
  rejects: (Reject & { file: string })[];
  rejectsOmitted: number;
}

export const MAX_REJECTS_IN_DETAILS = 1000;

const CSV_NAME = /\.(csv|txt)(\.gz)?$|\.zip$/i;
const GEOJSON_NAME = /\.(geo)?json(\.gz)?$|\.zip$/i;

const ORDER: GeographyKind[] = ['lookup', 'csp', 'imd', 'population', 'boundaries'];

function pathsOf(files: GeographyFiles, kind: GeographyKind): string[] {
  const value = files[kind];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

export async function ingestGeography(ctx: IngestContext, files: GeographyFiles, options: GeographyOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const summary = emptySummary();
  const details: GeographyDetails = { files: [], rejects: [], rejectsOmitted: 0 };
  summary.details = { geography: details };
  const allRejects: { file: string; reject: Reject }[] = [];

  const jobs: { kind: GeographyKind; path: string }[] = [];
  for (const kind of ORDER) {
    const wanted = kind === 'boundaries' ? GEOJSON_NAME : CSV_NAME;
    for (const path of expandPaths(pathsOf(files, kind), (n) => wanted.test(n))) jobs.push({ kind, path });
  }

  if (jobs.length === 0) throw new UsageError('no geography files were given', 'give a lookup, IMD, population, boundaries or CSP file');
  ctx.progress.start('geography', jobs.length);
  try {
    for (const [index, job] of jobs.entries()) {
      const inputs =
        job.kind === 'boundaries'
          ? readInputTexts(job.path, (n) => /\.(geo)?json$/i.test(n), 'GeoJSON file (.geojson / .json)')
          : readInputTexts(job.path, (n) => /\.(csv|txt)$/i.test(n), 'CSV file');
      for (const input of inputs) {
        const report = await ingestOne(ctx, job.kind, input, options, summary, (file, rejects) => {
          for (const reject of rejects) allRejects.push({ file, reject });
          if (!options.rejectsPath && rejects.length > 0) {
            tryWriteRejects(summary, `${input.name}.rejects.csv`, rejects.map((reject) => ({ file, reject })));
            return `${input.name}.rejects.csv`;
          }
          return options.rejectsPath ?? null;
        });
        details.files.push(report);
      }
      ctx.progress.update(index + 1);
    }
  } finally {
    ctx.progress.stop();
    if (options.rejectsPath && allRejects.length > 0) tryWriteRejects(summary, options.rejectsPath, allRejects);
    details.rejects = allRejects.slice(0, MAX_REJECTS_IN_DETAILS).map(({ file, reject }) => ({ file, ...reject }));
    details.rejectsOmitted = Math.max(0, allRejects.length - MAX_REJECTS_IN_DETAILS);
  }
  summary.seconds = (performance.now() - started) / 1000;
  const rows = details.files.reduce((n, f) => n + f.rowsRead, 0);
  summary.rowsPerSecond = Math.round(rows / Math.max(summary.seconds, 1e-9));
  return summary;
}

/**
 * Whether the identical file was already ingested as this kind. Checked per kind (the batch profile),
 * so one file may serve as, say, both the IMD and the population input.
 */
async function alreadyIngestedAs(db: Queryable, sha: string, kind: GeographyKind): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 AS found FROM ingest_batches WHERE source = $1 AND file_sha256 = $2 AND (profile = $3 OR profile LIKE $4) LIMIT 1`,
    [GEOGRAPHY_SOURCE, sha, kind, `${kind}-%`],
  );
  return rows.length > 0;
}

function tryWriteRejects(summary: IngestSummary, path: string, rejects: { file: string; reject: Reject }[]): void {
  try {
    writeRejects(path, rejects);
  } catch (error) {
    summary.warnings.push(`could not write the rejects file ${path} (${(error as Error).message}); the rejects are in the summary details`);
  }
}

type Prepared =
  | { kind: 'lookup'; parsed: ParsedRows<LookupRow> }
  | { kind: 'csp'; parsed: ParsedRows<CspRow> }
  | { kind: 'imd'; parsed: ParsedRows<ImdRow> }
  | { kind: 'population'; parsed: ParsedPopulation }
  | { kind: 'boundaries'; parsed: ParsedBoundaries };

async function ingestOne(
  ctx: IngestContext,
  kind: GeographyKind,
  input: InputText,
  options: GeographyOptions,
  summary: IngestSummary,
  onRejects: (file: string, rejects: Reject[]) => string | null,
): Promise<GeographyFileReport> {
  const file = input.name;
  const report: GeographyFileReport = { file, kind, profile: kind, skipped: false, rowsRead: 0, accepted: 0, updated: 0, duplicates: 0, rejected: 0, outsideLookup: 0 };
  summary.files++;
  if (await alreadyIngestedAs(ctx.store, input.sha256, kind)) {
    summary.skippedFiles++;
    report.skipped = true;
    ctx.log(`${file}: identical file already ingested, skipped`);
    return report;
  }
  const startedAt = ctx.now();
  if (kind !== 'boundaries' && /^\s*[[{]/.test(input.text.slice(0, 100))) {
    throw new FileRejectedError(file, `is JSON, not a CSV file`, `expected ${kind} as CSV; GeoJSON boundaries belong to the boundaries input`);
  }
  const area = kind === 'imd' || kind === 'population' || kind === 'boundaries' ? await lookupArea(ctx.store) : null;
  const prepared = parse(kind, file, input.text, area, options);
  const parsed: ParsedRows<unknown> = prepared.parsed;
  const profile = prepared.kind === 'population' ? `population-${prepared.parsed.kind}` : prepared.kind;
  const population = prepared.kind === 'population' ? { populationYear: prepared.parsed.year, populationYearFrom: prepared.parsed.yearFrom } : null;
  report.profile = profile;
  report.rowsRead = parsed.rowsRead;
  report.duplicates = parsed.duplicates;
  report.rejected = parsed.rejects.length;
  report.outsideLookup = parsed.outsideLookup;
  if (population) Object.assign(report, population);
  summary.warnings.push(...parsed.warnings);
  if (prepared.kind === 'boundaries' && prepared.parsed.convertedFromBng) {
    summary.warnings.push(`${file}: coordinates were British National Grid (EPSG:27700) and were converted to WGS84`);
  }

  const rejectsPath = parsed.rejects.length > 0 ? onRejects(file, parsed.rejects) : null;
  if (parsed.rowsRead === 0) throw new FileRejectedError(file, 'has a header but no data rows');
  enforceRejectRate(file, parsed.rejects.length, parsed.rowsRead, options.maxRejectRate ?? 0.05, rejectsPath);
  if (parsed.rows.length === 0) {
    if (area && parsed.outsideLookup > 0) {
      throw new FileRejectedError(
        file,
        `none of its ${parsed.outsideLookup} LSOAs is in the stored lookup (${area.size} LSOAs); nothing was stored`,
        'check that the file uses 2011 LSOA codes for the same area as the lookup',
      );
    }
    throw new FileRejectedError(file, 'no row could be accepted; nothing was stored', rejectsPath ? `see ${rejectsPath}` : undefined);
  }
  if (area && parsed.rows.length < area.size) {
    summary.warnings.push(`${file}: ${area.size - parsed.rows.length} of the ${area.size} LSOAs in the lookup have no ${kind} row in this file`);
  }

  const batchId = await nextBatchId(ctx.store);
  const counts = await ctx.store.transaction(async (tx) => {
    let c: WriteCounts;
    const extra: Record<string, unknown> = {};
    switch (prepared.kind) {
      case 'lookup':
        c = await writeLookup(tx, batchId, prepared.parsed.rows);
        break;
      case 'imd':
        c = await writeImd(tx, prepared.parsed.rows);
        break;
      case 'population':
        c = await writePopulation(tx, prepared.parsed.year, prepared.parsed.rows);
        break;
      case 'boundaries':
        c = await writeBoundaries(tx, prepared.parsed.rows);
        extra.codeProperty = prepared.parsed.codeProperty;
        extra.convertedFromBng = prepared.parsed.convertedFromBng;
        break;
      case 'csp': {
        const csp = await writeCsp(tx, prepared.parsed.rows);
        if (csp.accepted === 0) {
          throw new FileRejectedError(
            file,
            `none of its ${csp.unmatched.length} district codes matches a stored LSOA; nothing was stored`,
            'load the LSOA lookup first (or in the same run)',
          );
        }
        if (csp.unmatched.length > 0) csp.warnings.push(`${file}: no stored LSOA is in district(s) ${csp.unmatched.join(', ')}; those rows were not applied`);
        extra.lsoas = csp.lsoas;
        extra.unmatchedDistricts = csp.unmatched;
        c = csp;
        break;
      }
    }
    await insertBatch(tx, {
      id: batchId,
      source: GEOGRAPHY_SOURCE,
      agency: profile === 'imd' || profile === 'population-iod' ? 'MHCLG' : profile === 'csp' ? 'local' : 'ONS',
      fileName: basename(file),
      sha256: input.sha256,
      profile,
      rowsRead: parsed.rowsRead,
      accepted: c.accepted,
      rejected: parsed.rejects.length,
      duplicates: parsed.duplicates,
      updated: c.updated,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      rejects: parsed.rejects,
      summary: {
        kind,
        lsoas: parsed.rows.length,
        outsideLookup: parsed.outsideLookup,
        ...population,
        ...extra,
      },
    });
    return c;
  });
  report.accepted = counts.accepted;
  report.updated = counts.updated;
  summary.accepted += counts.accepted;
  summary.updated += counts.updated;
  summary.duplicates += parsed.duplicates;
  summary.rejected += parsed.rejects.length;
  summary.warnings.push(...counts.warnings);
  const year = population ? ` mid-${population.populationYear} (year from ${population.populationYearFrom})` : '';
  ctx.log(
    `${file}: ${profile}${year}: ${counts.accepted} new, ${counts.updated} updated, ${parsed.duplicates} repeated, ` +
      `${parsed.rejects.length} rejected, ${parsed.outsideLookup} outside the lookup`,
  );
  return report;
}

function parse(kind: GeographyKind, file: string, text: string, area: ReadonlySet<string> | null, options: GeographyOptions): Prepared {
  switch (kind) {
    case 'lookup':
      return { kind, parsed: parseLookup(file, text) };
    case 'csp':
      return { kind, parsed: parseCsp(file, text) };
    case 'imd':
      return { kind, parsed: parseImd(file, text, area) };
    case 'population':
      return { kind, parsed: parsePopulation(file, text, area, options.populationYear) };
    case 'boundaries':
      return { kind, parsed: parseBoundaries(file, text, area) };
  }
}
