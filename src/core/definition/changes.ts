/**
 * What changed between two versions of a serious-violence definition, in sentences for the change
 * history on the dashboard's Data page. Pure.
 */
import { SV_CATEGORIES } from './types.js';
import type { SvDefinition } from './schema.js';

const list = (items: readonly string[]) => items.map((i) => `'${i}'`).join(', ');

function setChange(what: string, before: readonly string[], after: readonly string[]): string[] {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  const out: string[] = [];
  if (added.length) out.push(`${what}: added ${list(added)}`);
  if (removed.length) out.push(`${what}: removed ${list(removed)}`);
  return out;
}

const valueChange = (what: string, before: unknown, after: unknown): string[] =>
  before === after ? [] : [`${what}: ${String(before ?? 'none')} → ${String(after ?? 'none')}`];

/** Each difference from `before` to `after` (empty when they count the same things). */
export function definitionChanges(before: SvDefinition, after: SvDefinition): string[] {
  const changes: string[] = [];
  for (const category of SV_CATEGORIES) changes.push(...setChange(`${category.replace(/_/g, ' ')} codes`, before.codes[category], after.codes[category]));
  changes.push(
    ...valueChange('legacy codes counted through their modern equivalent', before.includeLegacyEquivalents, after.includeLegacyEquivalents),
    ...valueChange('domestic incidents excluded', before.excludeDomestic, after.excludeDomestic),
    ...setChange('public place terms', before.location.publicTerms, after.location.publicTerms),
    ...setChange('private place terms', before.location.privateTerms, after.location.privateTerms),
    ...valueChange('unknown location', before.location.unknownLocation, after.location.unknownLocation),
    ...setChange('knife terms', before.knife.terms, after.knife.terms),
    ...setChange('knife flag applies to codes', before.knife.appliesTo, after.knife.appliesTo),
    ...valueChange('under-25 age', before.u25Age, after.u25Age),
    ...valueChange('effective from', before.effectiveFrom, after.effectiveFrom),
    ...valueChange('effective to', before.effectiveTo, after.effectiveTo),
    ...valueChange('description', before.description, after.description),
  );
  return changes;
}
