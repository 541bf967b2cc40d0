import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from './formula.js';

describe('formula injection', () => {
  it.each(['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('neutralises %j', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });
  it('leaves other text and numbers alone', () => {
    expect(neutraliseFormula('Street')).toBe('Street');
    expect(neutraliseFormula(-3)).toBe(-3);
    expect(neutraliseFormula(null)).toBeNull();
    expect(neutraliseFormula('a=b')).toBe('a=b');
  });
});
