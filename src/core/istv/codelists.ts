/**
 * ISTV code lists: how the assault method and location type values an ED writes map onto the codes svo
 * counts. The default lists are `codelists/istv.yaml` (documented there); a partnership can supply its
 * own. Pure: parsing and mapping only, the file is read by the ingest.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';

const code = z.string().regex(/^[a-z0-9_]+$/, 'codes are lower case letters, digits and _');

const methodEntry = z
  .object({
    code,
    label: z.string().min(1),
    sharp: z.boolean().default(false),
    values: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  })
  .strict();

const locationEntry = z
  .object({
    code,
    label: z.string().min(1),
    public: z.boolean().optional(),
    night_time_economy: z.boolean().default(false),
    values: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  })
  .strict();

export const istvCodeListsSchema = z
  .object({
    name: z.string().min(1),
    version: z.union([z.number(), z.string()]).transform(String).optional(),
    assault_method: z.array(methodEntry).min(1),
    assault_location_type: z.array(locationEntry).min(1),
  })
  .strict();

export type IstvCodeLists = z.output<typeof istvCodeListsSchema>;
export type MethodEntry = IstvCodeLists['assault_method'][number];
export type LocationEntry = IstvCodeLists['assault_location_type'][number];

/** Comparable form of a coded value: case, punctuation and spacing do not matter. */
export function codeValueKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9&]+/g, ' ')
    .trim();
}

/** How an unmapped value is kept: trimmed, case-folded, inner spaces collapsed. */
export function foldValue(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface MappedValue {
  value: string;
  mapped: boolean;
}

/** One code list as a lookup from written values to codes. */
export class CodeList<E extends { code: string; label: string; values: string[] }> {
  private readonly lookup = new Map<string, E>();
  readonly byCode = new Map<string, E>();

  constructor(
    readonly field: string,
    readonly entries: readonly E[],
    source: string,
  ) {
    const problems: string[] = [];
    for (const entry of entries) {
      if (this.byCode.has(entry.code)) problems.push(`${field}: code '${entry.code}' is listed twice`);
      this.byCode.set(entry.code, entry);
    }
    for (const entry of entries) {
      for (const written of [entry.code, entry.label, ...entry.values]) {
        const key = codeValueKey(written);
        if (key === '') continue;
        const other = this.lookup.get(key);
        if (other && other.code !== entry.code) problems.push(`${field}: '${written}' maps to both '${other.code}' and '${entry.code}'`);
        else this.lookup.set(key, entry);
      }
    }
    if (problems.length) throw new UsageError(`${source}: the code lists are not consistent:\n  ${problems.join('\n  ')}`);
  }

  /** The code for a written value, or the value itself (trimmed, case-folded) when it is not listed. */
  map(raw: string): MappedValue {
    const entry = this.lookup.get(codeValueKey(raw));
    return entry ? { value: entry.code, mapped: true } : { value: foldValue(raw), mapped: false };
  }

  /** Codes whose entry has `flag` set. */
  codesWith(flag: (entry: E) => boolean): string[] {
    return this.entries.filter(flag).map((e) => e.code);
  }
}

export interface IstvCodes {
  name: string;
  methods: CodeList<MethodEntry>;
  locationTypes: CodeList<LocationEntry>;
}

/** Parses a code-list file (YAML or JSON). Throws a UsageError naming each problem. */
export function parseIstvCodeLists(text: string, source: string): IstvCodes {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${source}: the code lists are not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const result = istvCodeListsSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new UsageError(`${source}: the code lists are not valid:\n  ${problems.join('\n  ')}`, 'see codelists/istv.yaml for the expected layout');
  }
  const lists = result.data;
  return {
    name: lists.name,
    methods: new CodeList('assault_method', lists.assault_method, source),
    locationTypes: new CodeList('assault_location_type', lists.assault_location_type, source),
  };
}
