/**
 * What every chart option shares: no animation (print and SSR draw the final frame), ARIA on (ECharts
 * writes a description of the chart into the SVG's aria-label), the Okabe–Ito colours, a readable
 * font. Options stay plain JSON — no formatter functions — so they can be serialised into the HTML
 * report, sent to the browser dashboard and compared in golden tests.
 */
import type { EChartsOption } from 'echarts';
import { SERIES_COLOURS } from './palette.js';

/** A value as the analysis layer hands it over: a number, '*' when disclosure control suppressed it, or null. */
export type ChartValue = number | string | null;

/** ECharts' marker for a missing data point. */
export const MISSING = '-';

export const FONT_FAMILY = 'system-ui, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif'; // unquoted: it is written inside an SVG style attribute

export interface BaseOptions {
  title?: string;
  /** Text for screen readers; ECharts' generated description is used when absent. */
  description?: string;
}

export function baseOption(options: BaseOptions): EChartsOption {
  return {
    animation: false,
    aria: {
      enabled: true,
      ...(options.description ? { label: { description: options.description } } : {}),
    },
    color: [...SERIES_COLOURS],
    textStyle: { fontFamily: FONT_FAMILY, fontSize: 12, color: '#1A1A1A' },
    ...(options.title ? { title: { text: options.title, left: 'center', textStyle: { fontSize: 14, fontWeight: 'bold' } } } : {}),
  };
}

/** A number for the chart, or ECharts' missing marker for a suppressed or absent value. */
export function plotted(value: ChartValue | undefined): number | typeof MISSING {
  return typeof value === 'number' && Number.isFinite(value) ? value : MISSING;
}

/** True when a value was suppressed by disclosure control (shown as '*', not plotted). */
export function isSuppressed(value: ChartValue | undefined): boolean {
  return typeof value === 'string' && value.trim() === '*';
}

/** Rounds for display in labels so SVG text is stable across engines (floating noise never shows). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Legend icon for a line series: a thin bar (a zero-height path makes ECharts' legend layout NaN). */
export const LINE_ICON = 'path://M0,4L24,4L24,6L0,6Z';
