/**
 * The dashboard shell: sign-in, the demo banner, page navigation, the one shared filter bar (period,
 * area, definition, source, under-25 toggle, cross-filter chips) and the pages. The filter state lives
 * in the URL (pushState), so views can be shared and the back button works. Every number comes from
 * the svo API; the browser only lays it out.
 */
import './styles.css';
import { api, ApiError, csrfToken, onSignedOut, rememberCsrf, type QueryAnswer, type SessionAnswer, type SummaryAnswer } from './api.js';
import { clear, h, uid } from './dom.js';
import { describeFilter } from './format.js';
import { areaWidgets } from './pages/areas.js';
import { dataWidgets } from './pages/data.js';
import { exploreSections } from './pages/explore.js';
import { loadAreaNames, MapPanel, mapTable, type MapSettings } from './pages/map.js';
import { overviewWidgets } from './pages/overview.js';
import {
  addCrossFilter,
  effectiveFilters,
  filtersFromSearch,
  PAGE_TITLES,
  PAGES,
  removeCrossFilter,
  searchFromFilters,
  type CrossFilter,
  type Filters,
  type PageId,
} from './state.js';
import { busy, onIdle, Widget, type Context } from './widget.js';

const root = document.getElementById('app')!;
const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

interface Shell {
  session: SessionAnswer;
  summary: SummaryAnswer | null;
  names: Map<string, string>;
  filters: Filters;
  page: PageId | null;
  widgets: Widget[];
  map: MapPanel | null;
  mapSettings: MapSettings;
  main: HTMLElement;
  filterBar: HTMLElement;
  nav: HTMLElement;
}

let shell: Shell | null = null;

function context(): Context {
  const s = shell!;
  return { filters: s.filters, session: s.session, summary: s.summary, names: s.names, addFilters };
}

/** Measures how long the page takes to settle after `mark` (performance entries the e2e test reads). */
function measureWhenIdle(name: string, start: string | number): void {
  const done = () => {
    if (typeof start === 'number') performance.measure(name, { start, end: performance.now() });
    else performance.measure(name, start);
  };
  if (!busy()) {
    queueMicrotask(() => (busy() ? waitIdle() : done()));
    return;
  }
  waitIdle();
  function waitIdle() {
    const stop = onIdle(() => {
      stop();
      done();
    });
  }
}

function setFilters(next: Filters, push = true): void {
  const s = shell!;
  const search = searchFromFilters(next);
  if (push && search !== location.search) history.pushState(null, '', `${location.pathname}${search}`);
  s.filters = next;
  performance.mark('svo-filter-change');
  renderFilterBar();
  renderPage();
  measureWhenIdle('svo-repaint', 'svo-filter-change');
}

function addFilters(filters: CrossFilter[]): void {
  const s = shell!;
  let next = s.filters;
  for (const f of filters) next = addCrossFilter(next, f);
  if (next !== s.filters) {
    announcer.textContent = `Filter added: ${filters.map((f) => describeFilter(f.dimension, f.value, s.names)).join(', ')}. All views updated.`;
    setFilters(next);
  }
}

// ---------------------------------------------------------------------------------------------------
// Sign-in

function renderSignIn(message?: string): void {
  shell = null;
  clear(root);
  const userId = uid('username');
  const passId = uid('password');
  const error = h('p', { class: 'widget-status error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to the Serious Violence Observatory'),
    h('p', {}, 'Use the account your administrator gave you. With `npm start`, the demo sign-in is printed in the terminal.'),
    h('label', { for: userId }, 'Username'),
    h('input', { id: userId, name: 'username', autocomplete: 'username', required: true }),
    h('label', { for: passId }, 'Password'),
    h('input', { id: passId, name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    error.textContent = 'Signing in…';
    api
      .post<{ csrfToken: string }>('/api/login', { username: String(data.get('username') ?? ''), password: String(data.get('password') ?? '') })
      .then((answer) => {
        rememberCsrf(answer.csrfToken);
        return boot();
      })
      .catch((e: Error) => {
        error.textContent = e.message;
      });
  });
  root.append(h('main', { id: 'main', tabindex: -1 }, form));
}

// ---------------------------------------------------------------------------------------------------
// Shell

async function boot(): Promise<void> {
  // The demo link may hand the CSRF token over in the fragment; keep it for this tab only.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('csrf')) {
    rememberCsrf(fragment.get('csrf'));
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }
  let session: SessionAnswer;
  try {
    session = await api.get<SessionAnswer>('/api/session');
  } catch (error) {
    if (error instanceof ApiError && error.signedOut) return renderSignIn();
    clear(root);
    root.append(h('main', { id: 'main' }, h('h1', {}, 'Serious Violence Observatory'), h('p', { class: 'widget-status error', role: 'alert' }, `The server could not be reached: ${(error as Error).message}`)));
    return;
  }
  if (!session.username) return renderSignIn();
  if (session.csrfToken) rememberCsrf(session.csrfToken);
  if (!csrfToken()) return renderSignIn('Please sign in again in this tab (your session is open, but this tab has no request token).');
  const summary = await api.get<SummaryAnswer>('/api/summary').catch(() => null);
  const names = new Map<string, string>();
  const filters = filtersFromSearch(location.search);
  const main = h('main', { id: 'main', tabindex: -1 });
  const nav = h('nav', { 'aria-label': 'Pages' });
  const filterBar = h('section', { class: 'filter-bar', 'aria-label': 'Filters for every page' });
  shell = { session, summary, names, filters, page: null, widgets: [], map: null, mapSettings: { unit: 'lsoa', measure: 'incidents', hotspots: true, kde: false, points: false }, main, filterBar, nav };

  clear(root);
  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => {
    api
      .post('/api/logout', {})
      .catch(() => undefined)
      .finally(() => {
        rememberCsrf(null);
        renderSignIn('You are signed out.');
      });
  });
  const banner = summary?.demo ? h('p', { class: 'demo-banner', role: 'note' }, h('strong', {}, 'Demo data: '), (summary.banner ?? 'synthetic records, not real people or places').replace(/^Demo data:\s*/i, '')) : null;
  root.append(
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to main content'),
    h(
      'header',
      { class: 'site-header' },
      h('p', { class: 'brand' }, 'Serious Violence Observatory'),
      h('p', { class: 'user' }, `${session.username} (${session.role})${session.disclosureControlled ? ' · disclosure-controlled figures' : ''} `, signOut),
    ),
    ...(banner ? [banner] : []),
    nav,
    filterBar,
    main,
    announcer,
  );
  renderFilterBar();
  renderPage();
  measureWhenIdle('svo-first-paint', 0);
  void loadAreaNames(names).then(() => {
    if (shell && names.size) {
      renderFilterBar();
    }
  });
}

