/**
 * The store summary for viewers and the public: source currency and geography as they are (no
 * counts about people), record counts rounded, and the serious-violence headline taken from the same
 * protected query lattices as POST /api/query, so the two cannot be played against each other.
 * Exclusion reasons are left out (they are not a query dimension, so they are not protected with it).
 */
import { disclosedCount } from '../core/disclosure/rules.js';
import type { Store } from '../store/port.js';
import type { StoreSummary } from '../server/summary.js';
import { runDisclosedQuery } from './disclosed-query.js';

export interface DisclosedSummary extends Omit<StoreSummary, 'sources' | 'seriousViolence'> {
  sources: (Omit<StoreSummary['sources'][number], 'records'> & { records: number | string })[];
  seriousViolence: {
    definition: { id: string; version: number };
    incidents: number | string;
    inDefinition: number | string;
    byCategory: Record<string, number | string>;
    knifeEnabled: number | string;
  } | null;
  disclosureControlled: true;
}

export async function disclosedSummary(store: Store, summary: StoreSummary): Promise<DisclosedSummary> {
  let seriousViolence: DisclosedSummary['seriousViolence'] = null;
  if (summary.seriousViolence) {
    const total = async (input: Record<string, unknown>) => (await runDisclosedQuery(store, input)).rows[0]?.count as number | string;
    const byCategory: Record<string, number | string> = {};
    for (const row of (await runDisclosedQuery(store, { by: ['sv_category'] })).rows) {
      if (row.sv_category !== null) byCategory[String(row.sv_category)] = row.count as number | string;
    }
    seriousViolence = {
      definition: summary.seriousViolence.definition,
      incidents: await total({ allCrime: true }),
      inDefinition: await total({}),
      byCategory,
      knifeEnabled: await total({ where: { knife_enabled: 'true' } }),
    };
  }
  return {
    ...summary,
    sources: summary.sources.map((s) => ({ ...s, records: disclosedCount(s.records) })),
    seriousViolence,
    disclosureControlled: true,
  };
}
