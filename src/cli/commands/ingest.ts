import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { IngestSummary } from '../../ingest/common/types.js';
import { IngestFailedError } from '../../ingest/common/failures.js';
import { basename } from 'node:path';
import type { Store } from '../../store/port.js';
import { appendAudit } from '../../security/audit.js';
import { cliPseudonymiser, cliUser, ingestContext, withStore, type GlobalOptions } from '../context.js';
import { terminal } from '../output.js';

interface CommonIngestOptions {
  json?: boolean;
  maxRejectRate?: string;
  rejects?: string;
}

export function rate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/%$/, '')) / (text.endsWith('%') ? 100 : 1);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`--max-reject-rate must be a fraction 0–1 or a percentage, got '${text}'`);
  return value;
}

/** Prints the summary for people (stderr) and, with --json, as the last line of stdout. */
export function reportSummary(summary: IngestSummary, json: boolean | undefined): void {
  const s = summary;
  // Sources whose rows merge into records (police extracts) report rows read; others count records.
  const rows = typeof s.details.rowsRead === 'number' ? s.details.rowsRead : s.accepted + s.updated + s.duplicates + s.rejected;
  terminal.note(
    `${s.files} file(s): ${s.accepted} accepted, ${s.rejected} rejected, ${s.duplicates} duplicates skipped, ${s.updated} updated` +
      (s.skippedFiles ? ` (${s.skippedFiles} identical file(s) skipped)` : '') +
      ` in ${s.seconds.toFixed(2)} s (${Math.round(rows / Math.max(s.seconds, 1e-9)).toLocaleString('en-GB')} rows/s)`,
  );
  for (const w of s.warnings) terminal.note(`warning: ${w}`);
  if (json) {
    terminal.data(
      JSON.stringify({
        files: s.files,
        accepted: s.accepted,
        rejected: s.rejected,
        duplicates: s.duplicates,
        updated: s.updated,
        seconds: Number(s.seconds.toFixed(3)),
        rowsPerSecond: Math.round(rows / Math.max(s.seconds, 1e-9)),
        skippedFiles: s.skippedFiles,
        warnings: s.warnings,
        ...s.details,
      }),
    );
  }
}

/** Runs an ingest, reports it and, given `audit`, records it in the audit log (refused files too). */
export async function run(json: boolean | undefined, fn: () => Promise<IngestSummary>, audit?: { store: Store; source: string; paths: readonly string[] }): Promise<void> {
  const record = async (action: 'ingest' | 'ingest.refused', s: IngestSummary) => {
    if (!audit) return;
    await appendAudit(audit.store, `cli:${cliUser()}`, action, {
      source: audit.source,
      inputs: audit.paths.map((p) => basename(p)),
      files: s.files,
      accepted: s.accepted,
      rejected: s.rejected,
      duplicates: s.duplicates,
      updated: s.updated,
      skippedFiles: s.skippedFiles,
    });
  };
  try {
    const summary = await fn();
    reportSummary(summary, json);
    await record('ingest', summary);
  } catch (error) {
    if (error instanceof IngestFailedError) {
      reportSummary(error.summary, json);
      await record('ingest.refused', error.summary);
    }
    throw error;
  }
}

