/**
 * `svo report weekly|monthly|quarterly|sna|istv --period … --out file.pdf --out file.xlsx …`: builds
 * the pack once and writes each output (format from the extension). Prints the files written and the
 * time taken; `--json` adds a summary as the last line of stdout.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { Circulation, ReportKind } from '../../present/report/model.js';
import { reportPeriod } from '../../present/report/period.js';
import { withStore, type GlobalOptions } from '../context.js';
import { terminal } from '../output.js';

const KINDS: readonly ReportKind[] = ['weekly', 'monthly', 'quarterly', 'sna', 'istv'];
const CIRCULATIONS: readonly Circulation[] = ['internal', 'partner', 'public'];

interface ReportCliOptions {
  period?: string;
  year?: string;
  area?: string;
  definition?: string;
  source: string;
  circulation: string;
  baseline?: string;
  out: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerReport(program: Command, global: () => GlobalOptions): void {
  program
    .command('report')
    .description('performance packs: weekly, monthly, quarterly (Board), sna, istv — PDF, HTML and XLSX from one build')
    .argument('<kind>', `pack: ${KINDS.join(', ')}`)
    .option('--period <period>', 'weekly 2021-W27, monthly 2021-07, quarterly 2021Q3, istv 2021-07, sna 2021')
    .option('--year <year>', 'the year of an SNA pack (same as --period)')
    .option('--area <code>', 'a local authority (LAD) or community safety partnership (CSP) code (default: the whole area)')
    .option('--definition <id>', 'serious-violence definition id (default: the default definition)')
    .option('--source <source>', 'police (record-level) or police-uk (data.police.uk, area-level proxy)', 'police')
    .option('--circulation <who>', 'internal (no suppression), partner or public (disclosure control applied)', 'internal')
    .option('--baseline <period>', 'baseline period, e.g. FY2019/20 (default: the first complete financial year of data)')
    .option('--out <file>', 'output file: .pdf, .html or .xlsx (repeat for several)', collect, [])
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (kindText: string, opts: ReportCliOptions) => {
      const kind = kindText.toLowerCase() as ReportKind;
      if (!KINDS.includes(kind)) throw new UsageError(`unknown report '${kindText}'`, `reports: ${KINDS.join(', ')}`);
      const period = opts.period ?? opts.year;
      if (!period) throw new UsageError(`svo report ${kind} needs --period${kind === 'sna' ? ' (or --year)' : ''}`);
      if (kind !== 'sna' && kind !== 'istv') reportPeriod(kind, period); // a clear error before opening the store
      if (opts.source !== 'police' && opts.source !== 'police-uk') throw new UsageError(`--source must be police or police-uk, got '${opts.source}'`);
      if (!CIRCULATIONS.includes(opts.circulation as Circulation)) throw new UsageError(`--circulation must be one of ${CIRCULATIONS.join(', ')}, got '${opts.circulation}'`);
      if (opts.out.length === 0) throw new UsageError('give at least one --out <file.pdf|file.html|file.xlsx>');
      // Loaded on use: the report machinery (ECharts, ExcelJS, playwright) would slow every other command's start.
      const { formatOf, generateReport } = await import('../../present/report/generate.js');
      opts.out.forEach(formatOf);
      await withStore(global(), async (store) => {
        const { files, timings, document } = await generateReport(
          store,
          {
            kind,
            period,
            area: opts.area ?? null,
            definition: opts.definition ?? null,
            source: opts.source as 'police' | 'police-uk',
            circulation: opts.circulation as Circulation,
            now: new Date(),
            baseline: opts.baseline ?? null,
          },
          opts.out,
        );
        for (const f of files) terminal.note(`wrote ${f.path} (${f.format}, ${f.bytes.toLocaleString('en-GB')} bytes${f.pages !== undefined ? `, ${f.pages} pages` : ''})`);
        const { title, periodLabel } = document.meta;
        terminal.note(`${title.includes(periodLabel) ? title : `${title}, ${periodLabel}`}: built in ${(timings.documentMs / 1000).toFixed(2)} s, ${(timings.totalMs / 1000).toFixed(2)} s in all`);
        if (opts.json) {
          terminal.data(JSON.stringify({ kind, period: document.meta.periodLabel, from: document.meta.from, to: document.meta.to, circulation: document.meta.circulation, files, seconds: Number((timings.totalMs / 1000).toFixed(3)), documentSeconds: Number((timings.documentMs / 1000).toFixed(3)) }));
        }
      });
    });
}
