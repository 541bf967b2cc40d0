/**
 * The one place the CLI writes to the terminal. Tables for people on a TTY; CSV or JSON when asked or
 * when piped. Progress and notes go to stderr so stdout stays clean for data.
 */
import cliProgress from 'cli-progress';
import { UsageError } from '../core/errors.js';
import type { Progress } from '../ingest/common/types.js';
import { csvLine } from '../ingest/common/csv.js';
import { neutraliseFormula } from '../core/security/formula.js';

export type Format = 'table' | 'csv' | 'json';

export function checkFormat(format: string): Format {
  if (!['csv', 'json', 'table'].includes(format)) throw new UsageError(`--format must be csv, json or table, got '${format}'`);
  return format as Format;
}

export interface Output {
  data(text: string): void;
  note(text: string): void;
  error(text: string): void;
  progress(): Progress;
}

export const terminal: Output = {
  data: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  note: (text) => process.stderr.write(text + '\n'),
  error: (text) => process.stderr.write(text + '\n'),
  progress: () => {
    if (!process.stderr.isTTY) return { start() {}, update() {}, stop() {} };
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: '{label} [{bar}] {value}/{total} {unit} | {duration}s', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (label, total, unit = 'files') => bar.start(total, 0, { label, unit }),
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  },
};

type Cell = string | number | boolean | null | undefined;

export function formatRows(rows: readonly Record<string, Cell>[], columns: readonly string[], format: Format): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  // Text starting = + - @ is prefixed with ' so a spreadsheet opening the file cannot run it.
  if (format === 'csv') return [csvLine(columns), ...rows.map((r) => csvLine(columns.map((c) => neutraliseFormula(r[c]))))].join('').replace(/\n$/, '');
  // Tables are for reading: fractions to 2 decimals (CSV and JSON keep full precision).
  const text = (v: Cell) => (v === null || v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line([...columns]), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => text(r[c]))))].join('\n');
}
