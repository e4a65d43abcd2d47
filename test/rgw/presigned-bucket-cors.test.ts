/**
 * Bucket setup for browser apps on Ceph RGW: ensureBucket, and the CORS rule
 * that putCors writes. Browsers preflight every signed or presigned request
 * that carries headers, and hide response headers the rule does not expose,
 * so the preflight responses and the exposed headers are checked here the
 * way a browser reads them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../../src/index.js';
import { EXPOSED_HEADERS, SIGNED_REQUEST_HEADERS } from '../../src/store/s3-bucket.js';
import { createRgwBucket, rgwServer } from '../helpers/rgw.js';

const APP = 'http://127.0.0.1:5173';
const OTHER_APP = 'http://127.0.0.1:4173';

/** What a browser sends before a signed, conditional PUT with metadata. */
const SIGNED_PUT_HEADERS = [
  'authorization',
  'content-type',
  'if-match',
  'if-none-match',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-meta-nodb-write-id',
  'x-amz-security-token',
];

async function preflight(url: string, origin: string, method: string, headers: string[]): Promise<Response> {
  const response = await fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      ...(headers.length > 0 ? { 'access-control-request-headers': headers.join(',') } : {}),
    },
  });
  await response.body?.cancel();
  return response;
}

/** Splits a comma-separated header into lowercase names. */
function names(value: string | null): string[] {
  return (value ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
}

describe('bucket CORS on Ceph RGW', () => {
  let store: S3Store;

  beforeAll(async () => {
    store = await createRgwBucket('cors');
    await store.putCors({ origins: [APP, OTHER_APP] });
    await store.put('record', new TextEncoder().encode('{}'));
  });

  it('ensureBucket creates once', async () => {
    const server = rgwServer();
    const fresh = new S3Store({ bucket: `${store.bucket}-second`, endpoint: server.endpoint, region: server.region, credentials: server.credentials });
    expect(await fresh.ensureBucket()).toBe(true);
    expect(await fresh.ensureBucket()).toBe(false);
    await fresh.put('k', new TextEncoder().encode('v'));
    expect(await fresh.head('k')).not.toBeNull();
  });

  it('preflight allows signed PUT headers', async () => {
    const response = await preflight(store.objectUrl('record'), APP, 'PUT', SIGNED_PUT_HEADERS);

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(names(response.headers.get('access-control-allow-methods'))).toContain('put');
    const allowed = names(response.headers.get('access-control-allow-headers'));
    for (const header of SIGNED_PUT_HEADERS) expect(allowed, header).toContain(header);
    expect(response.headers.get('access-control-max-age')).toBe('3600');
  });

  it('preflight allows every default method', async () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
      const response = await preflight(store.objectUrl('record'), OTHER_APP, method, ['if-match']);
      expect(response.status, method).toBe(200);
      expect(response.headers.get('access-control-allow-origin'), method).toBe(OTHER_APP);
    }
  });

  it('default headers cover signed requests', () => {
    for (const header of SIGNED_PUT_HEADERS) {
      const covered = SIGNED_REQUEST_HEADERS.some((allowed) => allowed === header || (allowed.endsWith('*') && header.startsWith(allowed.slice(0, -1))));
      expect(covered, header).toBe(true);
    }
  });

  it('responses expose ETag', async () => {
    const response = await fetch(store.objectUrl('record'), { method: 'HEAD', headers: { origin: APP } });
    expect(response.status).toBe(403);
    await response.body?.cancel();

    // A presigned GET is what a browser sends without credentials.
    const url = await store.presign('GET', 'record', { expiresIn: 60 });
    const read = await fetch(url, { headers: { origin: APP } });
    await read.body?.cancel();
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe(APP);
    const exposed = names(read.headers.get('access-control-expose-headers'));
    expect(exposed).toContain('etag');
    for (const header of EXPOSED_HEADERS) expect(exposed, header).toContain(header.toLowerCase());
    expect(read.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('other origin refused', async () => {
    const response = await preflight(store.objectUrl('record'), 'http://127.0.0.1:9999', 'PUT', ['content-type']);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('unlisted header refused', async () => {
    const response = await preflight(store.objectUrl('record'), APP, 'PUT', ['x-not-in-the-rule']);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rule without ETag hides it', async () => {
    const bare = await createRgwBucket('cors-bare');
    await bare.putCors({ origins: [APP], exposeHeaders: ['x-amz-request-id'] });
    await bare.put('record', new TextEncoder().encode('{}'));

    const url = await bare.presign('GET', 'record', { expiresIn: 60 });
    const read = await fetch(url, { headers: { origin: APP } });
    await read.body?.cancel();
    expect(read.headers.get('access-control-allow-origin')).toBe(APP);
    expect(names(read.headers.get('access-control-expose-headers'))).toEqual(['x-amz-request-id']);
  });

  it('putCors replaces the rule', async () => {
    const bucket = await createRgwBucket('cors-replace');
    await bucket.putCors({ origins: [APP] });
    expect((await preflight(bucket.objectUrl('k'), APP, 'GET', [])).status).toBe(200);

    await bucket.putCors({ origins: [OTHER_APP], methods: ['GET'] });
    expect((await preflight(bucket.objectUrl('k'), APP, 'GET', [])).status).toBe(403);
    expect((await preflight(bucket.objectUrl('k'), OTHER_APP, 'GET', [])).status).toBe(200);
    expect((await preflight(bucket.objectUrl('k'), OTHER_APP, 'PUT', [])).status).toBe(403);
  });
});
