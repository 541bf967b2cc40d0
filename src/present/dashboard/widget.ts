/**
 * A widget: one titled panel of a page that loads from the API and shows a chart and/or a table, its
 * caveats, and export buttons (CSV, XLSX; PNG for charts). Every chart has a "Show as table" data-table
 * alternative; rows of cross-filterable widgets carry a "Filter" button, so the cross-filter works from
 * the keyboard too. Loading and errors are announced (aria-live) and shown inside the widget only: a
 * failing widget never blanks the page.
 */
import type { EChartsOption } from 'echarts';
import { ApiError, type SessionAnswer, type SummaryAnswer } from './api.js';
import { clear, h, uid } from './dom.js';
import { mountChart, type ChartClick, type MountedChart } from './echarts.js';
import { exportCsv, exportPng, exportXlsx } from './exporting.js';
import { describeFilter, formatCell, type Cell, type DataTable } from './format.js';
import type { CrossFilter, Filters } from './state.js';

/** What every page and widget can read. */
export interface Context {
  filters: Filters;
  session: SessionAnswer;
  summary: SummaryAnswer | null;
  /** Area names by code (LAD, CSP, MSOA, LSOA) once boundaries are loaded. */
  names: Map<string, string>;
  addFilters(filters: CrossFilter[]): void;
}

export interface WidgetResult {
  table: DataTable;
  chart?: EChartsOption;
  chartHeight?: number;
  /** Cross-filters for a table row (also used for chart clicks). */
  filterOf?: (row: Record<string, Cell>) => CrossFilter[] | null;
  /** The table row of a chart click; default: the row at the click's data index. */
  rowOfClick?: (click: ChartClick) => Record<string, Cell> | null;
  caveats?: string[];
  /** Content shown above the chart (e.g. headline figures). */
  lead?: Node;
  /** Rows shown on screen at most (exports hold all). */
  maxRows?: number;
}

export interface WidgetDefinition {
  id: string;
  title: string;
  /** A sentence under the title: what the widget shows. */
  description?: string;
  /** Takes the page's full width. */
  wide?: boolean;
  load(context: Context, signal: AbortSignal): Promise<WidgetResult>;
}

/** Loading widgets on the page; the shell measures repaint time until it is back to zero. */
let pending = 0;
const idleListeners = new Set<() => void>();
export function onIdle(listener: () => void): () => void {
  idleListeners.add(listener);
  return () => idleListeners.delete(listener);
}
export function busy(): boolean {
  return pending > 0;
}
function started(): void {
  pending += 1;
  document.body.dataset.busy = 'true';
}
function finished(): void {
  pending = Math.max(0, pending - 1);
  if (pending === 0) {
    document.body.dataset.busy = 'false';
    for (const listener of [...idleListeners]) listener();
  }
}

/** Counts `work` as loading (for the repaint measurement and `data-busy`). */
export async function track(work: () => Promise<void>): Promise<void> {
  started();
  try {
    await work();
  } finally {
    finished();
  }
}

export class Widget {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly body: HTMLElement;
  private readonly toolbar: HTMLElement;
  private chart: MountedChart | null = null;
  private controller: AbortController | null = null;
  private result: WidgetResult | null = null;
  private tableShown = false;

  constructor(
    private readonly definition: WidgetDefinition,
    private readonly context: () => Context,
    headingLevel: 2 | 3 = 2,
  ) {
    const titleId = uid('widget-title');
    this.status = h('p', { class: 'widget-status', role: 'status', 'aria-live': 'polite' });
    this.toolbar = h('div', { class: 'widget-tools', role: 'group', 'aria-label': `${definition.title}: export and view` });
    this.body = h('div', { class: 'widget-body' });
    this.element = h(
      'section',
      // 'pending' reserves a chart's height until the first answer, so the layout (and what counts as
      // on screen for lazy loading) is close to the final one from the start.
      { class: `widget pending${definition.wide ? ' wide' : ''}`, 'aria-labelledby': titleId, 'data-widget': definition.id },
      h('div', { class: 'widget-head' }, h(headingLevel === 2 ? 'h2' : 'h3', { id: titleId }, definition.title), this.toolbar),
      definition.description ? h('p', { class: 'widget-description' }, definition.description) : null,
      this.status,
      this.body,
    );
  }

