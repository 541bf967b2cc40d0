/**
 * Explore — the five variables of serious violence: nature, victim, perpetrator, time and location.
 * Every bar, cell and row can be clicked (or its "Filter" button pressed) to filter all views.
 */
import { barChartOption } from '../../charts/bar.js';
import { heatmapOption, WEEKDAYS } from '../../charts/heatmap.js';
import { trendChartOption } from '../../charts/trend.js';
import { api, type QueryAnswer, type Row, type TrendsAnswer } from '../api.js';
import { h } from '../dom.js';
import { formatCell, labelOf, type DataTable } from '../format.js';
import { toQuerySpec } from '../state.js';
import type { Context, WidgetDefinition, WidgetResult } from '../widget.js';
import { categoryName, filterValue, orForRole, queryTable, runQuery, topRows } from './common.js';

const valueLabelOf = (context: Context) => (context.filters.under25 ? 'Victims under 25' : 'Incidents');

/** A bar chart of one dimension (sorted by count when `top` is set), clickable to filter on it. */
function breakdown(id: string, title: string, dimension: (context: Context) => string, options: { top?: number; horizontal?: boolean; description?: string } = {}): WidgetDefinition {
  return {
    id,
    title,
    ...(options.description ? { description: options.description } : {}),
    async load(context, signal) {
      const dim = dimension(context);
      const answer = await runQuery(context, { by: [dim] }, signal);
      const rows = options.top ? topRows(answer.rows, options.top) : answer.rows;
      const chart = barChartOption({
        categories: rows.map((r) => categoryName(r[dim], context.names)),
        values: rows.map((r) => r.count as number | string | null),
        horizontal: options.horizontal ?? rows.length > 6,
        valueLabel: valueLabelOf(context),
      });
      const shown = answer.rows.length > rows.length ? ` (top ${rows.length} of ${answer.rows.length})` : '';
      return {
        table: { ...queryTable(`${title}${shown}`, { columns: answer.columns, rows }), title: `${title}${shown}` },
        chart,
        chartHeight: Math.max(240, (options.horizontal ?? rows.length > 6) ? rows.length * 22 + 60 : 280),
        filterOf: (row) => {
          const value = filterValue(row[dim]);
          return value === null ? null : [{ dimension: dim, value }];
        },
        caveats: answer.caveats,
      };
    },
  };
}

interface PeopleAnswer {
  profile: Row[];
  columns?: { name: string; type: string }[];
  repeat: { people: number; times_seen: { band: string; people: number }[]; incidents: number; repeat_incidents: number; repeat_share: number | null; top_counts: number[] } | null;
  caveats: string[];
}

/** Age band × sex of victims or offenders (POST /api/people; viewers: the disclosure-controlled query). */
function profile(role: 'victims' | 'offenders'): WidgetDefinition {
  const prefix = role === 'victims' ? 'victim' : 'offender';
  const title = role === 'victims' ? 'Victims by age band and sex' : 'Offenders (suspects) by age band and sex';
  return {
    id: `${prefix}-profile`,
    title,
    async load(context, signal) {
      const spec = toQuerySpec(context.filters);
      const { measure: _measure, by: _by, ...filters } = spec;
      const answer = await orForRole<PeopleAnswer>(
        () => api.post<PeopleAnswer>('/api/people', { ...filters, role }, signal),
        async () => {
          const q = await runQuery(context, { by: [`${prefix}_age_band`, `${prefix}_sex`], measure: role }, signal);
          return { profile: q.rows, repeat: null, caveats: q.caveats };
        },
      );
      const rows = answer.profile.filter((r) => r.count !== 0);
      const label = (r: Row) => `${r[`${prefix}_age_band`] ?? 'unknown'} · ${r[`${prefix}_sex`] ?? 'unknown'}`;
      const table: DataTable = {
        title,
        columns: [
          { key: `${prefix}_age_band`, label: 'Age band', type: 'text' },
          { key: `${prefix}_sex`, label: 'Sex', type: 'text' },
          { key: 'count', label: role === 'victims' ? 'Victims' : 'Offenders', type: 'integer' },
        ],
        rows,
      };
      const result: WidgetResult = {
        table,
        chart: barChartOption({ categories: rows.map(label), values: rows.map((r) => r.count as number | string | null), horizontal: true, valueLabel: labelOf(role) }),
        chartHeight: rows.length * 20 + 60,
        filterOf: (row) => {
          const band = filterValue(row[`${prefix}_age_band`]);
          const sex = filterValue(row[`${prefix}_sex`]);
          return band === null || sex === null ? null : [{ dimension: `${prefix}_age_band`, value: band }, { dimension: `${prefix}_sex`, value: sex }];
        },
        caveats: answer.caveats,
      };
      return result;
    },
  };
}

/** Repeat victimisation / offending: how many incidents each identified person was involved in. */
function repeat(role: 'victims' | 'offenders'): WidgetDefinition {
  const title = role === 'victims' ? 'Repeat victims' : 'Repeat offenders (suspects)';
  return {
    id: `${role}-repeat`,
    title,
    description: 'People by the number of incidents they were involved in during the period (pseudonymous keys; no identities).',
    async load(context, signal) {
      const { measure: _m, by: _b, ...filters } = toQuerySpec(context.filters);
      const answer = await api.post<PeopleAnswer>('/api/people', { ...filters, role }, signal);
      const r = answer.repeat!;
      const lead = h(
        'p',
        { class: 'subject' },
        `${formatCell(r.people, { type: 'integer' })} identified ${role}; ${formatCell(r.repeat_incidents, { type: 'integer' })} of ${formatCell(r.incidents, { type: 'integer' })} incidents (${formatCell(r.repeat_share, { type: 'percent' })}) involve someone seen in two or more.`,
      );
      return {
        lead,
        table: { title, columns: [{ key: 'band', label: 'Incidents per person', type: 'text' }, { key: 'people', label: 'People', type: 'integer' }], rows: r.times_seen },
        chart: barChartOption({ categories: r.times_seen.map((t) => t.band), values: r.times_seen.map((t) => t.people), valueLabel: 'People' }),
        chartHeight: 240,
        caveats: answer.caveats,
      };
    },
  };
}

