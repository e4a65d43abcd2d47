/**
 * Checks of the options that NoDB's constructor and methods take. Each
 * options object rejects names it does not know, so that a misspelt option
 * fails at once instead of being ignored: a misspelt `endpoint` would send
 * the requests to AWS, and a misspelt `ifMatch` would make a write unconditional.
 */
import { checkOptionNames, invalidOption } from './codecs/option-value.js';
import { InvalidOptionsError } from './errors.js';
import { MAX_KEY_BYTES, utf8Length } from './index-value.js';
import type { NoDBBaseOptions } from './nodb.js';
import { S3_STORE_OPTION_NAMES } from './store/s3.js';

/**
 * Key prefix of lock leases. It is here because the prefix check needs it:
 * the record prefix may not start with it, and `all()` skips it under the
 * empty prefix.
 */
export const LOCK_PREFIX = '.nodb-locks/';

/** Maximum prefix length in bytes of UTF-8, so that a hex SHA-256 key name (64 characters) still fits S3's key limit. */
const MAX_PREFIX_BYTES = MAX_KEY_BYTES - 64;

/** Options of every NoDB, whatever its store. */
const RECORD_OPTION_NAMES: ReadonlyArray<keyof NoDBBaseOptions> = [
  'index',
  'prefix',
  'humanReadableIndexes',
  'serializer',
  'serializers',
  'classes',
  'compression',
  'limits',
  'concurrency',
];

/** Methods NoDB calls on its store. */
const STORE_METHODS = ['get', 'head', 'put', 'delete', 'list'];

/** The record options of a NoDB, with defaults filled in. */
interface RecordSettings {
  index: unknown;
  prefix: unknown;
  humanReadableIndexes: unknown;
  concurrency: unknown;
}

/**
 * Checks the options of `new NoDB()`: their names, the store, and the record
 * settings (`settings`, with defaults filled in). Returns the options of the
 * S3Store to create, or undefined when a store is given. An option set to
 * undefined counts as left out. Throws InvalidOptionsError.
 */
export function resolveNoDBOptions(options: object, settings: RecordSettings): Record<string, unknown> | undefined {
  checkOptionNames(options, [...RECORD_OPTION_NAMES, 'store', ...S3_STORE_OPTION_NAMES], 'new NoDB()');
  const values = options as Record<string, unknown>;
  const s3Options: Record<string, unknown> = {};
  for (const name of S3_STORE_OPTION_NAMES) {
    if (values[name] !== undefined) s3Options[name] = values[name];
  }

  const store = values.store;
  if (store !== undefined) {
    const s3Option = Object.keys(s3Options)[0];
    if (s3Option !== undefined) {
      throw new InvalidOptionsError(
        `new NoDB() takes either a store or the options of an S3Store, not both; got store and ${JSON.stringify(s3Option)}.`,
      );
    }
    checkStore(store);
  }
  checkRecordSettings(settings);
  return store === undefined ? s3Options : undefined;
}

/** Checks the options of `save()`. Throws InvalidOptionsError. */
export function checkSaveOptions(options: { ifMatch?: unknown; onlyIfNew?: unknown }): void {
  checkOptionNames(options, ['index', 'ifMatch', 'onlyIfNew', 'signal'], 'save()');
  checkIfMatch(options.ifMatch);
  if (options.onlyIfNew !== undefined && typeof options.onlyIfNew !== 'boolean') {
    throw invalidOption('onlyIfNew', 'true or false', options.onlyIfNew);
  }
  if (options.ifMatch !== undefined && options.onlyIfNew === true) {
    throw new InvalidOptionsError('save() takes ifMatch (the record exists with that ETag) or onlyIfNew (no record exists), not both.');
  }
}

/** Checks the options of `load()`. Throws InvalidOptionsError. */
export function checkLoadOptions(options: object): void {
  checkOptionNames(options, ['default', 'metainfo', 'signal'], 'load()');
}

/** Checks the options of `exists()`. Throws InvalidOptionsError. */
export function checkExistsOptions(options: object): void {
  checkOptionNames(options, ['signal'], 'exists()');
}

/** Checks the options of `delete()`. Throws InvalidOptionsError. */
export function checkDeleteOptions(options: { ifMatch?: unknown }): void {
  checkOptionNames(options, ['ifMatch', 'signal'], 'delete()');
  checkIfMatch(options.ifMatch);
}

/** Checks the options of `all()`. Throws InvalidOptionsError. */
export function checkAllOptions(options: { order?: unknown; onDecodeError?: unknown }): void {
  checkOptionNames(options, ['metainfo', 'order', 'pageSize', 'onDecodeError', 'signal'], 'all()');
  if (options.order !== undefined && options.order !== 'key' && options.order !== 'inserted') {
    throw invalidOption('order', '"key" or "inserted"', options.order);
  }
  if (options.onDecodeError !== undefined && typeof options.onDecodeError !== 'function') {
    throw invalidOption('onDecodeError', 'a function', options.onDecodeError);
  }
}

function checkIfMatch(etag: unknown): void {
  if (etag !== undefined && (typeof etag !== 'string' || etag.trim() === '')) {
    throw invalidOption('ifMatch', 'the ETag of a stored record, such as the etag that save() returned', etag);
  }
}

function checkStore(store: unknown): void {
  const missing = STORE_METHODS.some((method) => typeof (store as Record<string, unknown> | null)?.[method] !== 'function');
  if (missing) {
    throw invalidOption('store', `an ObjectStore, with the methods ${STORE_METHODS.join(', ')}, such as new MemoryStore()`, store);
  }
}

function checkRecordSettings({ index, prefix, humanReadableIndexes, concurrency }: RecordSettings): void {
  if (typeof index !== 'string' || index.length === 0) throw invalidOption('index', 'a field name, such as "id"', index);

  if (typeof prefix !== 'string' || /[\x00-\x1f\x7f]/.test(prefix)) {
    throw invalidOption('prefix', 'a string without control characters, such as ".nodb/"', prefix);
  }
  if (prefix.startsWith(LOCK_PREFIX)) {
    throw new InvalidOptionsError(
      `prefix must not start with "${LOCK_PREFIX}", where lock leases live and all() skips every key; got ${JSON.stringify(prefix)}.`,
    );
  }
  const prefixBytes = utf8Length(prefix);
  if (prefixBytes > MAX_PREFIX_BYTES) {
    throw new InvalidOptionsError(
      `prefix is ${prefixBytes} bytes of UTF-8, but keys must fit S3's ${MAX_KEY_BYTES}-byte limit, ` +
        `so keep it to ${MAX_PREFIX_BYTES} bytes or fewer.`,
    );
  }

  if (typeof humanReadableIndexes !== 'boolean') throw invalidOption('humanReadableIndexes', 'true or false', humanReadableIndexes);

  if (!Number.isInteger(concurrency) || (concurrency as number) < 1 || (concurrency as number) > 64) {
    throw invalidOption('concurrency', 'an integer from 1 to 64', concurrency);
  }
}
