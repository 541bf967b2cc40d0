/**
 * The weekly, monthly and quarterly (Board) packs: which sections each holds, in order. Each builder
 * is `(store, options) => ReportDocument`; the document carries its map GeoJSON for the renderers.
 */
import type { Store } from '../../store/port.js';
import type { ReportDocument, ReportMeta, ReportOptions, ReportSection } from './model.js';
import { createContext, type Db, type ReportContext } from './context.js';
import { SvoError, UsageError } from '../../core/errors.js';
import { addDays } from './period.js';
import { DEMO_AGENCY } from '../../synth/demo.js';
import {
  areasSection,
  caveatsSection,
  categoriesSection,
  deprivationSection,
  headlineSection,
  heatmapSection,
  hotspotSection,
  measuresSection,
  methodsSection,
  peopleSection,
  recentWeeksSection,
  spcSection,
  trendSection,
} from './sections.js';

export type ReportBuilder = (store: Store | Db, options: ReportOptions) => Promise<ReportDocument>;


const TITLES = { weekly: 'Weekly serious violence report', monthly: 'Monthly serious violence report', quarterly: 'Quarterly performance report to the Violence Reduction Board' } as const;

function metaOf(ctx: ReportContext, kind: 'weekly' | 'monthly' | 'quarterly', demo: boolean): ReportMeta {
  const labels: string[] = [];
  if (demo) labels.push('Demo data: synthetic records, not real people or events');
  if (ctx.options.source === 'police-uk') labels.push('data.police.uk street-level data used as an area-level proxy: it cannot be narrowed to the serious-violence definition');
  if (ctx.options.circulation !== 'internal') labels.push(`Disclosure controlled for ${ctx.options.circulation} circulation`);
  else labels.push('Internal circulation: not disclosure controlled');
  return {
    kind,
    title: `${TITLES[kind]}${ctx.options.source === 'police-uk' ? ' (data.police.uk proxy)' : ''}`,
    periodLabel: ctx.period.label,
    from: ctx.period.from,
    to: ctx.period.to,
    area: ctx.area ? { code: ctx.area.code, name: ctx.area.name } : null,
    definition: ctx.definition,
    sources: ctx.sources,
    generatedAt: ctx.options.now.toISOString(),
    circulation: ctx.options.circulation,
    labels,
  };
}

async function isDemo(store: Db): Promise<boolean> {
  const rows = await store.query(`SELECT COUNT(*) AS n FROM ingest_batches WHERE agency = $1`, [DEMO_AGENCY]);
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * A section that depends on data a store may lack (population, boundaries, people): when its analysis
 * refuses with a known error, the pack is still produced and the caveats say what is missing and why.
 */
async function optional(ctx: ReportContext, title: string, make: () => Promise<ReportSection | null>): Promise<ReportSection | null> {
  try {
    return await make();
  } catch (error) {
    if (!(error instanceof SvoError)) throw error;
    ctx.caveats.push(`${title} is left out: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    return null;
  }
}

async function build(kind: 'weekly' | 'monthly' | 'quarterly', store: Db, options: ReportOptions): Promise<ReportDocument> {
  if (kind === 'weekly' && options.source === 'police-uk') {
    throw new UsageError('a weekly pack needs dated records: data.police.uk gives only the month of each crime', 'use --source police, or a monthly or quarterly pack of the police-uk proxy');
  }
  const ctx = await createContext(store, { ...options, kind });
  const maps = new Map<string, object>();
  const headline = await headlineSection(ctx);
  const sections: (ReportSection | null)[] = [headline.section];
  if (kind === 'weekly') {
    sections.push(await recentWeeksSection(ctx));
    const from = addDays(ctx.period.from, -12 * 7);
    sections.push(await optional(ctx, 'The heat map', () => heatmapSection(ctx, { from, to: ctx.period.to, label: 'the last 13 weeks' })));
    sections.push(await optional(ctx, 'The SPC chart', () => spcSection(ctx)));
  } else {
    sections.push(await optional(ctx, 'The table of success measures', () => measuresSection(ctx)));
    sections.push(await optional(ctx, 'The SPC chart', () => spcSection(ctx)));
    sections.push(await trendSection(ctx, headline.series));
    sections.push(categoriesSection(ctx, headline.categories));
    sections.push(await optional(ctx, 'The comparison of areas', () => areasSection(ctx, kind === 'quarterly')));
    if (kind === 'quarterly') {
      sections.push(await optional(ctx, 'The heat map', () => heatmapSection(ctx, { from: ctx.period.from, to: ctx.period.to, label: ctx.period.label })));
      sections.push(await optional(ctx, 'The hot spot map', () => hotspotSection(ctx, maps as Map<string, never>)));
      sections.push(await optional(ctx, 'The profile of victims and offenders', () => peopleSection(ctx)));
      sections.push(await optional(ctx, 'The deprivation gradient', () => deprivationSection(ctx)));
    }
  }
  sections.push(caveatsSection(ctx));
  if (kind === 'quarterly') sections.push(methodsSection(ctx));
  return {
    meta: metaOf(ctx, kind, await isDemo(store)),
    sections: sections.filter((s): s is ReportSection => s !== null),
    ...(maps.size ? { maps: Object.fromEntries(maps) } : {}),
  };
}

export const buildWeeklyReport: ReportBuilder = (store, options) => build('weekly', store, options);
export const buildMonthlyReport: ReportBuilder = (store, options) => build('monthly', store, options);
export const buildQuarterlyReport: ReportBuilder = (store, options) => build('quarterly', store, options);
