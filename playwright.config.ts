/**
 * Playwright tests of the demo page (e2e/), in the system's Chromium. The
 * global setup builds the page with `vite build`, serves it with Vite's
 * preview server, and starts s3rver with a throwaway data directory. The
 * cases that need a server which verifies signatures use the run's Ceph RGW.
 * Run them with `node scripts/test.mjs playwright`, which starts RGW and sets
 * NODE_OPTIONS=--openssl-legacy-provider for s3rver.
 */
import { defineConfig } from '@playwright/test';

/** Playwright drives this binary and never downloads a browser of its own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  // Playwright empties its output directory on every run. Screenshots of the
  // demo go to test-results/screenshots beside it and are overwritten instead.
  outputDir: 'test-results/playwright',
  globalSetup: './e2e/global-setup.ts',
  // The tests share the buckets and run in order: edit, reload, delete.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
