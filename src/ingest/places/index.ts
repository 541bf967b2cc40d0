/**
 * `svo ingest places`: the gazetteer of named places (venues, streets, landmarks) that free-text
 * locations are matched to. CSV/XLSX with columns place_id, name (required), aliases (separated by
 * ';' or '|'), type, street, easting/northing or latitude/longitude, lsoa_code; or GeoJSON Point
 * features with the same properties. A place keeps its key across re-loads (the file's place_id, else
 * one derived from its name, type and position), so remembered matches stay valid; a changed place
 * is updated, an unchanged one counted as a duplicate. After each file every match not confirmed by an
 * analyst is redone against the new gazetteer.
 */
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { FileRejectedError, SvoError } from '../../core/errors.js';
import { bngToWgs84, wgs84ToBng } from '../../core/geo/bng.js';
import { isInBng, isInUk } from '../../core/geo/uk.js';
import { placeTextKey } from '../../core/places/normalise.js';
import { LSOA_CODE, parseNumber } from '../../core/values/fields.js';
import type { Queryable } from '../../store/port.js';
import { insertBatch, isAlreadyIngested, nextBatchId, settleRejects } from '../common/batches.js';
import { csvLine, type ParsedTable } from '../common/csv.js';
import { decodeText, readInputBytes, sha256 } from '../common/files.js';
import { compactHeaderKey, mapColumns } from '../common/profile.js';
import { RowRejected } from '../common/rows.js';
import { ingestFiles, skippedFile, type FileOutcome } from '../common/run.js';
import { readTable } from '../common/table.js';
import type { IngestContext, IngestSummary, Reject } from '../common/types.js';
import { loadLsoaLocator } from '../geography/locator-store.js';
import { placeMatchRate, rematchAll } from './matching.js';

export const PLACES_SOURCE = 'places';

export const PLACE_COLUMNS = ['place_id', 'name', 'aliases', 'type', 'street', 'easting', 'northing', 'latitude', 'longitude', 'lsoa_code'] as const;
export type PlaceColumn = (typeof PLACE_COLUMNS)[number];

const PLACE_TABLE_COLUMNS = ['place_key', 'batch_id', 'name', 'place_type', 'street', 'easting', 'northing', 'latitude', 'longitude', 'lsoa_code', 'lsoa_method'] as const;

export interface PlacesOptions {
  maxRejectRate?: number;
  rejectsPath?: string;
}

interface PlaceDraft {
  key: string;
  name: string;
  aliases: string[];
  type: string | null;
  street: string | null;
  easting: number | null;
  northing: number | null;
  latitude: number | null;
  longitude: number | null;
  lsoa: string | null;
  lsoaMethod: string | null;
}

export async function ingestPlaces(ctx: IngestContext, paths: readonly string[], options: PlacesOptions = {}): Promise<IngestSummary> {
  const locator = await loadLsoaLocator(ctx.store);
  const locate = locator ? (lon: number, lat: number) => locator.locate(lon, lat) : null;
  const runRejects: { file: string; reject: Reject }[] = [];
  return ingestFiles(ctx, paths, /\.(csv|xlsx|geojson|json)$/i, 'gazetteer files (.csv, .xlsx or .geojson)', (path) => ingestOne(ctx, path, options, runRejects, locate), async (summary) => {
    const istv = await placeMatchRate(ctx.store, 'istv');
    summary.details.placeMatching = istv;
    if (istv.described > 0) {
      summary.warnings.push(
        `ISTV locations re-matched: ${istv.matched} of ${istv.described} matched to a place (${istv.matchRate === null ? 'n/a' : (100 * istv.matchRate).toFixed(1) + '%'}), ${istv.review + istv.unmatched} in the review queue`,
      );
    }
  });
}

interface PlacesTable {
  table: ParsedTable;
  sha: string;
  rowCount: number;
}

