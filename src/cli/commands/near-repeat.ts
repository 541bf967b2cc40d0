import type { Command } from 'commander';
import { nearRepeatMatrix, runNearRepeat, NEAR_REPEAT_COLUMNS } from '../../analysis/near-repeat.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';
import { addQueryOptions, filtersFromOptions, writeNotes, type QueryOptions } from './query.js';

interface NearRepeatCliOptions extends QueryOptions {
  spatialBand: string;
  spatialBands: string;
  temporalBand: string;
  temporalBands: string;
  distance?: string;
  permutations?: string;
  seed?: string;
}

export function registerNearRepeat(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('near-repeat')
      .description('near-repeat (Knox) test: are incidents close in space also close in time, more than chance? (Monte Carlo, dates permuted over locations)')
      .requiredOption('--spatial-band <metres>', 'width of each spatial band, whole metres (British National Grid distance)')
      .requiredOption('--spatial-bands <n>', 'number of spatial bands after "same location"')
      .requiredOption('--temporal-band <days>', 'width of each temporal band, whole days')
      .requiredOption('--temporal-bands <n>', 'number of temporal bands')
      .option('--distance <metric>', 'euclidean (default) or manhattan')
      .option('--permutations <n>', 'Monte Carlo permutations (default 999)')
      .option('--seed <n>', 'seed of the permutations (default 1): the same seed gives the same table'),
    false,
  ).action(async (opts: NearRepeatCliOptions) => {
    const format = checkFormat(opts.format);
    const input: Record<string, unknown> = {
      ...filtersFromOptions(opts),
      spatialBand: opts.spatialBand,
      spatialBands: opts.spatialBands,
      temporalBand: opts.temporalBand,
      temporalBands: opts.temporalBands,
    };
    if (opts.distance !== undefined) input.distance = opts.distance;
    if (opts.permutations !== undefined) input.permutations = opts.permutations;
    if (opts.seed !== undefined) input.seed = opts.seed;
    await withStore(global(), async (store) => {
      const result = await runNearRepeat(store, input);
      if (format === 'json') {
        terminal.data(JSON.stringify(result, null, 2));
        return;
      }
      if (format === 'table') {
        const matrix = nearRepeatMatrix(result);
        terminal.data(`Knox ratio (p-value): rows are distances between incidents, columns days between them\n${formatRows(matrix.rows, matrix.columns, 'table')}`);
      } else {
        terminal.data(formatRows(result.rows, NEAR_REPEAT_COLUMNS, format));
      }
      writeNotes(result);
    });
  });
}
