/**
 * createSigner's handler, called with Request objects as a Worker, Deno or
 * a Node adapter calls it: what it signs, what it rejects with 400 or 403,
 * and how its URLs look. The RGW suite (presigned-signer.test.ts) proves on a
 * real server that its URLs cannot be changed after signing.
 */
import { describe, expect, it, vi } from 'vitest';
import { InvalidOptionsError } from '../../src/index.js';
import { type SignerOptions, createSigner } from '../../src/signer-entry.js';
import { checkSigV4 } from '../helpers/sigv4.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'signer-secret' };
const ALL_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'] as const;
const SIGNER_URL = 'http://127.0.0.1:8787/sign';

function signer(options: Partial<SignerOptions> = {}) {
  return createSigner({ bucket: 'b', endpoint: 'http://127.0.0.1:9000', credentials, prefix: 'p/', methods: [...ALL_METHODS], ...options });
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(SIGNER_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: { url?: string; method?: string; headers?: Record<string, string>; expiresIn?: number; error?: string; message?: string };
}

async function ask(handler: (request: Request) => Promise<Response>, request: Request): Promise<Answer> {
  const response = await handler(request);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

describe('createSigner responses', () => {
  it('signs GET under the prefix', async () => {
    const answer = await ask(signer(), post({ method: 'GET', key: 'p/a b+c' }));

    expect(answer.status).toBe(200);
    expect(answer.body.method).toBe('GET');
    expect(answer.body.headers).toEqual({});
    expect(answer.body.expiresIn).toBe(300);
    const url = new URL(answer.body.url!);
    expect(url.origin).toBe('http://127.0.0.1:9000');
    expect(url.pathname).toBe('/b/p%2Fa%20b%2Bc');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    expect(checkSigV4({ method: 'GET', url: url.href, headers: new Headers() }, credentials.secretAccessKey).valid).toBe(true);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('signs each method as itself', async () => {
    for (const method of ['HEAD', 'PUT', 'DELETE'] as const) {
      const answer = await ask(signer(), post({ method, key: 'p/a' }));
      expect(answer.status, method).toBe(200);
      expect(answer.body.method).toBe(method);
      expect(checkSigV4({ method, url: answer.body.url!, headers: new Headers() }, credentials.secretAccessKey).valid).toBe(true);
      expect(checkSigV4({ method: 'GET', url: answer.body.url!, headers: new Headers() }, credentials.secretAccessKey).valid).toBe(false);
    }
  });

  it('keeps dot segments in the key', async () => {
    const answer = await ask(signer(), post({ method: 'PUT', key: 'p/../q' }));
    expect(answer.status).toBe(200);
    expect(new URL(answer.body.url!).pathname).toBe('/b/p%2F..%2Fq');
  });

  it('rejects keys outside the prefix', async () => {
    for (const key of ['q/a', 'P/a', 'p', '/p/a', ' p/a', '.p/a', 'p\\a', 'p%2Fa']) {
      const answer = await ask(signer(), post({ method: 'GET', key }));
      expect(answer.status, key).toBe(403);
      expect(answer.body.error).toBe('KeyOutsidePrefix');
      expect(answer.body.message).toContain(JSON.stringify(key));
      expect(answer.body.message).toContain('"p/"');
      expect(answer.body.url).toBeUndefined();
    }
  });

  it('rejects keys that are not strings', async () => {
    for (const key of [42, null, true, ['p/a'], { key: 'p/a' }]) {
      const answer = await ask(signer(), post({ method: 'GET', key }));
      expect(answer.status, JSON.stringify(key)).toBe(400);
      expect(answer.body.message).toContain('"key" must be a string');
    }
    const missing = await ask(signer(), post({ method: 'GET' }));
    expect(missing.status).toBe(400);
  });

  it('rejects empty and invalid keys', async () => {
    const empty = await ask(signer({ prefix: '' }), post({ method: 'GET', key: '' }));
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('"key" must not be empty.');

    const surrogate = await ask(signer(), post({ method: 'GET', key: 'p/\uD800x' }));
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.message).toContain('lone UTF-16 surrogate');

    const longest = 'p/' + 'k'.repeat(1022);
    expect((await ask(signer(), post({ method: 'GET', key: longest }))).status).toBe(200);
    const tooLong = await ask(signer(), post({ method: 'GET', key: longest + 'k' }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toContain('1024 bytes');
  });

  it('rejects methods it does not sign', async () => {
    const readOnly = signer({ methods: undefined });
    for (const method of ['PUT', 'DELETE']) {
      const answer = await ask(readOnly, post({ method, key: 'p/a' }));
      expect(answer.status, method).toBe(403);
      expect(answer.body.error).toBe('MethodNotAllowed');
      expect(answer.body.message).toContain(`does not sign ${method} requests; it signs GET, HEAD, LIST`);
    }
    expect((await ask(readOnly, post({ method: 'GET', key: 'p/a' }))).status).toBe(200);
  });

  it('rejects unknown methods', async () => {
    for (const method of ['POST', 'get', 'COPY', undefined, 7]) {
      const answer = await ask(signer(), post({ method, key: 'p/a' }));
      expect(answer.status, String(method)).toBe(400);
      expect(answer.body.message).toContain('"method" must be one of GET, HEAD, PUT, DELETE, LIST');
    }
  });

  it('signs listings inside the prefix', async () => {
    const answer = await ask(
      signer(),
      post({ method: 'LIST', list: { prefix: 'p/sub dir/', startAfter: 'p/sub dir/a', continuationToken: 'tok+/=', maxKeys: 5 } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.method).toBe('GET');

    const url = new URL(answer.body.url!);
    expect(url.pathname).toBe('/b');
    expect(url.search).not.toContain('+');
    expect(Object.fromEntries([...url.searchParams].filter(([name]) => !name.startsWith('X-Amz-')))).toEqual({
      'list-type': '2',
      'max-keys': '5',
      'encoding-type': 'url',
      prefix: 'p/sub dir/',
      'start-after': 'p/sub dir/a',
      'continuation-token': 'tok+/=',
    });
    expect(checkSigV4({ method: 'GET', url: url.href, headers: new Headers() }, credentials.secretAccessKey).valid).toBe(true);
  });

  it('rejects listings outside the prefix', async () => {
    for (const list of [undefined, {}, { prefix: '' }, { prefix: 'p' }, { prefix: 'q/' }, { startAfter: 'p/a' }]) {
      const answer = await ask(signer(), post({ method: 'LIST', list }));
      expect(answer.status, JSON.stringify(list)).toBe(403);
      expect(answer.body.error).toBe('PrefixOutsidePrefix');
    }
    expect((await ask(signer({ prefix: '' }), post({ method: 'LIST' }))).status).toBe(200);
  });

  it('rejects malformed listings', async () => {
    const cases: unknown[] = [
      { method: 'LIST', list: { prefix: 'p/', maxKeys: 0 } },
      { method: 'LIST', list: { prefix: 'p/', maxKeys: 1001 } },
      { method: 'LIST', list: { prefix: 'p/', maxKeys: 1.5 } },
      { method: 'LIST', list: { prefix: 'p/', maxKeys: '5' } },
      { method: 'LIST', list: { prefix: 'p/', delimiter: '/' } },
      { method: 'LIST', list: { prefix: 42 } },
      { method: 'LIST', list: 'p/' },
      { method: 'LIST', key: 'p/a', list: { prefix: 'p/' } },
      { method: 'GET', key: 'p/a', list: { prefix: 'p/' } },
    ];
    for (const body of cases) expect((await ask(signer(), post(body))).status, JSON.stringify(body)).toBe(400);
  });

  it('signs conditional headers', async () => {
    const answer = await ask(signer(), post({ method: 'PUT', key: 'p/a', headers: { 'If-Match': '"abc"', 'x-amz-meta-owner': 'me' } }));
    expect(answer.status).toBe(200);
    expect(answer.body.headers).toEqual({ 'if-match': '"abc"', 'x-amz-meta-owner': 'me' });

    const url = answer.body.url!;
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('host;if-match;x-amz-meta-owner');
    const sent = new Headers({ 'if-match': '"abc"', 'x-amz-meta-owner': 'me' });
    expect(checkSigV4({ method: 'PUT', url, headers: sent }, credentials.secretAccessKey).valid).toBe(true);
    sent.delete('if-match');
    expect(checkSigV4({ method: 'PUT', url, headers: sent }, credentials.secretAccessKey).valid).toBe(false);
  });

  it('rejects headers that change the request', async () => {
    const cases: Array<[string, string, string]> = [
      ['PUT', 'x-amz-copy-source', '/b/secret'],
      ['PUT', 'x-amz-acl', 'public-read'],
      ['PUT', 'x-amz-website-redirect-location', '/evil'],
      ['PUT', 'authorization', 'x'],
      ['PUT', 'host', 'example.org'],
      ['GET', 'content-type', 'text/html'],
      ['GET', 'x-amz-meta-owner', 'me'],
      ['DELETE', 'if-none-match', '*'],
      ['GET', 'range', 'bytes=0-1'],
      ['PUT', 'x-amz-meta-', 'empty name'],
    ];
    for (const [method, name, value] of cases) {
      const answer = await ask(signer(), post({ method, key: 'p/a', headers: { [name]: value } }));
      expect(answer.status, `${method} ${name}`).toBe(403);
      expect(answer.body.error).toBe('HeaderNotAllowed');
      expect(answer.body.message).toContain(`"${name}"`);
    }
  });

  it('rejects malformed headers', async () => {
    const cases: unknown[] = [
      { 'if-match': 42 },
      { 'if-match': '"a"\r\nx-amz-acl: public-read' },
      { 'x-amz-meta-note': 'café' },
      { 'If-Match': '"a"', 'if-match': '"b"' },
      { 'bad name': 'x' },
      { 'if-none-match': '"etag"' },
      ['if-match'],
    ];
    for (const headers of cases) {
      const answer = await ask(signer(), post({ method: 'PUT', key: 'p/a', headers }));
      expect(answer.status, JSON.stringify(headers)).toBe(400);
    }
  });

  it('caps the expiry', async () => {
    const capped = signer({ expiresIn: 60 });
    const long = await ask(capped, post({ method: 'GET', key: 'p/a', expiresIn: 3600 }));
    expect(long.body.expiresIn).toBe(60);
    expect(new URL(long.body.url!).searchParams.get('X-Amz-Expires')).toBe('60');

    const short = await ask(capped, post({ method: 'GET', key: 'p/a', expiresIn: 10 }));
    expect(new URL(short.body.url!).searchParams.get('X-Amz-Expires')).toBe('10');

    for (const expiresIn of [0, -1, 1.5, '60', null]) {
      const answer = await ask(capped, post({ method: 'GET', key: 'p/a', expiresIn }));
      expect(answer.status, JSON.stringify(expiresIn)).toBe(400);
    }
  });

  it('asks authorize', async () => {
    const authorize = vi.fn((request: Request, operation: { key?: string; headers: Record<string, string> }) => {
      operation.key = 'p/changed-by-the-hook';
      return request.headers.get('authorization') === 'Bearer ok';
    });
    const handler = signer({ authorize });

    const allowed = await ask(handler, post({ method: 'PUT', key: 'p/a', headers: { 'content-type': 'text/plain' } }, { authorization: 'Bearer ok' }));
    expect(allowed.status).toBe(200);
    expect(new URL(allowed.body.url!).pathname).toBe('/b/p%2Fa');
    expect(authorize).toHaveBeenCalledTimes(1);
    expect(authorize.mock.calls[0]![1]).toEqual({
      method: 'PUT',
      key: 'p/changed-by-the-hook',
      headers: { 'content-type': 'text/plain' },
      expiresIn: 300,
    });

    const denied = await ask(handler, post({ method: 'GET', key: 'p/a' }, { authorization: 'Bearer no' }));
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'AccessDenied', message: 'The signer did not authorize this request.' });
  });

  it('denies when authorize throws or is vague', async () => {
    const hooks = [
      () => {
        throw new Error('session store down');
      },
      async () => Promise.reject(new Error('timeout')),
      () => 'yes' as unknown as boolean,
      () => undefined as unknown as boolean,
    ];
    for (const authorize of hooks) {
      const answer = await ask(signer({ authorize }), post({ method: 'GET', key: 'p/a' }));
      expect(answer.status).toBe(403);
      expect(answer.body.message).not.toContain('session store');
    }
  });

  it('does not call authorize for rejected requests', async () => {
    const authorize = vi.fn(() => true);
    await ask(signer({ authorize }), post({ method: 'GET', key: 'q/a' }));
    expect(authorize).not.toHaveBeenCalled();
  });

  it('rejects malformed requests', async () => {
    const handler = signer();
    const getAnswer = await handler(new Request(SIGNER_URL));
    expect(getAnswer.status).toBe(405);
    expect(getAnswer.headers.get('allow')).toBe('POST');

    expect((await ask(handler, post('{"method": "GET", "key": "p/a"}', { 'content-type': 'text/plain' }))).status).toBe(415);
    expect((await ask(handler, post('{"method": '))).body).toEqual({ error: 'InvalidRequest', message: 'The request body is not valid JSON.' });
    expect((await ask(handler, post([]))).status).toBe(400);
    expect((await ask(handler, post('null'))).status).toBe(400);

    const unknown = await ask(handler, post({ method: 'GET', key: 'p/a', bucket: 'other' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('unknown fields "bucket"');

    const big = await ask(handler, post({ method: 'GET', key: 'p/a', padding: 'x'.repeat(20_000) }));
    expect(big.status).toBe(413);
  });

  it('checks the origin', async () => {
    const closed = await ask(signer(), post({ method: 'GET', key: 'p/a' }, { origin: 'http://127.0.0.1:5173' }));
    expect(closed.status).toBe(403);
    expect(closed.body.error).toBe('OriginNotAllowed');

    const sameOrigin = await ask(signer(), post({ method: 'GET', key: 'p/a' }, { origin: 'http://127.0.0.1:8787' }));
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.headers.get('access-control-allow-origin')).toBeNull();

    const open = signer({ allowedOrigins: ['http://127.0.0.1:5173'] });
    const allowed = await ask(open, post({ method: 'GET', key: 'p/a' }, { origin: 'http://127.0.0.1:5173' }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(allowed.headers.get('vary')).toBe('origin');

    const rejected = await ask(open, post({ method: 'GET', key: 'q/a' }, { origin: 'http://127.0.0.1:5173' }));
    expect(rejected.status).toBe(403);
    expect(rejected.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');

    const other = await ask(open, post({ method: 'GET', key: 'p/a' }, { origin: 'http://127.0.0.1:6000' }));
    expect(other.status).toBe(403);
  });

  it('answers CORS preflights', async () => {
    const preflight = new Request(SIGNER_URL, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    const response = await signer({ allowedOrigins: ['*'] })(preflight);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,authorization');

    expect((await signer()(preflight)).status).toBe(403);
  });

  it('reports rejections to onRejected', async () => {
    const onRejected = vi.fn();
    const request = post({ method: 'GET', key: 'q/a' });
    await ask(signer({ onRejected }), request);
    await ask(signer({ onRejected }), new Request(SIGNER_URL));

    expect(onRejected.mock.calls.map(([rejection]) => rejection)).toEqual([
      { status: 403, code: 'KeyOutsidePrefix', message: 'The key "q/a" is outside the prefix "p/" of this signer.' },
      { status: 405, code: 'MethodNotAllowed', message: 'Send signing requests as POST.' },
    ]);
    expect(onRejected.mock.calls[0]![1]).toBe(request);
  });

  it('reports unexpected errors to onError', async () => {
    const onError = vi.fn();
    const failure = new Error('Web Crypto failed');
    const sign = vi.spyOn(crypto.subtle, 'sign').mockRejectedValueOnce(failure);
    try {
      const answer = await ask(signer({ onError }), post({ method: 'GET', key: 'p/a' }));
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({ error: 'InternalError', message: 'The signer failed to sign the request.' });
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]![0]).toBe(failure);
      expect(onError.mock.calls[0]![1]).toBeInstanceOf(Request);
    } finally {
      sign.mockRestore();
    }
  });
});

describe('createSigner options', () => {
  const base: SignerOptions = { bucket: 'b', endpoint: 'http://127.0.0.1:9000', credentials, prefix: 'p/' };

  it('rejects invalid options', () => {
    const cases: Array<[Partial<SignerOptions> | Record<string, unknown>, string]> = [
      [{ prefix: undefined }, 'prefix must be a string'],
      [{ methods: [] }, 'methods must be a non-empty list'],
      [{ methods: ['GET', 'POST'] as never }, 'methods must be a non-empty list of GET, HEAD, PUT, DELETE, LIST'],
      [{ expiresIn: 0 }, 'expiresIn must be a whole number of seconds from 1 to 604800'],
      [{ expiresIn: 604_801 }, 'not 604801'],
      [{ bucket: 'no/slash' }, 'bucket must be a bucket name'],
      [{ endpoint: 'ftp://127.0.0.1' }, 'endpoint must be an http(s) URL'],
      [{ credentials: { accessKeyId: 'a', secretAccessKey: '' } }, 'credentials must have a non-empty'],
      [{ allowedOrigins: ['https://app.example.com/path'] }, 'allowedOrigins must list origins'],
      [{ authorize: 'yes' as never }, 'authorize must be a function'],
    ];
    for (const [override, message] of cases) {
      const attempt = () => createSigner({ ...base, ...override } as SignerOptions);
      expect(attempt, message).toThrow(InvalidOptionsError);
      expect(attempt, message).toThrow(message);
    }
  });

  it('accepts the whole bucket', async () => {
    const answer = await ask(createSigner({ ...base, prefix: '' }), post({ method: 'GET', key: 'anything' }));
    expect(answer.status).toBe(200);
  });
});
