/**
 * Free-text locations (ISTV descriptions, ambulance addresses) matched to the gazetteer, once per
 * distinct normalised text, and remembered in `place_matches`. An analyst's decision (`confirmed`)
 * is never overwritten; everything else is re-matched when the gazetteer changes.
 */
import { DEFAULT_THRESHOLDS, PlaceMatcher, type GazetteerPlace, type PlaceMatch } from '../../core/places/match.js';
import { placeTextKey } from '../../core/places/normalise.js';
import { UsageError } from '../../core/errors.js';
import type { Queryable } from '../../store/port.js';
import { sqlTimestamp } from '../common/batches.js';
import { csvLine } from '../common/csv.js';

export const PLACE_MATCH_COLUMNS = ['text_key', 'example', 'place_key', 'confidence', 'method', 'status', 'candidates', 'matched_at'] as const;

/** Every stored place with its aliases. */
export async function loadGazetteer(db: Queryable): Promise<GazetteerPlace[]> {
  const places = await db.query<{ place_key: string; name: string; place_type: string | null; street: string | null }>(
    `SELECT place_key, name, place_type, street FROM places ORDER BY place_key`,
  );
  const aliases = new Map<string, string[]>();
  for (const a of await db.query<{ place_key: string; alias: string }>(`SELECT place_key, alias FROM place_aliases ORDER BY place_key, alias`)) {
    const list = aliases.get(a.place_key) ?? [];
    list.push(a.alias);
    aliases.set(a.place_key, list);
  }
  return places.map((p) => ({ key: p.place_key, name: p.name, aliases: aliases.get(p.place_key) ?? [], type: p.place_type, street: p.street }));
}

function matchLine(match: PlaceMatch, example: string, at: string): string {
  return csvLine([match.textKey, example, match.placeKey, match.confidence, match.method, match.status, JSON.stringify(match.candidates), at]);
}

export interface NewTextStats {
  /** Distinct texts seen for the first time (matched now). */
  added: number;
}

/**
 * Matches the texts (normalised key → one original spelling) that have no stored match yet. Texts
 * already stored keep their match (automatic or confirmed).
 */
export async function matchNewTexts(tx: Queryable, texts: ReadonlyMap<string, string>, now: Date): Promise<NewTextStats> {
  if (texts.size === 0) return { added: 0 };
  const stored = new Set((await tx.query<{ text_key: string }>(`SELECT text_key FROM place_matches`)).map((r) => r.text_key));
  const fresh = [...texts].filter(([key]) => !stored.has(key));
  if (fresh.length === 0) return { added: 0 };
  const matcher = new PlaceMatcher(await loadGazetteer(tx), DEFAULT_THRESHOLDS);
  const at = sqlTimestamp(now);
  await tx.copyCsv('place_matches', PLACE_MATCH_COLUMNS, fresh.map(([, example]) => matchLine(matcher.match(example), example, at)));
  return { added: fresh.length };
}

/** Re-matches every text not confirmed by an analyst (after the gazetteer changed). Returns how many. */
export async function rematchAll(tx: Queryable, now: Date): Promise<number> {
  const rows = await tx.query<{ text_key: string; example: string }>(`SELECT text_key, example FROM place_matches WHERE status <> 'confirmed' ORDER BY text_key`);
  if (rows.length === 0) return 0;
  const matcher = new PlaceMatcher(await loadGazetteer(tx), DEFAULT_THRESHOLDS);
  const at = sqlTimestamp(now);
  await tx.run(`DELETE FROM place_matches WHERE status <> 'confirmed'`);
  await tx.copyCsv('place_matches', PLACE_MATCH_COLUMNS, rows.map((r) => matchLine(matcher.match(r.example), r.example, at)));
  return rows.length;
}

export interface MatchRate {
  /** Records with a location description. */
  described: number;
  /** … whose text is matched to a place (automatically or by an analyst). */
  matched: number;
  /** … waiting in the review queue (a candidate below the confidence threshold, or none). */
  review: number;
  unmatched: number;
  /** … that name no particular place (home, unknown, "town centre"). */
  notAPlace: number;
  /** matched ÷ described. */
  matchRate: number | null;
  /** matched ÷ (described − notAPlace): the rate over texts that name a place. */
  matchRateOfPlaces: number | null;
}

