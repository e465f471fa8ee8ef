import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep files from starving each other of CPU (JWKS and OAuth tests spin up servers).
    maxWorkers: 2,
    pool: 'forks',
  },
});
