/**
 * An ObjectStore over the S3 REST API, through `fetch` and aws4fetch's SigV4
 * signer: AWS S3, Cloudflare R2, MinIO, Ceph RGW and other compatible servers.
 */
import { AwsV4Signer } from 'aws4fetch';
import { InvalidOptionsError, ProtocolError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { quoteEtag } from './etag.js';
import { listAllPages } from './list.js';
import { checkMetadata } from './metadata.js';
import { errorFromResponse, networkError, type RequestContext } from './s3-errors.js';
import { parseListPage } from './s3-xml.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectHead,
  ObjectInfo,
  ObjectMetadata,
  ObjectStore,
  PutOptions,
  StoredObject,
  Unmodified,
} from './types.js';

/** Access keys, optionally short-lived with a session token. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Session token of temporary credentials (STS, R2 temporary tokens). */
  sessionToken?: string;
}

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
}

/** Hex SHA-256 of an empty body, sent with every request that has none. */
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const MAX_PAGE_SIZE = 1000;

export class S3Store implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly region: string;
  /** Base URL requests go to, without a trailing slash. */
  readonly endpoint: string;

  readonly #credentials: Credentials;
  readonly #fetch: typeof fetch;
  /** URL of the bucket itself: path-style for custom endpoints, virtual-hosted on AWS. */
  readonly #bucketUrl: string;
  readonly #signingKeyCache = new Map<string, ArrayBuffer>();

  constructor(options: S3StoreOptions) {
    checkOptions(options);
    this.bucket = options.bucket;
    this.region = options.region ?? 'us-east-1';
    this.#credentials = { ...options.credentials };
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

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
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | Unmodified | null> {
    const headers = new Headers();
    if (options.ifNoneMatch !== undefined) headers.set('if-none-match', quoteEtag(options.ifNoneMatch));

    const response = await this.#send('GET', key, { headers, signal: options.signal, absentOn404: true });
    if (response.status === 404) return null;

    const etag = response.headers.get('etag') ?? '';
    if (response.status === 304) {
      await discard(response);
      return { modified: false, key, etag: etag || quoteEtag(options.ifNoneMatch ?? '') };
    }

    const body = new Uint8Array(await response.arrayBuffer());
    return {
      modified: true,
      key,
      body,
      etag,
      metadata: readMetadata(response.headers),
      lastModified: readDate(response.headers.get('last-modified')),
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectHead | null> {
    const response = await this.#send('HEAD', key, { signal: options.signal, absentOn404: true });
    await discard(response);
    if (response.status === 404) return null;

    return {
      key,
      etag: response.headers.get('etag') ?? '',
      size: Number(response.headers.get('content-length') ?? '0'),
      metadata: readMetadata(response.headers),
      lastModified: readDate(response.headers.get('last-modified')),
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    checkMetadata(options.metadata, key);

    const headers = new Headers({ 'content-type': options.contentType ?? 'application/octet-stream' });
    if (options.ifMatch !== undefined) headers.set('if-match', quoteEtag(options.ifMatch));
    if (options.ifNoneMatch !== undefined) headers.set('if-none-match', options.ifNoneMatch);
    for (const [name, value] of Object.entries(options.metadata ?? {})) headers.set(`x-amz-meta-${name}`, value);

    const response = await this.#send('PUT', key, { headers, body, signal: options.signal });
    await discard(response);

    const etag = response.headers.get('etag');
    if (etag === null) {
      // Browsers hide response headers that the bucket's CORS rule does not expose.
      throw new ProtocolError(
        `The PUT of "${key}" to ${this.description} succeeded, but its response has no readable ETag. ` +
          `If this runs in a browser, the bucket's CORS rule must expose the ETag header.`,
        { key, bucket: this.bucket },
      );
    }
    return { etag };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    const headers = new Headers();
    if (options.ifMatch !== undefined) headers.set('if-match', quoteEtag(options.ifMatch));

    // S3 answers 204 whether or not the key existed; some servers answer 404.
    const response = await this.#send('DELETE', key, { headers, signal: options.signal, absentOn404: true });
    await discard(response);
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new InvalidOptionsError(`pageSize must be an integer from 1 to 1000, not ${options.pageSize}.`);
    }

    const query: Array<[string, string]> = [
      ['list-type', '2'],
      ['max-keys', String(pageSize)],
      ['encoding-type', 'url'],
    ];
    if (options.prefix) query.push(['prefix', options.prefix]);
    if (options.startAfter) query.push(['start-after', options.startAfter]);
    if (options.continuationToken) query.push(['continuation-token', options.continuationToken]);

    const response = await this.#send('GET', undefined, { query, signal: options.signal });
    return parseListPage(await response.text(), this.description);
  }

  list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    return listAllPages((page) => this.listPage(page), options, this.description);
  }

  /** Returns the URL of an object: the key encoded once, `/` included. */
  objectUrl(key: string): string {
    return `${this.#bucketUrl}/${encodeKey(key)}`;
  }

  /**
   * Signs and sends one request. Returns the response when it succeeded, and a
   * 404 for a missing object when `absentOn404` is set; throws a typed error
   * for every other failure, after reading or cancelling the body.
   */
  async #send(
    method: string,
    key: string | undefined,
    request: {
      headers?: Headers;
      body?: Uint8Array;
      query?: Array<[string, string]>;
      signal?: AbortSignal | undefined;
      absentOn404?: boolean;
    },
  ): Promise<Response> {
    const url = key === undefined ? this.#bucketUrl + encodeQuery(request.query ?? []) : this.objectUrl(key);
    const headers = request.headers ?? new Headers();
    const payloadHash = request.body ? await sha256Hex(request.body) : EMPTY_BODY_SHA256;
    headers.set('x-amz-content-sha256', payloadHash);

    const signer = new AwsV4Signer({
      method,
      url,
      headers,
      accessKeyId: this.#credentials.accessKeyId,
      secretAccessKey: this.#credentials.secretAccessKey,
      sessionToken: this.#credentials.sessionToken,
      service: 's3',
      region: this.region,
      cache: this.#signingKeyCache,
    });
    const signed = await signer.sign();

    const context = this.#context(method, key);
    let response: Response;
    try {
      response = await this.#fetch(signed.url, {
        method,
        headers: signed.headers,
        body: request.body ? new Uint8Array(request.body) : undefined,
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw networkError(error, context);
    }

    if (response.ok || response.status === 304) return response;

    const bodyText = method === 'HEAD' ? '' : await response.text().catch(() => '');
    await discard(response);

    if (response.status === 404 && request.absentOn404 && !isMissingBucket(bodyText)) return response;
    throw errorFromResponse(response, bodyText, context);
  }

  #context(method: string, key: string | undefined): RequestContext {
    return {
      method,
      key,
      bucket: this.bucket,
      endpoint: this.endpoint,
      accessKeyId: this.#credentials.accessKeyId,
    };
  }
}

