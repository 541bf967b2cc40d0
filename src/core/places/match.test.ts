import { describe, expect, it } from 'vitest';
import { editDistance, PlaceMatcher, tokenSimilarity, type GazetteerPlace } from './match.js';
import { nonPlaceKind, placeTextKey, placeTokens } from './normalise.js';

const place = (key: string, name: string, type: string | null, aliases: string[] = [], street: string | null = null): GazetteerPlace => ({
  key,
  name,
  aliases,
  type,
  street,
});

const GAZETTEER: GazetteerPlace[] = [
  place('V1', 'Revolution', 'licensed premises', ['Revolution Bar', 'Revs'], 'Market Street'),
  place('V2', 'The Red Lion', 'licensed premises', [], 'High Street'),
  place('V3', 'Club Nova', 'nightclub', ['Nova'], 'Granby Street'),
  place('V4', 'The Crown', 'licensed premises', [], 'High Street'),
  place('V5', 'The Crown', 'licensed premises', [], 'Church Lane'),
  place('L1', 'Town Hall Square', 'landmark', ['Town Hall Sq']),
  place('L2', "St Mary's Church", 'landmark'),
  place('S1', 'Market Street', 'street'),
  place('S2', 'High Street', 'street'),
  place('S3', 'Granby Street', 'street'),
  place('S4', 'Church Lane', 'street'),
  place('S5', 'Market Place', 'street'),
  place('S6', 'Saint Peters Road', 'street'),
  place('S7', 'Victoria Close', 'street'),
  place('S8', 'Station Crescent', 'street'),
  place('S9', 'Kimberley Road', 'street'),
  place('S10', 'Kimberley Street', 'street'),
  place('L3', 'Victoria Park', 'landmark'),
  place('L4', 'Mercester Bus Station', 'landmark', ['Bus Station']),
];

