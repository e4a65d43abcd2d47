/**
 * Typed errors. Every error the library raises is a NoDBError subclass with a
 * stable `code`, so callers can branch on it without parsing messages. The one
 * exception is an aborted call, which rejects with the caller's abort reason.
 *
 * `name` lives on each prototype, which keeps it intact under minifiers, and
 * the static `is()` guard also compares `name`, so it works across realms
 * (an iframe, a Worker, a second copy of the package).
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
  declare readonly code: NoDBErrorCode;
  readonly status: number | undefined;
  readonly s3Code: string | undefined;
  readonly key: string | undefined;
  readonly bucket: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: NoDBErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.s3Code = details.s3Code;
    this.key = details.key;
    this.bucket = details.bucket;
    this.requestId = details.requestId;
  }

  /** Checks by `instanceof`, then by `name`, so errors from another realm match too. */
  static is<E extends NoDBError>(
    this: abstract new (...args: never[]) => E,
    value: unknown,
  ): value is E {
    if (value instanceof this) return true;
    if (!(value instanceof Error) && (typeof value !== 'object' || value === null)) return false;

    // A name alone is not enough: DOMException also uses names such as
    // TimeoutError, but its code is a number, while ours are strings.
    const { name, code } = value as { name?: unknown; code?: unknown };
    if (typeof code !== 'string') return false;
    if (name === this.prototype.name) return code === this.prototype.code;

    // The base guard accepts any error whose name belongs to the family.
    return this.prototype.name === 'NoDBError' && typeof name === 'string' && ERROR_NAMES.has(name);
  }
}

/** Options passed to a constructor or method are invalid. */
export class InvalidOptionsError extends NoDBError {}

/** An index value is missing, empty, not a scalar, or cannot become a safe key. */
export class InvalidIndexError extends NoDBError {}

/** A value cannot be serialized; nothing was written. */
export class EncodeError extends NoDBError {}

/** Stored bytes are not a record this library can read. */
export class DecodeError extends NoDBError {}

/** A conditional write or delete failed: someone else changed the object first. */
export class ConflictError extends NoDBError {}

/** The server rejected the credentials or their permissions. */
export class AccessDeniedError extends NoDBError {}

/** The bucket does not exist at the endpoint. */
export class BucketNotFoundError extends NoDBError {}

/** The endpoint could not be reached: no response arrived. */
export class NetworkError extends NoDBError {}

/** The server responded in a way the S3 protocol does not allow. */
export class ProtocolError extends NoDBError {}

/** An attempt or the whole operation ran out of time. The caller's own abort is not this. */
export class TimeoutError extends NoDBError {}

/**
 * A conditional write whose first attempt got no response, and whose retry found
 * the object changed by another client: the first attempt may or may not have
 * been applied before that change. Read the record and decide; retrying
 * blindly could apply the same change twice.
 */
export class OutcomeUnknownError extends NoDBError {}

/** Any other error response from an S3-compatible server. */
export class S3Error extends NoDBError {}

const ERROR_CLASSES: ReadonlyArray<[typeof NoDBError, string, NoDBErrorCode]> = [
  [InvalidOptionsError, 'InvalidOptionsError', 'INVALID_OPTIONS'],
  [InvalidIndexError, 'InvalidIndexError', 'INVALID_INDEX'],
  [EncodeError, 'EncodeError', 'ENCODE_FAILED'],
  [DecodeError, 'DecodeError', 'DECODE_FAILED'],
  [ConflictError, 'ConflictError', 'CONFLICT'],
  [AccessDeniedError, 'AccessDeniedError', 'ACCESS_DENIED'],
  [BucketNotFoundError, 'BucketNotFoundError', 'BUCKET_NOT_FOUND'],
  [NetworkError, 'NetworkError', 'NETWORK'],
  [ProtocolError, 'ProtocolError', 'PROTOCOL'],
  [TimeoutError, 'TimeoutError', 'TIMEOUT'],
  [OutcomeUnknownError, 'OutcomeUnknownError', 'OUTCOME_UNKNOWN'],
  [S3Error, 'S3Error', 'S3'],
];

const ERROR_NAMES = new Set<string>(['NoDBError']);

Object.defineProperty(NoDBError.prototype, 'name', { value: 'NoDBError', configurable: true, writable: true });
Object.defineProperty(NoDBError.prototype, 'code', { value: 'S3', configurable: true, writable: true });

for (const [errorClass, name, code] of ERROR_CLASSES) {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, configurable: true, writable: true });
  Object.defineProperty(errorClass.prototype, 'code', { value: code, configurable: true, writable: true });
  ERROR_NAMES.add(name);
}
