/**
 * S3Store when the modules it loads on demand cannot load, as in a browser
 * that went offline: the success path needs none of them, and a request
 * without a response still fails with a NetworkError.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';

async function loadStore() {
  const { S3Store } = await import('../../src/store/s3.js');
  const { NetworkError } = await import('../../src/errors.js');
  return { S3Store, NetworkError };
}

describe('S3Store offline', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.doMock('../../src/store/s3-retry.js', () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
  });

  afterEach(() => {
    vi.doUnmock('../../src/store/s3-retry.js');
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
});
