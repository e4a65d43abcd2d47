/**
 * Serves the demo page with Vite: the dev server for `npm start`, or the
 * built page through Vite's preview server for the Playwright tests. Either
 * way the server also serves GET /config.json and POST /sign.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer, preview } from 'vite';
import { configEndpoint } from './config-endpoint.mjs';
import { signerEndpoint } from './signer-endpoint.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const configFile = join(root, 'vite.config.ts');

/** Builds the demo page into `outDir` (emptied first), as `vite build` does. */
export async function buildDemo(outDir, logLevel = 'warn') {
  await build({ configFile, logLevel, build: { outDir, emptyOutDir: true } });
}

/**
 * Starts a Vite server on 127.0.0.1 that serves the page, `config` at
 * /config.json and `signer` (a Connect middleware) at /sign. `mode` is 'dev'
 * (the sources, with hot reload) or 'preview' (the build in `outDir`). Port
 * 0 picks a free port. Returns { url, close }.
 */
export async function startDemoServer({ mode, port, outDir, config, signer, logLevel = 'warn' }) {
  const plugins = [configEndpoint(config), signerEndpoint(signer)];

  let server;
  if (mode === 'dev') {
    server = await createServer({ configFile, server: { port }, plugins, logLevel });
    await server.listen();
  } else {
    server = await preview({ configFile, preview: { port }, build: { outDir }, plugins, logLevel });
  }

  const url = server.resolvedUrls?.local[0];
  if (url === undefined) {
    await server.close();
    throw new Error('Vite started but reported no local URL.');
  }
  return { url, close: () => server.close() };
}
