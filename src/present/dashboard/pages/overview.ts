/**
 * Overview: is serious violence going up or down? The latest month, quarter and 12 months against the
 * same period a year earlier and a baseline (POST /api/trends: rate ratios, exact CIs, verdict
 * sentences), the Home Office success measures (POST /api/measures) and the SPC chart of the monthly
 * series (POST /api/spc, Making Data Count colours). Viewers get the disclosure-controlled counts.
 */
import { spcChartOption } from '../../charts/spc.js';
import { api, type Comparison, type QueryAnswer, type SpcAnswer, type TrendsAnswer } from '../api.js';
import { h } from '../dom.js';
import { formatCell, labelOf, type DataTable } from '../format.js';
import { describeSubject, headlinePeriods, toQuerySpec } from '../state.js';
import type { WidgetDefinition } from '../widget.js';
import { baselineYear, definitionLabel, latestMonth, orForRole, queryTable } from './common.js';

const TONE: Record<string, string> = { significant_increase: 'concern', significant_decrease: 'improvement' };

function comparisonText(c: Comparison | undefined): string {
  if (!c) return 'no comparison';
  return `${c.sentence} (${formatCell(c.reference_count, { type: 'integer' })} in ${c.reference_from} to ${c.reference_to})`;
}

const headline: WidgetDefinition = {
  id: 'headline',
  title: 'Serious violence: latest month, quarter and 12 months',
  description: 'Each period against the same period a year earlier and the baseline, with 95% confidence intervals.',
  wide: true,
  async load(context, signal) {
    const latest = latestMonth(context);
    if (!latest) throw new Error('no records of this source are loaded yet');
    const baseline = baselineYear(context);
    const base = toQuerySpec(context.filters, { withoutPeriod: true });
    if (context.filters.to) (base as { to?: string }).to = context.filters.to;
    const periods = headlinePeriods(latest);
    const answers = await orForRole(
      () =>
        Promise.all(
          periods.map((p) => api.post<TrendsAnswer>('/api/trends', { ...base, ...(p.period ? { period: p.period } : {}), ...(baseline ? { baseline } : {}) }, signal)),
        ),
      // Viewers: disclosure-controlled counts of whole calendar periods (no significance test); the
      // year is the calendar year to the latest month when it is December, else the year before.
      async () => {
        const year = latest.endsWith('-12') ? latest.slice(0, 4) : String(Number(latest.slice(0, 4)) - 1);
        const ranges = [
          { period: latest, label: periods[0]!.label },
          { period: periods[1]!.period!, label: periods[1]!.label },
          { period: year, label: `Year (${year})` },
        ];
        return Promise.all(
          ranges.map(async (r) => {
            const answer = await api.post<QueryAnswer>('/api/query', { ...base, from: r.period, to: r.period }, signal);
            return { definition: answer.definition, period: { from: r.period, to: r.period, label: r.label }, comparisons: [], series: [], caveats: answer.caveats, count: answer.rows[0]?.count ?? 0 } as TrendsAnswer & { count: unknown };
          }),
        );
      },
    );
    const definition = answers[0]?.definition ?? null;
    const subject = describeSubject(context.filters, definitionLabel(definition));
    const tiles = h(
      'div',
      { class: 'tiles' },
      answers.map((answer, i) => {
        const previous = answer.comparisons.find((c) => c.comparison === 'previous_year');
        const vsBaseline = answer.comparisons.find((c) => c.comparison === 'baseline');
        const count = previous?.current_count ?? (answer as TrendsAnswer & { count?: unknown }).count ?? null;
        const tone = TONE[previous?.verdict ?? ''] ?? 'neutral';
        return h(
          'article',
          { class: `tile ${tone}` },
          h('h3', {}, answer.comparisons.length ? periods[i]!.label : answer.period.label),
          h('p', { class: 'figure' }, formatCell(count as number | string | null, { type: 'integer' })),
          previous ? h('p', {}, h('strong', {}, 'vs last year: '), comparisonText(previous)) : h('p', {}, 'Comparisons with significance tests are not available for your role.'),
          vsBaseline ? h('p', {}, h('strong', {}, `vs baseline ${baseline}: `), comparisonText(vsBaseline)) : null,
        );
      }),
    );
    const lead = h('div', {}, h('p', { class: 'subject' }, subject), tiles);
    const table: DataTable = {
      title: 'Headline comparisons',
      columns: [
        { key: 'period', label: 'Period', type: 'text' },
        { key: 'comparison', label: 'Comparison', type: 'text' },
        { key: 'current_count', label: 'Count', type: 'integer' },
        { key: 'reference', label: 'Reference period', type: 'text' },
        { key: 'reference_count', label: 'Reference count', type: 'integer' },
        { key: 'rate_ratio', label: 'Rate ratio', type: 'decimal', digits: 3 },
        { key: 'ratio_lower', label: 'Lower 95% CI', type: 'decimal', digits: 3 },
        { key: 'ratio_upper', label: 'Upper 95% CI', type: 'decimal', digits: 3 },
        { key: 'p_value', label: 'p-value', type: 'decimal', digits: 4 },
        { key: 'sentence', label: 'Verdict', type: 'text' },
      ],
      rows: answers.flatMap((answer): Record<string, string | number | null>[] =>
        answer.comparisons.length
          ? answer.comparisons.map((c) => ({
              period: `${c.current_from} to ${c.current_to}`,
              comparison: labelOf(c.comparison),
              current_count: c.current_count,
              reference: `${c.reference_from} to ${c.reference_to}`,
              reference_count: c.reference_count,
              rate_ratio: c.rate_ratio,
              ratio_lower: c.ratio_lower,
              ratio_upper: c.ratio_upper,
              p_value: c.p_value,
              sentence: c.sentence,
            }))
          : [{ period: answer.period.label, comparison: null, current_count: ((answer as TrendsAnswer & { count?: unknown }).count ?? null) as number | null, reference: null, reference_count: null, rate_ratio: null, ratio_lower: null, ratio_upper: null, p_value: null, sentence: null }],
      ),
    };
    const caveats = [...new Set(answers.flatMap((a) => a.caveats))];
    if (!baseline) caveats.push('no baseline: the data do not cover a whole calendar year before the latest one');
    return { table, lead, caveats };
  },
};

