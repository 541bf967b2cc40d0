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
 * Zone polygons are the cells of a jittered, non-uniform grid (small cells in the centre, large ones at
 * the edge), each with a jittered midpoint on every edge. Neighbouring cells share their vertices and
 * edge midpoints exactly, so the polygons tile without gaps or overlaps and point-in-polygon lookup is
 * unambiguous. Pure: no I/O, no clock.
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
  /** Cell corners as lon/lat: south-west, south-east, north-east, north-west (counter-clockwise). */
  corners: readonly [LonLat, LonLat, LonLat, LonLat];
  /** Closed ring, counter-clockwise, first point repeated last (RFC 7946 exterior ring). */
  ring: LonLat[];
  centroid: LonLat;
  /** Grid cell (column, row), for neighbourhood look-ups. */
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

/** Grid extent in km and the stretch of the non-uniform spacing (cosh(a) = edge/centre cell size). */
const WIDTH_KM = 44;
const HEIGHT_KM = 38;
const STRETCH = 2.3;
const KM_PER_DEG_LAT = 111.2;

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

/** Grid line positions in km from the centre, denser in the middle. */
function gridLines(count: number, extentKm: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i++) {
    const u = -1 + (2 * i) / count;
    out.push(((extentKm / 2) * Math.sinh(STRETCH * u)) / Math.sinh(STRETCH));
  }
  return out;
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
  const nx = 14 + gridRng.int(3);
  const ny = 12 + gridRng.int(3);
  const xs = gridLines(nx, WIDTH_KM);
  const ys = gridLines(ny, HEIGHT_KM);
  const spacing = (lines: number[], k: number): number => {
    const before = k > 0 ? lines[k]! - lines[k - 1]! : Infinity;
    const after = k < lines.length - 1 ? lines[k + 1]! - lines[k]! : Infinity;
    return Math.min(before, after);
  };
  // Vertices (i, j) in km, jittered inside; boundary vertices stay on the frame.
  const vx: number[][] = [];
  const vy: number[][] = [];
  for (let i = 0; i <= nx; i++) {
    vx.push([]);
    vy.push([]);
    for (let j = 0; j <= ny; j++) {
      const inside = i > 0 && i < nx && j > 0 && j < ny;
      vx[i]!.push(xs[i]! + (inside ? gridRng.uniform(-0.2, 0.2) * spacing(xs, i) : 0));
      vy[i]!.push(ys[j]! + (inside ? gridRng.uniform(-0.2, 0.2) * spacing(ys, j) : 0));
    }
  }
  // Edge midpoints, pushed sideways a little so cells do not look like a spreadsheet.
  // Horizontal edge (i, j)-(i+1, j): midpoint moves in y; vertical edge (i, j)-(i, j+1): moves in x.
  const hMid = (i: number, j: number): [number, number] => [(vx[i]![j]! + vx[i + 1]![j]!) / 2, (vy[i]![j]! + vy[i + 1]![j]!) / 2];
  const vMid = (i: number, j: number): [number, number] => [(vx[i]![j]! + vx[i]![j + 1]!) / 2, (vy[i]![j]! + vy[i]![j + 1]!) / 2];
  const hShift: number[][] = [];
  const vShift: number[][] = [];
  for (let i = 0; i <= nx; i++) {
    hShift.push([]);
    vShift.push([]);
    for (let j = 0; j <= ny; j++) {
      hShift[i]!.push(j > 0 && j < ny && i < nx ? gridRng.uniform(-0.06, 0.06) * spacing(ys, j) : 0);
      vShift[i]!.push(i > 0 && i < nx && j < ny ? gridRng.uniform(-0.06, 0.06) * spacing(xs, i) : 0);
    }
  }
  const toLonLat = (xKm: number, yKm: number): LonLat => [
    round7(centre[0] + xKm / kmPerDegLon),
    round7(centre[1] + yKm / KM_PER_DEG_LAT),
  ];

  // A wobbly round outline: cells whose centre lies outside it are not part of the area.
  const phase1 = gridRng.uniform(0, 2 * Math.PI);
  const phase2 = gridRng.uniform(0, 2 * Math.PI);
  interface Cell {
    i: number;
    j: number;
    u: number;
    v: number;
    r: number;
    theta: number;
  }
  const cells: Cell[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const u = ((i + 0.5) / nx) * 2 - 1;
      const v = ((j + 0.5) / ny) * 2 - 1;
      const r = Math.sqrt(u * u + v * v);
      const theta = Math.atan2(v, u);
      const limit = 1 + 0.12 * Math.sin(3 * theta + phase1) + 0.08 * Math.sin(5 * theta + phase2);
      if (r <= limit) cells.push({ i, j, u, v, r, theta });
    }
  }

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
        const { i, j } = c;
        const sw: [number, number] = [vx[i]![j]!, vy[i]![j]!];
        const se: [number, number] = [vx[i + 1]![j]!, vy[i + 1]![j]!];
        const ne: [number, number] = [vx[i + 1]![j + 1]!, vy[i + 1]![j + 1]!];
        const nw: [number, number] = [vx[i]![j + 1]!, vy[i]![j + 1]!];
        const south = hMid(i, j);
        const north = hMid(i, j + 1);
        const west = vMid(i, j);
        const east = vMid(i + 1, j);
        south[1] += hShift[i]![j]!;
        north[1] += hShift[i]![j + 1]!;
        west[0] += vShift[i]![j]!;
        east[0] += vShift[i + 1]![j]!;
        const ringKm = [sw, south, se, east, ne, north, nw, west];
        const ring = ringKm.map(([x, y]) => toLonLat(x, y));
        ring.push(ring[0]!);
        const cx = (sw[0] + se[0] + ne[0] + nw[0]) / 4;
        const cy = (sw[1] + se[1] + ne[1] + nw[1]) / 4;
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
          corners: [toLonLat(...sw), toLonLat(...se), toLonLat(...ne), toLonLat(...nw)],
          ring,
          centroid: toLonLat(cx, cy),
          cell: [i, j],
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
