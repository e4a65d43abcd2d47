/**
 * What only a server that checks can prove: signatures, payload hashes,
 * presigned expiry, clock skew and RGW's conditional-write quirks. s3rver
 * accepts any signature and ignores conditions, so none of this runs there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, BucketNotFoundError, ConflictError, NoDB, S3Error, S3Store } from '../../src/index.js';
import { createRgwBucket, reopen, rgwServer } from '../helpers/rgw.js';
import { storedText } from '../helpers/stored.js';

const encoder = new TextEncoder();

describe('Ceph RGW conformance', () => {
  let store: S3Store;

  beforeAll(async () => {
    store = await createRgwBucket('conformance');
    await store.put('existing', encoder.encode('data'));
  });

  it('wrong secret is SignatureDoesNotMatch', async () => {
    const client = reopen(store, { credentials: { accessKeyId: rgwServer().credentials.accessKeyId, secretAccessKey: 'wrong-secret' } });

    for (const attempt of [() => client.get('existing'), () => client.put('x', encoder.encode('x')), () => client.listPage()]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).s3Code).toBe('SignatureDoesNotMatch');
      expect((error as Error).message).toContain('credentials.secretAccessKey');
    }
    expect(await store.head('x')).toBeNull();
  });

  it('unknown key id is InvalidAccessKeyId', async () => {
    const client = reopen(store, { credentials: { accessKeyId: 'NOSUCHKEY000', secretAccessKey: 'whatever' } });
    const error = await client.get('existing').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).s3Code).toBe('InvalidAccessKeyId');
    expect((error as Error).message).toContain('"NOSUCHKEY000"');
  });

  it('HEAD error classified by status', async () => {
    const client = reopen(store, { credentials: { accessKeyId: rgwServer().credentials.accessKeyId, secretAccessKey: 'wrong-secret' } });
    const error = await client.head('existing').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).status).toBe(403);
  });

  it('missing bucket names the bucket', async () => {
    const client = new S3Store({ bucket: 'no-such-bucket-here', endpoint: rgwServer().endpoint, credentials: rgwServer().credentials });
    const error = await client.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BucketNotFoundError);
    expect((error as Error).message).toContain('"no-such-bucket-here"');
  });

  it('altered body fails the payload hash', async () => {
    // A proxy that changes bytes in flight: the signed x-amz-content-sha256 no longer matches.
    const tamper: typeof fetch = (input, init) => {
      const body = init?.body instanceof Uint8Array ? Uint8Array.from(init.body, (byte) => byte ^ 1) : init?.body;
      return fetch(input, { ...init, body });
    };
    const client = reopen(store, { fetch: tamper, retry: { retries: 0 } });
    const error = await client.put('tampered', encoder.encode('original')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).s3Code).toBe('XAmzContentSHA256Mismatch');
    expect(await store.head('tampered')).toBeNull();
  });

  it('presigned GET and PUT work', async () => {
    const getUrl = await store.presign('GET', 'existing', { expiresIn: 60 });
    const read = await fetch(getUrl);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('data');

    const putUrl = await store.presign('PUT', 'via presigned PUT', { expiresIn: 60 });
    const write = await fetch(putUrl, { method: 'PUT', body: 'uploaded' });
    await write.body?.cancel();
    expect(write.status).toBe(200);
    const stored = await store.get('via presigned PUT');
    expect(storedText(stored)).toBe('uploaded');
  });

  it('expired presigned URL refused', async () => {
    const pastClock = reopen(store, { clockOffsetMs: -2 * 3600_000 });
    const url = await pastClock.presign('GET', 'existing', { expiresIn: 60 });
    const response = await fetch(url);
    const body = await response.text();

    expect(response.status).toBe(403);
    expect(body).toContain('AccessDenied');
  });

  it('tampered presigned URL refused', async () => {
    const url = await store.presign('GET', 'existing', { expiresIn: 60 });
    const response = await fetch(url.replace('/existing?', '/other?'));
    await response.body?.cancel();
    expect(response.status).toBe(403);
  });

  it('presigned PUT requires signed headers', async () => {
    const url = await store.presign('PUT', 'create-only', { expiresIn: 60, headers: { 'if-none-match': '*' } });

    const without = await fetch(url, { method: 'PUT', body: 'a' });
    await without.body?.cancel();
    expect(without.status).toBe(403);

    const first = await fetch(url, { method: 'PUT', body: 'a', headers: { 'if-none-match': '*' } });
    await first.body?.cancel();
    expect(first.status).toBe(200);

    const second = await fetch(url, { method: 'PUT', body: 'b', headers: { 'if-none-match': '*' } });
    await second.body?.cancel();
    expect(second.status).toBe(412);
  });

  it('presigned PUT pins content type', async () => {
    const url = await store.presign('PUT', 'typed', { expiresIn: 60, headers: { 'content-type': 'application/json' } });
    expect(url).toContain('content-type');

    const changed = await fetch(url, { method: 'PUT', body: '{}', headers: { 'content-type': 'text/html' } });
    await changed.body?.cancel();
    expect(changed.status).toBe(403);

    const kept = await fetch(url, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    await kept.body?.cancel();
    expect(kept.status).toBe(200);
  });

  it('skewed clock corrected once', async () => {
    const sent: number[] = [];
    const client = reopen(store, { clockOffsetMs: -3600_000, hooks: { beforeRequest: (request) => sent.push(request.attempt) } });

    expect(await client.head('existing')).not.toBeNull();
    expect(await client.head('existing')).not.toBeNull();
    // The first call was re-signed once; the second used the corrected clock.
    expect(sent).toEqual([1, 1, 1]);
  });

  it('quoted If-Match works through the quirk', async () => {
    const { etag } = await store.put('quirk', encoder.encode('v1'));
    expect(etag.startsWith('"')).toBe(true);

    const fresh = reopen(store);
    await fresh.put('quirk', encoder.encode('v2'), { ifMatch: etag });
    const stored = await store.get('quirk');
    expect(storedText(stored)).toBe('v2');

    await expect(fresh.put('quirk', encoder.encode('v3'), { ifMatch: etag })).rejects.toBeInstanceOf(ConflictError);
  });

  it('NoDB wrong secret is typed', async () => {
    const server = rgwServer();
    const db = new NoDB({ bucket: store.bucket, endpoint: server.endpoint, credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'nope' } });
    await expect(db.save({ id: 'x' })).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(db.load('x')).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
