/**
 * The synthetic Cardiff-Model data end to end on both engines: `svo demo` generates the area, police
 * extract, gazetteer, ED ISTV returns and ambulance calls and ingests them through the real code; the
 * planted patterns (src/synth/injury.ts, PATTERNS.md) are then recovered by the analyses: the hidden
 * share, the venue ranking and the surging venue, the night-time-economy split, the sharp-object
 * counts; and the place-match rate is measured against the generator's truth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHiddenViolence, runNteComparison, runSharpInjury, runVenueRanking } from '../../src/analysis/injury.js';
import { definitionDirs, readDefinitionFiles, syncDefinitions } from '../../src/classify/definitions.js';
import { syncHocrCodes } from '../../src/classify/reference.js';
import { inWindow, parseWeeklyWindow } from '../../src/core/istv/window.js';
import type { IngestSummary } from '../../src/ingest/common/types.js';
import { loadIstvCodes } from '../../src/ingest/istv/codelists.js';
import type { MatchRate } from '../../src/ingest/places/matching.js';
import { runQuery } from '../../src/query/run.js';
import { generateArea } from '../../src/synth/area.js';
import { runDemo } from '../../src/synth/demo.js';
import { generateInjury, INJURY_TARGETS } from '../../src/synth/injury.js';
import { testContext, testPseudonymiser } from '../support/context.js';
import { createTestStore, ENGINES, type TestStore } from '../support/stores.js';

const OPTIONS = { seed: 2020, years: 3, scale: 1, endDate: '2025-12-31' };
const TIMEOUT_MS = 300_000;
const area = generateArea(OPTIONS.seed, { midYear: 2024 });
const data = generateInjury(area, OPTIONS);
const codes = loadIstvCodes();

/** ISO weekday (1 = Monday) and hour of a 'YYYY-MM-DD HH:MM' wall-clock time. */
function weekdayHour(text: string): [number, number] {
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return [((d.getUTCDay() + 6) % 7) + 1, Number(text.slice(11, 13))];
}

