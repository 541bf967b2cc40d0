/**
 * The report as one self-contained HTML file: inline CSS, charts as inline SVG (ECharts server-side
 * rendering), no scripts. Every chart links to the data table drawn from it (its accessible
 * alternative). Print CSS makes it an A4 document: running header with period and definition, page
 * numbers, charts never split across pages, long tables repeating their header row. Ids are stable
 * (derived from section, chart and table ids), so golden tests can compare files.
 */
import type { EChartsOption } from 'echarts';
import { renderSvg } from '../charts/ssr.js';
import { definitionLabel, formatCell, formatInteger } from './format.js';
import type { Block, ReportDocument, ReportMeta, ReportSection, ReportTable } from './model.js';
import { longDate } from './period.js';

export interface HtmlOptions {
  /**
   * Leave out the CSS page-margin header and footer: the PDF printer draws its own (Chromium's header
   * and footer templates), and both at once would print twice.
   */
  forPdf?: boolean;
}

/** Chart width in CSS pixels: the A4 text width at 96 dpi (210 mm − 2 × 14 mm ≈ 688 px). */
export const CHART_WIDTH = 680;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text for the running header: period, area and definition. */
export function runningHeader(meta: ReportMeta): string {
  return [meta.periodLabel, meta.area ? meta.area.name : 'Whole area', definitionLabel(meta, 'short')].join(' · ');
}

