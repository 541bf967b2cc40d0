/** Category breakdowns as bars, each labelled with its value ('*' where disclosure control suppressed it). */
import type { EChartsOption } from 'echarts';
import { baseOption, isSuppressed, plotted, type ChartValue } from './common.js';
import { OKABE_ITO } from './palette.js';

export interface BarChartInput {
  categories: readonly string[];
  values: readonly ChartValue[];
  title?: string;
  /** Categories down the side (long names, many categories). */
  horizontal?: boolean;
  valueLabel?: string;
  description?: string;
  /** Digits shown in the value labels. */
  digits?: number;
}

export function barChartOption(input: BarChartInput): EChartsOption {
  const { categories, values, horizontal = false } = input;
  const digits = input.digits ?? 0;
  const description =
    input.description ?? `Bar chart of ${input.valueLabel ?? 'values'} for ${categories.length} categories${input.title ? `: ${input.title}` : ''}.`;
  const categoryAxis = { type: 'category' as const, data: [...categories], inverse: horizontal, axisLabel: { interval: 0, rotate: !horizontal && categories.length > 12 ? 30 : 0 } };
  const valueAxis = { type: 'value' as const, name: input.valueLabel ?? '', nameLocation: 'middle' as const, nameGap: horizontal ? 28 : 52 };
  return {
    ...baseOption({ title: input.title, description }),
    grid: { left: horizontal ? 8 : 68, right: 40, top: input.title ? 40 : 16, bottom: horizontal ? 40 : 24, containLabel: horizontal || categories.length > 8 },
    tooltip: { trigger: 'axis' },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      {
        type: 'bar',
        name: input.valueLabel ?? 'Value',
        itemStyle: { color: OKABE_ITO.blue },
        label: { show: true, position: horizontal ? 'right' : 'top', fontSize: 10 },
        data: values.map((v) => {
          // Values are labelled as text so the printed figure equals the table's, suppressed ones as '*'.
          if (isSuppressed(v)) return { value: 0, label: { show: true, formatter: '*' } };
          const n = plotted(v);
          return n === '-' ? { value: '-' } : { value: n, label: { show: true, formatter: n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) } };
        }),
      },
    ],
  };
}
