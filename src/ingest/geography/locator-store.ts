/**
 * Builds an LsoaLocator from the boundaries in the store.
 */
import { LsoaLocator } from '../../core/geo/locator.js';
import type { PolygonGeometry } from '../../core/geo/polygon.js';
import type { Queryable } from '../../store/port.js';

/** A locator over every stored LSOA boundary, or null when no boundaries are stored. */
export async function loadLsoaLocator(db: Queryable): Promise<LsoaLocator | null> {
  const rows = await db.query<{ lsoa_code: string; geometry: string }>(`SELECT lsoa_code, geometry FROM geo_lsoa_boundaries ORDER BY lsoa_code`);
  if (rows.length === 0) return null;
  // Stored geometries were validated on ingest (WGS84 Polygon / MultiPolygon, type and coordinates only).
  return new LsoaLocator(rows.map((r) => ({ code: r.lsoa_code, geometry: JSON.parse(r.geometry) as PolygonGeometry })));
}
