import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { SvoError } from '../../core/errors.js';
import { parseDefinition } from '../../core/definition/parse.js';
import { addDefinition, listDefinitions, resolveDefinition } from '../../classify/definitions.js';
import { basename } from 'node:path';
import { appendAudit } from '../../security/audit.js';
import { cliUser, withStore, type GlobalOptions } from '../context.js';
import { formatRows, terminal, type Format } from '../output.js';

export function registerDefinitions(program: Command, global: () => GlobalOptions): void {
  const defs = program.command('definitions').description('serious-violence definitions (versioned configuration)');
  defs
    .command('list')
    .description('every stored definition version, with how many incidents each puts in the definition')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts: { format: Format }) => {
      await withStore(global(), async (store) => {
        const counts = await store.query<{ definition_id: string; definition_version: number; classified: number; in_definition: number }>(
          `SELECT definition_id, definition_version, COUNT(*) AS classified,
             SUM(CASE WHEN in_definition THEN 1 ELSE 0 END) AS in_definition
           FROM incident_classifications GROUP BY definition_id, definition_version`,
        );
        const rows = (await listDefinitions(store)).map((d) => {
          const c = counts.find((x) => x.definition_id === d.id && Number(x.definition_version) === d.version);
          return {
            id: d.id,
            version: d.version,
            default: d.isDefault,
            effective_from: d.effectiveFrom,
            effective_to: d.effectiveTo,
            loaded_at: d.loadedAt,
            incidents_classified: Number(c?.classified ?? 0),
            in_definition: Number(c?.in_definition ?? 0),
            description: d.description,
          };
        });
        terminal.data(formatRows(rows, Object.keys(rows[0] ?? { id: '' }), opts.format));
      });
    });
  defs
    .command('show')
    .description('the full text of a definition (latest version unless --version)')
    .argument('<id>')
    .option('--version <n>', 'a specific version')
    .action(async (id: string, opts: { version?: string }) => {
      await withStore(global(), async (store) => {
        if (opts.version) {
          const rows = await store.query<{ body: string }>(`SELECT body FROM definitions WHERE id = $1 AND version = $2`, [id, Number(opts.version)]);
          if (!rows[0]) throw new SvoError(`no definition '${id}' version ${opts.version}`, 2);
          terminal.data(rows[0].body);
          return;
        }
        terminal.data((await resolveDefinition(store, id)).stored.body);
      });
    });
  defs
    .command('add')
    .description('store a new definition (or version) from a YAML/JSON file and classify every stored incident under it')
    .argument('<file>')
    .action(async (file: string) => {
      const text = readFileSync(file, 'utf8');
      const definition = parseDefinition(text, file);
      await withStore(global(), async (store) => {
        const added = await addDefinition(store, definition, text, file);
        if (added) await appendAudit(store, `cli:${cliUser()}`, 'definition.add', { id: added.id, version: added.version, file: basename(file), classified: added.classified });
        terminal.note(
          added
            ? `stored ${added.id} version ${added.version}; classified ${added.classified} incident(s)`
            : `${definition.id} version ${definition.version} is already stored, unchanged`,
        );
      });
    });
}
