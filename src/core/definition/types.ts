import type { SvDefinition } from './schema.js';

/** Serious-violence categories a definition can put HOCR codes in. The one place they are declared. */
export const SV_CATEGORIES = ['homicide', 'violence_with_injury', 'robbery'] as const;
export type SvCategory = (typeof SV_CATEGORIES)[number];

export type PlaceClass = 'public' | 'private' | 'unknown';

/** A set of whole-word terms compiled once; `pattern` is null when the list is empty. */
export interface TermMatcher {
  readonly terms: readonly string[];
  readonly pattern: RegExp | null;
}

/** A definition made ready for fast classification: codes expanded, term lists compiled. */
export interface CompiledDefinition {
  readonly definition: SvDefinition;
  /** Every code that counts, including legacy codes brought in through their modern equivalent. */
  readonly codeCategory: ReadonlyMap<string, SvCategory>;
  /** Codes the knife flag applies to, including legacy expansions; may lie outside the definition. */
  readonly knifeCodes: ReadonlySet<string>;
  readonly publicTerms: TermMatcher;
  readonly privateTerms: TermMatcher;
  readonly knifeTerms: TermMatcher;
  /** Things worth telling the author that do not stop the definition working (e.g. codes not in HOCR_CODES). */
  readonly warnings: readonly string[];
}
