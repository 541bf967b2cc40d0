import type { Reject } from '../common/types.js';
import { POLICE_UK_HEADER } from './columns.js';
import { isInUk } from '../../core/geo/uk.js';

/** Returns a description of how the header differs from the published one, or null when it matches. */
export function headerProblem(header: readonly string[]): string | null {
  const expected = POLICE_UK_HEADER.join(',');
  const found = header.join(',');
  if (found === expected) return null;
  const missing = POLICE_UK_HEADER.filter((h) => !header.includes(h));
  const extra = header.filter((h) => !(POLICE_UK_HEADER as readonly string[]).includes(h));
  const parts = [`expected the 12-column data.police.uk street header "${expected}"`, `found "${found}"`];
  if (missing.length) parts.push(`missing: ${missing.join(', ')}`);
  if (extra.length) parts.push(`unexpected: ${extra.join(', ')}`);
  return parts.join('; ');
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Checks one street-level row; returns the first problem found, or null. */
export function validatePoliceUkRow(row: readonly string[], line: number): Reject | null {
  if (row.length !== POLICE_UK_HEADER.length) {
    return { line, column: '(row)', value: `${row.length} fields`, reason: `expected ${POLICE_UK_HEADER.length} fields` };
  }
  const month = row[1]!;
  if (!MONTH.test(month)) return { line, column: 'Month', value: month, reason: 'expected a month as YYYY-MM' };
  const lon = row[4]!;
  const lat = row[5]!;
  if (lon !== '' || lat !== '') {
    if (!NUMBER.test(lon) || !NUMBER.test(lat)) {
      return { line, column: NUMBER.test(lon) ? 'Latitude' : 'Longitude', value: NUMBER.test(lon) ? lat : lon, reason: 'expected a decimal number (WGS84 degrees) or empty' };
    }
    if (!isInUk(Number(lon), Number(lat))) {
      return { line, column: 'Longitude', value: `${lon},${lat}`, reason: 'coordinates are outside the United Kingdom' };
    }
  }
  if (row[9]!.trim() === '') return { line, column: 'Crime type', value: '', reason: 'crime type is required' };
  return null;
}
