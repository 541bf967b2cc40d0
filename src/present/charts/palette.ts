/**
 * Colours and non-colour cues for every chart. The categorical colours are Okabe & Ito's
 * colour-blind-safe set ("Color Universal Design", 2008); a colour never carries meaning alone: each
 * signal also has its own symbol, each map class its own fill pattern (decal), and every chart is
 * followed by its data table. Pure data: imported by the browser dashboard too.
 */

export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Series colours in the order they are used (black last: it is kept for reference lines). */
export const SERIES_COLOURS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.vermillion,
  OKABE_ITO.skyBlue,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
];

/** Neutral grey for "common cause" / "not significant" (not an Okabe–Ito hue on purpose: it means "nothing to see"). */
export const NEUTRAL = '#8C8C8C';
export const REFERENCE_LINE = '#404040';

/**
 * Making Data Count colours its SPC icons blue (improvement), orange (concern) and grey (common
 * cause); the Okabe–Ito blue and orange keep that convention and stay distinct for colour-blind readers.
 */
export const SIGNAL_STYLE = {
  improvement: { colour: OKABE_ITO.blue, symbol: 'triangle', label: 'Special cause: improvement' },
  concern: { colour: OKABE_ITO.orange, symbol: 'diamond', label: 'Special cause: concern' },
  common: { colour: NEUTRAL, symbol: 'circle', label: 'Common cause variation' },
} as const;

/**
 * A sequential ramp for choropleths: light to dark in lightness as well as hue (a cividis-like
 * yellow → blue ramp), so the order of classes survives greyscale printing and colour-vision deficiency.
 */
export const SEQUENTIAL = ['#FFF7BC', '#C7E9B4', '#7FCDBB', '#41B6C4', '#1D91C0', '#225EA8', '#0C2C84'] as const;

/** An ECharts decal (fill pattern): the non-colour cue of a map class or bar. */
export interface Decal {
  symbol: string;
  symbolSize: number;
  dashArrayX?: number[] | number[][];
  dashArrayY?: number[];
  rotation?: number;
  color: string;
}

const stripes = (rotation: number, density: number, colour: string): Decal => ({
  symbol: 'rect',
  symbolSize: 1,
  dashArrayX: [1, 0],
  dashArrayY: [density, density * 2],
  rotation,
  color: colour,
});
const dots = (size: number, colour: string): Decal => ({ symbol: 'circle', symbolSize: size, dashArrayX: [[size * 6, size * 6]], dashArrayY: [size * 6, size * 6], color: colour });

/** Gi* classes: hot = vermillion family with diagonal stripes, cold = blue family with dots; density grows with confidence. */
export const HOTSPOT_STYLE = {
  hot99: { colour: '#B23C00', label: 'Hot spot (99% confidence)', decal: stripes(Math.PI / 4, 2, 'rgba(255,255,255,0.75)') },
  hot95: { colour: OKABE_ITO.vermillion, label: 'Hot spot (95% confidence)', decal: stripes(Math.PI / 4, 3, 'rgba(255,255,255,0.6)') },
  hot90: { colour: '#F0A070', label: 'Hot spot (90% confidence)', decal: stripes(Math.PI / 4, 5, 'rgba(0,0,0,0.35)') },
  not_significant: { colour: '#EDEDED', label: 'Not significant', decal: null },
  cold90: { colour: '#A6CDE8', label: 'Cold spot (90% confidence)', decal: dots(0.6, 'rgba(0,0,0,0.4)') },
  cold95: { colour: OKABE_ITO.skyBlue, label: 'Cold spot (95% confidence)', decal: dots(0.8, 'rgba(0,0,0,0.5)') },
  cold99: { colour: OKABE_ITO.blue, label: 'Cold spot (99% confidence)', decal: dots(1, 'rgba(255,255,255,0.8)') },
} as const;

/** Funnel-plot positions: colour plus symbol. */
export const FUNNEL_STYLE = {
  'above_99.8': { colour: OKABE_ITO.vermillion, symbol: 'triangle', label: 'Above 99.8% limit' },
  above_95: { colour: OKABE_ITO.orange, symbol: 'diamond', label: 'Above 95% limit' },
  within: { colour: NEUTRAL, symbol: 'circle', label: 'Within limits' },
  below_95: { colour: OKABE_ITO.skyBlue, symbol: 'rect', label: 'Below 95% limit' },
  'below_99.8': { colour: OKABE_ITO.blue, symbol: 'pin', label: 'Below 99.8% limit' },
} as const;
