/**
 * A seeded synthetic area shaped like a Violence Reduction Unit's patch (Leicester, Leicestershire and
 * Rutland, roughly at a quarter of its size): a dense, deprived, younger city in the middle, suburban
 * and rural districts around it.
 *
 * Zones play the part of 2011 LSOAs. Every code starts with `X` so it matches the ONS shape
 * `^[A-Z]\d{8}$` but can never be mistaken for a real code (England is E, Wales W, Scotland S, …):
 *   zones X01…, MSOA-like groups X02…, the city X06… (like a unitary authority), other districts X07…,
 *   Community Safety Partnerships X22….
 *
 * Zone polygons are the Voronoi cells of one generating point ("site") per zone, clipped to a convex
 * outline. Sites sit on a jittered lattice that is stretched radially, so zones are small in the
 * centre (urban) and large at the edge (rural). Every cell is convex and contains its site; cells that
 * share an edge share its vertices exactly (vertices are snapped), so the polygons tile without gaps or
 * overlaps and point-in-polygon lookup is unambiguous. Pure: no I/O, no clock.
 */
import { apportion, Rng } from './random.js';

export type LonLat = readonly [lon: number, lat: number];

/** Self-defined ethnicity (18+1 style) codes used in police extracts, with the share weights below. */
export const ETHNICITY_CODES = ['W1', 'W2', 'W9', 'M1', 'M2', 'M3', 'M9', 'A1', 'A2', 'A3', 'A9', 'B1', 'B2', 'B9', 'O1', 'O9', 'NS'] as const;
export type EthnicityCode = (typeof ETHNICITY_CODES)[number];

/** Single years of age 0..89 plus 90 for "90+", as in the ONS SAPE tables. */
export const AGE_COUNT = 91;

export interface SynthZone {
  /** Position in `area.zones`. */
  index: number;
  /** LSOA-like code, e.g. X01000123. */
  code: string;
  /** LSOA-like name, e.g. "Mercester 004B". */
  name: string;
  msoaCode: string;
  msoaName: string;
  ladCode: string;
  ladName: string;
  cspCode: string;
  cspName: string;
  /** Usual residents at the area's mid-year (sum of populationByAge). */
  population: number;
  /** Persons by single year of age; index 90 is 90+. */
  populationByAge: number[];
  /** National-style IMD rank, 1 = most deprived of 32,844. */
  imdRank: number;
  /** 1 = most deprived 10%. */
  imdDecile: number;
  /** One of the planted violence hotspots. */
  hotspot: boolean;
  /** In the central city district. */
  city: boolean;
  /** Distance from the centre in grid units: 0 at the centre, about 1 at the edge. */
  radius: number;
  /** 0 (almost all W1) to ~0.65: share of residents not White British, for ethnicity draws. */
  diversity: number;
  /** The zone's generating point: inside the polygon, which is convex, so segments from it stay inside. */
  site: LonLat;
  /** Closed ring, counter-clockwise, first point repeated last (RFC 7946 exterior ring); convex. */
  ring: LonLat[];
  /** Area centroid. */
  centroid: LonLat;
  /** Lattice cell (column, row) the site came from. */
  cell: readonly [number, number];
}

export interface SynthDistrict {
  code: string;
  name: string;
  cspCode: string;
  cspName: string;
  city: boolean;
  zoneIndexes: number[];
}

export interface SynthCsp {
  code: string;
  name: string;
  ladCodes: string[];
}

export interface SynthArea {
  seed: number;
  name: string;
  /** Population reference year (mid-year estimate the population tables stand for). */
  midYear: number;
  centre: LonLat;
  zones: SynthZone[];
  districts: SynthDistrict[];
  csps: SynthCsp[];
  /** Codes of the planted hotspot zones. */
  hotspotCodes: string[];
  /** Total usual residents. */
  population: number;
}

export interface AreaOptions {
  /** Population mid-year, default 2024. */
  midYear?: number;
  /** Centre of the made-up area, default 52.55 N, 1.05 W (somewhere in the English Midlands). */
  centre?: LonLat;
}

