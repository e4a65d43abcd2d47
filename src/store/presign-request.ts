/**
 * The request a PresignedStore sends to a signer, and the signer's response. The
 * same JSON travels to a signer endpoint (see createSigner in nodb/signer),
 * so every field is plain data.
 */

/**
 * Operations a presigned URL can be requested for. `LIST` is a ListObjectsV2
 * request: a GET on the bucket with the parameters in `list`.
 */
export type PresignMethod = 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'LIST';

/** Every PresignMethod, in the order error messages list them. */
export const PRESIGN_METHODS: readonly PresignMethod[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'LIST'];

/** The ListObjectsV2 parameters of a LIST request. The signer always adds `encoding-type=url`. */
export interface PresignListQuery {
  /** Only keys that start with this string (`prefix`). */
  prefix?: string;
  /** Only keys that sort after this one (`start-after`). */
  startAfter?: string;
  /** Token from the previous page (`continuation-token`). */
  continuationToken?: string;
  /** Keys per page, from 1 to 1,000 (`max-keys`). */
  maxKeys?: number;
}

/** One request for a presigned URL. */
export interface PresignRequest {
  method: PresignMethod;
  /** Object key, as a raw string; present for every method but LIST. */
  key?: string;
  /** Listing parameters; present for LIST only. */
  list?: PresignListQuery;
  /**
   * Headers the request will send, with lowercase names, that the signer must
   * sign into the URL: conditions (`if-match`, `if-none-match`), and on PUT
   * `content-type` and `x-amz-meta-*`. A signed header must then be sent with
   * exactly this value, so a URL signed with `if-none-match: *` cannot
   * overwrite an object.
   */
  headers: Record<string, string>;
  /** Seconds the URL should stay valid; the signer may shorten it. */
  expiresIn?: number;
}

/** A signer's response: the URL to call, and any headers to send with it besides the signed ones. */
export interface PresignedRequest {
  url: string;
  headers?: Record<string, string>;
}

/**
 * A signer supplied by the app: returns a presigned URL for `request`,
 * typically by asking the app's own backend. Throw a NoDBError subclass to
 * choose how the store treats the failure: a NetworkError or TimeoutError is
 * retried, an AccessDeniedError is not. Any other thrown value becomes an
 * AccessDeniedError, because without a URL the request cannot be made.
 */
export type PresignFunction = (request: PresignRequest, options: { signal: AbortSignal }) => Promise<PresignedRequest>;

/** Returns the HTTP method a presigned URL for `method` is called with. */
export function httpMethodOf(method: PresignMethod): 'GET' | 'HEAD' | 'PUT' | 'DELETE' {
  return method === 'LIST' ? 'GET' : method;
}
