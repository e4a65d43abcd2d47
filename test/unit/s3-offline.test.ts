/**
 * S3Store when the modules it loads on demand cannot load, as in a browser
 * that went offline: the success path and conditional writes need none of
 * them, and every failure is still a typed error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';

/** Modules that load on demand, made to fail as a chunk that cannot be fetched. */
const UNAVAILABLE = ['../../src/store/s3-retry.js', '../../src/store/s3-conditional.js', '../../src/store/s3-errors.js'];

async function loadStore() {
  const { S3Store } = await import('../../src/store/s3.js');
  const { NetworkError, S3Error, TimeoutError } = await import('../../src/errors.js');
  return { S3Store, NetworkError, S3Error, TimeoutError };
}

describe('S3Store offline', () => {
  beforeEach(() => {
    vi.resetModules();
    for (const path of UNAVAILABLE) {
      vi.doMock(path, () => {
        throw new TypeError('Failed to fetch dynamically imported module');
      });
    }
  });

  afterEach(() => {
    for (const path of UNAVAILABLE) vi.doUnmock(path);
  });

  it('reads without the retry module', async () => {
    const { S3Store } = await loadStore();
    const fetch = async () => new Response('abc', { status: 200, headers: { etag: '"e"' } });
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    const stored = await store.get('k');
    expect(stored).toMatchObject({ modified: true, etag: '"e"' });
  });

  it('reports a network failure', async () => {
    const { S3Store, NetworkError } = await loadStore();
    const cause = new TypeError('fetch failed');
    const fetch = async () => {
      throw cause;
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`GET to ${endpoint} failed before a response arrived.`);
    expect((error as Error).cause).toBe(cause);
    expect(error).toMatchObject({ key: 'k', bucket: 'b' });
  });

  it('rethrows the abort reason', async () => {
    const { S3Store } = await loadStore();
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const fetch = async () => {
      controller.abort(reason);
      throw new DOMException('aborted', 'AbortError');
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    await expect(store.get('k', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('writes conditionally without those modules', async () => {
    const { S3Store } = await loadStore();
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'HEAD') return new Response(null, { status: 200, headers: { etag: '"old"' } });
      expect(headers.get('if-match') ?? headers.get('if-none-match')).not.toBeNull();
      return new Response(null, { status: 200, headers: { etag: '"new"' } });
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    expect(await store.put('k', new Uint8Array(1), { ifNoneMatch: '*' })).toEqual({ etag: '"new"' });
    expect(await store.put('k', new Uint8Array(1), { ifMatch: '"old"' })).toEqual({ etag: '"new"' });
    await expect(store.delete('k', { ifMatch: '"old"' })).resolves.toBeUndefined();
  });

  it('reports an error response with its status', async () => {
    const { S3Store, S3Error } = await loadStore();
    const fetch = async () => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 403, key: 'k', bucket: 'b' });
    expect((error as Error).message).toContain(`GET to ${endpoint} failed with HTTP 403, and the module`);
  });

  it('reports a timed-out attempt', async () => {
    const { S3Store, TimeoutError } = await loadStore();
    const fetch = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch, retry: { attemptTimeoutMs: 20 } });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(`GET to ${endpoint} timed out after 20 ms.`);
  });

  it('reports a failed conditional write as the server sent it', async () => {
    const { S3Store, S3Error } = await loadStore();
    const fetch = async () => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    const error = await store.put('k', new Uint8Array(1), { ifNoneMatch: '*' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 403 });
  });
});

describe('PresignedStore offline', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.doMock('../../src/store/presigned-errors.js', () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
  });

  afterEach(() => {
    vi.doUnmock('../../src/store/presigned-errors.js');
  });

  it('reports an error response once with its status', async () => {
    const { PresignedStore } = await import('../../src/store/presigned.js');
    const { S3Error } = await import('../../src/errors.js');
    let requests = 0;
    const fetch = async () => {
      requests += 1;
      return new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 });
    };
    const signer = async () => ({ url: `${endpoint}/b/k?X-Amz-Signature=0` });
    const store = new PresignedStore({ signer, fetch });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 403, key: 'k' });
    expect(requests).toBe(1);
  });
});

describe('S3Store without its transport module', () => {
  /** Imports of the transport module so far. The mock fails the first `failures` of them. */
  let loads = 0;
  let failures = 0;

  beforeEach(() => {
    vi.resetModules();
    loads = 0;
    vi.doMock('../../src/store/s3-transport.js', async (importOriginal) => {
      loads += 1;
      if (loads <= failures) throw new TypeError('Failed to fetch dynamically imported module');
      return importOriginal();
    });
  });

  afterEach(() => {
    vi.doUnmock('../../src/store/s3-transport.js');
  });

  it('leaves no unhandled rejection', async () => {
    failures = Infinity;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { S3Store } = await loadStore();
      new S3Store({ bucket: 'b', endpoint, credentials });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }

    expect(loads).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('fails a request with a NetworkError', async () => {
    failures = Infinity;
    const { S3Store, NetworkError } = await loadStore();
    let requests = 0;
    const fetch = async () => {
      requests += 1;
      return new Response('abc', { status: 200 });
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('nodb could not load one of its modules');
    expect(requests).toBe(0);
    await expect(store.listPage()).rejects.toBeInstanceOf(NetworkError);
    await expect(store.ensureBucket()).rejects.toBeInstanceOf(NetworkError);
  });

  it('loads again after a failed load', async () => {
    failures = 1;
    const { S3Store, NetworkError } = await loadStore();
    const fetch = async () => new Response('abc', { status: 200, headers: { etag: '"e"' } });
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });

    // The constructor's load fails; the first request waits for it and fails with it.
    await expect(store.get('k')).rejects.toBeInstanceOf(NetworkError);
    expect(await store.get('k')).toMatchObject({ modified: true, etag: '"e"' });
    expect(loads).toBe(2);
  });

  it('presigns without the transport', async () => {
    failures = Infinity;
    const { S3Store } = await loadStore();
    const store = new S3Store({ bucket: 'b', endpoint, credentials });

    const url = new URL(await store.presign('GET', 'k'));
    expect(url.pathname).toBe('/b/k');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
  });
});
