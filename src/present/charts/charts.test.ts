import { describe, expect, it } from 'vitest';
import { xmrChart } from '../../core/stats/spc.js';
import { funnelLimits, funnelPosition } from '../../core/stats/funnel.js';
import { barChartOption, choroplethOption, classBreaks, funnelPlotOption, heatmapOption, hotspotMapOption, spcChartOption, trendChartOption, HOTSPOT_STYLE, SIGNAL_STYLE } from './index.js';
import type { EChartsOption } from 'echarts';

/** Every builder's option is plain JSON (no functions), unanimated and accessible. */
function expectPlainAccessible(option: EChartsOption) {
  expect(JSON.parse(JSON.stringify(option))).toEqual(option);
  expect(option.animation).toBe(false);
  expect((option.aria as { enabled: boolean }).enabled).toBe(true);
}

type Series = { name?: string; type: string; data: unknown[]; symbol?: string; itemStyle?: { color?: string }; label?: { formatter?: string } };
const seriesOf = (o: EChartsOption) => o.series as Series[];

describe('spcChartOption', () => {
  const values = [10, 11, 9, 10, 12, 10, 11, 9, 10, 30, 10, 11, 2, 10];
  const chart = xmrChart(values, {});
  const rows = chart.points.map(({ index, ...p }) => ({ period: `2021-${String(index + 1).padStart(2, '0')}`.replace('2021-13', '2022-01').replace('2021-14', '2022-02'), ...p }));
  const option = spcChartOption({ rows, options: { target: 8 } }, { valueLabel: 'Incidents' });

  it('puts each point in the series of its signal, with that signal’s colour and symbol', () => {
    expectPlainAccessible(option);
    for (const signal of ['improvement', 'concern', 'common'] as const) {
      const s = seriesOf(option).find((x) => x.name === SIGNAL_STYLE[signal].label)!;
      expect(s.symbol).toBe(SIGNAL_STYLE[signal].symbol);
      expect(s.itemStyle?.color).toBe(SIGNAL_STYLE[signal].colour);
      const indexes = (s.data as { value: [number, number] }[]).map((d) => d.value[0]);
      expect(indexes).toEqual(rows.flatMap((r, i) => (r.signal === signal ? [i] : [])));
    }
    // 30 is above the upper limit (concern for violence), 2 below the lower (improvement).
    expect(rows[9]!.signal).toBe('concern');
    expect(rows[12]!.signal).toBe('improvement');
  });

  it('draws the mean, both limits and the target', () => {
    const names = seriesOf(option).map((s) => s.name);
    expect(names.filter((n) => n === 'Process limits')).toHaveLength(2);
    expect(seriesOf(option).find((s) => s.name === 'Target')!.data).toEqual(rows.map(() => 8));
    expect(seriesOf(option).find((s) => s.name === 'Mean')!.data[0]).toBeCloseTo(rows[0]!.mean, 3);
  });
});

describe('trendChartOption and barChartOption', () => {
  it('plots counts and rolling totals, leaving suppressed and missing values as gaps', () => {
    const option = trendChartOption([
      { month: '2021-01', count: 5, rolling_12m: null },
      { month: '2021-02', count: '*', rolling_12m: 40 },
    ]);
    expectPlainAccessible(option);
    expect(seriesOf(option)[0]!.data).toEqual([5, '-']);
    expect(seriesOf(option)[1]!.data).toEqual(['-', 40]);
  });

  it('labels each bar with its value and a suppressed one with *', () => {
    const option = barChartOption({ categories: ['a', 'b', 'c'], values: [1234, '*', null], horizontal: true });
    expectPlainAccessible(option);
    const data = seriesOf(option)[0]!.data as { value: unknown; label?: { formatter: string } }[];
    expect(data.map((d) => d.label?.formatter ?? null)).toEqual(['1,234', '*', null]);
    expect((option.yAxis as { data: string[] }).data).toEqual(['a', 'b', 'c']);
  });
});

