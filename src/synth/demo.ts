/**
 * `svo demo`: generate the synthetic area and police extract for a seed, write them as files and ingest
 * them through the same code as real data (geography first, so police points are placed in the
 * synthetic zones by point-in-polygon). Deterministic: the same options give the same files, byte for
 * byte, on any machine; nothing depends on the clock or the network.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { Pseudonymiser } from '../ingest/common/pseudonymise.js';
import type { IngestContext, IngestSummary } from '../ingest/common/types.js';
import { ingestGeography } from '../ingest/geography/index.js';
import { ingestPoliceExtract } from '../ingest/police/index.js';
import { ingestAmbulance } from '../ingest/ambulance/index.js';
import { ingestIstv } from '../ingest/istv/index.js';
import { ingestPlaces } from '../ingest/places/index.js';
import { AMBULANCE_AGENCY, writeInjuryFiles, type InjuryFiles } from './injury.js';
import { generateArea } from './area.js';
import { writeDemoFiles, type DemoFiles } from './files.js';
import { DEFAULT_END_DATE } from './police.js';

/** The agency name the synthetic police records are stored under. */
export const DEMO_AGENCY = 'Synthetic Constabulary';

/** The one schema for demo options: CLI flags and API input are checked against it. */
export const demoOptionsSchema = z.object({
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(2020).describe('random seed: the same seed gives the same data'),
  years: z.number().int().min(1).max(10).default(3).describe('whole years of incidents, ending on endDate'),
  scale: z.number().positive().max(1000).default(1).describe('volume multiplier: 1 = 10,000 incidents a year (about 14,300 extract rows)'),
  endDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'should be a date written YYYY-MM-DD')
    .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date')
    .default(DEFAULT_END_DATE)
    .describe('last day of the period (fixed by default, so the data never depend on today)'),
});
export type DemoOptions = z.output<typeof demoOptionsSchema>;

/** Loose options (e.g. from flags) → checked options with defaults, or a UsageError naming the field. */
export function normaliseDemoOptions(input: unknown): DemoOptions {
  const result = demoOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`);
  throw new UsageError(`invalid demo options: ${problems.join('; ')}`);
}

export interface RunDemoOptions {
  seed: number;
  years: number;
  scale: number;
  /** Folder for the generated files (created if needed; left in place for the caller to keep or remove). */
  workDir: string;
  endDate?: string;
  pseudonymiser: Pseudonymiser;
}

/** Writes the demo files into `workDir` and returns their paths (no database work). */
export function prepareDemo(options: Omit<RunDemoOptions, 'pseudonymiser'>): { files: DemoFiles; policeRows: number; injury: InjuryFiles } {
  const opts = normaliseDemoOptions({ seed: options.seed, years: options.years, scale: options.scale, endDate: options.endDate });
  const area = generateArea(opts.seed, { midYear: Number(opts.endDate.slice(0, 4)) - 1 });
  return { ...writeDemoFiles(options.workDir, area, opts), injury: writeInjuryFiles(options.workDir, area, opts) };
}

/**
 * Generates, writes and ingests the demo. Returns the geography, police, places, ISTV and ambulance
 * ingest summaries, in that order.
 */
export async function runDemo(ctx: IngestContext, options: RunDemoOptions): Promise<IngestSummary[]> {
  const opts = normaliseDemoOptions({ seed: options.seed, years: options.years, scale: options.scale, endDate: options.endDate });
  ctx.log(`generating synthetic area and police records (seed ${opts.seed}, ${opts.years} year(s) to ${opts.endDate}, scale ${opts.scale})`);
  const { files, policeRows, injury } = prepareDemo({ ...opts, workDir: options.workDir });
  ctx.log(`wrote ${policeRows.toLocaleString('en-GB')} police extract rows and the geography files to ${options.workDir}`);
  const geography = await ingestGeography(ctx, {
    lookup: files.lookup,
    csp: files.csp,
    imd: files.imd,
    population: files.population,
    boundaries: [files.boundaries],
  });
  const police = await ingestPoliceExtract(ctx, [files.police], { agency: DEMO_AGENCY, pseudonymiser: options.pseudonymiser });
  // Injury surveillance (Cardiff Model): gazetteer first, so ED and ambulance locations are matched.
  const places = await ingestPlaces(ctx, [injury.places]);
  const istv = await ingestIstv(ctx, [injury.istvDir]);
  const ambulance = await ingestAmbulance(ctx, [injury.ambulance], { agency: AMBULANCE_AGENCY });
  return [geography, police, places, istv, ambulance];
}
