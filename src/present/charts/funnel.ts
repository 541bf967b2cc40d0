/**
 * Funnel plot (Spiegelhalter 2005): each area's rate against its population, with the overall rate and
 * the 95% and 99.8% limits drawn as curves, the points coloured and shaped by where they fall.
 */
import type { EChartsOption } from 'echarts';
import type { AreasResult } from '../../analysis/places.js';
import { funnelLimits, type FunnelPosition } from '../../core/stats/funnel.js';
import { baseOption, LINE_ICON, round, type BaseOptions } from './common.js';
import { FUNNEL_STYLE, OKABE_ITO, REFERENCE_LINE } from './palette.js';

export type FunnelInput = Pick<AreasResult, 'overall' | 'rows' | 'unit'> & { spec?: { per: number } };

export interface FunnelChartOptions extends BaseOptions {
  /** Display names by area code. */
  names?: Record<string, string>;
  /** Rate per (defaults to the spec's `per`, else 1,000). */
  per?: number;
  valueLabel?: string;
  /** Label the areas outside the 99.8% limits on the chart. */
  labelOutliers?: boolean;
}

const POSITIONS: FunnelPosition[] = ['above_99.8', 'above_95', 'within', 'below_95', 'below_99.8'];
const CURVE_STEPS = 60;

export function funnelPlotOption(areas: FunnelInput, options: FunnelChartOptions = {}): EChartsOption {
  const per = options.per ?? areas.spec?.per ?? 1000;
  const populations = areas.rows.map((r) => r.population).filter((p) => p > 0);
  const maxPopulation = Math.max(1, ...populations) * 1.05;
  const minPopulation = Math.max(1, Math.min(maxPopulation / 50, ...populations) * 0.8);
  // Limits along the x-axis, spaced evenly on a log scale so the narrow end is smooth as well.
  const xs = Array.from({ length: CURVE_STEPS + 1 }, (_, i) => minPopulation * (maxPopulation / minPopulation) ** (i / CURVE_STEPS));
  const limits = xs.map((x) => ({ x, ...funnelLimits(areas.overall.rate, x, per) }));
  const curve = (name: string, key: 'lower95' | 'upper95' | 'lower998' | 'upper998', dashed: boolean) => ({
    name,
    type: 'line' as const,
    data: limits.map((l) => [round(l.x, 0), round(l[key], 4)]),
    symbol: 'none',
    silent: true,
    lineStyle: { color: REFERENCE_LINE, width: 1, type: dashed ? ('dashed' as const) : ('solid' as const) },
    itemStyle: { color: REFERENCE_LINE },
    z: 1,
  });
  const outside = areas.rows.filter((r) => r.position !== 'within').length;
  const description =
    options.description ??
    `Funnel plot of ${areas.rows.length} areas' rates per ${per.toLocaleString('en-GB')} against population; overall rate ${round(areas.overall.rate, 2)}; ${outside} area(s) outside the 95% limits.`;
  const nameOf = (code: string) => options.names?.[code] ?? code;
  return {
    ...baseOption({ ...options, description }),
    legend: {
      bottom: 0,
      data: [
        ...POSITIONS.filter((p) => areas.rows.some((r) => r.position === p)).map((p) => ({ name: FUNNEL_STYLE[p].label, icon: FUNNEL_STYLE[p].symbol })),
        { name: 'Overall rate', icon: LINE_ICON },
        { name: '95% limits', icon: LINE_ICON },
        { name: '99.8% limits', icon: LINE_ICON },
      ],
    },
    grid: { left: 64, right: 24, top: options.title ? 40 : 16, bottom: 96 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: 'Population', nameLocation: 'middle', nameGap: 28, min: 0 },
    yAxis: { type: 'value', name: options.valueLabel ?? `Rate per ${per.toLocaleString('en-GB')}`, nameLocation: 'middle', nameGap: 44, min: 0 },
    series: [
      {
        name: 'Overall rate',
        type: 'line',
        data: [
          [0, round(areas.overall.rate, 4)],
          [round(maxPopulation, 0), round(areas.overall.rate, 4)],
        ],
        symbol: 'none',
        silent: true,
        lineStyle: { color: OKABE_ITO.black, width: 1.5 },
        itemStyle: { color: OKABE_ITO.black },
      },
      curve('95% limits', 'upper95', true),
      curve('95% limits', 'lower95', true),
      curve('99.8% limits', 'upper998', false),
      curve('99.8% limits', 'lower998', false),
      ...POSITIONS.filter((p) => areas.rows.some((r) => r.position === p)).map((position) => ({
        name: FUNNEL_STYLE[position].label,
        type: 'scatter' as const,
        symbol: FUNNEL_STYLE[position].symbol,
        symbolSize: position === 'within' ? 7 : 10,
        itemStyle: { color: FUNNEL_STYLE[position].colour, borderColor: '#FFFFFF', borderWidth: 0.5 },
        z: 3,
        labelLayout: { hideOverlap: true },
        label: {
          show: (options.labelOutliers ?? true) && (position === 'above_99.8' || position === 'below_99.8'),
          position: 'right' as const,
          fontSize: 9,
          formatter: '{b}',
        },
        data: areas.rows.filter((r) => r.position === position).map((r) => ({ name: nameOf(r.area), value: [r.population, round(r.rate, 4)] })),
      })),
    ],
  };
}
