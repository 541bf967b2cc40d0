/**
 * Server-side rendering of chart options to SVG (Node only; reports inline the SVG so a pack needs no
 * scripts and prints crisply). Maps named in an option must be passed in `maps` (GeoJSON).
 */
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

export interface RenderOptions {
  width: number;
  height: number;
  /** GeoJSON by map name, registered before rendering. */
  maps?: Record<string, object>;
  /**
   * Prefix for the SVG's internal ids and classes (clip paths, patterns). ECharts numbers them per
   * process, so two charts in one page could clash and the same chart would differ between runs;
   * a prefix unique in the page (e.g. the chart's id) makes them unique and stable.
   */
  idPrefix?: string;
}

const registered = new Map<string, object>();

/**
 * Text widths for layout. Node has no canvas, and ECharts' fallback underestimates proportional
 * fonts, so legends overlap; this estimates a sans-serif face per character class (close enough for
 * layout; the browser draws the real glyphs).
 */
function estimateTextWidth(text: string, font: string | undefined): number {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
  let em = 0;
  for (const ch of text) {
    if (/[il.,:;'|!ıjtf[\]()]/.test(ch)) em += 0.3;
    else if (ch === ' ') em += 0.3;
    else if (/[mwMW@%]/.test(ch)) em += 0.9;
    else if (/[A-Z]/.test(ch)) em += 0.68;
    else if (/[0-9]/.test(ch)) em += 0.58;
    else em += 0.56;
  }
  return em * size;
}
echarts.setPlatformAPI({ measureText: (text, font) => ({ width: estimateTextWidth(text, font) }) });

export function renderSvg(option: EChartsOption, { width, height, maps = {}, idPrefix }: RenderOptions): string {
  for (const [name, geojson] of Object.entries(maps)) {
    // Register once per distinct GeoJSON object: re-registering parses the geometry again.
    if (registered.get(name) !== geojson) {
      echarts.registerMap(name, geojson as Parameters<typeof echarts.registerMap>[1]);
      registered.set(name, geojson);
    }
  }
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    const svg = labelled(chart.renderToSVGString(), describe(option));
    return idPrefix ? renumberIds(svg, idPrefix) : svg;
  } finally {
    chart.dispose();
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The chart's description for screen readers: the builder's ARIA description, else its title. */
function describe(option: EChartsOption): string {
  const aria = option.aria as { label?: { description?: string } } | undefined;
  const title = Array.isArray(option.title) ? option.title[0] : option.title;
  return aria?.label?.description ?? (typeof title?.text === 'string' ? title.text : 'chart');
}

/**
 * ECharts puts its ARIA label on the DOM container, which SSR does not have: put it on the SVG itself
 * (role img + aria-label + <title>), so the inlined chart is announced in the report.
 */
function labelled(svg: string, description: string): string {
  const text = escapeXml(description);
  return svg.replace(/^<svg\b([^>]*)>/, (_m, attributes: string) => `<svg${attributes} role="img" aria-label="${text}"><title>${text}</title>`);
}

/**
 * ECharts' ids and classes look like `zr3-c0`, `zr3-cls-12`: instance and element counters that run on
 * across the process. Renumber them by first appearance under the given prefix.
 */
function renumberIds(svg: string, idPrefix: string): string {
  const prefix = idPrefix.replace(/[^A-Za-z0-9_-]/g, '-');
  const seen = new Map<string, string>();
  const perKind = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+-?)(\d+)\b/g, (token, kind: string) => {
    let renamed = seen.get(token);
    if (!renamed) {
      const n = perKind.get(kind) ?? 0;
      perKind.set(kind, n + 1);
      renamed = `${prefix}-${kind}${n}`;
      seen.set(token, renamed);
    }
    return renamed;
  });
}
