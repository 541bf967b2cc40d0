/** Times as stored by the security tables: ISO 8601 UTC with milliseconds (text order = time order). */
export function isoTime(date: Date): string {
  return date.toISOString();
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
