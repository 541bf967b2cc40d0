/**
 * ECharts for the browser: only the chart types and components the option builders of
 * src/present/charts use, drawn on canvas (so a chart can be saved as PNG with getDataURL).
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export interface ChartClick {
  name: string;
  dataIndex: number;
  seriesIndex: number;
  value: unknown;
}

export interface MountedChart {
  update(option: EChartsOption): void;
  pngDataUrl(): string;
  dispose(): void;
}

/**
 * HTML tooltips carry inline style attributes, which the dashboard's CSP (style-src 'self') refuses;
 * rich-text tooltips are drawn on the canvas instead.
 */
function withCanvasTooltip(option: EChartsOption): EChartsOption {
  const tooltip = option.tooltip;
  if (!tooltip) return option;
  const canvas = (t: object) => ({ ...t, renderMode: 'richText' as const });
  return { ...option, tooltip: Array.isArray(tooltip) ? tooltip.map(canvas) : canvas(tooltip) };
}

export function mountChart(element: HTMLElement, onClick?: (click: ChartClick) => void): MountedChart {
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  if (onClick) chart.on('click', (params) => onClick(params as unknown as ChartClick));
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return {
    update: (option) => chart.setOption(withCanvasTooltip(option), { notMerge: true }),
    pngDataUrl: () => chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' }),
    dispose: () => {
      resize.disconnect();
      chart.dispose();
    },
  };
}
