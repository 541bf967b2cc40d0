import type { Dialect } from '../port.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  regexMatch: (expr, pattern) => `(${expr} ~* ${pattern})`,
  monthStart: (expr) => `CAST(date_trunc('month', ${expr}) AS DATE)`,
  isoDayOfWeek: (expr) => `CAST(EXTRACT(ISODOW FROM ${expr}) AS INTEGER)`,
  hourOf: (expr) => `CAST(EXTRACT(HOUR FROM ${expr}) AS INTEGER)`,
};
