import { defineConfig } from 'vitest/config';

// Three tiers: unit (pure functions), integration (app.inject() on PGlite, and on PostgreSQL when
// TEST_DATABASE_URL is set), browser (a real server process driven by Debian's Chromium).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'], exclude: ['**/*.int.test.ts', 'node_modules/**'], environment: 'node', sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // PGlite instances are memory-hungry; two forks fit the 2-core machine.
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      { test: { name: 'browser', sequence: { groupOrder: 2 }, include: ['test/e2e/**/*.e2e.test.ts'], environment: 'node', testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
