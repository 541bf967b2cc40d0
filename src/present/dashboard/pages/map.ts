/**
 * Map: a MapLibre map with no external tiles (a blank style; the boundaries are the loaded geography,
 * GET /api/geography/boundaries) showing an LSOA or MSOA choropleth of counts or rates in quantile
 * classes (classBreaks) with a legend, the Gi* hot spot layer and the KDE surface
 * (POST /api/spatial/hotspots), and incident points for roles allowed record-level data (POST
 * /api/points). The table of areas under the map is its keyboard and screen-reader alternative and
 * cross-filters like any other table. MapLibre loads on demand (its own chunk) when the page opens.
 */
import { classBreaks } from '../../charts/maps.js';
import { HOTSPOT_STYLE, NEUTRAL, SEQUENTIAL } from '../../charts/palette.js';
import { api, ApiError, type QueryAnswer } from '../api.js';
import { clear, h, uid } from '../dom.js';
import { formatCell, labelOf, type DataTable } from '../format.js';
import { toQuerySpec } from '../state.js';
import { track, type Context, type WidgetDefinition } from '../widget.js';
import { runQuery } from './common.js';

type Unit = 'lsoa' | 'msoa';
type Geometry = { type: string; coordinates: unknown };
interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: Geometry;
}
interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

export interface MapSettings {
  unit: Unit;
  measure: 'incidents' | 'rate';
  hotspots: boolean;
  kde: boolean;
  points: boolean;
}

const RECORD_LEVEL_ROLES = new Set(['admin', 'analyst', 'partner']);
const CLASSES = 5;

/** Colours of `k` classes spread over the sequential ramp (light = low). */
function rampColours(k: number): string[] {
  if (k <= 1) return [SEQUENTIAL[3]];
  return Array.from({ length: k }, (_, i) => SEQUENTIAL[Math.round((i * (SEQUENTIAL.length - 1)) / (k - 1))]!);
}

/** The class (0 … cuts.length) of a value. */
function classOf(value: number, cuts: readonly number[]): number {
  let k = 0;
  while (k < cuts.length && value >= cuts[k]!) k += 1;
  return k;
}

const boundaryCache = new Map<Unit, Promise<FeatureCollection>>();

/** Boundaries of a unit, fetched once per page load. */
function boundaries(unit: Unit): Promise<FeatureCollection> {
  let cached = boundaryCache.get(unit);
  if (!cached) {
    cached = api.get<FeatureCollection>(`/api/geography/boundaries?unit=${unit}`);
    cached.catch(() => boundaryCache.delete(unit));
    boundaryCache.set(unit, cached);
  }
  return cached;
}

/** Area names (LAD, CSP, MSOA, LSOA) from the boundaries, for labels everywhere. */
export async function loadAreaNames(names: Map<string, string>): Promise<void> {
  for (const unit of ['lad', 'csp'] as const) {
    try {
      const collection = await api.get<FeatureCollection>(`/api/geography/boundaries?unit=${unit}`);
      for (const f of collection.features) {
        const { code, name } = f.properties as { code?: string; name?: string };
        if (code && name) names.set(code, name);
      }
    } catch {
      // Names are a nicety: codes are shown when boundaries are unavailable.
    }
  }
}

function bbox(collection: FeatureCollection): [[number, number], [number, number]] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x! < minX) minX = x!;
      if (x! > maxX) maxX = x!;
      if (y! < minY) minY = y!;
      if (y! > maxY) maxY = y!;
    } else if (Array.isArray(c)) for (const d of c) visit(d);
  };
  for (const f of collection.features) visit(f.geometry.coordinates);
  return Number.isFinite(minX) ? [[minX, minY], [maxX, maxY]] : null;
}

/** The map panel: controls, map, legend. Reloads its layers when the filters or settings change. */
export class MapPanel {
  readonly element: HTMLElement;
  private readonly mapElement: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly status: HTMLElement;
  private map: import('maplibre-gl').Map | null = null;
  private maplibre: typeof import('maplibre-gl') | null = null;
  private controller: AbortController | null = null;
  private fitted = false;

