/**
 * Hotspot stability measures (domain.md §5):
 * - Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008): PAI = (n / N) / (a / A), the share of
 *   incidents in the hotspots over the share of the study area they cover;
 * - Recapture Rate Index (Levine 2008): RRI = (n₂ / n₁) / (N₂ / N₁), how the hotspots' incidents
 *   changed from period 1 to period 2 relative to the change over the whole area (1 = kept pace).
 */

/** PAI; null when it is undefined (no incidents, or an empty hotspot or study area). */
export function predictiveAccuracyIndex(inHotspots: number, total: number, hotspotArea: number, studyArea: number): number | null {
  checkCounts(inHotspots, total);
  if (!(hotspotArea >= 0) || !(studyArea > 0) || hotspotArea > studyArea) throw new RangeError(`hotspot area ${hotspotArea} must be within the study area ${studyArea}`);
  if (total === 0 || hotspotArea === 0) return null;
  return inHotspots / total / (hotspotArea / studyArea);
}

/** RRI; null when it is undefined (no incidents in the hotspots in period 1, or none at all in a period). */
export function recaptureRateIndex(hotspots1: number, total1: number, hotspots2: number, total2: number): number | null {
  checkCounts(hotspots1, total1);
  checkCounts(hotspots2, total2);
  if (hotspots1 === 0 || total1 === 0 || total2 === 0) return null;
  return hotspots2 / hotspots1 / (total2 / total1);
}

function checkCounts(part: number, total: number): void {
  if (!(part >= 0) || !(total >= 0) || part > total) throw new RangeError(`count ${part} must be between 0 and the total ${total}`);
}