describe('heatmapOption', () => {
  it('orders days Monday first and accepts names or ISO numbers', () => {
    const option = heatmapOption([
      { day_of_week: 'Sunday', hour: 23, value: 4 },
      { day_of_week: 1, hour: 0, value: 2 },
      { day_of_week: 'Tuesday', hour: 5, value: '*' },
    ]);
    expectPlainAccessible(option);
    expect((option.yAxis as { data: string[] }).data[0]).toBe('Monday');
    const data = seriesOf(option)[0]!.data as { value: number[]; label?: { formatter: string } }[];
    expect(data.map((d) => d.value)).toEqual([[23, 6, 4], [0, 0, 2], [5, 1, -1]]);
    expect(data[2]!.label?.formatter).toBe('*');
  });
});

describe('funnelPlotOption', () => {
  it('draws limits equal to the analysis’ funnel limits and groups areas by position', () => {
    const overall = 5;
    const rows = [
      [2000, 20],
      [50_000, 5.1],
      [80_000, 3],
    ].map(([population, rate], i) => {
      const l = funnelLimits(overall, population!, 1000);
      return { area: `E0${i}`, count: 0, population: population!, rate: rate!, rate_lower: null, rate_upper: null, expected: 0, funnel_lower_95: l.lower95, funnel_upper_95: l.upper95, funnel_lower_998: l.lower998, funnel_upper_998: l.upper998, position: funnelPosition(rate!, l) };
    });
    const option = funnelPlotOption({ overall: { count: 0, population: 0, rate: overall }, rows, unit: 'lad' }, { per: 1000, names: { E00: 'North' } });
    expectPlainAccessible(option);
    const upper = seriesOf(option).filter((s) => s.name === '99.8% limits')[0]!.data as [number, number][];
    for (const [x, y] of [upper[0]!, upper.at(-1)!]) expect(y).toBeCloseTo(funnelLimits(overall, x, 1000).upper998, 3);
    const above = seriesOf(option).find((s) => s.name === 'Above 99.8% limit')!;
    expect(above.data).toEqual([{ name: 'North', value: [2000, 20] }]);
    expect(seriesOf(option).some((s) => s.name === 'Below 99.8% limit')).toBe(true);
  });
});

describe('maps', () => {
  it('classBreaks gives quantile cut points inside the range, without duplicates', () => {
    expect(classBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([3, 5, 7]);
    expect(classBreaks([0, 0, 0, 0, 10], 4)).toEqual([]);
    expect(classBreaks([null, 5, undefined, 1], 2)).toEqual([3]);
    expect(() => classBreaks([1], 1)).toThrow(RangeError);
  });

  it('choropleth pieces cover every value exactly once', () => {
    const option = choroplethOption('m', { a: 1, b: 5, c: 9, d: null }, [3, 6]);
    expectPlainAccessible(option);
    const pieces = (option.visualMap as { pieces: { gte?: number; lt?: number }[] }).pieces;
    for (const v of [1, 3, 5, 6, 9]) expect(pieces.filter((p) => (p.gte === undefined || v >= p.gte) && (p.lt === undefined || v < p.lt))).toHaveLength(1);
    expect(seriesOf(option)[0]!.data).toContainEqual({ name: 'd', value: '-' });
  });

  it('hot spot map gives each class its colour in the legend and its pattern on the map', () => {
    const option = hotspotMapOption('m', { a: 'hot99', b: 'not_significant', c: 'cold95' });
    expectPlainAccessible(option);
    const pieces = (option.visualMap as { pieces: { value: number; color: string }[] }).pieces;
    expect(pieces.map((p) => p.color)).toEqual([HOTSPOT_STYLE.hot99.colour, HOTSPOT_STYLE.not_significant.colour, HOTSPOT_STYLE.cold95.colour]);
    const data = seriesOf(option)[0]!.data as { name: string; value: number; itemStyle?: { decal: object } }[];
    expect(data.map((d) => d.value)).toEqual([3, 0, -2]);
    expect(data[0]!.itemStyle?.decal).toEqual(HOTSPOT_STYLE.hot99.decal);
    expect(data[1]!.itemStyle).toBeUndefined();
  });
});
