/**
 * S3 error responses to typed errors, with messages that name what to check.
 * Loaded on the error path only, so none of these messages is in the core bundle.
 */
import { describeCause } from '../error-cause.js';
import {
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  NetworkError,
  type NoDBError,
  type NoDBErrorDetails,
  ProtocolError,
  S3Error,
} from '../errors.js';
import { IN_BROWSER } from './browser.js';
import { elementText } from './s3-xml.js';

/** Fields of an S3 `<Error>` document. */
export interface S3ErrorBody {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
  /** Region a 301 or 400 response names as the bucket's, when present. */
  region: string | undefined;
}

/** Context of the failed request, for the message. */
export interface RequestContext {
  method: string;
  bucket: string;
  endpoint: string;
  key: string | undefined;
  accessKeyId: string;
}

/**
 * Builds the error for a failed response. `bodyText` is empty for HEAD, whose
 * responses carry no body, so those are classified by status alone.
 */
export function errorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  context: RequestContext,
): NoDBError {
  const body = parseErrorBody(bodyText);
  const s3Code = body.code ?? codeFromStatus(status);
  const details: NoDBErrorDetails = {
    status,
    s3Code,
    key: context.key,
    bucket: context.bucket,
    requestId: body.requestId ?? headers.get('x-amz-request-id') ?? undefined,
  };

  const target = context.key === undefined ? `bucket "${context.bucket}"` : `"${context.key}" in bucket "${context.bucket}"`;
  const operation = `${context.method} ${target} at ${context.endpoint}`;
  const serverMessage = body.message ? ` The server's message: ${body.message}` : '';

  switch (s3Code) {
    case 'InvalidAccessKeyId':
      return new AccessDeniedError(
        `${operation} failed: the access key id "${context.accessKeyId}" is not known to the server. ` +
          `Check credentials.accessKeyId.`,
        details,
      );
    case 'SignatureDoesNotMatch':
      return new AccessDeniedError(
        `${operation} failed: the request signature does not match. ` +
          `Check credentials.secretAccessKey, and that the endpoint and region are right.`,
        details,
      );
    case 'RequestTimeTooSkewed':
      return new AccessDeniedError(
        `${operation} failed: this machine's clock differs too much from the server's. Correct the clock.`,
        details,
      );
    case 'ExpiredToken':
    case 'InvalidToken':
      return new AccessDeniedError(
        `${operation} failed: the session token is expired or invalid. Fetch new credentials.`,
        details,
      );
    case 'NoSuchBucket':
      return bucketNotFoundError(context.bucket, context.endpoint, details);
    case 'PreconditionFailed':
    case 'ConditionalRequestConflict':
      return new ConflictError(
        `${operation} was rejected because the object changed since it was read ` +
          `(or already exists); it was left unchanged. Read it again and retry.`,
        details,
      );
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return new S3Error(
        `${operation} failed: the bucket is in another region` +
          `${body.region ? ` ("${body.region}")` : ''}. Set the region option to the bucket's region.${serverMessage}`,
        details,
      );
  }

  if (status === 403) {
    return new AccessDeniedError(
      `${operation} was denied (403 ${s3Code}). Check that the credentials may access bucket ` +
        `"${context.bucket}".${serverMessage}`,
      details,
    );
  }

  return new S3Error(`${operation} failed with ${status} ${s3Code}.${serverMessage}`, details);
}

/** Error for a bucket that does not exist at the endpoint. */
export function bucketNotFoundError(bucket: string, endpoint: string, details: NoDBErrorDetails): BucketNotFoundError {
  return new BucketNotFoundError(
    `The bucket "${bucket}" does not exist at ${endpoint}. Create it, or check the bucket name and the endpoint.`,
    details,
  );
}

/** Error for a request that got no response at all. */
export function networkError(error: unknown, context: RequestContext): NetworkError {
  const reason = describeCause(error);
  return new NetworkError(
    `${context.method} to ${context.endpoint} failed before a response arrived (${reason}). ` +
      `Check that the server is running and that the endpoint is right.` +
      // Browsers hide an error response that lacks CORS headers, such as a missing bucket's.
      (IN_BROWSER ? ` A browser reports an error response without CORS headers the same way, so also check that the bucket exists and that its CORS rule allows this origin.` : ''),
    { key: context.key, bucket: context.bucket, cause: error },
  );
}

/** Error for a response whose body could not be read to the end. */
export function bodyReadError(error: unknown, context: RequestContext): NetworkError {
  return new NetworkError(
    `${context.method} to ${context.endpoint} failed while reading the response body. ` +
      `Check the network between this client and the server.`,
    { key: context.key, bucket: context.bucket, cause: error },
  );
}

/** Error for a PUT that succeeded but whose response has no ETag that the client can read. */
export function missingEtagError(key: string, description: string, bucket: string | undefined): ProtocolError {
  // Browsers hide response headers that the bucket's CORS rule does not expose.
  return new ProtocolError(
    `The PUT of "${key}" to ${description} succeeded, but its response has no readable ETag. ` +
      `If this runs in a browser, the bucket's CORS rule must expose the ETag header.`,
    { key, bucket },
  );
}

/** Reads the fields of an error body; an unreadable body yields all-undefined fields. */
export function parseErrorBody(xml: string): S3ErrorBody {
  // A hostile or broken server may send megabytes here; messages keep a bounded part.
  const bounded = (text: string | undefined, max: number) => (text && text.length > max ? text.slice(0, max) + '…' : text);
  return {
    code: bounded(elementText(xml, 'Code'), 100),
    message: bounded(elementText(xml, 'Message'), 500),
    requestId: bounded(elementText(xml, 'RequestId'), 200),
    region: bounded(elementText(xml, 'Region'), 100),
  };
}

// HEAD responses have no body, so their S3 code comes from the status.
function codeFromStatus(status: number): string {
  switch (status) {
    case 301:
      return 'PermanentRedirect';
    case 400:
      return 'BadRequest';
    case 403:
      return 'AccessDenied';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 412:
      return 'PreconditionFailed';
    case 503:
      return 'SlowDown';
    default:
      return `HTTP${status}`;
  }
}