// Each action imports its ingest when it runs: `svo ingest police-uk` need not load the extract,
// geography and injury readers (about 0.3 s of start-up between them).
export function registerIngest(program: Command, global: () => GlobalOptions): void {
  const ingest = program.command('ingest').description('load data into the store (each file all-or-nothing)');
  const common = (c: Command) =>
    c
      .option('--json', 'print a JSON summary as the last line of stdout')
      .option('--max-reject-rate <rate>', 'refuse a file when more than this share of rows is rejected (default 0.05)')
      .option('--rejects <path>', 'write rejected rows here (default <input>.rejects.csv)');

  common(
    ingest
      .command('police-uk')
      .description('data.police.uk street-level files (.csv, .csv.gz, monthly .zip, or directories of them)')
      .argument('<paths...>', 'files or directories'),
  ).action(async (paths: string[], opts: CommonIngestOptions) => {
    const { ingestPoliceUk } = await import('../../ingest/police-uk/index.js');
    await withStore(global(), (store) =>
      run(opts.json, () => ingestPoliceUk(ingestContext(store), paths, { maxRejectRate: rate(opts.maxRejectRate), rejectsPath: opts.rejects }), { store, source: 'police-uk', paths }),
    );
  });

  common(
    ingest
      .command('police')
      .description('record-level police extract (.csv or .xlsx); rows sharing a crime_ref are one incident')
      .argument('<paths...>', 'files or directories')
      .option('--profile <file>', 'force profile JSON mapping column names and codes')
      .option('--agency <name>', 'agency the records come from'),
  ).action(async (paths: string[], opts: CommonIngestOptions & { profile?: string; agency?: string }) => {
    const [{ ingestPoliceExtract }, { loadPoliceProfile }, { ingestPermission }] = await Promise.all([
      import('../../ingest/police/index.js'),
      import('../../ingest/police/profile.js'),
      import('../../security/agreements.js'),
    ]);
    await withStore(global(), async (store) => {
      // The data-sharing agreement check: refuse, or drop the fields it does not permit.
      const agency = opts.agency ?? (opts.profile ? loadPoliceProfile(opts.profile).agency : undefined) ?? 'police';
      let permission;
      try {
        permission = await ingestPermission(store, agency, 'police', new Date().toISOString().slice(0, 10));
      } catch (error) {
        await appendAudit(store, `cli:${cliUser()}`, 'ingest.refused', { source: 'police', agency, inputs: paths.map((p) => basename(p)), reason: 'no current data-sharing agreement' });
        throw error;
      }
      if (permission.status === 'no-agreements') terminal.note(`warning: ${permission.warning}`);
      await run(
        opts.json,
        () =>
          ingestPoliceExtract(ingestContext(store), paths, {
            profile: opts.profile,
            agency: opts.agency,
            maxRejectRate: rate(opts.maxRejectRate),
            rejectsPath: opts.rejects,
            pseudonymiser: cliPseudonymiser(),
            permittedColumns: permission.status === 'covered' ? permission.agreement.permittedFields : undefined,
          }),
        { store, source: 'police', paths },
      );
    });
  });

  ingest
    .command('geography')
    .description('ONS geography: LSOA lookup, IMD 2019, population, LSOA boundaries (GeoJSON), CSP mapping')
    .option('--lookup <file>', 'OA/LSOA → MSOA → LAD lookup CSV')
    .option('--imd <file>', 'IMD 2019 File 1 CSV')
    .option('--population <file>', 'population CSV (IoD denominators or ONS single year of age)')
    .option('--boundaries <files...>', 'LSOA boundary GeoJSON file(s)')
    .option('--csp <file>', 'CSV mapping local authorities to Community Safety Partnerships')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (opts: { lookup?: string; imd?: string; population?: string; boundaries?: string[]; csp?: string; json?: boolean }) => {
      if (!opts.lookup && !opts.imd && !opts.population && !opts.boundaries && !opts.csp) {
        throw new UsageError('name at least one of --lookup, --imd, --population, --boundaries, --csp');
      }
      const { ingestGeography } = await import('../../ingest/geography/index.js');
      await withStore(global(), (store) =>
        run(opts.json, () =>
          ingestGeography(ingestContext(store), {
            lookup: opts.lookup,
            imd: opts.imd,
            population: opts.population,
            boundaries: opts.boundaries,
            csp: opts.csp,
          }),
          { store, source: 'geography', paths: [opts.lookup, opts.imd, opts.population, ...(opts.boundaries ?? []), opts.csp].filter((p): p is string => p !== undefined) },
        ),
      );
    });
}
