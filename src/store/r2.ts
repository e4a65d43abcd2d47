/**
 * An ObjectStore over a Cloudflare Workers R2 bucket binding: calls the
 * binding's methods directly, with no HTTP and no request signing.
 *
 * The binding types below are structural, declaring only what this store
 * calls, so that the core build needs no @cloudflare/workers-types. A real
 * `R2Bucket` from a Worker's `env` is assignable to `R2BucketBinding`.
 */
import { checkOptionNames } from '../codecs/option-value.js';
import { ConflictError, InvalidOptionsError, NoDBError, ProtocolError, S3Error } from '../errors.js';
import { etagValue, sameEtag } from './etag.js';
import { listAllPages, resolvePageSize } from './list.js';
import { checkMetadata } from './metadata.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectHead,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  StoredObject,
  Unmodified,
} from './types.js';

/** Conditions of an R2 read or write: ETags unquoted, or `'*'` for any object. */
export interface R2BindingConditional {
  etagMatches?: string;
  etagDoesNotMatch?: string;
}

/** Object attributes, as R2's `R2Object`. */
export interface R2BindingObject {
  key: string;
  size: number;
  /** ETag without quotes. */
  etag: string;
  /** ETag in its quoted HTTP form. */
  httpEtag: string;
  uploaded: Date;
  httpMetadata?: { contentType?: string };
  customMetadata?: Record<string, string>;
}

/** An object with its body, as R2's `R2ObjectBody`. */
export interface R2BindingObjectBody extends R2BindingObject {
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface R2BindingPutOptions {
  onlyIf?: R2BindingConditional;
  httpMetadata?: { contentType?: string };
  customMetadata?: Record<string, string>;
}

export interface R2BindingListOptions {
  prefix?: string;
  cursor?: string;
  startAfter?: string;
  limit?: number;
}

/** One page of an R2 listing; `cursor` is set when `truncated` is true. */
export interface R2BindingObjects {
  objects: R2BindingObject[];
  truncated: boolean;
  cursor?: string;
}

/** The methods of a Workers R2 bucket binding (`R2Bucket`) that R2BindingStore calls. */
export interface R2BucketBinding {
  head(key: string): Promise<R2BindingObject | null>;
  /** Returns the object without a body when `onlyIf` fails, and null when there is no object. */
  get(key: string, options?: { onlyIf?: R2BindingConditional }): Promise<R2BindingObjectBody | R2BindingObject | null>;
  /** Returns null when `onlyIf` fails. */
  put(key: string, value: Uint8Array, options?: R2BindingPutOptions): Promise<R2BindingObject | null>;
  delete(key: string): Promise<void>;
  list(options?: R2BindingListOptions): Promise<R2BindingObjects>;
}

export interface R2BindingStoreOptions {
  /** Binding name for error messages, such as `RECORDS`. @default 'R2 bucket' */
  name?: string;
}

export class R2BindingStore implements ObjectStore {
  readonly description: string;
  readonly #bucket: R2BucketBinding;

