/**
 * Time to build the quarterly Board pack over the 1M-incident synthetic store (target ≤ 10 s): the
 * document alone (every analysis), and the document with all three outputs (HTML, XLSX, PDF printed
 * by Chromium). Internal circulation, the whole area, the last complete quarter in the data.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import { generateReport } from '../src/present/report/generate.js';
import { REPORT_BUILDERS } from '../src/present/report/registry.js';
import type { ReportOptions } from '../src/present/report/model.js';

/** The last calendar quarter that ends on or before `lastDay`. */
export function lastCompleteQuarter(lastDay: string): string {
  const y = Number(lastDay.slice(0, 4));
  const m = Number(lastDay.slice(5, 7));
  const endsThisQuarter = m % 3 === 0 && new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) === lastDay.slice(0, 10);
  let q = Math.floor((m - 1) / 3) + (endsThisQuarter ? 1 : 0);
  let year = y;
  if (q === 0) {
    q = 4;
    year -= 1;
  }
  return `${year}Q${q}`;
}

export async function benchReport(dbPath: string, outDir: string, log: (line: string) => void): Promise<void> {
  const store = await openStore({ dbPath });
  try {
    const [row] = await store.query(`SELECT CAST(MAX(occurred_from) AS TEXT) AS last FROM incidents WHERE source = 'police'`);
    const period = lastCompleteQuarter(String(row!.last).slice(0, 10));
    const options: ReportOptions = { kind: 'quarterly', period, area: null, definition: null, source: 'police', circulation: 'internal', now: new Date() };
    const documentTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await REPORT_BUILDERS.quarterly(store, options);
      documentTimes.push((performance.now() - t) / 1000);
    }
    log(`quarterly pack ${period}, document only (every analysis): ${documentTimes.map((s) => s.toFixed(2)).join(' s, ')} s (first run cold)`);
    const outs = ['pdf', 'html', 'xlsx'].map((ext) => join(outDir, `quarterly-${period}.${ext}`));
    const result = await generateReport(store, options, outs);
    const f = result.timings.formats;
    log(
      `quarterly pack ${period}, document + PDF + HTML + XLSX: ${(result.timings.totalMs / 1000).toFixed(2)} s ` +
        `(document ${(result.timings.documentMs / 1000).toFixed(2)} s, PDF ${((f.pdf ?? 0) / 1000).toFixed(2)} s incl. Chromium start, HTML ${((f.html ?? 0) / 1000).toFixed(2)} s, XLSX ${((f.xlsx ?? 0) / 1000).toFixed(2)} s); ` +
        `${result.files.find((x) => x.format === 'pdf')?.pages ?? '?'} PDF pages; target ≤ 10 s; load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`,
    );
  } finally {
    await store.close();
  }
}
