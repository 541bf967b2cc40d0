/**
 * Monthly counts as bars with the rolling 12-month total as a line on its own axis (the rolling total
 * takes seasonality out, so the line shows the direction of travel).
 */
import type { EChartsOption } from 'echarts';
import type { SeriesPoint } from '../../analysis/trends.js';
import { baseOption, LINE_ICON, plotted, type BaseOptions, type ChartValue } from './common.js';
import { OKABE_ITO } from './palette.js';

/** A series point of runTrends; `count` may be '*' after disclosure control. */
export type TrendPoint = Omit<SeriesPoint, 'count' | 'rolling_12m'> & { count: ChartValue; rolling_12m: ChartValue };

export interface TrendChartOptions extends BaseOptions {
  valueLabel?: string;
}

export function trendChartOption(series: readonly TrendPoint[], options: TrendChartOptions = {}): EChartsOption {
  const months = series.map((p) => p.month);
  const description =
    options.description ??
    `Monthly ${options.valueLabel ?? 'counts'} from ${months[0] ?? '—'} to ${months.at(-1) ?? '—'} as bars, with the rolling 12-month total as a line.`;
  return {
    ...baseOption({ ...options, description }),
    legend: { bottom: 0, data: [{ name: 'Monthly', icon: 'rect' }, { name: 'Rolling 12-month total', icon: LINE_ICON }] },
    grid: { left: 56, right: 64, top: options.title ? 40 : 24, bottom: months.length > 18 ? 96 : 64 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: months, axisLabel: { rotate: months.length > 18 ? 45 : 0 } },
    yAxis: [
      { type: 'value', name: options.valueLabel ?? 'Monthly', nameLocation: 'middle', nameGap: 40 },
      { type: 'value', name: 'Rolling 12 months', nameLocation: 'middle', nameGap: 48, splitLine: { show: false } },
    ],
    series: [
      { name: 'Monthly', type: 'bar', data: series.map((p) => plotted(p.count)), itemStyle: { color: OKABE_ITO.skyBlue }, barCategoryGap: '20%' },
      {
        name: 'Rolling 12-month total',
        type: 'line',
        yAxisIndex: 1,
        data: series.map((p) => plotted(p.rolling_12m)),
        symbol: 'circle',
        symbolSize: 4,
        lineStyle: { color: OKABE_ITO.black, width: 2 },
        itemStyle: { color: OKABE_ITO.black },
        connectNulls: false,
      },
    ],
  };
}
