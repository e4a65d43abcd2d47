/**
 * The browser suite: tests run in headless Chromium through vitest's browser
 * mode, on a page served from 127.0.0.1 (Web Crypto needs a secure origin).
 * The global setup starts s3rver and Ceph RGW in Node with a CORS rule on
 * their buckets, and the page reaches them with cross-origin fetch.
 */
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's Chromium; scripts/ensure-chromium.mjs installs it when it is missing.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  server: { host: '127.0.0.1' },
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['scripts/runtimes/vitest-global-setup.mjs'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      // Failures print the assertion; a screenshot of the blank test page adds nothing.
      screenshotFailures: false,
      api: { host: '127.0.0.1' },
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
