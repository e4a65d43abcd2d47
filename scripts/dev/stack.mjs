/**
 * The demo's dev stack: s3rver with the webhook examples imported, and Vite
 * serving demo/ with /config.json and a signer at /sign. Used by `npm start`
 * (scripts/start.mjs); the Playwright tests (e2e/global-setup.ts) start the
 * same data with startDemoData and serve the built page.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from './demo-server.mjs';
import { importTypeScript } from './load-typescript.mjs';
import { S3RVER_CREDENTIALS, startS3rver } from './s3rver.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const DEMO_BUCKET = 'nodb-demo';

/** True when this process runs with OpenSSL's legacy provider, which s3rver needs. */
export function hasLegacyOpenssl() {
  const flag = '--openssl-legacy-provider';
  return process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(flag);
}

/**
 * Starts s3rver with its objects in `dataDir` and imports the examples that
 * are not stored yet. Port 0 picks a free port, and a taken port falls back
 * to a free one. Returns { entry, endpoint, bucket, credentials, imported,
 * kept, stop }, where `entry` is the dev stack's TypeScript module
 * (node-entry.ts) and stop() closes s3rver.
 */
export async function startDemoData({ dataDir, s3Port = 4568, log = () => {} }) {
  if (!hasLegacyOpenssl()) {
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20
    // keeps in OpenSSL's legacy provider: every truncated listing would be a 500.
    throw new Error(
      'The dev stack needs Node started with --openssl-legacy-provider: ' +
        'set NODE_OPTIONS=--openssl-legacy-provider, or run it through `npm start` or `npm test`.',
    );
  }
  if (typeof dataDir !== 'string' || dataDir === '') {
    throw new Error(`startDemoData needs a dataDir for s3rver's objects; got ${JSON.stringify(dataDir)}.`);
  }

  const entry = await importTypeScript(join(root, 'scripts', 'dev', 'node-entry.ts'));
  const s3 = await startS3rver({ directory: dataDir, bucket: DEMO_BUCKET, port: s3Port });
  log(`s3rver is listening on ${s3.endpoint}, with its data in ${dataDir}`);

  const settings = { endpoint: s3.endpoint, bucket: DEMO_BUCKET, credentials: { ...S3RVER_CREDENTIALS } };
  let counts;
  try {
    log('Importing the GitHub webhook examples through NoDB...');
    counts = await entry.importExamples(settings);
  } catch (error) {
    await s3.stop();
    throw error;
  }
  return { entry, ...settings, ...counts, stop: () => s3.stop() };
}

/**
 * Starts s3rver with the examples (see startDemoData), then the Vite dev
 * server, which also serves the connection settings at /config.json and a
 * signer for the bucket's records at /sign.
 *
 * Returns { url, signerUrl, endpoint, bucket, credentials, imported, kept,
 * stop }, where `url` is the demo page and stop() closes both servers
 * (calling it again returns the same promise).
 */
export async function startDevStack({ dataDir, s3Port = 4568, webPort = 5173, log = () => {}, viteLogLevel = 'warn' }) {
  const { entry, stop: stopData, ...data } = await startDemoData({ dataDir, s3Port, log });
  const settings = { endpoint: data.endpoint, bucket: data.bucket, credentials: data.credentials };

  let web;
  try {
    web = await startDemoServer({
      mode: 'dev',
      port: webPort,
      config: settings,
      signer: entry.demoSignerMiddleware(settings),
      logLevel: viteLogLevel,
    });
  } catch (error) {
    await stopData();
    throw error;
  }

  let stopped;
  const stop = () => {
    stopped ??= Promise.allSettled([web.close(), stopData()]).then((results) => {
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    });
    return stopped;
  };

  return { url: web.url, signerUrl: new URL(entry.SIGNER_PATH, web.url).href, ...data, stop };
}
