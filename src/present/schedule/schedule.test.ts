import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleError } from './file.js';
import { latestFiring, outputPaths, runOnce, statePath, type ScheduleEffects } from './run.js';
import type { ReportOptions } from '../report/model.js';

const GOOD = `output_dir: out
timezone: Europe/London
entries:
  - name: monthly-board
    cron: "0 6 1 * *"
    report: monthly
    period: last-complete-month
    area: E06000016
    circulation: partner
    formats: [pdf, xlsx]
    recipients: [board, analysts]
  - cron: "0 7 * * 1"
    report: weekly
    period: last-complete-week
    recipients: [analysts]
`;

function problems(text: string): string {
  try {
    parseSchedule(text, 'sched.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleError);
    return (error as ScheduleError).message;
  }
  throw new Error('expected a ScheduleError');
}

describe('schedule file', () => {
  it('reads a schedule with defaults and absolute output folder', () => {
    const s = parseSchedule(GOOD, '/srv/svo/schedule.yaml');
    expect(s.outputDir).toBe('/srv/svo/out');
    expect(s.entries[0]).toMatchObject({ name: 'monthly-board', source: 'police', definition: null, formats: ['pdf', 'xlsx'] });
    expect(s.entries[1]).toMatchObject({ name: 'weekly-all-analysts', area: null, circulation: 'internal', formats: ['pdf'] });
  });

  it('names the file, line and column of each problem', () => {
    const bad = GOOD.replace('"0 7 * * 1"', '"every monday"').replace('period: last-complete-month', 'period: last-complete-week').replace('recipients: [analysts]\n', 'recipients: [../etc]\n    colour: red\n');
    const message = problems(bad);
    expect(message).toContain('sched.yaml:7:13: entries[0].period: a monthly pack takes period last-complete-month, not last-complete-week');
    expect(message).toContain('sched.yaml:12:11: entries[1].cron: is not a cron expression');
    expect(message).toMatch(/sched\.yaml:15:\d+: entries\[1\]\.recipients\[0\]: is not a folder name/);
    expect(message).toMatch(/sched\.yaml:16:\d+: entries\[1\]: unknown field 'colour'/);
    // In file order, one problem a line.
    expect(message.split('\n').map((l) => Number(l.split(':')[1]))).toEqual([7, 12, 15, 16]);
  });

  it('refuses invalid YAML, an empty file and duplicate names', () => {
    expect(problems('entries: [\n')).toMatch(/^sched\.yaml:\d+:\d+: not valid YAML/);
    expect(problems('')).toContain('sched.yaml:1:1: expected a schedule');
    expect(problems(GOOD.replace('  - cron: "0 7 * * 1"', '  - name: monthly-board\n    cron: "0 7 * * 1"'))).toContain("entries[1].name: 'monthly-board' is already the name of entry 1");
  });
});

describe('running a schedule once', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates each entry’s latest period once and records it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'svo-schedule-'));
    const schedule = parseSchedule(GOOD, join(dir, 'schedule.yaml'));
    const calls: { options: ReportOptions; outs: string[] }[] = [];
    const effects: ScheduleEffects = {
      generate: async (options, outs) => {
        calls.push({ options, outs });
        return { files: outs.map((path) => ({ path })) };
      },
      log: () => {},
    };
    // Wednesday 4 August 2021: the monthly entry last fired on 1 August (July), the weekly one on Monday 2 August (week 30).
    const now = new Date('2021-08-04T09:00:00Z');
    expect(latestFiring(schedule.entries[0]!, schedule.timezone, now).toISOString()).toBe('2021-08-01T05:00:00.000Z');
    const first = await runOnce(schedule, now, effects);
    expect(first.map((o) => [o.entry, o.period, o.status])).toEqual([
      ['monthly-board', '2021-07', 'generated'],
      ['weekly-all-analysts', '2021-W30', 'generated'],
    ]);
    expect(calls[0]!.outs).toEqual(outputPaths(schedule, schedule.entries[0]!, '2021-07'));
    expect(calls[0]!.outs).toEqual([
      join(dir, 'out/board/monthly-2021-07-E06000016.pdf'),
      join(dir, 'out/board/monthly-2021-07-E06000016.xlsx'),
      join(dir, 'out/analysts/monthly-2021-07-E06000016.pdf'),
      join(dir, 'out/analysts/monthly-2021-07-E06000016.xlsx'),
    ]);
    expect(calls[0]!.options).toMatchObject({ kind: 'monthly', period: '2021-07', area: 'E06000016', circulation: 'partner', now });
    const state = JSON.parse(readFileSync(statePath(schedule), 'utf8'));
    expect(state.entries['monthly-board'].period).toBe('2021-07');

    // The same day again: nothing new. A week later: only the weekly entry is due.
    expect((await runOnce(schedule, now, effects)).every((o) => o.status === 'already_generated')).toBe(true);
    const later = await runOnce(schedule, new Date('2021-08-10T09:00:00Z'), effects);
    expect(later.map((o) => o.status)).toEqual(['already_generated', 'generated']);
    expect(later[1]!.period).toBe('2021-W31');
    expect(calls).toHaveLength(3);
  });

  it('records a failed entry as failed and leaves it due', async () => {
    dir = mkdtempSync(join(tmpdir(), 'svo-schedule-'));
    const schedule = parseSchedule(GOOD, join(dir, 'schedule.yaml'));
    let fail = true;
    const effects: ScheduleEffects = {
      generate: async (_options, outs) => {
        if (fail) throw new Error('no data');
        return { files: outs.map((path) => ({ path })) };
      },
      log: () => {},
    };
    const now = new Date('2021-08-04T09:00:00Z');
    expect((await runOnce(schedule, now, effects)).map((o) => o.status)).toEqual(['failed', 'failed']);
    fail = false;
    expect((await runOnce(schedule, now, effects)).map((o) => o.status)).toEqual(['generated', 'generated']);
  });
});
