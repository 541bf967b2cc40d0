import type { Queryable } from '../store/port.js';

/** What is in the store: the "data currency" page analysts check before trusting a number. */
export interface StoreSummary {
  sources: { source: string; agency: string; files: number; records: number; first: string | null; last: string | null; lastIngest: string | null }[];
  definitions: { id: string; version: number; isDefault: boolean }[];
  geography: { lsoas: number; withBoundaries: number; withImd: number; population: number | null };
  /** Record-level incidents under the default definition (latest version); null before any is stored. */
  seriousViolence: {
    definition: { id: string; version: number };
    incidents: number;
    inDefinition: number;
    byCategory: Record<string, number>;
    knifeEnabled: number;
    excluded: Record<string, number>;
  } | null;
}

export async function storeSummary(db: Queryable): Promise<StoreSummary> {
  const incidents = await db.query<{ source: string; agency: string; records: number; first: string | null; last: string | null }>(
    `SELECT source, agency, COUNT(*) AS records, CAST(MIN(occurred_from) AS TEXT) AS first, CAST(MAX(occurred_from) AS TEXT) AS last
     FROM incidents GROUP BY source, agency ORDER BY source, agency`,
  );
  const policeUk = await db.query<{ records: number; first: string | null; last: string | null }>(
    `SELECT COUNT(*) AS records, CAST(MIN(month) AS TEXT) AS first, CAST(MAX(month) AS TEXT) AS last FROM police_uk_crimes`,
  );
  const batches = await db.query<{ source: string; agency: string; files: number; last_ingest: string | null }>(
    `SELECT source, agency, COUNT(*) AS files, CAST(MAX(finished_at) AS TEXT) AS last_ingest FROM ingest_batches GROUP BY source, agency`,
  );
  const batchOf = (source: string, agency?: string) =>
    batches.filter((b) => b.source === source && (agency === undefined || b.agency === agency));
  const sources: StoreSummary['sources'] = incidents.map((r) => {
    const b = batchOf(r.source, r.agency);
    return {
      source: r.source,
      agency: r.agency,
      files: b.reduce((n, x) => n + Number(x.files), 0),
      records: Number(r.records),
      first: r.first,
      last: r.last,
      lastIngest: b.map((x) => x.last_ingest).sort().at(-1) ?? null,
    };
  });
  const pu = policeUk[0];
  if (pu && Number(pu.records) > 0) {
    const b = batchOf('police-uk');
    sources.push({
      source: 'police-uk',
      agency: 'data.police.uk',
      files: b.reduce((n, x) => n + Number(x.files), 0),
      records: Number(pu.records),
      first: pu.first,
      last: pu.last,
      lastIngest: b.map((x) => x.last_ingest).sort().at(-1) ?? null,
    });
  }
  const definitions = (await db.query<{ id: string; version: number; is_default: boolean }>(`SELECT id, version, is_default FROM definitions ORDER BY id, version`)).map(
    (d) => ({ id: d.id, version: Number(d.version), isDefault: Boolean(d.is_default) }),
  );
  const [geo] = await db.query<{ lsoas: number; with_imd: number; population: number | null }>(
    `SELECT COUNT(*) AS lsoas, SUM(CASE WHEN imd_decile IS NOT NULL THEN 1 ELSE 0 END) AS with_imd, SUM(population) AS population FROM geo_lsoa`,
  );
  const [bounds] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM geo_lsoa_boundaries`);
  return {
    seriousViolence: await seriousViolenceSummary(db),
    sources,
    definitions,
    geography: {
      lsoas: Number(geo?.lsoas ?? 0),
      withBoundaries: Number(bounds?.n ?? 0),
      withImd: Number(geo?.with_imd ?? 0),
      population: geo?.population === null || geo?.population === undefined ? null : Number(geo.population),
    },
  };
}

async function seriousViolenceSummary(db: Queryable): Promise<StoreSummary['seriousViolence']> {
  const [definition] = await db.query<{ id: string; version: number }>(
    `SELECT id, version FROM definitions WHERE is_default ORDER BY version DESC LIMIT 1`,
  );
  if (!definition) return null;
  const rows = await db.query<{ sv_category: string | null; excluded_reason: string | null; in_definition: boolean; knife: number; n: number }>(
    `SELECT sv_category, excluded_reason, in_definition, SUM(CASE WHEN knife_enabled THEN 1 ELSE 0 END) AS knife, COUNT(*) AS n
     FROM incident_classifications WHERE definition_id = $1 AND definition_version = $2
     GROUP BY sv_category, excluded_reason, in_definition`,
    [definition.id, definition.version],
  );
  const byCategory: Record<string, number> = {};
  const excluded: Record<string, number> = {};
  let incidents = 0;
  let inDefinition = 0;
  let knifeEnabled = 0;
  for (const r of rows) {
    const n = Number(r.n);
    incidents += n;
    if (r.in_definition) {
      inDefinition += n;
      knifeEnabled += Number(r.knife);
      if (r.sv_category) byCategory[r.sv_category] = (byCategory[r.sv_category] ?? 0) + n;
    } else if (r.excluded_reason) {
      excluded[r.excluded_reason] = (excluded[r.excluded_reason] ?? 0) + n;
    }
  }
  return { definition: { id: definition.id, version: Number(definition.version) }, incidents, inDefinition, byCategory, knifeEnabled, excluded };
}