  constructor(
    private readonly context: () => Context,
    readonly settings: MapSettings,
    private readonly onSettings: () => void,
  ) {
    const canSeePoints = RECORD_LEVEL_ROLES.has(context().session.role ?? '');
    if (!canSeePoints) settings.points = false;
    const titleId = uid('map-title');
    const radio = (name: string, value: string, label: string, checked: boolean, onChange: () => void) => {
      const id = uid(name);
      return h('span', { class: 'choice' }, h('input', { type: 'radio', name, id, value, checked, onchange: onChange }), h('label', { for: id }, label));
    };
    const check = (label: string, checked: boolean, disabled: boolean, onChange: (on: boolean) => void, note?: string) => {
      const id = uid('layer');
      return h(
        'span',
        { class: 'choice' },
        h('input', { type: 'checkbox', id, checked, disabled, onchange: (e: Event) => onChange((e.target as HTMLInputElement).checked) }),
        h('label', { for: id }, label),
        note ? h('span', { class: 'note' }, ` (${note})`) : null,
      );
    };
    const group = uid('map-unit');
    const measureGroup = uid('map-measure');
    const controls = h(
      'div',
      { class: 'map-controls' },
      h('fieldset', {}, h('legend', {}, 'Areas'), radio(group, 'lsoa', 'LSOA', settings.unit === 'lsoa', () => this.set({ unit: 'lsoa' })), radio(group, 'msoa', 'MSOA', settings.unit === 'msoa', () => this.set({ unit: 'msoa' }))),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Shade by'),
        radio(measureGroup, 'incidents', 'Count', settings.measure === 'incidents', () => this.set({ measure: 'incidents' })),
        radio(measureGroup, 'rate', 'Rate per 1,000 residents', settings.measure === 'rate', () => this.set({ measure: 'rate' })),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Layers'),
        check('Gi* hot spots', settings.hotspots, false, (on) => this.set({ hotspots: on })),
        check('Kernel density', settings.kde, false, (on) => this.set({ kde: on })),
        check('Incident points', settings.points, !canSeePoints, (on) => this.set({ points: on }), canSeePoints ? undefined : 'not available for your role'),
      ),
    );
    this.mapElement = h('div', { class: 'map', role: 'region', 'aria-label': 'Map of the selected areas (the table below lists the same figures)' });
    this.legend = h('div', { class: 'legend', 'aria-label': 'Map legend' });
    this.status = h('p', { class: 'widget-status', role: 'status', 'aria-live': 'polite' });
    this.element = h(
      'section',
      { class: 'widget wide', 'aria-labelledby': titleId, 'data-widget': 'map' },
      h('div', { class: 'widget-head' }, h('h2', { id: titleId }, 'Map')),
      controls,
      this.status,
      h('div', { class: 'map-wrap' }, this.mapElement, this.legend),
    );
  }

  private set(change: Partial<MapSettings>): void {
    Object.assign(this.settings, change);
    this.onSettings();
  }

  dispose(): void {
    this.controller?.abort();
    this.map?.remove();
    this.map = null;
  }

  async reload(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.status.className = 'widget-status loading';
    this.status.textContent = 'Loading the map…';
    await track(async () => {
      try {
        await this.draw(controller.signal);
        if (controller.signal.aborted) return;
        this.status.className = 'widget-status';
        this.status.textContent = '';
      } catch (error) {
        if (controller.signal.aborted || (error as Error).name === 'AbortError') return;
        this.status.className = 'widget-status error';
        this.status.textContent = `The map could not be drawn: ${(error as Error).message}. The table below lists every area.`;
      }
    });
  }

  private async ensureMap(): Promise<import('maplibre-gl').Map> {
    if (this.map) return this.map;
    if (!this.maplibre) {
      const [maplibre, worker] = await Promise.all([import('maplibre-gl'), import('maplibre-gl/dist/maplibre-gl-worker.mjs?url'), import('maplibre-gl/dist/maplibre-gl.css')]);
      maplibre.setWorkerUrl(worker.default);
      this.maplibre = maplibre;
    }
    const tileUrl = this.context().summary?.tileUrl ?? null;
    const map = new this.maplibre.Map({
      container: this.mapElement,
      style: {
        version: 8,
        sources: tileUrl ? { tiles: { type: 'raster', tiles: [tileUrl], tileSize: 256 } } : {},
        layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#F4F4F1' } }, ...(tileUrl ? [{ id: 'tiles', type: 'raster' as const, source: 'tiles' }] : [])],
      },
      center: [-1.13, 52.63],
      zoom: 9,
      attributionControl: false,
      preserveDrawingBuffer: true,
    } as import('maplibre-gl').MapOptions);
    map.addControl(new this.maplibre.NavigationControl({ showCompass: false }), 'top-right');
    await new Promise<void>((resolve, reject) => {
      map.once('load', () => resolve());
      map.once('error', (e) => reject(new Error(String((e as unknown as { error?: { message?: string } }).error?.message ?? 'map error'))));
    });
    this.map = map;
    return map;
  }

  private setSource(map: import('maplibre-gl').Map, id: string, data: FeatureCollection | null, layers: import('maplibre-gl').AddLayerObject[]): void {
    for (const layer of layers) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
    if (map.getSource(id)) map.removeSource(id);
    if (!data) return;
    map.addSource(id, { type: 'geojson', data: data as never });
    for (const layer of layers) map.addLayer(layer);
  }

  private async draw(signal: AbortSignal): Promise<void> {
    const context = this.context();
    const { unit, measure } = this.settings;
    const spec = toQuerySpec(context.filters, { by: [unit], ...(measure === 'rate' ? { measure: 'rate' as const } : {}) });
    const { by: _by, measure: _m, ...filters } = spec;
    const [collection, values, hotspots, kde, points] = await Promise.all([
      boundaries(unit),
      api.post<QueryAnswer>('/api/query', spec, signal),
      this.settings.hotspots ? api.post<FeatureCollection>('/api/spatial/hotspots', { ...filters, method: 'gistar', unit, format: 'geojson' }, signal).catch(forRole) : null,
      this.settings.kde ? api.post<FeatureCollection>('/api/spatial/hotspots', { ...filters, method: 'kde', unit: 'grid', cell: 250, bandwidth: 400, format: 'geojson' }, signal).catch(forRole) : null,
      this.settings.points ? api.post<{ points: { lon: number; lat: number; month?: string }[]; truncated: boolean }>('/api/points', filters, signal).catch(forRole) : null,
    ]);
    if (signal.aborted) return;
    const map = await this.ensureMap();
    if (signal.aborted) return;

    const key = measure === 'rate' ? 'rate' : 'count';
    const byCode = new Map(values.rows.map((r) => [String(r[unit]), r[key]]));
    const numbers = [...byCode.values()].filter((v): v is number => typeof v === 'number');
    const cuts = classBreaks(numbers, CLASSES);
    const colours = rampColours(cuts.length + 1);
    const shaded: FeatureCollection = {
      type: 'FeatureCollection',
      features: collection.features.map((f) => {
        const code = String(f.properties.code ?? f.properties.unit ?? '');
        const v = byCode.get(code);
        return { ...f, properties: { code, name: f.properties.name ?? code, cls: typeof v === 'number' ? classOf(v, cuts) : -1 } };
      }),
    };
    const fillColour: unknown = ['match', ['get', 'cls'], ...colours.flatMap((c, i) => [i, c]), NEUTRAL];
    this.setSource(map, 'areas', shaded, [
      { id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-color': fillColour as never, 'fill-opacity': 0.85 } },
      { id: 'areas-line', type: 'line', source: 'areas', paint: { 'line-color': '#FFFFFF', 'line-width': 0.6 } },
    ]);
    const hotClasses = Object.keys(HOTSPOT_STYLE) as (keyof typeof HOTSPOT_STYLE)[];
    this.setSource(map, 'hotspots', hotspots && 'features' in hotspots ? hotspots : null, [
      // Hot and cold spots as outlines over the choropleth: thicker and darker = more confident.
      {
        id: 'hotspots-line',
        type: 'line',
        source: 'hotspots',
        filter: ['!=', ['get', 'class'], 'not_significant'],
        paint: {
          'line-color': ['match', ['get', 'class'], ...hotClasses.flatMap((c) => [c, HOTSPOT_STYLE[c].colour]), NEUTRAL] as never,
          'line-width': ['match', ['get', 'class'], 'hot99', 4, 'cold99', 4, 'hot95', 3, 'cold95', 3, 2] as never,
          'line-dasharray': ['match', ['get', 'class'], 'cold90', ['literal', [2, 1]], 'cold95', ['literal', [2, 1]], 'cold99', ['literal', [2, 1]], ['literal', [1, 0]]] as never,
        },
      },
    ]);
    const densities = kde && 'features' in kde ? kde.features.map((f) => Number(f.properties.density)).filter((d) => d > 0) : [];
    const maxDensity = Math.max(1e-9, ...densities);
    this.setSource(map, 'kde', kde && 'features' in kde ? kde : null, [
      {
        id: 'kde-fill',
        type: 'fill',
        source: 'kde',
        filter: ['>', ['get', 'density'], maxDensity * 0.05],
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'density'], 0, '#FDE0C5', maxDensity, '#7F2704'] as never, 'fill-opacity': 0.6 },
      },
    ]);
    const pointData: FeatureCollection | null =
      points && 'points' in points ? { type: 'FeatureCollection', features: points.points.map((p) => ({ type: 'Feature', properties: { month: p.month ?? null }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } })) } : null;
    this.setSource(map, 'points', pointData, [
      { id: 'points-circle', type: 'circle', source: 'points', paint: { 'circle-radius': 2.5, 'circle-color': '#000000', 'circle-opacity': 0.7, 'circle-stroke-color': '#FFFFFF', 'circle-stroke-width': 0.5 } },
    ]);
    if (!this.fitted) {
      const box = bbox(collection);
      if (box) map.fitBounds(box, { padding: 20, duration: 0 });
      this.fitted = true;
    }
    await new Promise<void>((resolve) => (map.loaded() ? resolve() : map.once('idle', () => resolve())));

    this.renderLegend(cuts, colours, measure, hotspots, kde, points);
  }

  private renderLegend(
    cuts: number[],
    colours: string[],
    measure: MapSettings['measure'],
    hotspots: FeatureCollection | { forbidden: true } | null,
    kde: FeatureCollection | { forbidden: true } | null,
    points: { points: unknown[]; truncated: boolean } | { forbidden: true } | null,
  ): void {
    clear(this.legend);
    const digits = measure === 'rate' ? 2 : 0;
    const fmt = (x: number) => formatCell(x, { type: digits ? 'decimal' : 'integer', digits });
    const items = colours.map((colour, i) => {
      const min = i === 0 ? null : cuts[i - 1]!;
      const max = i === cuts.length ? null : cuts[i]!;
      const text = min === null ? (max === null ? 'All areas' : `below ${fmt(max)}`) : max === null ? `${fmt(min)} and above` : `${fmt(min)} to below ${fmt(max)}`;
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = colour;
      return h('li', {}, swatch, `Class ${i + 1} (${i === 0 ? 'lowest' : i === colours.length - 1 ? 'highest' : 'middle'}): ${text}`);
    });
    const noData = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    noData.style.background = NEUTRAL;
    this.legend.append(
      h('h3', {}, measure === 'rate' ? 'Rate per 1,000 residents (quantile classes)' : 'Count (quantile classes)'),
      h('ul', {}, items, h('li', {}, noData, 'No value')),
    );
    if (hotspots) this.legend.append(h('p', {}, 'forbidden' in hotspots ? 'Gi* hot spots: not available for your role.' : 'Gi* hot spots: solid outlines = hot spots, dashed = cold spots; thicker = more confident (90/95/99%).'));
    if (kde) this.legend.append(h('p', {}, 'forbidden' in kde ? 'Kernel density: not available for your role.' : 'Kernel density (400 m bandwidth): orange to brown, darker = denser.'));
    if (points) {
      this.legend.append(
        h('p', {}, 'forbidden' in points ? 'Incident points: not available for your role.' : `Incident points: ${formatCell(points.points.length, { type: 'integer' })} shown as black dots${points.truncated ? ' (truncated: narrow the filters to see all)' : ''}.`),
      );
    }
  }
}