/** GeoJSON Point features → the same table a CSV gives (properties as columns). */
function geoJsonTable(path: string): PlacesTable {
  const bytes = readInputBytes(path);
  let doc: unknown;
  try {
    doc = JSON.parse(decodeText(path, bytes));
  } catch (error) {
    if (error instanceof FileRejectedError) throw error;
    throw new FileRejectedError(path, 'is not valid JSON', 'expected a GeoJSON FeatureCollection of Point features');
  }
  const features = (doc as { type?: string; features?: unknown[] }).features;
  if ((doc as { type?: string }).type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new FileRejectedError(path, 'is not a GeoJSON FeatureCollection', 'expected {"type": "FeatureCollection", "features": [...]}');
  }
  const header = [...PLACE_COLUMNS];
  const rows: string[][] = [];
  for (const f of features) {
    const feature = f as { properties?: Record<string, unknown> | null; geometry?: { type?: string; coordinates?: unknown } | null };
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(feature.properties ?? {})) {
      props[compactHeaderKey(k)] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v);
    }
    const geometry = feature.geometry;
    let lon = '';
    let lat = '';
    if (geometry?.type === 'Point' && Array.isArray(geometry.coordinates)) {
      lon = String(geometry.coordinates[0] ?? '');
      lat = String(geometry.coordinates[1] ?? '');
    } else if (geometry) {
      lon = 'not a Point';
    }
    rows.push(header.map((h) => (h === 'longitude' ? lon || (props.longitude ?? '') : h === 'latitude' ? lat || (props.latitude ?? '') : (props[compactHeaderKey(h)] ?? ''))));
  }
  // A feature's line is not known in JSON: report its position (1 = first feature) instead.
  return { table: { header, rows, simpleLines: false, lineOf: (i) => i + 1 }, sha: sha256(bytes), rowCount: rows.length };
}

async function ingestOne(
  ctx: IngestContext,
  path: string,
  options: PlacesOptions,
  runRejects: { file: string; reject: Reject }[],
  locate: ((lon: number, lat: number) => string | null) | null,
): Promise<FileOutcome> {
  const startedAt = ctx.now();
  const ext = extname(path).toLowerCase();
  let tables: ParsedTable[];
  let sha: string;
  let header: string[];
  if (ext === '.geojson' || ext === '.json') {
    const g = geoJsonTable(path);
    tables = [g.table];
    sha = g.sha;
    header = g.table.header;
  } else {
    const t = await readTable(path, { expected: 'a gazetteer as .csv, .xlsx or .geojson' });
    tables = [...t.chunks];
    sha = t.sha;
    header = t.header;
  }
  const rowCount = tables.reduce((n, t) => n + t.rows.length, 0);
  if (await isAlreadyIngested(ctx.store, PLACES_SOURCE, sha)) {
    ctx.log(`${path}: identical file already ingested, skipped`);
    return skippedFile(rowCount);
  }
  const mapping = mapColumns(header, PLACE_COLUMNS, null, compactHeaderKey);
  if (!mapping.has('name')) throw new FileRejectedError(path, `missing required column: name; found: ${header.join(', ') || '(no header)'}`, `columns: ${PLACE_COLUMNS.join(', ')}`);

  const rejects: Reject[] = [];
  const places: PlaceDraft[] = [];
  const keys = new Set<string>();
  for (const table of tables) {
    for (let i = 0; i < table.rows.length; i++) {
      try {
        const place = placeFromRow(table.rows[i]!, table.lineOf(i), mapping, locate);
        if (keys.has(place.key)) throw new RowRejected({ line: table.lineOf(i), column: 'place_id', value: place.key, reason: 'the same place is listed twice in this file' });
        keys.add(place.key);
        places.push(place);
      } catch (error) {
        if (error instanceof RowRejected) rejects.push(error.reject);
        else throw error;
      }
    }
  }
  if (rowCount === 0) throw new FileRejectedError(path, 'has a header but no places');
  const rejectsPath = settleRejects(path, rejects, rowCount, options, runRejects);

  const batchId = await nextBatchId(ctx.store);
  const result = await ctx.store.transaction(async (tx) => {
    const c = await mergePlaces(tx, batchId, places);
    const rematched = await rematchAll(tx, ctx.now());
    await insertBatch(tx, {
      id: batchId,
      source: PLACES_SOURCE,
      agency: 'gazetteer',
      fileName: basename(path),
      sha256: sha,
      profile: null,
      rowsRead: rowCount,
      accepted: c.accepted,
      rejected: rejects.length,
      duplicates: c.duplicates,
      updated: c.updated,
      startedAt,
      finishedAt: ctx.now(),
      user: ctx.user,
      rejects,
      summary: { places: places.length, rematchedTexts: rematched },
    });
    return { ...c, rematched };
  });
  const warnings = rejects.length ? [`${path}: ${rejects.length} row(s) rejected, see ${rejectsPath}`] : [];
  return {
    accepted: result.accepted,
    rejected: rejects.length,
    duplicates: result.duplicates,
    updated: result.updated,
    skipped: false,
    rowsRead: rowCount,
    warnings,
    details: { rematchedTexts: result.rematched },
  };
}