function css(meta: ReportMeta, forPdf: boolean): string {
  const header = escapeHtml(runningHeader(meta)).replace(/"/g, '\\"');
  const pageBoxes = forPdf
    ? ''
    : `
  @top-left { content: "${header}"; font: 8pt system-ui, sans-serif; color: #555; }
  @top-right { content: "${escapeHtml(meta.circulation.toUpperCase())}"; font: bold 8pt system-ui, sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #555; }`;
  return `
:root { --ink: #1a1a1a; --muted: #555; --rule: #c8c8c8; --accent: #0072B2; --concern: #E69F00; }
* { box-sizing: border-box; }
html { font: 10.5pt/1.45 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); }
body { margin: 0 auto; max-width: 190mm; padding: 0 4mm 12mm; }
h1 { font-size: 20pt; margin: 0 0 4mm; line-height: 1.2; }
h2 { font-size: 14pt; margin: 8mm 0 3mm; padding-bottom: 1mm; border-bottom: 2px solid var(--accent); break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 3mm; }
a { color: var(--accent); }
.cover { padding-top: 20mm; }
.cover dl { display: grid; grid-template-columns: 42mm 1fr; gap: 2mm 4mm; margin: 6mm 0; }
.cover dt { font-weight: 600; }
.cover dd { margin: 0; }
.labels { list-style: none; padding: 0; margin: 4mm 0; }
.labels li { border-left: 4px solid var(--concern); background: #fff6e0; padding: 2mm 3mm; margin-bottom: 2mm; font-weight: 600; }
.circulation { display: inline-block; padding: 1mm 3mm; border: 2px solid var(--ink); font-weight: 700; letter-spacing: 0.05em; }
nav ol { padding-left: 6mm; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(55mm, 1fr)); gap: 3mm; margin: 3mm 0 4mm; break-inside: avoid; }
.figure { border: 1px solid var(--rule); border-top: 4px solid var(--rule); padding: 2.5mm 3mm; }
.figure.improvement { border-top-color: var(--accent); }
.figure.concern { border-top-color: var(--concern); }
.figure .label { font-size: 8.5pt; color: var(--muted); }
.figure .value { font-size: 15pt; font-weight: 700; }
.figure .tone { font-size: 8.5pt; font-weight: 600; }
.verdicts { margin: 0 0 4mm; padding-left: 5mm; }
.verdicts li { margin-bottom: 1mm; }
figure.chart { margin: 4mm 0 2mm; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: 600; margin-bottom: 1mm; }
figure.chart svg { display: block; width: 100%; height: auto; }
.data-link { font-size: 8.5pt; margin: 1mm 0 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 8.5pt; }
caption { text-align: left; font-weight: 600; padding-bottom: 1mm; font-size: 9pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.8mm 1.5mm; vertical-align: top; }
th { text-align: left; background: #f0f0f0; font-weight: 600; }
tbody th[scope=row] { min-width: 28mm; }
td.long, th.long { min-width: 45mm; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.wide { font-size: 7pt; }
table.wide th, table.wide td { padding: 0.5mm 0.6mm; }
.notes { font-size: 8pt; color: var(--muted); margin: -2mm 0 4mm; }
.caveats li, .methods li { margin-bottom: 1.5mm; }
section.page-break { break-before: page; }
@media print {
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .cover { break-after: page; padding-top: 30mm; }
  nav { break-after: page; }
}
@page { size: A4; margin: 18mm 12mm 16mm 12mm;${pageBoxes}
}
@page :first { @top-left { content: none; } @top-right { content: none; } }
`;
}

function tableHtml(table: ReportTable, caption = true): string {
  const wide = table.columns.length > 12;
  const numeric = (type: string) => type !== 'text' && type !== 'date';
  // Text columns of sentences get room to read; the numbers take what they need.
  const long = new Set(table.columns.filter((c) => c.type === 'text' && table.rows.some((r) => String(r[c.key] ?? '').length > 40)).map((c) => c.key));
  const cls = (c: { key: string; type: string }) => (numeric(c.type) ? ' class="num"' : long.has(c.key) ? ' class="long"' : '');
  const head = table.columns.map((c) => `<th scope="col"${cls(c)}>${escapeHtml(c.label)}</th>`).join('');
  const body = table.rows
    .map((r) => `<tr>${table.columns.map((c, i) => {
      const text = escapeHtml(formatCell(r[c.key] ?? null, c));
      return i === 0 ? `<th scope="row"${cls(c)}>${text}</th>` : `<td${cls(c)}>${text}</td>`;
    }).join('')}</tr>`)
    .join('\n');
  const notes = table.notes?.length ? `\n<p class="notes">${table.notes.map(escapeHtml).join(' ')}</p>` : '';
  return `<table id="table-${table.id}"${wide ? ' class="wide"' : ''}>${caption ? `<caption>${escapeHtml(table.title)}</caption>` : ''}
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>${notes}`;
}

/** SVG of each chart block already drawn: the HTML and the PDF's HTML of one document draw each chart once. */
const drawn = new WeakMap<object, string>();

function chartSvg(block: Extract<Block, { type: 'chart' }>, maps: Record<string, object>): string {
  const cached = drawn.get(block);
  if (cached !== undefined) return cached;
  let svg: string;
  try {
    svg = renderSvg(block.option as EChartsOption, { width: CHART_WIDTH, height: block.height ?? 300, maps, idPrefix: `svg-${block.id}` });
  } catch (error) {
    // A chart that cannot be drawn must not lose the pack: say so where it would be; the table follows.
    svg = `<p class="notes">This chart could not be drawn (${escapeHtml((error as Error).message)}); its data are in the table below.</p>`;
  }
  drawn.set(block, svg);
  return svg;
}

function chartHtml(block: Extract<Block, { type: 'chart' }>, maps: Record<string, object>): string {
  const svg = chartSvg(block, maps);
  return `<figure class="chart" id="chart-${block.id}" aria-describedby="table-${block.table.id}">
<figcaption>${escapeHtml(block.title)}</figcaption>
${svg}
<p class="data-link"><a href="#table-${block.table.id}">Data for this chart: ${escapeHtml(block.table.title)}</a></p>
</figure>
${tableHtml(block.table)}`;
}

function blockHtml(block: Block, maps: Record<string, object>): string {
  switch (block.type) {
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'figures': {
      // Cards for the numbers; the verdict sentences follow as a list, so they read (and extract) whole.
      const cards = block.figures
        .map((f) => {
          const tone = f.tone && f.tone !== 'neutral' ? `<div class="tone">${f.tone === 'improvement' ? '▼ Significant fall' : '▲ Significant rise'}</div>` : '';
          return `<div class="figure${f.tone ? ` ${f.tone}` : ''}"><div class="label">${escapeHtml(f.label)}</div><div class="value">${escapeHtml(f.value)}</div>${tone}</div>`;
        })
        .join('\n');
      const sentences = block.figures.filter((f) => f.sentence).map((f) => `<li>${escapeHtml(f.sentence!)}</li>`).join('\n');
      return `<div class="figures">${cards}</div>${sentences ? `\n<ul class="verdicts">${sentences}</ul>` : ''}`;
    }
    case 'table':
      return tableHtml(block.table);
    case 'chart':
      return chartHtml(block, maps);
    case 'list':
      return `<ol class="methods">${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}</ol>`;
    case 'caveats':
      return `<ul class="caveats">${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}</ul>`;
  }
}

function sectionHtml(section: ReportSection, maps: Record<string, object>): string {
  return `<section id="section-${section.id}"${section.pageBreakBefore ? ' class="page-break"' : ''}>
<h2>${escapeHtml(section.title)}</h2>
${section.blocks.map((b) => blockHtml(b, maps)).join('\n')}
</section>`;
}

function coverHtml(meta: ReportMeta): string {
  const generated = meta.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  const sources = meta.sources.map((s) => `<li>${escapeHtml(s.label)}: data to ${s.dataTo ? escapeHtml(longDate(s.dataTo)) : 'none loaded'}</li>`).join('');
  return `<section class="cover" id="cover">
<p class="circulation">${escapeHtml(meta.circulation.toUpperCase())} CIRCULATION</p>
<h1>${escapeHtml(meta.title)}</h1>
<dl>
<dt>Period</dt><dd>${escapeHtml(meta.periodLabel)} (${escapeHtml(longDate(meta.from))} to ${escapeHtml(longDate(meta.to))})</dd>
<dt>Area</dt><dd>${meta.area ? `${escapeHtml(meta.area.name)} (${escapeHtml(meta.area.code)})` : 'Whole area covered by the loaded data'}</dd>
<dt>Definition</dt><dd>${escapeHtml(definitionLabel(meta, 'long'))}</dd>
<dt>Data sources</dt><dd><ul>${sources}</ul></dd>
<dt>Generated</dt><dd>${escapeHtml(generated)}</dd>
</dl>
<ul class="labels">${meta.labels.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
</section>`;
}

export function renderHtml(document: ReportDocument, options: HtmlOptions = {}): string {
  const { meta } = document;
  const maps = document.maps ?? {};
  const contents = document.sections.map((s) => `<li><a href="#section-${s.id}">${escapeHtml(s.title)}</a></li>`).join('\n');
  const charts = document.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart').length;
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="svo report">
<title>${escapeHtml(`${meta.title} — ${meta.periodLabel}`)}</title>
<style>${css(meta, options.forPdf ?? false)}</style>
</head>
<body>
${coverHtml(meta)}
<nav id="contents" aria-label="Contents">
<h2>Contents</h2>
<ol>
${contents}
</ol>
<p class="notes">${formatInteger(document.sections.length)} sections, ${formatInteger(charts)} charts; every chart is followed by the table of its data.</p>
</nav>
<main>
${document.sections.map((s) => sectionHtml(s, maps)).join('\n')}
</main>
</body>
</html>
`;
}
