/**
 * An ObjectStore over the S3 REST API, through `fetch` and aws4fetch's SigV4
 * signer: AWS S3, Cloudflare R2, MinIO, Ceph RGW and other compatible servers.
 *
 * The constructor checks the options and builds the URLs synchronously, and
 * starts loading s3-transport.ts (with aws4fetch) without waiting for it.
 * NoDB imports this file whatever store it uses, so this keeps the signing
 * code out of apps that never create an S3Store (MemoryStore,
 * R2BindingStore, PresignedStore).
 */
import { checkOptionNames, invalidOption } from '../codecs/option-value.js';
import { InvalidOptionsError } from '../errors.js';
import { loadModule } from '../load-module.js';
import { type RetryOptions, checkHooks, resolveRetryOptions, untilAborted } from '../retry.js';
import { listAllPages, resolvePageSize } from './list.js';
import type { PresignListQuery } from './presign-request.js';
import { type ObjectRequest, type ObjectWriter, deleteObject, getObject, headFromResponse, putObject } from './s3-objects.js';
import type { Credentials, S3Hooks, S3Response, S3Transport, TransportSettings } from './s3-transport.js';
import type { CorsOptions } from './s3-bucket.js';
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

export type { Credentials, S3Hooks } from './s3-transport.js';

export interface S3StoreOptions {
  /** Bucket name. */
  bucket: string;
  /**
   * Server URL such as `http://127.0.0.1:9000` or `https://<account>.r2.cloudflarestorage.com`.
   * A custom endpoint means path-style addressing (`endpoint/bucket/key`).
   * @default AWS S3 in `region`
   */
  endpoint?: string;
  /** Signing region; `auto` for Cloudflare R2. @default 'us-east-1' */
  region?: string;
  credentials: Credentials;
  /** fetch implementation to call. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Retry policy for failed requests. @default see RETRY_DEFAULTS */
  retry?: RetryOptions;
  /** Callbacks before each request, before each retry and after each response. */
  hooks?: S3Hooks;
  /**
   * Milliseconds added to the local clock when signing. nodb corrects it on
   * its own after a RequestTimeTooSkewed response. @default 0
   */
  clockOffsetMs?: number;
}

/** Largest clock correction accepted, one week: anything more is a broken clock, not skew. */
const MAX_CLOCK_OFFSET_MS = 7 * 24 * 3600_000;

/** Names of the options of S3Store, which NoDB also takes. */
export const S3_STORE_OPTION_NAMES: ReadonlyArray<keyof S3StoreOptions> = [
  'bucket',
  'endpoint',
  'region',
  'credentials',
  'fetch',
  'retry',
  'hooks',
  'clockOffsetMs',
];

/** SigV4 presigned URLs are valid for at most seven days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignOptions {
  /** Seconds the URL stays valid, from 1 to 604,800 (seven days). @default 900 */
  expiresIn?: number;
  /**
   * Headers to sign into the URL, such as `if-match` or `content-type`. The
   * request made with the URL must send each with the same value.
   */
  headers?: Record<string, string>;
}

