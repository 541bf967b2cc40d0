import { createHash } from 'node:crypto';
import type { Store } from './port.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export interface MigrationResult {
  version: number;
  name: string;
  status: 'applied' | 'already-applied';
}

export class MigrationError extends Error {}

function checksum(migration: Migration): string {
  const hash = createHash('sha256').update(migration.statements.join('\n;\n'));
  // Engine-only statements count too; migrations without them keep the checksum they were released with.
  if (migration.onlyOn) hash.update(JSON.stringify(migration.onlyOn));
  return hash.digest('hex');
}

/**
 * Brings the schema up to date under the engine's migration lock and reports per migration.
 * Refuses to run when a released migration was edited: the database would no longer match the code.
 */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult[]> {
  return store.withMigrationLock(async () => {
    await store.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`);
    const applied = new Map(
      (await store.query<{ version: number; checksum: string }>(`SELECT version, checksum FROM schema_migrations`)).map(
        (r) => [r.version, r.checksum],
      ),
    );
    const results: MigrationResult[] = [];
    for (const migration of migrations) {
      const sum = checksum(migration);
      const recorded = applied.get(migration.version);
      if (recorded !== undefined) {
        if (recorded !== sum) {
          throw new MigrationError(
            `migration ${migration.version} (${migration.name}) was changed after it was applied to this database; ` +
              `released migrations must never be edited — add a new migration instead`,
          );
        }
        results.push({ version: migration.version, name: migration.name, status: 'already-applied' });
        continue;
      }
      await store.transaction(async (tx) => {
        for (const statement of [...migration.statements, ...(migration.onlyOn?.[store.dialect.name] ?? [])]) await tx.run(statement);
        await tx.run(`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP))`, [
          migration.version,
          migration.name,
          sum,
          new Date().toISOString().slice(0, 19).replace('T', ' '),
        ]);
      });
      results.push({ version: migration.version, name: migration.name, status: 'applied' });
    }
    return results;
  });
}
