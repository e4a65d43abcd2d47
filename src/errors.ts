/**
 * Typed errors. Every error the library raises is a NoDBError subclass with a
 * stable `code`, so callers can branch on it without parsing messages. The one
 * exception is an aborted call, which rejects with the caller's abort reason.
 *
 * Each class states its `name` and `code` as static string fields, which
 * minifiers keep intact, and the constructor copies them onto the error. The
 * static `is()` guard also compares `name`, so it works across realms (an
 * iframe, a Worker, a second copy of the package). Classes hold no other
 * top-level code, so a bundler leaves out the ones an application never uses.
 */

/** Stable machine-readable codes, one per error class. */
export type NoDBErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_INDEX'
  | 'ENCODE_FAILED'
  | 'DECODE_FAILED'
  | 'CONFLICT'
  | 'ACCESS_DENIED'
  | 'BUCKET_NOT_FOUND'
  | 'NETWORK'
  | 'PROTOCOL'
  | 'TIMEOUT'
  | 'OUTCOME_UNKNOWN'
  | 'S3';

/** Context attached to an error: every field is optional. */
export interface NoDBErrorDetails {
  /** HTTP status of the response that failed, when there was one. */
  status?: number;
  /** S3 error code from the response body, such as `NoSuchBucket`. */
  s3Code?: string;
  /** Object key the operation was working on. */
  key?: string;
  /** Bucket the operation was working on. */
  bucket?: string;
  /** Request id the server returned, for its operators. */
  requestId?: string;
  /** Underlying error. */
  cause?: unknown;
}

/** Base class of every error raised by nodb. */
export class NoDBError extends Error {
  /** Name given to errors of this class. */
  static readonly errorName: string = 'NoDBError';
  /** Code given to errors of this class. A NoDBError built directly gets 'S3', the code of any other server error. */
  static readonly code: NoDBErrorCode = 'S3';

  declare readonly name: string;
  declare readonly code: NoDBErrorCode;
  declare readonly status: number | undefined;
  declare readonly s3Code: string | undefined;
  declare readonly key: string | undefined;
  declare readonly bucket: string | undefined;
  declare readonly requestId: string | undefined;

  constructor(message: string, details: NoDBErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });

    // Not enumerable, like Error.prototype.name, so that spreading an error copies only its details.
    const type = new.target as typeof NoDBError;
    Object.defineProperty(this, 'name', { value: type.errorName, configurable: true, writable: true });
    Object.defineProperty(this, 'code', { value: type.code, configurable: true, writable: true });
    this.status = details.status;
    this.s3Code = details.s3Code;
    this.key = details.key;
    this.bucket = details.bucket;
    this.requestId = details.requestId;
  }

  /** Checks by `instanceof`, then by `name`, so errors from another realm match too. */
  static is<E extends NoDBError>(
    this: (abstract new (...args: never[]) => E) & Pick<typeof NoDBError, 'errorName' | 'code'>,
    value: unknown,
  ): value is E {
    if (value instanceof this) return true;
    if (!(value instanceof Error) && (typeof value !== 'object' || value === null)) return false;

    // A name alone is not enough: DOMException also uses names such as
    // TimeoutError, but its code is a number, while ours are strings.
    const { name, code } = value as { name?: unknown; code?: unknown };
    if (typeof code !== 'string') return false;
    if (name === this.errorName) return code === this.code;

    // The base guard accepts any error whose name belongs to the family.
    return this.errorName === NoDBError.errorName && typeof name === 'string' && ERROR_NAMES.has(name);
  }
}

/** Options passed to a constructor or method are invalid. */
export class InvalidOptionsError extends NoDBError {
  static override readonly errorName: string = 'InvalidOptionsError';
  static override readonly code: NoDBErrorCode = 'INVALID_OPTIONS';
}

/** An index value is missing, empty, not a scalar, or cannot become a safe key. */
export class InvalidIndexError extends NoDBError {
  static override readonly errorName: string = 'InvalidIndexError';
  static override readonly code: NoDBErrorCode = 'INVALID_INDEX';
}

/** A value cannot be serialized; nothing was written. */
export class EncodeError extends NoDBError {
  static override readonly errorName: string = 'EncodeError';
  static override readonly code: NoDBErrorCode = 'ENCODE_FAILED';
}

/** Stored bytes are not a record this library can read. */
export class DecodeError extends NoDBError {
  static override readonly errorName: string = 'DecodeError';
  static override readonly code: NoDBErrorCode = 'DECODE_FAILED';
}

/** A conditional write or delete failed: someone else changed the object first. */
export class ConflictError extends NoDBError {
  static override readonly errorName: string = 'ConflictError';
  static override readonly code: NoDBErrorCode = 'CONFLICT';
}

/** The server rejected the credentials or their permissions. */
export class AccessDeniedError extends NoDBError {
  static override readonly errorName: string = 'AccessDeniedError';
  static override readonly code: NoDBErrorCode = 'ACCESS_DENIED';
}

/** The bucket does not exist at the endpoint. */
export class BucketNotFoundError extends NoDBError {
  static override readonly errorName: string = 'BucketNotFoundError';
  static override readonly code: NoDBErrorCode = 'BUCKET_NOT_FOUND';
}

/** The endpoint could not be reached: no response arrived. */
export class NetworkError extends NoDBError {
  static override readonly errorName: string = 'NetworkError';
  static override readonly code: NoDBErrorCode = 'NETWORK';
}

/** The server responded in a way the S3 protocol does not allow. */
export class ProtocolError extends NoDBError {
  static override readonly errorName: string = 'ProtocolError';
  static override readonly code: NoDBErrorCode = 'PROTOCOL';
}

/** An attempt or the whole operation ran out of time. The caller's own abort is not this. */
export class TimeoutError extends NoDBError {
  static override readonly errorName: string = 'TimeoutError';
  static override readonly code: NoDBErrorCode = 'TIMEOUT';
}

/**
 * A conditional write whose first attempt got no response, and whose retry found
 * the object changed by another client: the first attempt may or may not have
 * been applied before that change. Read the record and decide; retrying
 * blindly could apply the same change twice.
 */
export class OutcomeUnknownError extends NoDBError {
  static override readonly errorName: string = 'OutcomeUnknownError';
  static override readonly code: NoDBErrorCode = 'OUTCOME_UNKNOWN';
}

/** Any other error response from an S3-compatible server. */
export class S3Error extends NoDBError {
  static override readonly errorName: string = 'S3Error';
  static override readonly code: NoDBErrorCode = 'S3';
}

/** Names of the whole family, for `NoDBError.is()` on errors from another realm. */
const ERROR_NAMES: ReadonlySet<string> = new Set([
  'NoDBError',
  'InvalidOptionsError',
  'InvalidIndexError',
  'EncodeError',
  'DecodeError',
  'ConflictError',
  'AccessDeniedError',
  'BucketNotFoundError',
  'NetworkError',
  'ProtocolError',
  'TimeoutError',
  'OutcomeUnknownError',
  'S3Error',
]);
