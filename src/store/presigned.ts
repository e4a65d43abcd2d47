/**
 * An ObjectStore for clients without credentials, such as browser apps: for
 * every request it requests a presigned URL from a signer and calls it with
 * fetch. The signer is a function of the app or a signer endpoint (see
 * createSigner in nodb/signer), which decides what each client may do.
 */
import { checkOptionNames, invalidOption } from '../codecs/option-value.js';
import { AccessDeniedError, BucketNotFoundError, InvalidOptionsError, NetworkError, S3Error } from '../errors.js';
import { loadModule } from '../load-module.js';
import { type Attempt, checkHooks, resolveRetryOptions, type RetryOptions, untilAborted } from '../retry.js';
import { isRetryable, isUnanswered, parseRetryAfter, withRetry } from '../retry-loop.js';
import { isAccepted } from './accepted.js';
import { listAllPages, resolvePageSize } from './list.js';
import { type SignContext, SignerClient, type SignerHeaders } from './presign-client.js';
import { type PresignFunction, type PresignRequest, httpMethodOf } from './presign-request.js';
import { type ObjectRequest, type ObjectWriter, deleteObject, getObject, headFromResponse, putObject } from './s3-objects.js';
import type { S3Hooks, S3Response } from './s3-transport.js';
import { parseListResponse } from './s3-xml.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectHead,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  StoredObject,
  Unmodified,
} from './types.js';

export interface PresignedStoreOptions {
  /**
   * Source of presigned URLs: a function of the app, or the URL of a signer
   * endpoint that responds to a JSON POST, such as `/sign` in a browser.
   */
  signer: string | PresignFunction;
  /** Bucket name, for messages and error details only: the signer decides where URLs point. */
  bucket?: string;
  /** Seconds each URL should stay valid; the signer may shorten it. @default 60 */
  expiresIn?: number;
  /**
   * Headers sent to a signer endpoint with each request, such as the
   * Authorization header of the app's session, or a function that returns
   * them. @default none
   */
  signerHeaders?: SignerHeaders;
  /**
   * fetch's credentials mode for a signer endpoint: `'include'` sends cookies
   * to a signer on another origin. @default fetch's own, 'same-origin'
   */
  signerCredentials?: RequestCredentials;
  /** fetch implementation, for the signer endpoint and the presigned URLs. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Retry policy; every attempt requests a new URL from the signer. @default see RETRY_DEFAULTS */
  retry?: RetryOptions;
  /** Callbacks before each request, before each retry and after each response. */
  hooks?: S3Hooks;
}

const DEFAULT_EXPIRES_IN = 60;

/** Names of the options of PresignedStore. */
const PRESIGNED_STORE_OPTION_NAMES = ['signer', 'bucket', 'expiresIn', 'signerHeaders', 'signerCredentials', 'fetch', 'retry', 'hooks'];

/** Headers, body and options of one presigned call, besides its URL. */
interface CallInit {
  key: string | undefined;
  headers: Headers;
  body?: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  absentOn404?: boolean | undefined;
  /** Set to true when an attempt that got no response is retried, because it may have been applied. */
  unanswered?: { value: boolean } | undefined;
}

export class PresignedStore implements ObjectStore {
  readonly description: string;
  readonly bucket: string | undefined;

  readonly #signer: SignerClient;
  readonly #fetch: typeof fetch;
  readonly #retry: Required<RetryOptions>;
  readonly #hooks: S3Hooks;
  readonly #expiresIn: number;
  /** Retry-After of failed responses, kept beside the error they produced. */
  readonly #retryAfter = new WeakMap<object, number>();
  /** Set once a request has shown that the bucket exists, or that this check cannot be made. */
  #bucketChecked = false;
  /** This store's side of the object requests in s3-objects.ts (get, put, delete), which S3Store uses too. */
  readonly #writer: ObjectWriter;

