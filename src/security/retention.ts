/**
 * Retention: records older than their agreement's retention period are deleted (incidents with their
 * people and classifications), per agency and source, in one transaction, and the run is audited.
 * Provenance rows (ingest_batches) stay: they hold no personal data and show what was once loaded.
 */
import type { Store } from '../store/port.js';
import { appendAudit } from './audit.js';
import { listAgreements } from './agreements.js';

export interface RetentionLine {
  agreement: string;
  agency: string;
  source: string;
  retentionDays: number;
  /** Records that occurred before this date are past retention. */
  before: string;
  incidents: number;
  people: number;
}

/** Cut-off date: today minus the retention period, as 'YYYY-MM-DD'. */
export function retentionCutoff(today: Date, days: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - days * 86_400_000).toISOString().slice(0, 10);
}

export async function applyRetention(store: Store, options: { dryRun: boolean; actor: string; now?: Date }): Promise<RetentionLine[]> {
  const now = options.now ?? new Date();
  const lines: RetentionLine[] = [];
  for (const a of await listAgreements(store)) {
    for (const source of a.sources) {
      const before = retentionCutoff(now, a.retentionDays);
      const scope = `source = $1 AND agency = $2 AND occurred_from < CAST($3 AS TIMESTAMP)`;
      const params = [source, a.agency, `${before} 00:00:00`];
      const [counts] = await store.query<{ incidents: number; people: number }>(
        `SELECT COUNT(*) AS incidents, (SELECT COUNT(*) FROM incident_people p WHERE p.incident_id IN (SELECT id FROM incidents WHERE ${scope})) AS people
         FROM incidents WHERE ${scope}`,
        params,
      );
      lines.push({ agreement: `${a.id} v${a.version}`, agency: a.agency, source, retentionDays: a.retentionDays, before, incidents: Number(counts?.incidents ?? 0), people: Number(counts?.people ?? 0) });
      if (options.dryRun || Number(counts?.incidents ?? 0) === 0) continue;
      await store.transaction(async (tx) => {
        const ids = `SELECT id FROM incidents WHERE ${scope}`;
        await tx.run(`DELETE FROM incident_classifications WHERE incident_id IN (${ids})`, params);
        await tx.run(`DELETE FROM incident_people WHERE incident_id IN (${ids})`, params);
        await tx.run(`DELETE FROM incidents WHERE ${scope}`, params);
      });
    }
  }
  if (!options.dryRun) {
    await appendAudit(store, options.actor, 'retention.apply', { deleted: lines.filter((l) => l.incidents > 0).map(({ agreement, source, before, incidents, people }) => ({ agreement, source, before, incidents, people })) }, now);
  }
  return lines;
}