function placeFromRow(row: string[], line: number, mapping: Map<PlaceColumn, number>, locate: ((lon: number, lat: number) => string | null) | null): PlaceDraft {
  const value = (c: PlaceColumn) => {
    const i = mapping.get(c);
    return i === undefined ? '' : (row[i] ?? '').trim();
  };
  const fail = (column: PlaceColumn, v: string, reason: string): never => {
    throw new RowRejected({ line, column, value: v, reason });
  };
  const name = value('name').replace(/\s+/g, ' ');
  if (name === '') fail('name', '', 'a place needs a name');
  if (placeTextKey(name) === '') fail('name', name, 'the name has no letters or digits');
  const number = (c: PlaceColumn) => {
    const raw = value(c);
    const parsed = parseNumber(raw);
    return parsed.ok ? parsed.value : fail(c, raw, parsed.reason);
  };
  if (value('longitude') === 'not a Point') fail('longitude', '', 'the feature geometry must be a Point');
  let easting = number('easting');
  let northing = number('northing');
  let latitude = number('latitude');
  let longitude = number('longitude');
  if ((easting === null) !== (northing === null)) fail(easting === null ? 'easting' : 'northing', '', 'easting and northing must be given together');
  if ((latitude === null) !== (longitude === null)) fail(latitude === null ? 'latitude' : 'longitude', '', 'latitude and longitude must be given together');
  if (easting !== null && northing !== null) {
    if (!isInBng(easting, northing)) fail('easting', `${easting},${northing}`, 'coordinates are outside the United Kingdom (British National Grid metres expected)');
    if (latitude === null) [longitude, latitude] = bngToWgs84(easting, northing);
  } else if (latitude !== null && longitude !== null) {
    if (!isInUk(longitude, latitude)) fail('latitude', `${latitude},${longitude}`, 'coordinates are outside the United Kingdom (WGS84 degrees expected)');
    [easting, northing] = wgs84ToBng(longitude, latitude);
  }
  const given = value('lsoa_code').toUpperCase();
  if (given !== '' && !LSOA_CODE.test(given)) fail('lsoa_code', given, 'not an LSOA code (expected e.g. E01025706)');
  let lsoa: string | null = given || null;
  let lsoaMethod: string | null = given ? 'given' : null;
  if (lsoa === null && locate && longitude !== null && latitude !== null) {
    lsoa = locate(longitude, latitude);
    if (lsoa) lsoaMethod = 'point_in_polygon';
  }
  const type = value('type').replace(/\s+/g, ' ').toLowerCase() || null;
  const aliases = [...new Set(value('aliases').split(/[;|]/).map((a) => a.trim().replace(/\s+/g, ' ')).filter((a) => a !== '' && a !== name))];
  const round = (x: number | null, scale: number) => (x === null ? null : Math.round(x * scale) / scale);
  let key = value('place_id');
  if (key === '') {
    // Name, type and position to about 100 m: the same place in a later file gets the same key.
    const where = easting !== null && northing !== null ? `${Math.round(easting / 100)},${Math.round(northing / 100)}` : (lsoa ?? '');
    const slug = placeTextKey(name).replace(/ /g, '-').slice(0, 40);
    key = `${slug}-${createHash('sha256').update(`${placeTextKey(name)}|${type ?? ''}|${where}`).digest('hex').slice(0, 8)}`;
  }
  return {
    key,
    name,
    aliases,
    type,
    street: value('street').replace(/\s+/g, ' ') || null,
    easting: round(easting, 10),
    northing: round(northing, 10),
    latitude: round(latitude, 1e6),
    longitude: round(longitude, 1e6),
    lsoa,
    lsoaMethod,
  };
}