/**
 * Encodes a key for the request path: every character but RFC 3986's
 * unreserved ones, `/` included. Encoding `/` keeps keys such as `/leading`,
 * `a//b` and `..` intact, because URL parsers collapse those segments; and a
 * literal `+` must never appear, as aws4fetch would sign it as a space.
 */
export function encodeKey(key: string): string {
  return encodeRfc3986(key);
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase());
}

function encodeQuery(query: Array<[string, string]>): string {
  if (query.length === 0) return '';
  return '?' + query.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`).join('&');
}

function isMissingBucket(bodyText: string): boolean {
  return bodyText.includes('<Code>NoSuchBucket</Code>');
}

function readMetadata(headers: Headers): ObjectMetadata {
  const metadata: ObjectMetadata = {};
  headers.forEach((value, name) => {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  });
  return metadata;
}

function readDate(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Releases a response body nobody reads, so the connection can be reused. */
async function discard(response: Response): Promise<void> {
  if (response.body && !response.bodyUsed) await response.body.cancel().catch(() => undefined);
}

function checkOptions(options: S3StoreOptions): void {
  if (typeof options?.bucket !== 'string' || !/^[a-z0-9][a-z0-9.\-_]{0,254}$/i.test(options.bucket)) {
    throw new InvalidOptionsError(
      `bucket must be a bucket name such as "my-records" (letters, digits, ".", "-", "_"), ` +
        `not ${JSON.stringify(options?.bucket)}.`,
    );
  }

  if (options.endpoint !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(options.endpoint).protocol;
    } catch {
      // Reported below.
    }
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new InvalidOptionsError(
        `endpoint must be an http(s) URL such as "http://127.0.0.1:9000", not ${JSON.stringify(options.endpoint)}.`,
      );
    }
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
