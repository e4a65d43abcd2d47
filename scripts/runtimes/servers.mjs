/**
 * Starts the servers that the runtime suites (Chromium, workerd, Deno, Bun)
 * talk to, all on 127.0.0.1:
 *
 * - s3rver, with a bucket whose CORS rule lets browser pages in;
 * - Ceph RGW, which verifies signatures, for the wrong-secret case. When
 *   NODB_RGW_ENDPOINT, NODB_RGW_ACCESS_KEY_ID and NODB_RGW_SECRET_ACCESS_KEY
 *   name a running server, that one is used and no RGW is started.
 *
 * s3rver needs Node started with --openssl-legacy-provider.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { AwsClient } from 'aws4fetch';
import { startRgw } from '../rgw/rgw.mjs';
import { importTypeScript } from '../dev/load-typescript.mjs';

/** Environment variable that carries the targets' JSON to a runtime. */
export const TARGETS_VARIABLE = 'NODB_RUNTIME_TARGETS';

// Browsers preflight signed requests, so the rule allows any header, and it
// exposes ETag, which save() returns.
const CORS_CONFIGURATION = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts the servers and creates their buckets. Resolves to `{ targets, stop }`,
 * where `targets` matches RuntimeTargets in test/runtimes/cases.ts. On failure
 * it stops whatever it started and rejects with the failed step.
 *
 * @param {{ log?: (message: string) => void }} [options]
 */
export async function startRuntimeServers({ log = () => {} } = {}) {
  const stops = [];
  // Stops every server, newest first, even when one of them fails to stop.
  const stop = async () => {
    const errors = [];
    for (const stopOne of stops.reverse()) await stopOne().catch((error) => errors.push(error));
    stops.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, `Stopping ${errors.length} test server(s) failed.`);
  };

  try {
    // Both start at once. Each adds its stop function as soon as it runs, so a failure
    // of one still stops the other.
    const started = await Promise.allSettled([startS3rverTarget(log, stops), startVerifyingServer(log, stops)]);
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    const [s3, verifying] = started.map((result) => result.value);

    const targets = {
      s3,
      missingBucket: 'no-such-bucket',
      closedEndpoint: `http://127.0.0.1:${await closedPort()}`,
      verifying,
    };
    return { targets, stop };
  } catch (error) {
    // The start failure is the error to report; a failure to stop is only logged.
    await stop().catch((stopError) => log(`${stopError.message} ${stopError.errors.map((each) => each.message).join('; ')}`));
    throw error;
  }
}

async function startS3rverTarget(log, stops) {
  const { startS3rver, S3RVER_CREDENTIALS } = await importTypeScript('test/helpers/s3rver.ts');
  const s3rver = await startS3rver();
  stops.push(() => s3rver.stop());

  const target = { endpoint: s3rver.endpoint, bucket: 'runtimes', region: 'us-east-1', ...S3RVER_CREDENTIALS };
  await createBucket(target);
  log(`s3rver is ready at ${target.endpoint}`);
  return target;
}

async function startVerifyingServer(log, stops) {
  const bucket = `nodb-runtimes-${randomUUID().slice(0, 8)}`;
  const endpoint = process.env.NODB_RGW_ENDPOINT;
  if (endpoint) {
    const accessKeyId = process.env.NODB_RGW_ACCESS_KEY_ID;
    const secretAccessKey = process.env.NODB_RGW_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error('NODB_RGW_ENDPOINT is set, so NODB_RGW_ACCESS_KEY_ID and NODB_RGW_SECRET_ACCESS_KEY must be set too.');
    }
    log(`Using the RGW at ${endpoint} from NODB_RGW_ENDPOINT`);
    const target = { endpoint, bucket, region: process.env.NODB_RGW_REGION ?? 'us-east-1', accessKeyId, secretAccessKey };
    await createBucket(target);
    return target;
  }

  let rgw;
  try {
    rgw = await startRgw({ log });
  } catch (error) {
    throw new Error(
      `Ceph RGW did not start, and the wrong-secret case needs a server that verifies signatures. ` +
        `Set NODB_RGW_ENDPOINT, NODB_RGW_ACCESS_KEY_ID and NODB_RGW_SECRET_ACCESS_KEY to use a running one. ` +
        `${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
  stops.push(() => rgw.stop());

  const target = {
    endpoint: rgw.endpoint,
    bucket,
    region: rgw.region,
    accessKeyId: rgw.accessKeyId,
    secretAccessKey: rgw.secretAccessKey,
  };
  await createBucket(target);
  return target;
}

/** Creates the target's bucket and sets its CORS rule, with signed requests. */
async function createBucket(target) {
  const client = new AwsClient({
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.secretAccessKey,
    service: 's3',
    region: target.region,
    retries: 0,
  });
  const bucketUrl = `${target.endpoint}/${target.bucket}`;

  await send(client, bucketUrl, { method: 'PUT' }, `Creating bucket ${target.bucket}`);
  await send(
    client,
    `${bucketUrl}?cors`,
    {
      method: 'PUT',
      body: CORS_CONFIGURATION,
      headers: {
        'content-type': 'application/xml',
        'content-md5': createHash('md5').update(CORS_CONFIGURATION).digest('base64'),
      },
    },
    `Setting the CORS rule of bucket ${target.bucket}`,
  );
}

async function send(client, url, init, step) {
  const response = await client.fetch(url, init);
  const body = await response.text();
  if (!response.ok) throw new Error(`${step} at ${url} failed with ${response.status}: ${body.slice(0, 500)}`);
}

/** Returns a port on 127.0.0.1 that nothing listens on: bound once, then released. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
