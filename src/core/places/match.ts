/**
 * Fuzzy matching of free-text locations to a gazetteer of named places, with a confidence score.
 * Pure: no I/O.
 *
 * Method. Names and aliases are normalised (./normalise.ts) into tokens. Each gazetteer token is
 * weighted by how rare it is among the places (inverse document frequency), and words that only say
 * what kind of place it is ("street", "bar", "park") count a quarter, so "Market Street" is found by
 * "market" rather than by "street". A name's score is the weighted share of its tokens found in the
 * description, each found token counting its Levenshtein similarity (1 − edits ÷ length, via
 * fastest-levenshtein, with an adjacent swap counting one edit; at least 0.75 to count, and tokens of
 * three letters or fewer must be exact).
 * Adjacent description words are also tried joined ("red lion" ~ "redlion") and a name's words joined
 * ("club nova" ~ "clubnova"). A place scores its best name or alias.
 *
 * A street named without any street-type word ("Market" for Market Street or Market Place) scores 0.8
 * of its name; a venue alias made only of generic words ("Bus Station") matches only on its own; a
 * leading "in street -" is ignored.
 *
 * Choosing: a venue or landmark whose whole name is mentioned is preferred to a street ("outside
 * Revolution bar, Market St" is Revolution), and a venue whose recorded street is also mentioned gains
 * 0.1. Confidence is the chosen place's score, lowered when another place of the same kind scores
 * within 0.1 of it (two venues called "The Crown": confidence × 0.7, so an analyst decides). At 0.8 or
 * more the match is accepted; from 0.5 the best candidate is offered for review; below, unmatched.
 */
import { distance } from 'fastest-levenshtein';
import { GENERIC_PLACE_WORDS, nonPlaceKind, placeTokens, significantTokens, STREET_SUFFIXES } from './normalise.js';

export interface GazetteerPlace {
  key: string;
  name: string;
  aliases: readonly string[];
  /** e.g. 'licensed premises', 'street', 'landmark'. */
  type: string | null;
  /** The street a venue is on, when the gazetteer says. */
  street: string | null;
}

export type MatchStatus = 'matched' | 'review' | 'unmatched' | 'not_a_place';
export type MatchMethod = 'exact' | 'alias' | 'fuzzy' | 'private' | 'unknown' | 'unspecific' | 'none';

export interface PlaceCandidate {
  placeKey: string;
  name: string;
  /** 0–1 before the ambiguity adjustment. */
  score: number;
}

export interface PlaceMatch {
  /** The normalised text (the key a decision is remembered under). */
  textKey: string;
  status: MatchStatus;
  placeKey: string | null;
  /** 0–1; null when the text names no place. */
  confidence: number | null;
  method: MatchMethod;
  /** Best candidates, best first (at most five). */
  candidates: PlaceCandidate[];
}

export interface MatchThresholds {
  /** Confidence from which a match is accepted without review. */
  accept: number;
  /** Confidence from which the best candidate is offered for review (below: unmatched). */
  review: number;
}

export const DEFAULT_THRESHOLDS: MatchThresholds = { accept: 0.8, review: 0.5 };

/** Least token similarity that counts as the same word. */
const TOKEN_FLOOR = 0.75;
const GENERIC_WEIGHT = 0.25;
const SPECIFIC_BONUS = 0.05;
const STREET_BONUS = 0.1;
const AMBIGUITY_MARGIN = 0.1;
/** A street named without any street-type word ("Market" for Market Street or Market Place) scores this much of its name. */
const MISSING_SUFFIX = 0.8;

interface NameEntry {
  place: number;
  alias: boolean;
  tokens: string[];
  joined: string;
  /** A street name's type word ("street" in Market Street), when it ends in one. */
  suffix: string | null;
  /**
   * A venue or landmark name made only of generic words (an alias "Bus Station"): it matches only a
   * description that is exactly it. Streets are exempt: "Church Lane" is a name.
   */
  generic: boolean;
}

interface Scored {
  score: number;
  exact: boolean;
  alias: boolean;
  /** Every word of the name was found (exactly or nearly). */
  complete: boolean;
}

/**
 * Edit distance where, as in Damerau's, swapping two adjacent letters ("nvoa" for "nova", the most
 * common typing slip) costs one edit rather than Levenshtein's two: at the first difference, a swapped
 * pair is undone and counted as one edit, and the rest compared the same way; otherwise plain
 * Levenshtein (fastest-levenshtein).
 */
export function editDistance(a: string, b: string): number {
  const plain = distance(a, b);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i + 1 < a.length && i + 1 < b.length && a[i] === b[i + 1] && a[i + 1] === b[i]) {
    const swapped = a.slice(0, i) + a[i + 1] + a[i] + a.slice(i + 2);
    return Math.min(plain, 1 + editDistance(swapped, b));
  }
  return plain;
}