/** Place-match counts over the records of one source, optionally of some batches. */
export async function placeMatchRate(db: Queryable, source: 'istv' | 'ambulance', batchIds?: readonly number[]): Promise<MatchRate> {
  const table = source === 'istv' ? 'injury_attendances' : 'ambulance_calls';
  const params = batchIds ?? [];
  const where = batchIds ? ` AND r.batch_id IN (${batchIds.map((_, i) => `$${i + 1}`).join(', ')})` : '';
  const rows = await db.query<{ status: string | null; has_place: boolean | null; n: number }>(
    `SELECT m.status, m.place_key IS NOT NULL AS has_place, COUNT(*) AS n
     FROM ${table} r LEFT JOIN place_matches m ON m.text_key = r.location_key
     WHERE r.location_key IS NOT NULL${where} GROUP BY 1, 2`,
    params,
  );
  const rate: MatchRate = { described: 0, matched: 0, review: 0, unmatched: 0, notAPlace: 0, matchRate: null, matchRateOfPlaces: null };
  for (const r of rows) {
    const n = Number(r.n);
    rate.described += n;
    if ((r.status === 'matched' || r.status === 'confirmed') && r.has_place) rate.matched += n;
    else if (r.status === 'review') rate.review += n;
    else if (r.status === 'not_a_place' || r.status === 'confirmed') rate.notAPlace += n;
    else rate.unmatched += n;
  }
  if (rate.described > 0) rate.matchRate = rate.matched / rate.described;
  if (rate.described - rate.notAPlace > 0) rate.matchRateOfPlaces = rate.matched / (rate.described - rate.notAPlace);
  return rate;
}

export interface ReviewItem {
  text_key: string;
  example: string;
  status: string;
  records: number;
  best_place: string | null;
  best_name: string | null;
  best_score: number | null;
  other_candidates: string;
}

/** The review queue: texts below the confidence threshold or unmatched, most frequent first. */
export async function reviewQueue(db: Queryable, options: { limit: number; all: boolean }): Promise<ReviewItem[]> {
  const statuses = options.all ? `('review', 'unmatched', 'matched', 'not_a_place', 'confirmed')` : `('review', 'unmatched')`;
  const rows = await db.query<{ text_key: string; example: string; status: string; candidates: string | null; records: number }>(
    `SELECT m.text_key, m.example, m.status, m.candidates, COALESCE(r.n, 0) AS records
     FROM place_matches m
     LEFT JOIN (SELECT location_key, COUNT(*) AS n FROM (
         SELECT location_key FROM injury_attendances UNION ALL SELECT location_key FROM ambulance_calls) x
       GROUP BY location_key) r ON r.location_key = m.text_key
     WHERE m.status IN ${statuses}
     ORDER BY records DESC, m.text_key LIMIT ${Math.max(1, Math.floor(options.limit))}`,
  );
  return rows.map((r) => {
    const candidates = r.candidates ? (JSON.parse(r.candidates) as { placeKey: string; name: string; score: number }[]) : [];
    const best = candidates[0];
    return {
      text_key: r.text_key,
      example: r.example,
      status: r.status,
      records: Number(r.records),
      best_place: best?.placeKey ?? null,
      best_name: best?.name ?? null,
      best_score: best?.score ?? null,
      other_candidates: candidates
        .slice(1)
        .map((c) => `${c.name} [${c.placeKey}] ${c.score.toFixed(2)}`)
        .join('; '),
    };
  });
}

/**
 * Records an analyst's decision for a text: the place it means (by place key, or by a name only one
 * place has), or that it names no place (`place` null). The decision applies to every record with a
 * text that normalises the same way, now and in later files.
 */
export async function confirmMatch(db: Queryable, text: string, place: string | null, user: string, now: Date): Promise<{ textKey: string; placeKey: string | null; name: string | null }> {
  const textKey = placeTextKey(text);
  if (textKey === '') throw new UsageError('give the location text to confirm', "e.g. svo places review --confirm 'o/s revs market st' --place V001");
  let placeKey: string | null = null;
  let name: string | null = null;
  if (place !== null) {
    const byKey = await db.query<{ place_key: string; name: string }>(`SELECT place_key, name FROM places WHERE place_key = $1`, [place]);
    const found = byKey.length ? byKey : await db.query<{ place_key: string; name: string }>(`SELECT place_key, name FROM places WHERE LOWER(name) = LOWER($1) ORDER BY place_key`, [place]);
    if (found.length === 0) throw new UsageError(`no place has the key or name '${place}'`, 'see the candidates in svo places review, or load places with svo ingest places');
    if (found.length > 1) throw new UsageError(`${found.length} places are called '${place}': ${found.map((f) => f.place_key).join(', ')}`, 'give the place key instead');
    placeKey = found[0]!.place_key;
    name = found[0]!.name;
  }
  const at = sqlTimestamp(now);
  const existing = await db.query<{ example: string }>(`SELECT example FROM place_matches WHERE text_key = $1`, [textKey]);
  await db.run(`DELETE FROM place_matches WHERE text_key = $1`, [textKey]);
  await db.run(
    `INSERT INTO place_matches (text_key, example, place_key, confidence, method, status, candidates, matched_at, confirmed_by, confirmed_at)
     VALUES ($1, $2, $3, $4, 'analyst', 'confirmed', NULL, CAST($5 AS TIMESTAMP), $6, CAST($5 AS TIMESTAMP))`,
    [textKey, existing[0]?.example ?? text.trim(), placeKey, placeKey === null ? null : 1, at, user],
  );
  return { textKey, placeKey, name };
}
