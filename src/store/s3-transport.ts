/**
 * One signed S3 request, with the retry policy, timeouts, clock-skew
 * correction and hooks around it. Operations live in s3.ts; this file only
 * turns a method, URL and body into a fully read response or a typed error.
 */
import { AwsV4Signer } from 'aws4fetch';
import { NetworkError, NoDBError, S3Error, TimeoutError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { type Attempt, RETRYABLE_STATUSES, type RetryEvent, isUnanswered, parseRetryAfter, withRetry } from '../retry.js';
import type { RetryOptions } from '../retry.js';
import type { RequestContext } from './s3-errors.js';

/** Access keys, optionally short-lived with a session token. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Session token of temporary credentials (STS, R2 temporary tokens). */
  sessionToken?: string;
}

/** Callbacks for logging and tracing; nodb itself never logs. */
export interface S3Hooks {
  /** Called before each attempt is sent. */
  beforeRequest?: (request: { method: string; url: string; key: string | undefined; attempt: number }) => void;
  /** Called after a failed attempt, before sleeping `delayMs`. */
  beforeRetry?: (event: RetryEvent & { method: string; key: string | undefined }) => void;
  /** Called for every response, failed ones included. */
  afterResponse?: (response: {
    method: string;
    url: string;
    key: string | undefined;
    status: number;
    attempt: number;
    durationMs: number;
  }) => void;
}

/** A response whose body has been read completely. */
export interface S3Response {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface S3Request {
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE';
  url: string;
  key: string | undefined;
  headers?: Headers;
  body?: Uint8Array;
  signal?: AbortSignal | undefined;
  /** Return a 404 for a missing object instead of throwing. */
  absentOn404?: boolean;
  /**
   * Set to true when an attempt that got no response (a network error or a
   * timeout) is retried, because the server may have applied that attempt.
   */
  unanswered?: { value: boolean };
}

/**
 * True in browsers and their workers, whose fetch has an HTTP cache. Older
 * Cloudflare Workers reject fetch's `cache` option, so it is set only here.
 */
const IN_BROWSER = typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
  typeof (globalThis as { importScripts?: unknown }).importScripts === 'function';

/** Hex SHA-256 of an empty body, sent with every request that has none. */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class S3Transport {
  readonly #credentials: Credentials;
  readonly #region: string;
  readonly #bucket: string;
  readonly #endpoint: string;
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryOptions>;
  readonly #hooks: S3Hooks;
  readonly #signingKeyCache = new Map<string, ArrayBuffer>();
  /** Correction added to the local clock when signing, learned from RequestTimeTooSkewed. */
  #clockOffsetMs: number;
  /** Retry-After of failed responses, kept beside the error they produced. */
  readonly #retryAfter = new WeakMap<object, number>();

  constructor(settings: {
    credentials: Credentials;
    region: string;
    bucket: string;
    endpoint: string;
    fetch: typeof fetch;
    retry: Required<RetryOptions>;
    hooks: S3Hooks;
    clockOffsetMs: number;
  }) {
    this.#credentials = { ...settings.credentials };
    this.#region = settings.region;
    this.#bucket = settings.bucket;
    this.#endpoint = settings.endpoint;
    this.#fetch = settings.fetch;
    this.#retry = settings.retry;
    this.#hooks = settings.hooks;
    this.#clockOffsetMs = settings.clockOffsetMs;
  }

  get accessKeyId(): string {
    return this.#credentials.accessKeyId;
  }

  /**
   * Sends a request with retries. Every method nodb sends (GET, HEAD, PUT of a
   * whole object, DELETE) is idempotent, so each may be repeated. When a repeated
   * conditional PUT meets its own earlier write, the caller resolves it.
   */
  async send(request: S3Request): Promise<S3Response> {
    const payloadHash = request.body ? await sha256Hex(request.body) : EMPTY_BODY_SHA256;
    const describe = `${request.method} ${request.key === undefined ? `bucket "${this.#bucket}"` : `"${request.key}"`} at ${this.#endpoint}`;

    return withRetry((attempt) => this.#attempt(request, payloadHash, attempt), {
      policy: this.#retry,
      signal: request.signal,
      describe,
      isRetryable: (error) => isRetryable(error),
      retryAfterMs: (error) => (typeof error === 'object' && error ? this.#retryAfter.get(error) : undefined),
      beforeRetry: (event) => {
        if (request.unanswered && isUnanswered(event.error)) request.unanswered.value = true;
        this.#hooks.beforeRetry?.({ ...event, method: request.method, key: request.key });
      },
    });
  }

  /**
   * Returns `url` with a SigV4 query signature valid for `expiresIn` seconds.
   * Headers passed here are signed too, so a request made with the URL must send them
   * with the same values.
   */
  async presign(method: string, url: string, expiresIn: number, headers: Headers): Promise<string> {
    const target = new URL(url);
    target.searchParams.set('X-Amz-Expires', String(expiresIn));

    return (await this.#sign(method, target.toString(), headers, true)).url.toString();
  }

  async #attempt(request: S3Request, payloadHash: string, attempt: Attempt): Promise<S3Response> {
    let response = await this.#fetchOnce(request, payloadHash, attempt);

    // A clock that is off by more than 15 minutes fails every signature. The
    // server's Date header says by how much: correct the clock and re-sign once.
    const serverTime = Date.parse(response.headers.get('date') ?? '');
    if (response.status === 403 && isClockSkew(response.body, serverTime - (Date.now() + this.#clockOffsetMs))) {
      this.#clockOffsetMs = serverTime - Date.now();
      response = await this.#fetchOnce(request, payloadHash, attempt);
    }

    if ((response.status >= 200 && response.status < 300) || response.status === 304) return response;

    // Browsers report a redirect that was not followed as status 0 (an opaque redirect).
    const location = response.headers.get('location');
    if (response.status === 0 || (response.status >= 300 && response.status < 400 && location !== null)) {
      throw new S3Error(
        `${request.method} to ${this.#endpoint} was redirected${location ? ` to ${location}` : ''}; ` +
          `nodb does not follow redirects. Check the endpoint and the region of bucket "${this.#bucket}".`,
        { status: response.status, s3Code: 'Redirect', key: request.key, bucket: this.#bucket },
      );
    }

    const bodyText = new TextDecoder().decode(response.body);
    if (response.status === 404 && request.absentOn404 && !bodyText.includes('<Code>NoSuchBucket</Code>')) {
      return response;
    }

    // Error messages load on the error path only, keeping them out of the core bundle.
    const { errorFromResponse } = await import('./s3-errors.js');
    const error = errorFromResponse(response.status, response.headers, bodyText, this.#context(request));
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== undefined) this.#retryAfter.set(error, retryAfter);
    throw error;
  }

  /** Signs a request in its headers, or in its query string for a presigned URL, with the corrected clock. */
  #sign(method: string, url: string, headers: Headers, signQuery: boolean) {
    return new AwsV4Signer({
      method,
      url,
      headers,
      accessKeyId: this.#credentials.accessKeyId,
      secretAccessKey: this.#credentials.secretAccessKey,
      sessionToken: this.#credentials.sessionToken,
      service: 's3',
      region: this.#region,
      cache: this.#signingKeyCache,
      datetime: amzDate(Date.now() + this.#clockOffsetMs),
      signQuery,
      // aws4fetch leaves content-type unsigned by default; a presigned URL must pin it.
      allHeaders: signQuery,
    }).sign();
  }

  #context(request: S3Request): RequestContext {
    return {
      method: request.method,
      key: request.key,
      bucket: this.#bucket,
      endpoint: this.#endpoint,
      accessKeyId: this.#credentials.accessKeyId,
    };
  }

  async #fetchOnce(request: S3Request, payloadHash: string, attempt: Attempt): Promise<S3Response> {
    const headers = new Headers(request.headers);
    headers.set('x-amz-content-sha256', payloadHash);

    const signed = await this.#sign(request.method, request.url, headers, false);

    this.#hooks.beforeRequest?.({ method: request.method, url: request.url, key: request.key, attempt: attempt.number });
    const started = Date.now();

    let response: Response;
    try {
      response = await this.#fetch(signed.url, {
        method: request.method,
        headers: signed.headers,
        body: request.body ? new Uint8Array(request.body) : undefined,
        signal: attempt.signal,
        // A redirect would send the signed request, or its body, to another server.
        redirect: 'manual',
        // Browsers would otherwise serve a GET from their HTTP cache, with a stale record.
        ...(IN_BROWSER ? { cache: 'no-store' as const } : {}),
      });
    } catch (error) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      throw await describeNetworkError(error, this.#context(request));
    }

    // Read the whole body inside the attempt, so its timeout covers a slow body too.
    let body: Uint8Array;
    try {
      body = request.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      throw new NetworkError(
        `${request.method} to ${this.#endpoint} failed while reading the response body. ` +
          `Check the network between this client and the server.`,
        { key: request.key, bucket: this.#bucket, cause: error },
      );
    } finally {
      // Not awaited: cancelling a teed body resolves only once every branch is cancelled.
      if (request.method === 'HEAD') response.body?.cancel().catch(() => undefined);
    }

    this.#hooks.afterResponse?.({
      method: request.method,
      url: request.url,
      key: request.key,
      status: response.status,
      attempt: attempt.number,
      durationMs: Date.now() - started,
    });
    return { status: response.status, headers: response.headers, body };
  }
}

