/** Chart option builders (pure: shared by the reports and the browser dashboard). SSR lives in ./ssr.ts (Node only). */
export { OKABE_ITO, SERIES_COLOURS, SIGNAL_STYLE, HOTSPOT_STYLE, FUNNEL_STYLE, SEQUENTIAL, NEUTRAL } from './palette.js';
export { baseOption, plotted, isSuppressed, type ChartValue } from './common.js';
export { spcChartOption, type SpcChartInput, type SpcChartOptions } from './spc.js';
export { trendChartOption, type TrendPoint, type TrendChartOptions } from './trend.js';
export { barChartOption, type BarChartInput } from './bar.js';
export { heatmapOption, WEEKDAYS, type HeatmapCell } from './heatmap.js';
export { funnelPlotOption, type FunnelInput, type FunnelChartOptions } from './funnel.js';
export { choroplethOption, classBreaks, hotspotMapOption, type HotspotClasses, type MapOptions } from './maps.js';
