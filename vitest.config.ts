import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          // jsdom renders of 1000 locations take seconds on 2 busy cores; a timeout is not a speed test.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Agents and consoles bind real ports and spawn processes: keep files sequential on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
