/**
 * Starts what the Playwright tests drive: s3rver with the webhook examples
 * (from a throwaway data directory), the demo built with `vite build` and
 * served by Vite's preview server with /config.json and /sign, and buckets
 * on the run's Ceph RGW. A second preview server has keys with a wrong
 * secret for RGW, in its /config.json and its signer. The addresses reach
 * the tests through environment variables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, startDemoServer } from '../scripts/dev/demo-server.mjs';
import { startDemoData } from '../scripts/dev/stack.mjs';
import { rgwFromEnvironment, setUpRgwBuckets } from './rgw-setup.ts';

/** A bucket on s3rver without a CORS rule, for the missing-CORS message. */
const NO_CORS_BUCKET = 'nodb-no-cors';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const rgw = rgwFromEnvironment();
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'Stopping the Playwright servers failed.');
  };

  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'nodb-e2e-data-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const buildDir = await mkdtemp(join(tmpdir(), 'nodb-e2e-build-'));
    cleanups.push(() => rm(buildDir, { recursive: true, force: true }));

    const [data] = await Promise.all([startDemoData({ dataDir, s3Port: 0 }), buildDemo(buildDir)]);
    cleanups.push(() => data.stop());
    const { entry } = data;
    const s3rver = { endpoint: data.endpoint, bucket: data.bucket, credentials: data.credentials };
    await new entry.S3Store({ ...s3rver, bucket: NO_CORS_BUCKET }).ensureBucket();

    const main = await startDemoServer({
      mode: 'preview',
      port: 0,
      outDir: buildDir,
      config: s3rver,
      signer: entry.demoSignerMiddleware(s3rver),
    });
    cleanups.push(() => main.close());

    const suffix = crypto.randomUUID().slice(0, 8);
    const buckets = { bucket: `nodb-e2e-${suffix}`, hiddenEtagBucket: `nodb-e2e-hidden-etag-${suffix}` };
    const wrongSecret = {
      endpoint: rgw.endpoint,
      region: rgw.region,
      bucket: buckets.bucket,
      credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: 'not-the-secret-key' },
    };
    const wrong = await startDemoServer({
      mode: 'preview',
      port: 0,
      outDir: buildDir,
      config: wrongSecret,
      signer: entry.demoSignerMiddleware(wrongSecret),
    });
    cleanups.push(() => wrong.close());

    await setUpRgwBuckets(entry, rgw, [new URL(main.url).origin, new URL(wrong.url).origin], buckets);

    // Workers inherit the environment of the runner, which runs this setup.
    Object.assign(process.env, {
      NODB_DEMO_URL: main.url,
      NODB_DEMO_WRONG_SECRET_URL: wrong.url,
      NODB_DEMO_ENDPOINT: data.endpoint,
      NODB_DEMO_BUCKET: data.bucket,
      NODB_DEMO_NO_CORS_BUCKET: NO_CORS_BUCKET,
      NODB_DEMO_BUILD_DIR: buildDir,
      NODB_E2E_RGW_BUCKET: buckets.bucket,
      NODB_E2E_RGW_HIDDEN_ETAG_BUCKET: buckets.hiddenEtagBucket,
    });
    return cleanUp;
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
}
