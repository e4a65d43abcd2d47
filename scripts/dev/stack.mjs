/**
 * The demo's dev stack: s3rver with the webhook examples imported, and Vite
 * serving demo/. Used by `npm start` (scripts/start.mjs) and by the Playwright
 * tests (e2e/global-setup.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { configEndpoint } from './config-endpoint.mjs';
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
 * Starts s3rver with its objects in `dataDir`, imports the examples that are
 * not stored yet, then starts Vite. Port 0 picks a free port, and a taken
 * port falls back to a free one. `log` receives progress lines.
 *
 * Returns { url, endpoint, bucket, credentials, imported, kept, stop }, where
 * `url` is the demo page and stop() closes both servers (calling it again
 * returns the same promise).
 */
export async function startDevStack({
  dataDir,
  s3Port = 4568,
  webPort = 5173,
  log = () => {},
  viteLogLevel = 'warn',
}) {
  if (!hasLegacyOpenssl()) {
    // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20
    // keeps in OpenSSL's legacy provider: every truncated listing would be a 500.
    throw new Error(
      'The dev stack needs Node started with --openssl-legacy-provider: ' +
        'set NODE_OPTIONS=--openssl-legacy-provider, or run it through `npm start` or `npm test`.',
    );
  }
  if (typeof dataDir !== 'string' || dataDir === '') {
    throw new Error(`startDevStack needs a dataDir for s3rver's objects; got ${JSON.stringify(dataDir)}.`);
  }

  const { importExamples } = await importTypeScript(join(root, 'scripts', 'dev', 'node-entry.ts'));
  const s3 = await startS3rver({ directory: dataDir, bucket: DEMO_BUCKET, port: s3Port });
  log(`s3rver is listening on ${s3.endpoint}, with its data in ${dataDir}`);

  const settings = { endpoint: s3.endpoint, bucket: DEMO_BUCKET, credentials: { ...S3RVER_CREDENTIALS } };
  let vite;
  let counts;
  try {
    log('Importing the GitHub webhook examples through NoDB...');
    counts = await importExamples(settings);

    vite = await createServer({
      configFile: join(root, 'vite.config.ts'),
      server: { port: webPort },
      plugins: [configEndpoint(settings)],
      logLevel: viteLogLevel,
    });
    await vite.listen();
  } catch (error) {
    await vite?.close();
    await s3.stop();
    throw error;
  }

  const url = vite.resolvedUrls?.local[0];
  if (url === undefined) {
    await vite.close();
    await s3.stop();
    throw new Error('Vite started but reported no local URL.');
  }

  let stopped;
  const stop = () => {
    stopped ??= Promise.allSettled([vite.close(), s3.stop()]).then((results) => {
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    });
    return stopped;
  };

  return { url, ...settings, ...counts, stop };
}
