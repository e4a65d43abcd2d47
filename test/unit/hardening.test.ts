/**
 * Defects found by hostile testing, each pinned by a test: servers that
 * misbehave, options at their limits, and retries whose outcome is unknown.
 */
import { describe, expect, it } from 'vitest';
import {
  BucketNotFoundError,
  ConflictError,
  InvalidOptionsError,
  MemoryStore,
  NoDB,
  OutcomeUnknownError,
  ProtocolError,
  S3Error,
  S3Store,
  TimeoutError,
} from '../../src/index.js';
import { decodeEntities } from '../../src/store/s3-xml.js';
import { collect } from '../helpers/collect.js';
import { parseList } from '../helpers/list-page.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

type Handler = (request: Request, count: number) => Response | Promise<Response>;

function server(handler: Handler) {
  const seen: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.pathname}${url.search}`);
    return handler(request, seen.length);
  };
  return { fetch, seen };
}

const listing = (keys: string[], extra: string) =>
  `<ListBucketResult>${keys.map((key) => `<Contents><Key>${key}</Key></Contents>`).join('')}${extra}</ListBucketResult>`;

describe('listing defenses', () => {
  it('rejects alternating tokens', async () => {
    const fake = server((_request, count) =>
      new Response(listing([`k${count}`], `<IsTruncated>true</IsTruncated><NextContinuationToken>${count % 2 ? 'A' : 'B'}</NextContinuationToken>`)),
    );
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch });

    await expect(collect(store.list())).rejects.toThrowError(/returned before/);
    expect(fake.seen.length).toBe(3);
  });

  it('rejects keys outside the prefix', async () => {
    const fake = server(() => new Response(listing(['p/ok', '../../secret'], '<IsTruncated>false</IsTruncated>')));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch });
    await expect(collect(store.list({ prefix: 'p/' }))).rejects.toThrowError(ProtocolError);
  });

  it('rejects a cut-off page', async () => {
    await expect(parseList('<ListBucketResult><Contents><Key>a</Key></Contents><Contents><Key>b', 'b')).rejects.toThrowError(/incomplete/);
    await expect(parseList('<ListBucketResult><Contents><Key>a</Key></Contents></ListBucketResult>', 'b')).rejects.toThrowError(ProtocolError);
  });

  it('rejects malformed URL encoding', async () => {
    const page = listing(['%E0%A4%A'], '<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>');
    await expect(parseList(page, 'b')).rejects.toThrowError(ProtocolError);
  });

  it('keeps references beyond Unicode', () => {
    expect(decodeEntities('&#x110000;&#65;')).toBe('&#x110000;A');
  });
});

describe('transport defenses', () => {
  it('does not follow redirects', async () => {
    const fake = server(() => new Response(null, { status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch, retry: { retries: 0 } });

    const error = await store.get('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as Error).message).toContain('redirected to http://127.0.0.1:1/elsewhere');
    expect(fake.seen.length).toBe(1);
  });

  it('bounds an attempt by the deadline', async () => {
    const fake = server((request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch, retry: { attemptTimeoutMs: 5000, deadlineMs: 200 } });

    const started = Date.now();
    await expect(store.get('k')).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('missing bucket on HEAD is not absent', async () => {
    const fake = server(() => new Response(null, { status: 404 }));
    const store = new S3Store({ bucket: 'gone', endpoint, credentials, fetch: fake.fetch });

    await expect(store.head('k')).rejects.toBeInstanceOf(BucketNotFoundError);
    expect(fake.seen).toEqual(['HEAD /gone/k', 'HEAD /gone']);
  });

  it('checks the bucket once', async () => {
    const fake = server((request) => new Response(null, { status: new URL(request.url).pathname === '/b' ? 200 : 404 }));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch });

    expect(await store.head('x')).toBeNull();
    expect(await store.head('y')).toBeNull();
    expect(fake.seen).toEqual(['HEAD /b/x', 'HEAD /b', 'HEAD /b/y']);
  });

  it('retried conditional PUT is outcome unknown', async () => {
    // The first PUT lands but its response is lost. Another client writes, and the retry meets that write.
    const fake = server((request, count) => {
      if (count === 1) throw new TypeError('fetch failed');
      if (request.method === 'PUT') return new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 });
      return new Response(null, { status: 200, headers: { etag: '"other"', 'x-amz-meta-nodb-write-id': 'someone-else' } });
    });
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: fake.fetch, retry: fast });

    const error = await store.put('k', new Uint8Array([1]), { ifMatch: '"before"' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(ConflictError);
  });

  it('conditional PUT to missing bucket', async () => {
    const fake = server(() => new Response('<Error><Code>NoSuchBucket</Code></Error>', { status: 404 }));
    const store = new S3Store({ bucket: 'gone', endpoint, credentials, fetch: fake.fetch });
    await expect(store.put('k', new Uint8Array([1]), { ifMatch: '"abc"' })).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});

describe('option limits', () => {
  const invalidStores: Array<[string, object]> = [
    ['NaN clock offset', { clockOffsetMs: Number.NaN }],
    ['huge clock offset', { clockOffsetMs: 1e16 }],
    ['string clock offset', { clockOffsetMs: '5' }],
    ['infinite attempt timeout', { retry: { attemptTimeoutMs: Number.POSITIVE_INFINITY } }],
    ['attempt timeout past timers', { retry: { attemptTimeoutMs: 2 ** 31 } }],
    ['max delay past timers', { retry: { maxDelayMs: 2 ** 40 } }],
  ];

  for (const [name, extra] of invalidStores) {
    it(`rejects ${name}`, () => {
      expect(() => new S3Store({ bucket: 'b', endpoint, credentials, ...extra } as never)).toThrowError(InvalidOptionsError);
    });
  }

  it('rejects the lock prefix', () => {
    expect(() => new NoDB({ store: new MemoryStore(), prefix: '.nodb-locks/' })).toThrowError(/must not start with ".nodb-locks\/"/);
  });

  it('rejects a lock TTL past timers', async () => {
    const db = new NoDB({ store: new MemoryStore() });
    await expect(db.lock('x', { ttl: 1e16 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(db.lock('x', { wait: Number.NaN })).rejects.toThrowError(/not NaN/);
  });

  it('withLock keeps the work error', async () => {
    const store = new MemoryStore();
    const db = new NoDB({ store });
    const failure = new Error('work failed');

    const error = await db
      .withLock('x', async (lock) => {
        // Another client takes the lease over, so the release fails too.
        await store.put(lock.key, new TextEncoder().encode('{"owner":"o","token":9,"expiresAt":0,"released":true}'));
        throw failure;
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors[0]).toBe(failure);
    expect((error as AggregateError).errors[1]).toBeInstanceOf(ConflictError);
  });
});