const journey: WidgetDefinition = {
  id: 'journey',
  title: 'Journey to crime',
  description: 'Distance from offenders’ home LSOA centroid to the offence.',
  async load(context, signal) {
    const { by: _b, measure: _m, ...filters } = toQuerySpec(context.filters);
    const answer = await api.post<QueryAnswer & { summary: { medianM: number | null; sameLsoa: { share: number | null }; offenders: number } }>('/api/spatial/journey', filters, signal);
    const lead = h(
      'p',
      { class: 'subject' },
      `Median distance ${formatCell(answer.summary.medianM, { type: 'integer' })} m; ${formatCell(answer.summary.sameLsoa.share, { type: 'percent' })} offended in their home LSOA (${formatCell(answer.summary.offenders, { type: 'integer' })} offenders).`,
    );
    return {
      lead,
      table: queryTable('Journey to crime by distance band', answer, { share: { type: 'percent' }, cumulative_share: { type: 'percent' } }),
      chart: barChartOption({ categories: answer.rows.map((r) => String(r.distance_band)), values: answer.rows.map((r) => r.offenders as number), valueLabel: 'Offenders', horizontal: true }),
      chartHeight: answer.rows.length * 22 + 60,
      caveats: answer.caveats,
    };
  },
};

const trend: WidgetDefinition = {
  id: 'trend',
  title: 'Monthly trend',
  description: 'Monthly counts with the rolling 12-month total.',
  wide: true,
  async load(context, signal) {
    const spec = toQuerySpec(context.filters);
    const answer = await orForRole<{ series: TrendsAnswer['series']; caveats: string[] }>(
      () => api.post<TrendsAnswer>('/api/trends', spec, signal),
      async () => {
        const q = await runQuery(context, { by: ['month'] }, signal);
        return { series: q.rows.map((r) => ({ month: String(r.month), count: r.count as number, rolling_12m: null })), caveats: q.caveats };
      },
    );
    const table: DataTable = {
      title: 'Monthly trend',
      columns: [
        { key: 'month', label: 'Month', type: 'text' },
        { key: 'count', label: valueLabelOf(context), type: 'integer' },
        { key: 'rolling_12m', label: 'Rolling 12-month total', type: 'integer' },
      ],
      rows: answer.series,
    };
    return {
      table,
      chart: trendChartOption(answer.series, { valueLabel: valueLabelOf(context) }),
      chartHeight: 300,
      filterOf: (row) => (row.month ? [{ dimension: 'month', value: String(row.month) }] : null),
      caveats: answer.caveats,
    };
  },
};

const dayHour: WidgetDefinition = {
  id: 'day-hour',
  title: 'Day of week × hour of day',
  wide: true,
  async load(context, signal) {
    const answer = await runQuery(context, { by: ['day_of_week', 'hour'] }, signal);
    const chart = heatmapOption(
      answer.rows.map((r) => ({ day_of_week: r.day_of_week as string, hour: r.hour as number, value: r.count as number | string | null })),
      { valueLabel: valueLabelOf(context) },
    );
    return {
      table: queryTable('Day of week × hour of day', answer),
      chart,
      chartHeight: 320,
      maxRows: 168,
      rowOfClick: (click) => {
        const [hour, day] = click.value as [number, number];
        return answer.rows.find((r) => r.hour === hour && r.day_of_week === WEEKDAYS[day]) ?? null;
      },
      filterOf: (row) => (row.day_of_week === null || row.hour === null ? null : [{ dimension: 'day_of_week', value: String(row.day_of_week) }, { dimension: 'hour', value: String(row.hour) }]),
      caveats: answer.caveats,
    };
  },
};

const areaRanking = breakdown('lsoa-ranking', 'Neighbourhoods (LSOA) with the most', () => 'lsoa', { top: 20, horizontal: true });

export interface ExploreSection {
  id: string;
  title: string;
  widgets: WidgetDefinition[];
}

export const exploreSections: ExploreSection[] = [
  {
    id: 'nature',
    title: 'Nature',
    widgets: [
      breakdown('category', 'By serious violence category', (c) => (c.filters.source === 'police-uk' ? 'crime_type' : 'sv_category')),
      breakdown('knife', 'Knife or sharp instrument', () => 'knife_enabled', { horizontal: false }),
      breakdown('hocr', 'By HOCR offence code', () => 'hocr_code', { top: 20, horizontal: true }),
      breakdown('location-type', 'By location type', () => 'location_type', { top: 15, horizontal: true }),
    ],
  },
  { id: 'victim', title: 'Victim', widgets: [profile('victims'), repeat('victims')] },
  { id: 'perpetrator', title: 'Perpetrator', widgets: [profile('offenders'), repeat('offenders'), journey] },
  { id: 'time', title: 'Time', widgets: [trend, dayHour] },
  { id: 'location', title: 'Location', widgets: [areaRanking, breakdown('lad-ranking', 'By local authority district', () => 'lad', { top: 20, horizontal: true })] },
];
