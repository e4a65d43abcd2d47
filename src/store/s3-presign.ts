/**
 * SigV4 presigned URLs for the signer endpoint: one object request, or one
 * ListObjectsV2 page (a GET on the bucket with a query, which
 * S3Store.presign does not cover). URLs are built by an S3Store, so
 * addressing and key encoding match the store's own requests.
 */
import { AwsV4Signer } from 'aws4fetch';
import type { PresignListQuery } from './presign-request.js';
import { type S3Store, encodeRfc3986 } from './s3.js';
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

  const params: Array<[string, string]> = [
    ['list-type', '2'],
    ['max-keys', String(query.maxKeys ?? 1000)],
    ['encoding-type', 'url'],
  ];
  if (query.prefix) params.push(['prefix', query.prefix]);
  if (query.startAfter) params.push(['start-after', query.startAfter]);
  if (query.continuationToken) params.push(['continuation-token', query.continuationToken]);
  return presign('GET', bucketUrl, params, {}, settings);
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

function formatQuery(params: Array<[string, string]>): string {
  return params.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`).join('&');
}

/** Formats a time as SigV4's `YYYYMMDDTHHMMSSZ`. */
function amzDate(time: number): string {
  return new Date(time).toISOString().replace(/[:-]|\.\d{3}/g, '');
}
