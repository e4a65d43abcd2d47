/**
 * The retry policy, in one place for every store: which failures are worth
 * another attempt, how long to wait, and when to give up.
 *
 * Backoff is "full jitter": a random delay between 0 and
 * min(maxDelayMs, baseDelayMs * 2^attempt), which spreads out clients that
 * failed together. A server's Retry-After wins when it is longer. The
 * caller's AbortSignal is checked before each attempt and ends a sleep at
 * once; the total deadline bounds attempts and sleeps together.
 */
import { InvalidOptionsError, NetworkError, type NoDBError, TimeoutError } from './errors.js';

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

/** HTTP statuses worth another attempt: timeout, throttling and transient server errors. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Validates retry options and fills in defaults. */
export function resolveRetryOptions(options: RetryOptions = {}): Required<RetryOptions> {
  const resolved = { ...RETRY_DEFAULTS, ...options };

  for (const [name, value] of Object.entries(resolved)) {
    // Timers hold at most 2^31 - 1 ms; a longer delay would fire at once.
    const valid = name === 'retries' ? Number.isInteger(value) && value >= 0 && value <= 20 : value > 0 && value <= MAX_TIMER_MS;
    if (typeof value !== 'number' || !valid) {
      throw new InvalidOptionsError(
        `retry.${name} must be ${name === 'retries' ? 'an integer from 0 to 20' : `a number of milliseconds from 1 to ${MAX_TIMER_MS}`}, ` +
          `not ${String(value)}.`,
      );
    }
  }
  return resolved;
}

/** One attempt: its number, and a signal that fires on its timeout or on the caller's abort. */
export interface Attempt {
  number: number;
  signal: AbortSignal;
}

/**
 * Runs `operation` until it succeeds, fails with an error `isRetryable` rejects,
 * or the retries or the deadline run out. A timed-out attempt raises
 * TimeoutError (and is retried); the caller's abort rejects with its reason.
 */
export async function withRetry<T>(
  operation: (attempt: Attempt) => Promise<T>,
  settings: {
    policy: Required<RetryOptions>;
    signal?: AbortSignal | undefined;
    isRetryable: (error: unknown) => boolean;
    retryAfterMs?: (error: unknown) => number | undefined;
    beforeRetry?: ((event: RetryEvent) => void) | undefined;
    describe: string;
  },
): Promise<T> {
  const { policy, signal } = settings;
  const deadline = Date.now() + policy.deadlineMs;

  for (let number = 1; ; number++) {
    signal?.throwIfAborted();

    let error: unknown;
    try {
      // An attempt never runs past the deadline.
      const timeoutMs = Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now()));
      return await runAttempt(operation, number, timeoutMs, signal, settings.describe);
    } catch (caught) {
      error = caught;
    }

    if (signal?.aborted) throw signal.reason;
    if (number > policy.retries || !settings.isRetryable(error)) throw error;

    const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (number - 1));
    const retryAfter = Math.min(settings.retryAfterMs?.(error) ?? 0, policy.maxDelayMs);
    const delayMs = Math.max(backoff, retryAfter);

    if (Date.now() + delayMs >= deadline) {
      throw new TimeoutError(
        `${settings.describe} did not succeed within the ${policy.deadlineMs} ms deadline ` +
          `(${number} attempts). The last error: ${(error as Error)?.message ?? String(error)}`,
        { cause: error, ...errorContext(error) },
      );
    }

    settings.beforeRetry?.({ attempt: number, delayMs, error });
    await sleep(delayMs, signal);
  }
}

/**
 * True for failures that leave a request's outcome unknown: no response came
 * (a network error or a timeout), so the server may have applied it. An error
 * response is taken as "not applied".
 * NOTE: that is an assumption about S3 servers; one that applied a write and
 * then answered 5xx would make a retried conditional write look like a conflict.
 */
export function isUnanswered(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof TimeoutError;
}

/** Reads a Retry-After header: seconds, or an HTTP date. Returns milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);

  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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

async function runAttempt<T>(
  operation: (attempt: Attempt) => Promise<T>,
  number: number,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  describe: string,
): Promise<T> {
  const controller = new AbortController();
  const timeout = new TimeoutError(`${describe} timed out after ${timeoutMs} ms (attempt ${number}).`);
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  const onAbort = () => controller.abort(callerSignal!.reason);
  callerSignal?.addEventListener('abort', onAbort, { once: true });

  try {
    return await operation({ number, signal: controller.signal });
  } catch (error) {
    // fetch rejects with its own AbortError; report why the attempt was aborted instead.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onAbort);
  }
}

function errorContext(error: unknown): { key?: string; bucket?: string } {
  const known = error as Partial<NoDBError> | undefined;
  return { key: known?.key, bucket: known?.bucket };
}
