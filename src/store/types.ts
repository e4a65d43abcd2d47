/**
 * The ObjectStore contract: bytes and ETags under string keys. NoDB is written
 * against this interface only, and one contract suite runs against every
 * implementation.
 *
 * Keys are raw strings everywhere: an implementation that speaks HTTP encodes
 * each key exactly once. "Absent" and "failed" are never confused: a missing
 * object is `null`, a failure is a thrown NoDBError.
 */

/** User metadata: ASCII names and values, sent as `x-amz-meta-*` headers by S3 stores. */
export type ObjectMetadata = Record<string, string>;

/** An object read from a store. */
export interface StoredObject {
  /** Discriminates this from `Unmodified`. */
  modified: true;
  key: string;
  body: Uint8Array;
  /** Entity tag in its quoted form, such as `"9b2cf535f27731c974343645a3985328"`. */
  etag: string;
  metadata: ObjectMetadata;
  lastModified: Date | undefined;
  contentType: string | undefined;
}

/** Result of a `get` whose `ifNoneMatch` ETag still matched: the caller's copy is current. */
export interface Unmodified {
  modified: false;
  key: string;
  etag: string;
}

/** Object attributes without the body. */
export interface ObjectHead {
  key: string;
  etag: string;
  size: number;
  metadata: ObjectMetadata;
  lastModified: Date | undefined;
  contentType: string | undefined;
}

/** One entry of a listing. */
export interface ObjectInfo {
  key: string;
  etag: string;
  size: number;
  lastModified: Date | undefined;
}

export interface GetOptions {
  /** Return `Unmodified` instead of the body when the current ETag equals this one. */
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

export interface PutOptions {
  /** Write only if the current ETag equals this one; otherwise ConflictError. */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key; otherwise ConflictError. */
  ifNoneMatch?: '*';
  /** @default 'application/octet-stream' */
  contentType?: string;
  metadata?: ObjectMetadata;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  /** Delete only if the current ETag equals this one; otherwise ConflictError. */
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface ListOptions {
  /** Only keys that start with this string. */
  prefix?: string;
  /** Only keys that sort after this one, in UTF-8 binary order. */
  startAfter?: string;
  /** Keys requested per page; servers cap it at 1,000. @default 1000 */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ListPageOptions extends ListOptions {
  /** Token from the previous page's `nextToken`. */
  continuationToken?: string;
}

/** One page of a listing. */
export interface ListPage {
  objects: ObjectInfo[];
  /** Token for the next page; undefined on the last page. */
  nextToken: string | undefined;
}

/** Storage of bytes under keys: an S3 bucket, a Workers R2 binding, or memory. */
export interface ObjectStore {
  /** Short description for error messages, such as `bucket "b" at http://127.0.0.1:9000`. */
  readonly description: string;

  /** Reads an object; `null` when absent. */
  get(key: string, options?: GetOptions): Promise<StoredObject | Unmodified | null>;

  /** Reads an object's attributes; `null` when absent. */
  head(key: string, options?: { signal?: AbortSignal }): Promise<ObjectHead | null>;

  /** Writes an object and returns its new ETag. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<{ etag: string }>;

  /** Deletes an object. Deleting a missing object succeeds. */
  delete(key: string, options?: DeleteOptions): Promise<void>;

  /** Reads one page of keys in UTF-8 binary order. */
  listPage(options?: ListPageOptions): Promise<ListPage>;

  /** Iterates over every key, following continuation tokens to the end. */
  list(options?: ListOptions): AsyncIterable<ObjectInfo>;
}
