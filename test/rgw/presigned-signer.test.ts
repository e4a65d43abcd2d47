/**
 * createSigner's URLs against Ceph RGW, which verifies every signature: a URL
 * works for exactly what was signed, and the server rejects it once its key,
 * method, query, expiry or a signed header is changed, or once it expired.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, PresignedStore, type PresignRequest, type S3Store } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';
import { createRgwBucket, rgwServer } from '../helpers/rgw.js';
import { storedText } from '../helpers/stored.js';

const ALL_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'] as const;

type Handler = ReturnType<typeof createSigner>;

/** Requests a URL from `handler` as a client would, and fails the test unless it responds with 200. */
async function signed(handler: Handler, request: Partial<PresignRequest>): Promise<{ url: string; headers: Record<string, string> }> {
  const response = await handler(
    new Request('http://127.0.0.1/sign', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ headers: {}, ...request }),
    }),
  );
  const body = (await response.json()) as { url: string; headers: Record<string, string>; message?: string };
  expect(response.status, body.message).toBe(200);
  return body;
}

/** Calls a URL and returns the status with the S3 error code, reading the whole body. */
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; code: string | undefined; text: string }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
}

describe('createSigner on Ceph RGW', () => {
  let store: S3Store;
  let handler: Handler;

  const signerFor = (overrides: Partial<Parameters<typeof createSigner>[0]> = {}) =>
    createSigner({
      bucket: store.bucket,
      endpoint: rgwServer().endpoint,
      region: rgwServer().region,
      credentials: rgwServer().credentials,
      prefix: 'p/',
      methods: [...ALL_METHODS],
      ...overrides,
    });

  beforeAll(async () => {
    store = await createRgwBucket('signer');
    await store.put('p/a', new TextEncoder().encode('alpha'));
    await store.put('p/b', new TextEncoder().encode('beta'));
    await store.put('outside', new TextEncoder().encode('hidden'));
    handler = signerFor();
  });

  it('signed GET works', async () => {
    const { url } = await signed(handler, { method: 'GET', key: 'p/a' });
    const result = await call(url);
    expect(result.status).toBe(200);
    expect(result.text).toBe('alpha');
  });

  it('changed key refused', async () => {
    const { url } = await signed(handler, { method: 'GET', key: 'p/a' });
    const result = await call(url.replace('/p%2Fa?', '/p%2Fb?'));
    expect(result.status).toBe(403);
    expect(result.code).toBe('SignatureDoesNotMatch');
  });

  it('changed method refused', async () => {
    const { url } = await signed(handler, { method: 'GET', key: 'p/a' });
    const result = await call(url, { method: 'DELETE' });
    expect(result.status).toBe(403);
    expect(await store.head('p/a')).not.toBeNull();
  });

  it('dropped signed header refused', async () => {
    const { url } = await signed(handler, { method: 'PUT', key: 'p/create-only', headers: { 'if-none-match': '*' } });

    const without = await call(url, { method: 'PUT', body: 'one' });
    expect(without.status).toBe(403);
    expect(without.code).toBe('SignatureDoesNotMatch');
    expect(await store.head('p/create-only')).toBeNull();

    const changed = await call(url, { method: 'PUT', body: 'one', headers: { 'if-none-match': '"abc"' } });
    expect(changed.status).toBe(403);

    const first = await call(url, { method: 'PUT', body: 'one', headers: { 'if-none-match': '*' } });
    expect(first.status).toBe(200);
    const second = await call(url, { method: 'PUT', body: 'two', headers: { 'if-none-match': '*' } });
    expect(second.status).toBe(412);
  });

  it('changed content type refused', async () => {
    const { url } = await signed(handler, { method: 'PUT', key: 'p/typed', headers: { 'content-type': 'application/json' } });
    const result = await call(url, { method: 'PUT', body: '<script>', headers: { 'content-type': 'text/html' } });
    expect(result.status).toBe(403);
    expect(await store.head('p/typed')).toBeNull();
  });

  it('changed listing prefix refused', async () => {
    const { url } = await signed(handler, { method: 'LIST', list: { prefix: 'p/' } });
    const inside = await call(url);
    expect(inside.status).toBe(200);
    expect(inside.text).toContain('<Key>p%2Fa</Key>');
    expect(inside.text).not.toContain('outside');

    const widened = await call(url.replace('prefix=p%2F', 'prefix='));
    expect(widened.status).toBe(403);
    expect(widened.text).not.toContain('outside');
  });

  it('raised expiry refused', async () => {
    const { url } = await signed(signerFor({ expiresIn: 60 }), { method: 'GET', key: 'p/a', expiresIn: 3600 });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    expect((await call(url)).status).toBe(200);

    const raised = await call(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=3600'));
    expect(raised.status).toBe(403);
  });

  it('expired URL refused', async () => {
    const { url } = await signed(signerFor({ expiresIn: 1 }), { method: 'GET', key: 'p/a' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const result = await call(url);
    expect(result.status).toBe(403);
    expect(result.code).toBe('AccessDenied');
  });

  it('dot segments stay in the key', async () => {
    const { url } = await signed(handler, { method: 'PUT', key: 'p/../outside' });
    expect(new URL(url).pathname).toBe(`/${store.bucket}/p%2F..%2Foutside`);
    expect((await call(url, { method: 'PUT', body: 'literal' })).status).toBe(200);

    const outside = await store.get('outside');
    expect(storedText(outside)).toBe('hidden');
    const literal = await store.get('p/../outside');
    expect(storedText(literal)).toBe('literal');
  });

  it('session token is signed', async () => {
    // RGW here has no STS, so it cannot tell a valid session token from any
    // other string. What it does check: the token is part of the signature.
    const credentials = { ...rgwServer().credentials, sessionToken: 'session-token/with+chars=' };
    const { url } = await signed(signerFor({ credentials }), { method: 'GET', key: 'p/a' });
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
    expect((await call(url)).status).toBe(200);

    const encodedToken = encodeURIComponent(credentials.sessionToken);
    const changed = await call(url.replace(encodedToken, encodeURIComponent('another-token')));
    expect(changed.status).toBe(403);
    expect(changed.code).toBe('SignatureDoesNotMatch');
    const removed = await call(url.replace(`X-Amz-Security-Token=${encodedToken}&`, '').replace(`&X-Amz-Security-Token=${encodedToken}`, ''));
    expect(removed.status).toBe(403);
  });

  it('wrong signer secret is typed', async () => {
    const wrong = signerFor({ credentials: { ...rgwServer().credentials, secretAccessKey: 'wrong-secret' } });
    const client = new PresignedStore({ signer: functionSigner(wrong), bucket: store.bucket, retry: { retries: 0 } });

    const error = await client.get('p/a').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).s3Code).toBe('SignatureDoesNotMatch');
    expect((error as Error).message).toContain("the signer's secret key");
  });

  it('unknown signer key id is typed', async () => {
    const unknown = signerFor({ credentials: { accessKeyId: 'NOSUCHKEY000', secretAccessKey: 'whatever' } });
    const client = new PresignedStore({ signer: functionSigner(unknown), bucket: store.bucket, retry: { retries: 0 } });

    const error = await client.head('p/a').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).status).toBe(403);

    const listing = await client.listPage({ prefix: 'p/' }).catch((caught: unknown) => caught);
    expect(listing).toBeInstanceOf(AccessDeniedError);
    expect((listing as Error).message).toContain('"NOSUCHKEY000"');
  });

  it('outside prefix refused by signer', async () => {
    const client = new PresignedStore({ signer: functionSigner(handler), bucket: store.bucket });
    const error = await client.get('outside').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toContain('outside the prefix');
  });
});

/** Calls a signer handler in-process, and turns its 403 responses into errors as the endpoint form would. */
function functionSigner(handler: Handler) {
  return async (request: PresignRequest) => {
    const response = await handler(
      new Request('http://127.0.0.1/sign', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      }),
    );
    const body = (await response.json()) as { url: string; message?: string };
    if (response.status === 403) throw new AccessDeniedError(body.message ?? 'denied');
    return body;
  };
}
