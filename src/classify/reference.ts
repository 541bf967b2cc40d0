import { HOCR_CODES } from '../core/hocr/codes.js';
import { csvLine } from '../ingest/common/csv.js';
import type { Store } from '../store/port.js';

const HOCR_COLUMNS = ['code', 'description', 'ho_group', 'valid_from', 'valid_to', 'modern_equivalent'] as const;

/**
 * Keeps the hocr_codes reference table equal to the code table shipped with this version of svo, so
 * SQL (reports, checks) can name offences and their Home Office groups. Rewritten only when different.
 */
export async function syncHocrCodes(store: Store): Promise<boolean> {
  const shipped = [...HOCR_CODES]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((c) => csvLine([c.code, c.description, c.hoGroup, c.validFrom, c.validTo, c.modernEquivalent ?? null]));
  const stored = (await store.query(`SELECT ${HOCR_COLUMNS.join(', ')} FROM hocr_codes ORDER BY code`)).map((r) =>
    csvLine(HOCR_COLUMNS.map((c) => r[c] as string | null)),
  );
  if (stored.join('') === shipped.join('')) return false;
  await store.transaction(async (tx) => {
    await tx.run(`DELETE FROM hocr_codes`);
    await tx.copyCsv('hocr_codes', HOCR_COLUMNS, shipped);
  });
  return true;
}