function renderNav(): void {
  const s = shell!;
  clear(s.nav);
  s.nav.append(
    h(
      'ul',
      {},
      PAGES.map((page) => {
        const href = `${location.pathname}${searchFromFilters({ ...s.filters, page })}`;
        const link = h('a', { href, ...(page === s.filters.page ? { 'aria-current': 'page' } : {}) }, PAGE_TITLES[page]);
        link.addEventListener('click', (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          setFilters({ ...s.filters, page });
          s.main.focus();
        });
        return h('li', {}, link);
      }),
    ),
  );
}

let areaOptions: { unit: string; codes: string[] } | null = null;

function renderFilterBar(): void {
  const s = shell!;
  renderNav();
  const f = s.filters;
  clear(s.filterBar);
  const field = (label: string, control: HTMLElement) => {
    const id = uid('filter');
    control.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, label), control);
  };
  const change = (patch: Partial<Filters>) => setFilters({ ...s.filters, ...patch });

  const from = h('input', { type: 'month', value: f.from ?? '', min: firstLoaded(), max: lastLoaded() });
  from.addEventListener('change', () => change({ from: from.value || null }));
  const to = h('input', { type: 'month', value: f.to ?? '', min: firstLoaded(), max: lastLoaded() });
  to.addEventListener('change', () => change({ to: to.value || null }));

  const unit = h('select', {}, h('option', { value: 'lad', selected: f.areaUnit === 'lad' }, 'Local authority (LAD)'), h('option', { value: 'csp', selected: f.areaUnit === 'csp' }, 'Community Safety Partnership (CSP)'));
  unit.addEventListener('change', () => change({ areaUnit: unit.value === 'csp' ? 'csp' : 'lad', area: null }));
  const area = h('select', {}, h('option', { value: '' }, 'All areas'));
  const codes = areaOptions?.unit === f.areaUnit ? areaOptions.codes : [];
  if (f.area && !codes.includes(f.area)) codes.push(f.area);
  for (const code of codes) area.append(h('option', { value: code, selected: code === f.area }, s.names.get(code) ? `${s.names.get(code)} (${code})` : code));
  area.addEventListener('change', () => change({ area: area.value || null }));
  if (areaOptions?.unit !== f.areaUnit) void loadAreaOptions(f.areaUnit);

  const definitions = s.summary?.definitions ?? [];
  const definition = h('select', {}, h('option', { value: '' }, `Default${definitions.find((d) => d.isDefault) ? ` (${definitions.find((d) => d.isDefault)!.id})` : ''}`));
  for (const id of [...new Set(definitions.map((d) => d.id))]) definition.append(h('option', { value: id, selected: id === f.definition }, id));
  definition.addEventListener('change', () => change({ definition: definition.value || null }));

  const loaded = new Set((s.summary?.sources ?? []).map((x) => x.source));
  const source = h(
    'select',
    {},
    h('option', { value: 'police', selected: f.source === 'police' }, 'Police records'),
    h('option', { value: 'police-uk', selected: f.source === 'police-uk', disabled: !loaded.has('police-uk') && f.source !== 'police-uk' }, `data.police.uk${loaded.has('police-uk') ? '' : ' (not loaded)'}`),
  );
  source.addEventListener('change', () => change({ source: source.value === 'police-uk' ? 'police-uk' : 'police' }));

  const u25Id = uid('u25');
  const u25 = h('input', { type: 'checkbox', id: u25Id, checked: f.under25 });
  u25.addEventListener('change', () => change({ under25: u25.checked }));

  const { dropped } = effectiveFilters(f);
  const chips = h(
    'ul',
    { class: 'chips', 'aria-label': 'Active cross-filters' },
    f.cross.map((c) => {
      const text = describeFilter(c.dimension, c.value, s.names);
      const remove = h('button', { type: 'button', 'aria-label': `Remove filter ${text}` }, '×');
      remove.addEventListener('click', () => {
        announcer.textContent = `Filter removed: ${text}.`;
        setFilters(removeCrossFilter(s.filters, c));
      });
      return h('li', { class: 'chip' }, h('span', {}, text), remove);
    }),
  );
  const clearAll = h('button', { type: 'button', class: 'link' }, 'Clear all filters');
  clearAll.addEventListener('click', () => setFilters({ ...s.filters, from: null, to: null, area: null, definition: null, under25: false, cross: [] }));

  s.filterBar.append(
    h('h2', { class: 'visually-hidden' }, 'Filters'),
    h(
      'div',
      { class: 'fields' },
      field('From month', from),
      field('To month', to),
      field('Area type', unit),
      field('Area', area),
      field('Definition', definition),
      field('Source', source),
      h('div', { class: 'field toggle' }, u25, h('label', { for: u25Id }, 'Victims under 25 only')),
    ),
    h('div', { class: 'chip-row' }, h('span', { class: 'chip-label' }, f.cross.length ? 'Cross-filters:' : 'No cross-filters: click a bar, cell, area or a table’s “Filter” button to add one.'), chips, f.cross.length || f.area || f.from || f.to || f.under25 ? clearAll : null),
  );
  if (dropped.length) s.filterBar.append(h('p', { class: 'note' }, `Not applied to ${f.source}: ${dropped.join('; ')}.`));
}

