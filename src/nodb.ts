/**
 * NoDB: save, load, delete and list plain objects as records in a bucket.
 */
import type { Serializer } from './codecs/custom.js';
import { LazyRecordCodec } from './codecs/lazy-codec.js';
import type { DecodeLimits } from './codecs/limits.js';
import type { CompressionOptions } from './codecs/options.js';
import { createEnvelope } from './envelope.js';
import { DecodeError, InvalidOptionsError } from './errors.js';
import { sha256Hex } from './hash.js';
import { type IndexValue, indexText } from './index-value.js';
import { loadModule } from './load-module.js';
import {
  LOCK_PREFIX,
  checkAllOptions,
  checkDeleteOptions,
  checkExistsOptions,
  checkLoadOptions,
  checkSaveOptions,
  resolveNoDBOptions,
} from './nodb-options.js';
import type { ClassList, RegisteredClass } from './registry.js';
import type { Lock, LockOptions } from './lock.js';
import { mapOrdered } from './ordered.js';
import type { UpdateOptions, UpdateResult } from './update.js';
import type { RetryOptions } from './retry.js';
import { S3Store, type Credentials, type S3Hooks } from './store/s3.js';
import type { ObjectInfo, ObjectStore } from './store/types.js';

/** Options shared by every way of opening a NoDB. */
export interface NoDBBaseOptions {
  /** Field of each object whose value names its record. @default 'id' */
  index?: string;
  /** Key prefix of every record. @default '.nodb/' */
  prefix?: string;
  /**
   * Store records under a readable, escaped form of the index value instead of
   * its SHA-256. Readable keys keep the order of the values in listings.
   * @default false
   */
  humanReadableIndexes?: boolean;
  /**
   * Format of new records: `'json'` (the Python NoDB's), `'msgpack'`, or the
   * name of one of `serializers`. Reading needs no setting: every record names
   * its own format. @default 'json'
   */
  serializer?: 'json' | 'msgpack' | (string & {});
  /** Custom record formats, found by the name each record stores. @default [] */
  serializers?: readonly Serializer[];
  /**
   * Classes whose instances `load` and `all` return as instances, as
   * `{ User }` (minifier-safe names) or `[User]` (names from `User.name`).
   * @default {}
   */
  classes?: ClassList;
  /**
   * Gzip inside the record body for payloads of at least `threshold` bytes,
   * or `false`. @default false for 'json' (Python-readable records), { threshold: 1024 } otherwise
   */
  compression?: false | CompressionOptions;
  /** Bounds on what one record may decode to; see DecodeLimits for each default. */
  limits?: DecodeLimits;
  /** Records fetched in parallel by `all()`. @default 8 */
  concurrency?: number;
}

/** Open a NoDB on an S3-compatible bucket. */
export interface NoDBS3Options extends NoDBBaseOptions {
  bucket: string;
  /** Server URL; a custom endpoint means path-style addressing. @default AWS S3 */
  endpoint?: string;
  /** Signing region; `auto` for Cloudflare R2. @default 'us-east-1' */
  region?: string;
  credentials: Credentials;
  /** fetch implementation to call. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Retry policy for failed requests. @default RETRY_DEFAULTS */
  retry?: RetryOptions;
  /** Callbacks before each request, before each retry and after each response. */
  hooks?: S3Hooks;
  /** Milliseconds added to the local clock when signing; corrected after a RequestTimeTooSkewed. @default 0 */
  clockOffsetMs?: number;
}

/** Open a NoDB on any ObjectStore, such as a MemoryStore. */
export interface NoDBStoreOptions extends NoDBBaseOptions {
  store: ObjectStore;
}

export type NoDBOptions = NoDBS3Options | NoDBStoreOptions;

/** Result of `save`: where the record went and its metadata. */
export interface SaveResult {
  /** Object key of the record. */
  key: string;
  /** ETag of the new version. */
  etag: string;
  /** Insertion time in UTC, as Python prints `datetime.utcnow()`. */
  dt: string;
  /** UUID of this write. */
  uuid: string;
}