  constructor(options: PresignedStoreOptions) {
    if (typeof options !== 'object' || options === null) throw invalidOption('new PresignedStore(options)', 'an object with a signer', options);
    checkOptionNames(options, PRESIGNED_STORE_OPTION_NAMES, 'new PresignedStore()');
    checkHooks(options.hooks);
    const expiresIn = options.expiresIn ?? DEFAULT_EXPIRES_IN;
    if (!Number.isInteger(expiresIn) || expiresIn < 1) throw invalidOption('expiresIn', 'a whole number of seconds from 1', expiresIn);
    if (options.bucket !== undefined && (typeof options.bucket !== 'string' || options.bucket === '')) {
      throw invalidOption('bucket', 'a bucket name or left out', options.bucket);
    }

    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#signer = new SignerClient({
      signer: options.signer,
      fetch: this.#fetch,
      headers: options.signerHeaders,
      credentials: options.signerCredentials,
    });
    this.#retry = resolveRetryOptions(options.retry);
    this.#hooks = options.hooks ?? {};
    this.#expiresIn = expiresIn;
    this.bucket = options.bucket;
    this.description =
      options.bucket === undefined ? `presigned URLs from ${this.#signer.description}` : `bucket "${options.bucket}" through ${this.#signer.description}`;
    this.#writer = {
      description: this.description,
      bucket: this.bucket,
      unquotedIfMatch: false,
      send: (request) => this.#send(request),
      head: (key, headOptions) => this.head(key, headOptions),
    };
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | Unmodified | null> {
    return getObject(this.#writer, key, options);
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectHead | null> {
    const response = await this.#send({ method: 'HEAD', key, signal: options.signal, absentOn404: true });
    if (response.status === 404) {
      await this.#checkBucketExists(key, options.signal);
      return null;
    }

    return headFromResponse(key, response);
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    return putObject(this.#writer, key, body, options);
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    return deleteObject(this.#writer, key, options);
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    const pageSize = resolvePageSize(options.pageSize);

    const list: PresignRequest['list'] = { maxKeys: pageSize };
    if (options.prefix) list.prefix = options.prefix;
    if (options.startAfter) list.startAfter = options.startAfter;
    if (options.continuationToken) list.continuationToken = options.continuationToken;

    const response = await this.#call(
      { method: 'LIST', list, headers: {} },
      { key: undefined, headers: new Headers(), signal: options.signal },
    );
    return parseListResponse(response.body, this.description);
  }

  list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    return listAllPages((page) => this.listPage(page), options, this.description);
  }

  /** Sends a request on one object, in the form of S3Store's, for s3-objects.ts and s3-conditional.ts. */
  #send(request: ObjectRequest): Promise<S3Response> {
    const headers = new Headers(request.headers);
    const signed: Record<string, string> = {};
    headers.forEach((value, name) => {
      signed[name] = value;
    });

    return this.#call(
      { method: request.method, key: request.key, headers: signed },
      {
        key: request.key,
        headers,
        body: request.body,
        signal: request.signal,
        absentOn404: request.absentOn404,
        unanswered: request.unanswered,
      },
    );
  }

  /** Makes one presigned call with retries, requesting a new URL from the signer on every attempt. */
  #call(presign: PresignRequest, init: CallInit): Promise<S3Response> {
    const target = presign.method === 'LIST' ? 'a listing' : JSON.stringify(presign.key);
    return withRetry((attempt) => this.#attempt(presign, init, attempt), {
      policy: this.#retry,
      signal: init.signal,
      describe: `${presign.method} ${target} through ${this.#signer.description}`,
      details: { key: init.key, bucket: this.bucket },
      isRetryable,
      retryAfterMs: (error) =>
        this.#signer.retryAfterMs(error) ?? (typeof error === 'object' && error ? this.#retryAfter.get(error) : undefined),
      beforeRetry: (event) => {
        if (init.unanswered && isUnanswered(event.error)) init.unanswered.value = true;
        this.#hooks.beforeRetry?.({ ...event, method: httpMethodOf(presign.method), key: init.key });
      },
    });
  }

  async #attempt(presign: PresignRequest, init: CallInit, attempt: Attempt): Promise<S3Response> {
    const context: SignContext = { key: init.key, bucket: this.bucket };
    const signed = await this.#signer.sign({ ...presign, expiresIn: this.#expiresIn }, attempt.signal, context);

    const method = httpMethodOf(presign.method);
    // Headers from the signer add to the store's own but never replace them, so
    // a signer cannot drop a condition or a write id.
    const headers = new Headers(signed.headers ?? {});
    new Headers(init.headers).forEach((value, name) => headers.set(name, value));

    this.#hooks.beforeRequest?.({ method, url: signed.url, key: init.key, attempt: attempt.number });
    const started = Date.now();
    const errorContext = { method, key: init.key, bucket: this.bucket, url: signed.url };

    let response: Response;
    try {
      response = await untilAborted(this.#fetch(signed.url, {
        method,
        headers,
        body: init.body ? new Uint8Array(init.body) : undefined,
        signal: attempt.signal,
        // A URL signed within the same second as an earlier one is identical
        // to it, and a browser could serve it from its HTTP cache.
        cache: 'no-store',
        // A redirect would send the request, or its body, to another server.
        redirect: 'manual',
      }), attempt.signal);
    } catch (error) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      const errors = await this.#loadErrors(init.signal);
      throw errors
        ? errors.presignedNetworkError(error, errorContext)
        : new NetworkError(`${method} through a presigned URL failed before a response arrived.`, {
            key: init.key,
            bucket: this.bucket,
            cause: error,
          });
    }

    // Read the whole body inside the attempt, so its timeout covers a slow body too.
    let body: Uint8Array;
    try {
      body = method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await untilAborted(response.arrayBuffer(), attempt.signal));
    } catch (error) {
      if (attempt.signal.aborted) throw attempt.signal.reason;
      throw new NetworkError(
        `${method} through a presigned URL failed while reading the response body. ` +
          `Check the network between this client and the server.`,
        { key: init.key, bucket: this.bucket, cause: error },
      );
    } finally {
      // Not awaited: cancelling a teed body resolves only once every branch is cancelled.
      if (method === 'HEAD') response.body?.cancel().catch(() => undefined);
    }

    this.#hooks.afterResponse?.({
      method,
      url: signed.url,
      key: init.key,
      status: response.status,
      attempt: attempt.number,
      durationMs: Date.now() - started,
    });

    if (isAccepted(response.status, body, init.absentOn404)) {
      // Any accepted response but a missing object's 404 shows that the bucket exists.
      if (response.status !== 404) this.#bucketChecked = true;
      return { status: response.status, headers: response.headers, body };
    }
    const bodyText = new TextDecoder().decode(body);

    // Redirects, which are not followed, land here too (browsers report them as status 0).
    const errors = await this.#loadErrors(init.signal);
    const error = errors
      ? errors.presignedErrorFromResponse(response.status, response.headers, bodyText, errorContext)
      : new S3Error(`${method} through a presigned URL failed with HTTP ${response.status}.`, {
          status: response.status,
          key: init.key,
          bucket: this.bucket,
        });
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfter !== undefined) this.#retryAfter.set(error, retryAfter);
    throw error;
  }

  /**
   * Loads the messages of failed requests. Returns undefined when the module
   * cannot load (a browser that went offline), so that the caller raises a
   * shorter error of the same kind. It waits for the caller's signal only,
   * not the attempt's: a response that arrived must not turn into a timeout.
   */
  async #loadErrors(signal: AbortSignal | undefined): Promise<typeof import('./presigned-errors.js') | undefined> {
    try {
      return await loadModule(() => import('./presigned-errors.js'), signal);
    } catch {
      signal?.throwIfAborted();
      return undefined;
    }
  }

  /**
   * A HEAD returns 404 without a body for a missing key and a missing bucket
   * alike. The signer may not sign requests on the bucket itself, so after
   * the first such 404 this GETs the same key once per store: the body of its
   * 404 names NoSuchBucket, which becomes a BucketNotFoundError. A signer that
   * refuses the GET leaves the question open, and the key counts as absent.
   */
  async #checkBucketExists(key: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.#bucketChecked) return;
    try {
      await this.#send({ method: 'GET', key, signal, absentOn404: true });
    } catch (error) {
      if (BucketNotFoundError.is(error)) throw error;
      if (signal?.aborted) throw signal.reason;
      if (!AccessDeniedError.is(error) && !InvalidOptionsError.is(error)) throw error;
    }
    this.#bucketChecked = true;
  }
}
