/**
 * Running a schedule: for each entry, the period its rule gives at the cron's latest firing, generated
 * once. A small state file next to the schedule records the last period generated per entry, so a
 * rerun (or a restart of the long-lived process) does not write the same packs again.
 *
 * Generating, reading and writing state and logging are passed in (effects), so the logic is tested
 * without a database or a browser.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Cron } from 'croner';
import { SvoError } from '../../core/errors.js';
import type { ReportOptions } from '../report/model.js';
import type { Schedule, ScheduleEntry } from './file.js';
import { localDate, periodFor } from './periods.js';

export interface ScheduleState {
  version: 1;
  entries: Record<string, { period: string; generatedAt: string; files: string[] }>;
}

export interface ScheduleEffects {
  /** Builds the pack once and writes every path in `outs` (format from the extension). */
  generate(options: ReportOptions, outs: string[]): Promise<{ files: { path: string }[] }>;
  log(message: string): void;
}

export interface EntryOutcome {
  entry: string;
  period: string;
  status: 'generated' | 'already_generated' | 'failed';
  files: string[];
  error?: string;
}

/** `<schedule>.state.json` beside the schedule file. */
export function statePath(schedule: Schedule): string {
  const file = basename(schedule.file, extname(schedule.file));
  return join(dirname(schedule.file), `${file}.state.json`);
}

export function readState(path: string): ScheduleState {
  if (!existsSync(path)) return { version: 1, entries: {} };
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as ScheduleState;
    if (state.version !== 1 || typeof state.entries !== 'object' || state.entries === null) throw new Error('unknown layout');
    return state;
  } catch (error) {
    throw new SvoError(`${path}: the schedule state file cannot be read (${(error as Error).message})`, 1, 'delete it to regenerate every entry’s latest pack');
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
export function writeState(path: string, state: ScheduleState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Where an entry's packs go: `<outputDir>/<recipient>/<kind>-<period>[-<area>].<ext>`. */
export function outputPaths(schedule: Schedule, entry: ScheduleEntry, period: string): string[] {
  const stem = `${entry.report}-${period}${entry.area ? `-${entry.area}` : ''}`;
  return entry.recipients.flatMap((recipient) => entry.formats.map((format) => join(schedule.outputDir, recipient, `${stem}.${format}`)));
}

/** The latest time the entry's cron fired at or before `now` (now itself when it never has). */
export function latestFiring(entry: ScheduleEntry, timezone: string, now: Date): Date {
  const cron = new Cron(entry.cron, { paused: true, timezone });
  try {
    // previousRuns looks strictly before the reference: step a second on so a firing at `now` counts.
    return cron.previousRuns(1, new Date(now.getTime() + 1000))[0] ?? now;
  } finally {
    cron.stop();
  }
}

/** The period an entry covers when it fires at `firing`. */
export function periodAt(schedule: Schedule, entry: ScheduleEntry, firing: Date): string {
  return periodFor(entry.period, localDate(firing, schedule.timezone));
}

/** Generates one entry's packs for `period` unless the state says they exist; updates the state. */
export async function runEntry(schedule: Schedule, entry: ScheduleEntry, period: string, now: Date, state: ScheduleState, effects: ScheduleEffects): Promise<EntryOutcome> {
  if (state.entries[entry.name]?.period === period) return { entry: entry.name, period, status: 'already_generated', files: [] };
  const outs = outputPaths(schedule, entry, period);
  for (const dir of new Set(outs.map((o) => dirname(o)))) mkdirSync(dir, { recursive: true });
  const options: ReportOptions = { kind: entry.report, period, area: entry.area, definition: entry.definition, source: entry.source, circulation: entry.circulation, now };
  try {
    const result = await effects.generate(options, outs);
    const files = result.files.map((f) => f.path);
    state.entries[entry.name] = { period, generatedAt: now.toISOString(), files };
    effects.log(`${entry.name}: ${entry.report} ${period} → ${files.join(', ')}`);
    return { entry: entry.name, period, status: 'generated', files };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    effects.log(`${entry.name}: ${entry.report} ${period} failed: ${message}`);
    return { entry: entry.name, period, status: 'failed', files: [], error: message };
  }
}

/**
 * `--once`: every entry whose latest period (as of its cron's latest firing) has not been generated
 * yet is generated now; the state file is written after each entry.
 */
export async function runOnce(schedule: Schedule, now: Date, effects: ScheduleEffects): Promise<EntryOutcome[]> {
  const path = statePath(schedule);
  const state = readState(path);
  const outcomes: EntryOutcome[] = [];
  for (const entry of schedule.entries) {
    const period = periodAt(schedule, entry, latestFiring(entry, schedule.timezone, now));
    const outcome = await runEntry(schedule, entry, period, now, state, effects);
    if (outcome.status === 'generated') writeState(path, state);
    else if (outcome.status === 'already_generated') effects.log(`${entry.name}: ${entry.report} ${period} already generated`);
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * The long-lived mode: one cron job per entry; firings are queued so packs are generated one at a time
 * and the state file has one writer. Returns a function that stops every job.
 */
export function startSchedule(schedule: Schedule, effects: ScheduleEffects, clock: () => Date = () => new Date()): () => void {
  const path = statePath(schedule);
  let queue: Promise<unknown> = Promise.resolve();
  const jobs = schedule.entries.map(
    (entry) =>
      new Cron(entry.cron, { name: entry.name, timezone: schedule.timezone, protect: true }, async () => {
        const firing = clock();
        queue = queue
          .then(async () => {
            const state = readState(path);
            const outcome = await runEntry(schedule, entry, periodAt(schedule, entry, firing), firing, state, effects);
            if (outcome.status === 'generated') writeState(path, state);
          })
          .catch((error: unknown) => effects.log(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`));
        await queue;
      }),
  );
  for (const job of jobs) {
    const next = job.nextRun();
    effects.log(`${job.name ?? ''} (${job.getPattern() ?? ''}): next run ${next ? next.toISOString() : 'never'}`);
  }
  return () => jobs.forEach((j) => j.stop());
}
