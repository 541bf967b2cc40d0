import type { Command } from 'commander';
import { NNI_COLUMNS, runNni } from '../../analysis/nni.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';
import { addQueryOptions, filtersFromOptions, writeNotes, type QueryOptions } from './query.js';

interface NniCliOptions extends QueryOptions {
  area?: string;
}

export function registerNni(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('nni')
      .description('Nearest Neighbour Index (Clark–Evans): are the incidents more clustered or dispersed than random in the study area?')
      .option('--area <method>', 'study area: boundaries (loaded LSOA boundaries of the area filters, default), hull (convex hull of the points) or bbox'),
    false,
  ).action(async (opts: NniCliOptions) => {
    const format = checkFormat(opts.format);
    const input: Record<string, unknown> = filtersFromOptions(opts);
    if (opts.area !== undefined) input.area = opts.area;
    await withStore(global(), async (store) => {
      const result = await runNni(store, input);
      if (format === 'json') {
        terminal.data(JSON.stringify(result, null, 2));
        return;
      }
      terminal.data(formatRows(result.rows, NNI_COLUMNS, format));
      terminal.note(`area: ${result.areaDescription}`);
      writeNotes(result);
    });
  });
}
