import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64Url, hmacSha256Base64Url32 } from './keyed-hash.js';

const reference = (key: Uint8Array, message: string) => createHmac('sha256', key).update(message, 'utf8').digest('base64url');

describe('hmacSha256Base64Url', () => {
  it('gives the RFC 4231 test case 2 value', () => {
    const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmacSha256Base64Url(Buffer.from('Jefe'))('what do ya want for nothing?')).toBe(Buffer.from(hex, 'hex').toString('base64url'));
  });

  it('equals node:crypto for every key length, message length and script', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 150 }), fc.array(fc.string({ unit: 'binary', maxLength: 200 }), { maxLength: 8 }), (key, messages) => {
        const hmac = hmacSha256Base64Url(key);
        // One keyed function over several messages: nothing of one message may leak into the next.
        const short = hmacSha256Base64Url32(key);
        for (const m of messages) {
          expect(hmac(m)).toBe(reference(key, m));
          expect(short(m)).toBe(reference(key, m).slice(0, 32));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handles the padding edges (55, 56, 63, 64 and 119 bytes) and long messages', () => {
    const key = randomBytes(32);
    const hmac = hmacSha256Base64Url(key);
    for (const n of [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_000]) expect(hmac('x'.repeat(n))).toBe(reference(key, 'x'.repeat(n)));
    expect(hmac('é'.repeat(30))).toBe(reference(key, 'é'.repeat(30)));
  });
});
