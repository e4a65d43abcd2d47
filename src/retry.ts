/**
 * The part of the retry policy that every request needs up front: the
 * options, their validation, one attempt bounded by its timeout, and the
 * abort-aware waits (untilAborted, sleep) that other modules share. The loop
 * that retries a failed request is in retry-loop.ts. S3Store loads it,
 * through store/s3-retry.ts, only after a first attempt has failed.
 * PresignedStore runs every request through that loop and imports it up front.
 */
import { checkOptionNames, invalidOption } from './codecs/option-value.js';

export interface RetryOptions {
  /** Attempts after the first one. @default 3 */
  retries?: number;
  /** Backoff base. @default 100 */
  baseDelayMs?: number;
  /** Backoff cap, and the cap on a server's Retry-After. @default 5000 */
  maxDelayMs?: number;
  /** Time allowed for one attempt, response body included. @default 30000 */
  attemptTimeoutMs?: number;
  /** Time allowed for all attempts and sleeps together. @default 120000 */
  deadlineMs?: number;
}

/** Information passed to the `beforeRetry` hook. */
export interface RetryEvent {
  /** Number of the attempt that failed, from 1. */
  attempt: number;
  /** Sleep before the next attempt. */
  delayMs: number;
  error: unknown;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = {
  retries: 3,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  attemptTimeoutMs: 30_000,
  deadlineMs: 120_000,
};

/** Maximum delay setTimeout accepts: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Validates retry options and fills in defaults. */
export function resolveRetryOptions(options: RetryOptions = {}): Required<RetryOptions> {
  if (typeof options !== 'object' || options === null) throw invalidOption('retry', 'an object such as { retries: 3 }', options);
  checkOptionNames(options, Object.keys(RETRY_DEFAULTS), 'retry');
  const resolved = { ...RETRY_DEFAULTS, ...options };

  for (const [name, value] of Object.entries(resolved)) {
    // Timers hold at most 2^31 - 1 ms; a longer delay would fire at once.
    const isCount = name === 'retries';
    const valid = isCount ? Number.isInteger(value) && value >= 0 && value <= 20 : value > 0 && value <= MAX_TIMER_MS;
    if (typeof value !== 'number' || !valid) {
      const expected = isCount ? 'an integer from 0 to 20' : `a number of milliseconds from 1 to ${MAX_TIMER_MS}`;
      throw invalidOption(`retry.${name}`, expected, value);
    }
  }
  return resolved;
}

/** Names of the callbacks a store's `hooks` option takes. */
const HOOK_NAMES = ['beforeRequest', 'beforeRetry', 'afterResponse'];

/** Checks a store's `hooks` option: known names, each a function. Throws InvalidOptionsError. */
export function checkHooks(hooks: unknown): void {
  if (hooks === undefined) return;
  if (typeof hooks !== 'object' || hooks === null) throw invalidOption('hooks', 'an object of callbacks such as { beforeRequest }', hooks);
  checkOptionNames(hooks, HOOK_NAMES, 'hooks');
  for (const [name, callback] of Object.entries(hooks)) {
    if (callback !== undefined && typeof callback !== 'function') throw invalidOption(`hooks.${name}`, 'a function', callback);
  }
}

/** One attempt: its number, and a signal that fires on its timeout or on the caller's abort. */
export interface Attempt {
  number: number;
  signal: AbortSignal;
  /** Milliseconds the attempt has before its signal fires. */
  timeoutMs: number;
  /** Stops the timer and stops following the caller's signal. Call it once the attempt is over. */
  end(): void;
}

/**
 * Starts attempt `number`. It gets `attemptTimeoutMs`, but never runs past
 * `deadline` (a Date.now() time). Its signal also fires when the caller's
 * does. When it fires, the retry loop (retry-loop.ts) turns the failure into the
 * caller's abort reason or a TimeoutError.
 */
export function startAttempt(
  number: number,
  policy: Required<RetryOptions>,
  deadline: number,
  callerSignal: AbortSignal | undefined,
): Attempt {
  const timeoutMs = Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now()));
  const controller = new AbortController();
  // The same reason as AbortSignal.timeout(); retry-loop.ts reports nodb's own TimeoutError.
  const timer = setTimeout(() => controller.abort(new DOMException('The attempt timed out.', 'TimeoutError')), timeoutMs);
  const onAbort = () => controller.abort(callerSignal!.reason);
  callerSignal?.addEventListener('abort', onAbort, { once: true });

  return {
    number,
    signal: controller.signal,
    timeoutMs,
    end: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Returns what `work` resolves to, or rejects with the signal's reason as
 * soon as it aborts. A fetch implementation that does not watch its signal
 * would otherwise keep an attempt running past its timeout.
 */
export function untilAborted<T>(work: Promise<T> | T, signal: AbortSignal): Promise<T> {
  const promise = Promise.resolve(work);
  if (signal.aborted) {
    // A rejection that comes after the abort no longer matters, but must not go unhandled.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }

    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
