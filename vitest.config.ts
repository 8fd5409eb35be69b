import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Browser end-to-end tests and the fault suite (`npm run test:faults`) get their own configs.
    exclude: [...configDefaults.exclude, 'tests/e2e/**', 'tests/faults/**'],
    // One database (real mongod or the stand-in) for the run; see tests/support/database.ts.
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
