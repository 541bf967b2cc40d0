/**
 * Areas: CSP or LAD rates with Spiegelhalter funnel limits (POST /api/areas), as a table and a funnel
 * plot. Viewers get the disclosure-controlled rates by area from POST /api/query instead.
 */
import { funnelPlotOption } from '../../charts/funnel.js';
import { api, type QueryAnswer } from '../api.js';
import type { DataTable } from '../format.js';
import { toQuerySpec } from '../state.js';
import type { WidgetDefinition } from '../widget.js';
import { orForRole, runQuery } from './common.js';

interface AreasAnswer {
  unit: 'lad' | 'csp';
  overall: { count: number; population: number; rate: number };
  rows: { area: string; count: number; population: number; rate: number; rate_lower: number | null; rate_upper: number | null; expected: number; funnel_lower_95: number; funnel_upper_95: number; funnel_lower_998: number; funnel_upper_998: number; position: 'above_99.8' | 'above_95' | 'within' | 'below_95' | 'below_99.8' }[];
  spec: { per: number };
  caveats: string[];
}

const POSITION_TEXT: Record<string, string> = {
  'above_99.8': '▲ above 99.8% limit',
  above_95: '◆ above 95% limit',
  within: '● within limits',
  below_95: '■ below 95% limit',
  'below_99.8': '▼ below 99.8% limit',
};

export const areaWidgets: WidgetDefinition[] = [
  {
    id: 'areas',
    title: 'Area comparison with funnel limits',
    description: 'Rates per 1,000 residents. Areas outside the funnel differ from the overall rate by more than chance would explain.',
    wide: true,
    async load(context, signal) {
      const unit = context.filters.areaUnit;
      const unitName = unit === 'csp' ? 'Community Safety Partnership' : 'Local authority district';
      const { by: _b, measure: _m, ...filters } = toQuerySpec(context.filters, { without: [unit] });
      const answer = await orForRole<AreasAnswer | QueryAnswer>(
        () => api.post<AreasAnswer>('/api/areas', { ...filters, unit }, signal),
        () => runQuery(context, { by: [unit], measure: 'rate', without: [unit] }, signal),
      );
      const filterOf = (row: Record<string, unknown>) => {
        const code = row.area ?? row[unit];
        return typeof code === 'string' ? [{ dimension: unit, value: code }] : null;
      };
      if (!('overall' in answer)) {
        // Disclosure-controlled rates (no funnel limits for this role).
        const table: DataTable = {
          title: `Rates by ${unitName.toLowerCase()}`,
          columns: [
            { key: unit, label: unitName, type: 'text' },
            { key: 'count', label: 'Count', type: 'integer' },
            { key: 'population', label: 'Population', type: 'integer' },
            { key: 'rate', label: 'Rate per 1,000', type: 'decimal', digits: 2 },
          ],
          rows: answer.rows,
        };
        return { table, caveats: [...answer.caveats, 'funnel limits are not available for your role'] };
      }
      const rows = answer.rows.map((r) => ({ ...r, name: context.names.get(r.area) ?? r.area, position_text: POSITION_TEXT[r.position] ?? r.position }));
      const table: DataTable = {
        title: `Rates by ${unitName.toLowerCase()}`,
        columns: [
          { key: 'area', label: unitName, type: 'text' },
          { key: 'count', label: 'Count', type: 'integer' },
          { key: 'population', label: 'Population', type: 'integer' },
          { key: 'rate', label: `Rate per ${answer.spec.per.toLocaleString('en-GB')}`, type: 'decimal', digits: 2 },
          { key: 'rate_lower', label: 'Lower 95% CI', type: 'decimal', digits: 2 },
          { key: 'rate_upper', label: 'Upper 95% CI', type: 'decimal', digits: 2 },
          { key: 'expected', label: 'Expected', type: 'decimal', digits: 1 },
          { key: 'position_text', label: 'Funnel position', type: 'text' },
        ],
        rows,
      };
      const names = Object.fromEntries(answer.rows.map((r) => [r.area, context.names.get(r.area) ?? r.area]));
      return {
        table,
        chart: funnelPlotOption(answer, { names, per: answer.spec.per, labelOutliers: true, valueLabel: 'Rate per 1,000' }),
        chartHeight: 380,
        filterOf,
        // Funnel points are named by area (the curves are silent), so a click finds its row by name.
        rowOfClick: (click) => rows.find((r) => names[r.area] === click.name) ?? null,
        caveats: [...answer.caveats, `overall rate ${answer.overall.rate.toFixed(2)} per ${answer.spec.per.toLocaleString('en-GB')} (${answer.overall.count.toLocaleString('en-GB')} in a population of ${answer.overall.population.toLocaleString('en-GB')})`],
      };
    },
  },
];
