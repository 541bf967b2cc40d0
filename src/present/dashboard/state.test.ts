import { describe, expect, it } from 'vitest';
import { addCrossFilter, DEFAULT_FILTERS, filtersFromSearch, headlinePeriods, removeCrossFilter, searchFromFilters, toQuerySpec, UNDER_25_BANDS, type Filters } from './state.js';

const filters = (patch: Partial<Filters>): Filters => ({ ...DEFAULT_FILTERS, ...patch });

describe('filter state in the URL', () => {
  it('round-trips every field, cross-filters in order', () => {
    const f = filters({ page: 'explore', from: '2024-04', to: '2025-03', areaUnit: 'csp', area: 'E22000001', definition: 'vrn-2020', source: 'police', under25: true, cross: [{ dimension: 'sv_category', value: 'robbery' }, { dimension: 'hour', value: '23' }] });
    const search = searchFromFilters(f);
    expect(search).toBe('?page=explore&from=2024-04&to=2025-03&csp=E22000001&definition=vrn-2020&u25=1&f=sv_category%3Arobbery&f=hour%3A23');
    expect(filtersFromSearch(search)).toEqual(f);
  });

  it('leaves defaults out and reads an empty query as the defaults', () => {
    expect(searchFromFilters(DEFAULT_FILTERS)).toBe('');
    expect(filtersFromSearch('')).toEqual(DEFAULT_FILTERS);
  });

  it('ignores malformed values instead of failing', () => {
    const f = filtersFromSearch('?page=nope&from=2024-13&to=x&lad=<script>&source=istv&f=no-colon&f=Bad Dim:1&f=hour:1&f=hour:1');
    expect(f).toEqual(filters({ cross: [{ dimension: 'hour', value: '1' }] }));
  });

  it('swaps a reversed period', () => {
    expect(filtersFromSearch('?from=2025-06&to=2025-01')).toMatchObject({ from: '2025-01', to: '2025-06' });
  });

  it('adds a cross-filter once and removes it', () => {
    const robbery = { dimension: 'sv_category', value: 'robbery' };
    const once = addCrossFilter(DEFAULT_FILTERS, robbery);
    expect(addCrossFilter(once, robbery)).toBe(once);
    expect(removeCrossFilter(once, robbery).cross).toEqual([]);
  });
});

describe('filters → query specification', () => {
  it('puts the area, cross-filters and period in the spec; two values of one dimension widen it', () => {
    const f = filters({ from: '2025-01', to: '2025-06', area: 'E06000016', cross: [{ dimension: 'sv_category', value: 'robbery' }, { dimension: 'sv_category', value: 'homicide' }] });
    expect(toQuerySpec(f, { by: ['month'] })).toEqual({ measure: 'incidents', source: 'police', from: '2025-01', to: '2025-06', where: { lad: ['E06000016'], sv_category: ['robbery', 'homicide'] }, by: ['month'] });
  });

  it('counts victims under 25 with the toggle, narrowed by a clicked age band', () => {
    expect(toQuerySpec(filters({ under25: true }))).toMatchObject({ measure: 'victims', where: { victim_age_band: [...UNDER_25_BANDS] } });
    const narrowed = toQuerySpec(filters({ under25: true, cross: [{ dimension: 'victim_age_band', value: '15-19' }] }));
    expect(narrowed.where.victim_age_band).toEqual(['15-19']);
  });

  it('counts offenders when an offender dimension is used, and honours an explicit measure', () => {
    expect(toQuerySpec(DEFAULT_FILTERS, { by: ['offender_sex'] }).measure).toBe('offenders');
    expect(toQuerySpec(filters({ under25: true }), { measure: 'rate', by: ['lad'] }).measure).toBe('rate');
  });

  it('drops what police-uk cannot supply and leaves out filters a widget sets itself', () => {
    const spec = toQuerySpec(filters({ source: 'police-uk', under25: true, definition: 'vrn-2020', area: 'E06000016' }), { without: ['lad'], withoutPeriod: true });
    expect(spec).toEqual({ measure: 'incidents', source: 'police-uk', where: {}, by: [] });
  });
});

describe('headline periods', () => {
  it('are the month, its quarter and the 12 months to it', () => {
    expect(headlinePeriods('2025-02')).toEqual([
      { id: 'month', label: 'Month (2025-02)', period: '2025-02' },
      { id: 'quarter', label: 'Quarter (2025Q1)', period: '2025Q1' },
      { id: 'year', label: '12 months (2024-03 to 2025-02)', period: null },
    ]);
  });
});
