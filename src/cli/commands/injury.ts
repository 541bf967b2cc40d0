/**
 * Injury surveillance (Cardiff Model) commands:
 *
 *   svo ingest istv <files…> --site <code> [--period-start D --period-end D] [--profile p.json] [--codelists f]
 *   svo ingest ambulance <files…> [--profile p.json] [--agency name]
 *   svo ingest places <files…>
 *   svo places review [--all] [--confirm <text> (--place <key|name> | --not-a-place)]
 *   svo hidden-violence [--period …] [--area …] [--venues]
 *   svo venues [--from …] [--to …] [--kind venues|streets|all]
 *   svo injury nte [--window 'Fri-Sat 20:00-04:00'] [--by …]
 *   svo injury sharp [--from …] [--to …]
 *
 * (`svo report istv` waits for the reports machinery.)
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { cliUser, ingestContext, withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';
import { rate, run } from './ingest.js';

// Actions import what they run when they run, so that registering these commands (as every
// `svo ingest …` does) costs no start-up time.
const analyses = () => import('../../analysis/injury.js');
const matching = () => import('../../ingest/places/matching.js');

interface CommonIngestOptions {
  json?: boolean;
  maxRejectRate?: string;
  rejects?: string;
}

const common = (c: Command) =>
  c
    .option('--json', 'print a JSON summary as the last line of stdout')
    .option('--max-reject-rate <rate>', 'refuse a file when more than this share of rows is rejected (default 0.05)')
    .option('--rejects <path>', 'write rejected rows here (default <input>.rejects.csv)');

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${text}'`);
  return n;
}

function printResult(format: string, result: { columns: string[]; rows: Record<string, unknown>[]; caveats: string[] }, notes: string[] = []): void {
  const f = checkFormat(format);
  if (f === 'json') {
    terminal.data(JSON.stringify(result, null, 2));
    return;
  }
  terminal.data(formatRows(result.rows as Record<string, string | number | boolean | null>[], result.columns, f));
  for (const note of notes) terminal.note(note);
  for (const caveat of result.caveats) terminal.note(`note: ${caveat}`);
}

const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : 'n/a');

export function registerInjury(program: Command, global: () => GlobalOptions): void {
  const ingest = program.commands.find((c) => c.name() === 'ingest');
  if (!ingest) throw new Error('registerInjury must run after registerIngest');

  common(
    ingest
      .command('istv')
      .description('ED ISTV returns (.csv, .xlsx or .xml): assault date-time, method, location; no patient identifiers')
      .argument('<paths...>', 'files or directories')
      .option('--site <code>', 'ED site code for rows without a site_code column (e.g. the ODS site code)')
      .option('--period-start <date>', 'reporting period start, YYYY-MM-DD (default: from the file, else the records)')
      .option('--period-end <date>', 'reporting period end, YYYY-MM-DD')
      .option('--profile <file>', 'profile JSON mapping the ED’s column names and codes')
      .option('--codelists <file>', 'assault method and location type code lists (default SVO_ISTV_CODELISTS or codelists/istv.yaml)'),
  ).action(async (paths: string[], opts: CommonIngestOptions & { site?: string; periodStart?: string; periodEnd?: string; profile?: string; codelists?: string }) => {
    const { ingestIstv } = await import('../../ingest/istv/index.js');
    await withStore(global(), (store) =>
      run(opts.json, () =>
        ingestIstv(ingestContext(store), paths, {
          site: opts.site,
          periodStart: opts.periodStart,
          periodEnd: opts.periodEnd,
          profile: opts.profile,
          codelists: opts.codelists,
          maxRejectRate: rate(opts.maxRejectRate),
          rejectsPath: opts.rejects,
        }),
        { store, source: 'istv', paths },
      ),
    );
  });

  common(
    ingest
      .command('ambulance')
      .description('ambulance service assault-related calls (.csv, .xlsx or .xml): call time, location, category, conveyed')
      .argument('<paths...>', 'files or directories')
      .option('--profile <file>', 'profile JSON mapping the service’s column names and codes')
      .option('--agency <name>', 'the ambulance service (default: the profile’s agency, else "ambulance service")'),
  ).action(async (paths: string[], opts: CommonIngestOptions & { profile?: string; agency?: string }) => {
    const { ingestAmbulance } = await import('../../ingest/ambulance/index.js');
    await withStore(global(), (store) =>
      run(opts.json, () =>
        ingestAmbulance(ingestContext(store), paths, { profile: opts.profile, agency: opts.agency, maxRejectRate: rate(opts.maxRejectRate), rejectsPath: opts.rejects }),
        { store, source: 'ambulance', paths },
      ),
    );
  });

  common(
    ingest
      .command('places')
      .description('gazetteer of named places (venues, streets, landmarks) for matching free-text locations (.csv, .xlsx or .geojson)')
      .argument('<paths...>', 'files or directories'),
  ).action(async (paths: string[], opts: CommonIngestOptions) => {
    const { ingestPlaces } = await import('../../ingest/places/index.js');
    await withStore(global(), (store) => run(opts.json, () => ingestPlaces(ingestContext(store), paths, { maxRejectRate: rate(opts.maxRejectRate), rejectsPath: opts.rejects }), { store, source: 'places', paths }));
  });

  const places = program.command('places').description('the gazetteer and the matching of free-text locations to it');
  places
    .command('review')
    .description('list free-text locations waiting for review (below the confidence threshold, or unmatched), or confirm one so it is remembered')
    .option('--all', 'list every remembered text, not only those waiting')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--confirm <text>', 'the location text to decide (any spelling that normalises the same)')
    .option('--place <key or name>', 'with --confirm: the place it means')
    .option('--not-a-place', 'with --confirm: it names no particular place')
    .option('--format <format>', 'csv, json or table', 'table')
    .action(async (opts: { all?: boolean; limit: string; confirm?: string; place?: string; notAPlace?: boolean; format: string }) => {
      const { confirmMatch, placeMatchRate, reviewQueue } = await matching();
      await withStore(global(), async (store) => {
        if (opts.confirm !== undefined) {
          if (Boolean(opts.place) === Boolean(opts.notAPlace)) throw new UsageError('with --confirm give either --place <key or name> or --not-a-place');
          const decided = await store.transaction((tx) => confirmMatch(tx, opts.confirm!, opts.place ?? null, cliUser(), new Date()));
          terminal.note(decided.placeKey ? `'${decided.textKey}' is now ${decided.name} [${decided.placeKey}]` : `'${decided.textKey}' now names no place`);
          return;
        }
        if (opts.place || opts.notAPlace) throw new UsageError('--place and --not-a-place go with --confirm <text>');
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number, got '${opts.limit}'`);
        const rows = await reviewQueue(store, { limit, all: Boolean(opts.all) });
        const columns = ['records', 'status', 'example', 'best_place', 'best_name', 'best_score', 'other_candidates'];
        const istv = await placeMatchRate(store, 'istv');
        printResult(opts.format, { columns, rows: rows as unknown as Record<string, unknown>[], caveats: [] }, [
          `ISTV locations: ${istv.matched} of ${istv.described} matched (${pct(istv.matchRate)}; ${pct(istv.matchRateOfPlaces)} of those naming a place), ${istv.review + istv.unmatched} waiting for review`,
          "confirm with: svo places review --confirm '<text>' --place <key>   (or --not-a-place)",
        ]);
      });
    });

  program
    .command('hidden-violence')
    .description('ED assaults vs police-recorded violence with injury by area and period: the share unknown to police (an estimate, not record linkage)')
    .option('--period <period>', 'month, quarter, year (default), financial_year or all')
    .option('--area <level>', 'none (default), lsoa, msoa, lad or csp')
    .option('--from <period>', 'first period (default: the first month of ISTV data)')
    .option('--to <period>', 'last period (default: the last month of ISTV data)')
    .option('--ed-attendance-share <f>', 'assumed share of police-recorded violence with injury seen at the EDs (default 1: the ED-only share is then a lower bound)')
    .option('--venues', 'compare each matched venue with police violence near it, instead of areas')
    .option('--venue-radius <metres>', 'with --venues: police violence within this distance counts (default 50)')
    .option('--format <format>', 'csv, json or table', 'csv')
    .action(async (opts: { period?: string; area?: string; from?: string; to?: string; edAttendanceShare?: string; venues?: boolean; venueRadius?: string; format: string }) => {
      const input: Record<string, unknown> = {};
      if (opts.period) input.period = opts.period;
      if (opts.area) input.area = opts.area;
      if (opts.from) input.from = opts.from;
      if (opts.to) input.to = opts.to;
      if (opts.edAttendanceShare !== undefined) input.edAttendanceShare = number('--ed-attendance-share', opts.edAttendanceShare);
      if (opts.venues) input.venues = true;
      if (opts.venueRadius !== undefined) input.venueRadius = number('--venue-radius', opts.venueRadius);
      const { runHiddenViolence } = await analyses();
      await withStore(global(), async (store) => {
        const result = await runHiddenViolence(store, input);
        const t = result.total;
        const summary = `all areas ${t.from} – ${t.to}: ${t.ed_assaults} ED assaults, ${t.police_violence_with_injury} police-recorded violence with injury; ED-only share ≥ ${pct(t.ed_only_share_min)}, estimated ${pct(t.ed_only_share)}`;
        if (checkFormat(opts.format) === 'json') return printResult('json', result);
        if (opts.venues) printResult(opts.format, { columns: result.venueColumns ?? [], rows: result.venues ?? [], caveats: result.caveats }, [summary]);
        else printResult(opts.format, result, [summary]);
      });
    });

  program
    .command('venues')
    .description('top venues and streets by ED assaults, with trend and rank change against the previous period (for the injury-surveillance taskforce)')
    .option('--from <period>', 'first period ranked (default: three months ending --to)')
    .option('--to <period>', 'last period ranked (default: the last month of ISTV data)')
    .option('--kind <kind>', 'venues, streets or all (default)')
    .option('--limit <n>', 'at most this many (default 20)')
    .option('--format <format>', 'csv, json or table', 'csv')
    .action(async (opts: { from?: string; to?: string; kind?: string; limit?: string; format: string }) => {
      const input: Record<string, unknown> = {};
      if (opts.from) input.from = opts.from;
      if (opts.to) input.to = opts.to;
      if (opts.kind) input.kind = opts.kind;
      if (opts.limit !== undefined) input.limit = number('--limit', opts.limit);
      const { runVenueRanking } = await analyses();
      await withStore(global(), async (store) => printResult(opts.format, await runVenueRanking(store, input)));
    });

  const injury = program.command('injury').description('further injury-surveillance analyses of ED ISTV data');
  injury
    .command('nte')
    .description('assaults per hour inside a weekly night-time-economy window vs outside it (by assault time)')
    .option('--window <window>', "days and hours, e.g. 'Fri-Sat 20:00-04:00' (default) or 'Fri,Sat 21:00-03:00; Thu 22:00-02:00'")
    .option('--by <dimension>', 'none (default), assault_location_type, assault_method, place, age_band or sex')
    .option('--from <period>', 'first period')
    .option('--to <period>', 'last period')
    .option('--format <format>', 'csv, json or table', 'csv')
    .action(async (opts: { window?: string; by?: string; from?: string; to?: string; format: string }) => {
      const input: Record<string, unknown> = {};
      if (opts.window) input.window = opts.window;
      if (opts.by) input.by = opts.by;
      if (opts.from) input.from = opts.from;
      if (opts.to) input.to = opts.to;
      const { runNteComparison } = await analyses();
      await withStore(global(), async (store) => printResult(opts.format, await runNteComparison(store, input)));
    });
  injury
    .command('sharp')
    .description('Home Office success measure 1 proxy: monthly ED assaults with a knife or sharp object, all ages and under 25')
    .option('--from <period>', 'first period')
    .option('--to <period>', 'last period')
    .option('--per <n>', 'rates per 1000 or 100000 (default) residents')
    .option('--codelists <file>', 'code lists whose `sharp` methods count (default SVO_ISTV_CODELISTS or codelists/istv.yaml)')
    .option('--format <format>', 'csv, json or table', 'csv')
    .action(async (opts: { from?: string; to?: string; per?: string; codelists?: string; format: string }) => {
      const input: Record<string, unknown> = {};
      if (opts.from) input.from = opts.from;
      if (opts.to) input.to = opts.to;
      if (opts.per !== undefined) input.per = number('--per', opts.per.replace(/,/g, ''));
      const [{ runSharpInjury }, { loadIstvCodes }] = await Promise.all([analyses(), import('../../ingest/istv/codelists.js')]);
      const codes = loadIstvCodes(opts.codelists);
      await withStore(global(), async (store) => printResult(opts.format, await runSharpInjury(store, input, codes)));
    });
}
