/**
 * S3Store when a module it loads on demand arrives late, and when fetch
 * itself never settles: a response that arrived stays that response, and
 * timeouts and aborts still end the call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';

/** How late a delayed module arrives: longer than the attempt timeout below. */
const MODULE_DELAY_MS = 150;
const ATTEMPT_TIMEOUT_MS = 50;

async function loadLibrary() {
  const { S3Store } = await import('../../src/store/s3.js');
  const errors = await import('../../src/errors.js');
  return { S3Store, ...errors };
}

/** Returns a fetch that responds to each request with the next of `replies`, and the methods it received. */
function scripted(replies: Array<() => Response>) {
  const methods: string[] = [];
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
    methods.push(init?.method ?? 'GET');
    const reply = replies.shift();
    if (reply === undefined) throw new Error('no reply left for this request');
    return reply();
  };
  return { fetch, methods };
}

/** Makes the module at `path` arrive MODULE_DELAY_MS late in every test of the enclosing describe. */
function delayModule(path: string) {
  beforeEach(() => {
    vi.resetModules();
    vi.doMock(path, async (importOriginal) => {
      await new Promise((resolve) => setTimeout(resolve, MODULE_DELAY_MS));
      return importOriginal();
    });
  });

  afterEach(() => {
    vi.doUnmock(path);
  });
}

/** Aborts a get() after 10 ms and checks that it rejects with the abort reason before a delayed module arrives. */
async function expectPromptAbort(store: { get(key: string, options: { signal: AbortSignal }): Promise<unknown> }) {
  const controller = new AbortController();
  const reason = new Error('caller gave up');

  setTimeout(() => controller.abort(reason), 10);
  const started = Date.now();
  await expect(store.get('k', { signal: controller.signal })).rejects.toBe(reason);
  expect(Date.now() - started).toBeLessThan(MODULE_DELAY_MS);
}

describe('S3Store with a slow retry module', () => {
  delayModule('../../src/store/s3-retry.js');

  const retry = { attemptTimeoutMs: ATTEMPT_TIMEOUT_MS, baseDelayMs: 1 };

  it('reports a 403 once, not as a timeout', async () => {
    const { S3Store, AccessDeniedError } = await loadLibrary();
    const server = scripted([() => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 })]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(server.methods).toEqual(['GET']);
  });

  it('reports a rejected conditional write as a conflict', async () => {
    const { S3Store, ConflictError } = await loadLibrary();
    const server = scripted([
      () => new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 }),
      () => new Response(null, { status: 200, headers: { etag: '"theirs"' } }),
    ]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry });

    const error = await store.put('k', new Uint8Array(1), { ifNoneMatch: '*' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(server.methods).toEqual(['PUT', 'HEAD']);
  });

  it('reports a refused connection as a network failure', async () => {
    const { S3Store, NetworkError } = await loadLibrary();
    const fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch, retry: { ...retry, retries: 0 } });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
  });

  it('corrects clock skew within the first attempt', async () => {
    const { S3Store } = await loadLibrary();
    const serverDate = new Date(Date.now() + 3_600_000).toUTCString();
    const server = scripted([
      () => new Response('<Error><Code>RequestTimeTooSkewed</Code></Error>', { status: 403, headers: { date: serverDate } }),
      () => new Response('abc', { status: 200, headers: { etag: '"e"' } }),
    ]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { ...retry, retries: 0 } });

    expect(await store.get('k')).toMatchObject({ modified: true, etag: '"e"' });
    expect(server.methods).toEqual(['GET', 'GET']);
  });

  it('rejects at once on abort while the module loads', async () => {
    const { S3Store } = await loadLibrary();
    const server = scripted([() => new Response(null, { status: 503 })]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry });

    await expectPromptAbort(store);
  });
});

describe('S3Store with a fetch that ignores its signal', () => {
  it('ends at the deadline', async () => {
    const { S3Store, TimeoutError } = await loadLibrary();
    const fetch = () => new Promise<Response>(() => undefined);
    const store = new S3Store({
      bucket: 'b',
      endpoint,
      credentials,
      fetch,
      retry: { attemptTimeoutMs: 20, deadlineMs: 100, baseDelayMs: 1 },
    });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ key: 'k', bucket: 'b' });
  });
});

describe('S3Store with a slow transport module', () => {
  delayModule('../../src/store/s3-transport.js');

  it('rejects at once on abort while it loads', async () => {
    const { S3Store } = await loadLibrary();
    const server = scripted([() => new Response('abc', { status: 200, headers: { etag: '"e"' } })]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });

    await expectPromptAbort(store);
    // The abort ended only that caller's wait, not the load.
    expect(await store.get('k')).toMatchObject({ modified: true, etag: '"e"' });
    expect(server.methods).toEqual(['GET']);
  });

  it('rejects an aborted signal before loading', async () => {
    const { S3Store } = await loadLibrary();
    const server = scripted([]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    const reason = new Error('already aborted');

    await expect(store.listPage({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.methods).toEqual([]);
  });
});
