import { defineConfig } from 'vitest/config';

// Each test opens its own database clone; an embedded one costs up to 1 GB, so two workers (one per core).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The browser tests wait for pages with expect.poll: a busy machine may take seconds, not the default 1.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