/** A record with its metadata, from `load(..., { metainfo: true })` and `all({ metainfo: true })`. */
export interface RecordInfo<T> {
  obj: T;
  dt: string;
  uuid: string;
  etag: string;
  key: string;
}

export interface SaveOptions {
  /** Index value to use instead of the object's index field. */
  index?: IndexValue;
  /** Write only if the stored record still has this ETag; otherwise ConflictError. */
  ifMatch?: string;
  /** Write only if no record exists under the index; otherwise ConflictError. */
  onlyIfNew?: boolean;
  signal?: AbortSignal;
}

export interface LoadOptions<D> {
  /** Value returned when the record does not exist. @default undefined */
  default?: D;
  signal?: AbortSignal;
}

export interface AllOptions {
  /**
   * `'key'` streams records in key order. `'inserted'` reads every record
   * first, then yields them oldest first by `dt`, as the Python NoDB's `all()`.
   * @default 'key'
   */
  order?: 'key' | 'inserted';
  /** Keys requested per listing page. @default 1000 */
  pageSize?: number;
  /**
   * Called for each record that cannot be decoded (a DecodeError naming its
   * key). Return `'skip'` to go on with the next record; anything else, or no
   * handler, ends the iteration with the error.
   */
  onDecodeError?: (error: DecodeError) => 'skip' | 'throw' | Promise<'skip' | 'throw'>;
  signal?: AbortSignal;
}

const DEFAULTS = {
  index: 'id',
  prefix: '.nodb/',
  humanReadableIndexes: false,
  serializer: 'json',
  concurrency: 8,
} as const;

export class NoDB<T = Record<string, unknown>> {
  /** Store that contains the records. */
  readonly store: ObjectStore;
  readonly index: string;
  readonly prefix: string;
  readonly humanReadableIndexes: boolean;
  /** Format of new records. */
  readonly serializer: string;
  readonly concurrency: number;
  /** Record formats, classes, compression and limits. */
  readonly #codec: LazyRecordCodec;

  constructor(options: NoDBOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionsError('new NoDB(options) needs an options object with a bucket or a store.');
    }
    this.index = options.index ?? DEFAULTS.index;
    this.prefix = options.prefix ?? DEFAULTS.prefix;
    this.humanReadableIndexes = options.humanReadableIndexes ?? DEFAULTS.humanReadableIndexes;
    this.serializer = options.serializer ?? DEFAULTS.serializer;
    this.concurrency = options.concurrency ?? DEFAULTS.concurrency;
    // The fields just set, defaults filled in, are the record settings that resolveNoDBOptions checks.
    const s3Options = resolveNoDBOptions(options, this);
    this.#codec = new LazyRecordCodec(options);

