/**
 * The workers suite: tests run inside workerd through
 * @cloudflare/vitest-pool-workers, with a Miniflare R2 bucket bound as
 * NODB_BUCKET. The global setup starts s3rver and Ceph RGW in Node, and the
 * tests reach them with workerd's outbound fetch.
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: '2026-04-01',
        // The contract suite compares keys with Buffer.
        compatibilityFlags: ['nodejs_compat'],
        r2Buckets: ['NODB_BUCKET'],
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['scripts/runtimes/vitest-global-setup.mjs'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
