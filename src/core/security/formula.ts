/**
 * CSV/XLSX formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
 * `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula. Text cells that start so
 * are prefixed with a single quote, which spreadsheets show but do not run. Numbers are left alone
 * (a negative number is data, not a formula).
 */
const TRIGGERS = /^[=+\-@\t\r]/;

export function neutraliseFormula<T>(value: T): T | string {
  return typeof value === 'string' && TRIGGERS.test(value) ? `'${value}` : value;
}
