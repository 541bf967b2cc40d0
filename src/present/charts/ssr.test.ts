import { describe, expect, it } from 'vitest';
import { barChartOption, hotspotMapOption } from './index.js';
import { renderSvg } from './ssr.js';

describe('renderSvg', () => {
  it('renders a chart to a self-contained SVG with its ARIA description and values', () => {
    const svg = renderSvg(barChartOption({ categories: ['Robbery', 'Assault'], values: [12, 40], title: 'By type' }), { width: 400, height: 200 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('aria-label');
    expect(svg).toContain('>Robbery<');
    expect(svg).toContain('>40<');
    expect(svg).not.toContain('NaN');
  });

  it('draws a map registered from GeoJSON', () => {
    const square = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
    const geojson = { type: 'FeatureCollection', features: ['A', 'B'].map((name, i) => ({ type: 'Feature', properties: { name }, geometry: square(i) })) };
    const svg = renderSvg(hotspotMapOption('two-squares', { A: 'hot99', B: 'cold99' }), { width: 400, height: 200, maps: { 'two-squares': geojson } });
    expect(svg).toContain('Hot spot (99% confidence)');
    expect(svg.match(/<path/g)!.length).toBeGreaterThan(2);
    expect(svg).not.toContain('NaN');
  });
});

describe('renderSvg ids', () => {
  it('are prefixed, so two charts in one page never share a clip path and reruns are identical', () => {
    const option = barChartOption({ categories: ['a'], values: [1] });
    const first = renderSvg(option, { width: 300, height: 150, idPrefix: 'one' });
    renderSvg(option, { width: 300, height: 150 }); // advances ECharts' own instance counter
    expect(renderSvg(option, { width: 300, height: 150, idPrefix: 'one' })).toBe(first);
    expect(first).not.toMatch(/\bzr\d+-/);
    expect(renderSvg(option, { width: 300, height: 150, idPrefix: 'two' })).toContain('two-');
  });
});
