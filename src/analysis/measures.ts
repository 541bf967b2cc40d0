/**
 * The Home Office VRU success measures (domain.md §2), each as a query specification so the numbers
 * are the same ones `svo query` gives, compared with the same period a year earlier and a baseline.
 *
 * 1. Hospital admissions for assault with a sharp object (HES, ICD-10 X99): svo holds no HES data, so
 *    it is reported as not available; when ED (ISTV) returns are loaded, ED attendances for assault
 *    with a sharp method are given as a proxy.
 * 2. Knife-enabled serious violence: police-recorded offences with the knife flag (all ages), and the
 *    victims under 25 of those offences.
 * 3. Non-domestic homicides (and those involving a knife): police-recorded homicides not flagged
 *    domestic — a proxy for the Home Office Homicide Index, said so in the caveats.
 */
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { ChangeVerdict } from '../core/stats/compare.js';
import { runQuery } from '../query/run.js';
import type { Queryable, Store } from '../store/port.js';
import { COMPARISON_COLUMNS, latestMonths, runTrends, type Comparison } from './trends.js';
import { loadIstvCodes } from '../ingest/istv/codelists.js';
import { parsePeriod, type DateRange } from '../core/period.js';

export const measuresInputSchema = z
  .object({
    definition: z.string().trim().min(1).optional(),
    period: z.string().trim().min(1).optional(),
    baseline: z.string().trim().min(1).optional(),
  })
  .strict();

const UNDER_25 = ['0-9', '10-14', '15-19', '20-24'];

interface MeasureDefinition {
  id: string;
  description: string;
  /** Rates are shown per this many population (homicides per million, as the national evaluation does). */
  per: 100_000 | 1_000_000;
  spec: Record<string, unknown>;
}

/** The measures computed from police-recorded crime. */
export const POLICE_MEASURES: readonly MeasureDefinition[] = [
  {
    id: 'knife_enabled_serious_violence',
    description: 'Knife-enabled serious violence (police recorded, all ages)',
    per: 100_000,
    spec: { measure: 'incidents', allCrime: true, where: { knife_enabled: ['true'] } },
  },
  {
    id: 'knife_enabled_serious_violence_u25_victims',
    description: 'Victims aged under 25 of knife-enabled serious violence (police recorded)',
    per: 100_000,
    spec: { measure: 'victims', allCrime: true, where: { knife_enabled: ['true'], victim_age_band: UNDER_25 } },
  },
  {
    id: 'non_domestic_homicide',
    description: 'Non-domestic homicides (police recorded homicide offences not flagged domestic)',
    per: 1_000_000,
    spec: { measure: 'incidents', allCrime: true, where: { crime_type: ['Homicide'], domestic: ['false', ''] } },
  },
  {
    id: 'non_domestic_knife_homicide',
    description: 'Non-domestic homicides involving a knife or sharp instrument (police recorded)',
    per: 1_000_000,
    spec: { measure: 'incidents', allCrime: true, where: { crime_type: ['Homicide'], domestic: ['false', ''], knife_enabled: ['true'] } },
  },
];

export interface MeasureRow extends Omit<Comparison, 'verdict' | 'group' | 'current_count' | 'reference_count'> {
  current_count: number | null;
  reference_count: number | null;
  measure: string;
  description: string;
  verdict: ChangeVerdict | 'not_available';
  /** Rate in the current period per `rate_per` population; null without population. */
  rate: number | null;
  rate_per: number;
}

export interface MeasuresResult {
  definition: { id: string; version: number } | null;
  period: { from: string; to: string; label: string } | null;
  rows: MeasureRow[];
  caveats: string[];
}

/** The comparison columns of a trend, with the current period's rate after its count. */
export const MEASURE_COLUMNS = [
  'measure',
  'description',
  ...COMPARISON_COLUMNS.flatMap((c) => (c === 'current_count' ? [c, 'rate', 'rate_per'] : [c])),
] as const;

