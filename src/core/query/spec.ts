/**
 * The query specification: one zod schema shared by the CLI, the HTTP API, the dashboard and reports.
 * Pure: no I/O. `parseQuerySpec` validates input and checks every dimension against what the chosen
 * source can supply, throwing a UsageError that names what the source can do.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { parsePeriod } from '../period.js';

export const MEASURES = ['incidents', 'victims', 'offenders', 'rate'] as const;
export const SUPPORTED_MEASURES = ['incidents', 'victims', 'offenders', 'rate'] as const;
export const RATE_PER = [1000, 100000] as const;
export const SOURCES = ['police', 'police-uk', 'istv', 'ambulance'] as const;

export const DIMENSIONS = [
  'month',
  'week',
  'quarter',
  'year',
  'financial_year',
  'day_of_week',
  'hour',
  'crime_type',
  'hocr_code',
  'sv_category',
  'in_definition',
  'public_place',
  'knife_enabled',
  'domestic',
  'location_type',
  'lsoa',
  'msoa',
  'lad',
  'csp',
  'imd_decile',
  'victim_age_band',
  'victim_sex',
  'offender_age_band',
  'offender_sex',
  // Injury surveillance (ISTV and ambulance records): see INJURY_DIMENSIONS.
  'assault_method',
  'assault_location_type',
  'place',
  'age_band',
  'sex',
  'category',
  'conveyed',
] as const;

/**
 * Dimensions only the injury-surveillance sources supply: ISTV assault method and location type (as
 * mapped by the code lists), the matched place, the record's own age band (as the ED or ambulance
 * service banded it) and sex; the ambulance call category (C1–C5) and whether the patient was conveyed.
 */
export const INJURY_DIMENSIONS = ['assault_method', 'assault_location_type', 'place', 'age_band', 'sex', 'category', 'conveyed'] as const;

export type Measure = (typeof MEASURES)[number];
export type Source = (typeof SOURCES)[number];
export type Dimension = (typeof DIMENSIONS)[number];

/** The dimensions that are calendar periods (zero-filled over the period range). */
export const TIME_DIMENSIONS: readonly Dimension[] = ['month', 'week', 'quarter', 'year', 'financial_year'];

/** Which measures each source can count. */
export const SOURCE_MEASURES: Record<Source, readonly Measure[]> = {
  police: ['incidents', 'victims', 'offenders', 'rate'],
  'police-uk': ['incidents', 'rate'],
  // Each ISTV record is one assault attendance, each ambulance record one patient of a call.
  istv: ['incidents', 'rate'],
  ambulance: ['incidents', 'rate'],
};

/** Age bands of `victim_age_band` / `offender_age_band`, in order; `unknown` when no age is recorded. */
export const AGE_BANDS = ['0-9', '10-14', '15-19', '20-24', '25-34', '35-49', '50-64', '65+', 'unknown'] as const;

/** Dimensions that describe a person, and the only measure they can break down. */
export const PERSON_DIMENSIONS: Partial<Record<Dimension, Measure>> = {
  victim_age_band: 'victims',
  victim_sex: 'victims',
  offender_age_band: 'offenders',
  offender_sex: 'offenders',
};

/** Which dimensions each source can supply, in the order they are listed to users. */
export const SOURCE_DIMENSIONS: Record<Source, readonly Dimension[]> = {
  // For record-level police data `crime_type` is the Home Office offence group of the HOCR code.
  police: DIMENSIONS.filter((d) => !(INJURY_DIMENSIONS as readonly string[]).includes(d)),
  'police-uk': ['month', 'quarter', 'year', 'financial_year', 'crime_type', 'lsoa', 'msoa', 'lad', 'csp', 'imd_decile'],
  // Time of the assault (not of the arrival); the area is the matched place's LSOA.
  istv: ['month', 'week', 'quarter', 'year', 'financial_year', 'day_of_week', 'hour', 'assault_method', 'assault_location_type', 'place', 'lsoa', 'msoa', 'lad', 'csp', 'imd_decile', 'age_band', 'sex'],
  // Time of the call; the area is the call's own LSOA, else its address's matched place's.
  ambulance: ['month', 'week', 'quarter', 'year', 'financial_year', 'day_of_week', 'hour', 'lsoa', 'msoa', 'lad', 'csp', 'imd_decile', 'category', 'conveyed', 'age_band', 'sex', 'place'],
};

export const MAX_BREAKDOWNS = 3;

const values = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const querySpecSchema = z
  .object({
    measure: z.enum(MEASURES).default('incidents'),
    source: z.enum(SOURCES).default('police'),
    per: z.coerce
      .number()
      .refine((n) => (RATE_PER as readonly number[]).includes(n), `per must be ${RATE_PER.join(' or ')}`)
      .default(1000),
    definition: z.string().trim().min(1).optional(),
    allCrime: z.boolean().default(false),
    from: z.string().trim().min(1).optional(),
    to: z.string().trim().min(1).optional(),
    where: z.partialRecord(z.enum(DIMENSIONS), z.union([values.transform((v) => [v]), z.array(values).min(1)])).default({}),
    by: z
      .preprocess(
        (v) => (typeof v === 'string' ? v.split(',').map((b) => b.trim()).filter((b) => b !== '') : v),
        z.array(z.enum(DIMENSIONS)).max(MAX_BREAKDOWNS, `at most ${MAX_BREAKDOWNS} breakdowns`),
      )
      .default([]),
  })
  .strict();

