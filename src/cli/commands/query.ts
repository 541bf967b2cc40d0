import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { runQuery } from '../../query/run.js';
import { runDisclosedQuery } from '../../security/disclosed-query.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';

export interface QueryOptions {
  measure?: string;
  per?: string;
  source?: string;
  definition?: string;
  allCrime?: boolean;
  from?: string;
  to?: string;
  where: string[];
  by?: string;
  format: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--where k=v[,v]` (repeatable; the same key twice adds values) → the spec's `where`. */
export function parseWhereOptions(items: readonly string[]): Record<string, string[]> {
  const where: Record<string, string[]> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where '${item}' is not key=value`, 'e.g. --where crime_type=Robbery,Burglary');
    const key = item.slice(0, eq).trim();
    const values = item.slice(eq + 1).split(',').map((v) => v.trim());
    where[key] = [...(where[key] ?? []), ...values];
  }
  return where;
}

/** The CLI options → the query spec input (validated by `parseQuerySpec`). */
export function querySpecFromOptions(opts: QueryOptions): Record<string, unknown> {
  const spec: Record<string, unknown> = { where: parseWhereOptions(opts.where), allCrime: opts.allCrime ?? false };
  if (opts.measure !== undefined) spec.measure = opts.measure;
  if (opts.source !== undefined) spec.source = opts.source;
  if (opts.per !== undefined) spec.per = opts.per.replace(/,/g, '');
  if (opts.definition !== undefined) spec.definition = opts.definition;
  if (opts.from !== undefined) spec.from = opts.from;
  if (opts.to !== undefined) spec.to = opts.to;
  spec.by = opts.by ? opts.by.split(',').map((b) => b.trim()).filter((b) => b !== '') : [];
  return spec;
}

/** The query-spec part of an analysis command's options: filters only, each analysis sets its own breakdowns. */
export function filtersFromOptions(opts: QueryOptions): Record<string, unknown> {
  const input = querySpecFromOptions(opts);
  delete input.by;
  return input;
}

/** Writes the definition and caveats of a result as notes (stderr), after its data. */
export function writeNotes(result: { definition: { id: string; version: number } | null; caveats: readonly string[] }): void {
  if (result.definition) terminal.note(`definition: ${result.definition.id} v${result.definition.version}`);
  for (const caveat of result.caveats) terminal.note(`note: ${caveat}`);
}

/** The flags of the query specification, shared by `svo query` and the analyses built on it. */
export function addQueryOptions(command: Command, breakdowns = true): Command {
  command
    .option('--measure <measure>', 'incidents (default), victims, offenders (one per person per incident) or rate (incidents per population)')
    .option('--per <n>', 'rate per 1000 (default) or 100000 population')
    .option('--source <source>', 'police (record-level, default) or police-uk (data.police.uk street-level)')
    .option('--definition <id>', 'serious-violence definition id (default: the default definition, latest version)')
    .option('--all-crime', 'count every incident, ignoring the definition')
    .option('--from <period>', 'first period included (YYYY, YYYY-MM, YYYY-MM-DD, YYYYQn, FYyyyy/yy)')
    .option('--to <period>', 'last period included')
    .option('--where <key=value[,value]>', 'filter on a dimension; repeatable; empty value = missing', collect, []);
  if (breakdowns) command.option('--by <dimensions>', 'breakdowns, comma-separated, at most three (e.g. month,crime_type)');
  return command.option('--format <format>', 'csv, json or table', 'csv');
}


export function registerQuery(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('query')
      .description('count incidents, victims or offenders, or rates, by up to three breakdowns, with filters (the same query spec as POST /api/query)'),
  )
    .option('--disclosure-control', 'apply disclosure control as for viewers and the public (1–7 as *, rounding to 5, secondary suppression)')
    .action(async (opts: QueryOptions & { disclosureControl?: boolean }) => {
      const format = checkFormat(opts.format);
      const input = querySpecFromOptions(opts);
      await withStore(global(), async (store) => {
        const result = opts.disclosureControl ? await runDisclosedQuery(store, input) : await runQuery(store, input);
        if (format === 'json') {
          terminal.data(JSON.stringify(result, null, 2));
        } else {
          terminal.data(formatRows(result.rows, result.columns.map((c) => c.name), format));
          if (result.definition) terminal.note(`definition: ${result.definition.id} v${result.definition.version}`);
          for (const caveat of result.caveats) terminal.note(`note: ${caveat}`);
        }
      });
    });
}
