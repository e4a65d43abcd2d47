/**
 * S3 error responses to typed errors, with messages that name what to check.
 */
import {
  AccessDeniedError,
  BucketNotFoundError,
  ConflictError,
  NetworkError,
  type NoDBError,
  type NoDBErrorDetails,
  S3Error,
} from '../errors.js';
import { parseErrorBody } from './s3-xml.js';

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
      return new BucketNotFoundError(
        `The bucket "${context.bucket}" does not exist at ${context.endpoint}. ` +
          `Create it, or check the bucket name and the endpoint.`,
        details,
      );
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

/** Error for a request that got no response at all. */
export function networkError(error: unknown, context: RequestContext): NetworkError {
  const reason = describeCause(error);
  return new NetworkError(
    `${context.method} to ${context.endpoint} failed before a response arrived (${reason}). ` +
      `Check that the server is running and that the endpoint is right.`,
    { key: context.key, bucket: context.bucket, cause: error },
  );
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

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
