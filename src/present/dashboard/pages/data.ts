/**
 * Data: what is loaded and how current it is — sources and data currency, ingest batches (when, file,
 * rows accepted/rejected, by whom) with the rejects download for roles allowed record-level data, and
 * the serious-violence definitions with their versions and change history.
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import type { DataTable } from '../format.js';
import type { Context, WidgetDefinition } from '../widget.js';

const RECORD_LEVEL_ROLES = new Set(['admin', 'analyst', 'partner']);

/** "police data to 2025-12-31" for each source loaded. */
export function currencySentence(context: Context): string {
  const sources = context.summary?.sources ?? [];
  if (!sources.length) return 'No data are loaded yet.';
  return sources.map((s) => `${s.source} data (${s.agency}) to ${s.last?.slice(0, 10) ?? 'unknown'}`).join('; ');
}

interface DataSourcesAnswer {
  sources: { source: string; agency: string; files: number; records: number | string; from: string | null; to: string | null; lastIngest: string | null; currency: string }[];
  batches: {
    id: number;
    source: string;
    agency: string;
    fileName: string | null;
    startedAt: string;
    finishedAt: string;
    rowsRead: number | string;
    rowsAccepted: number | string;
    rowsRejected: number | string;
    duplicates: number | string;
    updated: number | string;
    ingestedBy: string | null;
    rejectsDownloadable: number;
  }[];
  batchesOmitted: number;
  disclosureControlled: boolean;
}

const sourcesAnswer = (signal: AbortSignal) => api.get<DataSourcesAnswer>('/api/data/sources', signal);

const sources: WidgetDefinition = {
  id: 'sources',
  title: 'Sources and data currency',
  wide: true,
  async load(context, signal) {
    const answer = await sourcesAnswer(signal);
    const currency = answer.sources.map((s) => s.currency).join('; ');
    const lead = h('p', { class: 'subject', 'data-currency': '' }, `Data currency: ${currency || currencySentence(context)}.`);
    const table: DataTable = {
      title: 'Sources',
      columns: [
        { key: 'source', label: 'Source', type: 'text' },
        { key: 'agency', label: 'Agency', type: 'text' },
        { key: 'files', label: 'Files', type: 'integer' },
        { key: 'records', label: 'Records', type: 'integer' },
        { key: 'from', label: 'First record', type: 'text' },
        { key: 'to', label: 'Last record', type: 'text' },
        { key: 'lastIngest', label: 'Last loaded', type: 'text' },
        { key: 'currency', label: 'Currency', type: 'text' },
      ],
      rows: answer.sources,
    };
    return { lead, table, caveats: answer.disclosureControlled ? ['record counts disclosure-controlled; file names and users hidden for your role'] : [] };
  },
};

const batches: WidgetDefinition = {
  id: 'batches',
  title: 'Ingest batches',
  description: 'Every file loaded: when, how many rows were accepted and rejected, and by whom.',
  wide: true,
  async load(context, signal) {
    const answer = await sourcesAnswer(signal);
    const downloadable = answer.batches.filter((b) => b.rejectsDownloadable > 0);
    const canDownload = RECORD_LEVEL_ROLES.has(context.session.role ?? '');
    const lead = downloadable.length
      ? h(
          'ul',
          { class: 'rejects' },
          downloadable.map((b) =>
            h('li', {}, h('a', { href: `/api/data/batches/${b.id}/rejects`, download: '' }, `Download the ${b.rejectsDownloadable.toLocaleString('en-GB')} rejected rows of batch ${b.id}${b.fileName ? ` (${b.fileName})` : ''} as CSV`)),
          ),
        )
      : h('p', {}, canDownload ? 'No batch has rejected rows you can download.' : 'Rejected rows can be downloaded by analysts, partners (their own files) and administrators.');
    const table: DataTable = {
      title: 'Ingest batches',
      columns: [
        { key: 'id', label: 'Batch', type: 'text' },
        { key: 'source', label: 'Source', type: 'text' },
        { key: 'agency', label: 'Agency', type: 'text' },
        { key: 'fileName', label: 'File', type: 'text' },
        { key: 'finishedAt', label: 'Loaded', type: 'text' },
        { key: 'rowsRead', label: 'Rows read', type: 'integer' },
        { key: 'rowsAccepted', label: 'Accepted', type: 'integer' },
        { key: 'rowsRejected', label: 'Rejected', type: 'integer' },
        { key: 'duplicates', label: 'Duplicates', type: 'integer' },
        { key: 'updated', label: 'Updated', type: 'integer' },
        { key: 'ingestedBy', label: 'By', type: 'text' },
      ],
      rows: answer.batches.map((b) => ({ ...b, id: String(b.id) })),
    };
    const caveats = answer.batchesOmitted ? [`${answer.batchesOmitted} older batches not listed`] : [];
    return { lead, table, maxRows: 200, caveats };
  },
};

interface DefinitionsAnswer {
  definitions: { id: string; version: number; name: string; description: string; isDefault: boolean; effectiveFrom: string | null; effectiveTo: string | null; loadedAt: string; loadedBy: string | null; excludeDomestic: boolean; u25Age: number; changes: string[] | null }[];
  default: { id: string; version: number } | null;
}

const definitions: WidgetDefinition = {
  id: 'definitions',
  title: 'Serious-violence definitions and their history',
  wide: true,
  async load(_context, signal) {
    const answer = await api.get<DefinitionsAnswer>('/api/definitions', signal);
    const lead = h(
      'div',
      {},
      answer.default ? h('p', { class: 'subject' }, `Active definition: ${answer.default.id} version ${answer.default.version}.`) : h('p', {}, 'No default definition is set.'),
      h('h3', {}, 'Change history'),
      h(
        'ul',
        {},
        answer.definitions.map((d) =>
          h('li', {}, `${d.id} v${d.version} (${d.name}), loaded ${d.loadedAt}${d.loadedBy ? ` by ${d.loadedBy}` : ''}: `, d.changes?.length ? d.changes.join('; ') : 'first version'),
        ),
      ),
    );
    const table: DataTable = {
      title: 'Definitions',
      columns: [
        { key: 'id', label: 'Definition', type: 'text' },
        { key: 'version', label: 'Version', type: 'integer' },
        { key: 'name', label: 'Name', type: 'text' },
        { key: 'isDefault', label: 'Default', type: 'text' },
        { key: 'effectiveFrom', label: 'Effective from', type: 'text' },
        { key: 'effectiveTo', label: 'Effective to', type: 'text' },
        { key: 'excludeDomestic', label: 'Excludes domestic', type: 'text' },
        { key: 'u25Age', label: 'Under-25 age', type: 'integer' },
        { key: 'description', label: 'Description', type: 'text' },
      ],
      rows: answer.definitions.map(({ changes: _c, ...d }) => d),
    };
    return { lead, table };
  },
};

export const dataWidgets: WidgetDefinition[] = [sources, batches, definitions];
