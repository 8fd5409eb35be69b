import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the database dies, hangs and comes back; floods arrive. Each file starts
// its own MongoDB stand-in *process* (so it can be killed, stopped and continued) and the real
// server on it. One file at a time: they measure how fast answers come, on a shared machine.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
