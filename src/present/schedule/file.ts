/**
 * The schedule file: which packs to generate when, for whom. YAML (or JSON), validated with one zod
 * schema; every problem is reported with the file, line and column it is on, like definition files.
 *
 * ```yaml
 * output_dir: packs            # relative to the schedule file
 * timezone: Europe/London      # cron times and period rules use this zone's calendar
 * entries:
 *   - name: board-quarterly
 *     cron: "0 6 2 1,4,7,10 *"
 *     report: quarterly
 *     period: last-complete-quarter
 *     area: E06000016          # optional LAD/CSP code
 *     definition: vrn-2020     # optional
 *     source: police           # or police-uk
 *     circulation: partner     # internal | partner | public
 *     formats: [pdf, xlsx]
 *     recipients: [board, analysts]
 * ```
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Cron } from 'croner';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { SvoError } from '../../core/errors.js';
import { PERIOD_RULES, RULE_FOR_KIND } from './periods.js';

export const REPORT_KINDS = ['weekly', 'monthly', 'quarterly', 'sna', 'istv'] as const;
export const FORMATS = ['pdf', 'html', 'xlsx'] as const;
/** Recipient groups are folder names: no separators, no leading dot. */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AREA_CODE = /^[A-Z]\d{8}$/;

function validCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const entrySchema = z
  .object({
    name: z.string().regex(FOLDER_NAME, 'use letters, digits, dot, dash or underscore').optional(),
    cron: z.string().trim().min(1).refine(validCron, 'is not a cron expression (e.g. "0 6 * * 1" = Mondays at 06:00)'),
    report: z.enum(REPORT_KINDS),
    period: z.enum(PERIOD_RULES),
    area: z.string().trim().regex(AREA_CODE, 'is not a LAD or CSP code (e.g. E06000016)').nullable().default(null),
    definition: z.string().trim().min(1).nullable().default(null),
    source: z.enum(['police', 'police-uk']).default('police'),
    circulation: z.enum(['internal', 'partner', 'public']).default('internal'),
    formats: z.array(z.enum(FORMATS)).min(1, 'list at least one format').default(['pdf']),
    recipients: z.array(z.string().regex(FOLDER_NAME, 'is not a folder name: use letters, digits, dot, dash or underscore')).min(1, 'list at least one recipient group'),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (RULE_FOR_KIND[entry.report] !== entry.period) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: `a ${entry.report} pack takes period ${RULE_FOR_KIND[entry.report]}, not ${entry.period}` });
    }
    if (entry.source === 'police-uk' && entry.report === 'istv') ctx.addIssue({ code: 'custom', path: ['source'], message: 'the ISTV pack reads ED returns: leave out source' });
  });

const scheduleSchema = z
  .object({
    output_dir: z.string().trim().min(1).default('packs'),
    timezone: z.string().trim().refine(validTimeZone, 'is not a time zone (e.g. Europe/London)').default('Europe/London'),
    entries: z.array(entrySchema).min(1, 'list at least one entry'),
  })
  .strict();

export type ScheduleEntryInput = z.output<typeof entrySchema>;
export interface ScheduleEntry extends Omit<ScheduleEntryInput, 'name'> {
  /** Unique; keys the state file. Defaults to report-area-recipients. */
  name: string;
}
export interface Schedule {
  /** Absolute path of the schedule file. */
  file: string;
  outputDir: string;
  timezone: string;
  entries: ScheduleEntry[];
}

export interface ScheduleProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class ScheduleError extends SvoError {
  constructor(
    readonly file: string,
    readonly problems: readonly ScheduleProblem[],
  ) {
    super(
      problems.map((p) => `${file}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'),
      2,
      'see examples/schedule.yaml for a complete, valid schedule',
    );
  }
}

type Key = string | number;

function formatPath(keys: readonly Key[]): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** Line and column of the deepest node on the path that exists in the document. */
function locate(doc: Document, counter: LineCounter, keys: readonly Key[]): { line?: number; column?: number } {
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      // Point at the key of a missing or bad field when it is a map entry.
      const { line, col } = counter.linePos(range[0]);
      return { line, column: col };
    }
  }
  return {};
}

/** Parses and validates a schedule file's text. Throws ScheduleError listing every problem. */
export function parseSchedule(text: string, file: string): Schedule {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    throw new ScheduleError(file, doc.errors.map((e) => ({ path: '', ...(() => { const p = counter.linePos(e.pos[0]); return { line: p.line, column: p.col }; })(), message: `not valid YAML: ${e.message.split('\n')[0]}` })));
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined || !isMap(doc.contents)) throw new ScheduleError(file, [{ path: '', line: 1, column: 1, message: 'expected a schedule with output_dir, timezone and entries' }]);
  const parsed = scheduleSchema.safeParse(data);
  if (!parsed.success) {
    throw new ScheduleError(
      file,
      parsed.error.issues.map((issue) => {
        const keys = issue.path.filter((k): k is Key => typeof k === 'string' || typeof k === 'number');
        const extra = issue.code === 'unrecognized_keys' ? issue.keys : [];
        const where = extra.length ? locate(doc, counter, [...keys, extra[0]!]) : locate(doc, counter, keys);
        const message = extra.length ? `unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}` : issue.message;
        return { path: formatPath(keys), ...where, message };
      }).sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
    );
  }
  const entries = parsed.data.entries.map((e) => ({ ...e, name: e.name ?? [e.report, e.area ?? 'all', ...e.recipients].join('-') }));
  const seen = new Map<string, number>();
  const problems: ScheduleProblem[] = [];
  entries.forEach((e, i) => {
    const first = seen.get(e.name);
    if (first !== undefined) problems.push({ path: `entries[${i}].name`, ...locate(doc, counter, ['entries', i]), message: `'${e.name}' is already the name of entry ${first + 1}: give each entry its own name` });
    else seen.set(e.name, i);
  });
  if (problems.length) throw new ScheduleError(file, problems);
  const dir = dirname(resolve(file));
  const out = parsed.data.output_dir;
  return { file: resolve(file), outputDir: isAbsolute(out) ? out : resolve(dir, out), timezone: parsed.data.timezone, entries };
}

