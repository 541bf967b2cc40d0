import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from './pseudonymise.js';

describe('createPseudonymiser', () => {
  const secret = Buffer.from('a test key of at least sixteen bytes');
  const expected = (agency: string, identifier: string) =>
    identifier.trim() === '' ? null : createHmac('sha256', secret).update(`${agency.trim().toLowerCase()}\x1f${identifier.trim().toUpperCase()}`).digest('base64url').slice(0, 32);

  it('gives every identifier its keyed hash, whatever was asked before (the memo of recent identifiers never leaks)', () => {
    const agency = fc.constantFrom('Leics Police', 'leics police ', 'Other');
    const identifier = fc.constantFrom('', ' ', 'V1', 'v1', 'V2', 'S1', ' S1 ', 'S2');
    fc.assert(
      fc.property(fc.array(fc.tuple(agency, identifier), { maxLength: 30 }), (calls) => {
        const p = createPseudonymiser(secret);
        for (const [a, id] of calls) expect(p.key(a, id)).toBe(expected(a, id));
      }),
    );
  });
});
