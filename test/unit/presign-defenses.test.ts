/**
 * Defects found by hostile testing of the presigned path, each pinned by a
 * test: dot keys, signers that hang, redirect or flood, and signer headers
 * that would replace the store's own.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, NetworkError, PresignedStore, ProtocolError, S3Store, TimeoutError } from '../../src/index.js';
import { createSigner } from '../../src/signer-entry.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';

describe('dot keys', () => {
  for (const key of ['.', '..']) {
    it(`S3Store rejects ${JSON.stringify(key)}`, async () => {
      const sent: string[] = [];
      const fetch = async (input: RequestInfo | URL) => {
        sent.push(String(input));
        return new Response(null, { status: 200, headers: { etag: '"e"' } });
      };
      const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(store.put(key, new Uint8Array([1]))).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidOptionsError);
      await expect(store.presign('GET', key)).rejects.toBeInstanceOf(InvalidOptionsError);
      expect(sent).toEqual([]);
    });

    it(`signer rejects ${JSON.stringify(key)}`, async () => {
      const handler = createSigner({ bucket: 'b', endpoint, credentials, prefix: '', methods: ['GET', 'DELETE'] });
      for (const method of ['GET', 'DELETE']) {
        const response = await handler(
          new Request('http://127.0.0.1:8787/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, key }) }),
        );
        expect(response.status, method).toBe(400);
      }
    });
  }

  it('listing prefix "." still works', async () => {
    const sent: string[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      sent.push(new URL(String(input)).search);
      return new Response('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>');
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });
    await store.listPage({ prefix: '.' });
    expect(sent[0]).toContain('prefix=.');
  });
});

describe('signer handler defenses', () => {
  it('throwing onRejected keeps the rejection', async () => {
    const handler = createSigner({
      bucket: 'b',
      endpoint,
      credentials,
      prefix: 'p/',
      onRejected: () => {
        throw new Error('logger down');
      },
    });
    const response = await handler(
      new Request('http://127.0.0.1:8787/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'GET', key: 'outside' }) }),
    );
    expect(response.status).toBe(403);
  });
});

describe('signer client defenses', () => {
  it('times out a signer that hangs', async () => {
    const store = new PresignedStore({ signer: () => new Promise(() => {}), retry: { retries: 0, attemptTimeoutMs: 100 } });
    const started = Date.now();
    await expect(store.get('k')).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not follow signer redirects', async () => {
    const calls: RequestInit[] = [];
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init!);
      if (init?.redirect === 'error') throw new TypeError('fetch failed: redirect mode is set to error');
      return Response.json({ url: 'http://127.0.0.1:1/elsewhere' });
    };
    const store = new PresignedStore({ signer: 'http://127.0.0.1:8787/sign', fetch, retry: { retries: 0 } });

    await expect(store.get('k')).rejects.toBeInstanceOf(NetworkError);
    expect(calls[0]!.redirect).toBe('error');
  });

  it('rejects a flood from the signer', async () => {
    const fetch = async () => new Response('x'.repeat(200_000), { headers: { 'content-type': 'application/json' } });
    const store = new PresignedStore({ signer: 'http://127.0.0.1:8787/sign', fetch, retry: { retries: 0 } });
    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/over 65536 bytes/);
  });

  it('signer headers do not replace conditions', async () => {
    const sent: Headers[] = [];
    const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers));
      return new Response(null, { status: 200, headers: { etag: '"e"' } });
    };
    const store = new PresignedStore({
      signer: async () => ({ url: 'http://127.0.0.1:9000/b/k?X-Amz-Signature=x', headers: { 'if-none-match': 'nope', 'x-extra': '1' } }),
      fetch,
    });

    await store.put('k', new Uint8Array([1]), { ifNoneMatch: '*' });
    expect(sent[0]!.get('if-none-match')).toBe('*');
    expect(sent[0]!.get('x-extra')).toBe('1');
  });

  it('garbage from signer is ProtocolError', async () => {
    const store = new PresignedStore({ signer: async () => ({ url: 'javascript:alert(1)' }) as never, retry: { retries: 0 } });
    await expect(store.get('k')).rejects.toBeInstanceOf(ProtocolError);
  });
});
