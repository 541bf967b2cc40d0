import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDefinition } from './parse.js';
import { definitionChanges } from './changes.js';

const text = readFileSync(new URL('../../../definitions/vrn-2020.yaml', import.meta.url), 'utf8');
const v1 = parseDefinition(text, 'vrn-2020.yaml');

describe('definitionChanges', () => {
  it('finds nothing between a version and itself', () => {
    expect(definitionChanges(v1, v1)).toEqual([]);
  });

  it('names added and removed codes, switched flags and a new age', () => {
    const v2 = parseDefinition(
      text
        .replace(/^version: 1$/m, 'version: 2')
        .replace("robbery: ['34A', '34B']", "robbery: ['34B']")
        .replace("violence_with_injury: ['2', '5D', '5E', '8N', '8P']", "violence_with_injury: ['2', '5D', '5E', '8N', '8P', '37/1']")
        .replace('exclude_domestic: true', 'exclude_domestic: false')
        .replace(/^u25_age: \d+$/m, 'u25_age: 21'),
      'v2.yaml',
    );
    expect(definitionChanges(v1, v2)).toEqual([
      "violence with injury codes: added '37/1'",
      "robbery codes: removed '34A'",
      'domestic incidents excluded: true → false',
      `under-25 age: ${v1.u25Age} → 21`,
    ]);
  });
});