export async function runMeasures(store: Pick<Store, 'dialect'> & Queryable, input: unknown): Promise<MeasuresResult> {
  const parsed = measuresInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw new UsageError(`invalid measures request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { definition, period, baseline } = parsed.data;
  const geographyLoaded = (await store.query(`SELECT 1 AS found FROM geo_lsoa LIMIT 1`)).length > 0;
  // One period for every measure: the one asked for, or the 12 months to the latest police record.
  let shared: (DateRange & { label: string }) | undefined;
  if (period) {
    shared = { ...parsePeriod(period), label: period };
  } else {
    const [row] = await store.query(`SELECT MAX(occurred_from) AS last FROM incidents WHERE source = $1`, ['police']);
    if (row?.last == null) throw new UsageError('no police records are loaded', 'ingest a police extract first (svo ingest police)');
    shared = latestMonths(String(row.last).slice(0, 7));
  }
  const rows: MeasureRow[] = [];
  let resolvedPeriod: MeasuresResult['period'] = null;
  let usedDefinition: MeasuresResult['definition'] = null;
  for (const m of POLICE_MEASURES) {
    const spec = { ...m.spec, ...(definition ? { definition } : {}) };
    const trend = await runTrends(store, { ...spec, ...(baseline ? { baseline } : {}) }, shared);
    resolvedPeriod ??= trend.period;
    usedDefinition ??= trend.definition;
    let rate: number | null = null;
    if (geographyLoaded) {
      const r = await runQuery(store, { ...spec, measure: 'rate', from: trend.period.from, to: trend.period.to, per: 100_000 });
      const per100k = r.rows[0]?.rate;
      rate = typeof per100k === 'number' ? (per100k * m.per) / 100_000 : null;
    }
    for (const { group: _group, ...c } of trend.comparisons) rows.push({ measure: m.id, description: m.description, ...c, rate, rate_per: m.per });
  }
  // Measure 1 proxy from ED (ISTV) returns when they are loaded: assaults with a sharp method.
  const edRows: MeasureRow[] = [];
  const [ed] = await store.query(`SELECT COUNT(*) AS n FROM injury_attendances`);
  if (Number(ed?.n ?? 0) > 0) {
    const sharp = loadIstvCodes().methods.codesWith((e) => e.sharp);
    const spec = { source: 'istv', where: { assault_method: sharp } };
    const trend = await runTrends(store, { ...spec, ...(baseline ? { baseline } : {}) }, shared);
    let rate: number | null = null;
    if (geographyLoaded) {
      const r = await runQuery(store, { ...spec, measure: 'rate', from: trend.period.from, to: trend.period.to, per: 100_000 });
      rate = typeof r.rows[0]?.rate === 'number' ? r.rows[0].rate : null;
    }
    const description = 'ED attendances for assault with a knife or sharp object (ISTV, proxy for measure 1)';
    for (const { group: _group, ...c } of trend.comparisons) edRows.push({ measure: 'sharp_object_assaults_ed', description, ...c, rate, rate_per: 100_000 });
  }
  rows.unshift(...edRows);
  rows.unshift({
    measure: 'sharp_object_admissions',
    description: 'Hospital admissions for assault with a knife or sharp object (HES, ICD-10 X99)',
    comparison: 'baseline',
    current_from: resolvedPeriod?.from ?? '',
    current_to: resolvedPeriod?.to ?? '',
    current_count: null,
    reference_from: '',
    reference_to: '',
    reference_count: null,
    rate_ratio: null,
    ratio_lower: null,
    ratio_upper: null,
    p_value: null,
    verdict: 'not_available',
    sentence: 'not available: no hospital admissions (HES) data are loaded',
    rate: null,
    rate_per: 100_000,
  });
  const caveats = [
    ...(edRows.length ? ['the ED measure counts ISTV attendances with a sharp assault method (code lists): attendances are not admissions and cover only the reporting EDs'] : []),
    'measures 2 and 3 come from police-recorded crime; non-domestic homicides are a proxy for the Home Office Homicide Index',
    'knife-enabled means the knife flag on the selected offences (homicide, attempted murder, threats to kill, assault with injury or intent, robbery, rape, sexual assault); from 2023 forces derive it with NDQIS text rules, so expect a series break',
    'rates are for the whole period per the stated population, not annualised',
  ];
  if (!geographyLoaded) caveats.push('no geography is loaded: rates are not shown');
  return { definition: usedDefinition, period: resolvedPeriod, rows, caveats };
}
