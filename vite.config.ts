/**
 * Vite settings of the demo page in demo/. `npm start` runs this config with a
 * plugin that serves /config.json (scripts/dev/config-endpoint.mjs). Plain
 * `vite` serves the page without it, and the page then shows an error that
 * tells the reader to run `npm start`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('demo', import.meta.url)),
  // Keep Vite's dependency cache where it would be with the default root.
  cacheDir: fileURLToPath(new URL('node_modules/.vite', import.meta.url)),
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 5173,
  },
  preview: {
    host: '127.0.0.1',
  },
  // Pre-bundle up front, so the first page load does not find a new
  // dependency and reload the page while it is in use.
  optimizeDeps: {
    include: ['aws4fetch'],
  },
  build: {
    outDir: fileURLToPath(new URL('dist/demo', import.meta.url)),
    emptyOutDir: true,
  },
});
