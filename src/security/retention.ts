/**
 * Retention: records older than their agreement's retention period are deleted (incidents with their
 * people and classifications), per agency and source, in one transaction, and the run is audited.
 * Provenance rows (ingest_batches) stay: they hold no personal data and show what was once loaded.
 * Stored rejected rows (ingest_rejects) may hold free text from the source, so they follow the same
 * period counted from the day their batch was loaded.
 */
import type { Store } from '../store/port.js';
import { forgetQueryFacts } from '../classify/facts.js';
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
  /** Stored rejected rows of batches loaded before the cut-off. */
  rejects: number;
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
      const oldBatches = `SELECT id FROM ingest_batches WHERE source = $1 AND agency = $2 AND finished_at < CAST($3 AS TIMESTAMP)`;
      const [stored] = await store.query<{ rejects: number }>(`SELECT COUNT(*) AS rejects FROM ingest_rejects WHERE batch_id IN (${oldBatches})`, params);
      const line: RetentionLine = {
        agreement: `${a.id} v${a.version}`,
        agency: a.agency,
        source,
        retentionDays: a.retentionDays,
        before,
        incidents: Number(counts?.incidents ?? 0),
        people: Number(counts?.people ?? 0),
        rejects: Number(stored?.rejects ?? 0),
      };
      lines.push(line);
      if (options.dryRun || (line.incidents === 0 && line.rejects === 0)) continue;
      await store.transaction(async (tx) => {
        await tx.run(`DELETE FROM ingest_rejects WHERE batch_id IN (${oldBatches})`, params);
        const ids = `SELECT id FROM incidents WHERE ${scope}`;
        await forgetQueryFacts(tx, ids, params);
        await tx.run(`DELETE FROM incident_classifications WHERE incident_id IN (${ids})`, params);
        await tx.run(`DELETE FROM incident_people WHERE incident_id IN (${ids})`, params);
        await tx.run(`DELETE FROM incidents WHERE ${scope}`, params);
      });
    }
  }
  if (!options.dryRun) {
    await appendAudit(store, options.actor, 'retention.apply', { deleted: lines.filter((l) => l.incidents > 0 || l.rejects > 0).map(({ agreement, source, before, incidents, people, rejects }) => ({ agreement, source, before, incidents, people, rejects })) }, now);
  }
  return lines;
}