// Fictional place names (checked against nothing real on purpose: they only need to look English).
const CITY_NAMES = ['Mercester', 'Calderbury', 'Wendlow', 'Ashmere'];
const DISTRICT_NAMES = [
  'Brackenford',
  'Dunmoor',
  'Harrowdale',
  'Kestwick',
  'Lindhurst',
  'Oakhallow',
  'Ravensby',
  'Thornvale',
  'Wyndham Forest',
  'Sallowfield',
  'East Fennick',
];

/**
 * The grid: a square lattice in "index space" (-1..1 both ways), mapped outwards radially by
 * r -> sinh(STRETCH r) / sinh(STRETCH), so cells are small in the centre (urban) and grow towards the
 * edge (rural), then scaled to the extent in km. Only cells inside a wobbly outline are kept.
 */
const HALF_WIDTH_KM = 22;
const HALF_HEIGHT_KM = 19;
const STRETCH = 2.3;
/** Outline radius in index space (1 = the edge of the lattice). */
const OUTLINE_RADIUS = 0.95;
const KM_PER_DEG_LAT = 111.2;

/** Index-space point -> km from the centre. */
function stretch(u: number, v: number): [number, number] {
  const r = Math.hypot(u, v);
  const g = r < 1e-9 ? STRETCH / Math.sinh(STRETCH) : Math.sinh(STRETCH * r) / (r * Math.sinh(STRETCH));
  return [HALF_WIDTH_KM * u * g, HALF_HEIGHT_KM * v * g];
}

/** Ranks are given on a national scale like the English IMD 2019. */
export const IMD_LSOAS = 32_844;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Relative population by single year of age for an average zone. */
function baseAgeWeight(age: number): number {
  if (age < 5) return 1.1;
  if (age < 16) return 1.15;
  if (age < 18) return 1.1;
  if (age < 25) return 1.2;
  if (age < 45) return 1.3;
  if (age < 60) return 1.35;
  if (age < 70) return 1.15;
  if (age < 80) return 0.9;
  if (age < 85) return 0.55;
  if (age < 90) return 0.3;
  return 0.9; // 90+ is one column holding many single years
}

/**
 * Generates the synthetic area for a seed. The same seed always gives the same area.
 */
