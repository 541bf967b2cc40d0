import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one PostgreSQL server; each file uses its own schema.
    pool: 'forks',
    // Most integration files wait on child processes (the CLI), PostgreSQL or Chromium rather than the
    // CPU; Vitest's default on a 2-core machine (one worker) leaves the machine idle half the time.
    maxWorkers: 3,
    env: { TZ: 'Europe/London' },
  },
});
