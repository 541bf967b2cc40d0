import { mentionsKnife, placeClass } from '../core/definition/parse.js';
import type { CompiledDefinition } from '../core/definition/types.js';
import type { Queryable } from '../store/port.js';
import { csvLine } from '../ingest/common/csv.js';
import { refreshQueryFacts } from './facts.js';
import { incidentOfBatchesSql } from '../core/incident-ids.js';

/**
 * Classifies stored incidents under one definition version, set-based in SQL so that re-classifying
 * a million incidents takes a statement, not a loop.
 *
 * The rules are the reference classifier's (src/core/classify/classify.ts), split in two: free text
 * (location type, weapon) is classified in TypeScript once per distinct value and stored in
 * definition_text_classes; the SQL below then combines codes, text classes, the domestic flag and
 * people's ages exactly as `classify()` does. A property test checks the two agree.
 *
 * `batchIds` limits the work to incidents from those ingest batches; null means every incident.
 */
export async function classifyIncidents(tx: Queryable, cdef: CompiledDefinition, batchIds: readonly number[] | null): Promise<number> {
  const def = cdef.definition;
  const scope = batchIds === null ? 'TRUE' : batchIds.length === 0 ? 'FALSE' : `i.batch_id IN (${batchIds.map((b) => Number(b)).join(', ')})`;
  await addTextClasses(tx, cdef, 'location_type', scope, (value) => placeClass(cdef, value));
  await addTextClasses(tx, cdef, 'weapon', scope, (value) => (mentionsKnife(cdef, value) ? 'knife' : 'none'));

  await tx.run(
    `DELETE FROM incident_classifications WHERE definition_id = $1 AND definition_version = $2
       AND ${incidentOfBatchesSql('incident_id', batchIds)}`,
    [def.id, def.version],
  );
  const excludeDomestic = def.excludeDomestic ? 'TRUE' : 'FALSE';
  const excludeUnknown = def.location.unknownLocation === 'exclude' ? 'TRUE' : 'FALSE';
  const u25 = Math.trunc(def.u25Age);
  const place = `COALESCE(lc.class, 'unknown')`;
  const inCode = `COALESCE(dc.in_definition, FALSE)`;
  await tx.run(
    `INSERT INTO incident_classifications (incident_id, definition_id, definition_version, in_definition, sv_category,
       public_place, victim_u25, offender_u25, knife_enabled, domestic, excluded_reason)
     SELECT i.id, $1, $2,
       ${inCode} AND NOT (COALESCE(i.domestic, FALSE) AND ${excludeDomestic}) AND ${place} <> 'private'
         AND NOT (${place} = 'unknown' AND ${excludeUnknown}),
       CASE WHEN ${inCode} THEN dc.sv_category END,
       CASE ${place} WHEN 'public' THEN TRUE WHEN 'private' THEN FALSE END,
       COALESCE(pa.victim_u25, FALSE),
       COALESCE(pa.offender_u25, FALSE),
       COALESCE(dc.knife_applicable, FALSE) AND COALESCE(wc.class, 'none') = 'knife',
       i.domestic,
       CASE WHEN NOT ${inCode} THEN 'code'
            WHEN COALESCE(i.domestic, FALSE) AND ${excludeDomestic} THEN 'domestic'
            WHEN ${place} = 'private' THEN 'private_place'
            WHEN ${place} = 'unknown' AND ${excludeUnknown} THEN 'unknown_place' END
     FROM incidents i
     LEFT JOIN definition_codes dc
       ON dc.definition_id = $1 AND dc.definition_version = $2 AND dc.hocr_code = i.hocr_code
     LEFT JOIN definition_text_classes lc
       ON lc.definition_id = $1 AND lc.definition_version = $2 AND lc.field = 'location_type' AND lc.value = i.location_type
     LEFT JOIN definition_text_classes wc
       ON wc.definition_id = $1 AND wc.definition_version = $2 AND wc.field = 'weapon' AND wc.value = i.weapon
     LEFT JOIN (
       SELECT p.incident_id,
         MAX(CASE WHEN p.role = 'victim' AND p.age < ${u25} THEN 1 ELSE 0 END) = 1 AS victim_u25,
         MAX(CASE WHEN p.role = 'suspect' AND p.age < ${u25} THEN 1 ELSE 0 END) = 1 AS offender_u25
       FROM incident_people p WHERE ${incidentOfBatchesSql('p.incident_id', batchIds)} GROUP BY p.incident_id
     ) pa ON pa.incident_id = i.id
     WHERE ${scope}`,
    [def.id, def.version],
  );
  await tx.refreshStatistics(['incident_classifications']);
  await refreshQueryFacts(tx, { id: def.id, version: def.version }, batchIds);
  const [count] = await tx.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM incident_classifications c JOIN incidents i ON i.id = c.incident_id
     WHERE c.definition_id = $1 AND c.definition_version = $2 AND ${scope}`,
    [def.id, def.version],
  );
  return Number(count?.n ?? 0);
}

/** Classifies, in TypeScript, the distinct values of a text field not yet classified for this version. */
async function addTextClasses(
  tx: Queryable,
  cdef: CompiledDefinition,
  field: 'location_type' | 'weapon',
  scope: string,
  classOf: (value: string) => string,
): Promise<void> {
  const { id, version } = cdef.definition;
  const values = await tx.query<{ value: string }>(
    `SELECT DISTINCT i.${field} AS value FROM incidents i
     WHERE ${scope} AND i.${field} IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM definition_text_classes t
         WHERE t.definition_id = $1 AND t.definition_version = $2 AND t.field = $3 AND t.value = i.${field})`,
    [id, version, field],
  );
  if (values.length === 0) return;
  const lines = values.map(({ value }) => [id, version, field, value, classOf(value)]);
  await tx.copyCsv('definition_text_classes', ['definition_id', 'definition_version', 'field', 'value', 'class'], lines.map((l) => csvLine(l)));
}
