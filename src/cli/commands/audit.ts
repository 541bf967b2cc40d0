import type { Command } from 'commander';
import { SvoError, UsageError } from '../../core/errors.js';
import { listAudit, verifyAudit } from '../../security/audit.js';
import { withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal, type Format } from '../output.js';

/** Exit code of `svo audit verify` when the chain is broken. */
export const AUDIT_BROKEN_EXIT = 5;

export function registerAudit(program: Command, global: () => GlobalOptions): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute every hash: exit 0 when the chain is intact, otherwise name the first broken entry')
    .action(async () => {
      await withStore(global(), async (store) => {
        const result = await verifyAudit(store);
        if (!result.ok) {
          const b = result.firstBroken!;
          throw new SvoError(`audit log broken at entry ${b.seq}: ${b.reason}`, AUDIT_BROKEN_EXIT, 'entries from there on cannot be trusted; restore the database from a backup and compare');
        }
        terminal.note(`audit log intact: ${result.entries} entries`);
      });
    });
  audit
    .command('show')
    .description('audit entries, oldest first')
    .option('--since <when>', 'from this date or time (YYYY-MM-DD or ISO 8601)')
    .option('--limit <n>', 'at most this many entries', '1000')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { since?: string; limit: string; format: Format }) => {
      if (opts.since !== undefined && !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/.test(opts.since)) {
        throw new UsageError(`--since must be a date or time, got '${opts.since}'`, 'e.g. 2026-01-15 or 2026-01-15T09:00');
      }
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1, got '${opts.limit}'`);
      const since = opts.since === undefined ? undefined : opts.since.length > 10 ? new Date(opts.since.replace(' ', 'T') + (opts.since.endsWith('Z') ? '' : 'Z')).toISOString() : opts.since;
      await withStore(global(), async (store) => {
        const entries = await listAudit(store, { since, limit });
        const rows = entries.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, details: JSON.stringify(e.details) }));
        terminal.data(opts.format === 'json' ? JSON.stringify(entries, null, 2) : formatRows(rows, ['seq', 'at', 'actor', 'action', 'details'], opts.format));
      });
    });
}
