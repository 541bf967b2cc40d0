/**
 * The XmR chart of Making Data Count: the monthly values as a line, the mean and process limits as
 * step lines (they change at rebase points), each point coloured and shaped by its signal
 * (improvement ▲ blue, concern ◆ orange, common cause ● grey), and the target when one is set.
 */
import type { EChartsOption } from 'echarts';
import type { SpcResult } from '../../analysis/spc.js';
import type { SpcSignal } from '../../core/stats/spc.js';
import { baseOption, LINE_ICON, round, type BaseOptions } from './common.js';
import { NEUTRAL, OKABE_ITO, REFERENCE_LINE, SIGNAL_STYLE } from './palette.js';

export type SpcChartInput = Pick<SpcResult, 'rows'> & { assurance?: SpcResult['assurance']; options?: { target?: number } };

export interface SpcChartOptions extends BaseOptions {
  valueLabel?: string;
}

const SIGNALS: SpcSignal[] = ['improvement', 'concern', 'common'];

const RULE_TEXT: Record<string, string> = {
  outside_limits: 'outside the process limits',
  trend: 'part of a trend of 7',
  two_of_three: 'two of three close to a limit',
  shift: 'part of a run of 7 on one side of the mean',
};

export function spcChartOption(spc: SpcChartInput, options: SpcChartOptions = {}): EChartsOption {
  const periods = spc.rows.map((r) => r.period);
  const target = spc.options?.target;
  const improvement = spc.rows.filter((r) => r.signal === 'improvement').length;
  const concern = spc.rows.filter((r) => r.signal === 'concern').length;
  const description =
    options.description ??
    `XmR chart of ${spc.rows.length} months from ${periods[0] ?? '—'} to ${periods.at(-1) ?? '—'}: ` +
      `${improvement} point(s) signal improvement, ${concern} signal concern, the rest are common cause variation.`;
  const line = (name: string, values: number[], style: { color: string; width: number; type?: 'dashed' | 'dotted' }) => ({
    name,
    type: 'line' as const,
    data: values.map((v) => round(v, 3)),
    step: 'middle' as const,
    symbol: 'none',
    silent: true,
    lineStyle: style,
    itemStyle: { color: style.color },
    z: 1,
  });
  return {
    ...baseOption({ ...options, description }),
    legend: {
      bottom: 0,
      data: [
        ...SIGNALS.map((s) => ({ name: SIGNAL_STYLE[s].label, icon: SIGNAL_STYLE[s].symbol })),
        { name: 'Mean', icon: LINE_ICON },
        { name: 'Process limits', icon: LINE_ICON },
        ...(target !== undefined ? [{ name: 'Target', icon: LINE_ICON }] : []),
      ],
    },
    grid: { left: 56, right: 24, top: options.title ? 40 : 16, bottom: periods.length > 18 ? 110 : 72 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: periods, axisLabel: { rotate: periods.length > 18 ? 45 : 0 } },
    yAxis: { type: 'value', name: options.valueLabel ?? '', nameLocation: 'middle', nameGap: 40, scale: true },
    series: [
      {
        name: 'Value',
        type: 'line',
        data: spc.rows.map((r) => round(r.value, 3)),
        symbol: 'none',
        lineStyle: { color: NEUTRAL, width: 1.5 },
        itemStyle: { color: NEUTRAL },
        z: 2,
      },
      line('Mean', spc.rows.map((r) => r.mean), { color: REFERENCE_LINE, width: 1.5 }),
      line('Process limits', spc.rows.map((r) => r.upper), { color: REFERENCE_LINE, width: 1, type: 'dashed' }),
      line('Process limits', spc.rows.map((r) => r.lower), { color: REFERENCE_LINE, width: 1, type: 'dashed' }),
      ...(target !== undefined ? [line('Target', spc.rows.map(() => target), { color: OKABE_ITO.reddishPurple, width: 1.5, type: 'dotted' })] : []),
      // One scatter series per signal, so the legend shows each colour with its own symbol.
      ...SIGNALS.map((signal) => ({
        name: SIGNAL_STYLE[signal].label,
        type: 'scatter' as const,
        symbol: SIGNAL_STYLE[signal].symbol,
        symbolSize: signal === 'common' ? 7 : 11,
        itemStyle: { color: SIGNAL_STYLE[signal].colour, borderColor: '#FFFFFF', borderWidth: 0.5 },
        z: 3,
        data: spc.rows.flatMap((r, i) =>
          r.signal === signal
            ? [{ value: [i, round(r.value, 3)], name: r.rule ? `${r.period}: ${RULE_TEXT[r.rule] ?? r.rule}` : r.period }]
            : [],
        ),
      })),
    ],
  };
}