export class S3Store implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly region: string;
  /** Base URL requests go to, without a trailing slash. */
  readonly endpoint: string;

  /** The transport's settings, resolved in the constructor so that invalid ones throw there. */
  readonly #settings: TransportSettings;
  /** Clock offset the transport starts with, from the options. */
  readonly #clockOffsetMs: number;
  /** The transport, once s3-transport.ts has loaded. */
  #transport: S3Transport | undefined;
  /** The load of s3-transport.ts in progress or done; undefined after a failed load, so that the next request tries again. */
  #transportLoading: Promise<S3Transport> | undefined;
  /** URL of the bucket itself: path-style for custom endpoints, virtual-hosted on AWS. */
  readonly #bucketUrl: string;
  /** Set once a request has shown that the bucket exists. */
  #bucketSeen = false;
  /** This store's side of the object requests in s3-objects.ts (get, put, delete), which PresignedStore uses too. */
  readonly #writer: ObjectWriter;

  constructor(options: S3StoreOptions) {
    checkOptions(options);
    this.bucket = options.bucket;
    this.region = options.region ?? 'us-east-1';

    if (options.endpoint !== undefined) {
      this.endpoint = options.endpoint.replace(/\/+$/, '');
      this.#bucketUrl = `${this.endpoint}/${encodeURIComponent(this.bucket)}`;
    } else if (this.bucket.includes('.')) {
      // TLS wildcard certificates do not cover dotted bucket names as subdomains.
      this.endpoint = `https://s3.${this.region}.amazonaws.com`;
      this.#bucketUrl = `${this.endpoint}/${this.bucket}`;
    } else {
      this.endpoint = `https://${this.bucket}.s3.${this.region}.amazonaws.com`;
      this.#bucketUrl = this.endpoint;
    }

    this.description = `bucket "${this.bucket}" at ${this.endpoint}`;
    this.#writer = {
      description: this.description,
      bucket: this.bucket,
      unquotedIfMatch: false,
      send: (request) => this.#send(request),
      head: (key, headOptions) => this.head(key, headOptions),
    };
    this.#settings = {
      credentials: { ...options.credentials },
      region: this.region,
      bucket: this.bucket,
      endpoint: this.endpoint,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      retry: resolveRetryOptions(options.retry),
      hooks: options.hooks ?? {},
    };
    this.#clockOffsetMs = options.clockOffsetMs ?? 0;
    // Not awaited: the module is usually ready by the first request.
    this.#transportLoading = this.#loadTransport();
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | Unmodified | null> {
    return getObject(this.#writer, key, options);
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectHead | null> {
    const response = await this.#send({ method: 'HEAD', key, signal: options.signal, absentOn404: true });
    if (response.status === 404) {
      await this.#checkBucketExists(options.signal);
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
    const query = listObjectsParams({ ...options, maxKeys: resolvePageSize(options.pageSize) });
    const url = `${this.#bucketUrl}?${formatQuery(query)}`;
    const transport = await this.#useTransport(options.signal);
    const response = await transport.send({ method: 'GET', url, key: undefined, signal: options.signal });
    return parseListResponse(response.body, this.description);
  }

  list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    return listAllPages((page) => this.listPage(page), options, this.description);
  }

  /** Creates the bucket unless it exists. Returns true when it created it. */
  async ensureBucket(): Promise<boolean> {
    const [transport, { ensureBucket }] = await Promise.all([this.#useTransport(undefined), loadModule(() => import('./s3-bucket.js'))]);
    return ensureBucket(transport, this.#bucketUrl, this.region);
  }

  /**
   * Replaces the bucket's CORS configuration with one rule that lets browsers
   * at `origins` send signed, conditional requests and read ETags.
   */
  async putCors(options: CorsOptions): Promise<void> {
    const [transport, { putCors }] = await Promise.all([this.#useTransport(undefined), loadModule(() => import('./s3-bucket.js'))]);
    return putCors(transport, this.#bucketUrl, options);
  }

  /** Returns a presigned URL for one request on `key`, usable without credentials. */
  async presign(
    method: 'GET' | 'HEAD' | 'PUT' | 'DELETE',
    key: string,
    options: PresignOptions = {},
  ): Promise<string> {
    const { presignWithOptions } = await loadModule(() => import('./s3-presign.js'));
    // Only a transport corrects the clock, after a RequestTimeTooSkewed response,
    // so until one has loaded, the offset from the options applies.
    const clockOffsetMs = this.#transport?.clockOffsetMs ?? this.#clockOffsetMs;
    return presignWithOptions(this, { credentials: this.#settings.credentials, clockOffsetMs }, method, key, options);
  }

  /** Returns the URL of an object: the key encoded once, `/` included. */
  objectUrl(key: string): string {
    return `${this.#bucketUrl}/${encodeKey(key)}`;
  }

  async #send(request: ObjectRequest): Promise<S3Response> {
    const transport = await this.#useTransport(request.signal);
    return transport.send({ ...request, url: this.objectUrl(request.key) });
  }

  /**
   * Loads s3-transport.ts and creates the transport. A failed load rejects
   * with loadModule's NetworkError and is forgotten, so that the next request
   * tries again. That handler also keeps the constructor's load, which no
   * caller may await, from becoming an unhandled rejection.
   */
  #loadTransport(): Promise<S3Transport> {
    const loading = loadModule(() => import('./s3-transport.js')).then((loaded) => {
      this.#transport = new loaded.S3Transport(this.#settings, this.#clockOffsetMs);
      return this.#transport;
    });
    loading.catch(() => {
      if (this.#transportLoading === loading) this.#transportLoading = undefined;
    });
    return loading;
  }

  /**
   * Returns the transport, waiting for its module. The load is shared by all
   * requests, so an abort rejects only this caller's wait and leaves the load
   * running for the others.
   */
  async #useTransport(signal: AbortSignal | undefined): Promise<S3Transport> {
    if (this.#transport !== undefined) return this.#transport;
    signal?.throwIfAborted();
    this.#transportLoading ??= this.#loadTransport();
    return signal === undefined ? this.#transportLoading : untilAborted(this.#transportLoading, signal);
  }

  /**
   * A HEAD returns 404 without a body for a missing key and a missing bucket
   * alike, so after the first such 404 this sends a HEAD on the bucket itself,
   * once per store, to raise BucketNotFoundError instead of reporting absent.
   */
  async #checkBucketExists(signal: AbortSignal | undefined): Promise<void> {
    if (this.#bucketSeen) return;
    const transport = await this.#useTransport(signal);
    const bucket = await transport.send({ method: 'HEAD', url: this.#bucketUrl, key: undefined, signal, absentOn404: true });
    if (bucket.status === 404) {
      const { bucketNotFoundError } = await loadModule(() => import('./s3-errors.js'), signal);
      throw bucketNotFoundError(this.bucket, this.endpoint, { status: 404, s3Code: 'NoSuchBucket', bucket: this.bucket });
    }
    this.#bucketSeen = true;
  }
}

/**
 * Encodes a key for the request path: every character but RFC 3986's
 * unreserved ones, `/` included. Encoding `/` keeps keys such as `/leading`,
 * `a//b` and `a/../b` intact, because URL parsers collapse those segments.
 * A literal `+` must never appear either, because aws4fetch signs it as a space.
 */
export function encodeKey(key: string): string {
  // URL parsers resolve a path segment of "." or ".." (encoded or not), which
  // would turn the object's URL into the bucket's or the account's.
  if (key === '.' || key === '..') {
    throw new InvalidOptionsError(
      `The key ${JSON.stringify(key)} cannot be addressed over HTTP, because URLs resolve it; use another key.`,
      { key },
    );
  }
  return encodeRfc3986(key);
}

/** Returns the ListObjectsV2 query parameters for one page, asking for URL-encoded keys in the response. */
export function listObjectsParams(query: PresignListQuery & { maxKeys: number }): Array<[string, string]> {
  const params: Array<[string, string]> = [
    ['list-type', '2'],
    ['max-keys', String(query.maxKeys)],
    ['encoding-type', 'url'],
  ];
  if (query.prefix) params.push(['prefix', query.prefix]);
  if (query.startAfter) params.push(['start-after', query.startAfter]);
  if (query.continuationToken) params.push(['continuation-token', query.continuationToken]);
  return params;
}

/** Formats query parameters with every name and value encoded as RFC 3986 requires, as SigV4 signs them. */
export function formatQuery(params: Array<[string, string]>): string {
  return params.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`).join('&');
}

/** Percent-encodes every character but RFC 3986's unreserved ones, for paths and query strings. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase());
}

function checkOptions(options: S3StoreOptions): void {
  if (typeof options?.bucket !== 'string' || !/^[a-z0-9][a-z0-9.\-_]{0,254}$/i.test(options.bucket)) {
    throw invalidOption('bucket', 'a bucket name such as "my-records" (letters, digits, ".", "-", "_")', options?.bucket);
  }
  checkOptionNames(options, S3_STORE_OPTION_NAMES, 'new S3Store()');
  checkHooks(options.hooks);

  if (options.endpoint !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(options.endpoint).protocol;
    } catch {
      // Reported below.
    }
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw invalidOption('endpoint', 'an http(s) URL such as "http://127.0.0.1:9000"', options.endpoint);
    }
  }

  const offset = options.clockOffsetMs;
  if (offset !== undefined && !(typeof offset === 'number' && Number.isFinite(offset) && Math.abs(offset) <= MAX_CLOCK_OFFSET_MS)) {
    throw invalidOption('clockOffsetMs', `a number of milliseconds within ±${MAX_CLOCK_OFFSET_MS} (one week)`, offset);
  }

  const credentials = options.credentials;
  if (
    typeof credentials?.accessKeyId !== 'string' ||
    typeof credentials.secretAccessKey !== 'string' ||
    credentials.accessKeyId === '' ||
    credentials.secretAccessKey === ''
  ) {
    throw new InvalidOptionsError(
      `credentials must have a non-empty accessKeyId and secretAccessKey for ${JSON.stringify(options.bucket)}.`,
      { bucket: options.bucket },
    );
  }
}
