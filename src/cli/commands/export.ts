import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parsePeriod } from '../../core/period.js';
import { resolveDefinition } from '../../classify/definitions.js';
import { appendAudit } from '../../security/audit.js';
import { cliUser, withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal } from '../output.js';

export const EXPORT_INCIDENT_COLUMNS = [
  'crime_ref',
  'agency',
  'occurred_from',
  'hocr_code',
  'lsoa_code',
  'location_type',
  'in_definition',
  'sv_category',
  'public_place',
  'victim_u25',
  'offender_u25',
  'knife_enabled',
  'domestic',
  'excluded_reason',
  'definition_id',
  'definition_version',
] as const;

export function registerExport(program: Command, global: () => GlobalOptions): void {
  const exp = program.command('export').description('export record-level data (the CLI operator has full rights over its own database)');
  exp
    .command('incidents')
    .description('one row per incident with its classification under a definition')
    .option('--definition <id>', 'definition id (default: the default definition, latest version)')
    .option('--from <period>', 'first period included (YYYY, YYYY-MM, YYYY-MM-DD, YYYYQn, FYyyyy/yy)')
    .option('--to <period>', 'last period included')
    .option('--format <format>', 'csv or json', 'csv')
    .action(async (opts: { definition?: string; from?: string; to?: string; format: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') throw new UsageError(`--format must be csv or json, got '${opts.format}'`);
      const from = opts.from ? parsePeriod(opts.from).from : null;
      const to = opts.to ? parsePeriod(opts.to).to : null;
      await withStore(global(), async (store) => {
        const { stored } = await resolveDefinition(store, opts.definition);
        const params: (string | number)[] = [stored.id, stored.version];
        let where = '';
        if (from) {
          params.push(`${from} 00:00:00`);
          where += ` AND i.occurred_from >= CAST($${params.length} AS TIMESTAMP)`;
        }
        if (to) {
          params.push(`${to} 23:59:59`);
          where += ` AND i.occurred_from <= CAST($${params.length} AS TIMESTAMP)`;
        }
        const rows = await store.query(
          `SELECT i.source_record_id AS crime_ref, i.agency, i.occurred_from, i.hocr_code, i.lsoa_code, i.location_type,
             c.in_definition, c.sv_category, c.public_place, c.victim_u25, c.offender_u25, c.knife_enabled, c.domestic,
             c.excluded_reason, c.definition_id, c.definition_version
           FROM incidents i JOIN incident_classifications c
             ON c.incident_id = i.id AND c.definition_id = $1 AND c.definition_version = $2
           WHERE TRUE${where}
           ORDER BY i.occurred_from, i.agency, i.source_record_id`,
          params,
        );
        terminal.data(formatRows(rows, EXPORT_INCIDENT_COLUMNS, opts.format as 'csv' | 'json'));
        await appendAudit(store, `cli:${cliUser()}`, 'records.export', {
          what: 'incidents',
          definition: { id: stored.id, version: stored.version },
          from: opts.from ?? null,
          to: opts.to ?? null,
          rows: rows.length,
        });
      });
    });
}
