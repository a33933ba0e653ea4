import { defineConfig } from 'vitest/config';

// Pure rules (the domain, the console's logic and messages, settings) need no database: the `unit` project
// runs them without the global setup, in seconds (`npx vitest run --project unit`). Everything else opens its
// own clone of a template database that the `db` project's global setup migrates once per run; an embedded
// clone costs up to 1 GB, so two workers (one per core).
const unit = [
  'src/domain/**/*.test.ts',
  'src/config.test.ts',
  'src/http/input-guard.test.ts',
  'src/http/case-insensitive-body.test.ts',
  'src/http/schemas.test.ts',
  'web/src/**/*.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // A timeout is there to stop a hung test, not to time a busy one: with seven people's work on two
    // cores (load 20-29), tests that take seconds on a quiet machine took 85-113 s. Speed is measured by
    // the benchmarks.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The browser tests wait for pages with expect.poll: a busy machine may take tens of seconds, not the
    // default 1; a poll returns as soon as what it waits for holds, so only a failure waits this long.
    expect: { poll: { timeout: 60_000, interval: 100 } },
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: unit,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