/** Similarity of two tokens, 0–1: exact for words of three letters or fewer, else 1 − edits ÷ length. */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longest = Math.max(a.length, b.length);
  if (Math.min(a.length, b.length) <= 3) return 0;
  // Cheap bound first: the distance is at least the difference in length.
  if (Math.abs(a.length - b.length) / longest > 1 - TOKEN_FLOOR) return 0;
  return 1 - editDistance(a, b) / longest;
}

function isStreet(place: GazetteerPlace, tokens: readonly string[]): boolean {
  if (place.type) return /street|road|highway/i.test(place.type);
  return tokens.length > 0 && STREET_SUFFIXES.has(tokens[tokens.length - 1]!);
}

/** Matches descriptions against one gazetteer. Build once, call `match` per distinct text. */
export class PlaceMatcher {
  private readonly entries: NameEntry[] = [];
  private readonly weight = new Map<string, number>();
  /** Vocabulary token → entries containing it. */
  private readonly byToken = new Map<string, number[]>();
  private readonly vocabulary: string[];
  private readonly joinedVocabulary = new Map<string, number[]>();
  private readonly street: boolean[];
  private readonly streetTokens: (string[] | null)[];
  /** Description token → vocabulary tokens it resembles, with similarity (cached across texts). */
  private readonly similar = new Map<string, [string, number][]>();

  constructor(
    private readonly places: readonly GazetteerPlace[],
    private readonly thresholds: MatchThresholds = DEFAULT_THRESHOLDS,
  ) {
    const documentFrequency = new Map<string, number>();
    places.forEach((place, index) => {
      const seen = new Set<string>();
      const names = [place.name, ...place.aliases];
      names.forEach((name, n) => {
        const tokens = significantTokens(placeTokens(name));
        if (tokens.length === 0) return;
        const entry = this.entries.length;
        const street = isStreet(place, significantTokens(placeTokens(place.name)));
        const last = tokens[tokens.length - 1]!;
        this.entries.push({
          place: index,
          alias: n > 0,
          tokens,
          joined: tokens.join(''),
          suffix: street && tokens.length > 1 && STREET_SUFFIXES.has(last) ? last : null,
          generic: !street && tokens.every((t) => GENERIC_PLACE_WORDS.has(t)),
        });
        for (const t of new Set(tokens)) {
          seen.add(t);
          const list = this.byToken.get(t) ?? [];
          list.push(entry);
          this.byToken.set(t, list);
        }
        if (tokens.length > 1) {
          const list = this.joinedVocabulary.get(tokens.join('')) ?? [];
          list.push(entry);
          this.joinedVocabulary.set(tokens.join(''), list);
        }
      });
      for (const t of seen) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
    });
    const n = Math.max(1, places.length);
    for (const [t, df] of documentFrequency) {
      this.weight.set(t, Math.log(1 + n / df) * (GENERIC_PLACE_WORDS.has(t) ? GENERIC_WEIGHT : 1));
    }
    this.vocabulary = [...this.byToken.keys(), ...this.joinedVocabulary.keys()];
    this.street = places.map((p) => isStreet(p, significantTokens(placeTokens(p.name))));
    this.streetTokens = places.map((p) => (p.street ? significantTokens(placeTokens(p.street)) : null));
  }

  get size(): number {
    return this.places.length;
  }

  private resemblances(unit: string): [string, number][] {
    let list = this.similar.get(unit);
    if (list === undefined) {
      list = [];
      for (const v of this.vocabulary) {
        const s = tokenSimilarity(unit, v);
        if (s >= TOKEN_FLOOR) list.push([v, s]);
      }
      this.similar.set(unit, list);
    }
    return list;
  }

  /** Score of every place any description word resembles, by place index. */
  private score(tokens: readonly string[]): Map<number, Scored> {
    // Description units: each word, and each pair of adjacent words joined.
    const units = [...tokens];
    for (let i = 0; i + 1 < tokens.length; i++) units.push(tokens[i]! + tokens[i + 1]!);
    const best = new Map<string, number>();
    for (const unit of units) {
      for (const [v, s] of this.resemblances(unit)) if (s > (best.get(v) ?? 0)) best.set(v, s);
    }
    const touched = new Set<number>();
    for (const v of best.keys()) for (const e of [...(this.byToken.get(v) ?? []), ...(this.joinedVocabulary.get(v) ?? [])]) touched.add(e);
    const text = ` ${tokens.join(' ')} `;
    const typeWordGiven = tokens.some((t) => STREET_SUFFIXES.has(t));
    const result = new Map<number, Scored>();
    for (const e of touched) {
      const entry = this.entries[e]!;
      if (entry.generic && tokens.join(' ') !== entry.tokens.join(' ')) continue;
      let num = 0;
      let den = 0;
      let complete = true;
      // Without any street-type word the street's own one is unknown, not wrong: score the rest, lowered.
      const suffixUnknown = entry.suffix !== null && !typeWordGiven;
      // With one, it counts only right after the name ("Oxford Road and Kimberley Avenue" is not Kimberley Road).
      const suffixPlaced = entry.suffix === null || suffixUnknown || this.suffixFollows(tokens, entry);
      for (const t of suffixUnknown ? entry.tokens.slice(0, -1) : entry.tokens) {
        const w = this.weight.get(t) ?? 1;
        const s = t === entry.suffix && !suffixPlaced ? 0 : (best.get(t) ?? 0);
        den += w;
        num += w * s;
        if (s < TOKEN_FLOOR) complete = false;
      }
      let score = (den > 0 ? num / den : 0) * (suffixUnknown ? MISSING_SUFFIX : 1);
      if (suffixUnknown) complete = false;
      const joined = entry.tokens.length > 1 ? (best.get(entry.joined) ?? 0) : 0;
      if (joined > score) {
        score = joined;
        complete = true;
      }
      const exact = text.includes(` ${entry.tokens.join(' ')} `);
      if (exact) {
        score = 1;
        complete = true;
      }
      const previous = result.get(entry.place);
      if (!previous || score > previous.score || (score === previous.score && !entry.alias && previous.alias)) {
        result.set(entry.place, { score, exact, alias: entry.alias, complete });
      }
    }
    return result;
  }

