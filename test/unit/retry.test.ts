/**
 * The retry policy through S3Store, with a fake fetch that fails on cue.
 */
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ConflictError, InvalidOptionsError, S3Error, S3Store, TimeoutError } from '../../src/index.js';
import { parseRetryAfter } from '../../src/retry-loop.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const endpoint = 'http://127.0.0.1:9000';
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

function scripted(replies: Array<Response | Error | ((signal: AbortSignal) => Promise<Response>)>) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(init!.signal!);
    return reply.clone();
  };
  return { fetch, requests };
}

const ok = () => new Response('body', { status: 200, headers: { etag: '"e"' } });
const status = (code: number, s3Code = 'X', headers: Record<string, string> = {}) =>
  new Response(`<Error><Code>${s3Code}</Code></Error>`, { status: code, headers });

describe('retry policy', () => {
  for (const code of [408, 429, 500, 502, 503, 504]) {
    it(`retries ${code}`, async () => {
      const server = scripted([status(code), ok()]);
      const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: fast });
      expect(await store.head('k')).not.toBeNull();
      expect(server.requests.length).toBe(2);
    });
  }

  for (const [code, s3Code, errorClass] of [
    [400, 'InvalidArgument', S3Error],
    [403, 'AccessDenied', AccessDeniedError],
    [412, 'PreconditionFailed', ConflictError],
  ] as const) {
    it(`does not retry ${code}`, async () => {
      const server = scripted([status(code, s3Code), ok()]);
      const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: fast });
      await expect(store.get('k')).rejects.toBeInstanceOf(errorClass);
      expect(server.requests.length).toBe(1);
    });
  }

  it('retries network errors', async () => {
    const server = scripted([new TypeError('fetch failed'), new TypeError('fetch failed'), ok()]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: fast });
    expect(await store.get('k')).not.toBeNull();
    expect(server.requests.length).toBe(3);
  });

  it('gives up after the retries', async () => {
    const server = scripted([status(503, 'SlowDown')]);
    const events: number[] = [];
    const store = new S3Store({
      bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { ...fast, retries: 2 },
      hooks: { beforeRetry: (event) => events.push(event.attempt) },
    });

    const error = await store.get('k').catch((caught) => caught);
    expect(error).toBeInstanceOf(S3Error);
    expect(error.s3Code).toBe('SlowDown');
    expect(server.requests.length).toBe(3);
    expect(events).toEqual([1, 2]);
  });

  it('honours Retry-After', async () => {
    const server = scripted([status(503, 'SlowDown', { 'retry-after': '0.3' }), ok()]);
    const delays: number[] = [];
    const store = new S3Store({
      bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { baseDelayMs: 1, maxDelayMs: 1000 },
      hooks: { beforeRetry: (event) => delays.push(event.delayMs) },
    });

    await store.get('k');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(300);
  });

  it('times out a slow attempt', async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const server = scripted([hang, ok()]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { ...fast, attemptTimeoutMs: 50 } });

    expect(await store.get('k')).not.toBeNull();
    expect(server.requests.length).toBe(2);
  });

  it('raises TimeoutError, not AbortError', async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const server = scripted([hang]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { ...fast, retries: 1, attemptTimeoutMs: 30 } });

    const error = await store.get('k').catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/timed out after 30 ms/);
  });

  it('stops at the deadline', async () => {
    const server = scripted([status(500)]);
    const store = new S3Store({
      bucket: 'b', endpoint, credentials, fetch: server.fetch,
      retry: { retries: 10, baseDelayMs: 200, maxDelayMs: 200, deadlineMs: 50 },
    });
    // Full jitter may pick a delay under 50 ms, so allow a few attempts, never all eleven.
    const error = await store.get('k').catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/within the 50 ms deadline/);
    expect(server.requests.length).toBeLessThan(11);
  });

  it('aborts during the sleep', async () => {
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    const server = scripted([status(503)]);
    const store = new S3Store({
      bucket: 'b', endpoint, credentials, fetch: server.fetch, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 },
      hooks: { beforeRetry: () => setTimeout(() => controller.abort(reason), 10) },
    });

    const started = Date.now();
    await expect(store.get('k', { signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('checks the signal before the first attempt', async () => {
    const server = scripted([ok()]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });
    const reason = new Error('already cancelled');
    await expect(store.get('k', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.requests.length).toBe(0);
  });

  it('re-signs once after clock skew', async () => {
    const serverDate = new Date(Date.now() + 3 * 3600_000);
    const skew = new Response('<Error><Code>RequestTimeTooSkewed</Code></Error>', {
      status: 403,
      headers: { date: serverDate.toUTCString() },
    });
    const server = scripted([skew, ok()]);
    const store = new S3Store({ bucket: 'b', endpoint, credentials, fetch: server.fetch });

    expect(await store.get('k')).not.toBeNull();
    expect(server.requests.length).toBe(2);
    const signedAt = server.requests[1]!.headers.get('x-amz-date')!;
    const parsed = Date.parse(signedAt.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, '$1-$2-$3T$4:$5:$6Z'));
    expect(Math.abs(parsed - serverDate.getTime())).toBeLessThan(5000);
  });

  it('rejects invalid retry options', () => {
    expect(() => new S3Store({ bucket: 'b', endpoint, credentials, retry: { retries: -1 } })).toThrowError(InvalidOptionsError);
    expect(() => new S3Store({ bucket: 'b', endpoint, credentials, retry: { attemptTimeoutMs: 0 } })).toThrowError(/attemptTimeoutMs/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
