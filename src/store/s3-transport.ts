/**
 * One signed S3 request: it turns a method, URL and body into a fully read
 * response. The first attempt runs here. When it does not succeed,
 * s3-retry.ts loads to classify the failure, correct clock skew and run the
 * rest of the retry policy, so that code stays out of the core bundle.
 * S3Store (s3.ts) sends every request through S3Transport: object requests
 * built by s3-objects.ts, listings, and bucket setup from s3-bucket.ts. It
 * loads this file with import(), so that aws4fetch stays out of the apps
 * that never create an S3Store.
 */
import { AwsV4Signer } from 'aws4fetch';
import { NetworkError, S3Error, TimeoutError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { loadModule } from '../load-module.js';
import { isAccepted } from './accepted.js';
import { amzDate } from './amz-date.js';
import { IN_BROWSER } from './browser.js';
import { type Attempt, type RetryEvent, type RetryOptions, startAttempt, untilAborted } from '../retry.js';

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

/** Settings of a transport, as S3Store resolves them from its options. */
export interface TransportSettings {
  credentials: Credentials;
  region: string;
  bucket: string;
  endpoint: string;
  fetch: typeof fetch;
  retry: Required<RetryOptions>;
  hooks: S3Hooks;
}

/** Why an attempt has no response to classify: fetch rejected, or reading the body failed. */
export class NoResponse {
  constructor(
    readonly cause: unknown,
    /** True when the response arrived but its body could not be read. */
    readonly readingBody: boolean,
  ) {}
}


/** Hex SHA-256 of an empty body, sent with every request that has none. */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class S3Transport {
  readonly settings: TransportSettings;
  /** Milliseconds added to the local clock when signing. s3-retry.ts corrects it after a RequestTimeTooSkewed response. */
  clockOffsetMs: number;
  readonly #signingKeyCache = new Map<string, ArrayBuffer>();

  constructor(settings: TransportSettings, clockOffsetMs: number) {
    this.settings = { ...settings, credentials: { ...settings.credentials } };
    this.clockOffsetMs = clockOffsetMs;
  }

  /**
   * Sends a request with retries. The first attempt runs here, and any other
   * outcome than success loads s3-retry.ts for the rest. Every method nodb
   * sends (GET, HEAD, PUT of a whole object, DELETE) is idempotent, so each
   * may be repeated. When a repeated conditional PUT meets its own earlier
   * write, the caller resolves it.
   */
  async send(request: S3Request): Promise<S3Response> {
    const payloadHash = request.body ? await sha256Hex(request.body) : EMPTY_BODY_SHA256;
    // The deadline covers this first attempt too.
    const deadline = Date.now() + this.settings.retry.deadlineMs;
    request.signal?.throwIfAborted();

    const attempt = startAttempt(1, this.settings.retry, deadline, request.signal);
    let response: S3Response | undefined;
    let failure: unknown;
    try {
      response = await this.fetchOnce(request, payloadHash, attempt);
    } catch (error) {
      failure = error;
    } finally {
      // Ending the attempt stops its timer, so its signal keeps saying whether
      // it timed out, however long s3-retry.ts then takes to load.
      attempt.end();
    }
    if (response !== undefined && isAccepted(response.status, response.body, request.absentOn404)) return response;

    let retry: typeof import('./s3-retry.js');
    try {
      retry = await loadModule(() => import('./s3-retry.js'), request.signal);
    } catch (loadError) {
      request.signal?.throwIfAborted();
      throw unclassifiedError(request, this.settings, attempt, response, failure, loadError);
    }
    return retry.retryRequest(this, request, payloadHash, { attempt, deadline, response, failure });
  }

  /**
   * Signs and sends one request, and reads its whole body inside the attempt
   * so that its timeout covers a slow body too. Throws NoResponse when fetch
   * rejects or the body cannot be read.
   */
  async fetchOnce(request: S3Request, payloadHash: string, attempt: Attempt): Promise<S3Response> {
    const { method, url, key } = request;
    const { credentials, hooks } = this.settings;
    const headers = new Headers(request.headers);
    headers.set('x-amz-content-sha256', payloadHash);

    const signed = await new AwsV4Signer({
      method,
      url,
      headers,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      service: 's3',
      region: this.settings.region,
      cache: this.#signingKeyCache,
      datetime: amzDate(Date.now() + this.clockOffsetMs),
    }).sign();

    hooks.beforeRequest?.({ method, url, key, attempt: attempt.number });
    const started = Date.now();

    let response: Response;
    try {
      response = await untilAborted(this.settings.fetch(signed.url, {
        method,
        headers: signed.headers,
        body: request.body ? new Uint8Array(request.body) : undefined,
        signal: attempt.signal,
        // A redirect would send the signed request, or its body, to another server.
        redirect: 'manual',
        // Browsers would otherwise serve a GET from their HTTP cache, with a stale record.
        ...(IN_BROWSER ? { cache: 'no-store' as const } : {}),
      }), attempt.signal);
    } catch (error) {
      throw new NoResponse(error, false);
    }

    let body: Uint8Array;
    try {
      body = method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await untilAborted(response.arrayBuffer(), attempt.signal));
    } catch (error) {
      throw new NoResponse(error, true);
    } finally {
      // Not awaited: cancelling a teed body resolves only once every branch is cancelled.
      if (method === 'HEAD') response.body?.cancel().catch(() => undefined);
    }

    hooks.afterResponse?.({ method, url, key, status: response.status, attempt: attempt.number, durationMs: Date.now() - started });
    return { status: response.status, headers: response.headers, body };
  }
}

/**
 * Builds the error of a first attempt that failed when s3-retry.ts, which
 * classifies failures, could not load (a browser that went offline): a
 * TimeoutError or NetworkError without a response, an S3Error with the
 * status of a response. Messages are shorter than s3-retry.ts writes them.
 */
function unclassifiedError(
  request: S3Request,
  settings: TransportSettings,
  attempt: Attempt,
  response: S3Response | undefined,
  failure: unknown,
  loadError: unknown,
): unknown {
  const { method, key } = request;
  const { endpoint, bucket } = settings;
  if (response !== undefined) {
    return new S3Error(`${method} to ${endpoint} failed with HTTP ${response.status}, and the module that explains such responses could not load (see cause). Check the network.`, {
      status: response.status,
      key,
      bucket,
      cause: loadError,
    });
  }
  if (!(failure instanceof NoResponse)) return failure;
  if (attempt.signal.aborted) {
    return new TimeoutError(`${method} to ${endpoint} timed out after ${attempt.timeoutMs} ms.`, { key, bucket, cause: failure.cause });
  }
  return new NetworkError(`${method} to ${endpoint} failed before a response arrived.`, { key, bucket, cause: failure.cause });
}
