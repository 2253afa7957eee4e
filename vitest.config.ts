import { defineConfig } from 'vitest/config';

// Tests import packages by name (`@tswats/sdk`); the `@tswats/source` export
// condition points those imports at `src/` so tests never run stale builds.
const conditions = ['@tswats/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
