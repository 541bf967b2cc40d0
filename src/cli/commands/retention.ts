import type { Command } from 'commander';
import { applyRetention } from '../../security/retention.js';
import { cliUser, withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal } from '../output.js';

export function registerRetention(program: Command, global: () => GlobalOptions): void {
  const retention = program.command('retention').description("delete records past their data-sharing agreement's retention period");
  retention
    .command('apply')
    .description('delete incidents (with their people and classifications) and stored rejected rows older than each agreement allows; audited')
    .option('--dry-run', 'only count what would be deleted')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { dryRun?: boolean; format: 'table' | 'csv' | 'json' }) => {
      await withStore(global(), async (store) => {
        const lines = await applyRetention(store, { dryRun: Boolean(opts.dryRun), actor: `cli:${cliUser()}` });
        const rows = lines.map((l) => ({ agreement: l.agreement, agency: l.agency, source: l.source, retention_days: l.retentionDays, before: l.before, incidents: l.incidents, people: l.people, rejected_rows: l.rejects }));
        terminal.data(formatRows(rows, ['agreement', 'agency', 'source', 'retention_days', 'before', 'incidents', 'people', 'rejected_rows'], opts.format));
        const total = lines.reduce((n, l) => n + l.incidents, 0);
        const rejects = lines.reduce((n, l) => n + l.rejects, 0);
        const what = `${total} incident(s) and ${rejects} stored rejected row(s)`;
        terminal.note(opts.dryRun ? `dry run: ${what} would be deleted` : `deleted ${what} past retention`);
        if (!lines.length) terminal.note('no agreements registered: nothing has a retention period');
      });
    });
}