  /**
   * Loads now when the widget is on (or near) the screen; otherwise marks it stale and loads it when it
   * scrolls into view — so a filter change repaints what is visible first, whatever the page length.
   */
  reload(): Promise<void> {
    if (this.visible) return this.load();
    this.stale = true;
    this.controller?.abort();
    this.status.className = 'widget-status loading';
    this.status.textContent = 'Loads when scrolled into view…';
    return Promise.resolve();
  }

  private visible = false;
  private stale = false;
  private readonly observer = new IntersectionObserver(
    (entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible && this.stale) void this.load();
    },
    { rootMargin: '200px 0px' },
  );

  /** Starts watching visibility (once the element is in the document). */
  attach(): void {
    this.visible = isNearViewport(this.element);
    this.observer.observe(this.element);
  }

  private async load(): Promise<void> {
    this.stale = false;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.element.setAttribute('aria-busy', 'true');
    this.status.textContent = 'Loading…';
    this.status.className = 'widget-status loading';
    started();
    try {
      const result = await this.definition.load(this.context(), controller.signal);
      if (controller.signal.aborted) return;
      this.result = result;
      this.element.classList.remove('pending');
      this.render(result);
      this.status.textContent = '';
      this.status.className = 'widget-status';
    } catch (error) {
      if (controller.signal.aborted || (error as Error).name === 'AbortError') return;
      this.element.classList.remove('pending');
      this.renderError(error as Error);
    } finally {
      if (this.controller === controller) this.element.removeAttribute('aria-busy');
      finished();
    }
  }

  dispose(): void {
    this.observer.disconnect();
    this.controller?.abort();
    this.chart?.dispose();
    this.chart = null;
  }

  private renderError(error: Error): void {
    this.chart?.dispose();
    this.chart = null;
    this.result = null;
    clear(this.body);
    clear(this.toolbar);
    const role = this.context().session.role ?? 'signed-out';
    const message =
      error instanceof ApiError && error.forbidden
        ? `Not available for your role (${role}): this analysis is for analysts and partners; the counts shown elsewhere are disclosure-controlled.`
        : error instanceof ApiError
          ? `Could not load: ${error.message}${error.hint ? ` (${error.hint})` : ''}`
          : `Could not show this: ${error.message}`;
    this.status.className = `widget-status ${error instanceof ApiError && error.forbidden ? 'restricted' : 'error'}`;
    this.status.textContent = message;
  }

  private render(result: WidgetResult): void {
    this.chart?.dispose();
    this.chart = null;
    clear(this.body);
    clear(this.toolbar);
    const { table } = result;
    const tableId = uid('table');
    const hasChart = result.chart !== undefined;

    if (result.lead) this.body.appendChild(result.lead);
    if (hasChart) {
      const canvas = h('div', { class: 'chart', role: 'img', 'aria-label': `${this.definition.title}: chart; the same figures are in the table (Show as table)` });
      canvas.style.height = `${result.chartHeight ?? 320}px`;
      this.body.appendChild(canvas);
      // The panel is rebuilt on every load, so the chart is too (ECharts keeps no state we need).
      this.chart = mountChart(canvas, (click) => this.onChartClick(click));
      this.chart.update(result.chart!);
    }
    const tableWrap = h('div', { class: 'table-wrap', id: tableId, tabindex: 0, 'aria-label': `${table.title} (table)` }, renderTable(table, result, (filters) => this.context().addFilters(filters), this.context().names));
    if (hasChart && !this.tableShown) tableWrap.hidden = true;
    this.body.appendChild(tableWrap);
    if (result.caveats?.length) {
      this.body.appendChild(h('div', { class: 'caveats' }, h('p', { class: 'caveats-title' }, 'Caveats'), h('ul', {}, result.caveats.map((c) => h('li', {}, c)))));
    }

    if (hasChart) {
      const toggle = h('button', { type: 'button', 'aria-controls': tableId, 'aria-expanded': String(!tableWrap.hidden) }, tableWrap.hidden ? 'Show as table' : 'Hide table');
      toggle.addEventListener('click', () => {
        tableWrap.hidden = !tableWrap.hidden;
        this.tableShown = !tableWrap.hidden;
        toggle.setAttribute('aria-expanded', String(this.tableShown));
        toggle.textContent = this.tableShown ? 'Hide table' : 'Show as table';
      });
      this.toolbar.appendChild(toggle);
    }
    const caveats = result.caveats ?? [];
    this.toolbar.appendChild(h('button', { type: 'button', 'aria-label': `Download ${table.title} as CSV`, onclick: () => exportCsv(table) }, 'CSV'));
    this.toolbar.appendChild(
      h('button', {
        type: 'button',
        'aria-label': `Download ${table.title} as XLSX (Excel)`,
        onclick: () => {
          exportXlsx(table, caveats).catch((error: Error) => {
            this.status.className = 'widget-status error';
            this.status.textContent = `The XLSX export failed: ${error.message}`;
          });
        },
      }, 'XLSX'),
    );
    if (hasChart) {
      this.toolbar.appendChild(h('button', { type: 'button', 'aria-label': `Download ${table.title} chart as PNG`, onclick: () => this.chart && exportPng(table.title, this.chart.pngDataUrl()) }, 'PNG'));
    }
  }

  private onChartClick(click: ChartClick): void {
    const result = this.result;
    if (!result?.filterOf) return;
    const row = result.rowOfClick ? result.rowOfClick(click) : (result.table.rows[click.dataIndex] ?? null);
    if (!row) return;
    const filters = result.filterOf(row);
    if (filters?.length) this.context().addFilters(filters);
  }
}

