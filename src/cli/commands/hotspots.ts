import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { runEmerging, runHotspots, runStability, toGeoJson } from '../../analysis/hotspots.js';
import { withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal, type Format } from '../output.js';
import { addQueryOptions, querySpecFromOptions, type QueryOptions } from './query.js';

interface HotspotCliOptions extends QueryOptions {
  method?: string;
  unit?: string;
  cell?: string;
  weights?: string;
  fdr?: boolean;
  bandwidth?: string;
  top?: string;
}

type HotspotFormat = Format | 'geojson';

function checkHotspotFormat(format: string, geojson: boolean): HotspotFormat {
  const allowed = geojson ? ['csv', 'geojson', 'json', 'table'] : ['csv', 'json', 'table'];
  if (!allowed.includes(format)) throw new UsageError(`--format must be ${allowed.join(', ')}, got '${format}'`);
  return format as HotspotFormat;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/,/g, ''));
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${value}'`);
  return n;
}

/** The shared flags: the query filters (no --by) plus the unit and weights. */
function addHotspotOptions(command: Command, { kde }: { kde: boolean }): Command {
  if (kde) command.option('--method <method>', 'gistar (Getis-Ord Gi*, default) or kde (quartic kernel density)');
  command
    .option('--unit <unit>', kde ? 'lsoa (default for gistar), msoa or grid (the unit of kde)' : 'lsoa (default), msoa or grid')
    .option('--cell <metres>', 'grid cell size in metres (default 250)')
    .option('--weights <weights>', 'neighbours: queen (default), rook, distance:<metres> or knn:<k>')
    .option('--fdr', 'classify by Benjamini–Hochberg FDR-adjusted p-values');
  if (kde) {
    command
      .option('--bandwidth <metres>', 'kde: search radius in metres (required for kde)')
      .option('--top <percent>', 'kde: flag the top n% of the study area’s cells (default 5)');
  }
  addQueryOptions(command, false);
  // addQueryOptions describes the query layer's measures and formats; hotspots have their own.
  for (const option of command.options) {
    if (option.long === '--measure') option.description = 'count (default) or rate (per --per population; lsoa and msoa only)';
    if (option.long === '--format') option.description = 'csv (default), json or table, or geojson (WGS84 polygons) where there are polygons';
  }
  return command;
}

function hotspotInput(opts: HotspotCliOptions): Record<string, unknown> {
  const input: Record<string, unknown> = querySpecFromOptions(opts);
  delete input.by;
  delete input.measure;
  if (opts.measure !== undefined) input.measure = opts.measure;
  if (opts.method !== undefined) input.method = opts.method;
  if (opts.unit !== undefined) input.unit = opts.unit;
  if (opts.weights !== undefined) input.weights = opts.weights;
  if (opts.fdr) input.fdr = true;
  const cell = number('--cell', opts.cell);
  if (cell !== undefined) input.cell = cell;
  const bandwidth = number('--bandwidth', opts.bandwidth);
  if (bandwidth !== undefined) input.bandwidth = bandwidth;
  const top = number('--top', opts.top);
  if (top !== undefined) input.top = top;
  return input;
}

/** `2021` or `2021-01..2021-06` → {from, to}. */
function periodRange(flag: string, text: string | undefined): { from: string; to: string } {
  if (!text) throw new UsageError(`${flag} is required`, `e.g. ${flag} 2021 or ${flag} 2021-01..2021-06`);
  const [from, to, ...rest] = text.split('..').map((p) => p.trim());
  if (!from || rest.length > 0 || to === '') throw new UsageError(`${flag} '${text}' is not a period or a range from..to`, `e.g. ${flag} 2021 or ${flag} 2021-01..2021-06`);
  return { from, to: to ?? from };
}

function print(rows: Record<string, unknown>[], columns: readonly string[], format: Format, notes: { definition: { id: string; version: number } | null; caveats: string[] }) {
  terminal.data(formatRows(rows as Record<string, string | number | boolean | null>[], columns, format));
  if (notes.definition) terminal.note(`definition: ${notes.definition.id} v${notes.definition.version}`);
  for (const caveat of notes.caveats) terminal.note(`note: ${caveat}`);
}

/** Rows with polygons: GeoJSON, JSON without the polygons, or a table / CSV. */
function printMapped(result: Parameters<typeof toGeoJson>[0] & { columns: { name: string }[]; definition: { id: string; version: number } | null }, format: HotspotFormat) {
  if (format === 'geojson') {
    terminal.data(JSON.stringify(toGeoJson(result)));
    for (const caveat of result.caveats) terminal.note(`note: ${caveat}`);
  } else if (format === 'json') {
    const { geometries: _geometries, ...rest } = result;
    terminal.data(JSON.stringify(rest, null, 2));
  } else {
    print(result.rows, result.columns.map((c) => c.name), format, result);
  }
}

export function registerHotspots(program: Command, global: () => GlobalOptions): void {
  addHotspotOptions(
    program
      .command('hotspots')
      .description('hotspots: Getis-Ord Gi* per LSOA, MSOA or grid cell (counts or rates), or quartic kernel density on a grid'),
    { kde: true },
  ).action(async (opts: HotspotCliOptions) => {
    const format = checkHotspotFormat(opts.format, true);
    const input = hotspotInput(opts);
    await withStore(global(), async (store) => {
      printMapped(await runHotspots(store, input), format);
    });
  });

  addHotspotOptions(
    program
      .command('hotspot-stability')
      .description('hotspot stability: hotspots of the first period, their PAI in both periods and the RRI between them')
      .option('--first <period>', 'the period the hotspots are found in: a period or from..to (e.g. 2021 or 2021-01..2021-06)')
      .option('--second <period>', 'the period they are tested on')
      .option('--level <percent>', 'gistar: lowest hotspot class counted, 90, 95 (default) or 99'),
    { kde: true },
  ).action(async (opts: HotspotCliOptions & { first?: string; second?: string; level?: string }) => {
    const format = checkHotspotFormat(opts.format, false) as Format;
    if (opts.from !== undefined || opts.to !== undefined) throw new UsageError('use --first and --second instead of --from/--to');
    const input = { ...hotspotInput(opts), first: periodRange('--first', opts.first), second: periodRange('--second', opts.second) } as Record<string, unknown>;
    const level = number('--level', opts.level);
    if (level !== undefined) input.level = level;
    await withStore(global(), async (store) => {
      const result = await runStability(store, input);
      if (format === 'json') terminal.data(JSON.stringify(result, null, 2));
      else print(result.rows, result.columns.map((c) => c.name), format, result);
    });
  });

  addHotspotOptions(
    program
      .command('emerging-hotspots')
      .description('emerging hot spots: Gi* in each period and the Mann–Kendall trend → new, consecutive, intensifying, persistent, diminishing, oscillating, historical, sporadic or no pattern')
      .option('--step <step>', 'time step: month (default), quarter or year')
      .option('--alpha <p>', 'significance level for hot/cold spots and the trend (default 0.05)'),
    { kde: false },
  ).action(async (opts: HotspotCliOptions & { step?: string; alpha?: string }) => {
    const format = checkHotspotFormat(opts.format, true);
    const input = hotspotInput(opts);
    if (opts.step !== undefined) input.step = opts.step;
    const alpha = number('--alpha', opts.alpha);
    if (alpha !== undefined) input.alpha = alpha;
    await withStore(global(), async (store) => {
      printMapped(await runEmerging(store, input), format);
    });
  });
}
