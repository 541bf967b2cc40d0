/**
 * `svo schedule --file <schedule.yaml> [--once] [--now <ISO>]`: generates report packs on a schedule
 * (src/present/schedule). `--once` generates every entry whose latest period is missing and exits;
 * without it the process stays up and generates each entry when its cron fires.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SvoError, UsageError } from '../../core/errors.js';
import { parseSchedule } from '../../present/schedule/file.js';
import { runOnce, startSchedule, type ScheduleEffects } from '../../present/schedule/run.js';
import { openCliStore, type GlobalOptions } from '../context.js';
import { terminal } from '../output.js';

interface ScheduleOptions {
  file: string;
  once?: boolean;
  now?: string;
  json?: boolean;
}

function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime())) throw new UsageError(`--now must be an ISO date-time, got '${text}'`, 'e.g. 2021-08-04T09:00:00Z');
  return d;
}

export function registerSchedule(program: Command, global: () => GlobalOptions): void {
  program
    .command('schedule')
    .description('generate report packs on a schedule (cron → report, period rule, area, formats, recipient folders)')
    .requiredOption('--file <schedule.yaml>', 'the schedule file (see examples/schedule.yaml)')
    .option('--once', 'generate every entry whose latest period has not been generated yet, then exit')
    .option('--now <iso>', 'pretend it is this time (with --once; for testing and catching up)')
    .option('--json', 'print a JSON summary as the last line of stdout (with --once)')
    .action(async (opts: ScheduleOptions) => {
      let text: string;
      try {
        text = readFileSync(opts.file, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read the schedule file ${opts.file}: ${(error as Error).message}`);
      }
      const schedule = parseSchedule(text, opts.file);
      if (opts.now !== undefined && !opts.once) throw new UsageError('--now only applies with --once');
      const now = parseNow(opts.now);
      // Loaded on use: the report machinery would slow every other command's start.
      const { generateReport } = await import('../../present/report/generate.js');
      const store = await openCliStore(global());
      const effects: ScheduleEffects = { generate: (options, outs) => generateReport(store, options, outs), log: (m) => terminal.note(m) };
      if (opts.once) {
        try {
          const outcomes = await runOnce(schedule, now, effects);
          const generated = outcomes.filter((o) => o.status === 'generated');
          const failed = outcomes.filter((o) => o.status === 'failed');
          terminal.note(`${generated.length} generated, ${outcomes.length - generated.length - failed.length} already generated, ${failed.length} failed`);
          if (opts.json) terminal.data(JSON.stringify({ outcomes }));
          if (failed.length) throw new SvoError(`${failed.length} scheduled pack(s) failed: ${failed.map((f) => `${f.entry} (${f.error ?? 'unknown error'})`).join('; ')}`);
        } finally {
          await store.close();
        }
        return;
      }
      const stop = startSchedule(schedule, effects);
      await new Promise<void>((resolve) => {
        const shutdown = () => {
          stop();
          resolve();
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      await store.close();
    });
}
