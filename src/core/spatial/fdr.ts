/**
 * Benjamini–Hochberg false discovery rate: adjusted p-values as R's p.adjust(p, "BH"). A unit is
 * significant at level α after correction when its adjusted p-value is ≤ α, which is the same as the
 * step-up rule (largest k with p₍ₖ₎ ≤ k·α/m). Missing p-values (NaN) stay NaN and do not count in m.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length).fill(Number.NaN);
  const order: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (Number.isNaN(v)) continue;
    if (v < 0 || v > 1) throw new RangeError(`p-value ${v} at ${i} is not in [0, 1]`);
    order.push(i);
  }
  order.sort((a, b) => p[b]! - p[a]!); // largest first
  const m = order.length;
  let running = 1;
  order.forEach((index, r) => {
    const rank = m - r; // rank among ascending p-values, 1-based
    running = Math.min(running, (m / rank) * p[index]!);
    out[index] = running;
  });
  return out;
}