/**
 * Builds the NetworkError for a request that got no response. When the
 * message module itself cannot load (a browser that is offline and has not
 * fetched that chunk yet), a shorter message is used.
 */
async function describeNetworkError(error: unknown, context: RequestContext): Promise<NetworkError> {
  try {
    const { networkError } = await import('./s3-errors.js');
    return networkError(error, context);
  } catch {
    return new NetworkError(`${context.method} to ${context.endpoint} failed before a response arrived.`, {
      key: context.key,
      bucket: context.bucket,
      cause: error,
    });
  }
}

/** Network failures, timeouts, throttling and transient server errors are worth another attempt. */
function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof NoDBError && error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
}

/**
 * True when a 403 comes from a skewed clock: the body has the code RequestTimeTooSkewed,
 * or (for HEAD, which has no body) the server's clock differs from the one we
 * sign with by more than five minutes.
 */
function isClockSkew(body: Uint8Array, differenceMs: number): boolean {
  if (Number.isNaN(differenceMs)) return false;
  return new TextDecoder().decode(body).includes('<Code>RequestTimeTooSkewed</Code>') || Math.abs(differenceMs) > 5 * 60_000;
}

/** Formats a time as SigV4's `YYYYMMDDTHHMMSSZ`. */
function amzDate(time: number): string {
  return new Date(time).toISOString().replace(/[:-]|\.\d{3}/g, '');
}
