/**
 * SigV4 presigned URLs: S3Store.presign, and for the signer endpoint one
 * object request or one ListObjectsV2 page (a GET on the bucket with a
 * query, which S3Store.presign does not cover). URLs are built by an
 * S3Store, so addressing and key encoding match the store's own requests.
 */
import { AwsV4Signer } from 'aws4fetch';
import { formatOptionValue } from '../codecs/option-value.js';
import { InvalidOptionsError } from '../errors.js';
import { MAX_PAGE_SIZE } from './list.js';
import type { PresignListQuery } from './presign-request.js';
import { amzDate } from './amz-date.js';
import { MAX_PRESIGN_SECONDS, type PresignOptions, type S3Store, formatQuery, listObjectsParams } from './s3.js';
import type { Credentials } from './s3-transport.js';

export interface PresignSettings {
  /** The store whose URL and region are used. */
  store: S3Store;
  credentials: Credentials;
  /** Seconds the URL stays valid. The caller has checked the range. */
  expiresIn: number;
  /** Milliseconds added to the local clock when signing. @default 0 */
  clockOffsetMs?: number | undefined;
}

/** Seconds an S3Store.presign URL stays valid when `expiresIn` is left out. */
const DEFAULT_EXPIRES_IN = 900;

/**
 * S3Store.presign: checks `options.expiresIn`, then returns a presigned URL
 * for one request on `key`, signed with the store's credentials and with its
 * clock as corrected after any RequestTimeTooSkewed response.
 */
export function presignWithOptions(
  store: S3Store,
  signing: { credentials: Credentials; clockOffsetMs: number },
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE',
  key: string,
  options: PresignOptions,
): Promise<string> {
  const expiresIn = options.expiresIn ?? DEFAULT_EXPIRES_IN;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new InvalidOptionsError(
      `expiresIn must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS}; got ${formatOptionValue(expiresIn)}.`,
      { key, bucket: store.bucket },
    );
  }

  const settings = { store, credentials: signing.credentials, expiresIn, clockOffsetMs: signing.clockOffsetMs };
  return presignObject(method, key, options.headers ?? {}, settings);
}

/**
 * Returns a presigned URL for one request on `key`. Every header in
 * `headers` is signed, `content-type` included (aws4fetch leaves that one out
 * unless `allHeaders` is set), so the request must send each with the
 * same value.
 */
export function presignObject(
  method: 'GET' | 'HEAD' | 'PUT' | 'DELETE',
  key: string,
  headers: Record<string, string>,
  settings: PresignSettings,
): Promise<string> {
  return presign(method, settings.store.objectUrl(key), [], headers, settings);
}

/** Returns a presigned URL for one ListObjectsV2 page, with keys URL-encoded in the response. */
export function presignListObjects(query: PresignListQuery, settings: PresignSettings): Promise<string> {
  // objectUrl encodes the key after "bucketUrl/", so an empty key leaves the bucket URL and a slash.
  const bucketUrl = settings.store.objectUrl('').slice(0, -1);
  return presign('GET', bucketUrl, listObjectsParams({ ...query, maxKeys: query.maxKeys ?? MAX_PAGE_SIZE }), {}, settings);
}

async function presign(
  method: string,
  baseUrl: string,
  params: Array<[string, string]>,
  headers: Record<string, string>,
  settings: PresignSettings,
): Promise<string> {
  const query = formatQuery([...params, ['X-Amz-Expires', String(settings.expiresIn)]]);
  const signer = new AwsV4Signer({
    method,
    url: `${baseUrl}?${query}`,
    headers,
    accessKeyId: settings.credentials.accessKeyId,
    secretAccessKey: settings.credentials.secretAccessKey,
    sessionToken: settings.credentials.sessionToken,
    service: 's3',
    region: settings.store.region,
    datetime: amzDate(Date.now() + (settings.clockOffsetMs ?? 0)),
    signQuery: true,
    allHeaders: true,
  });
  const signed = (await signer.sign()).url;

  // aws4fetch edits the query through URLSearchParams, which writes a space
  // as "+". Servers disagree on reading "+", so write every value as RFC 3986.
  return `${signed.origin}${signed.pathname}?${formatQuery([...signed.searchParams])}`;
}