  /** Whether the description has the street's last name word followed by its type word. */
  private suffixFollows(tokens: readonly string[], entry: NameEntry): boolean {
    const core = entry.tokens[entry.tokens.length - 2]!;
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokenSimilarity(tokens[i]!, core) >= TOKEN_FLOOR && tokenSimilarity(tokens[i + 1]!, entry.suffix!) >= TOKEN_FLOOR) return true;
    }
    return false;
  }

  match(text: string): PlaceMatch {
    const all = placeTokens(text);
    const textKey = all.join(' ');
    const kind = nonPlaceKind(textKey);
    const none = (method: MatchMethod): PlaceMatch => ({ textKey, status: 'not_a_place', placeKey: null, confidence: null, method, candidates: [] });
    if (kind === 'private' || kind === 'unknown') return none(kind);

    // "in street - Kimberley Road": the leading "in (the) street" says where, not which street.
    const words = /^(?:in|on) (?:the )?(?:street|road) ./.test(textKey) ? all.slice(all[1] === 'the' ? 3 : 2) : all;
    const tokens = significantTokens(words);
    const scored = this.score(tokens);
    const streetsMentioned = new Map<number, number>();
    for (const [place, s] of scored) if (this.street[place] && s.score >= TOKEN_FLOOR) streetsMentioned.set(place, s.score);
    const ranked = [...scored.entries()]
      .map(([place, s]) => {
        const specific = !this.street[place];
        let bonus = 0;
        const own = this.streetTokens[place];
        if (own && specific && s.score >= TOKEN_FLOOR) {
          // A venue whose own street is mentioned too is very likely the one meant.
          const ownKey = own.join(' ');
          for (const sp of streetsMentioned.keys()) {
            if (significantTokens(placeTokens(this.places[sp]!.name)).join(' ') === ownKey) {
              bonus = STREET_BONUS;
              break;
            }
          }
        }
        // Venues and landmarks mentioned in full (every word found) come before streets.
        const tier = specific && s.complete && s.score >= TOKEN_FLOOR ? 1 : 0;
        return { place, ...s, bonus, tier, rank: s.score + bonus + (specific ? SPECIFIC_BONUS : 0) };
      })
      .filter((c) => c.score >= this.thresholds.review * 0.8)
      .sort((a, b) => b.tier - a.tier || b.rank - a.rank || b.score - a.score || this.places[a.place]!.key.localeCompare(this.places[b.place]!.key));
    const candidates = ranked.slice(0, 5).map((c) => ({ placeKey: this.places[c.place]!.key, name: this.places[c.place]!.name, score: round(c.score) }));
    const top = ranked[0];
    if (!top || top.score < this.thresholds.review) {
      if (kind === 'unspecific') return none('unspecific');
      return { textKey, status: 'unmatched', placeKey: null, confidence: top ? round(top.score) : null, method: 'none', candidates };
    }
    // Ambiguity: the best other place of the same kind (venue vs venue, street vs street).
    const rival = ranked.find((c) => c.place !== top.place && this.street[c.place] === this.street[top.place]);
    const margin = rival ? top.rank - rival.rank : 1;
    const base = Math.min(1, top.score + top.bonus);
    const confidence = round(base * (margin >= AMBIGUITY_MARGIN - 1e-9 ? 1 : 0.7 + 3 * Math.max(0, margin)));
    const status: MatchStatus = confidence >= this.thresholds.accept ? 'matched' : confidence >= this.thresholds.review ? 'review' : 'unmatched';
    if (kind === 'unspecific' && status !== 'matched') return none('unspecific');
    const method: MatchMethod = top.exact ? (top.alias ? 'alias' : 'exact') : 'fuzzy';
    return { textKey, status, placeKey: status === 'unmatched' ? null : this.places[top.place]!.key, confidence, method, candidates };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
