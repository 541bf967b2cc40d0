import { describe, expect, it } from 'vitest';
import { firstIncidentId, incidentOfBatchesSql, INCIDENTS_PER_BATCH } from './incident-ids.js';

describe('incident ids', () => {
  it('give each batch its own range: the last ordinal of one batch stays below the first id of the next', () => {
    const lastOf7 = firstIncidentId(7) + INCIDENTS_PER_BATCH - 2;
    expect(lastOf7).toBeLessThan(firstIncidentId(8));
    expect(incidentOfBatchesSql('x', [7])).toBe(`(x BETWEEN ${firstIncidentId(7)} AND ${lastOf7})`);
  });

  it('select every incident for null and none for no batches', () => {
    expect(incidentOfBatchesSql('x', null)).toBe('TRUE');
    expect(incidentOfBatchesSql('x', [])).toBe('FALSE');
    expect(incidentOfBatchesSql('p.incident_id', [1, 3])).toBe(
      `(p.incident_id BETWEEN 100000001 AND 199999999 OR p.incident_id BETWEEN 300000001 AND 399999999)`,
    );
  });
});