  constructor(bucket: R2BucketBinding, options: R2BindingStoreOptions = {}) {
    checkBinding(bucket);
    checkOptionNames(options, ['name'], 'new R2BindingStore()');
    this.#bucket = bucket;
    this.description = options.name === undefined ? 'the R2 bucket binding' : `the R2 bucket binding "${options.name}"`;
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | Unmodified | null> {
    options.signal?.throwIfAborted();
    const object = await this.#call('get', key, () =>
      options.ifNoneMatch === undefined
        ? this.#bucket.get(key)
        : this.#bucket.get(key, { onlyIf: { etagDoesNotMatch: etagValue(options.ifNoneMatch) } }),
    );
    if (object === null) return null;

    // R2 returns the object without its body when the condition fails.
    if (!hasBody(object)) return { modified: false, key, etag: object.httpEtag };

    const body = new Uint8Array(await this.#call('get', key, () => object.arrayBuffer()));
    return {
      modified: true,
      key,
      body,
      etag: object.httpEtag,
      metadata: { ...object.customMetadata },
      lastModified: object.uploaded,
      contentType: object.httpMetadata?.contentType,
    };
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectHead | null> {
    options.signal?.throwIfAborted();
    const object = await this.#call('head', key, () => this.#bucket.head(key));
    if (object === null) return null;

    return {
      key,
      etag: object.httpEtag,
      size: object.size,
      metadata: { ...object.customMetadata },
      lastModified: object.uploaded,
      contentType: object.httpMetadata?.contentType,
    };
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    options.signal?.throwIfAborted();
    checkKey(key);
    checkMetadata(options.metadata, key);

    const onlyIf: R2BindingConditional = {};
    if (options.ifNoneMatch === '*') onlyIf.etagDoesNotMatch = '*';
    if (options.ifMatch !== undefined) onlyIf.etagMatches = etagValue(options.ifMatch);
    const conditional = onlyIf.etagDoesNotMatch !== undefined || onlyIf.etagMatches !== undefined;

    const putOptions: R2BindingPutOptions = {
      httpMetadata: { contentType: options.contentType ?? 'application/octet-stream' },
      customMetadata: { ...options.metadata },
    };
    if (conditional) putOptions.onlyIf = onlyIf;

    const written = await this.#call('put', key, () => this.#bucket.put(key, body, putOptions));
    if (written === null) {
      const reason =
        options.ifNoneMatch === '*'
          ? 'an object already exists under the key'
          : `it no longer exists or its ETag is no longer ${options.ifMatch}`;
      throw new ConflictError(`The write to "${key}" in ${this.description} was rejected: ${reason}; it was left unchanged.`, {
        key,
        status: 412,
        s3Code: 'PreconditionFailed',
      });
    }
    return { etag: written.httpEtag };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();

    if (options.ifMatch !== undefined) {
      // NOTE: R2's delete takes no condition, so this checks first and deletes after:
      // a write that lands between the head and the delete is deleted too.
      const current = await this.#call('head', key, () => this.#bucket.head(key));
      if (current === null || !sameEtag(current.etag, options.ifMatch)) {
        const state = current === null ? 'it no longer exists' : `its ETag is ${current.etag}, not ${options.ifMatch}`;
        throw new ConflictError(
          `The delete of "${key}" in ${this.description} was skipped: ${state}. Read the record again and decide whether to delete it.`,
          { key, status: 412, s3Code: 'PreconditionFailed' },
        );
      }
    }

    await this.#call('delete', key, () => this.#bucket.delete(key));
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    options.signal?.throwIfAborted();
    const pageSize = resolvePageSize(options.pageSize);

    const listOptions: R2BindingListOptions = { limit: pageSize };
    if (options.prefix) listOptions.prefix = options.prefix;
    if (options.startAfter) listOptions.startAfter = options.startAfter;
    if (options.continuationToken) listOptions.cursor = options.continuationToken;

    const result = await this.#call('list', undefined, () => this.#bucket.list(listOptions));
    if (result.truncated && !result.cursor) {
      throw new ProtocolError(
        `The listing of ${this.description} is truncated but has no cursor to continue from.`,
      );
    }

    return {
      objects: result.objects.map((object) => ({
        key: object.key,
        etag: object.httpEtag,
        size: object.size,
        lastModified: object.uploaded,
      })),
      nextToken: result.truncated ? result.cursor : undefined,
    };
  }

  list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    return listAllPages((page) => this.listPage(page), options, this.description);
  }

  /**
   * Calls the binding and wraps what it throws (such as R2's "Key too long")
   * in an S3Error that names the operation and the key.
   */
  async #call<T>(operation: string, key: string | undefined, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof NoDBError) throw error;
      const target = key === undefined ? this.description : `"${key}" in ${this.description}`;
      const reason = error instanceof Error ? error.message : String(error);
      throw new S3Error(`The R2 ${operation} of ${target} failed: ${reason}`, { key, cause: error });
    }
  }
}

function hasBody(object: R2BindingObject | R2BindingObjectBody): object is R2BindingObjectBody {
  return typeof (object as Partial<R2BindingObjectBody>).arrayBuffer === 'function';
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidOptionsError(`An object key must be a non-empty string, not ${JSON.stringify(key)}.`);
  }
}

function checkBinding(bucket: R2BucketBinding): void {
  const methods = ['get', 'head', 'put', 'delete', 'list'] as const;
  const missing =
    typeof bucket !== 'object' || bucket === null
      ? [...methods]
      : methods.filter((method) => typeof bucket[method] !== 'function');

  if (missing.length > 0) {
    throw new InvalidOptionsError(
      `new R2BindingStore(bucket) needs an R2 bucket binding from the Worker's env, such as env.RECORDS; ` +
        `the value given has no ${missing.join(', ')} method. Check the binding name in the wrangler config.`,
    );
  }
}
