/**
 * Maps: a choropleth of values by area with class breaks, and the Getis-Ord Gi* hot spot map. The
 * caller registers the boundaries first (`echarts.registerMap(mapName, geojson)`, or `maps` of
 * `renderSvg`); features are matched to values by `nameProperty` (default `name`, e.g. the LSOA code).
 */
import type { EChartsOption } from 'echarts';
import { HOTSPOT_CLASSES, type HotspotClass } from '../../core/spatial/gistar.js';
import { baseOption, round, type BaseOptions } from './common.js';
import { HOTSPOT_STYLE, NEUTRAL, SEQUENTIAL } from './palette.js';

export interface MapOptions extends BaseOptions {
  /** GeoJSON feature property holding the area code (default `name`). */
  nameProperty?: string;
  valueLabel?: string;
  /** Digits of the class break labels. */
  digits?: number;
}

/**
 * Quantile class breaks: the `n − 1` inner cut points splitting the finite values into `n` groups of
 * (nearly) equal size, duplicates removed — so a skewed distribution of area rates still spreads over
 * the whole colour ramp, and each class holds about the same number of areas. (Quantiles, not Jenks:
 * they are simple to explain to a Board and stable when one extreme area changes.) Uses the "type 7"
 * sample quantile (linear interpolation, as R's default and Excel's PERCENTILE.INC).
 */
export function classBreaks(values: readonly (number | null | undefined)[], n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`classBreaks needs at least 2 classes, got ${n}`);
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return [];
  const quantile = (p: number) => {
    const h = (xs.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.ceil(h);
    return xs[lo]! + (h - lo) * (xs[hi]! - xs[lo]!);
  };
  const cuts: number[] = [];
  for (let k = 1; k < n; k++) {
    const q = quantile(k / n);
    if (q > xs[0]! && q < xs.at(-1)! && !cuts.includes(q)) cuts.push(q);
  }
  return cuts;
}

/** Colours spread evenly over the sequential ramp for `k` classes. */
function rampColours(k: number): string[] {
  if (k === 1) return [SEQUENTIAL[3]];
  return Array.from({ length: k }, (_, i) => SEQUENTIAL[Math.round((i * (SEQUENTIAL.length - 1)) / (k - 1))]!);
}

/** The map series both map kinds share: areas of `mapName` beside a legend on the left, no labels. */
function mapSeries(mapName: string, options: Pick<MapOptions, 'nameProperty' | 'title'>) {
  return {
    type: 'map' as const,
    map: mapName,
    nameProperty: options.nameProperty ?? 'name',
    roam: false,
    // The legend sits on the left; the map takes the rest.
    left: 200,
    right: 8,
    top: options.title ? 36 : 8,
    bottom: 8,
    label: { show: false },
    emphasis: { disabled: true },
    itemStyle: { borderColor: '#FFFFFF', borderWidth: 0.3, areaColor: '#F5F5F5' },
  };
}

export function choroplethOption(
  mapName: string,
  values: Readonly<Record<string, number | null>>,
  breaks: readonly number[],
  options: MapOptions = {},
): EChartsOption {
  const digits = options.digits ?? 1;
  const fmt = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const cuts = [...breaks].sort((a, b) => a - b);
  const colours = rampColours(cuts.length + 1);
  const pieces = colours.map((color, i) => {
    const min = i === 0 ? undefined : cuts[i - 1]!;
    const max = i === cuts.length ? undefined : cuts[i]!;
    const label = min === undefined ? (max === undefined ? 'All' : `below ${fmt(max)}`) : max === undefined ? `${fmt(min)} and above` : `${fmt(min)} to below ${fmt(max)}`;
    return { ...(min !== undefined ? { gte: min } : {}), ...(max !== undefined ? { lt: max } : {}), label, color };
  });
  const entries = Object.entries(values);
  const description =
    options.description ?? `Map of ${options.valueLabel ?? 'values'} for ${entries.length} areas in ${pieces.length} quantile classes; darker is higher.`;
  return {
    ...baseOption({ ...options, description }),
    tooltip: { trigger: 'item' },
    visualMap: { type: 'piecewise', pieces: pieces.reverse(), left: 8, bottom: 8, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 10 }, outOfRange: { color: NEUTRAL } },
    series: [
      {
        ...mapSeries(mapName, options),
        data: entries.map(([name, v]) => ({ name, value: v === null ? '-' : round(v, 4) })),
      },
    ],
  };
}

/** One Gi* class per area code (e.g. the rows of runHotspots: `unit` and `class`). */
export type HotspotClasses = Readonly<Record<string, HotspotClass>>;

export function hotspotMapOption(mapName: string, classes: HotspotClasses, options: Omit<MapOptions, 'digits' | 'valueLabel'> = {}): EChartsOption {
  // Classes as numbers for the piecewise legend: hot99 = 3 … not significant = 0 … cold99 = −3.
  const code = (c: HotspotClass) => 3 - HOTSPOT_CLASSES.indexOf(c);
  const present = HOTSPOT_CLASSES.filter((c) => Object.values(classes).includes(c));
  const counts = new Map(present.map((c) => [c, Object.values(classes).filter((x) => x === c).length]));
  const description =
    options.description ??
    `Getis-Ord Gi* hot spot map of ${Object.keys(classes).length} areas: ` +
      present.map((c) => `${counts.get(c)} ${HOTSPOT_STYLE[c].label.toLowerCase()}`).join(', ') +
      '.';
  return {
    ...baseOption({ ...options, description }),
    tooltip: { trigger: 'item' },
    visualMap: {
      type: 'piecewise',
      left: 8,
      bottom: 8,
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontSize: 10 },
      pieces: present.map((c) => ({ value: code(c), label: `${HOTSPOT_STYLE[c].label} (${counts.get(c)})`, color: HOTSPOT_STYLE[c].colour })),
    },
    series: [
      {
        ...mapSeries(mapName, options),
        // Each class also has its own fill pattern, so hot and cold spots differ without colour.
        data: Object.entries(classes).map(([name, c]) => ({
          name,
          value: code(c),
          ...(HOTSPOT_STYLE[c].decal ? { itemStyle: { decal: { ...HOTSPOT_STYLE[c].decal } } } : {}),
        })),
      },
    ],
  };
}
