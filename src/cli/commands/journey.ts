import type { Command } from 'commander';
import { JOURNEY_COLUMNS, runJourney } from '../../analysis/journey.js';
import { withStore, type GlobalOptions } from '../context.js';
import { checkFormat, formatRows, terminal } from '../output.js';
import { addQueryOptions, filtersFromOptions, writeNotes, type QueryOptions } from './query.js';

interface JourneyCliOptions extends QueryOptions {
  band?: string;
  bands?: string;
}

const metres = (m: number | null) => (m === null ? '—' : `${Math.round(m).toLocaleString('en-GB')} m`);
const percent = (s: { count: number; of: number; share: number | null }) =>
  s.share === null ? 'not known' : `${(100 * s.share).toFixed(1)}% (${s.count.toLocaleString('en-GB')} of ${s.of.toLocaleString('en-GB')})`;

export function registerJourney(program: Command, global: () => GlobalOptions): void {
  addQueryOptions(
    program
      .command('journey')
      .description('journey to crime: distance from each offender’s home LSOA (centroid) to the offence, by distance band, with the median and the share offending in their home LSOA/LAD')
      .option('--band <metres>', 'width of each distance band, whole metres (default 1000)')
      .option('--bands <n>', 'number of distance bands before "beyond" (default 10)'),
    false,
  ).action(async (opts: JourneyCliOptions) => {
    const format = checkFormat(opts.format);
    const input: Record<string, unknown> = filtersFromOptions(opts);
    if (opts.band !== undefined) input.band = opts.band;
    if (opts.bands !== undefined) input.bands = opts.bands;
    await withStore(global(), async (store) => {
      const result = await runJourney(store, input);
      if (format === 'json') {
        terminal.data(JSON.stringify(result, null, 2));
        return;
      }
      terminal.data(formatRows(result.rows, JOURNEY_COLUMNS, format));
      const s = result.summary;
      terminal.note(
        `journeys measured: ${s.withDistance.toLocaleString('en-GB')} of ${s.offenders.toLocaleString('en-GB')} offenders; median ${metres(s.medianM)} (quartiles ${metres(s.lowerQuartileM)}–${metres(s.upperQuartileM)}), mean ${metres(s.meanM)}`,
      );
      terminal.note(`offending in their home LSOA: ${percent(s.sameLsoa)}; in their home local authority district: ${percent(s.sameLad)}`);
      writeNotes(result);
    });
  });
}
