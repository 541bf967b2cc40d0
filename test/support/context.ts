import type { Store } from '../../src/store/port.js';
import { silentProgress, type IngestContext } from '../../src/ingest/common/types.js';
import { createPseudonymiser } from '../../src/ingest/common/pseudonymise.js';

export const TEST_PSEUDONYM_KEY = 'test-key-for-svo-fixtures-only-0123456789';

/** A quiet ingest context with a fixed clock, so tests do not depend on today's date. */
export function testContext(store: Store, now = new Date('2026-01-15T12:00:00Z')): IngestContext {
  return { store, user: 'test', progress: silentProgress, log: () => {}, now: () => now };
}

export function testPseudonymiser() {
  return createPseudonymiser(Buffer.from(TEST_PSEUDONYM_KEY));
}

/** Runs `fn` with an environment variable set, then puts it back as it was. */
export async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}