    this.store = s3Options === undefined ? (options as NoDBStoreOptions).store : new S3Store(s3Options as unknown as NoDBS3Options);
  }

  /**
   * Registers a class, so that `load` and `all` return its instances as
   * instances under every serializer. Pass `name` when a minifier may rename
   * the class: records store the name. Returns this NoDB.
   */
  register(cls: RegisteredClass, name?: string): this {
    this.#codec.classes.register(cls, name);
    return this;
  }

  /** Returns the object key the record for `index` is stored under. */
  async keyFor(index: IndexValue): Promise<string> {
    return this.#keyForValue(index, 'index');
  }

  /**
   * Saves `obj` under its index field (or `options.index`), replacing any
   * record with the same index, unless `ifMatch` or `onlyIfNew` is set.
   * Throws InvalidIndexError or EncodeError before anything is written, and
   * ConflictError when a condition fails, leaving the stored record as it was.
   */
  async save(obj: T, options: SaveOptions = {}): Promise<SaveResult> {
    checkSaveOptions(options);
    const key = await this.#keyForSave(obj, options.index, options.signal);
    const envelope = createEnvelope(obj);
    const { body, contentType } = await this.#codec.encode(envelope, options.signal);

    const { etag } = await this.store.put(key, body, {
      contentType,
      ifMatch: options.ifMatch,
      ifNoneMatch: options.onlyIfNew ? '*' : undefined,
      signal: options.signal,
    });
    return { key, etag, dt: envelope.dt, uuid: envelope.uuid };
  }

  /** Loads the record for `index`, or returns `options.default` when it does not exist. */
  load(index: IndexValue, options?: LoadOptions<undefined> & { metainfo?: false }): Promise<T | undefined>;
  load<D>(index: IndexValue, options: LoadOptions<D> & { metainfo?: false }): Promise<T | D>;
  load(index: IndexValue, options: LoadOptions<undefined> & { metainfo: true }): Promise<RecordInfo<T> | undefined>;
  load<D>(index: IndexValue, options: LoadOptions<D> & { metainfo: true }): Promise<RecordInfo<T> | D>;
  async load<D>(
    index: IndexValue,
    options: LoadOptions<D> & { metainfo?: boolean } = {},
  ): Promise<T | RecordInfo<T> | D | undefined> {
    checkLoadOptions(options);
    const key = await this.#keyForValue(index, 'index', options.signal);
    const record = await this.#read(key, options.signal);
    if (record === undefined) return options.default;
    return options.metainfo ? record : record.obj;
  }

  /**
   * Reads the record for `index`, applies `change` to it (undefined when it
   * does not exist) and saves the result only if no other client wrote in between.
   * On a conflict it reads again and retries with jittered backoff. Needs a
   * server that enforces If-Match (AWS, R2, RGW, MinIO), not s3rver.
   */
  async update(
    index: IndexValue,
    change: (current: T | undefined) => T | Promise<T>,
    options?: UpdateOptions,
  ): Promise<UpdateResult<T>> {
    // update() and lock() load on first use, so apps that never call them never load their code.
    const { updateRecord } = await loadModule(() => import('./update.js'), options?.signal);
    return updateRecord<T>(this, index, change, options);
  }

  /**
   * Acquires a lease on `index` that other clients cannot acquire until it is
   * released or expires. The record itself is not touched. Needs a server
   * that enforces conditional writes.
   */
  async lock(index: IndexValue, options?: LockOptions): Promise<Lock> {
    const { acquireLock } = await loadModule(() => import('./lock.js'), options?.signal);
    return acquireLock(this.store, LOCK_PREFIX + (await this.#keyForValue(index, 'index', options?.signal)), options);
  }

  /** Runs `work` while holding the lock on `index`, and releases it afterwards. */
  async withLock<R>(index: IndexValue, work: (lock: Lock) => Promise<R>, options?: LockOptions): Promise<R> {
    const lock = await this.lock(index, options);
    const { runLocked } = await loadModule(() => import('./lock.js'), options?.signal);
    return runLocked(lock, work);
  }

  /**
   * Deletes the record for `index`. Deleting a missing record succeeds. With
   * `ifMatch`, deletes only if the stored record still has that ETag, and
   * otherwise throws ConflictError.
   */
  async delete(index: IndexValue, options: { ifMatch?: string; signal?: AbortSignal } = {}): Promise<void> {
    checkDeleteOptions(options);
    const key = await this.#keyForValue(index, 'index', options.signal);
    await this.store.delete(key, { ifMatch: options.ifMatch, signal: options.signal });
  }

  /** True when a record exists for `index`. */
  async exists(index: IndexValue, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    checkExistsOptions(options);
    const key = await this.#keyForValue(index, 'index', options.signal);
    return (await this.store.head(key, { signal: options.signal })) !== null;
  }

  /** Iterates over every record under the prefix, across all listing pages. */
  all(options?: AllOptions & { metainfo?: false }): AsyncIterable<T>;
  all(options: AllOptions & { metainfo: true }): AsyncIterable<RecordInfo<T>>;
  all(options: AllOptions & { metainfo?: boolean } = {}): AsyncIterable<T | RecordInfo<T>> {
    checkAllOptions(options);
    const records = options.order === 'inserted' ? this.#allByInsertion(options) : this.#allByKey(options);
    return options.metainfo ? records : unwrap(records);
  }

  /** Loads every record, then sorts them by `dt` (ties by key) as the Python NoDB does. */
  async *#allByInsertion(options: AllOptions): AsyncGenerator<RecordInfo<T>> {
    const records: RecordInfo<T>[] = [];
    for await (const record of this.#allByKey(options)) records.push(record);

    records.sort((a, b) => {
      if (a.dt !== b.dt) return a.dt < b.dt ? -1 : 1;
      return a.key < b.key ? -1 : 1;
    });
    yield* records;
  }

  async *#allByKey(options: AllOptions): AsyncGenerator<RecordInfo<T>> {
    let listing = this.store.list({ prefix: this.prefix, pageSize: options.pageSize, signal: options.signal });
    if (LOCK_PREFIX.startsWith(this.prefix)) listing = skipLocks(listing);
    const records = mapOrdered(listing, this.concurrency, (info) => this.#readListed(info.key, options));

    for await (const record of records) {
      // A record deleted between the listing and the read is skipped.
      if (record !== undefined) yield record;
    }
  }

  async #read(key: string, signal: AbortSignal | undefined): Promise<RecordInfo<T> | undefined> {
    const stored = await this.store.get(key, { signal });
    if (stored === null || !stored.modified) return undefined;

    const envelope = await this.#codec.decode<T>(stored.body, key, signal);
    return { obj: envelope.obj, dt: envelope.dt, uuid: envelope.uuid, etag: stored.etag, key };
  }

  /** Reads a listed record, or returns undefined for an undecodable one when `onDecodeError` returns 'skip'. */
  async #readListed(key: string, options: AllOptions): Promise<RecordInfo<T> | undefined> {
    try {
      return await this.#read(key, options.signal);
    } catch (error) {
      if (!(error instanceof DecodeError) || options.onDecodeError === undefined) throw error;
      if ((await options.onDecodeError(error)) === 'skip') return undefined;
      throw error;
    }
  }

  /** Returns the key `save()` writes `obj` under: that of `explicitIndex` when given, else that of its index field. */
  async #keyForSave(obj: T, explicitIndex: IndexValue | undefined, signal: AbortSignal | undefined): Promise<string> {
    if (explicitIndex !== undefined) return this.#keyForValue(explicitIndex, 'index', signal);
    if (typeof obj === 'object' && obj !== null) {
      return this.#keyForValue((obj as Record<string, unknown>)[this.index], this.index, signal);
    }
    throw (await loadModule(() => import('./keys.js'), signal)).notAnObjectError(obj, this.index);
  }

  /** Returns the key for an index value. Throws InvalidIndexError naming `field` for a value that makes none. */
  async #keyForValue(value: unknown, field: string, signal?: AbortSignal): Promise<string> {
    const text = indexText(value);
    if (text !== undefined && !this.humanReadableIndexes) return this.prefix + (await sha256Hex(text));

    // Readable keys, and the messages of invalid values, load on first use.
    const { indexToString, keyForIndex } = await loadModule(() => import('./keys.js'), signal);
    return keyForIndex(indexToString(value, field), this.prefix, this.humanReadableIndexes, field);
  }
}

async function* skipLocks(listing: AsyncIterable<ObjectInfo>): AsyncGenerator<ObjectInfo> {
  for await (const info of listing) if (!info.key.startsWith(LOCK_PREFIX)) yield info;
}

async function* unwrap<T>(records: AsyncIterable<RecordInfo<T>>): AsyncGenerator<T> {
  for await (const record of records) yield record.obj;
}
