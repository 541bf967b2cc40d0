/**
 * The XmR chart against outputs published by NHSRplotthedots, the reference implementation of NHS
 * "Making Data Count" (domain.md §4). Each fixture in test/fixtures/spc/ records the input series, the
 * published outputs and the repository, path and commit they come from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { xmrChart, type Assurance, type ImprovementDirection, type SpcPoint } from './spc.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/spc/${name}`, import.meta.url), 'utf8')) as T;

/** NHSRplotthedots' point_type for svo's signal. */
const pointType = (p: SpcPoint) => (p.signal === 'common' ? 'common_cause' : `special_cause_${p.signal}`);

/** A published number printed to `digits` significant digits, compared with ours rounded the same way. */
const expectPrinted = (actual: number, published: number, digits: number, label: string) =>
  expect(Number(actual.toPrecision(digits)), `${label}: ${actual} printed to ${digits} digits`).toBe(published);

const expectRelative = (actual: number, expected: number, relative: number, label: string) =>
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected));

interface IntegrationCase {
  name: string;
  options: { improvement: ImprovementDirection; screening: boolean; rebaseAt: number[] };
  periods: string[];
  values: number[];
  expected: { segments: { start: number; mean: number; lpl: number; upl: number }[]; point_type: string[] };
  superseded?: { index: number; published: string; current: string; window: number[] }[];
}

describe('NHSRplotthedots integration snapshots: ptd_spc() on A&E attendances and performance', () => {
  const { cases, tolerance } = fixture<{ cases: IntegrationCase[]; tolerance: { limits: { relative: number } } }>(
    'nhsrplotthedots-integration.json',
  );

  it('covers real series with special causes of both kinds, and a rebase', () => {
    const published = cases.flatMap((c) => c.expected.point_type);
    expect(cases).toHaveLength(7);
    expect(published.filter((t) => t === 'special_cause_improvement').length).toBeGreaterThan(30);
    expect(published.filter((t) => t === 'special_cause_concern').length).toBeGreaterThan(20);
    expect(cases.some((c) => c.options.rebaseAt.length > 0)).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: centre line and process limits per segment', (_, c) => {
    expect(c.values).toHaveLength(c.periods.length);
    const { points } = xmrChart(c.values, c.options);
    c.expected.segments.forEach((segment, k) => {
      const end = c.expected.segments[k + 1]?.start ?? c.values.length;
      for (let i = segment.start; i < end; i++) {
        const point = points[i]!;
        expectRelative(point.mean, segment.mean, tolerance.limits.relative, `${c.periods[i]} mean`);
        expectRelative(point.lower, segment.lpl, tolerance.limits.relative, `${c.periods[i]} lpl`);
        expectRelative(point.upper, segment.upl, tolerance.limits.relative, `${c.periods[i]} upl`);
      }
    });
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: point types', (_, c) => {
    const { points } = xmrChart(c.values, c.options);
    const expected = [...c.expected.point_type];
    // A published label the package itself has since corrected (issue #143): the override only holds
    // where its stated reason does, i.e. the three points of the window are not all on one side of the mean.
    for (const s of c.superseded ?? []) {
      expect(expected[s.index]).toBe(s.published);
      expect(s.window).toContain(s.index);
      const sides = new Set(s.window.map((i) => Math.sign(c.values[i]! - points[i]!.mean)));
      expect(sides.size, `window ${s.window.join(',')} should straddle the mean`).toBeGreaterThan(1);
      expected[s.index] = s.current;
    }
    expect(points.map(pointType)).toEqual(expected);
  });
});

interface StandardCase {
  name: string;
  options: { screening: boolean };
  values: number[];
  expected: { mean: number; lpl: number; upl: number; relative_to_mean_prefix: number[] };
}

describe('NHSRplotthedots ptd_spc_standard snapshot: 20 standard-normal values', () => {
  const standard = fixture<{
    cases: StandardCase[];
    tolerance: { limits: { significant_digits: number } };
    point_type_cases: { name: string; options: { improvement: ImprovementDirection }; values: number[]; expected: { point_type_tail: string[] } }[];
  }>('nhsrplotthedots-spc-standard.json');
  const digits = standard.tolerance.limits.significant_digits;

  it.each(standard.cases.map((c) => [c.name, c] as const))('%s: mean and limits to the 7 printed digits', (_, c) => {
    const { points } = xmrChart(c.values, { improvement: 'increase', screening: c.options.screening });
    for (const p of points) {
      expectPrinted(p.mean, c.expected.mean, digits, 'mean');
      expectPrinted(p.lower, c.expected.lpl, digits, 'lpl');
      expectPrinted(p.upper, c.expected.upl, digits, 'upl');
    }
    c.expected.relative_to_mean_prefix.forEach((side, i) => expect(Math.sign(points[i]!.value - points[i]!.mean)).toBe(side));
  });

  it.each(standard.point_type_cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { points } = xmrChart(c.values, c.options);
    expect(points.slice(-c.expected.point_type_tail.length).map(pointType)).toEqual(c.expected.point_type_tail);
  });
});

