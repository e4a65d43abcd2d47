/**
 * Pseudo-locks on an object store: a lease object per locked index, written
 * only with conditional requests, so that two clients can never both believe
 * they hold it while the server enforces If-Match and If-None-Match.
 *
 * The lease object is never deleted. Releasing marks it free, and every
 * acquisition writes a fencing token one higher than the last, so a store
 * that the lock protects can reject writes from a holder whose lease ran out.
 * Expiry compares the lease's `expiresAt` with the local clock: a TTL must be
 * well above the clock difference between clients.
 */
import { checkOptionNames } from './codecs/option-value.js';
import { ConflictError, DecodeError, InvalidOptionsError } from './errors.js';
import { sleep } from './retry.js';
import type { ObjectStore } from './store/types.js';

export interface LockOptions {
  /** Milliseconds the lease lasts unless extended. @default 30000 */
  ttl?: number;
  /** Milliseconds to wait for a held lock before failing with ConflictError. @default 0 */
  wait?: number;
  /** Pause between attempts while waiting. @default 50 */
  pollMs?: number;
  signal?: AbortSignal;
}

/** A held lock. */
export interface Lock {
  /** Object key of the lease. */
  readonly key: string;
  /** Fencing token: higher than that of every earlier holder. */
  readonly token: number;
  /** Time (ms since the epoch, local clock) when the lease ends unless extended. */
  readonly expiresAt: number;
  /** Extends the lease to `ttl` (default: the TTL it was acquired with) from now. Throws ConflictError when the lease was lost. */
  extend(ttl?: number): Promise<void>;
  /** Releases the lease. Throws ConflictError when it was lost to another client. */
  release(): Promise<void>;
}

interface Lease {
  owner: string;
  token: number;
  expiresAt: number;
  released: boolean;
}

/** Maximum lease, wait or poll interval: 2^31 - 1 ms (about 24.8 days), the maximum timer delay. */
const MAX_DURATION_MS = 2 ** 31 - 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Acquires the lease at `key`, waiting up to `options.wait` milliseconds for it. */
export async function acquireLock(store: ObjectStore, key: string, options: LockOptions = {}): Promise<Lock> {
  checkOptionNames(options, ['ttl', 'wait', 'pollMs', 'signal'], 'lock()');
  const ttl = options.ttl ?? 30_000;
  const wait = options.wait ?? 0;
  const pollMs = options.pollMs ?? 50;
  checkDuration('ttl', ttl);
  checkDuration('pollMs', pollMs);
  if (!(wait >= 0 && wait <= MAX_DURATION_MS)) {
    throw new InvalidOptionsError(`wait must be from 0 to ${MAX_DURATION_MS} milliseconds, not ${String(wait)}.`);
  }

  const owner = crypto.randomUUID();
  const giveUpAt = Date.now() + wait;

  for (;;) {
    options.signal?.throwIfAborted();
    const stored = await store.get(key, { signal: options.signal });
    const current = stored?.modified ? parseLease(stored.body, key) : undefined;
    const free = !current || current.released || current.expiresAt <= Date.now();

    if (free) {
      const lease: Lease = { owner, token: (current?.token ?? 0) + 1, expiresAt: Date.now() + ttl, released: false };
      try {
        const condition = stored?.modified ? { ifMatch: stored.etag } : { ifNoneMatch: '*' as const };
        const { etag } = await store.put(key, encodeLease(lease), { ...condition, contentType: 'application/json', signal: options.signal });
        return new HeldLock(store, key, lease, etag, ttl);
      } catch (error) {
        // Another client took it first: look again.
        if (!(error instanceof ConflictError)) throw error;
      }
    } else if (Date.now() >= giveUpAt) {
      throw new ConflictError(
        `The lock "${key}" is held by another client until ${describeTime(current.expiresAt)}. ` +
          `Pass { wait } to wait for it, or try again later.`,
        { key, status: 409, s3Code: 'LockHeld' },
      );
    }

    await sleep(Math.min(pollMs * (0.5 + Math.random()), Math.max(1, giveUpAt - Date.now())), options.signal);
  }
}

/**
 * Runs `work` while holding `lock`, and releases it afterwards. When both the
 * work and the release fail, throws an AggregateError of the two.
 */
export async function runLocked<R>(lock: Lock, work: (lock: Lock) => Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await work(lock);
  } catch (workError) {
    // Report a lost lease too, without hiding why the work failed.
    await lock.release().catch((releaseError: unknown) => {
      throw new AggregateError([workError, releaseError], `The work under lock "${lock.key}" failed, and releasing the lock failed too.`);
    });
    throw workError;
  }
  await lock.release();
  return result;
}

class HeldLock implements Lock {
  readonly key: string;
  readonly token: number;
  readonly #store: ObjectStore;
  readonly #ttl: number;
  #lease: Lease;
  #etag: string;

  constructor(store: ObjectStore, key: string, lease: Lease, etag: string, ttl: number) {
    this.#store = store;
    this.key = key;
    this.token = lease.token;
    this.#ttl = ttl;
    this.#lease = lease;
    this.#etag = etag;
  }

  get expiresAt(): number {
    return this.#lease.expiresAt;
  }

  async extend(ttl = this.#ttl): Promise<void> {
    checkDuration('ttl', ttl);
    await this.#write({ ...this.#lease, expiresAt: Date.now() + ttl }, 'extend');
  }

  async release(): Promise<void> {
    await this.#write({ ...this.#lease, released: true }, 'release');
  }

  async #write(lease: Lease, action: string): Promise<void> {
    try {
      const { etag } = await this.#store.put(this.key, encodeLease(lease), { ifMatch: this.#etag, contentType: 'application/json' });
      this.#lease = lease;
      this.#etag = etag;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw new ConflictError(
        `Could not ${action} the lock "${this.key}" (token ${this.token}): its lease ran out and another ` +
          `client acquired it. Work done under this lock since then was not protected.`,
        { key: this.key, status: error.status, s3Code: error.s3Code, cause: error },
      );
    }
  }
}

function describeTime(epochMs: number): string {
  const time = new Date(epochMs);
  return Number.isNaN(time.getTime()) ? `${epochMs} ms after the epoch` : time.toISOString();
}

function encodeLease(lease: Lease): Uint8Array {
  return encoder.encode(JSON.stringify(lease));
}

function parseLease(body: Uint8Array, key: string): Lease {
  let lease: Partial<Lease>;
  try {
    lease = JSON.parse(decoder.decode(body));
  } catch (error) {
    throw new DecodeError(`The lock object "${key}" is not valid JSON; delete it to reset the lock.`, { key, cause: error });
  }

  if (typeof lease?.token !== 'number' || typeof lease.expiresAt !== 'number' || typeof lease.released !== 'boolean') {
    throw new DecodeError(`The lock object "${key}" is not a lease written by nodb; delete it to reset the lock.`, { key });
  }
  return lease as Lease;
}

function checkDuration(name: string, value: number): void {
  if (!(typeof value === 'number' && value > 0 && value <= MAX_DURATION_MS)) {
    throw new InvalidOptionsError(`${name} must be from 1 to ${MAX_DURATION_MS} milliseconds, not ${String(value)}.`);
  }
}
