/**
 * Read-modify-write with optimistic concurrency: read a record and its ETag,
 * apply the caller's function, and write only if no other client wrote in between
 * (If-Match, or If-None-Match: * for a new record). On a conflict, read
 * again and retry after a jittered backoff.
 */
import { checkOptionNames } from './codecs/option-value.js';
import { ConflictError, InvalidOptionsError } from './errors.js';
import type { IndexValue } from './index-value.js';
import { sleep } from './retry.js';

export interface UpdateOptions {
  /** Attempts after the first conflict. @default 10 */
  retries?: number;
  /** Backoff base between attempts. @default 20 */
  baseDelayMs?: number;
  /** Backoff cap between attempts. @default 1000 */
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/** Result of `update`: the value written and its metadata. */
export interface UpdateResult<T> {
  obj: T;
  key: string;
  etag: string;
  dt: string;
  uuid: string;
  /** Attempts it took, from 1. */
  attempts: number;
}

/** The parts of NoDB an update needs. */
export interface UpdateTarget<T> {
  load(
    index: IndexValue,
    options: { metainfo: true; signal?: AbortSignal | undefined },
  ): Promise<{ obj: T; etag: string } | undefined>;
  save(
    obj: T,
    options: { index: IndexValue; ifMatch?: string; onlyIfNew?: boolean; signal?: AbortSignal | undefined },
  ): Promise<{ key: string; etag: string; dt: string; uuid: string }>;
}

/**
 * Applies `change` to the record for `index` (undefined when it does not
 * exist) and saves the result, retrying on conflicts. Throws ConflictError
 * after `retries` conflicts; an error thrown by `change` ends the update.
 */
export async function updateRecord<T>(
  target: UpdateTarget<T>,
  index: IndexValue,
  change: (current: T | undefined) => T | Promise<T>,
  options: UpdateOptions = {},
): Promise<UpdateResult<T>> {
  checkOptionNames(options, ['retries', 'baseDelayMs', 'maxDelayMs', 'signal'], 'update()');
  const retries = options.retries ?? 10;
  const baseDelayMs = options.baseDelayMs ?? 20;
  const maxDelayMs = options.maxDelayMs ?? 1000;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new InvalidOptionsError(`retries must be a whole number of at least 0, not ${JSON.stringify(options.retries)}.`);
  }

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const current = await target.load(index, { metainfo: true, signal: options.signal });
    const next = await change(current?.obj);

    try {
      const saved = await target.save(next, {
        index,
        ...(current ? { ifMatch: current.etag } : { onlyIfNew: true }),
        signal: options.signal,
      });
      return { obj: next, ...saved, attempts: attempt };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (attempt > retries) {
        throw new ConflictError(
          `The update of ${JSON.stringify(String(index))} gave up after ${attempt} conflicting writes by other ` +
            `clients. Raise the retries option, or reduce contention on this record.`,
          { key: error.key, bucket: error.bucket, status: error.status, s3Code: error.s3Code, cause: error },
        );
      }
      // Full jitter spreads out the writers that collided.
      await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)), options.signal);
    }
  }
}