export type QuerySpecInput = z.input<typeof querySpecSchema>;

export interface QuerySpec {
  measure: Measure;
  source: Source;
  /** Population denominator of a rate (rate = count / population × per). */
  per: number;
  definition?: string;
  allCrime: boolean;
  from?: string;
  to?: string;
  where: Partial<Record<Dimension, string[]>>;
  by: Dimension[];
}

/** Validates a query spec from the CLI or the API. Throws UsageError with every problem found. */
export function parseQuerySpec(input: unknown): QuerySpec {
  const parsed = querySpecSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    const aboutDimensions = parsed.error.issues.some((i) => i.path[0] === 'by' || i.path[0] === 'where');
    throw new UsageError(`invalid query: ${problems.join('; ')}`, aboutDimensions ? `dimensions: ${DIMENSIONS.join(', ')}` : undefined);
  }
  const data = parsed.data;
  const spec: QuerySpec = { measure: data.measure, source: data.source, per: data.per, allCrime: data.allCrime, where: data.where, by: data.by };
  if (data.definition !== undefined) spec.definition = data.definition;
  if (data.from !== undefined) spec.from = data.from;
  if (data.to !== undefined) spec.to = data.to;

  if (!(SUPPORTED_MEASURES as readonly string[]).includes(spec.measure)) {
    throw new UsageError(`measure '${spec.measure}' is not yet supported`, `supported measures: ${SUPPORTED_MEASURES.join(', ')}`);
  }
  if (!SOURCE_MEASURES[spec.source].includes(spec.measure)) {
    throw new UsageError(`source '${spec.source}' cannot count ${spec.measure}`, `${spec.source} supports measures: ${SOURCE_MEASURES[spec.source].join(', ')}`);
  }
  const duplicated = spec.by.filter((d, i) => spec.by.indexOf(d) !== i);
  if (duplicated.length) throw new UsageError(`breakdown '${duplicated[0]}' is given twice`);

  const allowed = SOURCE_DIMENSIONS[spec.source];
  const used = [...spec.by, ...(Object.keys(spec.where) as Dimension[])];
  const unsupported = [...new Set(used.filter((d) => !allowed.includes(d)))];
  if (unsupported.length) {
    throw new UsageError(
      `source '${spec.source}' cannot supply ${unsupported.map((d) => `'${d}'`).join(', ')}`,
      `${spec.source} supports: ${allowed.join(', ')}`,
    );
  }
  for (const d of used) {
    const measure = PERSON_DIMENSIONS[d];
    if (!measure || measure === spec.measure) continue;
    // A rate by age band counts the people of that role per head of population in the same band.
    if (spec.measure === 'rate' && d.endsWith('_age_band')) continue;
    const hint = spec.measure === 'rate' ? 'rates by sex need population by sex, which svo does not load; use counts' : `e.g. --measure ${measure} --by ${d}`;
    throw new UsageError(`'${d}' describes each of the ${measure}, so it needs measure '${measure}'${spec.measure === 'rate' ? ' (a rate can use the age bands only)' : ''} (got '${spec.measure}')`, hint);
  }
  const roles = new Set(used.map((d) => PERSON_DIMENSIONS[d]).filter((m) => m !== undefined));
  if (roles.size > 1) throw new UsageError('a query can describe victims or offenders, not both at once', 'run one query per role');
  if ((spec.source === 'istv' || spec.source === 'ambulance') && spec.definition !== undefined) {
    throw new UsageError(`source '${spec.source}' has no serious-violence definition (its records are assaults, not HOCR-coded offences)`, 'drop --definition: every record is counted');
  }
  if (spec.source === 'police-uk') {
    if (spec.definition !== undefined) {
      throw new UsageError(`source 'police-uk' has no serious-violence definition (its categories are not HOCR codes)`, 'drop --definition; police-uk always counts all its crime categories');
    }
  }
  // Periods are validated here so a bad one is a usage error before any database work.
  const from = spec.from !== undefined ? parsePeriod(spec.from).from : undefined;
  const to = spec.to !== undefined ? parsePeriod(spec.to).to : undefined;
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${spec.from} is after --to ${spec.to}`);
  if (spec.source === 'police-uk') {
    if (from !== undefined && !from.endsWith('-01')) throw new UsageError(`police-uk data are monthly: --from must be a month, quarter, year or financial year, got '${spec.from}'`);
    if (to !== undefined && parsePeriod(to.slice(0, 7)).to !== to) throw new UsageError(`police-uk data are monthly: --to must be a month, quarter, year or financial year, got '${spec.to}'`);
  }
  return spec;
}

/**
 * The people a spec counts: victims or suspects (offenders) for those measures, and for a rate broken
 * down or filtered by an age band; null when it counts incidents.
 */
export function personRole(spec: QuerySpec): 'victim' | 'suspect' | null {
  if (spec.measure === 'victims') return 'victim';
  if (spec.measure === 'offenders') return 'suspect';
  if (spec.measure !== 'rate') return null;
  const used = [...spec.by, ...(Object.keys(spec.where) as Dimension[])];
  if (used.some((d) => PERSON_DIMENSIONS[d] === 'victims')) return 'victim';
  if (used.some((d) => PERSON_DIMENSIONS[d] === 'offenders')) return 'suspect';
  return null;
}