export function generateArea(seed: number, options: AreaOptions = {}): SynthArea {
  const rng = new Rng(seed).fork('area');
  const midYear = options.midYear ?? 2024;
  const centre: LonLat = options.centre ?? [-1.05, 52.55];
  const kmPerDegLon = KM_PER_DEG_LAT * Math.cos((centre[1] * Math.PI) / 180);

  // --- Grid and shape -------------------------------------------------------------------------
  const gridRng = rng.fork('grid');
  const nx = 15 + gridRng.int(3);
  const ny = 13 + gridRng.int(3);
  const toLonLat = (xKm: number, yKm: number): LonLat => [
    round7(centre[0] + xKm / kmPerDegLon),
    round7(centre[1] + yKm / KM_PER_DEG_LAT),
  ];

  // Lattice cells inside a wobbly round outline (in index space) each get a jittered site.
  const phase1 = gridRng.uniform(0, 2 * Math.PI);
  const phase2 = gridRng.uniform(0, 2 * Math.PI);
  interface Cell {
    i: number;
    j: number;
    /** Index-space position of the lattice cell centre, -1..1: low |(u, v)| = urban. */
    u: number;
    v: number;
    r: number;
    theta: number;
    /** Site in km from the centre. */
    site: [number, number];
  }
  const cells: Cell[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const u = ((i + 0.5) / nx) * 2 - 1;
      const v = ((j + 0.5) / ny) * 2 - 1;
      const theta = Math.atan2(v, u);
      const limit = OUTLINE_RADIUS * (1 + 0.07 * Math.sin(3 * theta + phase1) + 0.04 * Math.sin(5 * theta + phase2));
      const r = Math.hypot(u, v);
      const site = stretch(u + gridRng.uniform(-0.3, 0.3) * (2 / nx), v + gridRng.uniform(-0.3, 0.3) * (2 / ny));
      if (r <= limit) cells.push({ i, j, u, v, r, theta, site });
    }
  }
  const polygonsKm = voronoiCells(cells.map((c) => c.site));

  // --- Districts ------------------------------------------------------------------------------
  const districtRng = rng.fork('districts');
  const names = districtRng.shuffle(DISTRICT_NAMES);
  const cityName = districtRng.pick(CITY_NAMES);
  const sectors = 5 + districtRng.int(3); // 6-8 districts including the city
  const sectorStart = districtRng.uniform(0, 2 * Math.PI);
  // Sector k starts at angle sectorStart + rel[k]; rel[0] = 0 and the others are jittered a little.
  const rel: number[] = [];
  for (let k = 0; k < sectors; k++) rel.push(((2 * Math.PI) / sectors) * (k + (k === 0 ? 0 : districtRng.uniform(-0.2, 0.2))));
  const CITY_RADIUS = 0.52;
  const sectorOf = (theta: number): number => {
    const t = (((theta - sectorStart) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    let s = 0;
    for (let k = 0; k < sectors; k++) if (t >= rel[k]!) s = k;
    return s;
  };
  // District 0 is the city; 1..sectors are the surrounding districts.
  const cellDistrict = cells.map((c) => (c.r < CITY_RADIUS ? 0 : 1 + sectorOf(c.theta)));
  const districtCount = sectors + 1;
  const districtCells: number[][] = Array.from({ length: districtCount }, () => []);
  cellDistrict.forEach((d, k) => districtCells[d]!.push(k));

  // --- Deprivation --------------------------------------------------------------------------
  // Central and western zones are the most deprived ("highest prevalence West and Central").
  const depRng = rng.fork('deprivation');
  const depScore = cells.map((c, k) => -1.6 * c.r + (cellDistrict[k] === 0 ? 0.35 : 0) - 0.3 * c.u + depRng.normal(0, 0.45));
  const depOrder = cells.map((_, k) => k).sort((a, b) => depScore[b]! - depScore[a]! || a - b);
  const imdRank = new Array<number>(cells.length);
  const depRelative = new Array<number>(cells.length); // 1 = most deprived, 0 = least
  depOrder.forEach((k, position) => {
    imdRank[k] = Math.floor(((position + depRng.uniform(0.1, 0.9)) * IMD_LSOAS) / cells.length) + 1;
    depRelative[k] = 1 - position / Math.max(1, cells.length - 1);
  });

  // --- Population ---------------------------------------------------------------------------
  const popRng = rng.fork('population');
  const populations = cells.map((_, k) => {
    const base = popRng.normal(1650, 330) + (cellDistrict[k] === 0 ? 200 : 0);
    return Math.min(3000, Math.max(1000, Math.round(base)));
  });
  const ageTables = cells.map((_, k) => {
    const youth = cellDistrict[k] === 0 ? popRng.uniform(0.6, 1) : popRng.uniform(0, 0.3);
    const dep = depRelative[k]!;
    const weights: number[] = [];
    for (let a = 0; a < AGE_COUNT; a++) {
      let w = baseAgeWeight(a);
      if (a >= 18 && a <= 29) w *= 1 + 0.7 * youth;
      if (a >= 60) w *= 1 - 0.35 * youth;
      if (a <= 15) w *= 1 + 0.25 * dep;
      w *= Math.max(0.2, 1 + popRng.normal(0, 0.08));
      weights.push(w);
    }
    return apportion(populations[k]!, weights);
  });
  const diversity = cells.map((c, k) => {
    const d = 0.08 + 0.5 * Math.max(0, 1 - c.r) ** 1.5 + 0.12 * depRelative[k]! + popRng.normal(0, 0.04);
    return Math.min(0.75, Math.max(0.02, d));
  });

  // --- Hotspots: 3-5 of the 8 most central city zones -------------------------------------------
  const hotRng = rng.fork('hotspots');
  const hotspotCount = 3 + hotRng.int(3);
  const central = districtCells[0]!.slice().sort((a, b) => cells[a]!.r - cells[b]!.r || a - b).slice(0, 8);
  const hotspotCells = new Set(hotRng.shuffle(central).slice(0, hotspotCount));

  // --- Names and codes ----------------------------------------------------------------------
  const districtNames = [cityName, ...names.slice(0, sectors)];
  const districtCodes = districtNames.map((_, d) => (d === 0 ? 'X06000001' : `X07${pad(d, 6)}`));

  // CSPs: one per district, except the adjacent pair of outer districts with the smallest combined
  // population, which share one (as Melton and Rutland-style partnerships do).
  const districtPop = districtCells.map((ks) => ks.reduce((s, k) => s + populations[k]!, 0));
  let pair = 1;
  let pairPop = Infinity;
  for (let d = 1; d <= sectors; d++) {
    const next = d === sectors ? 1 : d + 1;
    const p = districtPop[d]! + districtPop[next]!;
    if (p < pairPop) {
      pairPop = p;
      pair = d;
    }
  }
  const pairNext = pair === sectors ? 1 : pair + 1;
  const csps: SynthCsp[] = [];
  const districtCsp = new Array<number>(districtCount);
  for (let d = 0; d < districtCount; d++) {
    if (d === pairNext) continue;
    const members = d === pair ? [pair, pairNext] : [d];
    const idx = csps.length;
    csps.push({
      code: `X22${pad(idx + 1, 6)}`,
      name: `${members.map((m) => districtNames[m]).join(' and ')} Community Safety Partnership`,
      ladCodes: members.map((m) => districtCodes[m]!),
    });
    for (const m of members) districtCsp[m] = idx;
  }

  // Zones: ordered by district, then MSOA-like group (chunks of ~5 along a serpentine path), then letter.
  const zones: SynthZone[] = [];
  const districts: SynthDistrict[] = [];
  let msoaSerial = 0;
  for (let d = 0; d < districtCount; d++) {
    const members = districtCells[d]!.slice().sort((a, b) => {
      const ca = cells[a]!;
      const cb = cells[b]!;
      if (ca.j !== cb.j) return ca.j - cb.j;
      return ca.j % 2 === 0 ? ca.i - cb.i : cb.i - ca.i;
    });
    const groups: number[][] = [];
    for (let s = 0; s < members.length; s += 5) groups.push(members.slice(s, s + 5));
    const lastGroup = groups[groups.length - 1];
    if (groups.length > 1 && lastGroup !== undefined && lastGroup.length < 3) groups[groups.length - 2]!.push(...groups.pop()!);
    const csp = csps[districtCsp[d]!]!;
    const district: SynthDistrict = {
      code: districtCodes[d]!,
      name: districtNames[d]!,
      cspCode: csp.code,
      cspName: csp.name,
      city: d === 0,
      zoneIndexes: [],
    };
    groups.forEach((group, g) => {
      msoaSerial++;
      const msoaCode = `X02${pad(msoaSerial, 6)}`;
      const msoaName = `${district.name} ${pad(g + 1, 3)}`;
      group.forEach((k, letter) => {
        const c = cells[k]!;
        const polygon = polygonsKm[k]!;
        const ring = polygon.map(([x, y]) => toLonLat(x, y));
        ring.push(ring[0]!);
        const [cx, cy] = polygonCentroid(polygon);
        const index = zones.length;
        const populationByAge = ageTables[k]!;
        zones.push({
          index,
          code: `X01${pad(index + 1, 6)}`,
          name: `${msoaName}${String.fromCharCode(65 + letter)}`,
          msoaCode,
          msoaName,
          ladCode: district.code,
          ladName: district.name,
          cspCode: csp.code,
          cspName: csp.name,
          population: populationByAge.reduce((s, n) => s + n, 0),
          populationByAge,
          imdRank: imdRank[k]!,
          imdDecile: Math.min(10, Math.floor(((imdRank[k]! - 1) * 10) / IMD_LSOAS) + 1),
          hotspot: hotspotCells.has(k),
          city: d === 0,
          radius: c.r,
          diversity: diversity[k]!,
          site: toLonLat(...c.site),
          ring,
          centroid: toLonLat(cx, cy),
          cell: [c.i, c.j],
        });
        district.zoneIndexes.push(index);
      });
    });
    districts.push(district);
  }

  return {
    seed,
    name: `Synthetic area (seed ${seed})`,
    midYear,
    centre,
    zones,
    districts,
    csps,
    hotspotCodes: zones.filter((z) => z.hotspot).map((z) => z.code),
    population: zones.reduce((s, z) => s + z.population, 0),
  };
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

type Xy = [number, number];

/** Keeps the part of a convex polygon on the side of the line through (px, py) facing away from (nx, ny). */
function clipHalfPlane(polygon: Xy[], px: number, py: number, nx: number, ny: number): Xy[] {
  const out: Xy[] = [];
  const side = (p: Xy) => (p[0] - px) * nx + (p[1] - py) * ny;
  for (let k = 0; k < polygon.length; k++) {
    const a = polygon[k]!;
    const b = polygon[(k + 1) % polygon.length]!;
    const sa = side(a);
    const sb = side(b);
    if (sa <= 0) out.push(a);
    if ((sa < 0 && sb > 0) || (sa > 0 && sb < 0)) {
      const t = sa / (sa - sb);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

/** Convex hull, counter-clockwise (Andrew's monotone chain). */
function convexHull(points: Xy[]): Xy[] {
  const pts = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Xy, a: Xy, b: Xy) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Xy[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Xy[] = [];
  for (let k = pts.length - 1; k >= 0; k--) {
    const p = pts[k]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * Voronoi cells of `sites` (km), clipped to a convex outline a little outside the sites, as
 * counter-clockwise vertex lists (not closed). Vertices shared by neighbouring cells are snapped to one
 * value, so neighbours share their edges exactly.
 */
function voronoiCells(sites: Xy[]): Xy[][] {
  const nearest = sites.map((s, k) => {
    let d = Infinity;
    sites.forEach((t, m) => {
      if (m !== k) d = Math.min(d, Math.hypot(t[0] - s[0], t[1] - s[1]));
    });
    return d;
  });
  // Outline: the hull of the sites pushed outwards by about half their spacing.
  const outline = convexHull(
    sites.map((s, k) => {
      const len = Math.hypot(s[0], s[1]) || 1;
      const push = 0.6 * nearest[k]!;
      return [s[0] + (s[0] / len) * push, s[1] + (s[1] / len) * push] as Xy;
    }),
  );
  const cells = sites.map((s, k) => {
    let polygon = outline.slice();
    // Nearer sites first: they cut the most, so the polygon shrinks quickly.
    const order = sites.map((_, m) => m).filter((m) => m !== k);
    order.sort((a, b) => Math.hypot(sites[a]![0] - s[0], sites[a]![1] - s[1]) - Math.hypot(sites[b]![0] - s[0], sites[b]![1] - s[1]));
    for (const m of order) {
      const t = sites[m]!;
      const gap = Math.hypot(t[0] - s[0], t[1] - s[1]);
      // Once a site is further than twice the polygon's reach, it cannot cut it.
      let reach = 0;
      for (const p of polygon) reach = Math.max(reach, Math.hypot(p[0] - s[0], p[1] - s[1]));
      if (gap > 2 * reach) break;
      polygon = clipHalfPlane(polygon, (s[0] + t[0]) / 2, (s[1] + t[1]) / 2, t[0] - s[0], t[1] - s[1]);
    }
    return polygon;
  });
  // Snap: vertices within 1 m of one already seen take its exact value; drop repeats.
  const seen = new Map<string, Xy>();
  const GRID = 1e3; // 1 m buckets (coordinates in km)
  const snap = (p: Xy): Xy => {
    const bx = Math.round(p[0] * GRID);
    const by = Math.round(p[1] * GRID);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const q = seen.get(`${bx + dx},${by + dy}`);
        if (q !== undefined && Math.hypot(q[0] - p[0], q[1] - p[1]) < 1e-3) return q;
      }
    }
    seen.set(`${bx},${by}`, p);
    return p;
  };
  return cells.map((polygon) => {
    const out: Xy[] = [];
    for (const p of polygon) {
      const q = snap(p);
      if (out.length === 0 || out[out.length - 1] !== q) out.push(q);
    }
    while (out.length > 1 && out[0] === out[out.length - 1]) out.pop();
    return out;
  });
}

/** Area centroid of a simple polygon (not closed). */
function polygonCentroid(polygon: Xy[]): Xy {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let k = 0; k < polygon.length; k++) {
    const [x0, y0] = polygon[k]!;
    const [x1, y1] = polygon[(k + 1) % polygon.length]!;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}
