/** CSV text output (RFC 4180), shared by every writer: ingest spools, bulk loads, exports. */

/** Quotes a value for CSV output when needed. `null` becomes an empty field, '' a quoted empty one. */
export function csvField(value: string | number | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  if (text === '') return '""';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | bigint | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\n';
}