function firstLoaded(): string | null {
  return (shell?.summary?.sources ?? []).map((x) => x.first?.slice(0, 7) ?? '').filter(Boolean).sort()[0] ?? null;
}
function lastLoaded(): string | null {
  return (shell?.summary?.sources ?? []).map((x) => x.last?.slice(0, 7) ?? '').filter(Boolean).sort().at(-1) ?? null;
}

async function loadAreaOptions(unit: 'lad' | 'csp'): Promise<void> {
  try {
    const answer = await api.post<QueryAnswer>('/api/query', { by: [unit], allCrime: true });
    areaOptions = { unit, codes: answer.rows.map((r) => String(r[unit])).filter((c) => c !== 'null') };
    if (shell && shell.filters.areaUnit === unit) renderFilterBar();
  } catch {
    // The area list stays empty; the rest of the bar works.
  }
}

function renderPage(): void {
  const s = shell!;
  const page = s.filters.page;
  if (s.page === page) {
    for (const w of s.widgets) void w.reload();
    void s.map?.reload();
    return;
  }
  for (const w of s.widgets) w.dispose();
  s.map?.dispose();
  s.widgets = [];
  s.map = null;
  s.page = page;
  clear(s.main);
  document.title = `${PAGE_TITLES[page]} · Serious Violence Observatory`;
  s.main.append(h('h1', {}, PAGE_TITLES[page]));
  const grid = h('div', { class: 'grid' });
  const add = (container: HTMLElement, widget: Widget) => {
    s.widgets.push(widget);
    container.append(widget.element);
  };
  switch (page) {
    case 'overview':
      s.main.append(grid);
      for (const d of overviewWidgets) add(grid, new Widget(d, context));
      break;
    case 'explore': {
      const toc = h('nav', { 'aria-label': 'Variables', class: 'toc' }, h('ul', {}, exploreSections.map((section) => h('li', {}, h('a', { href: `#${section.id}` }, section.title)))));
      s.main.append(toc);
      for (const section of exploreSections) {
        const titleId = uid('section');
        const sectionGrid = h('div', { class: 'grid' });
        s.main.append(h('section', { id: section.id, 'aria-labelledby': titleId, class: 'variable' }, h('h2', { id: titleId }, section.title), sectionGrid));
        for (const d of section.widgets) add(sectionGrid, new Widget(d, context, 3));
      }
      break;
    }
    case 'map': {
      s.main.append(grid);
      const panel = new MapPanel(context, s.mapSettings, () => {
        void panel.reload();
        for (const w of s.widgets) void w.reload();
      });
      s.map = panel;
      grid.append(panel.element);
      add(grid, new Widget(mapTable(s.mapSettings), context));
      break;
    }
    case 'areas':
      s.main.append(grid);
      for (const d of areaWidgets) add(grid, new Widget(d, context));
      break;
    case 'data':
      s.main.append(grid);
      for (const d of dataWidgets) add(grid, new Widget(d, context));
      break;
  }
  for (const w of s.widgets) w.attach();
  for (const w of s.widgets) void w.reload();
  void s.map?.reload();
}

window.addEventListener('popstate', () => {
  if (!shell) return;
  setFilters(filtersFromSearch(location.search), false);
});
onSignedOut(() => renderSignIn('Your session has ended: please sign in again.'));

void boot();

