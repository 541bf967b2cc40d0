import { z } from 'zod';
import { normaliseHocrCode } from '../hocr/normalise.js';
import { SV_CATEGORIES, type SvCategory } from './types.js';

/**
 * The one schema for a serious-violence definition file (YAML or JSON). Keys in the file are
 * snake_case; the parsed value is camelCase. Unknown keys are errors, so a misspelt key cannot
 * silently fall back to a default.
 */

const DEFINITION_ID = /^[a-z0-9][a-z0-9._-]*$/;
// Terms must begin and end with a letter or digit, otherwise "whole word" has no clear meaning.
const MATCHABLE_TERM = /^[\p{L}\p{N}](?:.*[\p{L}\p{N}])?$/u;

/** A HOCR code written as text ('8N', '4/1') or, for plain class numbers, as a YAML integer (2). */
const hocrCodeField = z.unknown().transform((value, ctx): string => {
  // Decimals are refused: YAML reads 4.10 as the number 4.1, which would silently become '4/1'.
  const text = typeof value === 'string' ? value : Number.isInteger(value) ? String(value) : undefined;
  const canonical = text === undefined ? null : normaliseHocrCode(text);
  if (canonical === null) {
    const message =
      text !== undefined
        ? `'${text}' is not a HOCR code (expected e.g. '8N', '34B' or '4/1')`
        : typeof value === 'number'
          ? `should be a HOCR code written as quoted text, e.g. '4/10', found the number ${value}`
          : `should be a HOCR code such as '8N', found ${describeValue(value)}`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return canonical;
});

const hocrCodeList = z.array(hocrCodeField);

const term = z
  .string()
  .transform((text) => text.trim().replace(/\s+/g, ' ').toLowerCase())
  .refine((text) => MATCHABLE_TERM.test(text), 'should start and end with a letter or digit, e.g. car park');

const termList = z.array(term);

const codesByCategory = z.strictObject(
  Object.fromEntries(SV_CATEGORIES.map((category) => [category, hocrCodeList.optional()])) as Record<
    SvCategory,
    z.ZodOptional<typeof hocrCodeList>
  >,
);

const isoDate = z.iso.date('should be a date written YYYY-MM-DD, e.g. 2020-04-01');

const definitionFileSchema = z.strictObject({
  id: z.string().regex(DEFINITION_ID, "should use lower-case letters, digits, '.', '-' or '_', e.g. vrn-2020"),
  version: z.number().int('should be a whole number').positive('should be 1 or more'),
  name: z.string().trim().min(1, 'should not be empty').optional(),
  description: z.string().trim().min(1, 'should not be empty'),
  default: z.boolean().default(false),
  effective_from: isoDate,
  effective_to: isoDate.nullable().default(null),
  codes: codesByCategory,
  include_legacy_equivalents: z.boolean(),
  exclude_domestic: z.boolean(),
  location: z.strictObject({
    public: termList,
    private: termList,
    unknown_location: z.enum(['include', 'exclude']),
  }),
  knife: z.strictObject({
    terms: termList.min(1, 'should list at least one term, e.g. knife'),
    applies_to: hocrCodeList,
  }),
  u25_age: z.number().int('should be a whole number').min(1, 'should be 1 or more').max(120, 'should be 120 or less'),
});

type DefinitionFile = z.output<typeof definitionFileSchema>;

function checkConsistency(file: DefinitionFile, ctx: z.RefinementCtx): void {
  const categoryOfCode = new Map<string, SvCategory>();
  for (const category of SV_CATEGORIES) {
    (file.codes[category] ?? []).forEach((hocrCode, index) => {
      const earlier = categoryOfCode.get(hocrCode);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['codes', category, index],
          message: `'${hocrCode}' is already listed under ${earlier}; a code can be in one category only`,
        });
      }
      categoryOfCode.set(hocrCode, category);
    });
  }
  if (categoryOfCode.size === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['codes'],
      message: `should list at least one HOCR code under ${SV_CATEGORIES.join(', ')}`,
    });
  }

  const publicTerms = new Set(file.location.public);
  file.location.private.forEach((privateTerm, index) => {
    if (publicTerms.has(privateTerm)) {
      ctx.addIssue({
        code: 'custom',
        path: ['location', 'private', index],
        message: `'${privateTerm}' is also a public term; a term can be public or private, not both`,
      });
    }
  });

  if (file.effective_to !== null && file.effective_to < file.effective_from) {
    ctx.addIssue({
      code: 'custom',
      path: ['effective_to'],
      message: `should not be before effective_from (${file.effective_from})`,
    });
  }
}

export const svDefinitionSchema = definitionFileSchema.superRefine(checkConsistency).transform((file) => ({
  id: file.id,
  version: file.version,
  name: file.name ?? file.id,
  description: file.description,
  isDefault: file.default,
  effectiveFrom: file.effective_from,
  effectiveTo: file.effective_to,
  codes: Object.fromEntries(SV_CATEGORIES.map((category) => [category, file.codes[category] ?? []])) as Record<
    SvCategory,
    string[]
  >,
  includeLegacyEquivalents: file.include_legacy_equivalents,
  excludeDomestic: file.exclude_domestic,
  location: {
    publicTerms: file.location.public,
    privateTerms: file.location.private,
    unknownLocation: file.location.unknown_location,
  },
  knife: { terms: file.knife.terms, appliesTo: file.knife.applies_to },
  u25Age: file.u25_age,
}));

/** A parsed, validated definition (camelCase; codes in canonical HOCR form). */
export type SvDefinition = z.output<typeof svDefinitionSchema>;
/** The shape written in a definition file (snake_case). */
export type SvDefinitionFile = z.input<typeof svDefinitionSchema>;

/** Plain-English description of a value found in a file, for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text '${value}'`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return value instanceof Date ? `the date ${value.toISOString().slice(0, 10)}` : 'a section of named fields';
    default:
      return `a ${typeof value}`;
  }
}
