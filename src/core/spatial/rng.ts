/**
 * A small seeded pseudo-random generator for Monte Carlo tests (permutations), so a result can be
 * reproduced from its seed on any machine. mulberry32 (Tommy Ettinger's 32-bit generator): fast, full
 * period 2³², statistically fine for permutation tests of a few thousand draws; not for cryptography.
 */

/** A generator of uniform numbers in [0, 1). */
export type Rng = () => number;

/** A mulberry32 generator seeded with `seed` (any finite number; its low 32 bits are used). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`the seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle of `array` in place (every permutation equally likely); returns the array. */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(array: A, rng: Rng): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
