/**
 * PresignedStore against a fake signer and a fake fetch: what it requests from
 * the signer, and what it sends with each URL. Also how it retries, with a new
 * URL per attempt, and how it reports failures of the signer and the server.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  InvalidOptionsError,
  NetworkError,
  OutcomeUnknownError,
  PresignedStore,
  type PresignFunction,
  type PresignRequest,
  ProtocolError,
  S3Error,
} from '../../src/index.js';
import { expectStored } from '../helpers/stored.js';

const S3 = 'http://127.0.0.1:9000/b';
const SIGNER_URL = 'http://127.0.0.1:8787/sign';
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

type Reply = Response | Error | ((request: Request) => Response | Promise<Response>);

/** Returns a fake server that records every request and responds with `replies` in order (the last one repeats). */
function fakeFetch(replies: Reply[]) {
  const requests: Request[] = [];
  const inits: RequestInit[] = [];
  const answered: Response[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    inits.push(init ?? {});
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    const response = typeof reply === 'function' ? await reply(request) : reply.clone();
    answered.push(response);
    return response;
  };
  return { fetch, requests, inits, bodiesLeftOpen: () => answered.filter((response) => response.body && !response.bodyUsed).length };
}

/** A signer function that records each request and returns numbered URLs. */
function fakeSigner(answer: (request: PresignRequest, count: number) => { url: string; headers?: Record<string, string> } = defaultUrl) {
  const requests: PresignRequest[] = [];
  const signer: PresignFunction = async (request) => {
    requests.push(structuredClone(request));
    return answer(request, requests.length);
  };
  return { signer, requests };
}

function defaultUrl(request: PresignRequest, count: number) {
  const path = request.method === 'LIST' ? '' : `/${encodeURIComponent(request.key!)}`;
  return { url: `${S3}${path}?X-Amz-Signature=${count}` };
}

