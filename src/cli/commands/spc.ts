import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { runSpc, SPC_COLUMNS } from '../../analysis/spc.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';
import { addQueryOptions, querySpecFromOptions, type QueryOptions } from './query.js';

interface SpcCliOptions extends QueryOptions {
  rebase?: string;
  screening: boolean;
  improvement?: string;
  target?: string;
}

export function registerSpc(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('spc')
      .description('statistical process control (NHS Making Data Count XmR chart) of the monthly series of a query')
      .option('--rebase <months>', 'months (YYYY-MM, comma-separated) from which to recalculate the mean and limits')
      .option('--no-screening', 'keep moving ranges ≥ 3.267 × their mean when setting the limits')
      .option('--improvement <direction>', 'which way is better: decrease (default, violence) or increase')
      .option('--target <n>', 'a target value, for the assurance verdict'),
    false,
  ).action(async (opts: SpcCliOptions) => {
    const format = checkFormat(opts.format);
    const input: Record<string, unknown> = { ...querySpecFromOptions(opts), screening: opts.screening };
    delete input.by;
    if (opts.rebase) input.rebase = opts.rebase.split(',').map((m) => m.trim());
    if (opts.improvement) input.improvement = opts.improvement;
    if (opts.target !== undefined) {
      const target = Number(opts.target);
      if (!Number.isFinite(target)) throw new UsageError(`--target must be a number, got '${opts.target}'`);
      input.target = target;
    }
    await withStore(global(), async (store) => {
      const result = await runSpc(store, input);
      if (format === 'json') {
        terminal.data(JSON.stringify(result, null, 2));
        return;
      }
      terminal.data(formatRows(result.rows, SPC_COLUMNS, format));
      if (result.definition) terminal.note(`definition: ${result.definition.id} v${result.definition.version}`);
      if (result.assurance) terminal.note(`assurance against target ${result.options.target}: ${result.assurance.replaceAll('_', ' ')}`);
      for (const caveat of result.caveats) terminal.note(`note: ${caveat}`);
    });
  });
}
