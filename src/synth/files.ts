/**
 * Writes the synthetic area and police extract as files in the formats real sources publish, so the
 * demo goes through exactly the same ingest code as real data. The only module in src/synth with I/O.
 *
 * | file | modelled on |
 * |---|---|
 * | lsoa11-msoa11-lad17-synthetic.csv | ONS LSOA → MSOA → LAD lookup (LSOA11CD, …, LAD17NM) |
 * | imd2019-file1-synthetic.csv | MHCLG IoD 2019 File 1 (BOM, quoted ranks with thousands separators) |
 * | sape-mid<YYYY>-lsoa11-syoa-persons-synthetic.csv | ONS SAPE single year of age, persons (0 … 89, 90+) |
 * | lsoa11-boundaries-synthetic.geojson | ONS LSOA boundaries as GeoJSON (LSOA11CD, LSOA11NM; CRS84) |
 * | csp-synthetic.csv | district → Community Safety Partnership (lad_code, csp_code, csp_name) |
 * | police-extract-synthetic.csv | canonical record-level police extract (POLICE_COLUMNS) |
 * | demo-manifest.json | seed, options and the planted targets (not ingested) |
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AGE_COUNT, IMD_LSOAS, type SynthArea } from './area.js';
import { csvField, DEFAULT_END_DATE, generatePoliceCsv, plantedTargets, type PoliceOptions } from './police.js';

export interface DemoFiles {
  lookup: string;
  imd: string;
  population: string;
  boundaries: string;
  csp: string;
  police: string;
  manifest: string;
}

export interface WrittenDemo {
  files: DemoFiles;
  /** Data rows in the police extract (header excluded). */
  policeRows: number;
}

function csvText(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (fields: readonly (string | number)[]) => fields.map((f) => csvField(String(f))).join(',');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** 12345 → "12,345" (the IoD files write ranks this way). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function lookupCsv(area: SynthArea): string {
  return csvText(
    ['LSOA11CD', 'LSOA11NM', 'MSOA11CD', 'MSOA11NM', 'LAD17CD', 'LAD17NM'],
    area.zones.map((z) => [z.code, z.name, z.msoaCode, z.msoaName, z.ladCode, z.ladName]),
  );
}

export function imdCsv(area: SynthArea): string {
  const header = [
    'LSOA code (2011)',
    'LSOA name (2011)',
    'Local Authority District code (2019)',
    'Local Authority District name (2019)',
    'Index of Multiple Deprivation (IMD) Rank',
    'Index of Multiple Deprivation (IMD) Decile',
  ];
  if (area.zones.some((z) => z.imdRank < 1 || z.imdRank > IMD_LSOAS)) throw new RangeError('IMD rank out of range');
  // Like the published file: UTF-8 byte order mark, ranks as quoted text with thousands separators.
  return '\ufeff' + csvText(header, area.zones.map((z) => [z.code, z.name, z.ladCode, z.ladName, thousands(z.imdRank), z.imdDecile]));
}

export function populationCsv(area: SynthArea): string {
  const ages = Array.from({ length: AGE_COUNT }, (_, a) => (a === AGE_COUNT - 1 ? `${a}+` : String(a)));
  return csvText(
    ['lsoa11_code', 'lsoa11_name', 'total_population', ...ages],
    area.zones.map((z) => [z.code, z.name, z.population, ...z.populationByAge]),
  );
}

export function boundariesGeoJson(area: SynthArea): string {
  const features = area.zones.map(
    (z) =>
      `{"type":"Feature","properties":{"LSOA11CD":${JSON.stringify(z.code)},"LSOA11NM":${JSON.stringify(z.name)}},` +
      `"geometry":{"type":"Polygon","coordinates":[${JSON.stringify(z.ring)}]}}`,
  );
  return (
    `{"type":"FeatureCollection","name":${JSON.stringify(area.name)},` +
    `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},\n"features":[\n${features.join(',\n')}\n]}\n`
  );
}

export function cspCsv(area: SynthArea): string {
  return csvText(
    ['lad_code', 'csp_code', 'csp_name'],
    area.districts.map((d) => [d.code, d.cspCode, d.cspName]),
  );
}

/**
 * Writes every demo file into `dir` (created if needed) and returns their paths. The police extract is
 * streamed in chunks, so a million-row extract never sits in memory as one string.
 */
export function writeDemoFiles(dir: string, area: SynthArea, options: PoliceOptions): WrittenDemo {
  mkdirSync(dir, { recursive: true });
  const files: DemoFiles = {
    lookup: join(dir, 'lsoa11-msoa11-lad17-synthetic.csv'),
    imd: join(dir, 'imd2019-file1-synthetic.csv'),
    population: join(dir, `sape-mid${area.midYear}-lsoa11-syoa-persons-synthetic.csv`),
    boundaries: join(dir, 'lsoa11-boundaries-synthetic.geojson'),
    csp: join(dir, 'csp-synthetic.csv'),
    police: join(dir, 'police-extract-synthetic.csv'),
    manifest: join(dir, 'demo-manifest.json'),
  };
  writeFileSync(files.lookup, lookupCsv(area));
  writeFileSync(files.imd, imdCsv(area));
  writeFileSync(files.population, populationCsv(area));
  writeFileSync(files.boundaries, boundariesGeoJson(area));
  writeFileSync(files.csp, cspCsv(area));

  let lines = 0;
  const fd = openSync(files.police, 'w');
  try {
    for (const chunk of generatePoliceCsv(area, options)) {
      writeSync(fd, chunk);
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }

  const manifest = {
    generator: 'svo synth',
    note: 'Synthetic data: every place, person and record is made up. Zone codes start with X so they cannot match real ONS codes.',
    area: { name: area.name, seed: area.seed, midYear: area.midYear, zones: area.zones.length, districts: area.districts.length, population: area.population },
    options: { ...options, endDate: options.endDate ?? DEFAULT_END_DATE },
    planted: plantedTargets(area, options),
    files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice(dir.length + 1)])),
  };
  writeFileSync(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
  return { files, policeRows: lines - 1 };
}
