import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { SvoError } from '../errors.js';
import { HOCR_CODES, type HocrCode } from '../hocr/codes.js';
import { compareHocrCodes } from '../hocr/normalise.js';
import { describeValue, svDefinitionSchema, type SvDefinition } from './schema.js';
import {
  SV_CATEGORIES,
  type CompiledDefinition,
  type PlaceClass,
  type SvCategory,
  type TermMatcher,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Parsing: text -> SvDefinition, with errors that name the file, the field and the line.
// ---------------------------------------------------------------------------------------------

export interface DefinitionProblem {
  /** Field path as written in the file, e.g. 'codes.homicide[2]'; '' for the whole file. */
  path: string;
  /** 1-based line and column in the file, when known. */
  line?: number;
  column?: number;
  message: string;
}

/** A definition file that cannot be used; lists every problem found, not just the first. */
export class DefinitionError extends SvoError {
  constructor(
    readonly source: string,
    readonly problems: readonly DefinitionProblem[],
  ) {
    super(formatProblems(source, problems), 2, 'See definitions/vrn-2020.yaml for a complete, valid definition.');
  }
}

function formatProblems(source: string, problems: readonly DefinitionProblem[]): string {
  const lines = problems.map((problem) => {
    const where = problem.line === undefined ? '' : `line ${problem.line}, column ${problem.column ?? 1}`;
    if (problem.path === '') return where === '' ? problem.message : `${where}: ${problem.message}`;
    return where === '' ? `${problem.path}: ${problem.message}` : `${problem.path} (${where}): ${problem.message}`;
  });
  if (lines.length === 1) return `${source}: ${lines[0] ?? ''}`;
  return `${source}: ${lines.length} problems in the definition:\n${lines.map((line) => `  - ${line}`).join('\n')}`;
}

/**
 * Parse a definition from YAML or JSON text (JSON is valid YAML). `sourceName` (usually the file path)
 * is used in error messages. Throws DefinitionError listing every problem found.
 */
export function parseDefinition(text: string, sourceName: string): SvDefinition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new DefinitionError(
      sourceName,
      doc.errors.map((error) => ({
        path: '',
        ...position(lineCounter, error.pos[0]),
        message: `not valid YAML or JSON: ${error.message}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS(); // throws on alias bombs ("excessive alias count")
  } catch (error) {
    throw new DefinitionError(sourceName, [{ path: '', message: `cannot be read: ${(error as Error).message}` }]);
  }
  if (data === null || data === undefined) {
    throw new DefinitionError(sourceName, [
      { path: '', message: 'the file is empty; expected a definition with id, version, codes, location, knife and so on' },
    ]);
  }
  const result = svDefinitionSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, data)).map((problem) => ({
    ...problem,
    ...locate(doc, lineCounter, problem.pathKeys),
  }));
  throw new DefinitionError(
    sourceName,
    problems.map(({ pathKeys: _pathKeys, ...problem }) => problem),
  );
}

type PathKey = string | number;
type LocatedProblem = DefinitionProblem & { pathKeys: PathKey[] };

const CATEGORY_LIST = SV_CATEGORIES.join(', ');

const EXPECTED_IN_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a section of named fields',
  null: 'empty',
};

/** Turns one zod issue into plain-English problems (one per unknown key). */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): Omit<LocatedProblem, 'line' | 'column'>[] {
  const pathKeys = issue.path.filter((key): key is PathKey => typeof key === 'string' || typeof key === 'number');
  const found = valueAt(data, pathKeys);
  const problem = (message: string, keys = pathKeys) => ({
    path: formatPath(keys),
    pathKeys: keys,
    message: keys.length === 0 ? `the definition ${message}` : message,
  });

  switch (issue.code) {
    case 'unrecognized_keys': {
      const inCodes = pathKeys.length === 1 && pathKeys[0] === 'codes';
      const knownKeys = found !== null && typeof found === 'object' ? Object.keys(found) : [];
      return issue.keys.map((key) => {
        if (inCodes) return problem(`is not a known category; expected one of ${CATEGORY_LIST}`, [...pathKeys, key]);
        const suggestion = closestKey(key, expectedKeysAt(pathKeys, knownKeys, issue.keys));
        const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
        return problem(`is not a known field${hint}`, [...pathKeys, key]);
      });
    }
    case 'invalid_type': {
      if (found === undefined) return [problem('is required but missing')];
      const expected = EXPECTED_IN_WORDS[issue.expected] ?? issue.expected;
      return [problem(`should be ${expected}, found ${describeValue(found)}`)];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((value) => `'${String(value)}'`).join(' or ');
      return [problem(`should be ${allowed}, found ${describeValue(found)}`)];
    }
    case 'invalid_format':
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of': {
      const showFound = found === null || typeof found !== 'object';
      return [problem(showFound ? `${issue.message}, found ${describeValue(found)}` : issue.message)];
    }
    default:
      return [problem(issue.message)];
  }
}

/** Field names the schema accepts at a path, for "did you mean" hints. */
function expectedKeysAt(pathKeys: PathKey[], presentKeys: string[], unknownKeys: string[]): string[] {
  const schemaKeys: Record<string, string[]> = {
    '': [
      'id',
      'version',
      'name',
      'description',
      'default',
      'effective_from',
      'effective_to',
      'codes',
      'include_legacy_equivalents',
      'exclude_domestic',
      'location',
      'knife',
      'u25_age',
    ],
    location: ['public', 'private', 'unknown_location'],
    knife: ['terms', 'applies_to'],
  };
  const candidates = schemaKeys[pathKeys.join('.')] ?? presentKeys;
  return candidates.filter((key) => !unknownKeys.includes(key));
}

/** The nearest accepted key by edit distance, when it is close enough to be a likely typo. */
function closestKey(key: string, candidates: string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function valueAt(data: unknown, pathKeys: PathKey[]): unknown {
  let value = data;
  for (const key of pathKeys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathKey, unknown>)[key];
  }
  return value;
}

function formatPath(pathKeys: PathKey[]): string {
  return pathKeys.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`),
    '',
  );
}

/**
 * Line and column of the deepest node that exists on the path (the parent section, for a missing
 * field). Nothing for a missing top-level field: "line 1" would only mislead.
 */
function locate(doc: Document, lineCounter: LineCounter, pathKeys: PathKey[]): { line?: number; column?: number } {
  for (let length = pathKeys.length; length >= 1; length--) {
    const node: unknown = doc.getIn(pathKeys.slice(0, length), true);
    const range = node !== null && typeof node === 'object' && 'range' in node ? node.range : undefined;
    if (Array.isArray(range) && typeof range[0] === 'number') return position(lineCounter, range[0]);
  }
  return {};
}

function position(lineCounter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

// ---------------------------------------------------------------------------------------------
// Compiling: SvDefinition -> CompiledDefinition (codes expanded, term lists as regular expressions).
// ---------------------------------------------------------------------------------------------

/**
 * Expand the definition's codes (adding legacy codes whose modern equivalent is listed, when
 * include_legacy_equivalents is set) and compile its term lists once for fast matching.
 */
export function compileDefinition(def: SvDefinition, hocr: readonly HocrCode[] = HOCR_CODES): CompiledDefinition {
  const table = new Map(hocr.map((entry) => [entry.code, entry]));
  const warnings: string[] = [];
  const warnIfUnknown = (hocrCode: string, field: string) => {
    if (!table.has(hocrCode)) {
      warnings.push(`${field}: '${hocrCode}' is not in the HOCR code table; it is used as written`);
    }
  };

  const listedCategory = new Map<string, SvCategory>();
  for (const category of SV_CATEGORIES) {
    for (const hocrCode of def.codes[category]) {
      listedCategory.set(hocrCode, category);
      warnIfUnknown(hocrCode, `codes.${category}`);
    }
  }
  const codeCategory = new Map(listedCategory);
  const knifeCodes = new Set<string>(def.knife.appliesTo);
  def.knife.appliesTo.forEach((hocrCode) => warnIfUnknown(hocrCode, 'knife.applies_to'));

  if (def.includeLegacyEquivalents) {
    for (const entry of hocr) {
      const modernCodes = modernChain(entry, table);
      const category = firstDefined(modernCodes.map((modern) => listedCategory.get(modern)));
      if (category !== undefined && !codeCategory.has(entry.code)) codeCategory.set(entry.code, category);
      if (modernCodes.some((modern) => def.knife.appliesTo.includes(modern))) knifeCodes.add(entry.code);
    }
  }

  return {
    definition: def,
    codeCategory,
    knifeCodes,
    publicTerms: compileTerms(def.location.publicTerms),
    privateTerms: compileTerms(def.location.privateTerms),
    knifeTerms: compileTerms(def.knife.terms),
    warnings,
  };
}

/** The codes that replaced `entry`, nearest first (5A -> [5D]); empty for a current code. */
function modernChain(entry: HocrCode, table: ReadonlyMap<string, HocrCode>): string[] {
  const chain: string[] = [];
  let next = entry.modernEquivalent;
  // The length guard stops a malformed table with a cycle from looping forever.
  while (next !== undefined && !chain.includes(next) && chain.length <= table.size) {
    chain.push(next);
    next = table.get(next)?.modernEquivalent;
  }
  return chain;
}

function firstDefined<T>(values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/**
 * Term matching rules (shared by location and weapon text):
 * - case-insensitive, whole words only: 'street' matches 'STREET/ROAD' but not 'streetlight', and
 *   'pub' does not match 'Public';
 * - a multi-word term matches as a phrase, with spaces, hyphens or underscores between the words
 *   ('car park' matches 'Car-Park' and 'car  park');
 * - the last word also matches its regular plural ('shop' -> 'shops', 'bus' -> 'buses') and, for
 *   words ending in -f/-fe, the -ves plural ('knife' -> 'knives').
 */
function compileTerms(terms: readonly string[]): TermMatcher {
  // Longest first, so that at any position the most specific phrase is the one matched.
  const unique = [...new Set(terms)].sort((a, b) => b.length - a.length || a.localeCompare(b));
  if (unique.length === 0) return { terms: unique, pattern: null };
  const alternatives = unique.map(termPattern).join('|');
  return { terms: unique, pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'giu') };
}

function termPattern(term: string): string {
  const words = term.split(/[\s_-]+/).filter((word) => word !== '');
  const lastWord = words.pop() ?? '';
  return [...words.map(escapeRegExp), withPlurals(lastWord)].join('[\\s_\\-]+');
}

function withPlurals(word: string): string {
  const forms = [`${escapeRegExp(word)}(?:s|es)?`];
  if (word.endsWith('fe')) forms.push(`${escapeRegExp(word.slice(0, -2))}ves`);
  else if (word.endsWith('f')) forms.push(`${escapeRegExp(word.slice(0, -1))}ves`);
  return forms.length === 1 ? (forms[0] ?? '') : `(?:${forms.join('|')})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Span {
  start: number;
  end: number;
}

function matchSpans(matcher: TermMatcher, text: string): Span[] {
  if (matcher.pattern === null) return [];
  // matchAll works on a copy of the regular expression, so the shared pattern keeps no state.
  return [...text.matchAll(matcher.pattern)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
}

function isInsideLongerSpan(span: Span, others: readonly Span[]): boolean {
  return others.some(
    (other) => other.start <= span.start && span.end <= other.end && other.end - other.start > span.end - span.start,
  );
}

/**
 * Public, private or unknown place for a location text.
 * Precedence when both kinds of term match:
 * 1. A term found inside a longer term of the other kind is ignored, so the more specific phrase
 *    decides: 'Public House' is public when 'public house' is a public term, even though 'house' is
 *    a private term.
 * 2. Otherwise private wins: 'Park Lane flat' and 'flat above shop' are private. Public words often
 *    appear in street names (Park Lane, Market Street, Station Road) while the private term usually
 *    names the premises, and the definition excludes private settings, so doubt does not add a
 *    crime to the public-place count.
 * Blank text, or text with no term, is unknown.
 */
export function placeClass(cdef: CompiledDefinition, locationType: string | null): PlaceClass {
  if (locationType === null || locationType.trim() === '') return 'unknown';
  const publicSpans = matchSpans(cdef.publicTerms, locationType);
  const privateSpans = matchSpans(cdef.privateTerms, locationType);
  if (privateSpans.some((span) => !isInsideLongerSpan(span, publicSpans))) return 'private';
  if (publicSpans.some((span) => !isInsideLongerSpan(span, privateSpans))) return 'public';
  return 'unknown';
}

/** True when the weapon text contains a knife term as a whole word (plurals included: 'knives', 'blades'). */
export function mentionsKnife(cdef: CompiledDefinition, weapon: string | null): boolean {
  if (weapon === null || cdef.knifeTerms.pattern === null) return false;
  // search() ignores and restores lastIndex, so the shared global pattern is safe to reuse.
  return weapon.search(cdef.knifeTerms.pattern) !== -1;
}

export interface DefinitionCodeRow {
  hocrCode: string;
  svCategory: SvCategory;
  knifeApplicable: boolean;
}

/** Every code in the definition (legacy expansions included), for a code lookup table in SQL. */
export function definitionCodeRows(cdef: CompiledDefinition): DefinitionCodeRow[] {
  return [...cdef.codeCategory]
    .map(([hocrCode, svCategory]) => ({ hocrCode, svCategory, knifeApplicable: cdef.knifeCodes.has(hocrCode) }))
    .sort((a, b) => compareHocrCodes(a.hocrCode, b.hocrCode));
}

/** Codes the knife flag applies to (legacy expansions included), whether or not they are in the definition. */
export function knifeApplicableCodes(cdef: CompiledDefinition): string[] {
  return [...cdef.knifeCodes].sort(compareHocrCodes);
}
