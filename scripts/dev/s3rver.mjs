/**
 * s3rver on 127.0.0.1 with a bucket that browsers may call: the S3 server of
 * the dev stack.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import S3rver from 's3rver';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';

/** s3rver's built-in account, from its README. s3rver checks the access key id but not the signature. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * CORS rule of the bucket: any origin may send signed requests. A browser
 * hides response headers that the rule does not expose, and NoDB needs the
 * ETag of every PUT and GET, so the rule exposes it as an AWS S3 or R2 bucket
 * for a browser app must. s3rver 3.7.1 honours ExposeHeader.
 */
const CORS_RULE = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
    <ExposeHeader>x-amz-version-id</ExposeHeader>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver on 127.0.0.1 with its objects under `directory`, and creates
 * `bucket` with the CORS rule above unless it exists (its rule is rewritten).
 * Port 0 picks a free port, and any other port falls back to a free one when
 * it is taken. Returns { endpoint, port, stop }.
 */
export async function startS3rver({ directory, bucket, port }) {
  if (!isKeyPathEscapingInstalled()) {
    throw new Error(
      "s3rver's FilesystemStore key-path escaping is not installed: import test/helpers/s3rver.ts " +
        '(through load-typescript.mjs) before starting s3rver.',
    );
  }

  await mkdir(directory, { recursive: true });
  const listenPort = port !== 0 && (await isPortFree(port)) ? port : 0;
  const server = new S3rver({
    address: '127.0.0.1',
    port: listenPort,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [CORS_RULE] }],
  });

  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return { endpoint, port: address.port, stop: () => server.close() };
}

/**
 * True when the test helper's patch is active: unpatched s3rver keeps an
 * empty key segment as an empty path segment, so "a//b" collapses to "a/b".
 */
function isKeyPathEscapingInstalled() {
  return FilesystemStore.encodeKeyPath('a//b') !== 'a//b';
}

/**
 * Checks whether `port` on 127.0.0.1 is free by listening on it briefly.
 * When its port is taken, s3rver's run() does not reject: the server emits an
 * unhandled 'error' event that ends the process. Another process may still
 * take the port between this check and run().
 */
function isPortFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