const signature = (p: Omit<PlaceDraft, 'key'> & { key: string }) =>
  JSON.stringify([p.name, [...p.aliases].sort(), p.type, p.street, p.easting, p.northing, p.lsoa]);

/** New places are added, changed ones replaced (aliases included), unchanged ones counted as duplicates. */
async function mergePlaces(tx: Queryable, batchId: number, places: readonly PlaceDraft[]): Promise<{ accepted: number; updated: number; duplicates: number }> {
  const stored = new Map<string, string>();
  const rows = await tx.query<{ place_key: string; name: string; place_type: string | null; street: string | null; easting: number | null; northing: number | null; lsoa_code: string | null }>(
    `SELECT place_key, name, place_type, street, easting, northing, lsoa_code FROM places`,
  );
  const aliases = new Map<string, string[]>();
  for (const a of await tx.query<{ place_key: string; alias: string }>(`SELECT place_key, alias FROM place_aliases`)) {
    aliases.set(a.place_key, [...(aliases.get(a.place_key) ?? []), a.alias]);
  }
  for (const r of rows) {
    stored.set(
      r.place_key,
      signature({ key: r.place_key, name: r.name, aliases: aliases.get(r.place_key) ?? [], type: r.place_type, street: r.street, easting: r.easting, northing: r.northing, latitude: null, longitude: null, lsoa: r.lsoa_code, lsoaMethod: null }),
    );
  }
  let accepted = 0;
  let updated = 0;
  let duplicates = 0;
  const changed: PlaceDraft[] = [];
  for (const p of places) {
    const before = stored.get(p.key);
    if (before === undefined) accepted++;
    else if (before === signature(p)) {
      duplicates++;
      continue;
    } else updated++;
    changed.push(p);
  }
  const replaced = changed.filter((p) => stored.has(p.key)).map((p) => p.key);
  for (let i = 0; i < replaced.length; i += 500) {
    const part = replaced.slice(i, i + 500);
    const list = part.map((_, j) => `$${j + 1}`).join(', ');
    await tx.run(`DELETE FROM place_aliases WHERE place_key IN (${list})`, part);
    await tx.run(`DELETE FROM places WHERE place_key IN (${list})`, part);
  }
  if (changed.length > 0) {
    const n = await tx.copyCsv(
      'places',
      PLACE_TABLE_COLUMNS,
      changed.map((p) => csvLine([p.key, batchId, p.name, p.type, p.street, p.easting, p.northing, p.latitude, p.longitude, p.lsoa, p.lsoaMethod])),
    );
    if (n !== changed.length) throw new SvoError(`the database read ${n} places where svo prepared ${changed.length}`);
    const aliasLines = changed.flatMap((p) => p.aliases.map((a) => csvLine([p.key, a])));
    if (aliasLines.length) await tx.copyCsv('place_aliases', ['place_key', 'alias'], aliasLines);
  }
  return { accepted, updated, duplicates };
}
