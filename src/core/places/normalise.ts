/**
 * Normalisation of free-text place descriptions ("o/s Revolution Bar, Market St.") and gazetteer names
 * into comparable token lists: case, accents, punctuation, apostrophes, common abbreviations and street
 * suffixes. Pure: no I/O.
 *
 * The normalised text (`placeTextKey`) is also the key under which a match is remembered, so two
 * spellings that normalise alike share one review decision.
 */

/**
 * Abbreviations expanded token by token. `st` is handled apart (street or saint, by position).
 * Street suffixes follow Royal Mail / OS address usage; the rest are what ED receptionists and call
 * handlers commonly type.
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  // street suffixes
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  avn: 'avenue',
  ln: 'lane',
  sq: 'square',
  pl: 'place',
  cres: 'crescent',
  cr: 'crescent',
  ct: 'court',
  crt: 'court',
  dr: 'drive',
  drv: 'drive',
  gdns: 'gardens',
  gdn: 'garden',
  gr: 'grove',
  gro: 'grove',
  ter: 'terrace',
  terr: 'terrace',
  tce: 'terrace',
  cl: 'close',
  pde: 'parade',
  prde: 'parade',
  wy: 'way',
  hwy: 'highway',
  blvd: 'boulevard',
  bvd: 'boulevard',
  mkt: 'market',
  pk: 'park',
  // places and directions
  stn: 'station',
  sta: 'station',
  ctr: 'centre',
  cntr: 'centre',
  cen: 'centre',
  center: 'centre',
  hosp: 'hospital',
  sch: 'school',
  uni: 'university',
  coll: 'college',
  rbt: 'roundabout',
  rndbt: 'roundabout',
  rdbt: 'roundabout',
  hse: 'house',
  bldg: 'building',
  nt: 'night',
  nite: 'night',
  opp: 'opposite',
  nr: 'near',
  jct: 'junction',
  junc: 'junction',
  jnc: 'junction',
  n: 'north',
  s: 'south',
  e: 'east',
  w: 'west',
  gt: 'great',
  lt: 'little',
  upr: 'upper',
  lwr: 'lower',
  mt: 'mount',
};

/** Street-type words: they say what kind of place a name is, not which one. */
export const STREET_SUFFIXES: ReadonlySet<string> = new Set([
  'street',
  'road',
  'avenue',
  'lane',
  'square',
  'place',
  'crescent',
  'court',
  'drive',
  'gardens',
  'garden',
  'grove',
  'terrace',
  'close',
  'parade',
  'way',
  'walk',
  'row',
  'hill',
  'highway',
  'boulevard',
  'mews',
  'gate',
  'yard',
  'wharf',
  'passage',
  'alley',
]);

/** Words that position a place ("outside", "near") or are grammatical: ignored when matching. */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'outside',
  'inside',
  'in',
  'at',
  'near',
  'opposite',
  'by',
  'the',
  'a',
  'an',
  'of',
  'on',
  'behind',
  'front',
  'back',
  'rear',
  'corner',
  'junction',
  'with',
  'off',
  'next',
  'to',
  'from',
  'around',
  'area',
  'top',
  'bottom',
  'end',
  'side',
  'entrance',
  'exit',
  'just',
  'close',
  'beside',
  'between',
  'and',
]);

/**
 * Words that say what sort of place, not which one. A description made only of these ("pub",
 * "town centre", "in the street") names no particular place.
 */
export const GENERIC_PLACE_WORDS: ReadonlySet<string> = new Set([
  ...STREET_SUFFIXES,
  'pub',
  'bar',
  'club',
  'nightclub',
  'night',
  'inn',
  'hotel',
  'restaurant',
  'takeaway',
  'cafe',
  'shop',
  'shops',
  'store',
  'supermarket',
  'park',
  'car',
  'carpark',
  'town',
  'city',
  'centre',
  'station',
  'bus',
  'stop',
  'train',
  'railway',
  'school',
  'college',
  'university',
  'hospital',
  'church',
  'field',
  'playing',
  'fields',
  'underpass',
  'subway',
  'alleyway',
  'estate',
  'flats',
  'public',
  'toilets',
  'taxi',
  'rank',
  'venue',
  'premises',
  'licensed',
  'building',
  'outdoors',
  'outdoor',
  'outside',
  'public',
  'place',
  'open',
  'space',
  'work',
  'workplace',
  'office',
]);

/** Descriptions that say the assault happened in a home or the location is unknown: never a gazetteer place. */
const NOT_A_PLACE =
  /^(?:(?:at|in|inside|outside)\s+)?(?:(?:own|my|his|her|their|a|friends?|relatives?|partners?|parents?|family|mums?|dads?|neighbours?|victims?|patients?|private|home)\s+)*(?:home|house|flat|address|residence|property|bedroom|kitchen|garden|dwelling|accommodation)(?:\s+(?:address|home))?$/;
const UNKNOWN = /^(?:unknown|not known|nk|unk|n k|n a|na|none|not stated|not given|refused|declined|no details|not recorded|dk|dont know|other)$/;

/** NFKD + strip combining marks + lower case. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * Tokens of a description or name, normalised: lower case, no accents, apostrophes dropped
 * ("O'Neill's" → "oneills"), other punctuation a space, abbreviations expanded. `st` becomes "saint"
 * when it starts a name ("St Mary's Church", "outside St Peters") and "street" otherwise ("Market St").
 */
export function placeTokens(text: string): string[] {
  let t = fold(text);
  t = t
    .replace(/\bo\s*\/\s*s(?:ide)?\b/g, ' outside ')
    .replace(/\bn\s*\/\s*k\b/g, ' not known ')
    .replace(/\bn\s*\/\s*a\b/g, ' n a ')
    .replace(/\bc\s*\/\s*park\b/g, ' car park ')
    .replace(/&/g, ' and ')
    .replace(/@/g, ' at ')
    .replace(/['’‘`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ');
  const raw = t.split(' ').filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    if (w === 'st' || w === 'str') {
      const next = raw[i + 1];
      const previous = out[out.length - 1];
      const startsName = previous === undefined || FILLER_WORDS.has(previous) || previous === 'and';
      out.push(w === 'st' && next !== undefined && startsName && !FILLER_WORDS.has(next) ? 'saint' : 'street');
      continue;
    }
    out.push(ABBREVIATIONS[w] ?? w);
  }
  return out;
}

/** The normalised text: the key under which a description's match is stored and reviewed. */
export function placeTextKey(text: string): string {
  return placeTokens(text).join(' ');
}

/** Tokens that can identify a place: the normalised tokens without filler words. */
export function significantTokens(tokens: readonly string[]): string[] {
  return tokens.filter((t) => !FILLER_WORDS.has(t) || STREET_SUFFIXES.has(t));
}

export type NonPlaceKind = 'private' | 'unknown' | 'unspecific';

/**
 * Whether a normalised description names no particular place: a home or private address, an unknown
 * location, or only generic words ("pub", "town centre", "in the street"). Null when it may name one.
 */
export function nonPlaceKind(key: string): NonPlaceKind | null {
  if (key === '' || UNKNOWN.test(key)) return 'unknown';
  if (NOT_A_PLACE.test(key)) return 'private';
  const tokens = key.split(' ');
  if (tokens.every((t) => FILLER_WORDS.has(t) || GENERIC_PLACE_WORDS.has(t))) return 'unspecific';
  return null;
}