describe('normalisation', () => {
  it('folds case, punctuation, apostrophes and abbreviations', () => {
    expect(placeTextKey('O/S Revolution Bar, Market St.')).toBe('outside revolution bar market street');
    expect(placeTextKey("St Mary's Church")).toBe('saint marys church');
    expect(placeTextKey('outside St Peters Rd')).toBe('outside saint peters road');
    expect(placeTextKey('Town Hall Sq')).toBe('town hall square');
    expect(placeTextKey('Café Rouge & Bar')).toBe('cafe rouge and bar');
    expect(placeTextKey('nr bus stn, Granby St')).toBe('near bus station granby street');
    expect(placeTokens('junction of High St and St Johns Rd')).toEqual(['junction', 'of', 'high', 'street', 'and', 'saint', 'johns', 'road']);
  });

  it('recognises homes, unknowns and generic places', () => {
    expect(nonPlaceKind(placeTextKey('home'))).toBe('private');
    expect(nonPlaceKind(placeTextKey("friend's house"))).toBe('private');
    expect(nonPlaceKind(placeTextKey('At own home address'))).toBe('private');
    expect(nonPlaceKind(placeTextKey('N/K'))).toBe('unknown');
    expect(nonPlaceKind(placeTextKey(''))).toBe('unknown');
    expect(nonPlaceKind(placeTextKey('in the street'))).toBe('unspecific');
    expect(nonPlaceKind(placeTextKey('Town centre'))).toBe('unspecific');
    expect(nonPlaceKind(placeTextKey('outside Revolution'))).toBeNull();
  });

  it('scores token similarity by Levenshtein distance, exact for short words', () => {
    expect(tokenSimilarity('revolution', 'revolution')).toBe(1);
    expect(tokenSimilarity('revolution', 'revolutoin')).toBeCloseTo(0.9, 10); // an adjacent swap is one edit
    expect(editDistance('nova', 'nvoa')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abcdef', 'bacdfe')).toBe(2);
    expect(tokenSimilarity('granby', 'granbey')).toBeCloseTo(1 - 1 / 7, 10);
    expect(tokenSimilarity('red', 'rod')).toBe(0);
    expect(tokenSimilarity('nova', 'novia')).toBeCloseTo(0.8, 10);
  });
});

describe('PlaceMatcher', () => {
  const matcher = new PlaceMatcher(GAZETTEER);

  it('prefers the venue to the street it is on', () => {
    const m = matcher.match('outside Revolution bar Market St');
    expect(m).toMatchObject({ status: 'matched', placeKey: 'V1', method: 'exact', confidence: 1 });
    expect(m.candidates.map((c) => c.placeKey)).toContain('S1');
  });

  it('matches aliases, abbreviations and typos', () => {
    expect(matcher.match('Town Hall Sq')).toMatchObject({ status: 'matched', placeKey: 'L1' });
    expect(matcher.match('revs')).toMatchObject({ status: 'matched', placeKey: 'V1', method: 'alias' });
    expect(matcher.match('o/s Revolutoin, Market st')).toMatchObject({ status: 'matched', placeKey: 'V1', method: 'fuzzy' });
    expect(matcher.match('inside club nvoa')).toMatchObject({ status: 'matched', placeKey: 'V3' });
    expect(matcher.match('clubnova granby st')).toMatchObject({ status: 'matched', placeKey: 'V3' });
    expect(matcher.match('redlion pub')).toMatchObject({ status: 'matched', placeKey: 'V2' });
    expect(matcher.match('outside st marys church')).toMatchObject({ status: 'matched', placeKey: 'L2' });
    expect(matcher.match('St Peters Rd')).toMatchObject({ status: 'matched', placeKey: 'S6' });
    expect(matcher.match('high st')).toMatchObject({ status: 'matched', placeKey: 'S2' });
  });

  it('sends ambiguous names to review, and resolves them by the street', () => {
    const ambiguous = matcher.match('The Crown');
    expect(ambiguous.status).toBe('review');
    expect(ambiguous.confidence).toBeCloseTo(0.7, 3);
    expect(ambiguous.candidates.slice(0, 2).map((c) => c.placeKey).sort()).toEqual(['V4', 'V5']);
    expect(matcher.match('the crown, church lane')).toMatchObject({ status: 'matched', placeKey: 'V5' });
    // "market" alone could be Market Street or Market Place.
    expect(matcher.match('market')).toMatchObject({ status: 'review' });
  });

  it('prefers a venue only when its whole name is there', () => {
    // "Victoria Park" is half-mentioned; "Victoria Close" wholly.
    expect(matcher.match('outside shop on Victoria Close')).toMatchObject({ status: 'matched', placeKey: 'S7' });
    // An alias of generic words only ("Bus Station") does not claim every text with "bus" and "station".
    expect(matcher.match('Station Cres near bus stop')).toMatchObject({ status: 'matched', placeKey: 'S8' });
    expect(matcher.match('bus station')).toMatchObject({ status: 'matched', placeKey: 'L4', method: 'alias' });
    // A street's type word counts only after its name: two streets named are two candidates.
    const junction = matcher.match('junction of Kimberley Street and Market Place');
    expect(junction.status).toBe('review');
    expect(junction.candidates.slice(0, 2).map((c) => c.placeKey).sort()).toEqual(['S10', 'S5']);
    expect(junction.candidates.find((c) => c.placeKey === 'S9')?.score ?? 0).toBeLessThan(1);
    // "in street - …" says where, not which street.
    expect(matcher.match('in street - Kimberley Rd')).toMatchObject({ status: 'matched', placeKey: 'S9' });
  });

  it('does not match homes, unknowns, generic places or unrelated text', () => {
    expect(matcher.match('home')).toMatchObject({ status: 'not_a_place', method: 'private', placeKey: null });
    expect(matcher.match('unknown')).toMatchObject({ status: 'not_a_place', method: 'unknown' });
    expect(matcher.match('in a pub')).toMatchObject({ status: 'not_a_place', method: 'unspecific' });
    expect(matcher.match('Wetherspoons Bishopsgate')).toMatchObject({ status: 'unmatched', placeKey: null });
  });

  it('gives the same result for spellings that normalise alike', () => {
    const a = matcher.match('O/S  REVOLUTION,  Market St.');
    const b = matcher.match('outside revolution market street');
    expect(a.textKey).toBe(b.textKey);
    expect(a).toEqual(b);
  });
});
