import { defineConfig } from 'vitest/config';

// The suites that need a server which verifies signatures and enforces
// conditional writes. scripts/test.mjs starts Ceph RGW and passes its address.
export default defineConfig({
  test: {
    include: ['test/rgw/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