describe.each(ENGINES)('synthetic injury surveillance on %s', (engine) => {
  let t: TestStore;
  let workDir: string;
  let summaries: IngestSummary[];

  beforeAll(async () => {
    t = await createTestStore(engine);
    await syncHocrCodes(t.store);
    await syncDefinitions(t.store, readDefinitionFiles(definitionDirs({})));
    workDir = mkdtempSync(join(tmpdir(), 'svo-injury-demo-'));
    summaries = await runDemo(testContext(t.store), { ...OPTIONS, workDir, pseudonymiser: testPseudonymiser() });
  }, TIMEOUT_MS);
  afterAll(async () => {
    await t?.dispose();
    rmSync(workDir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('ingests the gazetteer, every monthly ISTV return and every ambulance call', () => {
    const [, , places, istv, ambulance] = summaries;
    expect(places).toMatchObject({ files: 1, accepted: data.places.length, rejected: 0 });
    expect(istv).toMatchObject({ files: 36, accepted: data.attendances.length, rejected: 0, duplicates: 0 });
    expect(ambulance).toMatchObject({ files: 1, accepted: data.calls.length, rejected: 0 });
    // The generator writes one local method value on purpose; it is kept and reported, not rejected.
    expect(Object.keys(istv!.details.unmappedAssaultMethods as object)).toEqual(['thrown object']);
  });

  it('matches the free-text locations to the right places (match rate reported)', async () => {
    const rows = await t.store.query<{ status: string | null; place_key: string | null }>(
      `SELECT m.status, m.place_key FROM injury_attendances a LEFT JOIN place_matches m ON m.text_key = a.location_key ORDER BY a.id`,
    );
    expect(rows).toHaveLength(data.attendances.length);
    let naming = 0;
    let correct = 0;
    let wrong = 0;
    let falsePlaces = 0;
    data.attendances.forEach((a, i) => {
      const r = rows[i]!;
      const matched = r.status === 'matched' || r.status === 'confirmed' ? r.place_key : null;
      if (a.location.kind === 'place') {
        naming++;
        if (matched === a.location.placeKey) correct++;
        else if (matched !== null) wrong++;
      } else if (a.location.kind !== 'junction' && matched !== null) {
        falsePlaces++;
      }
    });
    const recall = correct / naming;
    const precision = correct / (correct + wrong);
    const reported = summaries[3]!.details.placeMatching as MatchRate;
    // The measured match rate, reported with the test run (as cli.test.ts reports its kill test).
    process.stderr.write(
      `[${engine}] place matching on synthetic ISTV data: ${correct} of ${naming} descriptions naming a place matched to the right place ` +
        `(recall ${(100 * recall).toFixed(1)}%, precision ${(100 * precision).toFixed(2)}%); reported match rate ${(100 * reported.matchRate!).toFixed(1)}% of all, ` +
        `${(100 * reported.matchRateOfPlaces!).toFixed(1)}% of those naming a place; ${reported.review + reported.unmatched} records waiting for review\n`,
    );
    expect(recall).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.99);
    // Homes, unknowns and "town centre" are never given a place.
    expect(falsePlaces).toBe(0);
    expect(reported.described).toBe(data.attendances.filter((a) => a.description.trim() !== '').length);
  });

  it('recovers the planted hidden-violence share from the aggregate comparison', async () => {
    const f = INJURY_TARGETS.edAttendanceShare;
    const result = await runHiddenViolence(t.store, { period: 'all', edAttendanceShare: f });
    expect(result.total.ed_assaults).toBe(data.attendances.length);
    expect(result.total.police_violence_with_injury).toBe(data.planted.policeViolenceWithInjury);
    const estimate = Number(result.total.ed_only_share);
    // Sampling noise: the number known to police is binomial(P, f), sd ≈ 27 of ~2,700 records.
    expect(Math.abs(estimate - INJURY_TARGETS.hiddenShare)).toBeLessThan(0.03);
    expect(Math.abs(estimate - data.planted.hiddenShareGenerated)).toBeLessThan(0.03);
    // With f = 1 the share is only a lower bound, and it is one.
    expect(Number(result.total.ed_only_share_min)).toBeLessThanOrEqual(data.planted.hiddenShareGenerated);
    expect(result.caveats.join(' ')).toMatch(/not record linkage/);

    const byYear = await runHiddenViolence(t.store, { period: 'year', edAttendanceShare: f });
    expect(byYear.rows.map((r) => r.year)).toEqual([2023, 2024, 2025]);
    for (const row of byYear.rows) expect(Math.abs(Number(row.ed_only_share) - INJURY_TARGETS.hiddenShare)).toBeLessThan(0.06);
  });

  it('ranks the planted venues in order, and flags the venue that surges at the end', async () => {
    const all = await runVenueRanking(t.store, { from: '2023-01', to: '2025-12', kind: 'venues' });
    expect(all.rows.slice(0, data.planted.venueRanking.length).map((r) => r.place_key)).toEqual(data.planted.venueRanking);
    // The default period: the last three months of data, against the three before.
    const recent = await runVenueRanking(t.store, { kind: 'venues' });
    expect(recent.period).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(recent.previous).toEqual({ from: '2025-07-01', to: '2025-09-30' });
    // The planted surge covers the last six months (INJURY_TARGETS.surgeDays).
    const half = await runVenueRanking(t.store, { kind: 'venues', from: '2025-07', to: '2025-12' });
    expect(half.previous).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    const surge = half.rows.find((r) => r.place_key === data.planted.surgeVenue)!;
    expect(surge.trend).toBe('significant_increase');
    expect(Number(surge.rate_ratio_lower)).toBeGreaterThan(1);
    expect(Number(surge.rank_change)).toBeGreaterThan(5);
    expect(Number(surge.rank)).toBeLessThanOrEqual(4);
  });

  it('splits assaults by the night-time-economy window exactly as generated', async () => {
    const window = parseWeeklyWindow('Fri-Sat 20:00-04:00');
    const inside = data.attendances.filter((a) => inWindow(window, ...weekdayHour(a.assault))).length;
    const result = await runNteComparison(t.store, { window: 'Fri-Sat 20:00-04:00' });
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ window_assaults: inside, other_assaults: data.attendances.length - inside });
    // Planted: most hidden assaults in 16 of 168 hours, so the hourly rate is many times higher inside.
    expect(Number(result.rows[0]!.rate_ratio_lower)).toBeGreaterThan(4);
    const byType = await runNteComparison(t.store, { by: 'assault_location_type' });
    const pubs = byType.rows.find((r) => r.assault_location_type === 'licensed_premises')!;
    expect(Number(pubs.window_share)).toBeGreaterThan(Number(byType.rows.find((r) => r.assault_location_type === 'home')!.window_share));
  });

  it('counts sharp-object assaults for the Home Office measure 1 proxy exactly as generated', async () => {
    const sharp = new Set(codes.methods.codesWith((e) => e.sharp));
    const truth = new Map<string, { sharp: number; u25: number }>();
    for (const a of data.attendances) {
      if (!sharp.has(codes.methods.map(a.method).value)) continue;
      const m = truth.get(a.assault.slice(0, 7)) ?? { sharp: 0, u25: 0 };
      m.sharp++;
      if (['0-14', '15-17', '18-24', '15 to 17', '18 to 24', '0 to 14'].includes(a.ageBand)) m.u25++;
      truth.set(a.assault.slice(0, 7), m);
    }
    const result = await runSharpInjury(t.store, {});
    expect(result.rows).toHaveLength(36);
    for (const row of result.rows) {
      const m = truth.get(String(row.month)) ?? { sharp: 0, u25: 0 };
      expect([row.month, row.sharp, row.sharp_u25]).toEqual([row.month, m.sharp, m.u25]);
    }
    const total = result.rows.reduce((n, r) => n + Number(r.sharp), 0);
    const all = result.rows.reduce((n, r) => n + Number(r.assaults), 0);
    expect(total / all).toBeGreaterThan(0.1);
    expect(Number(result.rows[0]!.sharp_rate)).toBeGreaterThan(0);
  });

  it('answers queries on the ambulance calls as generated', async () => {
    const conveyed = data.calls.filter((c) => ['Y', 'Conveyed'].includes(c.conveyed)).length;
    const result = await runQuery(t.store, { source: 'ambulance', by: ['conveyed'] });
    expect(result.rows).toEqual([
      { conveyed: false, count: data.calls.length - conveyed },
      { conveyed: true, count: conveyed },
    ]);
    const categories = await runQuery(t.store, { source: 'ambulance', by: ['category'] });
    expect(categories.rows.map((r) => r.category)).toEqual(['C1', 'C2', 'C3', 'C4']);
  });

  it('changes nothing when the demo runs again (identical files are skipped)', async () => {
    const again = await runDemo(testContext(t.store), { ...OPTIONS, workDir, pseudonymiser: testPseudonymiser() });
    expect(again[3]).toMatchObject({ skippedFiles: 36, accepted: 0 });
    expect(again[4]).toMatchObject({ skippedFiles: 1, accepted: 0 });
    expect(await t.store.query(`SELECT COUNT(*) AS n FROM injury_attendances`)).toEqual([{ n: data.attendances.length }]);
  }, TIMEOUT_MS);
});