const ok = (headers: Record<string, string> = { etag: '"e1"' }, body: string | null = '') => new Response(body, { status: 200, headers });
const error = (status: number, code: string) => new Response(`<Error><Code>${code}</Code><BucketName>b</BucketName></Error>`, { status });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('PresignedStore requests', () => {
  it('asks the signer per operation', async () => {
    const { signer, requests } = fakeSigner();
    const server = fakeFetch([
      ok({ etag: '"e1"', 'x-amz-meta-owner': 'me', 'x-amz-meta-nodb-write-id': 'w' }, 'body'),
      ok({ etag: '"e1"', 'content-length': '4' }, null),
      ok(),
      new Response(null, { status: 204 }),
      ok({}, '<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>p%2Fa%20b</Key><Size>3</Size><ETag>"e"</ETag></Contents></ListBucketResult>'),
    ]);
    const store = new PresignedStore({ signer, bucket: 'b', fetch: server.fetch });

    const read = await store.get('p/a');
    const stored = expectStored(read);
    expect(new TextDecoder().decode(stored.body)).toBe('body');
    expect(stored.metadata).toEqual({ owner: 'me' });
    expect((await store.head('p/a'))?.size).toBe(4);
    await store.put('p/a', new TextEncoder().encode('x'), { contentType: 'text/plain', metadata: { owner: 'me' } });
    await store.delete('p/a');
    const page = await store.listPage({ prefix: 'p/', startAfter: 'p/0', continuationToken: 'tok', pageSize: 10 });
    expect(page.objects.map((info) => info.key)).toEqual(['p/a b']);

    expect(requests).toEqual([
      { method: 'GET', key: 'p/a', headers: {}, expiresIn: 60 },
      { method: 'HEAD', key: 'p/a', headers: {}, expiresIn: 60 },
      { method: 'PUT', key: 'p/a', headers: { 'content-type': 'text/plain', 'x-amz-meta-owner': 'me' }, expiresIn: 60 },
      { method: 'DELETE', key: 'p/a', headers: {}, expiresIn: 60 },
      { method: 'LIST', list: { maxKeys: 10, prefix: 'p/', startAfter: 'p/0', continuationToken: 'tok' }, headers: {}, expiresIn: 60 },
    ]);
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${S3}/p%2Fa?X-Amz-Signature=1`,
      `HEAD ${S3}/p%2Fa?X-Amz-Signature=2`,
      `PUT ${S3}/p%2Fa?X-Amz-Signature=3`,
      `DELETE ${S3}/p%2Fa?X-Amz-Signature=4`,
      `GET ${S3}?X-Amz-Signature=5`,
    ]);
    expect(server.requests[2]!.headers.get('content-type')).toBe('text/plain');
    expect(server.requests[2]!.headers.get('x-amz-meta-owner')).toBe('me');
    expect(server.inits.every((init) => init.cache === 'no-store')).toBe(true);
    expect(server.bodiesLeftOpen()).toBe(0);
  });

  it('signs the conditions it sends', async () => {
    const { signer, requests } = fakeSigner();
    const server = fakeFetch([
      ok(),
      ok(),
      new Response(null, { status: 304, headers: { etag: '"e1"' } }),
      ok({ etag: '"e1"' }, null),
      new Response(null, { status: 204 }),
    ]);
    const store = new PresignedStore({ signer, fetch: server.fetch });

    await store.put('k', new Uint8Array([1]), { ifNoneMatch: '*' });
    await store.put('k', new Uint8Array([1]), { ifMatch: 'e1' });
    expect(await store.get('k', { ifNoneMatch: 'e1' })).toEqual({ modified: false, key: 'k', etag: '"e1"' });
    await store.delete('k', { ifMatch: '"e1"' });

    const createOnly = requests[0]!.headers;
    expect(createOnly['if-none-match']).toBe('*');
    expect(createOnly['x-amz-meta-nodb-write-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[1]!.headers['if-match']).toBe('"e1"');
    expect(requests[2]!.headers).toEqual({ 'if-none-match': '"e1"' });
    expect(requests.slice(3).map((request) => [request.method, request.headers])).toEqual([
      ['HEAD', {}],
      ['DELETE', { 'if-match': '"e1"' }],
    ]);
    for (const [i, request] of requests.entries()) {
      for (const [name, value] of Object.entries(request.headers)) expect(server.requests[i]!.headers.get(name)).toBe(value);
    }
  });

  it('sends the signer headers too', async () => {
    const { signer } = fakeSigner((request, count) => ({ ...defaultUrl(request, count), headers: { 'x-amz-server-side-encryption': 'AES256' } }));
    const server = fakeFetch([ok()]);
    await new PresignedStore({ signer, fetch: server.fetch }).put('k', new Uint8Array([1]));
    expect(server.requests[0]!.headers.get('x-amz-server-side-encryption')).toBe('AES256');
  });

  it('asks again on every retry', async () => {
    const { signer, requests } = fakeSigner();
    const server = fakeFetch([error(503, 'SlowDown'), new TypeError('fetch failed'), ok({ etag: '"e"' }, 'v')]);
    const store = new PresignedStore({ signer, fetch: server.fetch, retry: fast });

    const read = await store.get('k');
    expect(read?.modified).toBe(true);
    expect(requests).toHaveLength(3);
    expect(server.requests.map((request) => new URL(request.url).searchParams.get('X-Amz-Signature'))).toEqual(['1', '2', '3']);
    expect(server.bodiesLeftOpen()).toBe(0);
  });

  it('calls hooks with the presigned URL', async () => {
    const events: string[] = [];
    const { signer } = fakeSigner();
    const server = fakeFetch([error(500, 'InternalError'), ok()]);
    const store = new PresignedStore({
      signer,
      fetch: server.fetch,
      retry: fast,
      hooks: {
        beforeRequest: (request) => events.push(`before ${request.method} ${request.url} ${request.attempt}`),
        beforeRetry: (event) => events.push(`retry ${event.method} ${event.key} ${event.attempt}`),
        afterResponse: (response) => events.push(`after ${response.status}`),
      },
    });
    await store.put('k', new Uint8Array([1]));
    expect(events).toEqual([
      `before PUT ${S3}/k?X-Amz-Signature=1 1`,
      'after 500',
      'retry PUT k 1',
      `before PUT ${S3}/k?X-Amz-Signature=2 2`,
      'after 200',
    ]);
  });
});

describe('PresignedStore signer endpoint', () => {
  it('posts the request as JSON', async () => {
    const server = fakeFetch([(request) => (request.url === SIGNER_URL ? json(200, { url: `${S3}/k?sig` }) : ok({ etag: '"e"' }, 'v'))]);
    const store = new PresignedStore({
      signer: SIGNER_URL,
      signerHeaders: async () => ({ authorization: 'Bearer session' }),
      signerCredentials: 'include',
      fetch: server.fetch,
      expiresIn: 30,
    });
    await store.get('k');

    const [post, get] = server.requests;
    expect(post!.method).toBe('POST');
    expect(post!.headers.get('content-type')).toBe('application/json');
    expect(post!.headers.get('authorization')).toBe('Bearer session');
    expect(server.inits[0]!.credentials).toBe('include');
    expect(await post!.json()).toEqual({ method: 'GET', key: 'k', headers: {}, expiresIn: 30 });
    expect(get!.url).toBe(`${S3}/k?sig`);
  });

  it('omits credentials unless set', async () => {
    const server = fakeFetch([(request) => (request.url === SIGNER_URL ? json(200, { url: `${S3}/k` }) : ok())]);
    await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch }).put('k', new Uint8Array([1]));
    expect('credentials' in server.inits[0]!).toBe(false);
  });

  it('signer 403 is not retried', async () => {
    const server = fakeFetch([json(403, { error: 'KeyOutsidePrefix', message: 'The key "q" is outside the prefix "p/" of this signer.' })]);
    const store = new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch, retry: fast });

    const failure = await store.get('q').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AccessDeniedError);
    expect((failure as Error).message).toContain('rejected GET "q" with 403: The key "q" is outside the prefix "p/"');
    expect((failure as AccessDeniedError).key).toBe('q');
    expect(server.requests).toHaveLength(1);
  });

  it('signer 400 is invalid options', async () => {
    const server = fakeFetch([json(400, { error: 'InvalidRequest', message: '"key" must not be empty.' })]);
    const failure = await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch, retry: fast }).head('').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(InvalidOptionsError);
    expect((failure as Error).message).toContain('"key" must not be empty.');
    expect(server.requests).toHaveLength(1);
  });

  it('signer 503 is retried', async () => {
    const server = fakeFetch([
      json(503, { message: 'busy' }, { 'retry-after': '0' }),
      (request) => (request.url === SIGNER_URL ? json(200, { url: `${S3}/k` }) : ok()),
    ]);
    await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch, retry: fast }).put('k', new Uint8Array([1]));
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'POST', 'PUT']);
  });

  it('unreachable signer is a NetworkError', async () => {
    const server = fakeFetch([new TypeError('fetch failed')]);
    const failure = await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch, retry: { ...fast, retries: 2 } })
      .get('k')
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(NetworkError);
    expect((failure as Error).message).toContain(`POST to the signer at ${SIGNER_URL} failed before a response arrived (fetch failed)`);
    expect(server.requests).toHaveLength(3);
  });

  it('unusable answers are protocol errors', async () => {
    const answers = [
      new Response('<html>login</html>', { status: 200 }),
      json(200, { href: `${S3}/k` }),
      json(200, { url: 'javascript:alert(1)' }),
      json(200, { url: `${S3}/k`, headers: { 'x-amz-meta-n': 1 } }),
      json(200, null),
    ];
    for (const answer of answers) {
      const server = fakeFetch([answer]);
      const failure = await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch }).get('k').catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(ProtocolError);
      expect(server.requests).toHaveLength(1);
    }
  });
});

describe('PresignedStore signer function', () => {
  it('plain errors deny without retry', async () => {
    let calls = 0;
    const cause = new Error('session expired');
    const store = new PresignedStore({
      signer: async () => {
        calls++;
        throw cause;
      },
      retry: fast,
    });
    const failure = await store.get('k').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AccessDeniedError);
    expect((failure as Error).message).toContain('the signer function failed for GET "k" (session expired)');
    expect((failure as Error).cause).toBe(cause);
    expect(calls).toBe(1);
  });

  it('NetworkError is retried', async () => {
    let calls = 0;
    const server = fakeFetch([ok()]);
    const store = new PresignedStore({
      signer: async (request) => {
        calls++;
        if (calls < 3) throw new NetworkError('backend unreachable');
        return defaultUrl(request, calls);
      },
      fetch: server.fetch,
      retry: fast,
    });
    await store.put('k', new Uint8Array([1]));
    expect(calls).toBe(3);
  });

  it('abort reaches the signer', async () => {
    const controller = new AbortController();
    const reason = new Error('user left the page');
    const store = new PresignedStore({
      signer: (_request, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          controller.abort(reason);
        }),
    });
    await expect(store.get('k', { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('PresignedStore errors', () => {
  it('rejected signature points at the signer', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([error(403, 'SignatureDoesNotMatch')]);
    const failure = await new PresignedStore({ signer, bucket: 'b', fetch: server.fetch }).get('k').catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(AccessDeniedError);
    expect((failure as AccessDeniedError).s3Code).toBe('SignatureDoesNotMatch');
    expect((failure as AccessDeniedError).status).toBe(403);
    expect((failure as Error).message).toBe(
      'GET "k" in bucket "b" at http://127.0.0.1:9000 through a presigned URL failed: the server rejected the URL\'s ' +
        "signature. Either the signer's secret key, region or endpoint is wrong, or the request differs from what was " +
        'signed (its key, method, query or a signed header was changed).',
    );
    expect(server.requests).toHaveLength(1);
  });

  it('expired URL is access denied', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([error(403, 'AccessDenied')]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch }).head('k').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AccessDeniedError);
    expect((failure as Error).message).toContain('The URL may have expired before it was used');
  });

  it('missing bucket and missing key differ', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([error(404, 'NoSuchKey'), error(404, 'NoSuchBucket')]);
    const store = new PresignedStore({ signer, fetch: server.fetch });
    expect(await store.get('k')).toBeNull();

    const failure = await store.get('k').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(BucketNotFoundError);
    expect((failure as Error).message).toContain('The bucket "b" does not exist at http://127.0.0.1:9000');
  });

  it('412 without a write of ours conflicts', async () => {
    const { signer, requests } = fakeSigner();
    const server = fakeFetch([error(412, 'PreconditionFailed'), ok({ etag: '"other"' }, null)]);
    const failure = await new PresignedStore({ signer, bucket: 'b', fetch: server.fetch })
      .put('k', new Uint8Array([1]), { ifNoneMatch: '*' })
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(ConflictError);
    expect((failure as Error).message).toContain('its ETag is now "other"');
    expect(requests.map((request) => request.method)).toEqual(['PUT', 'HEAD']);
  });

  it('no response mentions CORS', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([new TypeError('Failed to fetch')]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch, retry: { ...fast, retries: 0 } })
      .get('k')
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(NetworkError);
    expect((failure as Error).message).toContain('failed before a response arrived (Failed to fetch)');
    expect((failure as Error).message).toContain('the server sent no CORS headers');
  });

  it('hidden ETag names the CORS rule', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([ok({})]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch }).put('k', new Uint8Array([1])).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(ProtocolError);
    expect((failure as Error).message).toContain("the bucket's CORS rule must expose the ETag header");
  });

  it('retried write meeting another is unknown', async () => {
    const { signer, requests } = fakeSigner();
    const server = fakeFetch([new TypeError('connection reset'), error(412, 'PreconditionFailed'), ok({ etag: '"other"' }, null)]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch, retry: fast })
      .put('k', new Uint8Array([1]), { ifMatch: '"mine"' })
      .catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(OutcomeUnknownError);
    expect((failure as Error).message).toContain('may or may not have been applied');
    expect(requests.map((request) => request.method)).toEqual(['PUT', 'PUT', 'HEAD']);
  });

  it('redirects are not followed', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([new Response(null, { status: 307, headers: { location: 'http://127.0.0.1:9999/b/k' } })]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch }).get('k').catch((caught: unknown) => caught);
    expect(server.inits[0]!.redirect).toBe('manual');
    expect(failure).toBeInstanceOf(S3Error);
    expect((failure as S3Error).s3Code).toBe('Redirect');
    expect((failure as Error).message).toContain('was redirected to http://127.0.0.1:9999/b/k');
  });

  it('HEAD 404 checks the bucket once', async () => {
    const { signer, requests } = fakeSigner();
    const missingBucket = fakeFetch([new Response(null, { status: 404 }), error(404, 'NoSuchBucket')]);
    const failure = await new PresignedStore({ signer, fetch: missingBucket.fetch }).head('k').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(BucketNotFoundError);

    const present = fakeFetch([new Response(null, { status: 404 }), error(404, 'NoSuchKey'), new Response(null, { status: 404 })]);
    const store = new PresignedStore({ signer, fetch: present.fetch });
    expect(await store.head('a')).toBeNull();
    expect(await store.head('b')).toBeNull();
    expect(present.requests.map((request) => request.method)).toEqual(['HEAD', 'GET', 'HEAD']);
    expect(requests.slice(-3).map((request) => `${request.method} ${request.key}`)).toEqual(['HEAD a', 'GET a', 'HEAD b']);
  });

  it('bucket check skipped when GET is refused', async () => {
    // This signer signs HEAD but not GET.
    const answer = async (request: Request) => {
      if (request.url !== SIGNER_URL) return new Response(null, { status: 404 });
      const body = (await request.json()) as PresignRequest;
      return body.method === 'GET' ? json(403, { message: 'GET is not signed' }) : json(200, { url: `${S3}/k` });
    };
    const server = fakeFetch([answer]);
    expect(await new PresignedStore({ signer: SIGNER_URL, fetch: server.fetch }).head('k')).toBeNull();
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'HEAD', 'POST']);
  });

  it('other statuses are S3 errors', async () => {
    const { signer } = fakeSigner();
    const server = fakeFetch([error(400, 'InvalidArgument')]);
    const failure = await new PresignedStore({ signer, fetch: server.fetch }).delete('k').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(S3Error);
    expect((failure as S3Error).s3Code).toBe('InvalidArgument');
  });
});

describe('PresignedStore options', () => {
  it('rejects invalid options', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ signer: 42 }, 'signer must be a function or the http(s) URL of a signer endpoint'],
      [{ signer: '' }, 'not ""'],
      [{ signer: 'ftp://127.0.0.1/sign' }, 'not "ftp://127.0.0.1/sign"'],
      [{ signer: '/sign' }, '(or "/sign" in a browser)'],
      [{ signer: SIGNER_URL, expiresIn: 0 }, 'expiresIn must be a whole number of seconds from 1'],
      [{ signer: SIGNER_URL, bucket: '' }, 'bucket must be a bucket name or left out'],
      [{ signer: SIGNER_URL, retry: { retries: -1 } }, 'retry.retries must be an integer from 0 to 20'],
    ];
    for (const [options, message] of cases) {
      const attempt = () => new PresignedStore(options as never);
      expect(attempt, message).toThrow(InvalidOptionsError);
      expect(attempt, message).toThrow(message);
    }
  });

  it('describes the signer', () => {
    expect(new PresignedStore({ signer: SIGNER_URL }).description).toBe(`presigned URLs from the signer at ${SIGNER_URL}`);
    expect(new PresignedStore({ signer: async () => ({ url: S3 }), bucket: 'b' }).description).toBe('bucket "b" through the signer function');
  });
});
