import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { addAgreement, listAgreements } from '../../security/agreements.js';
import { cliUser, withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal, type Format } from '../output.js';

export function registerAgreements(program: Command, global: () => GlobalOptions): void {
  const agreements = program.command('agreements').description('data-sharing agreements (once any is registered, ingest checks them)');
  agreements
    .command('add')
    .description('register an agreement (or a new version of one) from a YAML file')
    .argument('<file>', 'YAML: id, version, agency, sources, permitted_fields, purposes, record_level_roles, retention, starts, ends')
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`cannot read ${file}`);
      }
      await withStore(global(), async (store) => {
        const a = await addAgreement(store, text, file, `cli:${cliUser()}`);
        terminal.note(`registered ${a.id} v${a.version}: ${a.agency}, ${a.sources.join(', ')}, ${a.startsOn} to ${a.endsOn ?? 'open'}, retention ${a.retentionDays} days`);
      });
    });
  agreements
    .command('list')
    .description('the latest version of every agreement')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { format: Format }) => {
      await withStore(global(), async (store) => {
        const rows = (await listAgreements(store)).map((a) => ({
          id: a.id,
          version: a.version,
          agency: a.agency,
          sources: a.sources.join(','),
          starts: a.startsOn,
          ends: a.endsOn,
          retention_days: a.retentionDays,
          permitted_fields: a.permittedFields.join(','),
          record_level_roles: a.recordLevelRoles.join(','),
        }));
        terminal.data(formatRows(rows, ['id', 'version', 'agency', 'sources', 'starts', 'ends', 'retention_days', 'permitted_fields', 'record_level_roles'], opts.format));
      });
    });
}
