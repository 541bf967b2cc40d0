/**
 * The analyses built on the query specification: trends, Home Office success measures, people
 * (profiles and repeats), areas (funnel limits) and deprivation. Each takes the same filters as
 * `svo query` and prints CSV, a table or the full JSON the API returns.
 */
import type { Command } from 'commander';
import { runTrends } from '../../analysis/trends.js';
import { runMeasures, MEASURE_COLUMNS } from '../../analysis/measures.js';
import { runPeople } from '../../analysis/people.js';
import { runAreas, runDeprivation, AREA_COLUMNS } from '../../analysis/places.js';
import type { Cell } from '../../query/build.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal, type Format } from '../output.js';
import { addQueryOptions, filtersFromOptions, querySpecFromOptions, writeNotes, type QueryOptions } from './query.js';

interface Printed {
  definition: { id: string; version: number } | null;
  caveats: string[];
}

/** Rows as CSV/table (or the whole result as JSON), then the definition, extra lines and caveats on stderr. */
function print(format: Format, result: Printed, rows: readonly Record<string, Cell>[], columns: readonly string[], notes: string[] = []): void {
  if (format === 'json') {
    terminal.data(JSON.stringify(result, null, 2));
    return;
  }
  terminal.data(formatRows(rows, columns, format));
  for (const line of notes) terminal.note(line);
  writeNotes(result);
}

export function registerAnalyses(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('trends')
      .description('the current period against the same period a year earlier and a baseline: rate ratios with 95% CIs and verdicts')
      .option('--period <period>', 'the period to assess (default: the latest 12 months with data)')
      .option('--baseline <period>', 'a baseline period to compare with, e.g. FY2019/20')
      .option('--series', 'print the monthly series with rolling 12-month totals instead of the comparisons'),
  ).action(async (opts: QueryOptions & { period?: string; baseline?: string; series?: boolean }) => {
    const format = checkFormat(opts.format);
    const input = { ...querySpecFromOptions(opts), ...(opts.period ? { period: opts.period } : {}), ...(opts.baseline ? { baseline: opts.baseline } : {}) };
    await withStore(global(), async (store) => {
      const result = await runTrends(store, input);
      const group = result.spec.by[0];
      const label = (rows: readonly Record<string, unknown>[]) => rows.map(({ group: g, ...rest }) => (group ? { [group]: g, ...rest } : rest) as Record<string, Cell>);
      if (opts.series) {
        print(format, result, label(result.series as unknown as Record<string, unknown>[]), [...(group ? [group] : []), 'month', 'count', 'rolling_12m']);
      } else {
        print(format, result, label(result.comparisons as unknown as Record<string, unknown>[]), result.columns.map((c) => c.name), [`period: ${result.period.label} (${result.period.from} to ${result.period.to})`]);
      }
    });
  });

  program
    .command('measures')
    .description('Home Office VRU success measures (knife-enabled serious violence, non-domestic homicide; hospital admissions when loaded) against a baseline')
    .option('--definition <id>', 'serious-violence definition id (default: the default definition)')
    .option('--period <period>', 'the period to assess (default: the latest 12 months with data)')
    .option('--baseline <period>', 'baseline period, e.g. FY2019/20')
    .option('--format <format>', 'csv, json or table', 'csv')
    .action(async (opts: { definition?: string; period?: string; baseline?: string; format: string }) => {
      const format = checkFormat(opts.format);
      const { format: _f, ...input } = opts;
      await withStore(global(), async (store) => {
        const result = await runMeasures(store, input);
        print(format, result, result.rows as unknown as Record<string, Cell>[], MEASURE_COLUMNS);
      });
    });

  addQueryOptions(
    program
      .command('people')
      .description('age band × sex profile of victims or offenders, and repeat victimisation / offending (no identities shown)')
      .option('--role <role>', 'victims (default) or offenders')
      .option('--repeat', 'print how many people were seen once, twice, … instead of the profile'),
    false,
  ).action(async (opts: QueryOptions & { role?: string; repeat?: boolean }) => {
    const format = checkFormat(opts.format);
    const input = filtersFromOptions(opts);
    delete input.measure;
    if (opts.role) input.role = opts.role;
    await withStore(global(), async (store) => {
      const result = await runPeople(store, input);
      const r = result.repeat;
      const summary = [
        `${r.people} identified ${result.role}; ${r.repeat_incidents} of ${r.incidents} incidents (${r.repeat_share === null ? '—' : `${(r.repeat_share * 100).toFixed(1)}%`}) involve someone seen in two or more`,
      ];
      if (opts.repeat) print(format, result, r.times_seen, ['band', 'people'], summary);
      else print(format, result, result.profile, Object.keys(result.profile[0] ?? {}), summary);
    });
  });

  addQueryOptions(
    program
      .command('areas')
      .description('rates by area with funnel-plot limits (95%, 99.8%) around the overall rate, highest rate first')
      .option('--unit <unit>', 'lsoa, msoa, lad (default) or csp'),
    false,
  ).action(async (opts: QueryOptions & { unit?: string }) => {
    const format = checkFormat(opts.format);
    const input = filtersFromOptions(opts);
    delete input.measure;
    if (opts.unit) input.unit = opts.unit;
    await withStore(global(), async (store) => {
      const result = await runAreas(store, input);
      const o = result.overall;
      print(format, result, result.rows as unknown as Record<string, Cell>[], AREA_COLUMNS, [`overall: ${o.count} in a population of ${o.population}, rate ${o.rate.toFixed(2)} per ${result.spec.per}`]);
    });
  });

  addQueryOptions(
    program.command('deprivation').description('rates by IMD decile (1 = most deprived) with 95% CIs, and the most/least deprived rate ratio'),
    false,
  ).action(async (opts: QueryOptions) => {
    const format = checkFormat(opts.format);
    const input = filtersFromOptions(opts);
    delete input.measure;
    await withStore(global(), async (store) => {
      const result = await runDeprivation(store, input);
      const share = result.share_most_deprived_decile;
      print(format, result, result.rows, ['imd_decile', 'count', 'population', 'rate', 'rate_lower', 'rate_upper'], [
        result.ratio.sentence,
        ...(share === null ? [] : [`${(share * 100).toFixed(1)}% in the most deprived decile, ${((result.share_most_deprived_quintile ?? 0) * 100).toFixed(1)}% in the most deprived fifth`]),
      ]);
    });
  });
}