describe('NHSRplotthedots summary snapshots: whole series, two facets, rebased', () => {
  interface SummaryGroup {
    start: number;
    mean: number;
    lpl: number;
    upl: number;
    n: number;
    common_cause: number;
    special_cause_improvement: number;
  }
  const summary = fixture<{
    cases: { name: string; options: { improvement: ImprovementDirection; rebaseAt?: number[] }; values: number[]; expected: SummaryGroup[] }[];
    tolerance: { limits: { significant_digits: number } };
  }>('nhsrplotthedots-spc-summary.json');
  const digits = summary.tolerance.limits.significant_digits;

  it.each(summary.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const { points } = xmrChart(c.values, c.options);
    expect(c.expected.reduce((n, g) => n + g.n, 0)).toBe(points.length);
    for (const group of c.expected) {
      const rows = points.slice(group.start, group.start + group.n);
      for (const p of rows) {
        expectPrinted(p.mean, group.mean, digits, 'mean');
        expectPrinted(p.lower, group.lpl, digits, 'lpl');
        expectPrinted(p.upper, group.upl, digits, 'upl');
      }
      expect(rows.filter((p) => p.signal === 'common')).toHaveLength(group.common_cause);
      expect(rows.filter((p) => p.signal === 'improvement')).toHaveLength(group.special_cause_improvement);
    }
  });
});

describe('NHSRplotthedots assurance against a target', () => {
  const assurance = fixture<{
    target: number;
    groups: { lpl: number; upl: number }[];
    expected: Record<ImprovementDirection, string[]>;
    rebase_cases: { improvement: ImprovementDirection; segment_order: number[]; expected: string }[];
  }>('nhsrplotthedots-assurance.json');
  const ASSURANCE: Record<string, Assurance> = {
    consistent_pass: 'consistently_pass',
    consistent_fail: 'consistently_fail',
    inconsistent: 'hit_and_miss',
  };
  // Alternating centre ∓ a: every moving range is 2a, so the limits are centre ± 2.66 × 2a.
  const seriesWithLimits = ({ lpl, upl }: { lpl: number; upl: number }) => {
    const a = (upl - lpl) / 2 / (2 * 2.66);
    return Array.from({ length: 12 }, (_, i) => (lpl + upl) / 2 + (i % 2 === 0 ? -a : a));
  };

  it('builds series with the published limits', () => {
    for (const group of assurance.groups) {
      const first = xmrChart(seriesWithLimits(group)).points[0]!;
      expect(first.lower).toBeCloseTo(group.lpl, 12);
      expect(first.upper).toBeCloseTo(group.upl, 12);
    }
  });

  it.each(['increase', 'decrease'] as const)('target above, below and between the limits (%s is better)', (improvement) => {
    const verdicts = assurance.groups.map((g) => xmrChart(seriesWithLimits(g), { improvement, target: assurance.target }).assurance);
    expect(verdicts).toEqual(assurance.expected[improvement].map((name) => ASSURANCE[name]));
  });

  it.each(assurance.rebase_cases.map((c) => [c.segment_order.join(','), c] as const))(
    'uses the last segment after rebasing (segments in order %s)',
    (_, c) => {
      const values = c.segment_order.flatMap((k) => seriesWithLimits(assurance.groups[k]!));
      const chart = xmrChart(values, { improvement: c.improvement, target: assurance.target, rebaseAt: [12, 24] });
      expect(chart.assurance).toBe(ASSURANCE[c.expected]);
    },
  );

  it('calls a target exactly on a limit hit and miss (only target > upl or < lpl is consistent)', () => {
    const values = seriesWithLimits(assurance.groups[0]!);
    const { lower, upper } = xmrChart(values).points[0]!;
    for (const improvement of ['increase', 'decrease'] as const) {
      expect(xmrChart(values, { improvement, target: upper }).assurance).toBe('hit_and_miss');
      expect(xmrChart(values, { improvement, target: lower }).assurance).toBe('hit_and_miss');
    }
  });
});
