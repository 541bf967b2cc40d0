import type { Dialect } from '../port.js';

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  regexMatch: (expr, pattern) => `regexp_matches(${expr}, ${pattern}, 'i')`,
  monthStart: (expr) => `CAST(date_trunc('month', ${expr}) AS DATE)`,
  isoDayOfWeek: (expr) => `isodow(${expr})`,
  hourOf: (expr) => `hour(${expr})`,
};
