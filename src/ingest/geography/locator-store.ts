/**
 * Builds an LsoaLocator from the boundaries in the store.
 */
import { LsoaLocator, type LocatorEntry } from '../../core/geo/locator.js';
import type { PolygonGeometry } from '../../core/geo/polygon.js';
import type { Queryable } from '../../store/port.js';

/** A locator over every stored LSOA boundary, or null when no boundaries are stored. */
export async function loadLsoaLocator(db: Queryable): Promise<LsoaLocator | null> {
  const boundaries = await loadLsoaBoundaries(db);
  return boundaries.length === 0 ? null : new LsoaLocator(boundaries);
}

/** Every stored LSOA boundary (a worker thread builds its own locator from them). */
export async function loadLsoaBoundaries(db: Queryable): Promise<LocatorEntry[]> {
  const rows = await db.query<{ lsoa_code: string; geometry: string }>(`SELECT lsoa_code, geometry FROM geo_lsoa_boundaries ORDER BY lsoa_code`);
  // Stored geometries were validated on ingest (WGS84 Polygon / MultiPolygon, type and coordinates only).
  return rows.map((r) => ({ code: r.lsoa_code, geometry: JSON.parse(r.geometry) as PolygonGeometry }));
}
