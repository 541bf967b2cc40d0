/**
 * HMAC-SHA256 for many short messages under one key (RFC 2104, FIPS 180-4).
 *
 * Why not node:crypto's createHmac: each call builds a native Hmac object and re-hashes the key
 * block, about 4 µs a call on our 2-core bench machine, and a 1,000,000-row police extract needs two
 * million calls (victim and suspect). Here the key's inner and outer blocks are compressed once, so a
 * message of up to 55 bytes costs two block compressions in plain JavaScript with no allocation.
 * The output is checked against createHmac in keyed-hash.test.ts (random keys, lengths and scripts).
 */
import { createHash } from 'node:crypto';

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL_STATE = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;

/** The SHA-256 compression function: folds the 64-byte block at `offset` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number, w: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Writes the big-endian 32-bit words of `state` into `out` from `offset`. */
function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    const j = offset + i * 4;
    out[j] = v >>> 24;
    out[j + 1] = (v >>> 16) & 0xff;
    out[j + 2] = (v >>> 8) & 0xff;
    out[j + 3] = v & 0xff;
  }
}

const BASE64URL = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (c) => c.charCodeAt(0));

/**
 * The first 24 bytes of a digest in base64url: exactly 32 characters, no padding. Built in one call
 * as a flat string, because millions are kept in memory while an extract is read.
 */
function base64Url24(state: Int32Array): string {
  const codes = new Array<number>(32);
  for (let i = 0; i < 6; i += 3) {
    // Three words are twelve bytes, sixteen characters.
    const w0 = state[i]!, w1 = state[i + 1]!, w2 = state[i + 2]!;
    const o = (i / 3) * 16;
    const sextets = [
      w0 >>> 26, (w0 >>> 20) & 63, (w0 >>> 14) & 63, (w0 >>> 8) & 63, (w0 >>> 2) & 63,
      ((w0 & 3) << 4) | (w1 >>> 28), (w1 >>> 22) & 63, (w1 >>> 16) & 63, (w1 >>> 10) & 63, (w1 >>> 4) & 63,
      ((w1 & 15) << 2) | (w2 >>> 30), (w2 >>> 24) & 63, (w2 >>> 18) & 63, (w2 >>> 12) & 63, (w2 >>> 6) & 63, w2 & 63,
    ];
    for (let k = 0; k < 16; k++) codes[o + k] = BASE64URL[sextets[k]!]!;
  }
  return String.fromCharCode(...codes);
}

/**
 * Returns a function giving HMAC-SHA256(secret, message) of UTF-8 `message` as base64url (43
 * characters, unpadded). Not safe to call re-entrantly (it reuses its buffers), which JavaScript's
 * single thread guarantees.
 */
export function hmacSha256Base64Url(secret: Uint8Array): (message: string) => string {
  const digest = hmacSha256State(secret);
  const bytes = Buffer.alloc(32);
  return (text) => {
    writeState(digest(text), bytes, 0);
    return bytes.toString('base64url');
  };
}

/** HMAC-SHA256(secret, message), first 192 bits, as 32 base64url characters (the pseudonym form). */
export function hmacSha256Base64Url32(secret: Uint8Array): (message: string) => string {
  const digest = hmacSha256State(secret);
  return (text) => base64Url24(digest(text));
}

/** The HMAC as its eight state words; the array is reused by the next call. */
function hmacSha256State(secret: Uint8Array): (message: string) => Int32Array {
  const encoder = new TextEncoder();
  let key = Uint8Array.from(secret);
  if (key.length > BLOCK) key = new Uint8Array(nodeSha256(key));
  const pad = new Uint8Array(BLOCK);
  const w = new Int32Array(64);
  const innerStart = Int32Array.from(INITIAL_STATE);
  const outerStart = Int32Array.from(INITIAL_STATE);
  for (let i = 0; i < BLOCK; i++) pad[i] = (key[i] ?? 0) ^ 0x36;
  compress(innerStart, pad, 0, w);
  for (let i = 0; i < BLOCK; i++) pad[i] = (key[i] ?? 0) ^ 0x5c;
  compress(outerStart, pad, 0, w);

  const state = new Int32Array(8);
  let message = new Uint8Array(256);
  // The outer message is always the 32-byte inner digest, so its padding is fixed: 0x80, zeros, and
  // the bit length of key block + digest.
  const outer = new Uint8Array(BLOCK);
  outer[32] = 0x80;
  new DataView(outer.buffer).setUint32(60, (BLOCK + 32) * 8);
  return (text: string): Int32Array => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; room for the padding too.
    const room = text.length * 3 + 9 + BLOCK;
    if (message.length < room) message = new Uint8Array(room * 2);
    const n = encoder.encodeInto(text, message).written;
    const padded = Math.ceil((n + 9) / BLOCK) * BLOCK;
    message[n] = 0x80;
    message.fill(0, n + 1, padded);
    // Bit length of key block + message; messages here are far below 2^29 bytes, so 32 bits suffice.
    const bits = (BLOCK + n) * 8;
    message[padded - 4] = bits >>> 24;
    message[padded - 3] = (bits >>> 16) & 0xff;
    message[padded - 2] = (bits >>> 8) & 0xff;
    message[padded - 1] = bits & 0xff;
    state.set(innerStart);
    for (let offset = 0; offset < padded; offset += BLOCK) compress(state, message, offset, w);
    writeState(state, outer, 0);
    state.set(outerStart);
    compress(state, outer, 0, w);
    return state;
  };
}

/** Keys longer than a block are hashed first (RFC 2104); rare, so node:crypto does it. */
function nodeSha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}
