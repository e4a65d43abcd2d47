/**
 * S3Store's requests and error mapping, against a fake fetch that records
 * each request as "METHOD path?query" and replies with canned responses.
 * Real servers are exercised by the contract and integration suites.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BucketNotFoundError,
  InvalidOptionsError,
  NetworkError,
  ProtocolError,
  S3Error,
  S3Store,
} from '../../src/index.js';
import { collect } from '../helpers/collect.js';

type Reply = { status?: number; body?: string; headers?: Record<string, string> };

function fakeServer(replies: Reply[] | ((request: Request) => Reply)) {
  const seen: string[] = [];
  const requests: Request[] = [];
  const unread: Response[] = [];
  let next = 0;

  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    seen.push(`${request.method} ${url.host}${url.pathname}${url.search}`);
    requests.push(request);
    const reply = typeof replies === 'function' ? replies(request) : replies[next++] ?? { status: 200 };
    const status = reply.status ?? 200;
    const body = status === 204 || status === 304 || request.method === 'HEAD' ? null : reply.body ?? '';
    const response = new Response(body, { status, headers: reply.headers ?? { etag: '"e1"' } });
    unread.push(response);
    return response;
  };

  return { fetch, seen, requests, bodiesLeftOpen: () => unread.filter((response) => response.body && !response.bodyUsed).length };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';

describe('S3Store requests', () => {
  it('encodes each key once, slash included', async () => {
    const server = fakeServer([{}, {}, {}]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await store.put("a+b c/日!'()*", new Uint8Array([1]));
    await store.get('/leading');
    await store.delete('a//b');

    expect(server.seen).toEqual([
      'PUT 127.0.0.1:9000/b/a%2Bb%20c%2F%E6%97%A5%21%27%28%29%2A',
      'GET 127.0.0.1:9000/b/%2Fleading',
      'DELETE 127.0.0.1:9000/b/a%2F%2Fb',
    ]);
  });

  it('signs with the payload hash', async () => {
    const server = fakeServer([{}]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, region: 'auto', fetch: server.fetch });
    await store.put('k', new TextEncoder().encode('abc'));

    const headers = server.requests[0]!.headers;
    expect(headers.get('x-amz-content-sha256')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/auto\/s3\/aws4_request, SignedHeaders=.*host.*x-amz-content-sha256.*x-amz-date/);
  });

  it('sends the session token', async () => {
    const server = fakeServer([{}]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials: { ...credentials, sessionToken: 'token/+=' }, fetch: server.fetch });
    await store.head('k');
    expect(server.requests[0]!.headers.get('x-amz-security-token')).toBe('token/+=');
  });

  it('builds the listing query', async () => {
    const server = fakeServer([{ body: '<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>' }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await store.listPage({ prefix: 'p q/', startAfter: 'p q/a+b', pageSize: 5 });

    expect(server.seen).toEqual([
      'GET 127.0.0.1:9000/b?list-type=2&max-keys=5&encoding-type=url&prefix=p%20q%2F&start-after=p%20q%2Fa%2Bb',
    ]);
  });

  it('addresses AWS buckets by host', async () => {
    const server = fakeServer([{}, {}]);
    await new S3Store({ bucket: 'plain', region: 'eu-west-1', credentials, fetch: server.fetch }).head('k');
    await new S3Store({ bucket: 'with.dots', region: 'eu-west-1', credentials, fetch: server.fetch }).head('k');

    expect(server.seen).toEqual([
      'HEAD plain.s3.eu-west-1.amazonaws.com/k',
      'HEAD s3.eu-west-1.amazonaws.com/with.dots/k',
    ]);
  });

  it('follows listing pages', async () => {
    const server = fakeServer([
      { body: '<ListBucketResult><Contents><Key>a</Key></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>t/1+</NextContinuationToken></ListBucketResult>' },
      { body: '<ListBucketResult><Contents><Key>b</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>' },
    ]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    const keys = [];
    for await (const info of store.list({ pageSize: 1 })) keys.push(info.key);

    expect(keys).toEqual(['a', 'b']);
    expect(server.seen[1]).toBe('GET 127.0.0.1:9000/b?list-type=2&max-keys=1&encoding-type=url&continuation-token=t%2F1%2B');
  });

  it('rejects truncated page without token', async () => {
    const server = fakeServer([{ body: '<ListBucketResult><Contents><Key>a</Key></Contents><IsTruncated>true</IsTruncated></ListBucketResult>' }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await expect(collect(store.list())).rejects.toThrowError(ProtocolError);
  });

  it('rejects a token that does not advance', async () => {
    const page = '<ListBucketResult><Contents><Key>a</Key></Contents><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken></ListBucketResult>';
    const server = fakeServer(() => ({ body: page }));
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await expect(collect(store.list())).rejects.toThrowError(/continuation token it had returned before/);
    expect(server.seen.length).toBe(2);
  });
});

describe('S3Store errors', () => {
  const errorBody = (code: string, message = 'm') =>
    `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>req-1</RequestId></Error>`;

  it('names the access key id', async () => {
    const server = fakeServer([{ status: 403, body: errorBody('InvalidAccessKeyId') }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    const error = await store.get('k').catch((caught) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toContain('"AKIDEXAMPLE"');
    expect(error.message).toContain('credentials.accessKeyId');
    expect(error).toMatchObject({ status: 403, s3Code: 'InvalidAccessKeyId', bucket: 'b', key: 'k', requestId: 'req-1' });
    expect(server.bodiesLeftOpen()).toBe(0);
  });

  it('points at the secret', async () => {
    const server = fakeServer([{ status: 403, body: errorBody('SignatureDoesNotMatch') }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await expect(store.put('k', new Uint8Array())).rejects.toThrowError(/credentials\.secretAccessKey/);
  });

  it('reports a missing bucket', async () => {
    const server = fakeServer([{ status: 404, body: errorBody('NoSuchBucket') }]);
    const store = new S3Store({ bucket: 'nope', endpoint, credentials, fetch: server.fetch });
    const error = await store.get('k').catch((caught) => caught);

    expect(error).toBeInstanceOf(BucketNotFoundError);
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain(endpoint);
  });

  it('treats missing key as absent', async () => {
    const server = fakeServer([{ status: 404, body: errorBody('NoSuchKey') }, { status: 404 }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    expect(await store.get('k')).toBeNull();
    expect(await store.head('k')).toBeNull();
    expect(server.bodiesLeftOpen()).toBe(0);
  });

  it('classifies HEAD by status alone', async () => {
    const server = fakeServer([{ status: 403, headers: { 'x-amz-request-id': 'req-h' } }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    const error = await store.head('k').catch((caught) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ status: 403, s3Code: 'AccessDenied', requestId: 'req-h' });
  });

  it('reports other failures with request id', async () => {
    const server = fakeServer([{ status: 500, body: errorBody('InternalError', 'boom') }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { retries: 0 } });
    const error = await store.get('k').catch((caught) => caught);

    expect(error).toBeInstanceOf(S3Error);
    expect(error.message).toContain('boom');
    expect(error.requestId).toBe('req-1');
  });

  it('reports an unreadable error body', async () => {
    const server = fakeServer([{ status: 502, body: '<html>Bad gateway</html>' }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { retries: 0 } });
    await expect(store.get('k')).rejects.toThrowError(/502 HTTP502/);
  });

  it('wraps network failures', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const store = new S3Store({ bucket: 'b', endpoint: 'http://127.0.0.1:9', credentials, fetch, retry: { retries: 0 } });
    const error = await store.get('k').catch((caught) => caught);

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('http://127.0.0.1:9');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rethrows the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const fetch = async () => {
      controller.abort(reason);
      throw new DOMException('aborted', 'AbortError');
    };
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch });
    await expect(store.get('k', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('explains a PUT without readable ETag', async () => {
    const server = fakeServer([{ headers: {} }]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    await expect(store.put('k', new Uint8Array())).rejects.toThrowError(/CORS rule must expose the ETag/);
  });
});

describe('S3Store options', () => {
  const invalid: Array<[string, unknown, RegExp]> = [
    ['empty bucket', { bucket: '', credentials }, /bucket must be/],
    ['bucket with slash', { bucket: 'a/b', credentials }, /bucket must be/],
    ['endpoint without scheme', { bucket: 'b', endpoint: '127.0.0.1:9000', credentials }, /endpoint must be/],
    ['missing credentials', { bucket: 'b', endpoint }, /credentials must have/],
    ['empty secret', { bucket: 'b', credentials: { accessKeyId: 'a', secretAccessKey: '' } }, /credentials must have/],
  ];

  for (const [name, options, message] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => new S3Store(options as never)).toThrowError(InvalidOptionsError);
      expect(() => new S3Store(options as never)).toThrowError(message);
    });
  }
});
