import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncidentMerger, type IncidentSink, type PersonReading, type RowReading } from './transform.js';

type Sunk = ['incident', number, string, string] | ['person', number, string];

function recorder(): IncidentSink & { calls: Sunk[] } {
  const calls: Sunk[] = [];
  return { calls, incident: (o, ref, fields) => calls.push(['incident', o, ref, fields]), person: (o, fragment) => calls.push(['person', o, fragment]) };
}

function reading(line: number, crimeRef: string, occurredFrom: string, victim: PersonReading | null, suspect: PersonReading | null): RowReading {
  return { line, reject: null, crimeRef, occurredFrom, fields: `f${line}`, hocrCode: '8N', recognised: true, incidentReject: null, victim, victimReject: null, suspect, suspectReject: null };
}

/** What the merger did before its state was packed into columns: every token kept as text. */
function referenceMerge(rows: readonly RowReading[]): { calls: Sunk[]; conflicts: number } {
  const calls: Sunk[] = [];
  const seen = new Map<string, { ordinal: number; date: string; victim: string[]; suspect: string[] }>();
  const conflicted = new Set<string>();
  for (const r of rows) {
    let s = seen.get(r.crimeRef);
    if (s !== undefined && s.date !== r.occurredFrom) conflicted.add(r.crimeRef);
    if (s === undefined) {
      s = { ordinal: seen.size, date: r.occurredFrom, victim: [], suspect: [] };
      seen.set(r.crimeRef, s);
      calls.push(['incident', s.ordinal, r.crimeRef, r.fields!]);
    }
    for (const role of ['victim', 'suspect'] as const) {
      const p = r[role];
      if (p === null) continue;
      const token = p.key ?? p.fragment;
      if (s[role].includes(token)) continue;
      s[role].push(token);
      calls.push(['person', s.ordinal, p.fragment]);
    }
  }
  return { calls, conflicts: conflicted.size };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const pseudonym = fc.array(fc.integer({ min: 0, max: 63 }), { minLength: 43, maxLength: 43 }).map((d) => d.map((i) => BASE64URL[i]).join(''));

describe('IncidentMerger', () => {
  it('merges exactly as with every token kept as text: incidents, people, conflicts', () => {
    const person = (role: string) =>
      fc.oneof(
        fc.constant(null),
        // Identified: the pseudonym decides; its details may differ between rows.
        fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom('17', '18')).map(([k, age]) => ({ k, age })),
        // Unidentified: the whole fragment decides.
        fc.constantFrom(',,30,male,,', ',,30,female,,', ',,,,,'),
      ).map((p) => (p === null ? null : typeof p === 'string' ? { fragment: role + p, key: null } : { key: p.k, fragment: `${role},K${p.k},${p.age},male,,` }));
    const row = fc.tuple(fc.constantFrom('A', 'B', 'C', 'D'), fc.constantFrom('2024-01-02 10:00:00', '2024-01-02 10:00:01', '02/01/2024'), person('victim'), person('suspect'));
    fc.assert(
      fc.property(fc.array(pseudonym, { minLength: 3, maxLength: 3 }), fc.array(row, { maxLength: 40 }), (keys, spec) => {
        const resolve = (p: { fragment: string; key: unknown } | null): PersonReading | null =>
          p === null ? null : p.key === null ? { fragment: p.fragment, key: null } : { fragment: p.fragment.replace(/K\d/, keys[p.key as number]!), key: keys[p.key as number]! };
        const rows = spec.map(([ref, date, v, s], i) => reading(i + 2, ref, date, resolve(v), resolve(s)));
        const sink = recorder();
        const merger = new IncidentMerger(sink);
        for (const r of rows) merger.merge(r);
        const expected = referenceMerge(rows);
        expect(sink.calls).toEqual(expected.calls);
        expect(merger.finish().conflictingRefs).toBe(expected.conflicts);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps what it knows of early incidents as its columns grow', () => {
    const sink = recorder();
    const merger = new IncidentMerger(sink);
    const victim = (k: string): PersonReading => ({ fragment: `victim,${k},20,male,,`, key: k });
    const keyOf = (i: number) => `k${String(i).padStart(7, '0')}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    for (let i = 0; i < 20_000; i++) merger.merge(reading(i + 2, `R${i}`, '2024-01-02 10:00:00', victim(keyOf(i)), null));
    // The same victim again adds nothing; a new one is added; a different date is a conflict.
    merger.merge(reading(20_002, 'R5', '2024-01-02 10:00:00', victim(keyOf(5)), null));
    merger.merge(reading(20_003, 'R7', '2024-01-03 10:00:00', victim(keyOf(8)), null));
    expect(sink.calls.filter((c) => c[0] === 'person')).toHaveLength(20_001);
    expect(sink.calls.at(-1)).toEqual(['person', 7, `victim,${keyOf(8)},20,male,,`]);
    expect(merger.finish()).toMatchObject({ incidents: 20_000, rowsRead: 20_002, conflictingRefs: 1 });
  });
});
