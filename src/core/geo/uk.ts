/**
 * Generous bounding boxes for the United Kingdom, used to reject coordinates that cannot be right
 * (swapped latitude/longitude, eastings in the longitude column, zeros).
 */
export const UK_WGS84_BOUNDS = { minLon: -8.75, maxLon: 1.9, minLat: 49.8, maxLat: 60.95 } as const;
/** British National Grid extent (EPSG:27700). */
export const UK_BNG_BOUNDS = { minE: 0, maxE: 700_000, minN: 0, maxN: 1_300_000 } as const;

export function isInUk(lon: number, lat: number): boolean {
  const b = UK_WGS84_BOUNDS;
  return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat;
}

export function isInBng(easting: number, northing: number): boolean {
  const b = UK_BNG_BOUNDS;
  // (0, 0) is a common "missing" placeholder, not a real place in the sea off the Scillies.
  return easting > b.minE && easting <= b.maxE && northing > b.minN && northing <= b.maxN;
}