const measures: WidgetDefinition = {
  id: 'measures',
  title: 'Home Office success measures',
  description: 'The VRU success measures for the 12 months to the latest data, against the year before and the baseline.',
  wide: true,
  async load(context, signal) {
    const baseline = baselineYear(context);
    const answer = await api.post<{ rows: Record<string, string | number | null>[]; caveats: string[]; period: { label: string } | null }>(
      '/api/measures',
      { ...(context.filters.definition ? { definition: context.filters.definition } : {}), ...(baseline ? { baseline } : {}) },
      signal,
    );
    const table: DataTable = {
      title: `Success measures${answer.period ? `, ${answer.period.label}` : ''}`,
      columns: [
        { key: 'description', label: 'Measure', type: 'text' },
        { key: 'comparison', label: 'Comparison', type: 'text' },
        { key: 'current_count', label: 'Count', type: 'integer' },
        { key: 'rate', label: 'Rate', type: 'decimal', digits: 1 },
        { key: 'rate_per', label: 'Rate per', type: 'integer' },
        { key: 'reference_count', label: 'Reference count', type: 'integer' },
        { key: 'sentence', label: 'Verdict', type: 'text' },
      ],
      rows: answer.rows.map((r) => ({ ...r, comparison: r.comparison ? labelOf(String(r.comparison)) : null })),
    };
    return { table, caveats: answer.caveats };
  },
};

const spc: WidgetDefinition = {
  id: 'spc',
  title: 'Statistical process control chart (monthly)',
  description: 'XmR chart as in Making Data Count: ▲ blue = improvement, ◆ orange = concern, ● grey = common cause variation.',
  wide: true,
  async load(context, signal) {
    const answer = await api.post<SpcAnswer>('/api/spc', toQuerySpec(context.filters), signal);
    const chart = spcChartOption({ rows: answer.rows as never }, { valueLabel: context.filters.under25 ? 'Victims under 25' : 'Incidents' });
    return { table: queryTable('SPC chart data', answer, { signal: { type: 'text' }, rule: { type: 'text' }, value: { type: 'integer' }, mean: { digits: 1 }, lower: { digits: 1 }, upper: { digits: 1 } }), chart, chartHeight: 340, caveats: answer.caveats };
  },
};

export const overviewWidgets: WidgetDefinition[] = [headline, spc, measures];
