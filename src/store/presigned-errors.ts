/**
 * Errors of requests made with presigned URLs. The S3 error codes map as for
 * S3Store, but the client has no credentials, so a rejected signature
 * points at the signer or at a request that differs from what was signed.
 * Loaded on the error path only.
 */
import { describeCause } from '../error-cause.js';
import { AccessDeniedError, NetworkError, type NoDBError, S3Error } from '../errors.js';
import { errorFromResponse } from './s3-errors.js';
import { elementText } from './s3-xml.js';

/** The failed request. */
export interface PresignedContext {
  method: string;
  key: string | undefined;
  bucket: string | undefined;
  /** The presigned URL that was called. */
  url: string;
}

/** Builds the error for a failed or redirected response to a presigned request. */
export function presignedErrorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  context: PresignedContext,
): NoDBError {
  const url = new URL(context.url);
  const location = headers.get('location');
  if (status === 0 || (status >= 300 && status < 400 && location !== null)) {
    return new S3Error(
      `${context.method} through a presigned URL to ${url.origin} was redirected${location ? ` to ${location}` : ''}; ` +
        `nodb does not follow redirects. Check the signer's endpoint and region.`,
      { status, s3Code: 'Redirect', key: context.key, bucket: context.bucket },
    );
  }

  const bucket = context.bucket ?? elementText(bodyText, 'BucketName') ?? '(unknown)';
  const accessKeyId = url.searchParams.get('X-Amz-Credential')?.split('/')[0] ?? '(unknown)';
  const error = errorFromResponse(status, headers, bodyText, {
    method: context.method,
    key: context.key,
    bucket,
    endpoint: url.origin,
    accessKeyId,
  });
  if (!(error instanceof AccessDeniedError)) return error;

  const target = context.key === undefined ? `bucket "${bucket}"` : `"${context.key}" in bucket "${bucket}"`;
  const operation = `${context.method} ${target} at ${url.origin} through a presigned URL`;
  const details = {
    status: error.status,
    s3Code: error.s3Code,
    key: error.key,
    bucket: error.bucket,
    requestId: error.requestId,
  };
  return new AccessDeniedError(`${operation} failed: ${reasonFor(error.s3Code, accessKeyId)}`, details);
}

/** Builds the error for a presigned request that got no response at all. */
export function presignedNetworkError(error: unknown, context: PresignedContext): NetworkError {
  const origin = safeOrigin(context.url);
  const target = context.key === undefined ? 'the bucket' : `"${context.key}"`;
  return new NetworkError(
    `${context.method} ${target} through a presigned URL to ${origin} failed before a response arrived ` +
      `(${describeCause(error)}). In a browser this usually means the server sent no CORS headers: the bucket ` +
      `needs a CORS rule for this page's origin (S3Store.putCors), and some servers (Ceph RGW among them) send ` +
      `none with a rejected signature or a missing bucket. Otherwise check that the server is running.`,
    { key: context.key, bucket: context.bucket, cause: error },
  );
}

function reasonFor(s3Code: string | undefined, accessKeyId: string): string {
  switch (s3Code) {
    case 'SignatureDoesNotMatch':
      return (
        `the server rejected the URL's signature. Either the signer's secret key, region or endpoint is wrong, ` +
        `or the request differs from what was signed (its key, method, query or a signed header was changed).`
      );
    case 'InvalidAccessKeyId':
      return `the signer's access key id "${accessKeyId}" is not known to the server. Check the signer's credentials.`;
    case 'ExpiredToken':
    case 'InvalidToken':
      return `the signer's session token is expired or invalid. Give the signer new credentials.`;
    case 'RequestTimeTooSkewed':
      return `the signer's clock differs too much from the server's. Correct the signer's clock.`;
    default:
      return (
        `the server denied it (${s3Code ?? 'AccessDenied'}). The URL may have expired before it was used, ` +
        `or the signer's credentials lack permission for this bucket.`
      );
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
