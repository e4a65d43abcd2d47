/**
 * Bucket setup: create a bucket when it is missing, and write the CORS rule
 * that browser clients need. Kept apart from the object operations so that
 * apps that never manage buckets do not bundle this code.
 */
import { InvalidOptionsError, NoDBError } from '../errors.js';
import { md5Base64 } from '../md5.js';
import type { S3Transport } from './s3-transport.js';

export interface CorsOptions {
  /** Origins allowed to call the bucket, such as `https://app.example.com`, or `*`. */
  origins: string[];
  /** @default ['GET', 'HEAD', 'PUT', 'DELETE'] */
  methods?: Array<'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST'>;
  /**
   * Request headers browsers may send. The default covers what signed and
   * conditional requests send. @default SIGNED_REQUEST_HEADERS
   */
  allowedHeaders?: string[];
  /** Response headers scripts may read; ETag is needed for conditional writes. @default EXPOSED_HEADERS */
  exposeHeaders?: string[];
  /** Seconds browsers may cache a preflight response. @default 3600 */
  maxAgeSeconds?: number;
}

/** Headers a SigV4-signed, possibly conditional request carries. */
export const SIGNED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-meta-*',
  'if-match',
  'if-none-match',
];

/** Response headers nodb reads. */
export const EXPOSED_HEADERS = ['ETag', 'x-amz-request-id', 'x-amz-version-id', 'x-amz-meta-nodb-write-id', 'Date'];

/**
 * Creates the bucket unless it exists. Returns true when it created it.
 * Regions other than us-east-1 (and R2's `auto`) are named in a
 * CreateBucketConfiguration, as AWS requires.
 */
export async function ensureBucket(transport: S3Transport, bucketUrl: string, region: string): Promise<boolean> {
  const head = await transport.send({ method: 'HEAD', url: bucketUrl, key: undefined, absentOn404: true });
  if (head.status !== 404) return false;

  const body =
    region === 'us-east-1' || region === 'auto'
      ? undefined
      : new TextEncoder().encode(
          `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
            `<LocationConstraint>${escapeXml(region)}</LocationConstraint></CreateBucketConfiguration>`,
        );

  try {
    await transport.send({ method: 'PUT', url: bucketUrl, key: undefined, body });
  } catch (error) {
    // Another client created it between the HEAD and the PUT.
    if (error instanceof NoDBError && error.s3Code === 'BucketAlreadyOwnedByYou') return false;
    throw error;
  }
  return true;
}

/** Replaces the bucket's CORS configuration with one rule built from `options`. */
export async function putCors(transport: S3Transport, bucketUrl: string, options: CorsOptions): Promise<void> {
  if (!Array.isArray(options?.origins) || options.origins.length === 0) {
    throw new InvalidOptionsError('putCors needs origins, such as ["https://app.example.com"] or ["*"].');
  }

  const rule = [
    ...options.origins.map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`),
    ...(options.methods ?? ['GET', 'HEAD', 'PUT', 'DELETE']).map((method) => `<AllowedMethod>${method}</AllowedMethod>`),
    ...(options.allowedHeaders ?? SIGNED_REQUEST_HEADERS).map((name) => `<AllowedHeader>${escapeXml(name)}</AllowedHeader>`),
    ...(options.exposeHeaders ?? EXPOSED_HEADERS).map((name) => `<ExposeHeader>${escapeXml(name)}</ExposeHeader>`),
    `<MaxAgeSeconds>${options.maxAgeSeconds ?? 3600}</MaxAgeSeconds>`,
  ].join('');
  const xml = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>${rule}</CORSRule></CORSConfiguration>`;
  const body = new TextEncoder().encode(xml);

  // PutBucketCors requires Content-MD5 on AWS, which Web Crypto cannot compute.
  const headers = new Headers({ 'content-type': 'application/xml', 'content-md5': md5Base64(body) });
  await transport.send({ method: 'PUT', url: `${bucketUrl}?cors=`, key: undefined, headers, body });
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
