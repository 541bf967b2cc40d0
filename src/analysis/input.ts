/**
 * Analyses take one JSON object: a query specification plus the analysis's own options (e.g. the SPC
 * rebase months). This splits the two, validating the options with the analysis's zod schema, so the
 * CLI and the API accept exactly the same input.
 */
import type { z } from 'zod';
import { UsageError } from '../core/errors.js';

export function splitAnalysisInput<S extends z.ZodObject>(
  input: unknown,
  schema: S,
  what: string,
): { options: z.output<S>; query: Record<string, unknown> } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError(`the ${what} request must be an object`);
  const keys = new Set(Object.keys(schema.shape));
  const own: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) (keys.has(key) ? own : query)[key] = value;
  const parsed = schema.safeParse(own);
  if (!parsed.success) throw new UsageError(`invalid ${what} options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { options: parsed.data, query };
}

/** The breakdowns of a query input as an array, whichever way they were written. */
export function breakdownsOf(query: Record<string, unknown>): unknown[] {
  const by = query.by ?? [];
  return typeof by === 'string' ? by.split(',').map((b) => b.trim()).filter((b) => b !== '') : Array.isArray(by) ? by : [by];
}
