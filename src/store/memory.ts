/**
 * An ObjectStore in memory with the same contract as the S3 stores, including
 * conditional writes: for unit tests, demos and offline use.
 */
import { checkOptionNames } from '../codecs/option-value.js';
import { ConflictError, InvalidOptionsError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { sameEtag } from './etag.js';
import { listAllPages, resolvePageSize } from './list.js';
import { checkMetadata } from './metadata.js';
import { compareKeys } from './order.js';
import type {
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListPage,
  ListPageOptions,
  ObjectHead,
  ObjectInfo,
  ObjectMetadata,
  ObjectStore,
  PutOptions,
  StoredObject,
  Unmodified,
} from './types.js';

interface Entry {
  body: Uint8Array;
  etag: string;
  metadata: ObjectMetadata;
  contentType: string;
  lastModified: Date;
}


export class MemoryStore implements ObjectStore {
  readonly description: string;
  readonly #entries = new Map<string, Entry>();
  #sortedKeys: string[] | undefined;

  constructor(options: { name?: string } = {}) {
    checkOptionNames(options, ['name'], 'new MemoryStore()');
    this.description = `memory store "${options.name ?? 'default'}"`;
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject | Unmodified | null> {
    options.signal?.throwIfAborted();
    const entry = this.#entries.get(key);
    if (!entry) return null;

    if (options.ifNoneMatch !== undefined && sameEtag(options.ifNoneMatch, entry.etag)) {
      return { modified: false, key, etag: entry.etag };
    }

    return {
      modified: true,
      key,
      body: entry.body.slice(),
      etag: entry.etag,
      metadata: { ...entry.metadata },
      lastModified: entry.lastModified,
      contentType: entry.contentType,
    };
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectHead | null> {
    options.signal?.throwIfAborted();
    const entry = this.#entries.get(key);
    if (!entry) return null;

    return {
      key,
      etag: entry.etag,
      size: entry.body.length,
      metadata: { ...entry.metadata },
      lastModified: entry.lastModified,
      contentType: entry.contentType,
    };
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<{ etag: string }> {
    options.signal?.throwIfAborted();
    checkKey(key);
    checkMetadata(options.metadata, key);

    // Hash before checking conditions: the check and the write below then run
    // without an await between them, as one atomic step.
    const copy = body.slice();
    const etag = `"${(await sha256Hex(copy)).slice(0, 32)}"`;
    this.#checkConditions(key, options);

    this.#entries.set(key, {
      body: copy,
      etag,
      metadata: { ...options.metadata },
      contentType: options.contentType ?? 'application/octet-stream',
      lastModified: new Date(),
    });
    this.#sortedKeys = undefined;
    return { etag };
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const entry = this.#entries.get(key);

    if (options.ifMatch !== undefined && (!entry || !sameEtag(options.ifMatch, entry.etag))) {
      throw new ConflictError(
        `The delete of "${key}" in ${this.description} was skipped: its ETag is no longer ${options.ifMatch}.`,
        { key, status: 412, s3Code: 'PreconditionFailed' },
      );
    }

    if (this.#entries.delete(key)) this.#sortedKeys = undefined;
  }

  async listPage(options: ListPageOptions = {}): Promise<ListPage> {
    options.signal?.throwIfAborted();
    const prefix = options.prefix ?? '';
    const pageSize = resolvePageSize(options.pageSize);
    const after = maxKey(options.startAfter, options.continuationToken);

    const objects: ObjectInfo[] = [];
    let truncated = false;

    for (const key of this.#keysInOrder()) {
      if (!key.startsWith(prefix)) continue;
      if (after !== undefined && compareKeys(key, after) <= 0) continue;
      if (objects.length === pageSize) {
        truncated = true;
        break;
      }
      const entry = this.#entries.get(key)!;
      objects.push({ key, etag: entry.etag, size: entry.body.length, lastModified: entry.lastModified });
    }

    // The continuation token is the last key returned: listing resumes after it.
    return { objects, nextToken: truncated ? objects[objects.length - 1]!.key : undefined };
  }

  list(options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    return listAllPages((page) => this.listPage(page), options, this.description);
  }

  /** Number of objects stored. */
  get size(): number {
    return this.#entries.size;
  }

  #checkConditions(key: string, options: PutOptions): void {
    const current = this.#entries.get(key);

    if (options.ifNoneMatch === '*' && current) {
      throw new ConflictError(`"${key}" already exists in ${this.description}; it was left unchanged.`, {
        key,
        status: 412,
        s3Code: 'PreconditionFailed',
      });
    }
    if (options.ifMatch !== undefined && (!current || !sameEtag(options.ifMatch, current.etag))) {
      const state = current ? `its ETag is now ${current.etag}` : 'it no longer exists';
      throw new ConflictError(
        `The write to "${key}" in ${this.description} was rejected: ${state}, not ${options.ifMatch}.`,
        { key, status: 412, s3Code: 'PreconditionFailed' },
      );
    }
  }

  #keysInOrder(): string[] {
    this.#sortedKeys ??= [...this.#entries.keys()].sort(compareKeys);
    return this.#sortedKeys;
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidOptionsError(`An object key must be a non-empty string, not ${JSON.stringify(key)}.`);
  }
}

function maxKey(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareKeys(a, b) >= 0 ? a : b;
}