function isNearViewport(element: HTMLElement): boolean {
  const box = element.getBoundingClientRect();
  return box.top < window.innerHeight + 200 && box.bottom > -200;
}

function renderTable(table: DataTable, result: WidgetResult, addFilters: (filters: CrossFilter[]) => void, names: ReadonlyMap<string, string>): HTMLElement {
  const max = result.maxRows ?? 500;
  const rows = table.rows.slice(0, max);
  const filterable = result.filterOf !== undefined;
  const element = h(
    'table',
    { class: 'data' },
    h('caption', {}, table.title, table.rows.length > max ? ` (first ${max} of ${table.rows.length} rows; the exports hold all)` : ''),
    h('thead', {}, h('tr', {}, table.columns.map((c) => h('th', { scope: 'col', class: c.type === 'text' ? '' : 'num' }, c.label)), filterable ? h('th', { scope: 'col' }, 'Filter') : null)),
    h(
      'tbody',
      {},
      rows.map((row) => {
        const filters = result.filterOf?.(row) ?? null;
        return h(
          'tr',
          {},
          table.columns.map((c, i) => {
            const value = row[c.key] ?? null;
            const text = c.type === 'text' && typeof value === 'string' && names.has(value) ? `${names.get(value)} (${value})` : formatCell(value, c);
            return i === 0 ? h('th', { scope: 'row' }, text) : h('td', { class: c.type === 'text' ? '' : 'num' }, text);
          }),
          filterable
            ? h(
                'td',
                {},
                filters?.length
                  ? h('button', { type: 'button', class: 'filter-button', 'aria-label': `Filter all views to ${filters.map((f) => describeFilter(f.dimension, f.value, names)).join(' and ')}`, onclick: () => addFilters(filters) }, 'Filter')
                  : '',
              )
            : null,
        );
      }),
    ),
  );
  if (rows.length === 0) return h('p', { class: 'empty' }, 'Nothing matches these filters.');
  return element;
}