/** A layer the role may not use becomes a note in the legend instead of an error. */
function forRole(error: unknown): { forbidden: true } {
  if (error instanceof ApiError && error.forbidden) return { forbidden: true };
  throw error;
}

/** The areas on the map as a table: the map's accessible alternative; rows cross-filter. */
export function mapTable(settings: MapSettings): WidgetDefinition {
  return {
    id: 'map-areas',
    title: 'Areas on the map',
    wide: true,
    async load(context, signal) {
      const unit = settings.unit;
      const answer = await runQuery(context, { by: [unit], ...(settings.measure === 'rate' ? { measure: 'rate' as const } : {}) }, signal);
      const key = settings.measure === 'rate' ? 'rate' : 'count';
      const rows = [...answer.rows].sort((a, b) => (typeof b[key] === 'number' ? (b[key] as number) : -1) - (typeof a[key] === 'number' ? (a[key] as number) : -1));
      const table: DataTable = {
        title: `${labelOf(unit)} ${settings.measure === 'rate' ? 'rates' : 'counts'}, highest first`,
        columns: answer.columns.map((c) => ({ key: c.name, label: labelOf(c.name), type: c.name === unit ? 'text' : c.name === 'count' || c.name === 'population' ? 'integer' : 'decimal', digits: 2 })),
        rows,
      };
      return { table, maxRows: 200, filterOf: (row) => (row[unit] ? [{ dimension: unit, value: String(row[unit]) }] : null), caveats: answer.caveats };
    },
  };
}
