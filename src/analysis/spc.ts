import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { xmrChart, type Assurance, type SpcPoint } from '../core/stats/spc.js';
import { runQuery, type QueryResult } from '../query/run.js';
import { breakdownsOf, splitAnalysisInput } from './input.js';
import type { Queryable, Store } from '../store/port.js';

/** SPC options on top of a query specification (one schema for the CLI and POST /api/spc). */
export const spcOptionsSchema = z
  .object({
    /** Months ('YYYY-MM') at which the process is rebased: a new mean and limits from there on. */
    rebase: z.array(z.string().regex(/^\d{4}-\d{2}$/, 'rebase months are written YYYY-MM')).default([]),
    screening: z.boolean().default(true),
    improvement: z.enum(['increase', 'decrease']).default('decrease'),
    target: z.number().finite().optional(),
  })
  .strict();

/** A chart point labelled with its month instead of its index. */
export type SpcRow = Omit<SpcPoint, 'index'> & { period: string };

export interface SpcResult {
  spec: QueryResult['spec'];
  definition: QueryResult['definition'];
  options: z.output<typeof spcOptionsSchema>;
  columns: { name: string; type: string }[];
  rows: SpcRow[];
  assurance: Assurance | null;
  caveats: string[];
}

export const SPC_COLUMNS = ['period', 'value', 'mean', 'lower', 'upper', 'signal', 'rule'] as const;

/**
 * The monthly series of a query, as an XmR chart. `input` is a query specification plus the SPC
 * options; the series is the query broken down by month (zero-filled), so a month with no incidents
 * is a 0 on the chart, not a gap.
 */
export async function runSpc(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<SpcResult> {
  const { options, query: queryPart } = splitAnalysisInput(input, spcOptionsSchema, 'SPC');
  const breakdowns = breakdownsOf(queryPart);
  if (breakdowns.some((b) => b !== 'month')) {
    throw new UsageError('SPC charts the monthly series: leave out `by` (it is month)', 'use filters (where) to chart a subset');
  }
  const result = await runQuery(store, { ...queryPart, by: ['month'] });
  const valueColumn = result.columns.some((c) => c.name === 'rate') ? 'rate' : 'count';
  const months = result.rows.map((r) => String(r.month));
  const values = result.rows.map((r) => Number(r[valueColumn] ?? 0));
  const rebaseAt = options.rebase.map((m) => {
    const index = months.indexOf(m);
    if (index < 0) throw new UsageError(`rebase month ${m} is not in the series (${months[0] ?? '—'} to ${months.at(-1) ?? '—'})`);
    return index;
  });
  if (values.length < 2) throw new UsageError('an SPC chart needs at least two months of data', 'widen --from/--to');
  const chart = xmrChart(values, { ...options, rebaseAt });
  const caveats = [...result.caveats];
  if (values.length < 12) caveats.push(`only ${values.length} months: Making Data Count advises at least 12 (ideally 20) points before trusting the limits`);
  return {
    spec: result.spec,
    definition: result.definition,
    options,
    columns: SPC_COLUMNS.map((name) => ({ name, type: name === 'period' || name === 'signal' || name === 'rule' ? 'string' : 'number' })),
    rows: chart.points.map(({ index, ...point }) => ({ period: months[index]!, ...point })),
    assurance: chart.assurance,
    caveats,
  };
}
