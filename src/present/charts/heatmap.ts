/** Day of week (Monday first, top to bottom) × hour of day heat map, every cell labelled with its value. */
import type { EChartsOption } from 'echarts';
import { baseOption, isSuppressed, type BaseOptions, type ChartValue } from './common.js';
import { NEUTRAL, SEQUENTIAL } from './palette.js';

/** Value given to a suppressed cell: outside the colour scale (which starts at 0). */
const SUPPRESSED_CELL = -1;

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export interface HeatmapCell {
  /** 'Monday' … 'Sunday', or 1 (Monday) … 7 (Sunday), as the query layer shows `day_of_week`. */
  day_of_week: string | number | null;
  hour: number | null;
  value: ChartValue;
}

function dayIndex(day: string | number | null): number {
  if (typeof day === 'number') return day - 1;
  if (day === null) return -1;
  return WEEKDAYS.findIndex((d) => d.toLowerCase().startsWith(day.trim().toLowerCase().slice(0, 3)));
}

export function heatmapOption(cells: readonly HeatmapCell[], options: BaseOptions & { valueLabel?: string } = {}): EChartsOption {
  const data: { value: [number, number, number]; label?: { formatter: string } }[] = [];
  let max = 0;
  for (const c of cells) {
    const y = dayIndex(c.day_of_week);
    if (y < 0 || c.hour === null || c.hour < 0 || c.hour > 23) continue;
    if (typeof c.value === 'number') {
      max = Math.max(max, c.value);
      data.push({ value: [c.hour, y, c.value] });
    } else if (isSuppressed(c.value)) {
      // Below the visual map's range, so it is drawn in the neutral out-of-range grey and labelled '*'.
      data.push({ value: [c.hour, y, SUPPRESSED_CELL], label: { formatter: '*' } });
    }
  }
  const description =
    options.description ?? `Heat map of ${options.valueLabel ?? 'counts'} by day of week (Monday first) and hour of day; darker cells are higher.`;
  return {
    ...baseOption({ ...options, description }),
    grid: { left: 80, right: 16, top: options.title ? 40 : 12, bottom: 72 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), name: 'Hour', nameLocation: 'middle', nameGap: 24, splitArea: { show: true } },
    yAxis: { type: 'category', data: [...WEEKDAYS], inverse: true, splitArea: { show: true } },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: Math.max(1, max),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 160,
      text: ['high', 'low'],
      inRange: { color: [...SEQUENTIAL] },
      outOfRange: { color: NEUTRAL },
    },
    series: [
      {
        type: 'heatmap',
        name: options.valueLabel ?? 'Count',
        data,
        // Values printed in the cells: the number itself is the non-colour cue.
        label: { show: true, fontSize: 8 },
        itemStyle: { borderColor: '#FFFFFF', borderWidth: 1 },
      },
    ],
  };
}
